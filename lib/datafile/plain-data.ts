import { DataObject, DataValue, defineKey } from './read';

// ---------------------------------------------------------------------------------------------
// Plain-data helpers

/** True for a non-array object (a DataObject). */
export function isObject(v: DataValue | undefined): v is DataObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep equality of plain data (key order does not matter). */
export function deepEqual(a: DataValue, b: DataValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Why `v` is not plain data, or undefined when it is. */
export function notPlainData(v: unknown, seen: Set<unknown> = new Set()): string | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : `the number ${v} cannot be written as a literal`;
  if (typeof v !== 'object') return `a value of type ${typeof v} is not plain data`;
  if (seen.has(v)) return 'the value is cyclic';
  seen.add(v);
  try {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return 'arrays must not have holes';
        const r = notPlainData(v[i], seen);
        if (r) return r;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return 'only plain objects are plain data (not class instances)';
    for (const k of Object.keys(v)) {
      const r = notPlainData((v as Record<string, unknown>)[k], seen);
      if (r) return `${k}: ${r}`;
    }
    return undefined;
  } finally {
    seen.delete(v);
  }
}

/** A deep copy of plain data. */
export function clone(v: DataValue): DataValue {
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) {
    const out: DataObject = {};
    for (const k of Object.keys(v)) defineKey(out, k, clone(v[k]));
    return out;
  }
  return v;
}

/** `value` wrapped in objects for the keys of `rest`: (['a', 'b'], 1) -> { a: { b: 1 } }. */
export function nest(rest: readonly string[], value: DataValue): DataValue {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const o: DataObject = {};
    defineKey(o, rest[i], v);
    v = o;
  }
  return v;
}

/** True when `key` is a canonical array index (`0`, `1`, ... no leading zeros). */
export function isIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key);
}

/** The expected data after setting `value` at `p` (mirrors setValue; the caller checked the path). */
export function dataWithSet(data: DataValue, p: readonly string[], value: DataValue): DataValue {
  if (p.length === 0) return clone(value);
  const out = clone(data);
  let cur: DataValue = out;
  for (let i = 0; i < p.length - 1; i++) {
    const k = p[i];
    if (Array.isArray(cur)) {
      cur = cur[Number(k)];
    } else if (isObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, k)) {
        defineKey(cur, k, nest(p.slice(i + 1), clone(value)));
        return out;
      }
      cur = cur[k];
    }
  }
  const last = p[p.length - 1];
  if (Array.isArray(cur)) cur[Number(last)] = clone(value);
  else if (isObject(cur)) defineKey(cur, last, clone(value));
  return out;
}

/** The expected data after deleting the property at `p` (the caller checked it exists). */
export function dataWithDelete(data: DataValue, p: readonly string[]): DataValue {
  const out = clone(data);
  let cur: DataValue = out;
  for (let i = 0; i < p.length - 1; i++) cur = Array.isArray(cur) ? cur[Number(p[i])] : (cur as DataObject)[p[i]];
  delete (cur as DataObject)[p[p.length - 1]];
  return out;
}
