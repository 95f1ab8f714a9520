/**
 * Progress of a long run (synth over hundreds of instances, bench), as one line rewritten in place on a
 * terminal: `synth: render 412/1002`. Nothing at all when the stream is not a TTY, under CI (`CI` set, as
 * every CI system does), or when the command is asked to be quiet (`--quiet`, `--json`): logs stay clean.
 */
export interface Progress {
  /** Where the run is: `phase` and, when counted, `done` of `total`. Throttled: a terminal line at most every 100 ms. */
  update(phase: string, done?: number, total?: number): void;
  /** Clears the line (before the command's own output). */
  end(): void;
}

/** The stream as a terminal, when it is one. */
interface MaybeTty {
  readonly isTTY?: boolean;
  write(s: string): unknown;
}

const SILENT: Progress = { update: () => undefined, end: () => undefined };

/** Minimum time between two redraws, in ms. */
const EVERY_MS = 100;

/**
 * A progress line on `stream` labelled `label`, or a silent one (see the module comment).
 * @param env the environment read for `CI` (default: the process's)
 */
export function progressLine(stream: MaybeTty, label: string, opts: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {}): Progress {
  const env = opts.env ?? process.env;
  if (opts.quiet || stream.isTTY !== true || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return SILENT;
  let last = 0;
  let shown = false;
  return {
    update(phase, done, total) {
      const now = Date.now();
      const final = done !== undefined && done === total;
      if (!final && now - last < EVERY_MS) return;
      last = now;
      shown = true;
      // \r and "erase to end of line" (ESC [ K): the line is rewritten, never scrolled.
      stream.write(`\r${label}: ${phase}${done !== undefined && total !== undefined ? ` ${done}/${total}` : ''}\u001b[K`);
    },
    end() {
      if (shown) stream.write('\r\u001b[K');
      shown = false;
    },
  };
}
