import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, defineEnvironment, registerEnvironments, TagPatterns } from '../../lib/model';
import { runExpansionCheck } from '../../lib/policy/appset-expansion';
import { validateCustomResource, validateVclusterValues } from '../../lib/policy/schemas';
import { planSynth, SynthPlan } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

function objectsOf(plan: SynthPlan, prefix = ''): { file: string; obj: Obj }[] {
  return plan.files
    .filter((f) => f.path.endsWith('.yaml') && f.path.startsWith(prefix))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => ({ file: f.path, obj: d.toJS() as Obj })));
}

/** Every directory of the repository that the plan's files would create (as Argo CD's repo server lists them). */
function directoriesOf(plan: SynthPlan, distPath = 'dist'): string[] {
  const dirs = new Set<string>();
  for (const f of plan.files) {
    const parts = `${distPath}/${f.path}`.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

function expand(plan: SynthPlan) {
  const argo = objectsOf(plan, 'argocd/').map((o) => o.obj);
  return runExpansionCheck({
    directories: directoriesOf(plan),
    appSets: argo.filter((o) => o.kind === 'ApplicationSet'),
    appProjects: argo.filter((o) => o.kind === 'AppProject'),
    expected: plan.resolved.instances.map((i) => ({
      env: i.env, region: i.region, app: i.app, automated: i.sync.automated, path: `dist/apps/${i.env}/${i.region}/${i.app}`,
    })),
    repoURL: exampleInput.platform.gitops.repoURL,
    clusters: Object.values(exampleInput.envs).flatMap((e) => e.regionNames.map((r) => `${e.name}-${r}`)),
  });
}

const plan = planSynth(exampleInput);
const argo = objectsOf(plan, 'argocd/');
const byKind = (kind: string) => argo.filter((o) => o.obj.kind === kind);

describe('dist/argocd files', () => {
  test('are the files of the output contract', () => {
    expect([...new Set(argo.map((o) => o.file))]).toEqual([
      'argocd/addons/dev-us-east-1/sealed-secrets.yaml',
      'argocd/addons/host-eu-west-1/cert-manager.yaml',
      'argocd/addons/host-eu-west-1/crossplane.yaml',
      'argocd/addons/host-eu-west-1/external-secrets.yaml',
      'argocd/addons/host-eu-west-1/gateway-api.yaml',
      'argocd/addons/host-eu-west-1/kube-prometheus-stack.yaml',
      'argocd/addons/host-eu-west-1/metrics-server.yaml',
      'argocd/addons/host-eu-west-1/traefik.yaml',
      'argocd/addons/host-us-east-1/argo-cd.yaml',
      'argocd/addons/host-us-east-1/cert-manager.yaml',
      'argocd/addons/host-us-east-1/crossplane.yaml',
      'argocd/addons/host-us-east-1/external-secrets.yaml',
      'argocd/addons/host-us-east-1/gateway-api.yaml',
      'argocd/addons/host-us-east-1/kube-prometheus-stack.yaml',
      'argocd/addons/host-us-east-1/metrics-server.yaml',
      'argocd/addons/host-us-east-1/traefik.yaml',
      'argocd/addons/prod-eu-west-1/sealed-secrets.yaml',
      'argocd/addons/prod-us-east-1/sealed-secrets.yaml',
      'argocd/addons/staging-us-east-1/sealed-secrets.yaml',
      'argocd/appsets/dev/services.yaml',
      'argocd/appsets/prod/services.yaml',
      'argocd/appsets/staging/services.yaml',
      'argocd/crossplane/host-eu-west-1.yaml',
      'argocd/crossplane/host-us-east-1.yaml',
      'argocd/databases/dev-us-east-1.yaml',
      'argocd/databases/prod-us-east-1.yaml',
      'argocd/databases/staging-us-east-1.yaml',
      'argocd/notifications.yaml',
      'argocd/projects/dev.yaml',
      'argocd/projects/prod.yaml',
      'argocd/projects/staging.yaml',
      'argocd/root.yaml',
      'argocd/vclusters/dev-us-east-1.yaml',
      'argocd/vclusters/prod-eu-west-1.yaml',
      'argocd/vclusters/prod-us-east-1.yaml',
      'argocd/vclusters/staging-us-east-1.yaml',
    ]);
  });

  test('every custom resource validates against its upstream CRD schema (imports/schemas)', () => {
    const crs = [...argo, ...objectsOf(plan, 'vcluster-host/'), ...objectsOf(plan, 'apps/')].filter((o) => !['v1', 'apps/v1', 'policy/v1', 'autoscaling/v2', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1'].includes(o.obj.apiVersion));
    expect(crs.length).toBeGreaterThanOrEqual(4 + 3 + 4 * 3);
    expect(crs.map((o) => o.obj.kind)).toContain('PushSecret');
    for (const { file, obj } of crs) {
      expect([file, obj.kind, obj.metadata.name, validateCustomResource(obj)]).toEqual([file, obj.kind, obj.metadata.name, []]);
    }
  });

  test('every vcluster valuesObject validates against the chart values schema', () => {
    const vclusters = byKind('Application').filter((o) => o.obj.spec.source.chart === 'vcluster');
    expect(vclusters).toHaveLength(4);
    for (const { file, obj } of vclusters) {
      expect(obj.spec.source).toMatchObject({ repoURL: 'https://charts.loft.sh', targetRevision: '0.36.1' });
      expect([file, validateVclusterValues(obj.spec.source.helm.valuesObject)]).toEqual([file, []]);
      expect(obj.spec.source.helm.valuesObject.policies.podSecurityStandard).toBe('restricted');
    }
  });

  test('root.yaml holds the platform project and the app of apps over dist/argocd', () => {
    const root = objectsOf(plan, 'argocd/root.yaml').map((o) => o.obj);
    expect(root.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['AppProject/platform', 'Application/root']);
    expect(root[1].spec).toMatchObject({
      project: 'platform',
      source: { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'dist/argocd', directory: { recurse: true } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    // The first bootstrap waits for every vcluster's registration: the root sync never gives up (limit < 0).
    expect(root[1].spec.syncPolicy.retry).toEqual({ limit: -1, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } });
    for (const o of root) expect(o.metadata.namespace).toBe('argocd');
  });

  test('sync waves: projects, hub/host add-ons, vclusters, their registration, vcluster add-ons, then ApplicationSets', () => {
    const waveOf = (o: Obj) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const waves = (kind: string, pred: (o: Obj) => boolean = () => true) => [...new Set(byKind(kind).map((o) => o.obj).filter(pred).map(waveOf))];
    const [project] = waves('AppProject');
    const [vcluster] = waves('Application', (o) => o.spec.source.chart === 'vcluster');
    const [registration] = waves('ExternalSecret', (o) => o.metadata.name !== 'argocd-notifications-secret');
    const [notifications] = waves('ExternalSecret', (o) => o.metadata.name === 'argocd-notifications-secret');
    const [appSet] = waves('ApplicationSet');
    const hostAddons = waves('Application', (o) => o.metadata.name.startsWith('addon-host-'));
    const vclusterAddons = waves('Application', (o) => o.metadata.name.startsWith('addon-') && !o.metadata.name.startsWith('addon-host-'));
    for (const w of hostAddons) expect([project < w, w < vcluster]).toEqual([true, true]);
    for (const w of vclusterAddons) expect([registration < w, w < appSet]).toEqual([true, true]);
    expect(project).toBeLessThan(vcluster);
    expect(vcluster).toBeLessThan(registration);
    expect(registration).toBeLessThan(appSet);
    // Nothing waits on the notifications token (Degraded until it is in Secrets Manager).
    expect(notifications).toBeGreaterThan(appSet);
  });
});

describe('AppProjects', () => {
  const project = (name: string) => byKind('AppProject').find((o) => o.obj.metadata.name === name)!.obj;

  test.each(['dev', 'staging', 'prod'])('%s: this repository only; destinations are exactly its vclusters x released apps', (env) => {
    const p = project(env);
    expect(p.spec.sourceRepos).toEqual(['https://github.com/acme/gitops.git']);
    const expected = plan.resolved.instances.filter((i) => i.env === env).map((i) => ({ name: `${env}-${i.region}`, namespace: i.app }));
    expect([...p.spec.destinations].sort((a: Obj, b: Obj) => (a.name + a.namespace < b.name + b.namespace ? -1 : 1)))
      .toEqual(expected.sort((a, b) => (a.name + a.namespace < b.name + b.namespace ? -1 : 1)));
    expect(p.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
  });

  test('prod has no wildcard anywhere in sources or destinations', () => {
    const p = project('prod');
    expect(JSON.stringify([p.spec.sourceRepos, p.spec.destinations])).not.toContain('*');
  });

  test('the owning team may get and sync its own applications; the readers group may read all', () => {
    const p = project('prod');
    const shop = p.spec.roles.find((r: Obj) => r.name === 'team-shop');
    expect(shop.groups).toEqual(['acme:shop']);
    expect(shop.policies).toContain('p, proj:prod:team-shop, applications, sync, prod/prod-us-east-1-book-shop, allow');
    expect(shop.policies.join('\n')).not.toContain('echo');
    const readers = p.spec.roles.find((r: Obj) => r.name === 'read-only');
    expect(readers).toMatchObject({ groups: ['engineering'], policies: ['p, proj:prod:read-only, applications, get, prod/*, allow'] });
  });
});

describe('ApplicationSets', () => {
  const appSet = (env: string) => byKind('ApplicationSet').find((o) => o.obj.metadata.name === `${env}-services`)!.obj;

  test('git directories generator over dist/apps/<env>/*/*, goTemplate with missingkey=error', () => {
    const s = appSet('dev');
    expect(s.spec.goTemplate).toBe(true);
    expect(s.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(s.spec.generators).toEqual([{ git: { repoURL: 'https://github.com/acme/gitops.git', revision: 'main', directories: [{ path: 'dist/apps/dev/*/*' }] } }]);
  });

  test('dev syncs automatically with prune and self-heal; staging and prod wait for a manual sync', () => {
    expect(appSet('dev').spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(appSet('staging').spec.template.spec.syncPolicy.automated).toBeUndefined();
    expect(appSet('prod').spec.template.spec.syncPolicy.automated).toBeUndefined();
    for (const env of ['dev', 'staging', 'prod']) {
      expect(appSet(env).spec.template.spec.syncPolicy).toMatchObject({ syncOptions: ['CreateNamespace=true'], retry: { limit: 5 } });
    }
  });
});

describe('offline expansion of the ApplicationSets over dist/', () => {
  test('each app instance directory yields exactly one correct Application, and nothing else is generated', () => {
    const result = expand(plan);
    expect(result.findings).toEqual([]);
    expect(result.applications.map((a) => a.name).sort()).toEqual(plan.resolved.instances.map((i) => i.instance).sort());
    const echo = result.applications.find((a) => a.name === 'prod-eu-west-1-echo')!;
    expect(echo.destination).toEqual({ name: 'prod-eu-west-1', namespace: 'echo' });
    expect(echo.labels).toMatchObject({ 'platform.acme.io/team': 'platform', 'platform.acme.io/region': 'eu-west-1', 'platform.acme.io/env': 'prod' });
  });

  test('removing an app from an env removes exactly its Application', () => {
    const { echo, ...others } = exampleInput.releases as Record<string, Record<string, unknown>>;
    const { prod: _prod, ...echoElsewhere } = echo;
    void _prod;
    const smaller = planSynth({ ...exampleInput, releases: { ...others, echo: echoElsewhere } as never });
    const before = expand(plan).applications.map((a) => a.name).sort();
    const after = expand(smaller);
    expect(after.findings).toEqual([]);
    expect(before.filter((n) => !after.applications.map((a) => a.name).includes(n))).toEqual(['prod-eu-west-1-echo', 'prod-us-east-1-echo']);
    expect(after.applications).toHaveLength(before.length - 2);
    // and the prod project no longer lets anything deploy echo
    const prodProject = objectsOf(smaller, 'argocd/projects/prod.yaml')[0].obj;
    expect(prodProject.spec.destinations.map((d: Obj) => d.namespace)).not.toContain('echo');
  });
});

describe('bad input', () => {
  test('a vcluster values key the chart does not know fails synth naming the env file and the field', () => {
    const { regionNames: _names, ...prod } = exampleInput.envs.prod;
    void _names;
    const bad = defineEnvironment(exampleInput.apps, { ...prod, vcluster: { values: { policies: { isolation: true } } } } as never);
    const envs = registerEnvironments(exampleInput.envs.dev, exampleInput.envs.staging, bad);
    let error: unknown;
    try {
      planSynth({ ...exampleInput, envs });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const ce = error as ConfigError;
    expect(ce.file).toBe(path.resolve(__filename));
    expect(ce.field).toBe('vcluster.values.policies.isolation');
    expect(ce.reason).toMatch(/unknown key/);
  });

  test('env vcluster overrides are merged over the golden values', () => {
    const env = defineEnvironment(exampleInput.apps, {
      name: 'qa', regions: { 'us-east-1': {} }, profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'info' },
      sync: { automated: false }, ingress: { domain: 'qa.acme.io' }, tags: { allow: [TagPatterns.gitSha] },
      vcluster: { values: { policies: { resourceQuota: { quota: { 'requests.cpu': '4' } } } } },
    });
    // The example's add-ons override dev and prod, which this registry does not have (planAddons refuses them): the
    // same add-ons without overrides (the registration's ExternalSecret needs external-secrets on the hub: cluster/served-kinds).
    const addons = { addons: exampleInput.addons!.addons.map((a) => ({ ...a, envs: {} })) };
    const p = planSynth({ ...exampleInput, envs: registerEnvironments(env), releases: {}, secrets: {}, addons });
    // nothing released in qa yet: its ApplicationSet matches nothing, a warning, not an error
    expect(p.warnings.map((w) => w.rule)).toEqual(['argocd/appset-paths-exist']);
    const vc = objectsOf(p, 'argocd/vclusters/').find((o) => o.obj.kind === 'Application')!.obj;
    expect(vc.spec.source.helm.valuesObject.policies).toMatchObject({
      podSecurityStandard: 'restricted',
      resourceQuota: { enabled: true, quota: { 'requests.cpu': '4' } },
    });
  });
});
