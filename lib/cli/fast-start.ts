/**
 * Imported first by main.ts. tsx turns on Node's source-map support so stack traces point at .ts
 * lines; Node then parses the source map of every module it loads, which costs ~0.15 s and 20 MB of a
 * 0.7 s synth. Synth reports bad input as one line without a stack, so maps are only kept for DEBUG=1.
 */
if (!process.env.DEBUG) process.setSourceMapsEnabled(false);

export {};
