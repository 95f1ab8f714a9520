import { AppInstance, registerApps, resolve } from '../../lib/model';
import { app, DIGEST_A, DIGEST_B, envsFor, platform } from '../support/fixtures';
import { allOf, K8sObject, oneOf, synthInstance } from './helpers';

// ---------------------------------------------------------------------------------------------
// Fixture: four apps resolved in dev (1 region, 1 replica, no cluster issuer) and prod (2 regions,
// 3 replicas, digests, zone spread, cluster issuer, a non-default ingress class).
//   shop:    exposed, metrics on the app port, PORT env, calls catalog, internet egress
//   catalog: metrics on its own port and path, no startup probe, autoscaled, called by shop + admin
//   worker:  nothing special (internal, no metrics), startup 61s, own runAsUser, 2 replicas in dev
//   admin:   calls catalog
// ---------------------------------------------------------------------------------------------
const apps = registerApps(
  app('shop', {
    portEnv: 'PORT',
    expose: true,
    metrics: true,
    network: { calls: ['catalog'], internetEgress: true },
    config: { CURRENCY: 'EUR', PAGE_SIZE: '24' },
    featureFlags: { newCheckout: false },
  }),
  app('catalog', {
    port: 9090,
    servicePort: 8080,
    metrics: { port: 9100, path: '/prom' },
    health: { liveness: '/live', readiness: '/ready', startupSeconds: 0 },
    autoscaling: { maxReplicas: 10, cpuUtilization: 60 },
  }),
  app('worker', {
    runAsUser: 2000,
    health: { liveness: '/healthz', readiness: '/readyz', startupSeconds: 61 },
  }),
  app('admin', { network: { calls: ['catalog'] } }),
);
const envs = envsFor(
  apps,
  // (cast: the fixture's EnvExtra types `apps` as `undefined` through its Partial<EnvironmentSpec<never, ...>>)
  { apps: { worker: { replicas: 2 } } } as never,
  { ingress: { domain: 'test.io', clusterIssuer: 'letsencrypt', className: 'traefik' } },
);
const releases = {
  shop: { dev: { tag: 'abc1234' }, prod: { tag: 'v1.2.3', digest: DIGEST_A } },
  catalog: { dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4' }, prod: { tag: 'v2.0.0', digest: DIGEST_B } },
  worker: { dev: { tag: 'def5678' }, prod: { tag: 'v0.1.0', digest: DIGEST_A } },
  admin: { dev: { tag: '0123abc' }, prod: { tag: 'v3.0.1', digest: DIGEST_B } },
};
const { instances } = resolve({ platform, apps, envs, releases });

function inst(env: string, region: string, name: string): AppInstance {
  const found = instances.find((i) => i.env === env && i.region === region && i.app === name);
  if (!found) throw new Error(`no instance ${env}/${region}/${name}`);
  return found;
}

const synthCache = new Map<AppInstance, K8sObject[]>();
/** The golden app's own objects; its PostSync smoke test (own name, labels and policies) is tested in smoke-test.test.ts. */
function objectsOf(i: AppInstance): K8sObject[] {
  if (!synthCache.has(i)) synthCache.set(i, synthInstance({ ...i, smokeTest: undefined }));
  return synthCache.get(i)!;
}

const deployment = (objs: K8sObject[]) => oneOf(objs, 'Deployment');
const podSpec = (objs: K8sObject[]) => deployment(objs).spec.template.spec;
const podAnnotations = (objs: K8sObject[]): Record<string, string> => deployment(objs).spec.template.metadata.annotations ?? {};
const container = (objs: K8sObject[]) => {
  const containers = podSpec(objs).containers;
  expect(containers).toHaveLength(1);
  return containers[0];
};
const appPolicy = (objs: K8sObject[], name: string) => oneOf(objs, 'NetworkPolicy', name).spec;
const selectorOf = (i: AppInstance) => ({ 'app.kubernetes.io/name': i.app, 'app.kubernetes.io/instance': i.instance });
const nsFrom = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
/** The vcluster's CoreDNS (k8s-app: vcluster-kube-dns in its kube-system), on the pod port 1053 the host's CNI sees. */
const DNS_RULE = {
  to: [{ ...nsFrom('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'vcluster-kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: 1053 }, { protocol: 'TCP', port: 1053 }],
};
const kindsAndNames = (objs: K8sObject[]) => objs.map((o) => `${o.kind}/${o.metadata.name}`);
/** Every pod spec of the output (Deployments today; any workload kind tomorrow). */
function podSpecs(objs: K8sObject[]): { kind: string; spec: any }[] {
  return objs.flatMap((o) => {
    if (o.spec?.template?.spec) return [{ kind: o.kind, spec: o.spec.template.spec }];
    if (o.spec?.jobTemplate?.spec?.template?.spec) return [{ kind: o.kind, spec: o.spec.jobTemplate.spec.template.spec }];
    if (o.kind === 'Pod') return [{ kind: o.kind, spec: o.spec }];
    return [];
  });
}

test('fixture resolves to the expected instances', () => {
  expect(instances.map((i) => i.instance)).toEqual([
    'dev-us-east-1-admin', 'dev-us-east-1-catalog', 'dev-us-east-1-shop', 'dev-us-east-1-worker',
    'prod-us-east-1-admin', 'prod-us-east-1-catalog', 'prod-us-east-1-shop', 'prod-us-east-1-worker',
    'prod-eu-west-1-admin', 'prod-eu-west-1-catalog', 'prod-eu-west-1-shop', 'prod-eu-west-1-worker',
  ]);
});

describe('object set and order', () => {
  test('exposed, static multi-replica app (prod shop): Namespace .. PDB, both policies, Ingress', () => {
    expect(kindsAndNames(objectsOf(inst('prod', 'us-east-1', 'shop')))).toEqual([
      'Namespace/shop', 'ServiceAccount/shop', 'ConfigMap/shop', 'Service/shop', 'Deployment/shop',
      'PodDisruptionBudget/shop', 'NetworkPolicy/default-deny', 'NetworkPolicy/shop', 'Ingress/shop',
    ]);
  });

  test('autoscaled internal app with minReplicas 3 (prod catalog): PDB then HPA, no Ingress', () => {
    expect(kindsAndNames(objectsOf(inst('prod', 'eu-west-1', 'catalog')))).toEqual([
      'Namespace/catalog', 'ServiceAccount/catalog', 'ConfigMap/catalog', 'Service/catalog', 'Deployment/catalog',
      'PodDisruptionBudget/catalog', 'HorizontalPodAutoscaler/catalog', 'NetworkPolicy/default-deny', 'NetworkPolicy/catalog',
    ]);
  });

  test('autoscaled with minReplicas 1 (dev catalog): HPA, no PDB', () => {
    expect(kindsAndNames(objectsOf(inst('dev', 'us-east-1', 'catalog')))).toEqual([
      'Namespace/catalog', 'ServiceAccount/catalog', 'ConfigMap/catalog', 'Service/catalog', 'Deployment/catalog',
      'HorizontalPodAutoscaler/catalog', 'NetworkPolicy/default-deny', 'NetworkPolicy/catalog',
    ]);
  });

  test('single replica, exposed (dev shop): no PDB, no HPA, Ingress last', () => {
    expect(kindsAndNames(objectsOf(inst('dev', 'us-east-1', 'shop')))).toEqual([
      'Namespace/shop', 'ServiceAccount/shop', 'ConfigMap/shop', 'Service/shop', 'Deployment/shop',
      'NetworkPolicy/default-deny', 'NetworkPolicy/shop', 'Ingress/shop',
    ]);
  });

  test('api versions are the stable ones', () => {
    const versions = Object.fromEntries(
      [...objectsOf(inst('prod', 'us-east-1', 'shop')), ...objectsOf(inst('prod', 'us-east-1', 'catalog'))].map((o) => [o.kind, o.apiVersion]),
    );
    expect(versions).toEqual({
      Namespace: 'v1', ServiceAccount: 'v1', ConfigMap: 'v1', Service: 'v1', Deployment: 'apps/v1',
      PodDisruptionBudget: 'policy/v1', HorizontalPodAutoscaler: 'autoscaling/v2',
      NetworkPolicy: 'networking.k8s.io/v1', Ingress: 'networking.k8s.io/v1',
    });
  });

  test('sync waves: Namespace first (-2), ServiceAccount and ConfigMap before the workload (-1)', () => {
    const objs = objectsOf(inst('dev', 'us-east-1', 'worker'));
    const wave = (kind: string) => oneOf(objs, kind).metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect([wave('Namespace'), wave('ServiceAccount'), wave('ConfigMap'), wave('Deployment')]).toEqual(['-2', '-1', '-1', undefined]);
  });

  test('synthesis is deterministic', () => {
    const i = inst('prod', 'us-east-1', 'shop');
    expect(JSON.stringify(synthInstance(i))).toBe(JSON.stringify(synthInstance(i)));
  });
});

describe('replicas, PodDisruptionBudget and HorizontalPodAutoscaler', () => {
  test('static replicas are rendered on the Deployment', () => {
    expect(deployment(objectsOf(inst('prod', 'us-east-1', 'shop'))).spec.replicas).toBe(3);
    expect(deployment(objectsOf(inst('dev', 'us-east-1', 'shop'))).spec.replicas).toBe(1);
    expect(deployment(objectsOf(inst('dev', 'us-east-1', 'worker'))).spec.replicas).toBe(2);
  });

  test('PDB for more than one replica: maxUnavailable 1, selector name+instance', () => {
    for (const i of [inst('prod', 'us-east-1', 'shop'), inst('dev', 'us-east-1', 'worker')]) {
      const pdb = oneOf(objectsOf(i), 'PodDisruptionBudget');
      expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selectorOf(i) } });
    }
  });

  test('no PDB for a single replica', () => {
    expect(allOf(objectsOf(inst('dev', 'us-east-1', 'shop')), 'PodDisruptionBudget')).toHaveLength(0);
    expect(allOf(objectsOf(inst('dev', 'us-east-1', 'admin')), 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('with autoscaling the PDB follows minReplicas, not replicas', () => {
    const base = inst('dev', 'us-east-1', 'catalog');
    const min2 = synthInstance({ ...base, replicas: 1, autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 } });
    expect(allOf(min2, 'PodDisruptionBudget')).toHaveLength(1);
    const min1 = synthInstance({ ...base, replicas: 4, autoscaling: { minReplicas: 1, maxReplicas: 5, cpuUtilization: 70 } });
    expect(allOf(min1, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('HPA: autoscaling/v2 on CPU utilization, targets the Deployment', () => {
    const i = inst('prod', 'us-east-1', 'catalog');
    const hpa = oneOf(objectsOf(i), 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(deployment(objectsOf(i)).metadata.name).toBe(hpa.spec.scaleTargetRef.name);
  });

  test('autoscaled Deployment has no spec.replicas (the HPA owns the count)', () => {
    for (const i of [inst('dev', 'us-east-1', 'catalog'), inst('prod', 'eu-west-1', 'catalog')]) {
      expect(deployment(objectsOf(i)).spec).not.toHaveProperty('replicas');
    }
  });

  test('no HPA without autoscaling', () => {
    expect(allOf(objectsOf(inst('prod', 'us-east-1', 'shop')), 'HorizontalPodAutoscaler')).toHaveLength(0);
  });
});

describe('Ingress', () => {
  test('prod: host, TLS, class, cluster issuer, backend = the Service port named http', () => {
    const objs = objectsOf(inst('prod', 'eu-west-1', 'shop'));
    const ing = oneOf(objs, 'Ingress');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt' });
    expect(ing.spec).toEqual({
      ingressClassName: 'traefik',
      tls: [{ hosts: ['shop.test.io'], secretName: 'shop-tls' }],
      rules: [{
        host: 'shop.test.io',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop', port: { name: 'http' } } } }] },
      }],
    });
    const svc = oneOf(objs, 'Service');
    const backend = ing.spec.rules[0].http.paths[0].backend.service;
    expect(svc.metadata.name).toBe(backend.name);
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);
  });

  test('dev: no cluster issuer annotation, default class nginx, env domain', () => {
    const ing = oneOf(objectsOf(inst('dev', 'us-east-1', 'shop')), 'Ingress');
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls).toEqual([{ hosts: ['shop.dev.test.io'], secretName: 'shop-tls' }]);
    expect(ing.spec.rules[0].host).toBe('shop.dev.test.io');
  });

  test('no Ingress when not exposed', () => {
    for (const name of ['catalog', 'worker', 'admin']) {
      expect(allOf(objectsOf(inst('prod', 'us-east-1', name)), 'Ingress')).toHaveLength(0);
    }
  });
});

describe('Service', () => {
  test('ClusterIP, service port from the app, targetPort the container port named http', () => {
    const shop = oneOf(objectsOf(inst('prod', 'us-east-1', 'shop')), 'Service');
    expect(shop.spec.type).toBe('ClusterIP');
    expect(shop.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    const catalog = oneOf(objectsOf(inst('prod', 'us-east-1', 'catalog')), 'Service');
    // Its metrics port of its own is served too (the smoke test asks it there).
    expect(catalog.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }, { name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(container(objectsOf(inst('prod', 'us-east-1', 'catalog'))).ports).toContainEqual({ name: 'http', containerPort: 9090, protocol: 'TCP' });
  });
});

describe('metrics', () => {
  test('metrics on the app port: Prometheus annotations, no extra container port', () => {
    const objs = objectsOf(inst('prod', 'us-east-1', 'shop'));
    expect(podAnnotations(objs)).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    expect(container(objs).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('metrics on their own port and path: annotations and a container port named metrics', () => {
    const objs = objectsOf(inst('dev', 'us-east-1', 'catalog'));
    expect(podAnnotations(objs)).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9100', 'prometheus.io/path': '/prom' });
    expect(container(objs).ports).toEqual([
      { name: 'http', containerPort: 9090, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ]);
  });

  test('no metrics: no prometheus.io annotations, only the http port', () => {
    const objs = objectsOf(inst('prod', 'us-east-1', 'worker'));
    expect(Object.keys(podAnnotations(objs)).filter((k) => k.startsWith('prometheus.io/'))).toEqual([]);
    expect(container(objs).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });
});

describe('probes', () => {
  test('startup probe on the liveness path, failureThreshold = ceil(startupSeconds / 5)', () => {
    expect(container(objectsOf(inst('dev', 'us-east-1', 'worker'))).startupProbe).toEqual({
      httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 13,
    });
    // default 60s
    expect(container(objectsOf(inst('dev', 'us-east-1', 'shop'))).startupProbe.failureThreshold).toBe(12);
    expect(container(synthInstance({ ...inst('dev', 'us-east-1', 'shop'), health: { liveness: '/l', readiness: '/r', startupSeconds: 1 } })).startupProbe.failureThreshold).toBe(1);
  });

  test('no startup probe when startupSeconds is 0; liveness and readiness on their paths', () => {
    const c = container(objectsOf(inst('prod', 'us-east-1', 'catalog')));
    expect(c).not.toHaveProperty('startupProbe');
    expect(c.livenessProbe.httpGet).toEqual({ path: '/live', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
  });
});

describe('container environment and config', () => {
  test('portEnv sets the port variable; no env without it', () => {
    expect(container(objectsOf(inst('dev', 'us-east-1', 'shop'))).env).toEqual([{ name: 'PORT', value: '8080' }]);
    expect(container(objectsOf(inst('dev', 'us-east-1', 'worker')))).not.toHaveProperty('env');
  });

  test('ConfigMap data = instance.config; the container reads it with envFrom', () => {
    const i = inst('prod', 'eu-west-1', 'shop');
    const objs = objectsOf(i);
    expect(oneOf(objs, 'ConfigMap').data).toEqual(i.config);
    expect(oneOf(objs, 'ConfigMap').data).toEqual({
      APP_ENV: 'prod', APP_NAME: 'shop', APP_REGION: 'eu-west-1', CURRENCY: 'EUR', FEATURE_NEW_CHECKOUT: 'false', LOG_LEVEL: 'info', PAGE_SIZE: '24',
    });
    expect(container(objs).envFrom).toEqual([{ configMapRef: { name: 'shop' } }]);
  });

  test('command and args are passed through only when set', () => {
    const base = inst('dev', 'us-east-1', 'worker');
    expect(container(objectsOf(base))).not.toHaveProperty('command');
    expect(container(objectsOf(base))).not.toHaveProperty('args');
    const c = container(synthInstance({ ...base, command: ['/bin/worker'], args: ['--queue', 'jobs'] }));
    expect(c.command).toEqual(['/bin/worker']);
    expect(c.args).toEqual(['--queue', 'jobs']);
  });
});

describe('topology spread', () => {
  test('prod spreads over zones and nodes, ScheduleAnyway, selecting name+instance', () => {
    const i = inst('prod', 'us-east-1', 'worker');
    expect(podSpec(objectsOf(i)).topologySpreadConstraints).toEqual(
      ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf(i) },
      })),
    );
  });

  test('dev does not spread', () => {
    expect(podSpec(objectsOf(inst('dev', 'us-east-1', 'worker')))).not.toHaveProperty('topologySpreadConstraints');
  });
});

describe('NetworkPolicies', () => {
  test('default-deny: every pod, both directions, no rules', () => {
    for (const i of instances) {
      const dd = oneOf(objectsOf(i), 'NetworkPolicy', 'default-deny');
      expect(dd.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test('app policy selects the app pods, both policy types, DNS egress first', () => {
    for (const i of instances) {
      const p = appPolicy(objectsOf(i), i.app);
      expect(p.podSelector).toEqual({ matchLabels: selectorOf(i) });
      expect(p.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(p.egress[0]).toEqual(DNS_RULE);
    }
  });

  test('exposed app with metrics on its port, calling a peer and the internet (shop)', () => {
    const p = appPolicy(objectsOf(inst('prod', 'us-east-1', 'shop')), 'shop');
    expect(p.ingress).toEqual([
      { from: [nsFrom('ingress-nginx')], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [nsFrom('monitoring')], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    expect(p.egress).toEqual([
      DNS_RULE,
      { to: [nsFrom('catalog')], ports: [{ protocol: 'TCP', port: 9090 }] },
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
  });

  test('internal app with its own metrics port and two callers (catalog)', () => {
    const p = appPolicy(objectsOf(inst('dev', 'us-east-1', 'catalog')), 'catalog');
    expect(p.ingress).toEqual([
      { from: [nsFrom('monitoring')], ports: [{ protocol: 'TCP', port: 9100 }] },
      { from: [nsFrom('admin'), nsFrom('shop')], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    expect(p.egress).toEqual([DNS_RULE]);
  });

  test('app that declares nothing: no ingress allowed, DNS only out', () => {
    const p = appPolicy(objectsOf(inst('prod', 'eu-west-1', 'worker')), 'worker');
    expect(p.ingress ?? []).toEqual([]);
    expect(p.egress).toEqual([DNS_RULE]);
  });

  test('a caller gets egress to the callee port, without internet', () => {
    const p = appPolicy(objectsOf(inst('dev', 'us-east-1', 'admin')), 'admin');
    expect(p.egress).toEqual([DNS_RULE, { to: [nsFrom('catalog')], ports: [{ protocol: 'TCP', port: 9090 }] }]);
    expect(JSON.stringify(p)).not.toContain('0.0.0.0/0');
  });

  test('the monitoring namespace is allowed in only when metrics are on', () => {
    const worker = inst('dev', 'us-east-1', 'worker');
    const p = appPolicy(synthInstance({ ...worker, network: { ...worker.network, monitoringNamespace: 'monitoring' } }), 'worker');
    expect(p.ingress ?? []).toEqual([]);
  });

  test('a peer not deployed in the env/region gets no allow: neither the caller\'s egress nor the callee\'s ingress', () => {
    // admin (calls catalog) only in dev; catalog only in prod/eu-west-1; shop (calls catalog) everywhere.
    const partial = resolve({
      platform, apps, envs,
      releases: { shop: releases.shop, worker: releases.worker, admin: { dev: releases.admin.dev }, catalog: { prod: { regions: { 'eu-west-1': releases.catalog.prod } } } },
    }).instances;
    const policyOf = (env: string, region: string, name: string) => {
      const i = partial.find((x) => x.env === env && x.region === region && x.app === name)!;
      return appPolicy(synthInstance(i), name);
    };
    // dev: admin runs, catalog does not: admin may not reach catalog's namespace.
    expect(policyOf('dev', 'us-east-1', 'admin').egress).toEqual([DNS_RULE]);
    expect(policyOf('dev', 'us-east-1', 'shop').egress).not.toContainEqual(expect.objectContaining({ to: [nsFrom('catalog')] }));
    // prod/eu-west-1: catalog admits shop (deployed there), not admin (dev only).
    expect(policyOf('prod', 'eu-west-1', 'catalog').ingress).toEqual([
      { from: [nsFrom('monitoring')], ports: [{ protocol: 'TCP', port: 9100 }] },
      { from: [nsFrom('shop')], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    expect(policyOf('prod', 'eu-west-1', 'shop').egress).toContainEqual({ to: [nsFrom('catalog')], ports: [{ protocol: 'TCP', port: 9090 }] });
    expect(policyOf('prod', 'us-east-1', 'shop').egress).not.toContainEqual(expect.objectContaining({ to: [nsFrom('catalog')] }));
  });

  test('no ingress-controller or monitoring allow for an app that is neither exposed nor scraped', () => {
    const text = JSON.stringify(appPolicy(objectsOf(inst('dev', 'us-east-1', 'admin')), 'admin'));
    expect(text).not.toContain('ingress-nginx');
    expect(text).not.toContain('monitoring');
  });
});

describe('Pod Security Standards restricted', () => {
  test.each(instances.map((i) => [i.instance, i] as const))('%s: every pod spec is restricted', (_name, i) => {
    const objs = objectsOf(i);
    const specs = podSpecs(objs);
    expect(specs.length).toBeGreaterThan(0);
    for (const { spec } of specs) {
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) expect(spec[key]).not.toBe(true);
      for (const v of spec.volumes ?? []) expect(v).not.toHaveProperty('hostPath');
      const tmpVolumes = (spec.volumes ?? []).filter((v: { emptyDir?: object }) => v.emptyDir);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const sc = c.securityContext;
        expect(sc.allowPrivilegeEscalation).toBe(false);
        expect(sc.capabilities).toEqual({ drop: ['ALL'] });
        expect(sc.privileged).not.toBe(true);
        expect(sc.readOnlyRootFilesystem).toBe(true);
        expect(sc.runAsNonRoot ?? spec.securityContext.runAsNonRoot).toBe(true);
        expect(sc.runAsUser ?? spec.securityContext.runAsUser).toBeGreaterThan(0);
        expect(sc.seccompProfile?.type ?? spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
        const tmp = (c.volumeMounts ?? []).find((m: { mountPath: string }) => m.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        expect(tmpVolumes.map((v: { name: string }) => v.name)).toContain(tmp.name);
      }
    }
    expect(oneOf(objs, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(oneOf(objs, 'Namespace').metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('runAsUser comes from the app (default 10001)', () => {
    expect(podSpec(objectsOf(inst('dev', 'us-east-1', 'worker'))).securityContext.runAsUser).toBe(2000);
    expect(container(objectsOf(inst('dev', 'us-east-1', 'worker'))).securityContext.runAsUser).toBe(2000);
    expect(podSpec(objectsOf(inst('dev', 'us-east-1', 'shop'))).securityContext.runAsUser).toBe(10001);
  });

  test('a root user is refused', () => {
    expect(() => synthInstance({ ...inst('dev', 'us-east-1', 'shop'), runAsUser: 0 })).toThrow(/runAsUser/);
  });
});

describe('labels, names and namespaces', () => {
  const expectedLabels = (i: AppInstance) => ({
    'app.kubernetes.io/name': i.app,
    'app.kubernetes.io/instance': i.instance,
    'app.kubernetes.io/version': i.image.tag,
    'app.kubernetes.io/component': 'server',
    'app.kubernetes.io/part-of': i.app,
    'app.kubernetes.io/managed-by': 'typed-gitops',
    'platform.test.io/team': 'team-a',
    'platform.test.io/env': i.env,
    'platform.test.io/region': i.region,
  });

  test.each(instances.map((i) => [i.instance, i] as const))('%s: every object and pod template carries the labels', (_name, i) => {
    const objs = objectsOf(i);
    for (const o of objs) expect(o.metadata.labels).toMatchObject(expectedLabels(i));
    expect(deployment(objs).spec.template.metadata.labels).toEqual(expectedLabels(i));
  });

  test('version label = the image tag', () => {
    const objs = objectsOf(inst('dev', 'us-east-1', 'catalog'));
    expect(oneOf(objs, 'Service').metadata.labels!['app.kubernetes.io/version']).toBe('1.3.0-SNAPSHOT-7d2a1b4');
  });

  test('selectors are exactly name+instance', () => {
    const i = inst('prod', 'us-east-1', 'catalog');
    const objs = objectsOf(i);
    expect(deployment(objs).spec.selector).toEqual({ matchLabels: selectorOf(i) });
    expect(oneOf(objs, 'Service').spec.selector).toEqual(selectorOf(i));
    expect(oneOf(objs, 'PodDisruptionBudget').spec.selector).toEqual({ matchLabels: selectorOf(i) });
    expect(oneOf(objs, 'NetworkPolicy', 'catalog').spec.podSelector).toEqual({ matchLabels: selectorOf(i) });
    for (const c of podSpec(objs).topologySpreadConstraints) expect(c.labelSelector).toEqual({ matchLabels: selectorOf(i) });
  });

  test.each(instances.map((i) => [i.instance, i] as const))('%s: no address labels, no hashed names, one namespace', (_name, i) => {
    const objs = objectsOf(i);
    expect(JSON.stringify(objs)).not.toContain('cdk8s.io/metadata.addr');
    for (const o of objs) {
      expect([i.app, 'default-deny']).toContain(o.metadata.name);
      if (o.kind === 'Namespace') {
        expect(o.metadata.name).toBe(i.app);
        expect(o.metadata).not.toHaveProperty('namespace');
      } else {
        expect(o.metadata.namespace).toBe(i.app);
      }
    }
    expect(podSpec(objs).serviceAccountName).toBe(i.app);
    expect(container(objs).name).toBe(i.app);
  });
});

describe('image', () => {
  test('with a digest: repo:tag@digest', () => {
    expect(container(objectsOf(inst('prod', 'us-east-1', 'shop'))).image).toBe(`ghcr.io/test/shop:v1.2.3@${DIGEST_A}`);
    expect(container(objectsOf(inst('prod', 'eu-west-1', 'catalog'))).image).toBe(`ghcr.io/test/catalog:v2.0.0@${DIGEST_B}`);
  });

  test('without a digest: repo:tag; pull policy IfNotPresent', () => {
    const c = container(objectsOf(inst('dev', 'us-east-1', 'shop')));
    expect(c.image).toBe('ghcr.io/test/shop:abc1234');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });
});

describe('resources', () => {
  test('prod: request/limit pairs from the profile', () => {
    expect(container(objectsOf(inst('prod', 'us-east-1', 'shop'))).resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    });
  });

  test('dev: a single quantity is both request and limit', () => {
    expect(container(objectsOf(inst('dev', 'us-east-1', 'shop'))).resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    });
  });
});

describe('config checksum', () => {
  const checksum = (i: AppInstance) => podAnnotations(synthInstance(i))['checksum/config'];
  const base = inst('prod', 'us-east-1', 'shop');

  test('is a sha256 on the pod template', () => {
    expect(checksum(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('changes when a config value changes', () => {
    expect(checksum({ ...base, config: { ...base.config, CURRENCY: 'USD' } })).not.toBe(checksum(base));
    expect(checksum({ ...base, config: { ...base.config, NEW_KEY: 'x' } })).not.toBe(checksum(base));
    // the same app in two regions has different config (APP_REGION), so different checksums
    expect(checksum(inst('prod', 'eu-west-1', 'shop'))).not.toBe(checksum(base));
  });

  test('does not change when only the key order changes', () => {
    const reversed = Object.fromEntries(Object.entries(base.config).reverse());
    expect(Object.keys(reversed)).not.toEqual(Object.keys(base.config));
    expect(checksum({ ...base, config: reversed })).toBe(checksum(base));
  });

  test('does not depend on anything but the config', () => {
    expect(checksum({ ...base, replicas: 5, image: { ...base.image, tag: 'v9.9.9', ref: 'ghcr.io/test/shop:v9.9.9' } })).toBe(checksum(base));
  });

  test('extra checksums become checksum/<name> annotations', () => {
    const plain = podAnnotations(synthInstance(base));
    const withExtra = podAnnotations(synthInstance(base, { tls: 'abc123', database: 'def456' }));
    expect(withExtra).toEqual({ ...plain, 'checksum/tls': 'abc123', 'checksum/database': 'def456' });
    expect(Object.keys(plain).filter((k) => k.startsWith('checksum/'))).toEqual(['checksum/config']);
  });

  test('an extra checksum named "config" is refused (it would hide config changes)', () => {
    expect(() => synthInstance(base, { config: 'x' })).toThrow(/checksums\.config: reserved/);
  });

  test('an exposed instance without an ingress-controller namespace is refused (its traffic would be blocked)', () => {
    const exposed = instances.find((i) => i.ingress)!;
    const broken = { ...exposed, network: { ...exposed.network, ingressControllerNamespace: undefined } };
    expect(() => synthInstance(broken)).toThrow(/ingressControllerNamespace: is required when the app is exposed/);
  });
});

describe('sealed secrets', () => {
  const plain = instances.find((i) => i.env === 'dev')!;
  const withSecret: AppInstance = { ...plain, sealedSecret: { name: plain.app, scope: 'strict', data: { API_KEY: 'AgBone', DB_PASSWORD: 'AgBtwo' } } };

  test('no SealedSecret and no secretRef when the instance has no sealed values', () => {
    const objs = objectsOf(plain);
    expect(objs.some((o) => o.kind === 'SealedSecret')).toBe(false);
    expect(container(objs).envFrom).toEqual([{ configMapRef: { name: plain.app } }]);
    expect(podAnnotations(objs)['checksum/secrets']).toBeUndefined();
  });

  test('a SealedSecret after the ConfigMap, delivered to the container as environment variables (envFrom)', () => {
    const objs = synthInstance(withSecret);
    const kinds = objs.map((o) => o.kind);
    expect(kinds.indexOf('SealedSecret')).toBe(kinds.indexOf('ConfigMap') + 1);
    const s = oneOf(objs, 'SealedSecret');
    expect(s.metadata).toMatchObject({ name: plain.app, namespace: plain.namespace, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } });
    expect(s.spec.encryptedData).toEqual({ API_KEY: 'AgBone', DB_PASSWORD: 'AgBtwo' });
    expect(container(objs).envFrom).toEqual([{ configMapRef: { name: plain.app } }, { secretRef: { name: plain.app } }]);
  });

  test('re-sealing a value (new ciphertext) changes checksum/secrets, so the pods roll', () => {
    const before = podAnnotations(synthInstance(withSecret))['checksum/secrets'];
    const after = podAnnotations(synthInstance({ ...withSecret, sealedSecret: { ...withSecret.sealedSecret!, data: { API_KEY: 'AgBnew', DB_PASSWORD: 'AgBtwo' } } }))['checksum/secrets'];
    expect(before).toMatch(/^[a-f0-9]{64}$/);
    expect(after).not.toBe(before);
  });
});
