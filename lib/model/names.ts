import { closest } from './check';

/**
 * The one wording of "no such name" reasons (apps, environments, regions), with a did-you-mean for
 * a near miss and the list of what is allowed. Callers add the file and field (ConfigError,
 * ReleaseError, a usage error).
 */

/** ` (did you mean "echo"?)` when `name` is a likely typo of one of `known`, else ''. */
function hint(name: string, known: readonly string[]): string {
  const h = closest(name, known);
  return h ? ` (did you mean "${h}"?)` : '';
}

/** `unknown app "ech0" (did you mean "echo"?); registered apps: echo, book-shop` */
export function unknownApp(name: unknown, known: readonly string[]): string {
  const n = String(name);
  return `unknown app "${n}"${hint(n, known)}; registered apps: ${known.join(', ') || '(none)'}`;
}

/** `unknown environment "prdo" (did you mean "prod"?); allowed: dev, staging, prod` */
export function unknownEnvironment(name: unknown, known: readonly string[]): string {
  const n = String(name);
  return `unknown environment "${n}"${hint(n, known)}; allowed: ${known.join(', ')}`;
}

/** `unknown region "eu-west-2" of prod (did you mean "eu-west-1"?) (allowed: us-east-1, eu-west-1)` */
export function unknownRegion(name: unknown, env: string, known: readonly string[]): string {
  const n = String(name);
  return `unknown region "${n}" of ${env}${hint(n, known)} (allowed: ${known.join(', ')})`;
}
