import * as fs from 'node:fs';
import * as path from 'node:path';
// Types only: lib/datafile loads the TypeScript compiler, which synth must not pay for. The classes
// are recognized by their `name` (each sets it), which also survives two copies of a module.
import type { DataFileError } from '../datafile';
import type { ConfigError } from '../model';
import type { ReleaseError } from '../release/types';
import type { SealError } from '../seal';
import { locateField } from './locate';

/**
 * An error as data: the one line a human reads and where it points. `message` is the line printed
 * on stderr without its `error: ` prefix (it names the file, line and field itself); `file`
 * (relative when inside the working directory, the repository; absolute elsewhere), `line` (1-based) and `field` (dotted path, or
 * the option such as `--region`) are null when unknown. Built from the errors' own fields, never by
 * parsing a message.
 */
export interface ErrorData {
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly field: string | null;
}

/** Bad command-line usage that names an option or a file (one line, nothing written). */
export class UsageError extends Error {
  public readonly file: string | undefined;
  public readonly field: string | undefined;
  public readonly reason: string;

  constructor(reason: string, where: { file?: string; field?: string } = {}) {
    super(`${where.file ? `${where.file}: ` : ''}${where.field ? `${where.field}: ` : ''}${reason}`);
    this.name = 'UsageError';
    this.file = where.file;
    this.field = where.field;
    this.reason = reason;
  }
}

/** esbuild's transform error (thrown through bin/ts-register.cjs): its messages carry their location. */
interface EsbuildFailure {
  readonly errors: readonly { readonly text: string; readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null }[];
}

function isEsbuildFailure(e: unknown): e is EsbuildFailure & Error {
  const errors = (e as Partial<EsbuildFailure> | undefined)?.errors;
  return e instanceof Error && Array.isArray(errors) && errors.length > 0 && typeof errors[0]?.text === 'string';
}

/** Describes any error; see {@link ErrorData}. Set DEBUG=1 for the stack (the commands print it). */
export function describeError(e: unknown, cwd = process.cwd()): ErrorData {
  // Inside the working directory (the repository) relative, elsewhere absolute.
  const rel = (file: string) => {
    const abs = path.resolve(cwd, file);
    const r = path.relative(cwd, abs);
    return r && !r.startsWith(`..${path.sep}`) && r !== '..' && !path.isAbsolute(r) ? r : abs;
  };
  // Other files named in a reason (e.g. "also in /repo/envs/dev.ts") are shown repo-relative too.
  const tidy = (reason: string) => reason.replaceAll(cwd + path.sep, '');
  const located = (file: string | undefined, line: number | undefined, field: string | undefined, reason: string): ErrorData => {
    const where = file ? `${rel(file)}${line ? `:${line}` : ''}: ` : '';
    return { message: `${where}${field ? `${field}: ` : ''}${tidy(reason)}`, file: file ? rel(file) : null, line: line ?? null, field: field || null };
  };
  // Bad input in apps/, envs/ or releases.ts: the line is found from the field (TypeScript compiler, loaded only here).
  const lineOf = (file: string | undefined, field: string) => (file && field ? locateField(path.resolve(cwd, file), field) : undefined);
  const named = <T extends Error>(name: string): T | undefined => (e instanceof Error && e.name === name ? (e as T) : undefined);
  const config = named<ConfigError>('ConfigError');
  if (config) return located(config.file, lineOf(config.file, config.field), config.field, config.reason);
  const release = named<ReleaseError>('ReleaseError');
  if (release) return located(release.file, release.line ?? lineOf(release.file, release.field), release.field, release.reason);
  const dataFile = named<DataFileError>('DataFileError');
  if (dataFile) return located(dataFile.file, dataFile.line, dataFile.field, dataFile.reason);
  const usage = named<UsageError>('UsageError');
  if (usage) return located(usage.file, undefined, usage.field, usage.reason);
  const seal = named<SealError>('SealError');
  if (seal) return { message: tidy(seal.message), file: seal.file ? rel(seal.file) : null, line: null, field: null };
  if (isEsbuildFailure(e)) {
    const { text, location } = e.errors[0];
    if (location) {
      const file = rel(location.file);
      return { message: `${file}:${location.line}:${location.column}: syntax error: ${text}`, file, line: location.line, field: null };
    }
    return { message: `syntax error: ${text}`, file: null, line: null, field: null };
  }
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  // Thrown while loading apps/ or envs/ (a misspelled identifier, a call on undefined): the user's file from the stack.
  const where = e instanceof Error ? userFrame(e, cwd) : undefined;
  if (where) {
    const line = lineOfLoadError(where, first);
    return { message: `${rel(where)}${line ? `:${line}` : ''}: ${tidy(first)}`, file: rel(where), line: line ?? null, field: null };
  }
  return { message: tidy(first), file: null, line: null, field: null };
}

/** The first stack frame in the repository's apps/ or envs/ (TypeScript sources), or undefined. */
function userFrame(e: Error, cwd: string): string | undefined {
  for (const m of (e.stack ?? '').matchAll(/\(?((?:\/|[A-Za-z]:)[^():\s]+\.ts):\d+:\d+\)?/g)) {
    const r = path.relative(cwd, m[1]);
    if (!r.startsWith('..') && /^(apps|envs)[\\/]/.test(r)) return m[1];
  }
  return undefined;
}

/**
 * The source line of a load error. The stack's line is the transpiled code's (bin/ts-register.cjs keeps no source
 * maps, for speed), so the line is found in the source instead: the first line using the identifier a
 * ReferenceError or TypeError names. Undefined when the message names none.
 */
function lineOfLoadError(file: string, message: string): number | undefined {
  const name = /^(\S+) is not defined$/.exec(message)?.[1] ?? /^Cannot read properties of undefined \(reading '([^']+)'\)$/.exec(message)?.[1];
  if (!name || !/^[\w$]+$/.test(name)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => new RegExp(`(^|[^\\w$.'"\`]|\\.\\.\\.)${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(l.replace(/\/\/.*$/, '')));
  return at >= 0 ? at + 1 : undefined;
}

/** One line for any error: `error: file:line: field: reason` for bad input, the first line of the message otherwise. */
export function formatError(e: unknown, cwd = process.cwd()): string {
  return `error: ${describeError(e, cwd).message}`;
}
