/**
 * Offline "expansion check": applies Argo CD's ApplicationSet Git *directories* generator to a
 * repository tree and proves that the Applications it would create are exactly the app instances
 * the synthesizer wrote, each allowed by its AppProject.
 *
 * What is mirrored from Argo CD (v3.x sources), file by file:
 * - directories.ts: reposerver/repository/repository.go `GetGitDirectories`: every directory below
 *   the repository root, relative, `/`-separated, pre-order in lexical order (filepath.WalkDir),
 *   hidden directories (name starting with `.`) skipped with their subtree, `.` itself dropped.
 *   Argo CD walks a *git checkout*, which holds no empty directories and no untracked or ignored
 *   files; {@link listDirectories} therefore drops directories without any file below them and
 *   skips `node_modules` (untracked here). It cannot see .gitignore: run it on a tree that holds
 *   what will be committed. applicationset/generators/git.go `filterApps`: a directory is kept when
 *   it matches (Go `path.Match`) at least one include entry and no `exclude: true` entry: exclude
 *   always wins. `generateParamsFromApps` (goTemplate): `{path: {path, basename,
 *   basenameNormalized, segments}}` (under `pathParamPrefix` when set).
 * - expand.ts: applicationset/utils `Render`: every *string* of the template (metadata + spec) is
 *   rendered as a Go template (map keys too), with the `goTemplateOptions` (`missingkey=error`);
 *   `git.values` are templates rendered with the path params and exposed as `.values`. Argo CD logs
 *   and ignores an entry whose pattern is malformed; here that is an error.
 * - project.ts: AppProject `IsSourcePermitted` / `isDestinationMatched`.
 * - check.ts: the comparison with the expected instances; findings carry subject and field as data
 *   ({@link formatExpansionFinding} prints one as a line).
 *
 * Refused (an error, so the check never passes on what it cannot evaluate): generators other than
 * `git.directories` (list, clusters, matrix, merge, git files, ...), generator `selector`s and
 * generator-level `template`s, `templatePatch`, `goTemplate: false` (fasttemplate) and template
 * actions outside lib/policy/go-template.ts's subset.
 */
export * from './types';
export * from './directories';
export * from './expand';
export * from './project';
export * from './check';
export * from './load';
