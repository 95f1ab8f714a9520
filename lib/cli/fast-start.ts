/**
 * Imported first by every command's entry point (main.ts, diff.ts, new-app.ts, template.ts, seal.ts, release.ts, validate.ts).
 *
 * - Source maps: Node's source-map support (which tsx turns on) parses the map of every module it
 *   loads, ~0.15 s and 20 MB of a 0.7 s synth. Commands report bad input as one line without a
 *   stack, so maps are only kept for DEBUG=1.
 * - A closed pipe (`npm run synth | head -1`) is not an error: exit quietly instead of a stack trace.
 */
if (!process.env.DEBUG) process.setSourceMapsEnabled(false);

// Once per process, even when an entry point is loaded again (release's in-process re-apply).
const FLAG = Symbol.for('typed-gitops.fast-start');
const global_ = globalThis as { [FLAG]?: boolean };
if (!global_[FLAG]) {
  global_[FLAG] = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

export {};
