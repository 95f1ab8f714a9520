import { ConfigError, configErrorsOf, joinPath, throwAll } from './errors';

/**
 * Small runtime checkers for user-written specs. TypeScript catches these at compile time
 * (`npm run typecheck`), but `npm run synth` runs without a type check, so every field is checked
 * again here, with the field path, and unknown keys are refused (a typo must never be silently ignored).
 */
export class Checker {
  /** The errors kept by {@link part}, reported together by {@link done}. */
  private readonly found: ConfigError[] = [];

  constructor(public readonly file: string | undefined) {}

  fail(path: string, reason: string): never {
    throw new ConfigError(this.file, path, reason);
  }

  /**
   * Checks one independent part of a spec (a field, or fields that only make sense together): its first
   * error is kept and checking goes on with the next part, so a user sees every mistake of a file in one run.
   * Call {@link done} at the end.
   */
  part(check: () => void): void {
    try {
      check();
    } catch (e) {
      const errors = configErrorsOf(e);
      if (!errors) throw e;
      this.found.push(...errors);
    }
  }

  /** Throws what the parts kept: nothing, the one error, or all of them (ConfigErrors). */
  done(): void {
    throwAll(this.found);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(path, `must be an object, got ${describe(value)}`);
    }
    return value as Record<string, unknown>;
  }

  /** Refuses keys that are not in `allowed`, naming the closest allowed key. */
  keys(value: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        const hint = closest(key, allowed);
        this.fail(joinPath(path, key), `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`);
      }
    }
  }

  string(value: unknown, path: string, opts: { pattern?: RegExp; allowed?: string; maxLength?: number } = {}): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(path, `must be a non-empty string, got ${describe(value)}`);
    const s = value as string;
    if (opts.maxLength !== undefined && s.length > opts.maxLength) {
      this.fail(path, `"${s}" is longer than ${opts.maxLength} characters`);
    }
    if (opts.pattern && !opts.pattern.test(s)) this.fail(path, `"${s}" is not allowed; allowed: ${opts.allowed ?? String(opts.pattern)}`);
    return s;
  }

  optionalString(value: unknown, path: string, opts: { pattern?: RegExp; allowed?: string; maxLength?: number } = {}): string | undefined {
    return value === undefined ? undefined : this.string(value, path, opts);
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, got ${describe(value)}`);
    }
    return value as number;
  }

  optionalInteger(value: unknown, path: string, min: number, max?: number): number | undefined {
    return value === undefined ? undefined : this.integer(value, path, min, max);
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${describe(value)}`);
    return value as boolean;
  }

  optionalBoolean(value: unknown, path: string): boolean | undefined {
    return value === undefined ? undefined : this.boolean(value, path);
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.join(', ')}, got ${describe(value)}`);
    }
    return value as T;
  }

  stringArray(value: unknown, path: string, opts: { pattern?: RegExp; allowed?: string } = {}): string[] {
    if (!Array.isArray(value)) this.fail(path, `must be a list of strings, got ${describe(value)}`);
    return (value as unknown[]).map((v, i) => this.string(v, `${path}[${i}]`, opts));
  }

  /** A map of string keys to string values (config maps, env vars). */
  stringMap(value: unknown, path: string, keyPattern: RegExp, keyAllowed: string): Record<string, string> {
    const obj = this.object(value, path);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (!keyPattern.test(k)) this.fail(joinPath(path, k), `invalid key; allowed: ${keyAllowed}`);
      if (typeof v !== 'string') this.fail(joinPath(path, k), `must be a string, got ${describe(v)} (quote numbers and booleans)`);
      out[k] = v as string;
    }
    return out;
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The allowed word closest to `word` by edit distance, if close enough to be a likely typo. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** RFC 1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric, at most 63 characters. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_LABEL_ALLOWED = 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
/** An environment variable name as Kubernetes accepts it (C identifier style). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const ENV_NAME_ALLOWED = 'letters, digits and "_", not starting with a digit';
/** A ConfigMap key. */
export const CONFIG_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** Whether an image reference names a tag or a digest (`repo:tag`, `repo@sha256:...`), not a bare repository. */
export function isPinnedImage(image: string): boolean {
  return !/\s/.test(image) && /[:@]/.test(image.slice(image.lastIndexOf('/') + 1));
}

/** Whether two absolute mount paths overlap: the same, or one inside the other. */
export function pathsOverlap(a: string, b: string): boolean {
  const inside = (x: string, dir: string) => x === dir || x.startsWith(`${dir.replace(/\/$/, '')}/`);
  return inside(a, b) || inside(b, a);
}
