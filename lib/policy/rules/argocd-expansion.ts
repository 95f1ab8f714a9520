import { finding, ManifestObject, PolicyFinding, Rule } from '../engine';
import { ExpectedInstance, runExpansionCheck } from '../appset-expansion';
import { explain } from './wiring';

/*
 * `argocd/appset-expansion`: the ApplicationSets, expanded offline as Argo CD would (git directories generator over
 * the repository's directories, goTemplate with missingkey=error), must generate exactly one correct Application per
 * app instance directory (dist/apps/<env>/<region>/<app>): name, destination, source path and repository, sync
 * policy, allowed by its AppProject. Runs when the context knows the repository's directories and the platform's
 * GitOps settings (synth and `npm run validate` of a dist/ directory).
 */

/** The object a finding's message is about: the ApplicationSet or AppProject it names, else the env's ApplicationSet. */
function subjectOf(message: string, appSets: readonly ManifestObject[], projects: readonly ManifestObject[]): ManifestObject {
  const named = /\b(ApplicationSet|AppProject) ([a-z0-9][a-z0-9.-]*)/.exec(message);
  if (named) {
    const pool = named[1] === 'ApplicationSet' ? appSets : projects;
    const hit = pool.find((m) => (m.object.metadata as { name?: string } | undefined)?.name === named[2]);
    if (hit) return hit;
  }
  const env = /\/apps\/([^/]+)\//.exec(message)?.[1];
  return appSets.find((m) => (m.object.metadata as { name?: string } | undefined)?.name === `${env}-services`) ?? appSets[0];
}

export const appsetExpansion: Rule = {
  id: 'argocd/appset-expansion',
  severity: 'error',
  reason: 'the ApplicationSets must generate exactly one correct, permitted Application per app instance directory',
  explain: explain('argocd/appset-expansion',
    'The ApplicationSets are expanded offline the way Argo CD does it: the git directories generator lists the repository\'s directories (path.Match patterns, excludes), the matrix and list generators combine, and the goTemplate (missingkey=error) renders each Application. Then every app instance directory (dist/apps/<env>/<region>/<app>) must yield exactly one Application named <env>-<region>-<app>, with destination name <env>-<region> (a registered vcluster) and namespace <app>, source path that directory in the platform\'s repository and revision, automated sync (prune and selfHeal) exactly where the env syncs automatically, and an AppProject that permits the source and destination; no Application may point at a directory that is not an instance. A mistake here is otherwise found by Argo CD after the merge, as Applications that are missing, duplicated, or pruned. Runs in synth and in npm run validate of a dist/ directory (it needs the repository tree).'),
  check(ctx) {
    const gitops = ctx.gitops;
    if (!gitops || !ctx.directories) return [];
    const appSets = ctx.objects.filter((m) => m.object.kind === 'ApplicationSet' && String(m.object.apiVersion).startsWith('argoproj.io/'));
    if (appSets.length === 0) return [];
    const projects = ctx.objects.filter((m) => m.object.kind === 'AppProject' && String(m.object.apiVersion).startsWith('argoproj.io/'));
    const instance = new RegExp(`^${gitops.distPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/apps/([^/]+)/([^/]+)/([^/]+)$`);
    const expected: ExpectedInstance[] = [];
    for (const dir of ctx.directories) {
      const m = instance.exec(dir);
      if (m) expected.push({ env: m[1], region: m[2], app: m[3], automated: gitops.automated(m[1]), path: dir });
    }
    const result = runExpansionCheck({
      directories: ctx.directories,
      appSets: appSets.map((m) => m.object),
      appProjects: projects.map((m) => m.object),
      expected,
      repoURL: gitops.repoURL,
      clusters: gitops.clusters,
    });
    const out: PolicyFinding[] = [];
    for (const f of result.findings) out.push(finding(this, subjectOf(f.message, appSets, projects), '', f.message));
    return out;
  },
};

export const argocdExpansionRules: Rule[] = [appsetExpansion];
