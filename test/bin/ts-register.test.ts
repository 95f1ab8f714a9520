/**
 * bin/ts-register.cjs's cache, in a temp dir (TYPED_GITOPS_CACHE_DIR): copies of the repository share
 * entries (the key is the source, the esbuild version and the path relative to the package root, not
 * the absolute path); a changed file gets a new entry; old and excess entries are pruned, at most
 * once an hour.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const HOOK = path.resolve(__dirname, '..', '..', 'bin', 'ts-register.cjs');
const DAY = 24 * 3600e3;

let tmp: string;
let cache: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-hook-'));
  cache = path.join(tmp, 'cache');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A package (package.json + lib/answer.ts) at `dir`, printing `value`. */
function writeCopy(dir: string, value: number): void {
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "copy", "private": true }\n');
  fs.writeFileSync(path.join(dir, 'lib', 'answer.ts'), `const answer: number = ${value};\nconsole.log(answer);\n`);
}

/** Runs lib/answer.ts of `dir` through the hook; returns what it printed. */
function run(dir: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, ['--require', HOOK, path.join(dir, 'lib', 'answer.ts')], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, DEBUG: '', TYPED_GITOPS_CACHE_DIR: cache, ...env },
  });
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.stdout.trim();
}

const entries = () => fs.readdirSync(cache).filter((n) => n.endsWith('.js')).sort();
const age = (file: string, ms: number) => {
  const t = new Date(Date.now() - ms);
  fs.utimesSync(file, t, t);
};

test('two copies of the same file in different directories share one entry; a changed file gets a new one', () => {
  writeCopy(path.join(tmp, 'a'), 42);
  writeCopy(path.join(tmp, 'nested', 'b'), 42);
  expect(run(path.join(tmp, 'a'))).toBe('42');
  expect(entries()).toHaveLength(1);
  const [entry] = entries();
  expect(run(path.join(tmp, 'nested', 'b'))).toBe('42');
  expect(entries()).toEqual([entry]);

  writeCopy(path.join(tmp, 'nested', 'b'), 43);
  expect(run(path.join(tmp, 'nested', 'b'))).toBe('43');
  expect(entries()).toHaveLength(2);
  expect(entries()).toContain(entry);
  // The cached JavaScript is what runs: a hit does not transpile again.
  fs.writeFileSync(path.join(cache, entry), 'console.log("from the cache");\n');
  expect(run(path.join(tmp, 'a'))).toBe('from the cache');
});

test('the same file at another path inside the package is another entry', () => {
  writeCopy(path.join(tmp, 'a'), 42);
  run(path.join(tmp, 'a'));
  fs.mkdirSync(path.join(tmp, 'a', 'other'));
  fs.copyFileSync(path.join(tmp, 'a', 'lib', 'answer.ts'), path.join(tmp, 'a', 'other', 'answer.ts'));
  const r = spawnSync(process.execPath, ['--require', HOOK, path.join(tmp, 'a', 'other', 'answer.ts')], { encoding: 'utf8', env: { ...process.env, DEBUG: '', TYPED_GITOPS_CACHE_DIR: cache } });
  expect(r.stdout.trim()).toBe('42');
  expect(entries()).toHaveLength(2);
});

test('pruning: entries unused for 7 days go, at most once an hour; a hit counts as a use', () => {
  writeCopy(path.join(tmp, 'a'), 42);
  run(path.join(tmp, 'a'));
  const [used] = entries();
  const old = path.join(cache, 'old.js');
  fs.writeFileSync(old, '// stale');
  age(old, 8 * DAY);
  age(path.join(cache, used), 3 * DAY);
  fs.writeFileSync(path.join(cache, '.pruned'), ''); // last pruned two hours ago
  age(path.join(cache, '.pruned'), 2 * 3600e3);

  run(path.join(tmp, 'a'));
  expect(fs.existsSync(old)).toBe(false);
  // The entry just used is kept and its mtime refreshed.
  expect(entries()).toEqual([used]);
  expect(Date.now() - fs.statSync(path.join(cache, used)).mtimeMs).toBeLessThan(3600e3);

  // Within the hour: no scan, the stale entry stays.
  fs.writeFileSync(old, '// stale');
  age(old, 8 * DAY);
  run(path.join(tmp, 'a'));
  expect(fs.existsSync(old)).toBe(true);
  // An hour later it goes.
  age(path.join(cache, '.pruned'), 2 * 3600e3);
  run(path.join(tmp, 'a'));
  expect(fs.existsSync(old)).toBe(false);
});

test('pruning: beyond 50 MB the least recently used entries go first', () => {
  fs.mkdirSync(cache, { recursive: true });
  // Sparse files: their size counts, no disk is used.
  const big = (name: string, mb: number, daysAgo: number) => {
    const file = path.join(cache, name);
    fs.writeFileSync(file, '');
    fs.truncateSync(file, mb * 1024 * 1024);
    age(file, daysAgo * DAY);
    return file;
  };
  const oldest = big('oldest.js', 20, 3);
  const older = big('older.js', 20, 2);
  const recent = big('recent.js', 20, 1);
  writeCopy(path.join(tmp, 'a'), 42);
  run(path.join(tmp, 'a'));
  expect([oldest, older, recent].map((f) => fs.existsSync(f))).toEqual([false, true, true]);
  expect(entries()).toHaveLength(3);
});
