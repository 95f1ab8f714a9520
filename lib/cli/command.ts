import { Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { describeError, ErrorData } from './errors';
import { formatFinding, GATE_HINT, PolicyFinding } from '../policy/engine';

/**
 * Shared plumbing of the CLI commands: commander throws instead of exiting (so tests can run the
 * commands in-process) and writes to the given streams.
 */
export function quietExit(cmd: Command, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Command {
  return cmd.exitOverride().configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });
}

/**
 * What a command prints on stdout, under `--json` (or validate's `--format json`), when it refuses
 * (exit 3) or fails (exit 1, 2 for usage errors): exactly this one object. The human line stays on stderr.
 */
export interface JsonFailure {
  readonly ok: false;
  /** The process's exit code. */
  readonly exit: number;
  readonly error: ErrorData;
}

/** Where a command reports, and whether the user asked for JSON. */
export interface FailureIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly json: boolean;
  /** Paths in messages are shown relative to it. @default process.cwd() */
  readonly cwd?: string;
  /** The output directory as shown before a policy finding's file (dist/-relative). @default 'dist' */
  readonly outdir?: string;
  /** The label of a refused gate's summary line, e.g. `synth` (`synth: 2 policy error(s); nothing written ...`). @default the error label */
  readonly gateLabel?: string;
}

/**
 * Prints `{ ok: false, exit, error }` on stdout (one object, indented like the commands' other JSON
 * output), with the command's own details after it (e.g. synth's stale files or policy findings).
 */
export function writeJsonFailure(out: NodeJS.WritableStream, exit: number, error: ErrorData, details: object = {}): void {
  const failure: JsonFailure = { ok: false, exit, error };
  out.write(`${JSON.stringify({ ...failure, ...details }, null, 2)}\n`);
}

/**
 * Reports a refusal or failure and returns its exit code: one line on stderr (`error: ...`, or
 * `refused: ...` for a refusal), and with `json` the {@link JsonFailure} object on stdout. Set
 * DEBUG=1 for the stack.
 */
/** At most this many error lines per run; the rest are counted (`+N more`). */
export const MAX_ERRORS = 20;

export function fail(io: FailureIo, exit: number, e: unknown, label: 'error' | 'refused' = 'error'): number {
  // The policy gate refused what synth would write (synth, and release/seal --commit): every finding, one line each.
  const findings = e instanceof Error && e.name === 'PolicyGateError' ? (e as Error & { findings: readonly PolicyFinding[] }).findings : undefined;
  if (findings) {
    const outdir = io.outdir ?? 'dist';
    for (const f of findings) io.err.write(`${formatFinding(f, `${outdir}/`)}\n`);
    const message = `${findings.length} policy error(s); nothing written`;
    io.err.write(`${io.gateLabel ?? label}: ${message} (${GATE_HINT})\n`);
    if (io.json) writeJsonFailure(io.out, exit, { message, file: null, line: null, field: null }, { outdir, findings });
    return exit;
  }
  // Several independent errors of one run: one line each (at most MAX_ERRORS), then how many more.
  const all = e instanceof Error && (e.name === 'ConfigErrors' || e.name === 'LoadErrors') ? (e as Error & { errors: readonly unknown[] }).errors : undefined;
  if (all) {
    const described = all.map((x) => describeError(x, io.cwd));
    for (const d of described.slice(0, MAX_ERRORS)) io.err.write(`${label}: ${d.message}\n`);
    if (described.length > MAX_ERRORS) io.err.write(`${label}: +${described.length - MAX_ERRORS} more\n`);
    if (io.json) writeJsonFailure(io.out, exit, described[0], { errors: described });
    return exit;
  }
  const data = describeError(e, io.cwd);
  io.err.write(`${label}: ${data.message}\n`);
  if (process.env.DEBUG && e instanceof Error && e.stack) io.err.write(`${e.stack}\n`);
  if (io.json) writeJsonFailure(io.out, exit, data);
  return exit;
}

/**
 * Whether the arguments ask for JSON output (`--json`, `--format json` or `--format=json` before a
 * `--`). Read from argv rather than from commander's options because a usage error can stop
 * commander before it reaches the flag.
 */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return args.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && args[i + 1] === 'json'));
}

/**
 * After commander threw: the exit code (0 after --help/--version, 2 for a usage error, which
 * commander has already printed on stderr) and, for a usage error under --json, the JSON failure on
 * stdout. Commander's message starts with its own `error: ` label, dropped like ours.
 */
export function commanderExit(e: unknown, argv: readonly string[], out: NodeJS.WritableStream): number {
  if ((e as { exitCode?: number }).exitCode === 0) return 0;
  if (wantsJson(argv)) {
    const label = 'error: ';
    const first = e instanceof CommanderError ? e.message.split('\n')[0] : undefined;
    writeJsonFailure(out, 2, first !== undefined
      ? { message: first.startsWith(label) ? first.slice(label.length) : first, file: null, line: null, field: null }
      : describeError(e));
  }
  return 2;
}

/**
 * Parses user arguments. Returns undefined to go on, or the exit code when commander already
 * answered: 0 after --help/--version, 2 for a usage error (commander printed it; with --json the
 * JSON failure too).
 */
export function parseArgs(cmd: Command, argv: readonly string[], out: NodeJS.WritableStream = process.stdout): number | undefined {
  try {
    cmd.parse(argv as string[], { from: 'user' });
    return undefined;
  } catch (e) {
    return commanderExit(e, argv, out);
  }
}

/** The streams (and clock) a command uses instead of the process's: tests run commands in-process with their own. */
export interface CommandIo {
  /** Standard output. @default process.stdout */
  readonly out?: NodeJS.WritableStream;
  /** Standard error. @default process.stderr */
  readonly err?: NodeJS.WritableStream;
  /** Standard input (seal reads the value from it). @default process.stdin */
  readonly stdin?: NodeJS.ReadableStream;
  /** Now (release holds, certificate validity). @default new Date() */
  readonly now?: Date;
}

/** Runs a command's promise as the process's exit code (entry points: main.ts, seal.ts, ...). */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

/** A stream that keeps what is written, synchronously (nothing is pending when a command returns): a command's output, run in-process. */
export class TextSink extends Writable {
  /** Everything written so far. */
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
