import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One repository of the fake registry: the manifests it holds and its tags (tag -> digest). */
export interface FakeRepo {
  manifests: string[];
  tags: Record<string, string>;
}

/** The fake registry's state file (see test/support/fake-crane.cjs). */
export interface RegistryState {
  repos: Record<string, FakeRepo>;
  /** Commands that fail, with crane's error message (e.g. `{ ls: 'UNAUTHORIZED: authentication required' }`). */
  fail?: Record<string, string>;
  /** `crane tag` writes this digest instead of the one asked for (another writer tagged meanwhile). */
  tagWrites?: string;
  /** Every crane call, in order. */
  calls?: string[][];
}

/**
 * A directory with a `bin/crane` that is the fake crane (test/support/fake-crane.cjs) over a JSON
 * registry: put `bin` first on PATH and pass `env` to the process under test. Remove it with `cleanup()`.
 */
export class FakeRegistry {
  readonly dir: string;
  readonly bin: string;
  readonly file: string;

  constructor(state: RegistryState) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-registry-'));
    this.bin = path.join(this.dir, 'bin');
    this.file = path.join(this.dir, 'registry.json');
    fs.mkdirSync(this.bin);
    fs.writeFileSync(
      path.join(this.bin, 'crane'),
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, 'fake-crane.cjs')}" "$@"\n`,
      { mode: 0o755 },
    );
    this.write(state);
  }

  write(state: RegistryState): void {
    fs.writeFileSync(this.file, `${JSON.stringify({ calls: [], ...state }, null, 2)}\n`);
  }

  read(): RegistryState & { calls: string[][] } {
    return JSON.parse(fs.readFileSync(this.file, 'utf8')) as RegistryState & { calls: string[][] };
  }

  /** The registry's repositories (state without the call log). */
  repos(): Record<string, FakeRepo> {
    return this.read().repos;
  }

  /** The crane commands called, e.g. `['digest', 'ls', 'tag', 'digest']`. */
  commands(): string[] {
    return this.read().calls.map((c) => c[0]);
  }

  /** PATH (fake crane first) and the state file, for the environment of the process under test. */
  get env(): Record<string, string> {
    return { PATH: `${this.bin}:${process.env.PATH}`, FAKE_REGISTRY: this.file, HOME: this.dir };
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
