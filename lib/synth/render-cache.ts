/**
 * The render cache: an instance's dist/ file is a pure function of its resolved {@link AppInstance} and of the
 * library that renders it (constructs never read files, env vars or the clock; cdk8s's key sorting is fixed by
 * planSynth). So a file rendered once is kept, content-addressed, and a later synth whose instance resolves to the
 * same data, with the same library, takes it from here instead of building and serializing the constructs again.
 *
 * - Key: sha256 of the entry format, the library fingerprint and the instance as JSON ({@link keyJson}: anything that is
 *   not plain data throws, so two different instances can never share a key).
 * - Library fingerprint: the bytes of every file of lib/ and imports/ (L1 classes, schema validators), and the versions
 *   of the packages that render and check. A changed construct or rule, a `npm run import` or an upgrade misses.
 * - Entry: `<key>.json` holding the file's text, its objects (the set-wide rules of the policy gate judge every object,
 *   cached or not) and the findings of the gate's object-scoped rules (schemas, PSS) about them, which depend on the
 *   objects alone. Written atomically (temporary file, rename); an unreadable entry is a miss.
 * - Where: node_modules/.cache/typed-gitops/render/ of the repository, or $TYPED_GITOPS_RENDER_CACHE; `off` there (or
 *   `synth --no-cache`) renders everything. Entries unused for 7 days go, then the oldest until it holds 200 MB; at most
 *   one pruning an hour. Deleting the directory is always safe.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppInstance } from '../model';
import type { PolicyFinding } from '../policy/engine';
import type { OutputFile } from './render';

/** What the cache keeps of a rendered file. */
export interface RenderCache {
  /** The file an instance renders to, when rendered before with this library. */
  get(instance: AppInstance): OutputFile | undefined;
  /** Keeps a file just rendered from `instance`. */
  put(instance: AppInstance, file: OutputFile): void;
  /** The files rendered before from `data` (plain data: what they are a pure function of, with the library). */
  getFiles(kind: RenderedKind, data: object): OutputFile[] | undefined;
  /** Keeps the files just rendered from `data`. */
  putFiles(kind: RenderedKind, data: object, files: readonly OutputFile[]): void;
  /** Hits and misses so far. */
  readonly stats: { hits: number; misses: number };
  /** Where it is and its library fingerprint (a worker thread opens the same cache). */
  readonly location: { readonly dir: string; readonly fingerprint: string };
}

const DAY = 24 * 3600e3;
const MAX_AGE = 7 * DAY;
const MAX_BYTES = 200 * 1024 * 1024;
const PRUNE_EVERY = 3600e3;
const STAMP = '.pruned';

/** The environment variable naming the cache directory (`off` disables it). */
export const RENDER_CACHE_ENV = 'TYPED_GITOPS_RENDER_CACHE';

/**
 * The cache directory for a repository at `root`: undefined when turned off through {@link RENDER_CACHE_ENV}, or when
 * the repository has no node_modules/ (the cache never creates one: it would show up in `git status`).
 */
export function renderCacheDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env[RENDER_CACHE_ENV];
  if (setting === 'off' || setting === '0' || setting === 'false') return undefined;
  if (setting) return path.resolve(setting);
  const modules = path.join(root, 'node_modules');
  return fs.existsSync(modules) ? path.join(modules, '.cache', 'typed-gitops', 'render') : undefined;
}

/** The repository's render cache (at `root`), unless turned off through {@link RENDER_CACHE_ENV}. */
export function repoRenderCache(root: string, env: NodeJS.ProcessEnv = process.env): RenderCache | undefined {
  const dir = renderCacheDir(root, env);
  return dir === undefined ? undefined : openRenderCache(dir);
}

/**
 * The JSON the key hashes: JSON.stringify (keys in insertion order: the resolver builds them in the same order every
 * run, and another order only misses), refusing what JSON would not keep faithfully (a Map or a class instance
 * becomes `{}`, a function disappears), so two different instances can never share a key.
 */
export function keyJson(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    // The value before its toJSON (a Date would otherwise arrive as a string).
    const v = key === '' && !(key in this) ? replaced : this[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      // A plain object of any realm (jest and vm contexts have their own Object.prototype).
      if (proto !== null && !(Object.getPrototypeOf(proto) === null && proto.constructor?.name === 'Object')) {
        throw new Error(`render cache: cannot key a ${proto?.constructor?.name ?? 'non-plain'} object`);
      }
    } else if (typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol') {
      throw new Error(`render cache: cannot key a value of type ${typeof v}`);
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new Error(`render cache: cannot key the number ${v}`);
    }
    return replaced;
  });
}

const fingerprintMemo = new Map<string, string>();

/** The packages whose code renders or checks an instance's file. */
const RENDER_PACKAGES = ['cdk8s', 'cdk8s-plus-28', 'constructs', 'ajv', 'ajv-formats'];

/**
 * The library fingerprint (see the module comment): the content of lib/ and imports/ (the L1 classes and the schema
 * validators the object checks use) and the versions of the packages that render and check. Hashing imports/ (~20 MB)
 * takes ~0.1-0.2 s, so with `memoDir` the hash is kept next to a signature of every file's size and mtime and reused
 * while that signature holds (a checkout or an edit changes an mtime).
 */
export function libraryFingerprint(memoDir?: string): string {
  const lib = path.resolve(__dirname, '..');
  const imports = path.resolve(lib, '..', 'imports');
  const files = [
    ...(fs.readdirSync(lib, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(lib, f)),
    ...(fs.existsSync(imports) ? (fs.readdirSync(imports, { recursive: true, encoding: 'utf8' }) as string[]).map((f) => path.join(imports, f)) : []),
  ].sort();
  const stats = files.map((f) => ({ f, st: fs.statSync(f) })).filter((x) => x.st.isFile());
  const versions = RENDER_PACKAGES.map((p) => `${p}@${(require(`${p}/package.json`) as { version: string }).version}`).join(',');
  const signature = createHash('sha256').update(versions).update(stats.map((x) => `${x.f}\0${x.st.size}\0${x.st.mtimeMs}`).join('\0')).digest('hex');
  const known = fingerprintMemo.get(signature);
  if (known) return known;
  const memoFile = memoDir && path.join(memoDir, 'fingerprint.memo');
  if (memoFile) {
    try {
      const memo = JSON.parse(fs.readFileSync(memoFile, 'utf8')) as { signature?: string; fingerprint?: string };
      if (memo.signature === signature && typeof memo.fingerprint === 'string') {
        fingerprintMemo.set(signature, memo.fingerprint);
        return memo.fingerprint;
      }
    } catch {
      // no memo yet
    }
  }
  const hash = createHash('sha256').update(`${versions}\0`);
  for (const { f } of stats) hash.update(`${path.relative(path.dirname(lib), f)}\0`).update(fs.readFileSync(f)).update('\0');
  const fingerprint = hash.digest('hex');
  fingerprintMemo.set(signature, fingerprint);
  if (memoFile) {
    try {
      fs.mkdirSync(memoDir, { recursive: true });
      fs.writeFileSync(`${memoFile}.${process.pid}.tmp`, JSON.stringify({ signature, fingerprint }));
      fs.renameSync(`${memoFile}.${process.pid}.tmp`, memoFile);
    } catch {
      // a cache that cannot be written only costs speed
    }
  }
  return fingerprint;
}

interface EntryFile {
  readonly path: string;
  readonly content: string;
  readonly objects: number;
  readonly docs: object[];
  readonly checked: PolicyFinding[];
}

/** One entry: the files rendered from one input (an instance: its file; the control plane: its files). */
interface Entry {
  readonly files: EntryFile[];
}

/** What an entry was rendered from (part of its key). */
export type RenderedKind = 'instance' | 'control-plane';

/** The entries' format, part of every key: a new format misses the old entries. */
const FORMAT = 'render-cache/3';

/** How a render cache is opened (tests set both). */
export interface RenderCacheOptions {
  /** @default {@link libraryFingerprint} */
  readonly fingerprint?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A render cache in `dir` (created on first write). */
export function openRenderCache(dir: string, opts: RenderCacheOptions = {}): RenderCache {
  const fingerprint = opts.fingerprint ?? libraryFingerprint(dir);
  const now = opts.now ?? Date.now;
  const stats = { hits: 0, misses: 0 };
  // Computed once per input object: a miss asks for the key again to put the files.
  const keys = new WeakMap<object, string>();
  const keyOf = (kind: RenderedKind, data: object) => {
    let key = keys.get(data);
    if (!key) {
      key = createHash('sha256').update(FORMAT).update('\0').update(fingerprint).update('\0').update(kind).update('\0').update(keyJson(data)).digest('hex');
      keys.set(data, key);
    }
    return key;
  };
  const fileOf = (key: string) => path.join(dir, `${key}.json`);
  let made = false;
  prune(dir, now());
  /** The entry's path, or undefined for input that cannot be keyed faithfully (not plain data): never cached. */
  const entryOf = (kind: RenderedKind, data: object): string | undefined => {
    try {
      return fileOf(keyOf(kind, data));
    } catch {
      return undefined;
    }
  };
  const getFiles = (kind: RenderedKind, data: object): OutputFile[] | undefined => {
    const file = entryOf(kind, data);
    if (file === undefined) {
      stats.misses += 1;
      return undefined;
    }
    let entry: Entry;
    try {
      entry = JSON.parse(fs.readFileSync(file, 'utf8')) as Entry;
    } catch {
      stats.misses += 1;
      return undefined;
    }
    if (!Array.isArray(entry?.files) || !entry.files.every(isEntryFile)) {
      stats.misses += 1;
      return undefined;
    }
    stats.hits += 1;
    touch(file, now());
    return entry.files.map((f) => ({ path: f.path, content: f.content, objects: f.objects, docs: f.docs, checked: f.checked }));
  };
  const putFiles = (kind: RenderedKind, data: object, files: readonly OutputFile[]): void => {
    // Only files whose object checks ran are kept (what a hit must give back).
    if (!files.every((f) => f.checked)) return;
    try {
      if (!made) {
        fs.mkdirSync(dir, { recursive: true });
        made = true;
      }
      const target = entryOf(kind, data);
      if (target === undefined) return;
      const tmp = `${target}.${process.pid}.tmp`;
      const entry: Entry = { files: files.map((f) => ({ path: f.path, content: f.content, objects: f.objects, docs: (f.docs ?? []) as object[], checked: [...(f.checked ?? [])] })) };
      fs.writeFileSync(tmp, JSON.stringify(entry));
      fs.renameSync(tmp, target);
    } catch {
      // A cache that cannot be written (read-only checkout, full disk) only costs speed.
    }
  };
  return {
    stats,
    location: { dir, fingerprint },
    get: (instance) => getFiles('instance', instance)?.[0],
    put: (instance, file) => putFiles('instance', instance, [file]),
    getFiles,
    putFiles,
  };
}

function isEntryFile(f: EntryFile): boolean {
  return typeof f?.path === 'string' && typeof f.content === 'string' && typeof f.objects === 'number' && Array.isArray(f.docs) && Array.isArray(f.checked);
}

/** A hit refreshes the entry's mtime (what pruning goes by), at most once a day. */
function touch(file: string, now: number): void {
  try {
    if (now - fs.statSync(file).mtimeMs > DAY) fs.utimesSync(file, new Date(now), new Date(now));
  } catch {
    // gone meanwhile: nothing to keep fresh
  }
}

/** Drops entries unused for 7 days, then the oldest until the cache holds 200 MB; at most once an hour. */
function prune(dir: string, now: number): void {
  const stamp = path.join(dir, STAMP);
  try {
    if (now - fs.statSync(stamp).mtimeMs < PRUNE_EVERY) return;
  } catch {
    if (!fs.existsSync(dir)) return;
  }
  try {
    fs.writeFileSync(stamp, '');
    const entries = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => {
      const st = fs.statSync(path.join(dir, n));
      return { file: path.join(dir, n), mtime: st.mtimeMs, size: st.size };
    }).sort((a, b) => a.mtime - b.mtime);
    let total = entries.reduce((n, e) => n + e.size, 0);
    for (const e of entries) {
      if (now - e.mtime <= MAX_AGE && total <= MAX_BYTES) break;
      fs.rmSync(e.file, { force: true });
      total -= e.size;
    }
  } catch {
    // another synth pruned the same entries: fine
  }
}
