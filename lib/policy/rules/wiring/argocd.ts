/**
 * Argo CD: AppProjects without wildcards in envs that forbid them; ApplicationSet git directories patterns that match
 * directories of the repository.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { defineRule, K8sObject, PolicyFinding, Rule } from '../../engine';
import { BadPatternError, pathMatch } from '../../glob';
import { arr } from './objects';

const isArgo = (o: K8sObject, kind: string): boolean => o.kind === kind && (o.apiVersion ?? '').startsWith('argoproj.io/');

const noWildcards: Rule = defineRule({
  id: 'argocd/no-wildcards',
  severity: 'error',
  // Its findings are on the control plane (argocd/), which no app's policy.allow covers.
  optOut: false,
  reason: 'AppProjects of envs that forbid wildcards must list exact repos, destinations and kinds',
  explain:
    'An AppProject is the fence around an env\'s applications. For envs that forbid wildcards (noWildcards, e.g. prod), a "*" in sourceRepos, in a destination server, name or namespace, or in a clusterResourceWhitelist / namespaceResourceWhitelist group or kind lets any repository deploy anywhere or any kind be created. List the exact values.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!isArgo(m.object, 'AppProject')) continue;
      const env = ctx.envNamed(m.object.metadata?.name ?? '');
      if (!env?.noWildcards) continue;
      const spec = m.object.spec as any;
      const wildcard = (path: string, value: unknown) => {
        if (typeof value === 'string' && value.includes('*')) {
          out.push(report(m, path, `${JSON.stringify(value)} is a wildcard; env ${env.env} forbids wildcards, expected an exact value`));
        }
      };
      arr(spec?.sourceRepos).forEach((r: unknown, i: number) => wildcard(`spec.sourceRepos[${i}]`, r));
      arr(spec?.destinations).forEach((d: any, i: number) => {
        for (const f of ['server', 'name', 'namespace']) wildcard(`spec.destinations[${i}].${f}`, d?.[f]);
      });
      for (const list of ['clusterResourceWhitelist', 'namespaceResourceWhitelist']) {
        arr(spec?.[list]).forEach((w: any, i: number) => {
          for (const f of ['group', 'kind']) wildcard(`spec.${list}[${i}].${f}`, w?.[f]);
        });
      }
    }
    return out;
  },
});

/** Every git directories entry of an ApplicationSet (also inside matrix/merge generators). */
function gitDirectories(generators: unknown, base: string): { path: string; pattern: string }[] {
  const out: { path: string; pattern: string }[] = [];
  arr(generators).forEach((g: any, i: number) => {
    const gp = `${base}[${i}]`;
    arr(g?.git?.directories).forEach((d: any, j: number) => {
      if (d?.exclude !== true && typeof d?.path === 'string') out.push({ path: `${gp}.git.directories[${j}].path`, pattern: d.path });
    });
    for (const nested of ['matrix', 'merge']) {
      if (g?.[nested]) out.push(...gitDirectories(g[nested].generators, `${gp}.${nested}.generators`));
    }
  });
  return out;
}

const appsetPathsExist: Rule = defineRule({
  id: 'argocd/appset-paths-exist',
  // A warning: an env with nothing released yet legitimately has an ApplicationSet that matches
  // nothing, and synth must not refuse a new, empty env.
  severity: 'warning',
  // Its findings are on the control plane (argocd/), which no app's policy.allow covers.
  optOut: false,
  reason: 'each ApplicationSet git directories path must match a directory of the repository',
  explain:
    'The git directories generator keeps the repository directories that match path.Match(pattern, dir). A pattern that matches nothing generates no Applications, and Argo CD then prunes (deletes) every Application the set owned. Each non-exclude pattern should match at least one directory of the repository; templated patterns ({{ }}) are skipped. A warning, not an error: a new env with nothing released yet matches nothing on purpose. Otherwise fix the pattern or the dist/ layout.',
  check(ctx, report) {
    const dirs = ctx.directories;
    if (!dirs) return [];
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!isArgo(m.object, 'ApplicationSet')) continue;
      for (const { path, pattern } of gitDirectories((m.object.spec as any)?.generators, 'spec.generators')) {
        if (pattern.includes('{{')) continue;
        try {
          if (!dirs.some((d) => pathMatch(pattern, d))) {
            out.push(report(m, path, `${JSON.stringify(pattern)} matches no directory of the repository; expected a pattern matching at least one directory`));
          }
        } catch (e) {
          if (!(e instanceof BadPatternError)) throw e;
          out.push(report(m, path, `${JSON.stringify(pattern)} is a malformed path.Match pattern; expected a valid pattern matching at least one directory`));
        }
      }
    }
    return out;
  },
});

export const argocdRules: Rule[] = [noWildcards, appsetPathsExist];
