import { BadPatternError } from '../glob';
import { GoTemplateOptions, parseGoTemplateOptions, renderGoTemplate } from '../go-template';
import { directoryParams, filterDirectories } from './directories';
import { ApplicationSetError, GeneratedApplication, GitDirectoryItem, isObj, Obj, str } from './types';

/*
 * The ApplicationSet controller's side: applicationset/utils `Render` of the template for each
 * matched directory (every *string* of metadata + spec rendered as a Go template, map keys too: argo-cd
 * v3.4.4 applicationset/utils/utils.go `deeplyReplaceWithFilter`, "Keys can be templated as well as values
 * (e.g. to template something into an annotation)"; with the `goTemplateOptions`), and the Application it yields.
 */

/** Renders every string inside `value` (deeply, map keys too) with the Go template subset. */
export function renderTemplateStrings(value: unknown, params: Obj, options: GoTemplateOptions): unknown {
  if (typeof value === 'string') return renderGoTemplate(value, params, options);
  if (Array.isArray(value)) return value.map((v) => renderTemplateStrings(v, params, options));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[renderGoTemplate(k, params, options)] = renderTemplateStrings(v, params, options);
    return out;
  }
  return value;
}

const GIT_KEYS = new Set(['repoURL', 'revision', 'directories', 'files', 'pathParamPrefix', 'requeueAfterSeconds', 'template', 'values']);

/** A generator-level template that only holds empty values (as an API round trip leaves it) is no template. */
const isEmptyTemplate = (t: unknown): boolean => t === undefined || t === null || t === '' || (isObj(t) && Object.values(t).every(isEmptyTemplate));

/**
 * The Applications one ApplicationSet generates over `directories` (the repository's directory
 * listing), in generator then directory order. Throws {@link ApplicationSetError} (with the field) for
 * anything outside the supported subset, a malformed pattern or a template that fails to render.
 */
export function expandApplicationSet(appSet: unknown, directories: readonly string[]): GeneratedApplication[] {
  const metadata = isObj(appSet) && isObj(appSet.metadata) ? appSet.metadata : {};
  const name = str(metadata.name) ?? '<unnamed>';
  const fail = (field: string, detail: string): never => {
    throw new ApplicationSetError(name, detail, field);
  };
  if (!isObj(appSet) || appSet.kind !== 'ApplicationSet') fail('', `not an ApplicationSet (kind ${JSON.stringify(isObj(appSet) ? appSet.kind : undefined)})`);
  const spec = isObj((appSet as Obj).spec) ? ((appSet as Obj).spec as Obj) : fail('spec', 'missing');
  if (spec.goTemplate !== true) fail('spec.goTemplate', 'must be true: only Go templates are supported (fasttemplate {{path}} syntax is not)');
  if (spec.templatePatch !== undefined) fail('spec.templatePatch', 'not supported');
  let options: GoTemplateOptions;
  try {
    options = parseGoTemplateOptions(Array.isArray(spec.goTemplateOptions) ? (spec.goTemplateOptions as string[]) : undefined);
  } catch (e) {
    return fail('spec.goTemplateOptions', (e as Error).message);
  }
  const template = isObj(spec.template) ? spec.template : fail('spec.template', 'missing');
  const generators = Array.isArray(spec.generators) ? spec.generators : fail('spec.generators', 'missing');
  if (generators.length === 0) fail('spec.generators', 'empty; expected one git directories generator');

  const apps: GeneratedApplication[] = [];
  generators.forEach((generator, gi) => {
    const where = `spec.generators[${gi}]`;
    if (!isObj(generator)) fail(where, 'not an object');
    const kinds = Object.keys(generator as Obj);
    const unsupported = kinds.filter((k) => k !== 'git');
    if (unsupported.length > 0) fail(where, `unsupported generator ${unsupported.map((k) => `"${k}"`).join(', ')} (only git.directories is supported)`);
    const git = (generator as Obj).git;
    if (!isObj(git)) return fail(where, 'only git.directories is supported');
    const unknown = Object.keys(git).filter((k) => !GIT_KEYS.has(k));
    if (unknown.length > 0) fail(`${where}.git`, `unknown field(s) ${unknown.join(', ')}`);
    if (git.files !== undefined) fail(`${where}.git.files`, 'the git files generator is not supported (only git.directories)');
    if (!isEmptyTemplate(git.template)) fail(`${where}.git.template`, 'generator-level templates are not supported');
    const repoURL = str(git.repoURL) ?? fail(`${where}.git.repoURL`, 'missing');
    const revision = str(git.revision) ?? fail(`${where}.git.revision`, 'missing');
    if (!Array.isArray(git.directories) || git.directories.length === 0) fail(`${where}.git.directories`, 'missing or empty');
    const items = (git.directories as unknown[]).map((d, di): GitDirectoryItem => {
      if (!isObj(d) || typeof d.path !== 'string') return fail(`${where}.git.directories[${di}].path`, 'missing');
      if (d.exclude !== undefined && typeof d.exclude !== 'boolean') fail(`${where}.git.directories[${di}].exclude`, 'must be a boolean');
      return { path: d.path, exclude: d.exclude === true };
    });
    let matched: string[];
    try {
      matched = filterDirectories(items, directories);
    } catch (e) {
      if (e instanceof BadPatternError) {
        const di = items.findIndex((item) => item.path === e.pattern);
        return fail(`${where}.git.directories[${di}].path`, `${JSON.stringify(e.pattern)}: ${e.reason} (Argo CD would log this and ignore the entry)`);
      }
      throw e;
    }
    const prefix = str(git.pathParamPrefix) ?? '';
    const values = git.values;
    if (values !== undefined && (!isObj(values) || !Object.values(values).every((v) => typeof v === 'string'))) fail(`${where}.git.values`, 'must map strings to strings');

    for (const dir of matched) {
      const params = directoryParams(dir, prefix);
      if (isObj(values)) {
        const rendered: Obj = {};
        try {
          for (const [k, v] of Object.entries(values)) rendered[k] = renderGoTemplate(v as string, params, options);
        } catch (e) {
          fail(`${where}.git.values`, `rendering the values for ${dir}: ${(e as Error).message}`);
        }
        params.values = rendered;
      }
      let rendered: Obj;
      try {
        rendered = renderTemplateStrings(template, params, options) as Obj;
      } catch (e) {
        return fail('spec.template', `rendering the template for ${dir}: ${(e as Error).message}`);
      }
      apps.push(toApplication(rendered, { appSet: name, appSetNamespace: str(metadata.namespace), generatorIndex: gi, repoURL, revision, dir, params }));
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
