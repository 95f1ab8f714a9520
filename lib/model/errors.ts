/**
 * The one error type for bad input. It carries the source file (absolute or repo-relative) and the
 * field path inside the value defined there, so the CLI can print a single line such as
 * `envs/prod.ts: apps.echo.regions.eu-west-2: unknown region "eu-west-2" of prod (did you mean "eu-west-1"?) (allowed: us-east-1, eu-west-1)`.
 */
export class ConfigError extends Error {
  /** The file that defines the bad value, e.g. `/repo/envs/prod.ts` (may be undefined when unknown). */
  public readonly file: string | undefined;
  /** Dotted field path inside that file's value, e.g. `apps.echo.regions.eu-west-2`. */
  public readonly field: string;
  /** What is wrong and what is allowed. */
  public readonly reason: string;

  constructor(file: string | undefined, field: string, reason: string) {
    super(`${file ? `${file}: ` : ''}${field ? `${field}: ` : ''}${reason}`);
    this.name = 'ConfigError';
    this.file = file;
    this.field = field;
    this.reason = reason;
  }

  /** The same error attributed to another file (used when a value is re-checked elsewhere). */
  withFile(file: string | undefined): ConfigError {
    return new ConfigError(file, this.field, this.reason);
  }
}

/** Joins a field path: `join('apps', 'echo')` -> `apps.echo`; keys that are not identifiers stay readable. */
export function joinPath(...parts: (string | number | undefined)[]): string {
  return parts
    .filter((p): p is string | number => p !== undefined && p !== '')
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

/**
 * Best-effort: the source file of the first stack frame outside lib/model, i.e. the file that called
 * `defineApp`/`defineEnvironment`. Reading the stack is not I/O; it keeps errors pointing at the user's file
 * whatever they named it.
 */
export function callerFile(): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (/[\\/]lib[\\/]model[\\/]/.test(file) || file.includes('node_modules') || file.startsWith('node:')) continue;
    return file;
  }
  return undefined;
}

/**
 * Several independent ConfigErrors found in one run (e.g. the instances of different apps or envs): reported
 * together, one line each, so a user fixes them all at once. Never holds fewer than two.
 */
export class ConfigErrors extends Error {
  public readonly errors: readonly ConfigError[];

  constructor(errors: readonly ConfigError[]) {
    super(`${errors.length} errors: ${errors.map((e) => e.message).join('; ')}`);
    this.name = 'ConfigErrors';
    this.errors = errors;
  }
}

/** The ConfigErrors an error stands for (itself, or a ConfigErrors' list), or undefined for any other error. */
export function configErrorsOf(e: unknown): readonly ConfigError[] | undefined {
  if (e instanceof ConfigError) return [e];
  if (e instanceof ConfigErrors) return e.errors;
  return undefined;
}

/** The first error of each file and field, in order: the same mistake seen from several env/regions is one line to fix. */
export function uniqueByField(errors: readonly ConfigError[]): ConfigError[] {
  return [...new Map([...errors].reverse().map((e) => [`${e.file ?? ''}\0${e.field}`, e])).values()].reverse();
}

/**
 * Throws what `errors` holds: nothing, the one error, or all of them. One per file and field (the first): the same
 * mistake seen from several env/regions is one line to fix.
 */
export function throwAll(errors: readonly ConfigError[]): void {
  const unique = uniqueByField(errors);
  if (unique.length === 1) throw unique[0];
  if (unique.length > 1) throw new ConfigErrors(unique);
}

/** While set (inside {@link deferDefinitionErrors}), the definers keep their errors here instead of throwing. */
let deferred: ConfigError[] | undefined;

/** What {@link deferDefinitionErrors} saw: the loader's value, or what it threw, and the errors the definers kept. */
export interface DeferredLoad<T> {
  readonly value?: T;
  /** What the loader threw (undefined when it returned). */
  readonly thrown?: unknown;
  readonly errors: readonly ConfigError[];
}

/**
 * Runs `load` (which requires apps/ and envs/) with the definers' checks deferred: `defineApp`, `defineEnvironment`
 * and the registries keep their ConfigErrors and return the definition, so the next modules load and are checked
 * too, and the CLI reports every mistake of every file in one run. Outside it (library use, tests), definers throw
 * at once. Not reentrant across awaits: `load` is synchronous (`require`).
 */
export function deferDefinitionErrors<T>(load: () => T): DeferredLoad<T> {
  const outer = deferred;
  const errors: ConfigError[] = [];
  deferred = errors;
  try {
    return { value: load(), errors };
  } catch (thrown) {
    return { thrown, errors };
  } finally {
    deferred = outer;
  }
}

/**
 * Runs a definer's check: throws its errors at once, or inside {@link deferDefinitionErrors} keeps them and
 * returns false (the definition is broken; see `markBroken`). True when the check passed.
 */
export function definitionCheck(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    const found = configErrorsOf(e);
    if (!found || !deferred) throw e;
    deferred.push(...found);
    return false;
  }
}
