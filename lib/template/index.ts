/**
 * Application repository templates (templates/<name>/): a template is a tree of text files whose paths and contents
 * hold placeholders `{{NAME}}` (upper case, digits and `_`). {@link renderTemplate} fills them in; it is pure (files
 * in, files out). Reading and writing the trees is the CLI's part (lib/cli/template-files.ts).
 *
 * Other double-brace text is left alone: GitHub expressions (`${{ github.sha }}`) and Go templates
 * (`{{json .Manifest}}`) do not look like a placeholder. A placeholder the template does not define is an error
 * naming the file and line, so a typo in a template never reaches a generated repository.
 */
import { PYTHON_RESERVED_MODULES } from './python-names';

/** The templates under templates/. */
export const TEMPLATES = ['python-service'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** What a new application repository is made from. */
export interface TemplateParams {
  /** The app name (a DNS label), as in apps/<name>.ts. */
  readonly name: string;
  /** The image repository, without tag or digest, e.g. ghcr.io/acme/payments. */
  readonly image: string;
  /** The port the app listens on (its PORT default, EXPOSE, the app spec's port). */
  readonly port: number;
  /** The GitOps repository its CI dispatches releases to, as `owner/name` on GitHub. */
  readonly gitopsRepository: string;
}

/** The placeholders, what each stands for, and its value. */
export const PLACEHOLDERS: Readonly<Record<string, { readonly means: string; readonly value: (p: TemplateParams) => string }>> = {
  APP_NAME: { means: 'the app name, e.g. payments', value: (p) => p.name },
  APP_MODULE: { means: 'the Python package: the app name with "-" as "_", e.g. book_shop', value: (p) => pythonModuleOf(p.name) },
  IMAGE: { means: 'the image repository, e.g. ghcr.io/acme/payments', value: (p) => p.image },
  REGISTRY: { means: 'the registry host of the image, e.g. ghcr.io (docker.io for a Docker Hub name)', value: (p) => registryOf(p.image) },
  PORT: { means: 'the port the app listens on, e.g. 8080', value: (p) => String(p.port) },
  GITOPS_REPO: { means: 'the GitOps repository on GitHub the CI dispatches releases to, e.g. acme/gitops', value: (p) => p.gitopsRepository },
};

const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]*)\}\}/g;

/** `book-shop` -> `book_shop`. */
export function pythonModuleOf(name: string): string {
  return name.replace(/-/g, '_');
}

/** The registry host of an image repository: its first part when that looks like a host, else Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** `https://github.com/acme/gitops.git`, `git@github.com:acme/gitops.git`, `ssh://git@github.com/acme/gitops` -> `acme/gitops`. */
export function githubRepositoryOf(repoURL: string): string | undefined {
  const m = /^(?:https:\/\/github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(repoURL);
  return m?.[1];
}

/** Why these parameters cannot make a repository from the template (one reason per field), or [] when they can. */
export function checkParams(p: TemplateParams): { field: keyof TemplateParams; reason: string }[] {
  const problems: { field: keyof TemplateParams; reason: string }[] = [];
  const module = pythonModuleOf(p.name);
  if (!/^[a-z][a-z0-9-]*$/.test(p.name)) {
    problems.push({ field: 'name', reason: `"${p.name}" must start with a letter: it names the Python package "${module}"` });
  } else if (PYTHON_RESERVED_MODULES.has(module)) {
    problems.push({ field: 'name', reason: `"${p.name}" would name the Python package "${module}", which is a Python keyword or shadows a module the service imports; choose another name` });
  }
  if (!/^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+$/.test(p.image)) {
    problems.push({ field: 'image', reason: `"${p.image}" must be an image repository without tag or digest, e.g. ghcr.io/acme/${p.name}` });
  }
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) problems.push({ field: 'port', reason: `must be an integer from 1 to 65535, got ${p.port}` });
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(p.gitopsRepository)) {
    problems.push({ field: 'gitopsRepository', reason: `"${p.gitopsRepository}" must be a GitHub repository as owner/name, e.g. acme/gitops` });
  }
  return problems;
}

/** A template that cannot be rendered: a placeholder it does not define, or two files that render to one path. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/**
 * The files of a new repository: each template file's path and text with the placeholders filled in. Paths are
 * `/`-separated and relative; the result is sorted by path. Throws {@link TemplateError} naming every unknown
 * placeholder (file and line), and when the parameters are not usable (see {@link checkParams}).
 */
export function renderTemplate(files: ReadonlyMap<string, string>, params: TemplateParams): Map<string, string> {
  const bad = checkParams(params);
  if (bad.length > 0) throw new TemplateError(bad.map((b) => `${b.field}: ${b.reason}`).join('; '));
  const values = new Map(Object.entries(PLACEHOLDERS).map(([k, v]) => [k, v.value(params)]));
  const unknown: string[] = [];
  const fill = (text: string, where: (offset: number) => string) => text.replace(PLACEHOLDER, (whole, key: string, offset: number) => {
    const value = values.get(key);
    if (value === undefined) {
      unknown.push(`${where(offset)}: unknown placeholder ${whole}`);
      return whole;
    }
    return value;
  });
  const out = new Map<string, string>();
  for (const file of [...files.keys()].sort()) {
    const target = fill(file, () => `path ${file}`);
    const text = fill(files.get(file)!, (offset) => `${file}:${files.get(file)!.slice(0, offset).split('\n').length}`);
    if (out.has(target)) throw new TemplateError(`${file}: renders to ${target}, like another file of the template`);
    out.set(target, text);
  }
  if (unknown.length > 0) throw new TemplateError(`${unknown.join('; ')} (known: ${Object.keys(PLACEHOLDERS).join(', ')})`);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `base` with the `overlay`'s files added or replacing base files of the same path; sorted by path. */
export function overlay(base: ReadonlyMap<string, string>, extra: ReadonlyMap<string, string>): Map<string, string> {
  return new Map([...new Map([...base, ...extra])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** How two trees differ: paths only in `want` (missing), only in `have` (extra), in both with other text (changed). */
export function diffTrees(want: ReadonlyMap<string, string>, have: ReadonlyMap<string, string>): { missing: string[]; extra: string[]; changed: string[] } {
  return {
    missing: [...want.keys()].filter((f) => !have.has(f)).sort(),
    extra: [...have.keys()].filter((f) => !want.has(f)).sort(),
    changed: [...want.keys()].filter((f) => have.has(f) && have.get(f) !== want.get(f)).sort(),
  };
}
