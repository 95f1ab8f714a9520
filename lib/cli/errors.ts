import * as path from 'node:path';
import { ConfigError } from '../model';
import { locateField } from './locate';

/**
 * One line for any error: `file:line: field: reason` for bad input (ConfigError), the first line of
 * the message otherwise. Set DEBUG=1 for the stack.
 */
export function formatError(e: unknown, cwd = process.cwd()): string {
  if (e instanceof ConfigError || (e instanceof Error && e.name === 'ConfigError')) {
    const ce = e as ConfigError;
    let where = '';
    if (ce.file) {
      const abs = path.resolve(cwd, ce.file);
      const line = ce.field ? locateField(abs, ce.field) : undefined;
      where = `${path.relative(cwd, abs) || abs}${line ? `:${line}` : ''}: `;
    }
    return `error: ${where}${ce.field ? `${ce.field}: ` : ''}${ce.reason}`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  return `error: ${first.replaceAll(cwd + path.sep, '')}`;
}
