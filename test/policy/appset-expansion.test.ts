import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { stringify } from 'yaml';
import {
  checkExpansion,
  directoryParams,
  expandApplicationSet,
  ExpectedInstance,
  filterDirectories,
  isDestinationPermitted,
  isSourcePermitted,
  listDirectories,
  normalizeGitURL,
  readYamlObjects,
  runExpansionCheck,
  sanitizeName,
  splitArgoObjects,
} from '../../lib/policy/appset-expansion';

const REPO = 'https://github.com/acme/gitops.git';
const TEAMS: Record<string, string> = { 'book-shop': 'shop', echo: 'platform' };
const ENVS = { dev: { regions: ['us-east-1'], automated: true }, prod: { regions: ['us-east-1', 'eu-west-1'], automated: false } };
const APPS = ['book-shop', 'echo'];

type Env = keyof typeof ENVS;

/** The ApplicationSet the synthesizer emits for one env (segment index read from the prefix depth). */
function appSet(env: Env, opts: { prefix?: string; name?: string; directories?: unknown[]; automated?: boolean; template?: (seg: number) => Record<string, unknown> } = {}) {
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

function appProject(env: Env, destinations?: { name?: string; server?: string; namespace: string }[], sourceRepos = [REPO]) {
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

function expected(prefix = 'dist'): ExpectedInstance[] {
  return (Object.keys(ENVS) as Env[]).flatMap((env) =>
    ENVS[env].regions.flatMap((region) => APPS.map((app) => ({ env, region, app, automated: ENVS[env].automated, path: `${prefix}/apps/${env}/${region}/${app}` }))),
  );
}

const instanceDirs = (prefix = 'dist'): string[] => expected(prefix).map((e) => e.path);

/** A repository tree with the instances plus the usual noise. */
function makeRepo(prefix = 'dist'): string {
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

const roots: string[] = [];
const repo = (prefix?: string): string => {
  const r = makeRepo(prefix);
  roots.push(r);
  return r;
};
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

const goodInput = (root: string) => ({ repoRoot: root, appSets: [appSet('dev'), appSet('prod')], appProjects: [appProject('dev'), appProject('prod')], expected: expected() });
const rules = (findings: { rule: string }[]): string[] => [...new Set(findings.map((f) => f.rule))].sort();

describe('listDirectories', () => {
  test('lists every directory like the repo server: relative, pre-order, hidden/node_modules/empty skipped', () => {
    const root = repo();
    expect(listDirectories(root)).toEqual([
      'apps',
      'dist',
      'dist/apps',
      'dist/apps/dev',
      'dist/apps/dev/us-east-1',
      'dist/apps/dev/us-east-1/book-shop',
      'dist/apps/dev/us-east-1/echo',
      'dist/apps/prod',
      'dist/apps/prod/eu-west-1',
      'dist/apps/prod/eu-west-1/book-shop',
      'dist/apps/prod/eu-west-1/echo',
      'dist/apps/prod/us-east-1',
      'dist/apps/prod/us-east-1/book-shop',
      'dist/apps/prod/us-east-1/echo',
      'dist/argocd',
      'dist/argocd/projects',
    ]);
  });

  test('includeEmpty keeps directories git could not hold', () => {
    const root = repo();
    const all = listDirectories(root, { includeEmpty: true });
    expect(all).toContain('dist/apps/dev/empty-region');
    expect(all).toContain('dist/apps/dev/empty-region/ghost');
    expect(all.some((d) => d.startsWith('.') || d.includes('/.') || d.startsWith('node_modules'))).toBe(false);
  });

  test('a directory holding only a hidden directory with files still exists (git creates it)', () => {
    const root = repo();
    mkdirSync(join(root, 'only-hidden/.cfg'), { recursive: true });
    writeFileSync(join(root, 'only-hidden/.cfg/a'), '');
    const dirs = listDirectories(root);
    expect(dirs).toContain('only-hidden');
    expect(dirs).not.toContain('only-hidden/.cfg');
  });
});

describe('parameters', () => {
  test('directoryParams: path, basename, basenameNormalized, segments (strings.Split)', () => {
    expect(directoryParams('dist/apps/dev/us-east-1/Book_Shop')).toEqual({
      path: { path: 'dist/apps/dev/us-east-1/Book_Shop', basename: 'Book_Shop', basenameNormalized: 'book-shop', segments: ['dist', 'apps', 'dev', 'us-east-1', 'Book_Shop'] },
    });
    expect(directoryParams('a/b', 'app')).toEqual({ app: { path: { path: 'a/b', basename: 'b', basenameNormalized: 'b', segments: ['a', 'b'] } } });
  });

  test.each([
    ['Book_Shop', 'book-shop'],
    ['my.app', 'my.app'],
    ['-weird-', 'weird'],
    ['.x.', 'x'],
    ['ünï', 'n'],
    ['a b', 'a-b'],
  ])('sanitizeName(%j) = %j', (input, out) => {
    expect(sanitizeName(input)).toBe(out);
  });
});

describe('expandApplicationSet', () => {
  test('renders one Application per instance directory of the env, as Argo CD would', () => {
    const root = repo();
    const apps = expandApplicationSet(appSet('dev'), listDirectories(root));
    expect(apps.map((a) => a.name)).toEqual(['dev-us-east-1-book-shop', 'dev-us-east-1-echo']);
    const shop = apps[0];
    expect(shop).toMatchObject({
      appSet: 'dev-services',
      directory: 'dist/apps/dev/us-east-1/book-shop',
      namespace: 'argocd',
      labels: { 'platform.acme.io/env': 'dev', 'platform.acme.io/region': 'us-east-1', 'platform.acme.io/team': 'shop' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      project: 'dev',
      source: { repoURL: REPO, targetRevision: 'main', path: 'dist/apps/dev/us-east-1/book-shop' },
      destination: { name: 'dev-us-east-1', namespace: 'book-shop' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'], retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } },
    });
    // Keys are not templated, non-strings pass through, the manifest is a complete Application.
    expect(shop.manifest).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'dev-us-east-1-book-shop', namespace: 'argocd' } });
    expect(apps[1].labels['platform.acme.io/team']).toBe('platform');
  });

  test('a deeper prefix works: the segment index comes from the template', () => {
    const root = repo('deploy/dist');
    const apps = expandApplicationSet(appSet('prod', { prefix: 'deploy/dist' }), listDirectories(root));
    expect(apps.map((a) => [a.name, a.destination.name, a.source?.path])).toEqual([
      ['prod-eu-west-1-book-shop', 'prod-eu-west-1', 'deploy/dist/apps/prod/eu-west-1/book-shop'],
      ['prod-eu-west-1-echo', 'prod-eu-west-1', 'deploy/dist/apps/prod/eu-west-1/echo'],
      ['prod-us-east-1-book-shop', 'prod-us-east-1', 'deploy/dist/apps/prod/us-east-1/book-shop'],
      ['prod-us-east-1-echo', 'prod-us-east-1', 'deploy/dist/apps/prod/us-east-1/echo'],
    ]);
    expect(apps.every((a) => a.syncPolicy?.automated === undefined)).toBe(true);
  });

  test('exclude wins over include, whatever the order', () => {
    const dirs = instanceDirs();
    const include = { path: 'dist/apps/prod/*/*' };
    const exclude = { path: 'dist/apps/prod/*/book-shop', exclude: true };
    const want = ['dist/apps/prod/us-east-1/echo', 'dist/apps/prod/eu-west-1/echo'];
    expect(filterDirectories([include, exclude], dirs)).toEqual(want);
    expect(filterDirectories([exclude, include], dirs)).toEqual(want);
    expect(filterDirectories([exclude], dirs)).toEqual([]); // excludes alone include nothing
    const apps = expandApplicationSet(appSet('prod', { directories: [exclude, include] }), dirs);
    expect(apps.map((a) => a.name)).toEqual(['prod-us-east-1-echo', 'prod-eu-west-1-echo']);
  });

  test('git values are rendered with the path params and exposed as .values', () => {
    const set = appSet('dev', {
      template: () => ({ metadata: { name: '{{ .values.prefix }}-{{ .path.basename }}' }, spec: { project: 'dev', destination: { name: 'x', namespace: 'y' } } }),
    });
    (set.spec.generators[0].git as Record<string, unknown>).values = { prefix: 'v-{{ index .path.segments 2 }}' };
    expect(expandApplicationSet(set, ['dist/apps/dev/us-east-1/echo']).map((a) => a.name)).toEqual(['v-dev-echo']);
  });

  test.each([
    ['a list generator', (s: ReturnType<typeof appSet>) => (s.spec.generators = [{ list: { elements: [] } } as never]), /unsupported generator "list" \(only git.directories is supported\)/],
    ['a matrix generator', (s: ReturnType<typeof appSet>) => (s.spec.generators = [{ matrix: { generators: [] } } as never]), /unsupported generator "matrix"/],
    ['a git files generator', (s: ReturnType<typeof appSet>) => (s.spec.generators = [{ git: { repoURL: REPO, revision: 'main', files: [{ path: 'x.json' }] } } as never]), /git files generator is not supported/],
    ['fasttemplate', (s: ReturnType<typeof appSet>) => ((s.spec as Record<string, unknown>).goTemplate = false), /goTemplate must be true/],
    ['templatePatch', (s: ReturnType<typeof appSet>) => ((s.spec as Record<string, unknown>).templatePatch = 'x'), /templatePatch is not supported/],
    ['a pipe in the template', (s: ReturnType<typeof appSet>) => ((s.spec.template.metadata as Record<string, unknown>).name = '{{ .path.basename | upper }}'), /unsupported template action/],
    ['a missing key', (s: ReturnType<typeof appSet>) => ((s.spec.template.metadata as Record<string, unknown>).name = '{{ .path.nope }}'), /map has no entry for key "nope"/],
    ['a malformed pattern', (s: ReturnType<typeof appSet>) => (s.spec.generators[0].git.directories = [{ path: 'dist/apps/dev/[' }]), /syntax error in pattern.*ignore the entry/],
  ])('refuses %s', (_what, mutate, message) => {
    const set = appSet('dev');
    mutate(set);
    expect(() => expandApplicationSet(set, instanceDirs())).toThrow(message);
    expect(() => expandApplicationSet(set, instanceDirs())).toThrow(/^ApplicationSet dev-services: /);
  });

  test('removing an app directory removes exactly its Application', () => {
    const root = repo();
    const sets = [appSet('dev'), appSet('prod')];
    const before = sets.flatMap((s) => expandApplicationSet(s, listDirectories(root)));
    rmSync(join(root, 'dist/apps/prod/eu-west-1/book-shop'), { recursive: true });
    const after = sets.flatMap((s) => expandApplicationSet(s, listDirectories(root)));
    const names = (l: typeof before) => l.map((a) => a.name);
    expect(names(before).filter((n) => !names(after).includes(n))).toEqual(['prod-eu-west-1-book-shop']);
    expect(names(after).filter((n) => !names(before).includes(n))).toEqual([]);
    expect(after).toEqual(before.filter((a) => a.name !== 'prod-eu-west-1-book-shop'));
    // And the check agrees once the instance is no longer expected; it flags it while it still is.
    const input = { ...goodInput(root), expected: expected().filter((e) => e.path !== 'dist/apps/prod/eu-west-1/book-shop') };
    expect(checkExpansion(input)).toEqual([]);
    expect(checkExpansion(goodInput(root))).toEqual([
      { rule: 'instance-dir-missing', message: expect.stringMatching(/^dist\/apps\/prod\/eu-west-1\/book-shop: directory of instance prod\/eu-west-1\/book-shop is not in the repository tree/) },
    ]);
  });
});

describe('checkExpansion', () => {
  test('the synthesizer format expands exactly to the instances', () => {
    const root = repo();
    const result = runExpansionCheck({ ...goodInput(root), repoURL: 'https://github.com/acme/gitops', clusters: ['dev-us-east-1', 'prod-us-east-1', 'prod-eu-west-1'] });
    expect(result.findings).toEqual([]);
    expect(result.applications.map((a) => a.name).sort()).toEqual(expected().map((e) => `${e.env}-${e.region}-${e.app}`).sort());
  });

  test('works with a deeper dist prefix', () => {
    const root = repo('deploy/dist');
    expect(
      checkExpansion({ repoRoot: root, appSets: [appSet('dev', { prefix: 'deploy/dist' }), appSet('prod', { prefix: 'deploy/dist' })], appProjects: [appProject('dev'), appProject('prod')], expected: expected('deploy/dist') }),
    ).toEqual([]);
  });

  test('a dev project with wildcards allows everything in dev', () => {
    const input = { directories: listDirectories(repo()), appSets: [appSet('dev')], appProjects: [appProject('dev', [{ name: 'dev-*', namespace: '*' }])], expected: expected().filter((e) => e.env === 'dev') };
    expect(checkExpansion(input)).toEqual([]);
  });

  test('catches a wrong name template', () => {
    const set = appSet('prod');
    (set.spec.template.metadata as Record<string, unknown>).name = 'prod-{{ .path.basename }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), set] });
    expect(rules(findings)).toEqual(['app-name', 'app-name-duplicate']);
    expect(findings).toContainEqual({
      rule: 'app-name',
      message: 'Application prod-echo (ApplicationSet prod-services, dist/apps/prod/us-east-1/echo): name is "prod-echo", expected "prod-us-east-1-echo"',
    });
    expect(findings).toContainEqual({
      rule: 'app-name-duplicate',
      message: 'Application name "prod-echo" is generated 2 times: dist/apps/prod/eu-west-1/echo (ApplicationSet prod-services), dist/apps/prod/us-east-1/echo (ApplicationSet prod-services)',
    });
  });

  test('catches a directory matched twice by two ApplicationSets', () => {
    const extra = appSet('dev', { name: 'dev-extra', directories: [{ path: 'dist/apps/dev/us-east-1/*' }] });
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), appSet('prod'), extra] });
    expect(rules(findings)).toEqual(['app-name-duplicate', 'instance-generated-twice']);
    expect(findings).toContainEqual({
      rule: 'instance-generated-twice',
      message: 'dist/apps/dev/us-east-1/echo: 2 Applications are generated for instance dev/us-east-1/echo: dev-us-east-1-echo (ApplicationSet dev-services), dev-us-east-1-echo (ApplicationSet dev-extra)',
    });
  });

  test('catches an extra matched directory (a stray dir, or the env dir itself)', () => {
    const root = repo();
    mkdirSync(join(root, 'dist/apps/dev/us-east-1/echo-old'), { recursive: true });
    writeFileSync(join(root, 'dist/apps/dev/us-east-1/echo-old/echo-old.yaml'), '');
    let findings = checkExpansion(goodInput(root));
    expect(findings).toHaveLength(3); // the stray dir; its team label (not in the dict); its namespace (not in the project)
    expect(findings[0]).toEqual({
      rule: 'app-unexpected-directory',
      message: 'Application dev-us-east-1-echo-old (ApplicationSet dev-services, dist/apps/dev/us-east-1/echo-old): dist/apps/dev/us-east-1/echo-old is not an app instance directory, yet the ApplicationSet generates an Application for it',
    });
    expect(findings[1]).toMatchObject({ rule: 'app-label-value', message: expect.stringContaining('label platform.acme.io/team renders to ""') });
    expect(findings[2]).toMatchObject({ rule: 'app-destination-not-permitted' });

    // A pattern one level too shallow also matches the region directories.
    const wide = appSet('dev', { directories: [{ path: 'dist/apps/dev/*/*' }, { path: 'dist/apps/dev/*' }] });
    findings = checkExpansion({ ...goodInput(repo()), appSets: [wide, appSet('prod')] });
    expect(findings.filter((f) => f.rule === 'app-unexpected-directory').map((f) => f.message)).toEqual([
      'Application dev-us-east-1-us-east-1 (ApplicationSet dev-services, dist/apps/dev/us-east-1): dist/apps/dev/us-east-1 is not an app instance directory, yet the ApplicationSet generates an Application for it',
    ]);

    // Matching dist/apps/dev itself: its template cannot even render (index 3 out of range).
    const shallow = appSet('dev', { directories: [{ path: 'dist/apps/dev/*/*' }, { path: 'dist/apps/*' }] });
    findings = checkExpansion({ ...goodInput(repo()), appSets: [shallow, appSet('prod')] });
    expect(findings[0]).toEqual({
      rule: 'appset-invalid',
      message: 'ApplicationSet dev-services: rendering the template for dist/apps/dev: template "{{ index .path.segments 3 }}": error calling index: index out of range: 3',
    });
  });

  test('catches a destination the project does not allow', () => {
    const narrow = appProject('prod', [
      { name: 'prod-us-east-1', namespace: 'echo' },
      { name: 'prod-us-east-1', namespace: 'book-shop' },
      { name: 'prod-eu-west-1', namespace: 'echo' },
    ]);
    const findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev'), narrow] });
    expect(findings).toEqual([
      {
        rule: 'app-destination-not-permitted',
        message: 'Application prod-eu-west-1-book-shop (ApplicationSet prod-services, dist/apps/prod/eu-west-1/book-shop): AppProject prod does not allow destination prod-eu-west-1/book-shop',
      },
    ]);
    // A deny entry wins even when another entry allows.
    const deny = appProject('prod', [{ name: 'prod-*', namespace: '*' }, { name: 'prod-*', namespace: '!book-shop' }]);
    expect(rules(checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev'), deny] }))).toEqual(['app-destination-not-permitted']);
  });

  test('catches automated sync in an env that should be manual (and a manual one that should be automated)', () => {
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev', { automated: false }), appSet('prod', { automated: true })] });
    expect(rules(findings)).toEqual(['app-sync-automated']);
    expect(findings).toHaveLength(6);
    expect(findings).toContainEqual({
      rule: 'app-sync-automated',
      message: 'Application prod-us-east-1-echo (ApplicationSet prod-services, dist/apps/prod/us-east-1/echo): prod syncs manually but syncPolicy.automated is set',
    });
    expect(findings).toContainEqual({
      rule: 'app-sync-automated',
      message: 'Application dev-us-east-1-echo (ApplicationSet dev-services, dist/apps/dev/us-east-1/echo): dev syncs automatically but syncPolicy.automated is missing',
    });
  });

  test('automated sync needs prune and selfHeal; enabled: false means manual', () => {
    const set = appSet('dev');
    (set.spec.template.spec as Record<string, any>).syncPolicy.automated = { prune: true };
    expect(checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')] }).map((f) => f.message)).toContainEqual(expect.stringContaining('must have prune: true and selfHeal: true (got prune: true, selfHeal: null)'));
    const off = appSet('prod');
    (off.spec.template.spec as Record<string, any>).syncPolicy.automated = { enabled: false, prune: true, selfHeal: true };
    expect(checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), off] })).toEqual([]);
  });

  test('catches a missing instance: no directory, or a directory no ApplicationSet matches', () => {
    const root = repo();
    const more: ExpectedInstance[] = [...expected(), { env: 'prod', region: 'eu-west-1', app: 'payments', automated: false, path: 'dist/apps/prod/eu-west-1/payments' }];
    expect(checkExpansion({ ...goodInput(root), expected: more })).toEqual([
      { rule: 'instance-dir-missing', message: 'dist/apps/prod/eu-west-1/payments: directory of instance prod/eu-west-1/payments is not in the repository tree (Argo CD cannot generate its Application)' },
    ]);
    const excluding = appSet('prod', { directories: [{ path: 'dist/apps/prod/*/*' }, { path: 'dist/apps/prod/eu-west-1/*', exclude: true }] });
    const findings = checkExpansion({ ...goodInput(root), appSets: [appSet('dev'), excluding] });
    expect(findings).toEqual([
      { rule: 'instance-not-generated', message: 'dist/apps/prod/eu-west-1/book-shop: no ApplicationSet generates an Application for instance prod/eu-west-1/book-shop (expected prod-eu-west-1-book-shop)' },
      { rule: 'instance-not-generated', message: 'dist/apps/prod/eu-west-1/echo: no ApplicationSet generates an Application for instance prod/eu-west-1/echo (expected prod-eu-west-1-echo)' },
    ]);
  });

  test('catches wrong destination and source fields', () => {
    const set = appSet('dev');
    const spec = set.spec.template.spec as Record<string, any>;
    spec.destination = { server: 'https://kubernetes.default.svc', namespace: 'apps' };
    spec.source.path = '{{ .path.basename }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')] });
    expect(rules(findings)).toEqual(['app-destination', 'app-destination-not-permitted', 'app-source-path']);
    expect(findings).toContainEqual({
      rule: 'app-source-path',
      message: 'Application dev-us-east-1-echo (ApplicationSet dev-services, dist/apps/dev/us-east-1/echo): source.path is "echo", expected "dist/apps/dev/us-east-1/echo"',
    });
  });

  test('catches a missing project and a source repository the project does not allow', () => {
    let findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('prod')] });
    expect(rules(findings)).toEqual(['app-project-missing']);
    expect(findings[0].message).toMatch(/project "dev" is not among the AppProjects \(prod\)$/);
    findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev', undefined, ['https://github.com/other/*']), appProject('prod')] });
    expect(rules(findings)).toEqual(['app-source-not-permitted']);
  });

  test('catches a generator or source pointing at another repository or revision', () => {
    const set = appSet('dev');
    (set.spec.template.spec as Record<string, any>).source.targetRevision = 'HEAD';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')], repoURL: 'https://github.com/acme/other' });
    expect(rules(findings)).toEqual(['app-source-repo', 'appset-repo-url']);
    expect(findings.filter((f) => f.rule === 'appset-repo-url')).toHaveLength(2); // once per generator
  });

  test('an unsupported ApplicationSet is a finding, and so are the instances it leaves out', () => {
    const bad = appSet('dev');
    (bad.spec.template.metadata as Record<string, unknown>).name = '{{ .path.basename | upper }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [bad, appSet('prod')] });
    expect(rules(findings)).toEqual(['appset-invalid', 'instance-not-generated']);
    expect(findings[0].message).toMatch(/^ApplicationSet dev-services: rendering the template for dist\/apps\/dev\/us-east-1\/book-shop: unsupported template action: /);
  });

  test('unknown destination clusters', () => {
    const findings = checkExpansion({ ...goodInput(repo()), clusters: ['dev-us-east-1', 'prod-us-east-1'] });
    expect(rules(findings)).toEqual(['app-destination-unknown-cluster']);
    expect(findings).toHaveLength(2);
  });

  test('reads the Argo CD objects from YAML files', () => {
    const root = repo();
    const write = (rel: string, docs: unknown[]): void => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), docs.map((d) => stringify(d)).join('---\n'));
    };
    write('dist/argocd/appsets/dev/services.yaml', [appSet('dev')]);
    write('dist/argocd/appsets/prod/services.yaml', [appSet('prod')]);
    write('dist/argocd/projects/dev.yaml', [appProject('dev'), appProject('prod')]);
    write('dist/argocd/root.yaml', [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'root' } }, { apiVersion: 'v1', kind: 'Secret' }]);
    const { appSets, appProjects, applications } = splitArgoObjects(readYamlObjects(join(root, 'dist/argocd')));
    expect([appSets.length, appProjects.length, applications.length]).toEqual([2, 2, 1]);
    expect(checkExpansion({ repoRoot: root, appSets, appProjects, expected: expected() })).toEqual([]);
  });
});

describe('AppProject matching', () => {
  test('normalizeGitURL', () => {
    expect(normalizeGitURL(' https://GitHub.com/Acme/GitOps.git ')).toBe('https://github.com/acme/gitops');
    expect(normalizeGitURL('git@github.com:acme/gitops.git')).toBe('git@github.com/acme/gitops');
    expect(normalizeGitURL('ssh://git@github.com/acme/gitops')).toBe('git@github.com/acme/gitops');
  });

  test('isSourcePermitted: normalized URLs, "/"-separated globs, deny patterns', () => {
    const p = (sourceRepos: string[]) => ({ spec: { sourceRepos } });
    expect(isSourcePermitted(p([REPO]), 'https://github.com/acme/gitops')).toBe(true);
    expect(isSourcePermitted(p(['https://github.com/acme/*']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['https://github.com/*']), REPO)).toBe(false); // * stops at '/'
    expect(isSourcePermitted(p(['https://github.com/**']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['*']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['git@github.com:acme/*']), 'git@github.com:acme/gitops.git')).toBe(true);
    expect(isSourcePermitted(p(['*', '!https://github.com/acme/gitops']), REPO)).toBe(false);
    expect(isSourcePermitted(p([]), REPO)).toBe(false);
  });

  test('isDestinationPermitted: name or server, namespace, no separators, deny', () => {
    const p = (destinations: object[]) => ({ spec: { destinations } });
    expect(isDestinationPermitted(p([{ name: 'dev-us-east-1', namespace: 'echo' }]), { name: 'dev-us-east-1', namespace: 'echo' })).toBe(true);
    expect(isDestinationPermitted(p([{ name: 'dev-us-east-1', namespace: 'echo' }]), { name: 'dev-us-east-1', namespace: 'book-shop' })).toBe(false);
    expect(isDestinationPermitted(p([{ name: 'dev-*', namespace: '*' }]), { name: 'dev-eu/west', namespace: 'a.b' })).toBe(true);
    expect(isDestinationPermitted(p([{ server: '*', namespace: '*' }]), { name: 'dev-us-east-1', namespace: 'echo' })).toBe(false); // server pattern, name destination
    expect(isDestinationPermitted(p([{ server: 'https://kubernetes.default.svc', namespace: 'x' }]), { server: 'https://kubernetes.default.svc', namespace: 'x' })).toBe(true);
    expect(isDestinationPermitted(p([{ name: '*', namespace: '*' }, { name: '*', namespace: '!kube-system' }]), { name: 'c', namespace: 'kube-system' })).toBe(false);
    expect(isDestinationPermitted(p([]), { name: 'c', namespace: 'x' })).toBe(false);
  });
});
