import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { TextSink } from '../../lib/cli/command';

/** The repository under test (this checkout): the library, the entry points, node_modules. */
export const ROOT = path.resolve(__dirname, '..', '..');

/** The frozen example repository whose data (apps/, envs/, dist/) the tests use. */
export const EXAMPLE = path.join(ROOT, 'test', 'fixtures', 'example');

/** Code directories, symlinked to the checkout's (no test edits them; one copy of each module in memory). */
const LINKED = ['lib', 'imports', 'bin', 'node_modules'];
/** Entry points and project files, copied from the checkout. */
const CODE = ['main.ts', 'diff.ts', 'seal.ts', 'release.ts', 'validate.ts', 'new-app.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml'];
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
    for (const entry of LINKED) fs.symlinkSync(path.join(ROOT, entry), path.join(this.dir, entry), 'dir');
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

  /** Runs the synth entry point as `npm run synth` does, in a process of its own (without npm's own start-up). */
  synth(...args: string[]): CommandResult {
    return this.run(process.execPath, ['--require', require.resolve('../../bin/ts-register.cjs'), 'main.ts', ...args]);
  }

  /**
   * Runs a command in this process, as its entry point would (`main.ts`, `release.ts`, ...: their
   * exported `main`), with the repository as the working directory, fresh apps/ and envs/ modules, and
   * captured output: the same code path as `npm run <command>` without a process start per call.
   */
  async cli(command: Command, args: readonly string[], opts: CliOptions = {}): Promise<CommandResult> {
    return cliIn(this.dir, command, args, opts);
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

/** The commands and their entry points. */
const ENTRY = { synth: 'main.ts', diff: 'diff.ts', release: 'release.ts', seal: 'seal.ts', validate: 'validate.ts', 'new-app': 'new-app.ts' } as const;
export type Command = keyof typeof ENTRY;

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdin?: string | Buffer;
  readonly now?: Date;
}

/** TempRepo.cli for any repository directory with the entry points (e.g. a git clone of a TempRepo). */
export function cliIn(dir: string, command: Command, args: readonly string[], opts: CliOptions = {}): Promise<CommandResult> {
  return inProcess(dir, ENTRY[command], args, opts);
}

/**
 * Node's own require, with the project's TypeScript hook, as the commands run: not jest's module
 * registry (whose `require.cache` cannot be cleared per module, and whose `node:module` is jest's own).
 */
const nodeRequire = (process as unknown as { getBuiltinModule(id: 'module'): typeof import('node:module') })
  .getBuiltinModule('module')
  .createRequire(__filename);
/**
 * Node's own process: jest gives each test file a `process` whose `env` is a copy, which the commands (loaded
 * through Node's require) never read.
 */
const nodeProcess = nodeRequire('node:process') as NodeJS.Process;
let hooked = false;
/** One in-process command at a time: it owns the working directory, the environment and the require cache. */
let queue: Promise<unknown> = Promise.resolve();

function inProcess(dir: string, entry: string, args: readonly string[], opts: CliOptions): Promise<CommandResult> {
  const run = async (): Promise<CommandResult> => {
    if (!hooked) {
      nodeRequire(path.join(ROOT, 'bin', 'ts-register.cjs'));
      hooked = true;
    }
    // A command loads apps/ and envs/ once per process; here each call starts fresh.
    const real = fs.realpathSync(dir);
    for (const key of Object.keys(nodeRequire.cache)) {
      if (key.startsWith(`${real}${path.sep}`) || key.startsWith(`${dir}${path.sep}`)) delete nodeRequire.cache[key];
    }
    const env = { CDK8S_OUTDIR: '', NO_COLOR: '1', GITHUB_ACTOR: '', ...opts.env };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, nodeProcess.env[k]]));
    const cwd = process.cwd();
    const out = new TextSink();
    const err = new TextSink();
    try {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete nodeProcess.env[k];
        else nodeProcess.env[k] = v;
      }
      process.chdir(dir);
      const { main } = nodeRequire(path.join(dir, entry)) as { main: (argv: readonly string[], io: object) => Promise<number> };
      const stdin = Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]);
      const code = await main(args, { out, err, stdin, ...(opts.now ? { now: opts.now } : {}) });
      return { code, stdout: out.text, stderr: err.text };
    } finally {
      process.chdir(cwd);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete nodeProcess.env[k];
        else nodeProcess.env[k] = v;
      }
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}
