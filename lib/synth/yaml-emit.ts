import { Yaml } from 'cdk8s';

/**
 * A fast YAML emitter for synth's plain JSON objects, byte-identical to cdk8s's `Yaml.stringify`
 * (the `yaml` package 2.x with `{ keepUndefined: true, lineWidth: 0, version: '1.1' }`).
 *
 * The structure (block mappings and sequences, `{}` and `[]`, indentation, numbers, booleans, null)
 * is written here. A string is written as-is only when {@link isSafePlain} proves the `yaml` package
 * would write it plain too; every other string (quoted, block scalars, keywords, numbers and dates
 * written as strings, non-ASCII) is rendered by the `yaml` package itself, once, and memoized. A whole
 * document goes to the `yaml` package when it holds anything that is not plain JSON data: a class
 * instance (Date, Map, ...), a bigint, the same object twice (the package writes anchors and
 * aliases), a key longer than 1024 characters (an explicit `? ` key), or a scalar at the root.
 *
 * "The `yaml` package" is always cdk8s's `Yaml.stringify` itself (cdk8s bundles its own, pinned copy of
 * the package, which need not be the version in our node_modules), so the delegated parts are the
 * reference's bytes by construction.
 */

/** Thrown (and caught per document) when a document needs the `yaml` package as a whole. */
const DELEGATE = Symbol('delegate to the yaml package');

/** Over this many characters the `yaml` package writes an explicit key (`? key\n: value`). */
const MAX_IMPLICIT_KEY = 1024;

/**
 * Printable ASCII, the first character one the `yaml` package never quotes ([A-Za-z0-9_/$(], `.` not
 * followed by `.`, or `-`/`--` followed by a word character: never `---` or `...`), no `: ` or ` #` inside, not ending in a space
 * or `:`. Everything else (tabs, non-ASCII, indicators) is left to the `yaml` package.
 */
const SAFE_PLAIN = /^(?:[A-Za-z0-9_/$(]|\.(?!\.)|--?(?=\w))[\x20-\x7e]*$/;
const UNSAFE_INSIDE = /: | #|[ :]$/;
/** Starts like a number (optional sign, then a digit, `.` or an exponent) ... */
const NUMBER_START = /^[-+]?[0-9.eE]/;
/**
 * ... and has a radix prefix (0x, 0o, 0b) or only characters of YAML 1.1/1.2 decimal ints, floats,
 * sexagesimals and timestamps (so a hex digest such as `7d2a1b4` stays on the fast path, `12e45` not).
 */
const NUMBER_LIKE = /^[-+]?0[xXoObB]|^[0-9eE_.:+ tTzZ-]*$/;
/** YAML 1.1 and 1.2 booleans, null, infinities and NaN, in any case. */
const KEYWORD = /^(?:y|n|yes|no|on|off|true|false|null|[-+]?\.?(?:inf|nan))$/i;

/**
 * True when `s` is certainly written plain (as-is) by the `yaml` package, as a value at any depth and
 * as a key (of at most 1024 characters; longer keys are explicit `? ` keys whatever their style).
 * Conservative: a false answer only means "ask the `yaml` package".
 */
export function isSafePlain(s: string): boolean {
  return (
    SAFE_PLAIN.test(s) &&
    !UNSAFE_INSIDE.test(s) &&
    !KEYWORD.test(s) &&
    !(NUMBER_START.test(s) && NUMBER_LIKE.test(s))
  );
}

const INDENT: string[] = [''];
function indent(level: number): string {
  while (INDENT.length <= level) INDENT.push(INDENT[INDENT.length - 1] + '  ');
  return INDENT[level];
}

/** Delegated values that render on one line (the same at every depth). */
const valueOneLine = new Map<string, string>();
/** Delegated values that render on several lines, by context indent level (continuation lines differ). */
const valueMultiLine = new Map<string, string[]>();
/** Delegated keys of the root mapping, and of any deeper mapping (the `yaml` package tells them apart). */
const keyAtRoot = new Map<string, string | typeof DELEGATE>();
const keyNested = new Map<string, string | typeof DELEGATE>();
const MEMO_LIMIT = 100_000;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** Strips the `prefix` and the trailing newline the wrapper document adds around the scalar. */
function unwrap(out: string, prefix: string, suffix: string): string {
  if (!out.startsWith(prefix) || !out.endsWith(suffix)) throw new Error(`yaml-emit: unexpected yaml output ${JSON.stringify(out)}`);
  return out.slice(prefix.length, out.length - suffix.length);
}

/** The `yaml` package's rendering of string `s` as a value whose context indent is `level` steps. */
function delegatedValue(s: string, level: number): string {
  const one = valueOneLine.get(s);
  if (one !== undefined) return one;
  const multi = valueMultiLine.get(s)?.[level];
  if (multi !== undefined) return multi;
  // `a: <s>` nested `level` mappings deep puts <s> at exactly that indent.
  let wrapper: unknown = s;
  let prefix = '';
  for (let l = 0; l < level; l++) {
    wrapper = { a: wrapper };
    prefix += `${indent(l)}a:${l === level - 1 ? ' ' : '\n'}`;
  }
  const out = unwrap(Yaml.stringify(wrapper), prefix, '\n');
  if (!out.includes('\n')) return remember(valueOneLine, s, out);
  const levels = valueMultiLine.get(s) ?? remember(valueMultiLine, s, []);
  levels[level] = out;
  return out;
}

/** The `yaml` package's rendering of string `s` as a mapping key (DELEGATE: an explicit key). */
function delegatedKey(s: string, root: boolean): string | typeof DELEGATE {
  const memo = root ? keyAtRoot : keyNested;
  const known = memo.get(s);
  if (known !== undefined) return known;
  const out = Yaml.stringify(root ? { [s]: 1 } : { a: { [s]: 1 } });
  const key = out.startsWith('? ') || out.startsWith('a:\n  ? ') ? DELEGATE : unwrap(out, root ? '' : 'a:\n  ', ': 1\n');
  return remember(memo, s, key);
}

function key(s: string, level: number): string {
  if (s.length <= MAX_IMPLICIT_KEY && isSafePlain(s)) return s;
  const k = delegatedKey(s, level === 1);
  if (k === DELEGATE) throw DELEGATE;
  return k;
}

function number(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : String(n);
  return Number.isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
}

/** A scalar in value position, its context indent `level` steps (>= 1). */
function scalar(v: unknown, level: number): string {
  switch (typeof v) {
    case 'string':
      return isSafePlain(v) ? v : delegatedValue(v, level);
    case 'number':
      return number(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (v === null) return 'null';
      throw DELEGATE;
  }
}

/** 'map' or 'seq' for plain JSON containers, undefined for scalars; throws DELEGATE for anything else. */
function containerKind(v: unknown): 'map' | 'seq' | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const proto = Object.getPrototypeOf(v);
  if (proto === Array.prototype && Array.isArray(v)) return 'seq';
  if (proto === Object.prototype || proto === null) return 'map';
  throw DELEGATE;
}

/** Objects met so far in the current document (a second meeting means an alias in the reference). */
const seen = new Set<object>();

/**
 * A block mapping or sequence whose context indent is `level` steps (`{}` / `[]` when empty, which
 * no non-empty body equals: a mapping's has a `:` after its first key, a sequence's starts with `- `).
 */
function collection(v: object, kind: 'map' | 'seq', level: number): string {
  if (seen.has(v)) throw DELEGATE;
  seen.add(v);
  const sep = `\n${indent(level)}`;
  let out = '';
  if (kind === 'seq') {
    const items = v as unknown[];
    if (items.length === 0) return '[]';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const k = containerKind(item);
      out += (i === 0 ? '- ' : `${sep}- `) + (k === undefined ? scalar(item, level + 1) : collection(item as object, k, level + 1));
    }
    return out;
  }
  const map = v as Record<string, unknown>;
  const keys = Object.keys(map);
  if (keys.length === 0) return '{}';
  for (let i = 0; i < keys.length; i++) {
    const value = map[keys[i]];
    const k = containerKind(value);
    let pair = `${key(keys[i], level + 1)}:`;
    if (k === undefined) pair += ` ${scalar(value, level + 1)}`;
    else {
      const body = collection(value as object, k, level + 1);
      pair += body === '{}' || body === '[]' ? ` ${body}` : `\n${indent(level + 1)}${body}`;
    }
    out += i === 0 ? pair : sep + pair;
  }
  return out;
}

function stringifyDoc(doc: unknown): string {
  try {
    const kind = containerKind(doc);
    if (kind === undefined) throw DELEGATE;
    seen.clear();
    return `${collection(doc as object, kind, 0)}\n`;
  } catch (e) {
    if (e !== DELEGATE) throw e;
    return Yaml.stringify(doc);
  } finally {
    seen.clear();
  }
}

/**
 * Serializes documents exactly as cdk8s's `Yaml.stringify(...docs)` does (same bytes), several times
 * faster for plain JSON data: each document is written as YAML 1.1 with no line folding, documents are
 * separated by `---\n`, and an `undefined` document is an empty line.
 */
export function stringifyDocs(...docs: unknown[]): string {
  return docs.map((d) => (d === undefined ? '\n' : stringifyDoc(d))).join('---\n');
}
