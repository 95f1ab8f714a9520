/**
 * How the benchmark measures a command: a fresh process, its wall time and peak RSS (GNU time when installed),
 * and its stdout (commands run with --json report what they did there).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const TIME = '/usr/bin/time';

/** One run of a command. */
export interface Run {
  /** Wall time, ms. */
  readonly ms: number;
  /** Peak resident set size, MB (NaN without GNU time). */
  readonly rssMb: number;
  readonly stdout: string;
}

/** Runs `cmd` in `cwd` once; throws with its stderr when it fails. */
export function measure(cmd: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const hasTime = fs.existsSync(TIME);
  const argv = hasTime ? [TIME, '-f', 'BENCH %e %M', ...cmd] : [...cmd];
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CDK8S_OUTDIR: '', ...env },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  const m = /BENCH [\d.]+ (\d+)/.exec(r.stderr);
  return { ms, rssMb: m ? Number(m[1]) / 1024 : NaN, stdout: r.stdout };
}

/** The median (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Per key, the median of the values the runs have for it. */
export function medianOf(rows: readonly { readonly [k: string]: number }[]): { [k: string]: number } {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(keys.map((k) => [k, median(rows.map((r) => r[k] ?? 0))]));
}

/** Runs `fn` `runs` times, reporting each run to `onRun` (a progress line). */
export function repeat<T>(runs: number, fn: (i: number) => T, onRun: (i: number) => void = () => undefined): T[] {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) {
    onRun(i);
    out.push(fn(i));
  }
  return out;
}
