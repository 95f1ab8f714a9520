import { appsetFile, inDist, parseDistPath, parseInstanceDir } from '../../model/layout';
import { defineRule, ManifestObject, Rule } from '../engine';
import { ExpansionSubject, ExpectedInstance, runExpansionCheck } from '../appset-expansion';

/*
 * `argocd/appset-expansion`: the ApplicationSets, expanded offline as Argo CD would (git directories generator over
 * the repository's directories, goTemplate with missingkey=error), must generate exactly one correct Application per
 * app instance directory (dist/apps/<env>/<region>/<app>): name, destination, source path and repository, sync
 * policy, allowed by its AppProject. Runs when the context knows the repository's directories and the platform's
 * GitOps settings (synth, and `npm run validate` of a directory with the dist/ layout).
 */

const nameOf = (m: ManifestObject): string | undefined => m.object.metadata?.name;

/**
 * The object a finding is about: the ApplicationSet or AppProject it names; for an instance (which has no object of
 * its own), the ApplicationSet of its env, found where the layout puts it (argocd/appsets/<env>/services.yaml), else
 * the first ApplicationSet.
 */
function subjectObject(subject: ExpansionSubject, appSets: readonly ManifestObject[], projects: readonly ManifestObject[]): ManifestObject {
  if (subject.kind === 'instance') {
    return appSets.find((m) => m.file === appsetFile(subject.env)) ?? appSets.find((m) => parseDistPath(m.file)?.kind === 'appset') ?? appSets[0];
  }
  const pool = subject.kind === 'ApplicationSet' ? appSets : projects;
  return pool.find((m) => nameOf(m) === subject.name) ?? appSets[0];
}

export const appsetExpansion: Rule = defineRule({
  id: 'argocd/appset-expansion',
  severity: 'error',
  reason: 'the ApplicationSets must generate exactly one correct, permitted Application per app instance directory',
  // Its findings are on the control plane (argocd/), which no app's policy.allow covers.
  optOut: false,
  explain:
    'The ApplicationSets are expanded offline the way Argo CD does it: the git directories generator lists the repository\'s directories (path.Match patterns, excludes) and the goTemplate (missingkey=error) renders each Application; other generators (list, matrix, ...) are refused, so the check never passes on what it cannot evaluate. Then every app instance directory (dist/apps/<env>/<region>/<app>) must yield exactly one Application named <env>-<region>-<app>, with destination name <env>-<region> (a registered vcluster) and namespace <app>, source path that directory in the platform\'s repository and revision, automated sync (prune and selfHeal) exactly where the env syncs automatically, and an AppProject that permits the source and destination; no Application may point at a directory that is not an instance. A mistake here is otherwise found by Argo CD after the merge, as Applications that are missing, duplicated, or pruned. Runs in synth and in npm run validate of a directory with the dist/ layout (argocd/appsets/<env>/services.yaml; the directory plays the platform\'s distPath whatever its name); skipped, with a note, for other input.',
  check(ctx, report) {
    const gitops = ctx.gitops;
    if (!gitops || !ctx.directories) return [];
    const appSets = ctx.objects.filter((m) => m.object.kind === 'ApplicationSet' && String(m.object.apiVersion).startsWith('argoproj.io/'));
    if (appSets.length === 0) return [];
    const projects = ctx.objects.filter((m) => m.object.kind === 'AppProject' && String(m.object.apiVersion).startsWith('argoproj.io/'));
    const expected: ExpectedInstance[] = [];
    for (const dir of ctx.directories) {
      const rel = inDist(gitops.distPath, dir);
      const instance = rel === undefined ? undefined : parseInstanceDir(rel);
      if (instance) expected.push({ ...instance, automated: gitops.automated(instance.env), path: dir });
    }
    const result = runExpansionCheck({
      directories: ctx.directories,
      appSets: appSets.map((m) => m.object),
      appProjects: projects.map((m) => m.object),
      expected,
      repoURL: gitops.repoURL,
      clusters: gitops.clusters,
    });
    return result.findings.map((f) => report(subjectObject(f.subject, appSets, projects), f.field, f.message));
  },
});

export const argocdExpansionRules: Rule[] = [appsetExpansion];
