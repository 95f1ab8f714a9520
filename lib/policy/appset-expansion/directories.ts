import { readdirSync, statSync } from 'fs';
import { join } from 'path';
import { pathMatch } from '../glob';
import { byBytes, GitDirectoryItem, Obj } from './types';

/*
 * The repo server's side of the git directories generator: the directory listing
 * (reposerver/repository/repository.go `GetGitDirectories`), the include/exclude filter
 * (applicationset/generators/git.go `filterApps`) and the template parameters of a directory
 * (`generateParamsFromApps`).
 */

export interface ListDirectoriesOptions {
  /** Keep directories with no file below them (a git checkout cannot contain them). Default false. */
  includeEmpty?: boolean;
  /** Directory names skipped wherever they are (besides hidden ones). Default ['node_modules']. */
  skip?: readonly string[];
}

/**
 * Every directory below `repoRoot` as Argo CD's repo server lists it for the git directories
 * generator: relative, POSIX separators, no leading `/`, `.` itself dropped, hidden directories
 * (and `node_modules`) skipped with everything below them, pre-order, names sorted bytewise like
 * Go's os.ReadDir. Symbolic links are not followed (WalkDir does not follow them either).
 */
export function listDirectories(repoRoot: string, options: ListDirectoriesOptions = {}): string[] {
  const skip = new Set(options.skip ?? ['node_modules']);
  const out: string[] = [];
  // Returns whether the directory holds at least one file (what git would need to create it).
  const walk = (abs: string, rel: string, record: boolean): boolean => {
    const entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => byBytes(a.name, b.name));
    let hasFile = false;
    for (const entry of entries) {
      if (!entry.isDirectory()) {
        hasFile = true;
        continue;
      }
      if (entry.name === '.git' || skip.has(entry.name)) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const hidden = entry.name.startsWith('.');
      const at = out.length;
      if (record && !hidden) out.push(childRel);
      const childHasFile = walk(join(abs, entry.name), childRel, record && !hidden);
      if (record && !hidden && !childHasFile && !options.includeEmpty) out.splice(at, 1);
      hasFile ||= childHasFile;
    }
    return hasFile;
  };
  if (!statSync(repoRoot).isDirectory()) throw new Error(`${repoRoot} is not a directory`);
  walk(repoRoot, '', true);
  return out;
}

/**
 * Argo CD `filterApps`: the directories matching at least one include and no exclude entry, in
 * listing order. Throws BadPatternError (with the entry) where Argo CD would log and skip it.
 */
export function filterDirectories(items: readonly GitDirectoryItem[], directories: readonly string[]): string[] {
  const kept: string[] = [];
  for (const dir of directories) {
    let include = false;
    let exclude = false;
    for (const item of items) {
      if (pathMatch(item.path, dir)) {
        if (item.exclude) exclude = true;
        else include = true;
      }
    }
    if (include && !exclude) kept.push(dir);
  }
  return kept;
}

/** Go's path.Base. */
function goPathBase(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

/**
 * Argo CD `utils.SanitizeName`: lower-case, every character outside `[-a-z0-9.]` becomes `-`,
 * at most 253 bytes, leading and trailing `-` and `.` trimmed.
 */
export function sanitizeName(name: string): string {
  let s = name.toLowerCase().replace(/[^-a-z0-9.]/gu, '-');
  if (s.length > 253) s = s.slice(0, 253);
  return s.replace(/^[-.]+|[-.]+$/g, '');
}

/** The goTemplate parameters Argo CD builds for one matched directory (`segments` is Go's strings.Split(path, "/")). */
export function directoryParams(dir: string, pathParamPrefix = ''): Obj {
  const base = goPathBase(dir);
  const paramPath = { path: dir, basename: base, basenameNormalized: sanitizeName(base), segments: dir.split('/') };
  return pathParamPrefix !== '' ? { [pathParamPrefix]: { path: paramPath } } : { path: paramPath };
}
