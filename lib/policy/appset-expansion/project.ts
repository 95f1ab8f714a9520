import { argoGlobMatch, compileGobwasGlob, GlobSyntaxError, isDenyPattern } from '../glob';
import { ApplicationDestination, isObj, Obj, str } from './types';

/*
 * AppProject permissions as Argo CD decides them (pkg/apis/application/v1alpha1 `IsSourcePermitted`,
 * `isDestinationMatched`), with gobwas globs (../glob/gobwas.ts).
 */

const SSH_URL = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;

/**
 * Argo CD `git.NormalizeGitURL`: trimmed, lower-cased, scp-style `git@host:org/repo` turned into
 * `git@host/org/repo`, `.git` suffix and `ssh://` prefix removed. (Argo CD also round-trips the
 * URL through Go's url.Parse, which only re-escapes unusual characters; not reproduced.)
 */
export function normalizeGitURL(repo: string): string {
  let r = repo.trim().toLowerCase();
  if (SSH_URL.test(r) && !r.startsWith('ssh://')) r = `ssh://${r.replace(':', '/')}`;
  if (r.endsWith('.git')) r = r.slice(0, -4);
  return r.startsWith('ssh://') ? r.slice('ssh://'.length) : r;
}

/** AppProject `IsSourcePermitted`: repo URLs normalized, globs with `/` as separator, `!` denies. */
export function isSourcePermitted(project: unknown, repoURL: string): boolean {
  const spec = isObj(project) && isObj(project.spec) ? project.spec : {};
  const patterns = Array.isArray(spec.sourceRepos) ? spec.sourceRepos.filter((p): p is string => typeof p === 'string') : [];
  const src = normalizeGitURL(repoURL);
  let any = false;
  for (const pattern of patterns) {
    const normalized = isDenyPattern(pattern) ? `!${normalizeGitURL(pattern.slice(1))}` : normalizeGitURL(pattern);
    const matched = argoGlobMatch(normalized, src, true, ['/']);
    if (matched) any = true;
    else if (isDenyPattern(normalized)) return false;
  }
  return any;
}

/**
 * AppProject `isDestinationMatched`: some entry matches (server or name) and namespace, with
 * gobwas globs without separators (`*` matches anything), and no deny (`!`) entry is violated.
 * `permitOnlyProjectScopedClusters` needs the cluster secrets and is not evaluated here.
 */
export function isDestinationPermitted(project: unknown, dst: ApplicationDestination): boolean {
  const { exact, patterns } = destinationIndex(project);
  // An exact item matches like its glob would (a pattern without metacharacters matches its text only).
  const ns = dst.namespace ?? '';
  let any = (!!dst.name && exact.has(`n\0${dst.name}\0${ns}`)) || (!!dst.server && exact.has(`s\0${dst.server}\0${ns}`));
  let noDeny = true;
  for (const item of patterns) {
    const nameMatched = !!dst.name && argoGlobMatch(item.name, dst.name, true);
    const serverMatched = !!dst.server && argoGlobMatch(item.server, dst.server, true);
    const nsMatched = argoGlobMatch(item.namespace, ns, true);
    if ((serverMatched || nameMatched) && nsMatched) any = true;
    else if ((!nameMatched && isDenyPattern(item.name)) || (!serverMatched && isDenyPattern(item.server)) || (!nsMatched && isDenyPattern(item.namespace))) noDeny = false;
  }
  return any && noDeny;
}

interface DestinationItem {
  readonly name: string;
  readonly server: string;
  readonly namespace: string;
}

const destinationIndexes = new WeakMap<object, { exact: Set<string>; patterns: DestinationItem[] }>();
const GLOB_META = /[*?[\]{}\\!]/;

/**
 * A project's destinations, split once per project: items without any glob metacharacter (and not deny patterns)
 * as exact (name|server, namespace) keys, the rest as patterns checked one by one. A project with one exact
 * destination per app instance is then checked in constant time per Application instead of linear.
 */
function destinationIndex(project: unknown): { exact: Set<string>; patterns: DestinationItem[] } {
  const cached = isObj(project) ? destinationIndexes.get(project) : undefined;
  if (cached) return cached;
  const spec = isObj(project) && isObj(project.spec) ? project.spec : {};
  const items = (Array.isArray(spec.destinations) ? spec.destinations.filter(isObj) : []).map((item) => ({
    name: str(item.name) ?? '',
    server: str(item.server) ?? '',
    namespace: str(item.namespace) ?? '',
  }));
  const exact = new Set<string>();
  const patterns: DestinationItem[] = [];
  for (const item of items) {
    if ([item.name, item.server, item.namespace].some((p) => GLOB_META.test(p)) || item.namespace === '*') patterns.push(item);
    else {
      exact.add(`n\0${item.name}\0${item.namespace}`);
      exact.add(`s\0${item.server}\0${item.namespace}`);
    }
  }
  const index = { exact, patterns };
  if (isObj(project)) destinationIndexes.set(project, index);
  return index;
}

/** Project patterns that do not compile (Argo CD would treat them as matching nothing), with their field paths. */
export function badProjectPatterns(project: Obj): { field: string; pattern: string }[] {
  const spec = isObj(project.spec) ? project.spec : {};
  const bad: { field: string; pattern: string }[] = [];
  const check = (field: string, pattern: unknown, separators: string[], normalize: (p: string) => string): void => {
    if (typeof pattern !== 'string') return;
    const p = isDenyPattern(pattern) ? pattern.slice(1) : pattern;
    try {
      compileGobwasGlob(normalize(p), separators);
    } catch (e) {
      if (e instanceof GlobSyntaxError) bad.push({ field, pattern });
      else throw e;
    }
  };
  if (Array.isArray(spec.sourceRepos)) spec.sourceRepos.forEach((p, i) => check(`spec.sourceRepos[${i}]`, p, ['/'], normalizeGitURL));
  if (Array.isArray(spec.destinations)) {
    spec.destinations.forEach((d, i) => {
      if (isObj(d)) for (const k of ['name', 'server', 'namespace']) check(`spec.destinations[${i}].${k}`, d[k], [], (p) => p);
    });
  }
  return bad;
}
