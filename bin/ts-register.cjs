/**
 * A minimal TypeScript require hook for the project's commands (`node --require ./bin/ts-register.cjs main.ts`).
 *
 * Why not `tsx`: tsx's CommonJS hook also inspects every `.js` file that is loaded (for ES module
 * syntax), which costs ~0.35 s on the TypeScript compiler (9 MB) and ~0.2 s on cdk8s-plus-28 at every
 * run. This hook only handles the project's own `.ts` files: each is transpiled once with esbuild
 * (a dependency of tsx, already installed) and the JavaScript is cached, so later runs skip esbuild.
 * No type checking (that is `npm run typecheck`). DEBUG=1 keeps source maps for stack traces.
 *
 * The cache: node_modules/.cache/typed-gitops/ts/ (or $TYPED_GITOPS_CACHE_DIR), one `<key>.js` per
 * transpiled file. The key hashes the source, the esbuild version and the file's path relative to its
 * package root (the nearest directory with a package.json), so temporary copies of the repository
 * (the CLI tests make dozens) share entries. With DEBUG=1 the inline source map names the absolute
 * file, so the absolute path is part of the key. A hit refreshes the entry's mtime (at most once a
 * day); at start, at most once an hour (the `.pruned` stamp's mtime), entries unused for 7 days are
 * deleted, then the oldest until the cache holds at most 50 MB. Delete the directory to clear it.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const cacheDir = process.env.TYPED_GITOPS_CACHE_DIR
  ? path.resolve(process.env.TYPED_GITOPS_CACHE_DIR)
  : path.join(__dirname, '..', 'node_modules', '.cache', 'typed-gitops', 'ts');
const debug = !!process.env.DEBUG;

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const PRUNE_EVERY = HOUR;
const MAX_AGE = 7 * DAY;
const MAX_BYTES = 50 * 1024 * 1024;
const TOUCH_AFTER = DAY;
const STAMP = '.pruned';

let esbuild;
let esbuildVersion;
const rootOfDir = new Map();

/** The nearest directory holding a package.json (the repository root, or a copy's), memoized per directory. */
function packageRoot(dir) {
  let root = rootOfDir.get(dir);
  if (root !== undefined) return root;
  const parent = path.dirname(dir);
  root = fs.existsSync(path.join(dir, 'package.json')) || parent === dir ? dir : packageRoot(parent);
  rootOfDir.set(dir, root);
  return root;
}

function cacheKey(source, filename) {
  // The version from package.json: a cache hit must not load esbuild.
  esbuildVersion ??= JSON.parse(fs.readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  const rel = path.relative(packageRoot(path.dirname(filename)), filename).split(path.sep).join('/');
  return crypto.createHash('sha256')
    .update(`esbuild ${esbuildVersion}\0${rel}\0${debug ? `map ${filename}` : 'nomap'}\0`)
    .update(source)
    .digest('hex');
}

/** The cached JavaScript, or undefined; refreshes the entry's mtime (its "last used") once a day. */
function readCached(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const code = fs.readFileSync(fd, 'utf8');
    try {
      if (Date.now() - fs.fstatSync(fd).mtimeMs > TOUCH_AFTER) fs.futimesSync(fd, new Date(), new Date());
    } catch {
      // not ours to touch: pruning may then drop it early, which only costs a transpile
    }
    return code;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * At most once per PRUNE_EVERY (the stamp's mtime, so a normal start costs one stat): deletes
 * entries not used for MAX_AGE, then the least recently used until the cache is under MAX_BYTES.
 */
function prune(now) {
  const stamp = path.join(cacheDir, STAMP);
  try {
    if (now - fs.statSync(stamp).mtimeMs < PRUNE_EVERY) return;
  } catch {
    if (!fs.existsSync(cacheDir)) return;
  }
  try {
    fs.writeFileSync(stamp, ''); // first, so concurrent starts do not all scan
  } catch {
    return; // read-only: nothing we could delete either
  }
  const entries = [];
  for (const name of fs.readdirSync(cacheDir)) {
    if (name === STAMP) continue;
    const file = path.join(cacheDir, name);
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) continue;
      if (now - st.mtimeMs > MAX_AGE) fs.rmSync(file, { force: true });
      else entries.push({ file, size: st.size, mtime: st.mtimeMs });
    } catch {
      // removed by a concurrent prune
    }
  }
  let total = entries.reduce((n, e) => n + e.size, 0);
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const e of entries) {
    if (total <= MAX_BYTES) break;
    fs.rmSync(e.file, { force: true });
    total -= e.size;
  }
}

function transpile(source, filename) {
  const cached = path.join(cacheDir, `${cacheKey(source, filename)}.js`);
  const hit = readCached(cached);
  if (hit !== undefined) return hit;
  esbuild ??= require('esbuild');
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcefile: filename,
    sourcemap: debug ? 'inline' : false,
  });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // a read-only node_modules only costs speed
  }
  return code;
}

try {
  prune(Date.now());
} catch {
  // pruning is housekeeping: never a reason to fail a command
}
require.extensions['.ts'] = function loadTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
if (debug) process.setSourceMapsEnabled(true);
