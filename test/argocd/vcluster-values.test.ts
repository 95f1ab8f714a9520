/**
 * The vcluster values are derived from what the vcluster runs (docs/architecture.md, "vcluster
 * semantics"): metrics API with HPAs, the host's ingress controller and Prometheus let in, quota and
 * limit range sized to full scale plus headroom; env overrides still win. On the frozen example
 * (test/support/example.ts) and on small inline repositories.
 */
import { parseAllDocuments } from 'yaml';
import {
  CONTAINER_DEFAULTS, defineEnvironment, registerApps, registerEnvironments, summarizeWorkload,
  TagPatterns, vclusterHostFile, VclusterValues,
} from '../../lib/model';
import { parseCpu, parseMemory } from '../../lib/model/quantity';
import { validateVclusterValues } from '../../lib/policy/schemas';
import { planSynth, SynthPlan } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { app, DIGEST_A, platform } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The host-side NetworkPolicies of a vcluster of the plan, by name. */
function hostPolicies(plan: SynthPlan, env: string, region: string): Map<string, any> {
  const file = plan.files.find((f) => f.path === vclusterHostFile(env, region, 'networkPolicies'));
  return new Map((file ? parseAllDocuments(file.content).map((d) => d.toJS()) : []).map((p) => [p.metadata.name, p.spec]));
}

/** The valuesObject of every vcluster Application of the plan, by file. */
function vclusterValues(plan: SynthPlan): Map<string, any> {
  const out = new Map<string, any>();
  for (const f of plan.files.filter((file) => file.path.startsWith('argocd/vclusters/'))) {
    const application = parseAllDocuments(f.content).map((d) => d.toJS()).find((o) => o.kind === 'Application');
    out.set(f.path, application.spec.source.helm.valuesObject);
  }
  return out;
}

const example = planSynth(exampleInput);
const exampleValues = vclusterValues(example);
const prodUs = exampleValues.get('argocd/vclusters/prod-us-east-1.yaml');

describe('the example: prod-us-east-1 runs book-shop autoscaled to 12 and three apps x 3 replicas', () => {
  const instances = example.resolved.instances.filter((i) => i.env === 'prod' && i.region === 'us-east-1');

  test('the workload summary counts book-shop at its maxReplicas and every other app at its replicas', () => {
    expect(instances.map((i) => [i.app, i.autoscaling?.maxReplicas ?? i.replicas]).sort()).toEqual([
      ['book-shop', 12], ['echo', 3], ['incident-assistant-backend', 3], ['incident-assistant-frontend', 3],
    ]);
    const w = summarizeWorkload(instances);
    expect(w.autoscaling).toBe(true);
    // ... plus the other workloads: book-shop's mailer (2 x 250m) and nightly reindex run (1 x 1000m), echo's journal
    // (1 x 100m), the backend's migration (1 x 1000m)
    expect(instances.flatMap((i) => i.workloads.map((x) => `${i.app}/${x.name} ${x.kind}`))).toEqual([
      'book-shop/mailer worker', 'book-shop/reindex cron', 'echo/journal stateful', 'incident-assistant-backend/migrate job',
    ]);
    expect(w.maxPods).toBe(21 + 5);
    // book-shop 12 x 1000m + echo 3 x 500m + the assistant's 2 x 3 x 1000m, + the workloads' 2 x 250m + 1000m + 100m + 1000m
    expect(w.limits.cpuMillis).toBe(12 * 1000 + 3 * 500 + 6 * 1000 + 2 * 250 + 2 * 1000 + 100);
  });

  test('metricsServer is on (book-shop has an HPA), proxying to the Service the host\'s metrics-server add-on creates', () => {
    const addon = exampleInput.addons!.addons.find((a) => a.name === 'metrics-server')!;
    const values = addon.values as { fullnameOverride: string; service: { port: number } };
    expect(prodUs.integrations).toEqual({
      metricsServer: { enabled: true, apiService: { service: { name: values.fullnameOverride, namespace: addon.namespace, port: values.service.port } } },
    });
  });

  test('the quota admits full scale + 25% rollout surge + the vcluster pod and CoreDNS (the chart default was 20)', () => {
    const quota = prodUs.policies.resourceQuota.quota;
    expect(Number(quota['count/pods'])).toBe(Math.ceil(26 * 1.25) + 2);
    expect(parseCpu(quota['limits.cpu'])).toBeGreaterThanOrEqual((12 * 1000 + 3 * 500 + 6 * 1000 + 2 * 250 + 2 * 1000 + 100) * 1.25);
    expect(parseMemory(quota['limits.memory'])).toBeGreaterThanOrEqual(21 * 2 ** 30 * 1.25);
    expect(quota['requests.cpu']).toBe(quota['limits.cpu']);
  });

  test('claims: the quota admits every claim (book-shop\'s covers 50Gi, echo\'s journal 1Gi), never below the chart\'s 20 claims / 100Gi', () => {
    const w = summarizeWorkload(instances);
    expect(w.claims).toEqual({ count: 2, storageBytes: 51 * 2 ** 30 });
    const quota = prodUs.policies.resourceQuota.quota;
    expect([quota['count/persistentvolumeclaims'], quota['requests.storage']]).toEqual(['20', '100Gi']);
  });

  test('ephemeral storage: every container at the limit range default fits in the quota', () => {
    const { limitRange, resourceQuota } = prodUs.policies;
    expect(limitRange).toMatchObject({ enabled: true, default: CONTAINER_DEFAULTS.limit, defaultRequest: CONTAINER_DEFAULTS.request });
    const pods = Number(resourceQuota.quota['count/pods']);
    // every pod but the vcluster's own StatefulSet pod (10Gi limit, 1Gi request) at the default
    expect(parseMemory(resourceQuota.quota['limits.ephemeral-storage'])).toBe((pods - 1) * 2 * 2 ** 30 + 10 * 2 ** 30);
    expect(parseMemory(resourceQuota.quota['requests.ephemeral-storage'])).toBe((pods - 1) * 256 * 2 ** 20 + 2 ** 30);
  });

  test('the chart\'s network policies are off: synth renders them host-side, with the host ingress controller and Prometheus let in and no blanket public egress', () => {
    expect(prodUs.policies.networkPolicy).toEqual({ enabled: false });
    const workloads = hostPolicies(example, 'prod', 'us-east-1').get('prod-us-east-1-workloads');
    expect(workloads.ingress.slice(1)).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
        // Ingresses and HTTPRoutes alike (book-shop is routed by the Gateway API in prod): Traefik serves both from its pods.
        ports: [...new Set(instances.filter((i) => i.ingress || i.route).map((i) => i.port))].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port })),
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 8000 }],
      },
    ]);
    expect(workloads.egress.flatMap((r: any) => r.to ?? []).filter((peer: any) => peer.ipBlock)).toEqual([]);
  });

  test('every vcluster values object validates against the chart schema (schema/vcluster-values)', () => {
    expect(exampleValues.size).toBe(4);
    for (const [file, values] of exampleValues) expect([file, validateVclusterValues(values)]).toEqual([file, []]);
  });
});

/** A one-env repository: `apps` released in qa/us-east-1, with the given vcluster overrides. */
function qaPlan(apps: ReturnType<typeof app>[], values?: VclusterValues): SynthPlan {
  const registry = registerApps(...apps);
  const env = defineEnvironment(registry, {
    name: 'qa',
    regions: { 'us-east-1': {} },
    profile: { replicas: 2, resources: { cpu: '250m', memory: '256Mi' }, logLevel: 'info' },
    sync: { automated: true },
    ingress: { domain: 'qa.test.io' },
    tags: { allow: [TagPatterns.gitSha] },
    ...(values ? { vcluster: { values } } : {}),
  } as never);
  const releases = Object.fromEntries(apps.map((a) => [a.name, { qa: { tag: 'abcdef0', digest: DIGEST_A } }]));
  return planSynth({ platform, apps: registry, envs: registerEnvironments(env), releases });
}

function qa(apps: ReturnType<typeof app>[], values?: VclusterValues) {
  return vclusterValues(qaPlan(apps, values)).get('argocd/vclusters/qa-us-east-1.yaml');
}

describe('an env with no HPA, nothing exposed, nothing scraped', () => {
  const values = qa([app('worker'), app('api')]);

  test('metricsServer is off and the quota is sized from its 2 x 2 pods', () => {
    expect(values.integrations).toEqual({ metricsServer: { enabled: false } });
    expect(values.policies.resourceQuota.quota['count/pods']).toBe(String(Math.ceil(4 * 1.25) + 2));
  });

  test('no workload ingress rule admits anyone from the host but the vcluster\'s control plane, and the values validate', () => {
    const workloads = hostPolicies(qaPlan([app('worker'), app('api')]), 'qa', 'us-east-1').get('qa-us-east-1-workloads');
    expect(workloads.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { release: 'qa-us-east-1' } } }] }]);
    expect(validateVclusterValues(values)).toEqual([]);
  });
});

describe('env overrides win over the derived values', () => {
  test('an explicit quota, metricsServer and publicEgress replace the derived ones; the rest stays derived', () => {
    const overrides: VclusterValues = {
      integrations: { metricsServer: { enabled: false } },
      policies: { resourceQuota: { quota: { 'count/pods': 50 } }, networkPolicy: { workload: { publicEgress: { enabled: true } } } },
    };
    const plan = qaPlan([app('api', { autoscaling: { maxReplicas: 4 } } as never)], overrides);
    const values = vclusterValues(plan).get('argocd/vclusters/qa-us-east-1.yaml');
    expect(values.integrations.metricsServer.enabled).toBe(false);
    expect(values.policies.resourceQuota.quota['count/pods']).toBe(50);
    expect(values.policies.resourceQuota.quota['limits.cpu']).toBe(`${4 * 250 * 1.25 + 1000 + 1000}m`); // api x 4 + vcluster pod (limit range default) + CoreDNS
    // the network policy the env asked for is rendered host-side: public egress for every workload, as the chart would
    expect(values.policies.networkPolicy).toEqual({ enabled: false });
    expect(hostPolicies(plan, 'qa', 'us-east-1').get('qa-us-east-1-workloads').egress).toContainEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['100.64.0.0/10', '127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
    });
    expect(validateVclusterValues(values)).toEqual([]);
  });

  test('policies.networkPolicy.enabled: false: no host-side policies, and no Application to sync them on the hub', () => {
    const plan = qaPlan([app('api')], { policies: { networkPolicy: { enabled: false } } });
    expect(hostPolicies(plan, 'qa', 'us-east-1').size).toBe(0);
    expect(plan.files.map((f) => f.path).filter((f) => f.startsWith('vcluster-host/'))).toEqual([]);
    expect(plan.files.find((f) => f.path === 'argocd/vclusters/qa-us-east-1.yaml')!.content).not.toContain('vcluster-host-qa-us-east-1');
  });

  test('a highly available control plane is counted in the derived quota', () => {
    const single = qa([app('api')]);
    const ha = qa([app('api')], { controlPlane: { statefulSet: { highAvailability: { replicas: 3 } } } });
    expect(Number(ha.policies.resourceQuota.quota['count/pods']) - Number(single.policies.resourceQuota.quota['count/pods'])).toBe(2);
    expect(parseMemory(ha.policies.resourceQuota.quota['limits.memory'])! - parseMemory(single.policies.resourceQuota.quota['limits.memory'])!)
      .toBe(2 * 4 * 2 ** 30);
  });
});
