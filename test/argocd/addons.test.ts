import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import {
  addonFile, AddonSpec, APPLICATION_HEALTH_KEY, APPLICATION_HEALTH_LUA, ConfigError, defineAddons, parseDistPath,
} from '../../lib/model';
import { isDestinationPermitted, isSourcePermitted } from '../../lib/policy/appset-expansion/project';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { addons } from '../fixtures/example/envs';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const plan = planSynth(exampleInput);
const docsOf = (path: string): Obj[] => parseAllDocuments(plan.files.find((f) => f.path === path)!.content).map((d) => d.toJS());
const addonApps = plan.files.filter((f) => parseDistPath(f.path)?.kind === 'addon').map((f) => ({ file: f.path, app: docsOf(f.path)[0] }));
const platformProject = docsOf('argocd/root.yaml').find((o) => o.kind === 'AppProject');
const vclusters = ['dev-us-east-1', 'staging-us-east-1', 'prod-us-east-1', 'prod-eu-west-1'];
const HUB = 'host-us-east-1';
const HOSTS = [HUB, 'host-eu-west-1'];

describe('add-on Applications (fixture repository)', () => {
  test('one file per add-on per target cluster: argo-cd on the hub, host add-ons (ESO among them) on every host, sealed-secrets in every vcluster', () => {
    const expected = [
      addonFile(HUB, 'argo-cd'),
      ...HOSTS.flatMap((h) => ['crossplane', 'external-secrets', 'metrics-server', 'gateway-api', 'traefik', 'cert-manager', 'kube-prometheus-stack'].map((a) => addonFile(h, a))),
      ...vclusters.map((v) => addonFile(v, 'sealed-secrets')),
    ].sort();
    expect(addonApps.map((a) => a.file).sort()).toEqual(expected);
    for (const { file, app } of addonApps) {
      expect([file, app.kind, app.spec.project, app.spec.syncPolicy.syncOptions[0]]).toEqual([file, 'Application', 'platform', 'CreateNamespace=true']);
    }
  });

  test('sealed-secrets runs in each vcluster (destination by its Argo CD cluster name) as kubeseal\'s kube-system/sealed-secrets', () => {
    for (const v of vclusters) {
      const app = addonApps.find((a) => a.file === addonFile(v, 'sealed-secrets'))!.app;
      expect(app.spec.destination).toEqual({ name: v, namespace: 'kube-system' });
      expect(app.spec.source.helm.valuesObject.fullnameOverride).toBe('sealed-secrets');
    }
    const memory = (v: string) => addonApps.find((a) => a.file === addonFile(v, 'sealed-secrets'))!.app.spec.source.helm.valuesObject.resources.limits.memory;
    expect([memory('dev-us-east-1'), memory('staging-us-east-1'), memory('prod-eu-west-1')]).toEqual(['64Mi', '128Mi', '256Mi']);
  });

  test('the argo-cd Application restores Application health in argocd-cm, with the Lua of the Argo CD docs exactly', () => {
    const app = addonApps.find((a) => a.file === addonFile(HUB, 'argo-cd'))!.app;
    const lua = app.spec.source.helm.valuesObject.configs.cm[APPLICATION_HEALTH_KEY];
    expect(APPLICATION_HEALTH_KEY).toBe('resource.customizations.health.argoproj.io_Application');
    expect(lua).toBe(APPLICATION_HEALTH_LUA);
    // sha256 of argo-cd v3.5.1 docs/operator-manual/health.md lines 47-58, de-indented (the platform's source notes).
    expect(createHash('sha256').update(lua).digest('hex')).toBe('14fb8e4defc7760715c56e273c7aa844a0f5ed1c01e433248e6c18769dcd8a5d');
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  });

  test('ServerSideApply exactly where the add-on asks for it (kube-prometheus-stack\'s and Gateway API\'s CRDs exceed the annotation limit)', () => {
    const ssa = addonApps.filter((a) => a.app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true')).map((a) => a.app.metadata.name).sort();
    expect(ssa).toEqual([
      'addon-host-eu-west-1-external-secrets', 'addon-host-eu-west-1-gateway-api', 'addon-host-eu-west-1-kube-prometheus-stack',
      'addon-host-us-east-1-argo-cd', 'addon-host-us-east-1-external-secrets', 'addon-host-us-east-1-gateway-api', 'addon-host-us-east-1-kube-prometheus-stack',
    ]);
  });

  test('the platform AppProject permits every add-on source and destination, and nothing but the control plane\'s and theirs', () => {
    for (const { app } of addonApps) {
      expect([app.metadata.name, isSourcePermitted(platformProject, app.spec.source.repoURL)]).toEqual([app.metadata.name, true]);
      expect([app.metadata.name, isDestinationPermitted(platformProject, app.spec.destination)]).toEqual([app.metadata.name, true]);
    }
    const repos = new Set(addons.addons.map((a) => a.repoURL));
    expect(platformProject.spec.sourceRepos).toEqual(['https://github.com/acme/gitops.git', 'https://charts.loft.sh', ...repos]);
    const { sourceRepos, destinations, clusterResourceWhitelist } = platformProject.spec;
    expect(JSON.stringify({ sourceRepos, destinations, clusterResourceWhitelist })).not.toContain('*');
    // kube-prometheus-stack's exporter Services live in kube-system of the host
    expect(isDestinationPermitted(platformProject, { server: 'https://kubernetes.default.svc', namespace: 'kube-system' })).toBe(true);
    // a vcluster's kube-system, but not another namespace of it
    expect(isDestinationPermitted(platformProject, { name: 'prod-eu-west-1', namespace: 'default' })).toBe(false);
    expect(platformProject.spec.clusterResourceWhitelist).toEqual(expect.arrayContaining([
      { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
      { group: 'apiregistration.k8s.io', kind: 'APIService' },
      { group: 'networking.k8s.io', kind: 'IngressClass' },
      { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
    ]));
  });

  test('the Gateway API CRDs on every host: the upstream directory at v1.6.1 (a Git directory source, no chart), before Traefik and cert-manager', () => {
    for (const host of HOSTS) {
      const app = addonApps.find((a) => a.file === addonFile(host, 'gateway-api'))!.app;
      expect(app.spec.source).toEqual({ repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', path: 'config/crd/standard', targetRevision: 'v1.6.1' });
      const wave = (name: string) => Number(addonApps.find((a) => a.file === addonFile(host, name))!.app.metadata.annotations['argocd.argoproj.io/sync-wave']);
      expect([wave('gateway-api'), wave('traefik'), wave('cert-manager')]).toEqual([-5, -4, -4]);
    }
  });

  test('traefik serves its GatewayClass and the Gateway its values render (lib/model/gateways.ts), which the routes\' parentRefs name', () => {
    const traefik = addons.addons.find((a) => a.name === 'traefik')!;
    const values = traefik.values as { gatewayClass: { name: string }; gateway: { name: string } };
    expect(traefik.serves.gatewayClasses).toEqual([values.gatewayClass.name]);
    expect(traefik.serves.gateways).toEqual([{
      name: values.gateway.name, namespace: 'traefik', gatewayClassName: 'traefik',
      listeners: [
        { name: 'web', port: 8000, protocol: 'HTTP' },
        { name: 'websecure', port: 8443, protocol: 'HTTPS', hostname: '*.acme.io', allowedRoutes: { from: 'Selector', selector: { matchLabels: { 'platform.acme.io/env': 'prod' } } } },
      ],
    }]);
    const app = addonApps.find((a) => a.file === addonFile(HUB, 'cert-manager'))!.app;
    expect(app.spec.source.helm.valuesObject.config).toEqual({ gatewayAPI: { enabled: true } });
  });
});

describe('bad input in addons.ts: one error naming the file and the field', () => {
  const good: AddonSpec = { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', namespace: 'cert-manager', target: 'hosts' };
  const git: AddonSpec = { repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git', path: 'config/crd/standard', version: 'v1.6.1', namespace: 'kube-system', target: 'hosts' };
  const refuse = (spec: Record<string, unknown>): ConfigError => {
    try {
      const catalogue = defineAddons(spec as never);
      planSynth({ ...exampleInput, addons: catalogue });
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error('accepted');
  };

  test.each([
    ['a version range', { 'cert-manager': { ...good, version: '^1.21' } }, 'cert-manager.version', /exact chart version/],
    ['a version with a word', { 'cert-manager': { ...good, version: 'latest' } }, 'cert-manager.version', /"latest" is not allowed/],
    ['an unknown target', { 'cert-manager': { ...good, target: 'host' } }, 'cert-manager.target', /must be one of hub, hosts, vclusters, got "host"/],
    ['a misspelt key', { 'cert-manager': { ...good, namepsace: 'x' } }, 'cert-manager.namepsace', /did you mean "namespace"/],
    ['a wave after the vclusters for a host add-on', { 'cert-manager': { ...good, syncWave: 0 } }, 'cert-manager.syncWave', /integer from -5 to -4/],
    ['env overrides on a host add-on', { 'cert-manager': { ...good, envs: { prod: { values: {} } } } }, 'cert-manager.envs', /only to add-ons whose target is "vclusters"/],
    ['an unknown env in overrides', { ss: { ...good, target: 'vclusters', envs: { prdo: { values: {} } } } }, 'ss.envs.prdo', /unknown environment "prdo" \(did you mean "prod"\?\); allowed: dev, staging, prod/],
    ['an unknown region in overrides', { ss: { ...good, target: 'vclusters', envs: { prod: { regions: { 'eu-west-2': {} } } } } }, 'ss.envs.prod.regions.eu-west-2', /unknown region "eu-west-2" of prod/],
    ['a misspelt key in serves', { 'cert-manager': { ...good, serves: { kind: {} } } }, 'cert-manager.serves.kind', /did you mean "kinds"/],
    ['a lower-case kind in serves', { 'cert-manager': { ...good, serves: { kinds: { 'cert-manager.io': ['certificate'] } } } }, 'cert-manager.serves.kinds.cert-manager.io[0]', /a Kind such as "SealedSecret"/],
    ['a version in a served group', { 'cert-manager': { ...good, serves: { kinds: { 'cert-manager.io/v1': ['Certificate'] } } } }, 'cert-manager.serves.kinds.cert-manager.io/v1', /custom resource API group/],
    ['an IngressClass that is no name', { traefik: { ...good, serves: { ingressClasses: ['Traefik'] } } }, 'traefik.serves.ingressClasses[0]', /"Traefik" is not allowed/],
    ['both a chart and a Git path', { crds: { ...good, path: 'config/crd/standard' } }, 'crds.path', /exactly one of chart \(a Helm chart\) and path/],
    ['neither a chart nor a Git path', { crds: { ...good, chart: undefined } }, 'crds.chart', /exactly one of chart/],
    ['values for a Git directory', { crds: { ...git, values: { a: 1 } } }, 'crds.values', /applies to a Helm chart only; crds applies the manifests of config\/crd\/standard as they are/],
    ['a Git path out of the repository', { crds: { ...git, path: '../crd' } }, 'crds.path', /a directory of the repository/],
    ['a Git version that is a branch', { crds: { ...git, version: 'main' } }, 'crds.version', /an exact Git tag/],
    ['a served Gateway without listeners', { traefik: { ...good, serves: { gateways: [{ name: 'gw', namespace: 'traefik', gatewayClassName: 'traefik', listeners: [] }] } } }, 'traefik.serves.gateways[0].listeners', /at least one listener/],
    ['a served Gateway listener with a selector but from All', {
      traefik: { ...good, serves: { gateways: [{ name: 'gw', namespace: 'traefik', gatewayClassName: 'traefik', listeners: [{ name: 'https', port: 8443, protocol: 'HTTPS', allowedRoutes: { from: 'All', selector: {} } }] }] } },
    }, 'traefik.serves.gateways[0].listeners[0].allowedRoutes.selector', /required with from: Selector, and only then/],
  ])('%s', (_what, spec, field, reason) => {
    const e = refuse(spec);
    expect([e.file, e.field]).toEqual([__filename, field]);
    expect(e.reason).toMatch(reason);
    expect(e.message.split('\n')).toHaveLength(1);
  });

  test('per env/region overrides merge over the env\'s, over the add-on\'s values', () => {
    const catalogue = defineAddons({
      ss: { ...good, target: 'vclusters', values: { a: 1, m: { x: 1, y: 1 } }, envs: { prod: { values: { m: { y: 2 } }, regions: { 'eu-west-1': { m: { x: 3 } } } } } },
    });
    // Next to the example's add-ons, which serve what its dist/ needs (the gate's cluster/* rules).
    const p = planSynth({ ...exampleInput, addons: { addons: [...exampleInput.addons!.addons, ...catalogue.addons] } });
    const values = (cluster: string) => parseAllDocuments(p.files.find((f) => f.path === addonFile(cluster, 'ss'))!.content)[0].toJS().spec.source.helm.valuesObject;
    expect([values('dev-us-east-1'), values('prod-us-east-1'), values('prod-eu-west-1')]).toEqual([
      { a: 1, m: { x: 1, y: 1 } }, { a: 1, m: { x: 1, y: 2 } }, { a: 1, m: { x: 3, y: 2 } },
    ]);
  });
});

test('an add-on declares what it serves (for the gate\'s cluster/* rules); nothing by default', () => {
  const byName = new Map(addons.addons.map((a) => [a.name, a.serves]));
  const none = { apis: [], ingressClasses: [], gatewayClasses: [], gateways: [] };
  expect(byName.get('sealed-secrets')).toEqual({ ...none, kinds: { 'bitnami.com': ['SealedSecret'] } });
  expect(byName.get('metrics-server')).toEqual({ ...none, kinds: {}, apis: ['metrics.k8s.io'] });
  // The class traefik serves is the one its values create.
  const traefik = addons.addons.find((a) => a.name === 'traefik')!;
  expect(traefik.serves.ingressClasses).toEqual([(traefik.values as { ingressClass: { name: string } }).ingressClass.name]);
  const plain = defineAddons({ x: { repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1', namespace: 'x', target: 'hosts' } });
  expect(plain.addons[0].serves).toEqual({ ...none, kinds: {} });
});
