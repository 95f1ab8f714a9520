/**
 * new-app's `--template NAME [--out DIR] [--gitops-repo OWNER/NAME]`: the application repository made from
 * templates/NAME beside the app spec. Checked before new-app writes anything ({@link prepareTemplate}: the template
 * exists, the name can name its package, --out is absent or empty); written after the app synthesizes
 * ({@link writeAppRepository}: all files at once, or none).
 */
import { ConfigError, PlatformDefinition, throwAll } from '../model';
import { checkParams, githubRepositoryOf, renderTemplate, TemplateParams } from '../template';
import { checkOutDir, readTemplate, TEMPLATES_DIR, writeTree } from './template-files';

/** What the template options asked for, read and checked. */
export interface PreparedTemplate {
  readonly name: string;
  readonly files: ReadonlyMap<string, string>;
  readonly params: Omit<TemplateParams, 'gitopsRepository'>;
  readonly out?: string;
  readonly gitopsRepository?: string;
}

/** The options of the template part, as commander gives them. */
export interface TemplateOptions { readonly template?: string; readonly out?: string; readonly gitopsRepo?: string }

/** The option each template parameter comes from. */
const OPTION_OF: Record<keyof TemplateParams, string> = { name: '<name>', image: '--image', port: '--port', gitopsRepository: '--gitops-repo' };

/**
 * Reads and checks the template options; undefined without --template. Refuses --out or --gitops-repo without
 * --template, an unknown template, an app name that cannot name the template's package, and an --out directory that
 * exists and is not empty.
 */
export function prepareTemplate(o: TemplateOptions, app: { name: string; image: string; port: number }, templatesDir = TEMPLATES_DIR): PreparedTemplate | undefined {
  if (o.template === undefined) {
    if (o.out !== undefined) throw new ConfigError(undefined, '--out', 'goes with --template (the repository is made from a template)');
    if (o.gitopsRepo !== undefined) throw new ConfigError(undefined, '--gitops-repo', 'goes with --template and --out');
    return undefined;
  }
  const files = readTemplate(o.template, templatesDir);
  const params = { name: app.name, image: app.image, port: app.port };
  // The GitOps repository is known once the platform is loaded; checked here only when given.
  const problems = checkParams({ ...params, gitopsRepository: o.gitopsRepo ?? 'owner/name' });
  throwAll(problems.map((p) => new ConfigError(undefined, OPTION_OF[p.field], p.reason)));
  if (o.out !== undefined) checkOutDir(o.out);
  return { name: o.template, files, params, ...(o.out !== undefined ? { out: o.out } : {}), ...(o.gitopsRepo !== undefined ? { gitopsRepository: o.gitopsRepo } : {}) };
}

/**
 * Writes the repository into --out (nothing when --out was not given): the template with its placeholders filled in,
 * the GitOps repository its CI dispatches to being --gitops-repo or, by default, the platform's repository
 * (envs/platform.ts gitops.repoURL, on GitHub). Returns the files written.
 */
export function writeAppRepository(t: PreparedTemplate, platform: PlatformDefinition): string[] {
  if (t.out === undefined) return [];
  const gitopsRepository = t.gitopsRepository ?? githubRepositoryOf(platform.gitops.repoURL);
  if (gitopsRepository === undefined) {
    throw new ConfigError(undefined, '--gitops-repo', `is needed: envs/platform.ts gitops.repoURL (${platform.gitops.repoURL}) is not a GitHub repository the app's CI can dispatch releases to`);
  }
  return writeTree(t.out, renderTemplate(t.files, { ...t.params, gitopsRepository }));
}
