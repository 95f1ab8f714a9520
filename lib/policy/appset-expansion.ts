/**
 * Offline "expansion check": applies Argo CD's ApplicationSet Git *directories* generator to a
 * repository tree and proves that the Applications it would create are exactly the app instances
 * the synthesizer wrote, each allowed by its AppProject.
 *
 * What is mirrored from Argo CD (v3.x sources):
 * - reposerver/repository/repository.go `GetGitDirectories`: every directory below the repository
 *   root, relative, `/`-separated, pre-order in lexical order (filepath.WalkDir), hidden
 *   directories (name starting with `.`) skipped with their subtree, `.` itself dropped.
 *   Argo CD walks a *git checkout*, which holds no empty directories and no untracked or ignored
 *   files; {@link listDirectories} therefore drops directories without any file below them and
 *   skips `node_modules` (untracked here). It cannot see .gitignore: run it on a tree that holds
 *   what will be committed.
 * - applicationset/generators/git.go `filterApps`: a directory is kept when it matches (Go
 *   `path.Match`) at least one include entry and no `exclude: true` entry: exclude always wins.
 *   Argo CD logs and ignores an entry whose pattern is malformed; here that is an error.
 * - `generateParamsFromApps` (goTemplate): `{path: {path, basename, basenameNormalized, segments}}`
 *   (under `pathParamPrefix` when set), `segments = strings.Split(path, "/")`,
 *   `basenameNormalized = utils.SanitizeName(basename)`; `git.values` are templates rendered with
 *   those params and exposed as `.values`.
 * - applicationset/utils `Render`: every *string* of the template (metadata + spec) is rendered
 *   as a Go template (keys are not), with the `goTemplateOptions` (`missingkey=error`).
 * - AppProject `IsSourcePermitted` / `isDestinationMatched` (pkg/apis/application/v1alpha1): see
 *   {@link isSourcePermitted} and {@link isDestinationPermitted}.
 *
 * Refused (an error, so the check never passes on what it cannot evaluate): generators other than
 * `git.directories` (list, clusters, matrix, merge, git files, ...), generator `selector`s and
 * generator-level `template`s, `templatePatch`, `goTemplate: false` (fasttemplate) and template
 * actions outside lib/policy/go-template.ts's subset.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { argoGlobMatch, BadPatternError, compileGobwasGlob, GlobSyntaxError, isDenyPattern, pathMatch } from './glob';
import { parseGoTemplateOptions, renderGoTemplate, GoTemplateOptions } from './go-template';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

export interface GitDirectoryItem {
  path: string;
  exclude?: boolean;
}

export interface ApplicationDestination {
  name?: string;
  server?: string;
  namespace?: string;
}

/** One Application as the ApplicationSet controller would create it (plus where it came from). */
export interface GeneratedApplication {
  /** metadata.name of the ApplicationSet that generated it. */
  appSet: string;
  /** Index of the generator in spec.generators. */
  generatorIndex: number;
  /** git generator repoURL and revision the directory was listed from. */
  generatorRepoURL: string;
  generatorRevision: string;
  /** The matched repository directory. */
  directory: string;
  /** The template parameters for this directory. */
  params: Obj;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  finalizers: string[];
  project: string;
  source?: Obj;
  sources?: Obj[];
  destination: ApplicationDestination;
  syncPolicy?: Obj;
  /** The rendered Application object. */
  manifest: { apiVersion: 'argoproj.io/v1alpha1'; kind: 'Application'; metadata: Obj; spec: Obj };
}

/** An ApplicationSet this check cannot (or Argo CD would not) expand. */
export class ApplicationSetError extends Error {
  constructor(
    readonly appSet: string,
    message: string,
  ) {
    super(`ApplicationSet ${appSet}: ${message}`);
    this.name = 'ApplicationSetError';
  }
}

export interface ExpectedInstance {
  env: string;
  region: string;
  app: string;
  /** True when the env syncs automatically (syncPolicy.automated with prune and selfHeal). */
  automated: boolean;
  /** The instance directory, relative to the repository root (e.g. dist/apps/dev/us-east-1/echo). */
  path: string;
}

export interface ExpansionInput {
  /** Repository root to list with {@link listDirectories}; or give `directories` directly. */
  repoRoot?: string;
  directories?: readonly string[];
  appSets: readonly unknown[];
  appProjects: readonly unknown[];
  expected: readonly ExpectedInstance[];
  /** When given, every git generator and every Application source must use this repository. */
  repoURL?: string;
  /** When given, the destination cluster names Argo CD knows (registered vclusters). */
  clusters?: readonly string[];
}

export type ExpansionRule =
  | 'appset-invalid'
  | 'appset-repo-url'
  | 'instance-dir-missing'
  | 'instance-not-generated'
  | 'instance-generated-twice'
  | 'app-unexpected-directory'
  | 'app-name'
  | 'app-name-invalid'
  | 'app-name-duplicate'
  | 'app-label-value'
  | 'app-destination'
  | 'app-source-path'
  | 'app-source-repo'
  | 'app-sync-automated'
  | 'app-project-missing'
  | 'app-source-not-permitted'
  | 'app-destination-not-permitted'
  | 'app-destination-unknown-cluster'
  | 'project-unverifiable';

/** One problem, `message` being one line that names the object and what is wrong. */
export interface ExpansionFinding {
  rule: ExpansionRule;
  message: string;
}

export interface ExpansionResult {
  findings: ExpansionFinding[];
  applications: GeneratedApplication[];
  directories: string[];
}

// ---------------------------------------------------------------------------------------------
// Directory listing (repo server)
// ---------------------------------------------------------------------------------------------

export interface ListDirectoriesOptions {
  /** Keep directories with no file below them (a git checkout cannot contain them). Default false. */
  includeEmpty?: boolean;
  /** Directory names skipped wherever they are (besides hidden ones). Default ['node_modules']. */
  skip?: readonly string[];
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

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

// ---------------------------------------------------------------------------------------------
// Generator semantics
// ---------------------------------------------------------------------------------------------

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

/** The goTemplate parameters Argo CD builds for one matched directory. */
export function directoryParams(dir: string, pathParamPrefix = ''): Obj {
  const base = goPathBase(dir);
  const paramPath = { path: dir, basename: base, basenameNormalized: sanitizeName(base), segments: dir.split('/') };
  return pathParamPrefix !== '' ? { [pathParamPrefix]: { path: paramPath } } : { path: paramPath };
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Renders every string inside `value` (deeply; keys untouched) with the Go template subset. */
export function renderTemplateStrings(value: unknown, params: Obj, options: GoTemplateOptions): unknown {
  if (typeof value === 'string') return renderGoTemplate(value, params, options);
  if (Array.isArray(value)) return value.map((v) => renderTemplateStrings(v, params, options));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderTemplateStrings(v, params, options);
    return out;
  }
  return value;
}

const GIT_KEYS = new Set(['repoURL', 'revision', 'directories', 'files', 'pathParamPrefix', 'requeueAfterSeconds', 'template', 'values']);

/** A generator-level template that only holds empty values (as an API round trip leaves it) is no template. */
const isEmptyTemplate = (t: unknown): boolean => t === undefined || t === null || t === '' || (isObj(t) && Object.values(t).every(isEmptyTemplate));

/**
 * The Applications one ApplicationSet generates over `directories` (the repository's directory
 * listing), in generator then directory order. Throws {@link ApplicationSetError} for anything
 * outside the supported subset, a malformed pattern or a template that fails to render.
 */
export function expandApplicationSet(appSet: unknown, directories: readonly string[]): GeneratedApplication[] {
  const metadata = isObj(appSet) && isObj(appSet.metadata) ? appSet.metadata : {};
  const name = str(metadata.name) ?? '<unnamed>';
  const fail = (msg: string): never => {
    throw new ApplicationSetError(name, msg);
  };
  if (!isObj(appSet) || appSet.kind !== 'ApplicationSet') fail(`not an ApplicationSet (kind ${JSON.stringify(isObj(appSet) ? appSet.kind : undefined)})`);
  const spec = isObj((appSet as Obj).spec) ? ((appSet as Obj).spec as Obj) : fail('spec is missing');
  if (spec.goTemplate !== true) fail('goTemplate must be true: only Go templates are supported (fasttemplate {{path}} syntax is not)');
  if (spec.templatePatch !== undefined) fail('templatePatch is not supported');
  let options: GoTemplateOptions;
  try {
    options = parseGoTemplateOptions(Array.isArray(spec.goTemplateOptions) ? (spec.goTemplateOptions as string[]) : undefined);
  } catch (e) {
    return fail(`goTemplateOptions: ${(e as Error).message}`);
  }
  const template = isObj(spec.template) ? spec.template : fail('spec.template is missing');
  const generators = Array.isArray(spec.generators) ? spec.generators : fail('spec.generators is missing');
  if (generators.length === 0) fail('spec.generators is empty');

  const apps: GeneratedApplication[] = [];
  generators.forEach((generator, gi) => {
    const where = `generators[${gi}]`;
    if (!isObj(generator)) fail(`${where} is not an object`);
    const kinds = Object.keys(generator as Obj);
    const unsupported = kinds.filter((k) => k !== 'git');
    if (unsupported.length > 0) fail(`${where}: unsupported generator ${unsupported.map((k) => `"${k}"`).join(', ')} (only git.directories is supported)`);
    const git = (generator as Obj).git;
    if (!isObj(git)) return fail(`${where}: only git.directories is supported`);
    const unknown = Object.keys(git).filter((k) => !GIT_KEYS.has(k));
    if (unknown.length > 0) fail(`${where}.git: unknown field(s) ${unknown.join(', ')}`);
    if (git.files !== undefined) fail(`${where}.git.files: the git files generator is not supported (only git.directories)`);
    if (!isEmptyTemplate(git.template)) fail(`${where}.git.template: generator-level templates are not supported`);
    const repoURL = str(git.repoURL) ?? fail(`${where}.git.repoURL is missing`);
    const revision = str(git.revision) ?? fail(`${where}.git.revision is missing`);
    if (!Array.isArray(git.directories) || git.directories.length === 0) fail(`${where}.git.directories is missing or empty`);
    const items = (git.directories as unknown[]).map((d, di): GitDirectoryItem => {
      if (!isObj(d) || typeof d.path !== 'string') return fail(`${where}.git.directories[${di}].path is missing`);
      if (d.exclude !== undefined && typeof d.exclude !== 'boolean') fail(`${where}.git.directories[${di}].exclude must be a boolean`);
      return { path: d.path, exclude: d.exclude === true };
    });
    let matched: string[];
    try {
      matched = filterDirectories(items, directories);
    } catch (e) {
      if (e instanceof BadPatternError) {
        return fail(`${where}.git.directories: path ${JSON.stringify(e.pattern)}: ${e.message.split(':')[0]} (Argo CD would log this and ignore the entry)`);
      }
      throw e;
    }
    const prefix = str(git.pathParamPrefix) ?? '';
    const values = git.values;
    if (values !== undefined && (!isObj(values) || !Object.values(values).every((v) => typeof v === 'string'))) fail(`${where}.git.values must map strings to strings`);

    for (const dir of matched) {
      const params = directoryParams(dir, prefix);
      try {
        if (isObj(values)) {
          const rendered: Obj = {};
          for (const [k, v] of Object.entries(values)) rendered[k] = renderGoTemplate(v as string, params, options);
          params.values = rendered;
        }
        const rendered = renderTemplateStrings(template, params, options) as Obj;
        apps.push(toApplication(rendered, { appSet: name, appSetNamespace: str(metadata.namespace), generatorIndex: gi, repoURL, revision, dir, params }));
      } catch (e) {
        if (e instanceof ApplicationSetError) throw e;
        fail(`rendering the template for ${dir}: ${(e as Error).message}`);
      }
    }
  });
  return apps;
}

function toApplication(
  rendered: Obj,
  ctx: { appSet: string; appSetNamespace?: string; generatorIndex: number; repoURL: string; revision: string; dir: string; params: Obj },
): GeneratedApplication {
  const meta = isObj(rendered.metadata) ? rendered.metadata : {};
  const spec = isObj(rendered.spec) ? rendered.spec : {};
  const stringMap = (v: unknown): Record<string, string> => {
    const out: Record<string, string> = {};
    if (isObj(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
    return out;
  };
  const namespace = str(meta.namespace) || ctx.appSetNamespace;
  const metadata: Obj = { ...meta, ...(namespace ? { namespace } : {}) };
  const dest = isObj(spec.destination) ? spec.destination : {};
  return {
    appSet: ctx.appSet,
    generatorIndex: ctx.generatorIndex,
    generatorRepoURL: ctx.repoURL,
    generatorRevision: ctx.revision,
    directory: ctx.dir,
    params: ctx.params,
    name: str(meta.name) ?? '',
    namespace,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    finalizers: Array.isArray(meta.finalizers) ? meta.finalizers.map(String) : [],
    project: str(spec.project) ?? '',
    source: isObj(spec.source) ? spec.source : undefined,
    sources: Array.isArray(spec.sources) ? spec.sources.filter(isObj) : undefined,
    destination: { name: str(dest.name), server: str(dest.server), namespace: str(dest.namespace) },
    syncPolicy: isObj(spec.syncPolicy) ? spec.syncPolicy : undefined,
    manifest: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata, spec },
  };
}

// ---------------------------------------------------------------------------------------------
// AppProject permissions
// ---------------------------------------------------------------------------------------------

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

/** Project patterns that do not compile (Argo CD would treat them as matching nothing). */
function badProjectPatterns(project: Obj): string[] {
  const spec = isObj(project.spec) ? project.spec : {};
  const bad: string[] = [];
  const check = (field: string, pattern: unknown, separators: string[]): void => {
    if (typeof pattern !== 'string') return;
    const p = isDenyPattern(pattern) ? pattern.slice(1) : pattern;
    try {
      compileGobwasGlob(field === 'sourceRepos' ? normalizeGitURL(p) : p, separators);
    } catch (e) {
      if (e instanceof GlobSyntaxError) bad.push(`${field} ${JSON.stringify(pattern)}`);
      else throw e;
    }
  };
  if (Array.isArray(spec.sourceRepos)) for (const p of spec.sourceRepos) check('sourceRepos', p, ['/']);
  if (Array.isArray(spec.destinations)) {
    for (const d of spec.destinations.filter(isObj)) for (const k of ['name', 'server', 'namespace']) check(`destinations.${k}`, d[k], []);
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const cleanPath = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');

/** True when the sync policy turns automated sync on (`automated` present, `enabled` not false). */
function automatedOf(syncPolicy: Obj | undefined): Obj | undefined {
  const automated = syncPolicy?.automated;
  if (automated === undefined || automated === null) return undefined;
  if (isObj(automated) && automated.enabled === false) return undefined;
  return isObj(automated) ? automated : {};
}

/** Expands every ApplicationSet over the tree and checks the result; returns findings and Applications. */
export function runExpansionCheck(input: ExpansionInput): ExpansionResult {
  const findings: ExpansionFinding[] = [];
  const add = (rule: ExpansionRule, message: string): void => {
    findings.push({ rule, message });
  };
  let directories: string[];
  if (input.directories) directories = input.directories.map(cleanPath);
  else if (input.repoRoot !== undefined) directories = listDirectories(input.repoRoot);
  else throw new Error('checkExpansion: give repoRoot or directories');
  const dirSet = new Set(directories);

  // 1. Expand.
  const applications: GeneratedApplication[] = [];
  for (const appSet of input.appSets) {
    try {
      applications.push(...expandApplicationSet(appSet, directories));
    } catch (e) {
      if (e instanceof ApplicationSetError) add('appset-invalid', e.message);
      else throw e;
    }
  }
  const label = (a: GeneratedApplication): string => `Application ${a.name || '<no name>'} (ApplicationSet ${a.appSet}, ${a.directory})`;

  // 2. Every expected instance: exactly one Application, rendered as expected.
  const expectedByPath = new Map<string, ExpectedInstance>();
  for (const e of input.expected) expectedByPath.set(cleanPath(e.path), e);
  for (const [path, e] of expectedByPath) {
    const instance = `${e.env}/${e.region}/${e.app}`;
    if (!dirSet.has(path)) {
      add('instance-dir-missing', `${path}: directory of instance ${instance} is not in the repository tree (Argo CD cannot generate its Application)`);
      continue;
    }
    const generated = applications.filter((a) => a.directory === path);
    if (generated.length === 0) {
      add('instance-not-generated', `${path}: no ApplicationSet generates an Application for instance ${instance} (expected ${e.env}-${e.region}-${e.app})`);
      continue;
    }
    if (generated.length > 1) {
      add('instance-generated-twice', `${path}: ${generated.length} Applications are generated for instance ${instance}: ${generated.map((a) => `${a.name} (ApplicationSet ${a.appSet})`).join(', ')}`);
    }
    for (const a of generated) {
      const wantName = `${e.env}-${e.region}-${e.app}`;
      if (a.name !== wantName) add('app-name', `${label(a)}: name is "${a.name}", expected "${wantName}"`);
      const wantCluster = `${e.env}-${e.region}`;
      if (a.destination.name !== wantCluster) add('app-destination', `${label(a)}: destination.name is ${JSON.stringify(a.destination.name ?? null)}, expected "${wantCluster}"`);
      if (a.destination.server) add('app-destination', `${label(a)}: destination.server is set ("${a.destination.server}"); expected destination.name only`);
      if (a.destination.namespace !== e.app) add('app-destination', `${label(a)}: destination.namespace is ${JSON.stringify(a.destination.namespace ?? null)}, expected "${e.app}"`);
      const paths = a.source ? [str(a.source.path)] : (a.sources ?? []).map((s) => str(s.path));
      if (!paths.includes(path)) add('app-source-path', `${label(a)}: source.path is ${JSON.stringify(paths.length === 1 ? paths[0] ?? null : paths)}, expected "${path}"`);
      const automated = automatedOf(a.syncPolicy);
      if (e.automated && !automated) add('app-sync-automated', `${label(a)}: ${e.env} syncs automatically but syncPolicy.automated is missing`);
      if (!e.automated && automated) add('app-sync-automated', `${label(a)}: ${e.env} syncs manually but syncPolicy.automated is set`);
      if (e.automated && automated && (automated.prune !== true || automated.selfHeal !== true)) {
        add('app-sync-automated', `${label(a)}: syncPolicy.automated must have prune: true and selfHeal: true (got prune: ${JSON.stringify(automated.prune ?? null)}, selfHeal: ${JSON.stringify(automated.selfHeal ?? null)})`);
      }
    }
  }

  // 3. Nothing but the instances.
  for (const a of applications) {
    if (!expectedByPath.has(a.directory)) add('app-unexpected-directory', `${label(a)}: ${a.directory} is not an app instance directory, yet the ApplicationSet generates an Application for it`);
  }

  // 4. Names: valid and unique.
  const byName = new Map<string, GeneratedApplication[]>();
  for (const a of applications) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  for (const [name, list] of byName) {
    if (list.length > 1) add('app-name-duplicate', `Application name "${name}" is generated ${list.length} times: ${list.map((a) => `${a.directory} (ApplicationSet ${a.appSet})`).join(', ')}`);
  }
  for (const a of applications) {
    if (a.name.length > 253 || !DNS1123_SUBDOMAIN.test(a.name)) add('app-name-invalid', `${label(a)}: "${a.name}" is not a valid Kubernetes object name (DNS-1123 subdomain)`);
    for (const [k, v] of Object.entries(a.labels)) {
      if (v === '' || v.length > 63 || !LABEL_VALUE.test(v)) add('app-label-value', `${label(a)}: label ${k} renders to ${JSON.stringify(v)}, not a non-empty valid label value`);
    }
  }

  // 5. Repository consistency: the Application deploys the directory that was listed.
  const wantRepo = input.repoURL !== undefined ? normalizeGitURL(input.repoURL) : undefined;
  const reportedGenerators = new Set<string>();
  for (const a of applications) {
    const genKey = `${a.appSet}#${a.generatorIndex}`;
    if (wantRepo !== undefined && normalizeGitURL(a.generatorRepoURL) !== wantRepo && !reportedGenerators.has(genKey)) {
      reportedGenerators.add(genKey);
      add('appset-repo-url', `ApplicationSet ${a.appSet}: generators[${a.generatorIndex}].git.repoURL is "${a.generatorRepoURL}", expected "${input.repoURL}"`);
    }
    for (const s of a.source ? [a.source] : (a.sources ?? [])) {
      const url = str(s.repoURL) ?? '';
      if (normalizeGitURL(url) !== normalizeGitURL(a.generatorRepoURL)) {
        add('app-source-repo', `${label(a)}: source.repoURL "${url}" is not the repository the generator lists ("${a.generatorRepoURL}")`);
      } else if ((str(s.targetRevision) ?? 'HEAD') !== a.generatorRevision) {
        add('app-source-repo', `${label(a)}: source.targetRevision "${str(s.targetRevision) ?? 'HEAD'}" differs from the generator revision "${a.generatorRevision}"`);
      }
    }
  }

  // 6. AppProjects allow what is generated.
  const projects = new Map<string, Obj>();
  for (const p of input.appProjects) {
    if (isObj(p) && p.kind === 'AppProject' && isObj(p.metadata) && typeof p.metadata.name === 'string') projects.set(p.metadata.name, p);
  }
  const usedProjects = new Set(applications.map((a) => a.project));
  for (const name of [...usedProjects].sort()) {
    const p = projects.get(name);
    if (!p) continue;
    for (const bad of badProjectPatterns(p)) add('project-unverifiable', `AppProject ${name}: ${bad} is not a valid glob (Argo CD treats it as matching nothing)`);
    if (isObj(p.spec) && p.spec.permitOnlyProjectScopedClusters === true) {
      add('project-unverifiable', `AppProject ${name}: permitOnlyProjectScopedClusters needs the project's cluster secrets and cannot be checked offline`);
    }
  }
  const clusters = input.clusters ? new Set(input.clusters) : undefined;
  for (const a of applications) {
    const p = projects.get(a.project);
    if (!p) {
      add('app-project-missing', `${label(a)}: project "${a.project}" is not among the AppProjects (${[...projects.keys()].sort().join(', ') || 'none'})`);
      continue;
    }
    for (const s of a.source ? [a.source] : (a.sources ?? [])) {
      const url = str(s.repoURL) ?? '';
      if (!isSourcePermitted(p, url)) add('app-source-not-permitted', `${label(a)}: AppProject ${a.project} does not allow source repository "${url}"`);
    }
    if (!isDestinationPermitted(p, a.destination)) {
      add('app-destination-not-permitted', `${label(a)}: AppProject ${a.project} does not allow destination ${a.destination.name ?? a.destination.server ?? '<none>'}/${a.destination.namespace ?? ''}`);
    }
    if (clusters && a.destination.name && !clusters.has(a.destination.name)) {
      add('app-destination-unknown-cluster', `${label(a)}: destination cluster "${a.destination.name}" is not a registered cluster`);
    }
  }

  return { findings, applications, directories };
}

/** The findings of {@link runExpansionCheck} (empty when the expansion is exactly right). */
export function checkExpansion(input: ExpansionInput): ExpansionFinding[] {
  return runExpansionCheck(input).findings;
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Splits parsed objects into ApplicationSets, AppProjects and Applications (argoproj.io). */
export function splitArgoObjects(objects: readonly unknown[]): { appSets: Obj[]; appProjects: Obj[]; applications: Obj[] } {
  const argo = objects.filter((o): o is Obj => isObj(o) && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('argoproj.io/'));
  return {
    appSets: argo.filter((o) => o.kind === 'ApplicationSet'),
    appProjects: argo.filter((o) => o.kind === 'AppProject'),
    applications: argo.filter((o) => o.kind === 'Application'),
  };
}

/** Every YAML document of every .yaml/.yml file below `dir` (sorted paths); parse errors throw. */
export function readYamlObjects(dir: string): unknown[] {
  const out: unknown[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => byBytes(a.name, b.name))) {
      const p = join(abs, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'))) {
          if (doc.errors.length > 0) throw new Error(`${p}: ${doc.errors[0].message}`);
          const v = doc.toJS();
          if (v !== null && v !== undefined) out.push(v);
        }
      }
    }
  };
  walk(dir);
  return out;
}
