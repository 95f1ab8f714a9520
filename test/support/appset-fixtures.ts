import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { ExpectedInstance } from '../../lib/policy/appset-expansion';

/** ApplicationSets, AppProjects and repository trees in the synthesizer's format, for the expansion check's tests. */

export const REPO = 'https://github.com/acme/gitops.git';
export const TEAMS: Record<string, string> = { 'book-shop': 'shop', echo: 'platform' };
export const ENVS = { dev: { regions: ['us-east-1'], automated: true }, prod: { regions: ['us-east-1', 'eu-west-1'], automated: false } };
export const APPS = ['book-shop', 'echo'];

export type Env = keyof typeof ENVS;

/** The ApplicationSet the synthesizer emits for one env (segment index read from the prefix depth). */
export function appSet(env: Env, opts: { prefix?: string; name?: string; directories?: unknown[]; automated?: boolean; template?: (seg: number) => Record<string, unknown> } = {}) {
  const prefix = opts.prefix ?? 'dist';
  const seg = prefix.split('/').length + 2; // <prefix>/apps/<env>/<region>/<app>: index of <region>
  const dict = Object.entries(TEAMS)
    .map(([k, v]) => `"${k}" "${v}"`)
    .join(' ');
  const automated = opts.automated ?? ENVS[env].automated;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: opts.name ?? `${env}-services`, namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ git: { repoURL: REPO, revision: 'main', directories: opts.directories ?? [{ path: `${prefix}/apps/${env}/*/*` }] } }],
      template: opts.template?.(seg) ?? {
        metadata: {
          name: `${env}-{{ index .path.segments ${seg} }}-{{ .path.basename }}`,
          labels: {
            'platform.acme.io/env': env,
            'platform.acme.io/region': `{{ index .path.segments ${seg} }}`,
            'platform.acme.io/team': `{{ get (dict ${dict}) .path.basename }}`,
          },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: env,
          source: { repoURL: REPO, targetRevision: 'main', path: '{{ .path.path }}' },
          destination: { name: `${env}-{{ index .path.segments ${seg} }}`, namespace: '{{ .path.basename }}' },
          syncPolicy: {
            ...(automated ? { automated: { prune: true, selfHeal: true } } : {}),
            syncOptions: ['CreateNamespace=true'],
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
          },
        },
      },
    },
  };
}

export function appProject(env: Env, destinations?: { name?: string; server?: string; namespace: string }[], sourceRepos = [REPO]) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: env, namespace: 'argocd' },
    spec: {
      sourceRepos,
      destinations: destinations ?? ENVS[env].regions.flatMap((r) => APPS.map((app) => ({ name: `${env}-${r}`, namespace: app }))),
    },
  };
}

export function expected(prefix = 'dist'): ExpectedInstance[] {
  return (Object.keys(ENVS) as Env[]).flatMap((env) =>
    ENVS[env].regions.flatMap((region) => APPS.map((app) => ({ env, region, app, automated: ENVS[env].automated, path: `${prefix}/apps/${env}/${region}/${app}` }))),
  );
}

export const instanceDirs = (prefix = 'dist'): string[] => expected(prefix).map((e) => e.path);

/** A repository tree with the instances plus the usual noise. */
export function makeRepo(prefix = 'dist'): string {
  const root = mkdtempSync(join(tmpdir(), 'appset-expansion-'));
  const file = (rel: string, content = 'x: 1\n'): void => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  };
  for (const e of expected(prefix)) file(`${e.path}/${e.app}.yaml`);
  file(`${prefix}/README.md`);
  file(`${prefix}/argocd/projects/dev.yaml`);
  file('.github/workflows/ci.yml');
  file('node_modules/yaml/index.js');
  file('apps/echo.ts');
  mkdirSync(join(root, prefix, 'apps/dev/empty-region/ghost'), { recursive: true }); // no file: not in git
  return root;
}

/** A `repo(prefix?)` that makes a fresh {@link makeRepo} tree, removed after the test file's tests. */
export function useRepos(): (prefix?: string) => string {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  return (prefix?: string): string => {
    const r = makeRepo(prefix);
    roots.push(r);
    return r;
  };
}

export const goodInput = (root: string) => ({ repoRoot: root, appSets: [appSet('dev'), appSet('prod')], appProjects: [appProject('dev'), appProject('prod')], expected: expected() });
export const rules = (findings: { rule: string }[]): string[] => [...new Set(findings.map((f) => f.rule))].sort();
