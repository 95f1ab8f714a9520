import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { addons, envs, platform } from '../../fixtures/example/envs';
import { AddonCatalogue } from '../../../lib/model';
import { K8sObject, ManifestObject, PlacementContext, PolicyFinding, Rule } from '../../../lib/policy/engine';
import { platformPlacement, policyContext } from '../../../lib/policy/gate';
import { ingressController, metricsApi, placementRules, servedKinds, uniqueHosts } from '../../../lib/policy/rules/placement';
import { prometheusSelects } from '../../../lib/policy/rules/placement/monitoring';
import { EXAMPLE } from '../../support/repo';

/** The frozen example's golden dist/, as the gate reads it. */
const DIST = path.join(EXAMPLE, 'dist');
function distObjects(): ManifestObject[] {
  const out: ManifestObject[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(DIST, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (r.endsWith('.yaml')) parseAllDocuments(fs.readFileSync(path.join(DIST, r), 'utf8')).forEach((d, index) => out.push({ file: r, index, object: d.toJS() as K8sObject }));
    }
  };
  walk('');
  return out;
}

const objects = distObjects();
/** The example's topology (envs/platform.ts): a host per region, the hub hosting us-east-1. */
const placement = platformPlacement(platform, envs, addons);
/** No hosts declared: one implicit hub runs every vcluster, so both prod regions share one ingress controller. */
const shared = platformPlacement({ ...platform, hosts: [] }, envs, addons);
/** Runs one rule; `where` null: the context knows no clusters (input without the dist/ layout). */
const run = (rule: Rule, objs: readonly ManifestObject[] = objects, where: PlacementContext | null = placement): PolicyFinding[] =>
  rule.check(policyContext(objs, envs, undefined, undefined, where ?? undefined));
const brief = (found: PolicyFinding[]) => found.map((f) => `${f.file}: ${f.object}: ${f.path ? `${f.path}: ` : ''}${f.message}`);

/** A copy of the objects with `edit` applied to those `pick` selects. */
function edited(pick: (m: ManifestObject) => boolean, edit: (o: any) => void): ManifestObject[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return objects.map((m) => {
    if (!pick(m)) return m;
    const o = structuredClone(m.object);
    edit(o);
    return { ...m, object: o };
  });
}

/** The catalogue with one add-on changed (or dropped, when `change` returns undefined). */
function catalogueWith(name: string, change: (a: AddonCatalogue['addons'][number]) => AddonCatalogue['addons'][number] | undefined): AddonCatalogue {
  return { addons: addons.addons.flatMap((a) => (a.name === name ? (change(a) ?? []) : [a])) };
}

/** Every placement rule, cluster/unique-hosts included (registered in the gate once hosts are per region). */
const ALL_PLACEMENT = [...new Set([...placementRules, uniqueHosts])];

/** The Application of the vcluster chart (a remote vcluster's file also holds its registration's Application). */
const isVclusterApp = (m: ManifestObject): boolean => m.object.kind === 'Application' && (m.object as any).spec?.source?.chart === 'vcluster'; // eslint-disable-line @typescript-eslint/no-explicit-any
const isFile = (file: string) => (m: ManifestObject) => m.file === file;
const isKind = (kind: string) => (m: ManifestObject) => m.object.kind === kind;

describe('placement rules', () => {
  it('are error rules without opt-out: the cluster, not the app, decides', () => {
    for (const r of ALL_PLACEMENT) {
      expect(r.severity).toBe('error');
      expect(r.reason).not.toMatch(/\n/);
      expect(r.explain).toMatch(/There is no opt-out\.$/);
    }
  });

  it('pass on the example dist/: every kind served, metrics wherever HPAs are, a controller for every Ingress class (host+path: below)', () => {
    expect(objects.filter(isKind('SealedSecret')).length).toBeGreaterThan(0);
    expect(objects.filter(isKind('HorizontalPodAutoscaler')).length).toBeGreaterThan(0);
    expect(objects.filter(isKind('Ingress')).length).toBeGreaterThan(0);
    for (const r of placementRules.filter((x) => x !== uniqueHosts)) expect(brief(run(r))).toEqual([]);
  });

  it('are skipped without the platform\'s clusters and add-ons (input without the dist/ layout)', () => {
    const planted = edited(isKind('Ingress'), (o) => (o.spec.ingressClassName = 'nginx'));
    for (const r of ALL_PLACEMENT) expect(run(r, planted, null)).toEqual([]);
  });
});

describe('cluster/served-kinds', () => {
  it('reports a SealedSecret in a vcluster the sealed-secrets add-on does not target, naming cluster, kind and add-on', () => {
    const onHosts = platformPlacement(platform, envs, catalogueWith('sealed-secrets', (a) => ({ ...a, target: 'hosts', envs: {} })));
    const found = run(servedKinds, objects, onHosts);
    const files = objects.filter(isKind('SealedSecret')).map((m) => m.file);
    expect(found.map((f) => f.file)).toEqual(files);
    expect(found.find((f) => f.file.startsWith('apps/prod/us-east-1/'))?.message).toBe(
      'vcluster prod-us-east-1 does not serve bitnami.com/SealedSecret: no add-on installs it there (sealed-secrets serves it and targets hosts, not prod-us-east-1); a vcluster syncs no custom resources from its host (vcluster 0.36.1: a licensed vCluster Platform feature)',
    );
  });

  it('reports a kind no add-on serves', () => {
    const widget: ManifestObject = { file: 'apps/dev/us-east-1/echo/echo.yaml', index: 99, object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'echo' } } };
    expect(brief(run(servedKinds, [...objects, widget]))).toEqual([
      'apps/dev/us-east-1/echo/echo.yaml: Widget echo/w: vcluster dev-us-east-1 does not serve example.com/Widget: no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with dev-us-east-1 in its target; a vcluster syncs no custom resources from its host (vcluster 0.36.1: a licensed vCluster Platform feature)',
    ]);
  });

  it('reports a custom resource of the control plane the hub does not serve, and takes Argo CD on the hub as a bootstrap prerequisite', () => {
    const noEso = platformPlacement(platform, envs, catalogueWith('external-secrets', () => undefined));
    const noArgo = platformPlacement(platform, envs, catalogueWith('argo-cd', () => undefined));
    const found = run(servedKinds, objects, noEso);
    expect(new Set(found.map((f) => f.object.split(' ')[0]))).toEqual(new Set(['ExternalSecret', 'SecretStore', 'PushSecret']));
    // argocd/ (the vclusters' registrations, the notifications token) is applied to the hub
    const [onHub, onHost] = [found.filter((f) => f.file.startsWith('argocd/')), found.filter((f) => !f.file.startsWith('argocd/'))];
    expect(onHub.every((f) => /^hub cluster host-us-east-1 does not serve external-secrets\.io\//.test(f.message))).toBe(true);
    expect(onHub.filter((f) => f.file === 'argocd/notifications.yaml').map((f) => f.object.split(' ')[0]).sort()).toEqual(['ExternalSecret', 'SecretStore']);
    // the host-side objects of the remote vcluster are placed on its host
    expect(onHost.map((f) => `${f.file}: ${f.object.split(' ')[0]}: ${f.message.split(':')[0]}`).sort()).toEqual([
      'vcluster-host/prod-eu-west-1/registration.yaml: PushSecret: host cluster host-eu-west-1 does not serve external-secrets.io/PushSecret',
      'vcluster-host/prod-eu-west-1/registration.yaml: SecretStore: host cluster host-eu-west-1 does not serve external-secrets.io/SecretStore',
    ]);
    // Applications, ApplicationSets and AppProjects are served on the hub even without the argo-cd add-on.
    expect(run(servedKinds, objects, noArgo)).toEqual([]);
  });
});

describe('cluster/metrics-api', () => {
  const euVcluster = isFile('argocd/vclusters/prod-eu-west-1.yaml');
  it('reports an HPA in a vcluster whose values leave the metrics-server integration off', () => {
    const off = edited((m) => euVcluster(m) && isVclusterApp(m), (o) => (o.spec.source.helm.valuesObject.integrations.metricsServer.enabled = false));
    expect(brief(run(metricsApi, off))).toEqual([
      'apps/prod/eu-west-1/book-shop/book-shop.yaml: HorizontalPodAutoscaler book-shop/book-shop: vcluster prod-eu-west-1 does not serve metrics.k8s.io: integrations.metricsServer.enabled is not true in its values (argocd/vclusters/prod-eu-west-1.yaml)',
    ]);
  });

  it('reports an HPA in a vcluster whose host runs no metrics-server', () => {
    const found = run(metricsApi, objects, platformPlacement(platform, envs, catalogueWith('metrics-server', () => undefined)));
    expect(found.length).toBe(objects.filter(isKind('HorizontalPodAutoscaler')).length);
    expect(found[0].message).toBe('vcluster dev-us-east-1 proxies metrics.k8s.io to its host, and hub cluster host-us-east-1 does not serve it: no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with host-us-east-1 in its target');
  });

  it('reports an HPA whose vcluster Application is not in the input, and ignores HPAs on custom metrics only', () => {
    const without = objects.filter((m) => !euVcluster(m));
    expect(brief(run(metricsApi, without))).toEqual([
      'apps/prod/eu-west-1/book-shop/book-shop.yaml: HorizontalPodAutoscaler book-shop/book-shop: vcluster prod-eu-west-1 has no vcluster Application in the input, so whether it serves metrics.k8s.io (integrations.metricsServer.enabled) is unknown',
    ]);
    const custom = edited(isKind('HorizontalPodAutoscaler'), (o) => (o.spec.metrics = [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '1' } } }]));
    expect(run(metricsApi, custom.filter((m) => !euVcluster(m)))).toEqual([]);
  });
});

describe('cluster/ingress-controller', () => {
  it('reports an Ingress whose class no add-on on its host serves', () => {
    const nginx = edited((m) => isKind('Ingress')(m) && m.file.startsWith('apps/prod/eu-west-1/echo/'), (o) => (o.spec.ingressClassName = 'nginx'));
    expect(brief(run(ingressController, nginx))).toEqual([
      'apps/prod/eu-west-1/echo/echo.yaml: Ingress echo/echo: spec.ingressClassName: host cluster host-eu-west-1 (where vcluster prod-eu-west-1 syncs its Ingresses) has no controller for IngressClass nginx: no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with host-eu-west-1 in its target',
    ]);
  });

  it('reports an Ingress in a vcluster that does not sync Ingresses to its host, and one without a class', () => {
    const planted = edited(
      (m) => (isFile('argocd/vclusters/dev-us-east-1.yaml')(m) && isVclusterApp(m)) || (isKind('Ingress')(m) && m.file.startsWith('apps/prod/eu-west-1/echo/')),
      (o) => (o.kind === 'Ingress' ? delete o.spec.ingressClassName : (o.spec.source.helm.valuesObject.sync.toHost.ingresses.enabled = false)),
    );
    const found = brief(run(ingressController, planted));
    expect(found.filter((f) => f.startsWith('apps/dev/')).length).toBe(objects.filter((m) => isKind('Ingress')(m) && m.file.startsWith('apps/dev/')).length);
    expect(found).toContain(
      'apps/dev/us-east-1/echo/echo.yaml: Ingress echo/echo: vcluster dev-us-east-1 does not sync Ingresses to its host (sync.toHost.ingresses.enabled is not true in argocd/vclusters/dev-us-east-1.yaml), and no controller runs inside it: nothing serves this Ingress',
    );
    expect(found).toContain(
      'apps/prod/eu-west-1/echo/echo.yaml: Ingress echo/echo: spec.ingressClassName: names no ingress class, so which controller of host cluster host-eu-west-1 serves it is unknown; set the class of a controller there',
    );
  });
});

describe('cluster/unique-hosts', () => {
  it('reports the prod regions\' hostnames claimed twice on the shared host\'s controller, naming both files', () => {
    // book-shop is routed by an HTTPRoute in prod (one per region, host-side): its hostname is claimed twice on the one hub.
    expect(brief(run(uniqueHosts, objects, shared))).toEqual([
      'apps/prod/us-east-1/echo/echo.yaml: Ingress echo/echo: spec.rules[0].http.paths[0].path: echo.acme.io/ is already claimed on IngressClass traefik of hub cluster hub by apps/prod/eu-west-1/echo/echo.yaml (spec.rules[0].http.paths[0].path); clusters prod-eu-west-1 and prod-us-east-1 share this controller: give each its own hostname',
      'vcluster-host/prod-us-east-1/route-book-shop.yaml: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.hostnames[0]: books.acme.io is already claimed on hub cluster hub by the HTTPRoute of vcluster-host/prod-eu-west-1/route-book-shop.yaml (spec.hostnames[0]); an HTTPRoute claims its whole hostname there; clusters prod-eu-west-1 and prod-us-east-1 share this controller: give each its own hostname',
    ]);
  });

  it('passes with a host cluster per region: each region\'s controller sees each hostname once', () => {
    expect(run(uniqueHosts, objects, placement)).toEqual([]);
    for (const r of ALL_PLACEMENT) expect(brief(run(r, objects, placement))).toEqual([]);
  });

  it('reports the same host and path twice on one controller within one vcluster; another class or path is no conflict', () => {
    const echo = objects.find((m) => isKind('Ingress')(m) && m.file.startsWith('apps/dev/us-east-1/echo/'))!;
    const copy = (edit: (o: any) => void): ManifestObject => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const o = structuredClone(echo.object) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      o.metadata.name = 'echo-copy';
      edit(o);
      return { file: 'apps/dev/us-east-1/echo-copy/echo-copy.yaml', index: 0, object: o };
    };
    const dev = objects.filter((m) => !m.file.startsWith('apps/prod/'));
    expect(brief(run(uniqueHosts, [...dev, copy(() => undefined)]))).toEqual([
      'apps/dev/us-east-1/echo-copy/echo-copy.yaml: Ingress echo/echo-copy: spec.rules[0].http.paths[0].path: echo.dev.acme.io/ is already claimed on IngressClass traefik of hub cluster host-us-east-1 by apps/dev/us-east-1/echo/echo.yaml (spec.rules[0].http.paths[0].path); give each Ingress its own host or path',
    ]);
    expect(run(uniqueHosts, [...dev, copy((o) => (o.spec.rules[0].http.paths[0].path = '/other'))])).toEqual([]);
  });
});

describe('cluster/prometheus-selects', () => {
  const isMonitoring = (m: ManifestObject) => /^vcluster-host\/[^/]+\/monitoring-/.test(m.file);
  /** The placement with kube-prometheus-stack's values changed on every host. */
  const withStack = (values: (v: any) => any): PlacementContext => platformPlacement(platform, envs, catalogueWith('kube-prometheus-stack', (a) => ({ ...a, values: values(structuredClone(a.values)) }))); // eslint-disable-line @typescript-eslint/no-explicit-any

  it('passes on the example: each host\'s stack reads every app\'s monitor and rule, and its Grafana loads every dashboard', () => {
    expect(objects.filter(isMonitoring).map((m) => m.object.kind).sort()).toEqual([...Array(7).fill('ConfigMap'), ...Array(7).fill('PrometheusRule'), ...Array(7).fill('ServiceMonitor')]);
    expect(run(prometheusSelects)).toEqual([]);
  });

  it('reports every monitor and rule when the stack selects only its release\'s (the chart\'s default), naming the values key', () => {
    const found = run(prometheusSelects, objects, withStack((v) => ({ ...v, prometheus: {} })));
    expect(found.map((f) => f.object).filter((o) => o.startsWith('ServiceMonitor')).length).toBe(7);
    expect(found.map((f) => f.object).filter((o) => o.startsWith('PrometheusRule')).length).toBe(7);
    expect(brief(found)[0]).toBe(
      'vcluster-host/dev-us-east-1/monitoring-book-shop.yaml: ServiceMonitor vcluster-dev-us-east-1/book-shop: metadata.labels: hub cluster host-us-east-1 never reads this ServiceMonitor: kube-prometheus-stack\'s Prometheus reads ServiceMonitors matching {"matchLabels":{"release":"kube-prometheus-stack"}} (prometheus.prometheusSpec.serviceMonitorSelector, serviceMonitorSelectorNilUsesHelmValues)',
    );
  });

  it('reads the host namespace\'s labels from the set (the vcluster Application\'s managedNamespaceMetadata, the hub\'s Namespace object)', () => {
    const byEnv = withStack((v) => ({ ...v, prometheus: { prometheusSpec: { ...v.prometheus.prometheusSpec, ruleNamespaceSelector: { matchLabels: { 'platform.acme.io/env': 'prod' } } } } }));
    expect(run(prometheusSelects, objects, byEnv).map((f) => f.file)).toEqual([
      'vcluster-host/dev-us-east-1/monitoring-book-shop.yaml', 'vcluster-host/dev-us-east-1/monitoring-incident-assistant-backend.yaml',
      'vcluster-host/staging-us-east-1/monitoring-book-shop.yaml', 'vcluster-host/staging-us-east-1/monitoring-incident-assistant-backend.yaml',
    ]);
  });

  it('reports a dashboard the sidecar does not load (label value, or its own namespace only)', () => {
    const planted = edited((m) => isMonitoring(m) && isKind('ConfigMap')(m) && m.file.includes('dev-us-east-1/monitoring-book-shop'), (o) => (o.metadata.labels.grafana_dashboard = '0'));
    expect(brief(run(prometheusSelects, planted))).toEqual([
      'vcluster-host/dev-us-east-1/monitoring-book-shop.yaml: ConfigMap vcluster-dev-us-east-1/book-shop-dashboard: metadata.labels: hub cluster host-us-east-1\'s Grafana never loads this dashboard: kube-prometheus-stack\'s Grafana sidecar loads ConfigMaps labelled grafana_dashboard: "1" (grafana.sidecar.dashboards.label, labelValue)',
    ]);
    const own = withStack((v) => ({ ...v, grafana: { ...v.grafana, sidecar: { dashboards: { searchNamespace: null } } } }));
    expect(run(prometheusSelects, objects, own).length).toBe(7);
  });
});
