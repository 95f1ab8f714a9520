/**
 * RFC 6902 JSON Patch operations and RFC 6901 JSON Pointers (pure): the types of the escape hatch's
 * patches (./escape-hatch.ts) and what an operation needs of the document it applies to. Applying them is
 * cdk8s's (`ApiObject.addJsonPatch`, lib/synth/escape-hatch.ts); this module only says, before that, why an
 * operation would not apply: a path that does not exist, a `test` that fails.
 */

/** A JSON value (what a manifest holds). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * One RFC 6902 operation. `path` and `from` are JSON Pointers (RFC 6901): `/spec/replicas`,
 * `/spec/template/spec/containers/0/args/-` (`-` appends to a list), and `~1` for a `/` inside a key
 * (`/metadata/annotations/example.com~1owner`), `~0` for a `~`.
 */
export type JsonPatchOp =
  /** Sets a key of an object (its parent must exist) or inserts into a list (at an index up to its length, or `-`). */
  | { readonly op: 'add'; readonly path: string; readonly value: JsonValue }
  /** Removes what is at `path` (it must exist). */
  | { readonly op: 'remove'; readonly path: string }
  /** Replaces what is at `path` (it must exist). */
  | { readonly op: 'replace'; readonly path: string; readonly value: JsonValue }
  /** Copies what is at `from` (it must exist) to `path`, as `add` does. */
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  /** Moves what is at `from` (it must exist) to `path`, as `remove` then `add` do. */
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  /** Requires what is at `path` to equal `value` (synth fails otherwise: a guard for the ops after it). */
  | { readonly op: 'test'; readonly path: string; readonly value: JsonValue };

export const JSON_PATCH_OPS = ['add', 'remove', 'replace', 'copy', 'move', 'test'] as const;

/** A JSON Pointer: '' (the whole document) or `/`-separated tokens, `~` only as `~0` or `~1`. */
export const JSON_POINTER = /^(\/([^~/]|~[01])*)*$/;

/** The tokens of a pointer (`~1` -> `/`, `~0` -> `~`). */
export function pointerTokens(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const INDEX = /^(0|[1-9][0-9]*)$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is at `tokens` in `doc`: `{ value }` when it exists, else the pointer prefix that does not. */
function lookup(doc: unknown, tokens: readonly string[]): { value: unknown } | { missing: string } {
  let at: unknown = doc;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const exists = Array.isArray(at) ? INDEX.test(t) && Number(t) < at.length : isObject(at) && Object.prototype.hasOwnProperty.call(at, t);
    if (!exists) return { missing: `/${tokens.slice(0, i + 1).map((x) => x.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` };
    at = Array.isArray(at) ? at[Number(t)] : (at as Record<string, unknown>)[t];
  }
  return { value: at };
}

/** Why `add` (or the add half of copy/move) at `pointer` does not apply to `doc`; undefined when it does. */
function addProblem(doc: unknown, pointer: string): string | undefined {
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0) return undefined;
  const parent = lookup(doc, tokens.slice(0, -1));
  if ('missing' in parent) return `${parent.missing} does not exist (add creates only the last key of its path)`;
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent.value)) {
    if (last !== '-' && !(INDEX.test(last) && Number(last) <= parent.value.length)) {
      return `"${last}" is not an index of the list at ${pointer.slice(0, pointer.lastIndexOf('/')) || '/'} (0 to ${parent.value.length}, or "-" to append)`;
    }
  } else if (!isObject(parent.value)) {
    return `${pointer.slice(0, pointer.lastIndexOf('/'))} is neither an object nor a list`;
  }
  return undefined;
}

/** Why `pointer` does not exist in `doc` (remove, replace, test, the `from` of copy and move); undefined when it does. */
function existsProblem(doc: unknown, pointer: string): string | undefined {
  const found = lookup(doc, pointerTokens(pointer));
  return 'missing' in found ? `${found.missing} does not exist` : undefined;
}

/** Deep equality of JSON values (key order does not matter), as RFC 6902 `test` compares. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/**
 * Why `op` would not apply to `doc`, as the field of the op to blame (`path` or `from`) and the reason;
 * undefined when it applies. RFC 6902 semantics: remove/replace/test need `path` to exist, copy/move need
 * `from` to exist, add (and copy/move) need the parent of `path` to exist, a `test` value must equal.
 */
export function jsonPatchProblem(doc: unknown, op: JsonPatchOp): { field: 'path' | 'from'; reason: string } | undefined {
  const at = (field: 'path' | 'from', reason: string | undefined) => (reason ? { field, reason: `${op.op}: ${reason}` } : undefined);
  switch (op.op) {
    case 'add':
      return at('path', addProblem(doc, op.path));
    case 'remove':
    case 'replace':
      return at('path', existsProblem(doc, op.path));
    case 'test': {
      const missing = existsProblem(doc, op.path);
      if (missing) return at('path', missing);
      const found = lookup(doc, pointerTokens(op.path)) as { value: unknown };
      return jsonEqual(found.value, op.value) ? undefined : at('path', `${op.path} is ${show(found.value)}, not ${show(op.value)}`);
    }
    case 'copy':
      return at('from', existsProblem(doc, op.from)) ?? at('path', addProblem(doc, op.path));
    case 'move': {
      if (op.from === '') return at('from', 'the whole document cannot move');
      if (op.path.startsWith(`${op.from}/`)) return at('path', `${op.path} is inside ${op.from}, which moves`);
      const missing = existsProblem(doc, op.from);
      if (missing) return at('from', missing);
      // The add half sees the document without `from` (a list's later items shift down).
      const tokens = pointerTokens(op.from);
      const rest = structuredClone(doc);
      const parent = (lookup(rest, tokens.slice(0, -1)) as { value: unknown }).value;
      const last = tokens[tokens.length - 1];
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete (parent as Record<string, unknown>)[last];
      return at('path', addProblem(rest, op.path));
    }
  }
}
