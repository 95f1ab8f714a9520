import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository under test (this checkout): the library, the entry points, node_modules. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The frozen example repository whose data (apps/, envs/, dist/) the tests use. */
export const EXAMPLE = path.join(ROOT, 'test', 'fixtures', 'example');

/** Code and tooling, copied from the checkout. */
const CODE = ['lib', 'imports', 'bin', 'main.ts', 'seal.ts', 'release.ts', 'validate.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml'];
/** Data, copied from the fixture repository (never the live apps/ and envs/, which bots edit). */
const DATA = ['apps', 'envs', 'dist'];

/**
 * A throwaway repository: the checkout's code with a fixture repository's data (default: the frozen
 * example), node_modules symlinked, for tests that run the real commands. Remove it with `cleanup()`.
 */
export class TempRepo {
  readonly dir: string;

  constructor(fixture: string = EXAMPLE) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-'));
    for (const entry of CODE) {
      const src = path.join(ROOT, entry);
      if (fs.existsSync(src)) fs.cpSync(src, path.join(this.dir, entry), { recursive: true });
    }
    for (const entry of DATA) {
      const src = path.join(fixture, entry);
      if (fs.existsSync(src)) fs.cpSync(src, path.join(this.dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
  }

  path(rel: string): string {
    return path.join(this.dir, rel);
  }

  read(rel: string): string {
    return fs.readFileSync(this.path(rel), 'utf8');
  }

  write(rel: string, content: string): void {
    fs.mkdirSync(path.dirname(this.path(rel)), { recursive: true });
    fs.writeFileSync(this.path(rel), content);
  }

  /** Replaces exactly one occurrence of `from` in a file (fails the test if it is not there once). */
  edit(rel: string, from: string, to: string): void {
    const text = this.read(rel);
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${rel}: expected "${from}" exactly once, found ${count}`);
    this.write(rel, text.replace(from, to));
  }

  /** Runs the synth entry point as `npm run synth` does (without npm's own start-up). */
  synth(...args: string[]): CommandResult {
    return this.run(process.execPath, ['--require', require.resolve('../../bin/ts-register.cjs'), 'main.ts', ...args]);
  }

  run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): CommandResult {
    const r = spawnSync(cmd, args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_OUTDIR: '', NO_COLOR: '1', ...env },
      timeout: 120_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Every file under `rel` (default dist/) with its bytes, for before/after comparisons. */
  snapshotTree(rel = 'dist'): Map<string, string> {
    const out = new Map<string, string>();
    const base = this.path(rel);
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else out.set(path.relative(base, p), fs.readFileSync(p, 'utf8'));
      }
    };
    walk(base);
    return out;
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
