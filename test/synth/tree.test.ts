/**
 * Unit tests of the atomic dist/ writer (lib/synth/tree.ts) on a throwaway directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OutputFile } from '../../lib/synth/render';
import { diffTree, readTree, writeTree } from '../../lib/synth/tree';

const file = (p: string, content: string): OutputFile => ({ path: p, content, objects: 0 });

const V1: OutputFile[] = [
  file('README.md', '# matrix\n'),
  file('apps/dev/us-east-1/echo/echo.yaml', 'kind: Namespace\nname: echo\n'),
  file('apps/prod/us-east-1/echo/echo.yaml', 'kind: Namespace\nname: echo-prod\n'),
  file('apps/prod/us-east-1/shop/shop.yaml', 'kind: Namespace\nname: shop\n'),
];

let root: string;
let dist: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-test-'));
  dist = path.join(root, 'dist');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Every file under `dir` as relative path -> utf8 content. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, b] of readTree(dir)) out[p] = b.toString('utf8');
  return out;
}

const asRecord = (files: readonly OutputFile[]) => Object.fromEntries(files.map((f) => [f.path, f.content]));

/** Temporary or backup siblings of dist/ left in its parent directory. */
const leftovers = () => fs.readdirSync(root).filter((n) => n.startsWith('.dist-'));

/** Every directory under `dir` (relative paths). */
function dirs(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(r);
      walk(r);
    }
  };
  walk('');
  return out.sort();
}

test('writeTree creates the tree and reports every file as written and missing', () => {
  const diff = writeTree(dist, V1);
  expect(contents(dist)).toEqual(asRecord(V1));
  expect([...diff.written].sort()).toEqual(V1.map((f) => f.path).sort());
  expect([...diff.missing].sort()).toEqual(V1.map((f) => f.path).sort());
  expect(diff.unchanged).toEqual([]);
  expect(diff.removed).toEqual([]);
  expect(leftovers()).toEqual([]);
});

test('writeTree creates missing parent directories of the output directory', () => {
  const nested = path.join(root, 'out', 'deep', 'dist');
  writeTree(nested, V1);
  expect(contents(nested)).toEqual(asRecord(V1));
  expect(fs.readdirSync(path.dirname(nested))).toEqual(['dist']);
});

test('unchanged files keep their inode and bytes; changed files are rewritten', () => {
  writeTree(dist, V1);
  const echoDev = path.join(dist, 'apps/dev/us-east-1/echo/echo.yaml');
  const echoProd = path.join(dist, 'apps/prod/us-east-1/echo/echo.yaml');
  const inoDev = fs.statSync(echoDev).ino;
  const inoProd = fs.statSync(echoProd).ino;

  const v2 = V1.map((f) => (f.path === 'apps/prod/us-east-1/echo/echo.yaml' ? file(f.path, 'kind: Namespace\nname: echo-prod-v2\n') : f));
  const diff = writeTree(dist, v2);

  expect(diff.written).toEqual(['apps/prod/us-east-1/echo/echo.yaml']);
  expect(diff.missing).toEqual([]);
  expect(diff.removed).toEqual([]);
  expect([...diff.unchanged].sort()).toEqual(['README.md', 'apps/dev/us-east-1/echo/echo.yaml', 'apps/prod/us-east-1/shop/shop.yaml']);

  expect(contents(dist)).toEqual(asRecord(v2));
  expect(fs.statSync(echoDev).ino).toBe(inoDev); // hard-linked, not rewritten
  expect(fs.readFileSync(echoProd, 'utf8')).toBe('kind: Namespace\nname: echo-prod-v2\n');
  expect(fs.statSync(echoProd).ino).not.toBe(inoProd);
  expect(leftovers()).toEqual([]);
});

test('files that are no longer planned are removed, and so are their emptied directories', () => {
  writeTree(dist, V1);
  const v2 = V1.filter((f) => f.path !== 'apps/prod/us-east-1/shop/shop.yaml');
  const diff = writeTree(dist, v2);

  expect(diff.removed).toEqual(['apps/prod/us-east-1/shop/shop.yaml']);
  expect(diff.written).toEqual([]);
  expect(contents(dist)).toEqual(asRecord(v2));
  expect(fs.existsSync(path.join(dist, 'apps/prod/us-east-1/shop'))).toBe(false);
  expect(dirs(dist)).toEqual(['apps', 'apps/dev', 'apps/dev/us-east-1', 'apps/dev/us-east-1/echo', 'apps/prod', 'apps/prod/us-east-1', 'apps/prod/us-east-1/echo']);
  expect(leftovers()).toEqual([]);
});

test('files put into the output directory by hand are removed', () => {
  writeTree(dist, V1);
  fs.writeFileSync(path.join(dist, 'apps/dev/us-east-1/echo/extra.yaml'), 'kind: ConfigMap\n');
  fs.mkdirSync(path.join(dist, 'stray/dir'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'stray/dir/x.yaml'), 'x\n');

  const diff = writeTree(dist, V1);
  expect(diff.removed).toEqual(['apps/dev/us-east-1/echo/extra.yaml', 'stray/dir/x.yaml']);
  expect(contents(dist)).toEqual(asRecord(V1));
  expect(fs.existsSync(path.join(dist, 'stray'))).toBe(false);
});

test('a write with no change touches nothing (same directory and file inodes and mtimes)', () => {
  writeTree(dist, V1);
  const stamp = (p: string) => {
    const s = fs.statSync(p);
    return { ino: s.ino, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  };
  const paths = [dist, path.join(dist, 'apps'), ...V1.map((f) => path.join(dist, f.path))];
  const before = paths.map(stamp);
  const diff = writeTree(dist, V1);
  expect(diff.written).toEqual([]);
  expect(diff.removed).toEqual([]);
  expect([...diff.unchanged].sort()).toEqual(V1.map((f) => f.path).sort());
  expect(paths.map(stamp)).toEqual(before);
  expect(leftovers()).toEqual([]);
});

test('diffTree reports written, unchanged, removed and missing without writing', () => {
  fs.mkdirSync(path.join(dist, 'apps/dev/us-east-1/echo'), { recursive: true });
  fs.mkdirSync(path.join(dist, 'apps/old'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'README.md'), '# matrix\n'); // same
  fs.writeFileSync(path.join(dist, 'apps/dev/us-east-1/echo/echo.yaml'), 'kind: Namespace\nname: OLD\n'); // stale
  fs.writeFileSync(path.join(dist, 'apps/old/z.yaml'), 'z\n'); // extra
  fs.writeFileSync(path.join(dist, 'apps/old/a.yaml'), 'a\n'); // extra
  const before = contents(dist);

  const d = diffTree(dist, V1);
  expect(d.unchanged).toEqual(['README.md']);
  expect([...d.written].sort()).toEqual(['apps/dev/us-east-1/echo/echo.yaml', 'apps/prod/us-east-1/echo/echo.yaml', 'apps/prod/us-east-1/shop/shop.yaml']);
  expect([...d.missing].sort()).toEqual(['apps/prod/us-east-1/echo/echo.yaml', 'apps/prod/us-east-1/shop/shop.yaml']);
  expect(d.removed).toEqual(['apps/old/a.yaml', 'apps/old/z.yaml']); // sorted
  expect(contents(dist)).toEqual(before);
  expect(leftovers()).toEqual([]);
});

test('diffTree of a directory that does not exist: every file is missing', () => {
  const d = diffTree(path.join(root, 'nope'), V1);
  expect([...d.missing].sort()).toEqual(V1.map((f) => f.path).sort());
  expect([...d.written].sort()).toEqual(V1.map((f) => f.path).sort());
  expect(d.unchanged).toEqual([]);
  expect(d.removed).toEqual([]);
  expect(fs.existsSync(path.join(root, 'nope'))).toBe(false);
});

test('diffTree compares bytes: a trailing newline or a CRLF is a change', () => {
  writeTree(dist, V1);
  fs.writeFileSync(path.join(dist, 'README.md'), '# matrix\r\n');
  fs.appendFileSync(path.join(dist, 'apps/dev/us-east-1/echo/echo.yaml'), '\n');
  expect([...diffTree(dist, V1).written].sort()).toEqual(['README.md', 'apps/dev/us-east-1/echo/echo.yaml']);
});

test('no .dist-tmp-* or .dist-old-* siblings remain after writes', () => {
  writeTree(dist, V1);
  writeTree(dist, V1.slice(1));
  writeTree(dist, [...V1.slice(1), file('new/file.yaml', 'n\n')]);
  writeTree(dist, []);
  expect(leftovers()).toEqual([]);
  expect(fs.readdirSync(root)).toEqual(['dist']);
  expect(contents(dist)).toEqual({});
});

describe('recovery after an interrupted write', () => {
  const DEAD_PID = 999999;

  beforeAll(() => {
    // Precondition: the pid used for the leftovers must not be a running process.
    expect(() => process.kill(DEAD_PID, 0)).toThrow();
  });

  test('a missing dist/ is restored from its .dist-old-<pid>-<x> sibling before diffing; leftovers are removed', () => {
    writeTree(dist, V1);
    const ino = fs.statSync(path.join(dist, 'README.md')).ino;
    // Simulate a synth killed between `rename(dist, old)` and `rename(tmp, dist)`.
    fs.renameSync(dist, path.join(root, `.dist-old-${DEAD_PID}-abc123`));
    fs.mkdirSync(path.join(root, `.dist-tmp-${DEAD_PID}-abc123/apps`), { recursive: true });
    fs.writeFileSync(path.join(root, `.dist-tmp-${DEAD_PID}-abc123/apps/half.yaml`), 'half\n');

    const v2 = V1.map((f) => (f.path === 'apps/prod/us-east-1/shop/shop.yaml' ? file(f.path, 'kind: Namespace\nname: shop-v2\n') : f));
    const diff = writeTree(dist, v2);

    // The diff is against the restored tree, not against an empty directory.
    expect(diff.written).toEqual(['apps/prod/us-east-1/shop/shop.yaml']);
    expect(diff.missing).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unchanged).toHaveLength(3);
    expect(contents(dist)).toEqual(asRecord(v2));
    expect(fs.statSync(path.join(dist, 'README.md')).ino).toBe(ino);
    expect(leftovers()).toEqual([]);
  });

  test('with nothing to change, the restored tree is kept as is', () => {
    writeTree(dist, V1);
    fs.renameSync(dist, path.join(root, `.dist-old-${DEAD_PID}-zz`));
    const diff = writeTree(dist, V1);
    expect(diff.written).toEqual([]);
    expect(diff.unchanged).toHaveLength(V1.length);
    expect(contents(dist)).toEqual(asRecord(V1));
    expect(leftovers()).toEqual([]);
  });

  test('leftovers of a synth that is still running (live pid) are left alone', () => {
    writeTree(dist, V1);
    const live = path.join(root, `.dist-tmp-${process.ppid}-live`);
    fs.mkdirSync(live);
    writeTree(dist, V1.slice(1));
    expect(fs.existsSync(live)).toBe(true);
    expect(leftovers()).toEqual([path.basename(live)]);
  });

  test('when dist/ exists, stale .dist-old-* and .dist-tmp-* siblings of dead runs are dropped, dist/ wins', () => {
    writeTree(dist, V1);
    fs.mkdirSync(path.join(root, `.dist-old-${DEAD_PID}-a1`));
    fs.writeFileSync(path.join(root, `.dist-old-${DEAD_PID}-a1/README.md`), 'older\n');
    fs.mkdirSync(path.join(root, `.dist-tmp-${DEAD_PID}-a1`));
    const diff = writeTree(dist, V1);
    expect(diff.written).toEqual([]);
    expect(contents(dist)).toEqual(asRecord(V1));
    expect(leftovers()).toEqual([]);
  });
});

test('a failure while writing throws and leaves the previous tree intact, with no temporary directories', () => {
  writeTree(dist, V1);
  const before = contents(dist);
  const ino = fs.statSync(dist).ino;
  // `a` is both a planned file and a planned directory (of `a/b.yaml`): the build must fail.
  const bad = [...V1, file('a', 'file\n'), file('a/b.yaml', 'nested\n')];
  expect(() => writeTree(dist, bad)).toThrow();
  expect(contents(dist)).toEqual(before);
  expect(fs.statSync(dist).ino).toBe(ino);
  expect(leftovers()).toEqual([]);

  // Same with the directory planned first.
  const bad2 = [...V1, file('a/b.yaml', 'nested\n'), file('a', 'file\n')];
  expect(() => writeTree(dist, bad2)).toThrow();
  expect(contents(dist)).toEqual(before);
  expect(leftovers()).toEqual([]);
});

test('a failed first write leaves no output directory and no temporary directories', () => {
  expect(() => writeTree(dist, [file('a', 'file\n'), file('a/b.yaml', 'nested\n')])).toThrow();
  expect(fs.existsSync(dist)).toBe(false);
  expect(leftovers()).toEqual([]);
});
