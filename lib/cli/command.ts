import { Command } from 'commander';

/**
 * Shared plumbing of the CLI commands: commander throws instead of exiting (so tests can run the
 * commands in-process) and writes to the given streams.
 */
export function quietExit(cmd: Command, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Command {
  return cmd.exitOverride().configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });
}

/**
 * Parses user arguments. Returns undefined to go on, or the exit code when commander already
 * answered: 0 after --help/--version, 2 for a usage error (commander printed it).
 */
export function parseArgs(cmd: Command, argv: readonly string[]): number | undefined {
  try {
    cmd.parse(argv as string[], { from: 'user' });
    return undefined;
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
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
