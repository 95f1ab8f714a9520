/**
 * Glob matching exactly as Argo CD does it, for the offline ApplicationSet expansion check.
 * Two different matchers are involved, and they disagree on purpose (one file each):
 *
 * 1. `path-match.ts`: Go's `path.Match`, used by the git *directories* generator (`*` never
 *    crosses `/`, no `**`, `[^...]` classes, malformed patterns throw {@link BadPatternError}).
 * 2. `gobwas.ts`: github.com/gobwas/glob, used by AppProject checks (destinations without
 *    separators, `sourceRepos` with `/`; `{a,b}`, `[!...]`, `**`), plus Argo CD's deny (`!`) and
 *    `*` rules ({@link argoGlobMatch}).
 */
export * from './path-match';
export * from './gobwas';
