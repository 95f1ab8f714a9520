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
    // Other files named in the reason (e.g. "also in /repo/envs/dev.ts") are shown repo-relative too.
    const reason = ce.reason.replaceAll(cwd + path.sep, '');
    return `error: ${where}${ce.field ? `${ce.field}: ` : ''}${reason}`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').filter((l) => l.trim() !== '');
  // esbuild (tsx) syntax errors: "Transform failed with 1 error:\n/abs/file.ts:8:12: ERROR: Unexpected ...".
  const syntax = lines.map((l) => /^(.+?):(\d+):(\d+): ERROR: (.*)$/.exec(l.trim())).find((m) => m);
  if (/^Transform failed/.test(lines[0] ?? '') && syntax) {
    return `error: ${path.relative(cwd, path.resolve(cwd, syntax[1]))}:${syntax[2]}:${syntax[3]}: syntax error: ${syntax[4]}`;
  }
  const first = lines[0] ?? msg;
  return `error: ${first.replaceAll(cwd + path.sep, '')}`;
}
