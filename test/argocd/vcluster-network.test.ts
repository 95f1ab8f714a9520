/**
 * The effective network policy of a vcluster on its host (docs/architecture.md, "vcluster semantics"):
 * the host-side policies synth renders (dist vcluster-host/<env>-<region>/network-policies.yaml) plus
 * the apps' own policies as the vcluster syncer translates them. Between the apps of one vcluster,
 * only what `network.calls` declares gets through; the host's ingress controller, Prometheus, the
 * vcluster's CoreDNS and control plane get what they need; nothing else on the host does.
 * On the frozen example (prod-us-east-1: echo, book-shop, the incident assistant's frontend and backend).
 */
import { parseAllDocuments } from 'yaml';
import { vclusterHostFile, vclusterHostNetworkPolicies } from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { allowed, Endpoint, namespace, Pod, Policy, syncPod, syncPolicy, Vcluster } from '../support/netpol';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (path: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === path)!.content).map((d) => d.toJS());

const vc: Vcluster = { name: 'prod-us-east-1', hostNamespace: namespace('vcluster-prod-us-east-1') };
const other: Vcluster = { name: 'staging-us-east-1', hostNamespace: namespace('vcluster-staging-us-east-1') };

let ip = 10;
const nextIp = () => `10.0.0.${ip++}`;

/** Every app instance of the vcluster: its synced pod, and its policies as the syncer writes them. */
function appsOf(v: Vcluster, env: string, region: string) {
  return plan.resolved.instances.filter((i) => i.env === env && i.region === region).map((i) => {
    const objects = docs(`apps/${env}/${region}/${i.app}/${i.app}.yaml`);
    const ns = objects.find((o) => o.kind === 'Namespace');
    const vns = namespace(ns.metadata.name, ns.metadata.labels);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const pod = syncPod(v, vns, i.app, deployment.spec.template.metadata.labels, nextIp());
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((p) => syncPolicy(v, vns.name, p.spec));
    return { instance: i, pod, policies };
  });
}

const apps = appsOf(vc, 'prod', 'us-east-1');
const otherApps = appsOf(other, 'staging', 'us-east-1');
const hostPolicies: Policy[] = docs(vclusterHostFile('prod', 'us-east-1', 'networkPolicies')).map((p) => ({ namespace: p.metadata.namespace, spec: p.spec }));
const otherHostPolicies: Policy[] = docs(vclusterHostFile('staging', 'us-east-1', 'networkPolicies')).map((p) => ({ namespace: p.metadata.namespace, spec: p.spec }));
const policies: Policy[] = [...hostPolicies, ...otherHostPolicies, ...apps.flatMap((a) => a.policies), ...otherApps.flatMap((a) => a.policies)];

const coredns = syncPod(vc, namespace('kube-system'), 'coredns', { 'k8s-app': 'vcluster-kube-dns' }, nextIp());
const controlPlane: Pod = { name: 'vcluster', namespace: vc.hostNamespace, labels: { app: 'vcluster', release: vc.name }, ip: nextIp() };
const traefik: Pod = { name: 'traefik', namespace: namespace('traefik'), labels: { 'app.kubernetes.io/name': 'traefik' }, ip: nextIp() };
const prometheus: Pod = { name: 'prometheus', namespace: namespace('monitoring'), labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: nextIp() };
const metricsServer: Pod = {
  name: 'metrics-server', namespace: namespace('kube-system'),
  labels: { 'app.kubernetes.io/name': 'metrics-server', 'app.kubernetes.io/instance': 'metrics-server' }, ip: nextIp(),
};
const hostDns: Pod = { name: 'kube-dns', namespace: namespace('kube-system'), labels: { 'k8s-app': 'kube-dns' }, ip: nextIp() };
const stranger: Pod = { name: 'stranger', namespace: namespace('default'), labels: { app: 'stranger' }, ip: nextIp() };
const internet: Endpoint = { name: 'api.openai.com', ip: '104.18.6.192' };
const byApp = (name: string) => apps.find((a) => a.instance.app === name)!;

test('the example vcluster runs the four apps, and its host-side file holds the three policies', () => {
  expect(apps.map((a) => a.instance.app).sort()).toEqual(['book-shop', 'echo', 'incident-assistant-backend', 'incident-assistant-frontend']);
  expect(hostPolicies.map((p) => p.spec.podSelector.matchLabels)).toEqual([{ release: vc.name }, { 'k8s-app': 'vcluster-kube-dns', 'vcluster.loft.sh/managed-by': vc.name }, { 'vcluster.loft.sh/managed-by': vc.name }]);
});

test('between the apps of one vcluster, exactly the declared calls get through (default-deny holds)', () => {
  const calls = apps.flatMap((a) => a.instance.network.allowTo.map((c) => `${a.instance.app} -> ${c.app}:${c.port}`));
  expect(calls).toEqual([`incident-assistant-frontend -> incident-assistant-backend:${byApp('incident-assistant-backend').instance.port}`]);
  const open: string[] = [];
  for (const a of apps) for (const b of apps) {
    if (a !== b && allowed(policies, a.pod, b.pod, b.instance.port)) open.push(`${a.instance.app} -> ${b.instance.app}:${b.instance.port}`);
  }
  expect(open).toEqual(calls);
});

test('the chart\'s vc-work rule (every workload to every workload) would have opened every pair: the check above is not vacuous', () => {
  const vcWork: Policy = {
    namespace: vc.hostNamespace.name,
    spec: {
      podSelector: { matchLabels: { 'vcluster.loft.sh/managed-by': vc.name } },
      policyTypes: ['Egress', 'Ingress'],
      egress: [{ to: [{ podSelector: { matchLabels: { 'vcluster.loft.sh/managed-by': vc.name } } }] }],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'vcluster.loft.sh/managed-by': vc.name } } }] }],
    },
  };
  expect(allowed([...policies, vcWork], byApp('echo').pod, byApp('book-shop').pod, byApp('book-shop').instance.port)).toBe(true);
  expect(allowed(policies, byApp('echo').pod, byApp('book-shop').pod, byApp('book-shop').instance.port)).toBe(false);
});

test('the host ingress controller reaches each exposed app on its port, Prometheus each scraped app on its metrics port', () => {
  for (const a of apps) {
    if (a.instance.ingress) expect([a.instance.app, allowed(policies, traefik, a.pod, a.instance.port)]).toEqual([a.instance.app, true]);
    if (a.instance.metrics) expect([a.instance.app, allowed(policies, prometheus, a.pod, a.instance.metrics.port)]).toEqual([a.instance.app, true]);
  }
  expect(apps.filter((a) => a.instance.ingress).length).toBeGreaterThan(0);
  expect(apps.filter((a) => a.instance.metrics).length).toBeGreaterThan(0);
});

test('every app resolves names through the vcluster\'s CoreDNS (1053 after the Service), which forwards to the host\'s DNS', () => {
  for (const a of apps) {
    expect([a.instance.app, allowed(policies, a.pod, coredns, 1053, 'UDP'), allowed(policies, a.pod, coredns, 1053, 'TCP')]).toEqual([a.instance.app, true, true]);
  }
  expect(allowed(policies, coredns, hostDns, 53, 'UDP')).toBe(true);
  expect(allowed(policies, coredns, controlPlane, 8443)).toBe(true);
});

test('the control plane: reached by anyone on its API port, reaches its pods (API proxy) and the host metrics-server pods on 10250', () => {
  expect(allowed(policies, stranger, controlPlane, 8443)).toBe(true);
  expect(allowed(policies, stranger, controlPlane, 9000)).toBe(false);
  for (const a of apps) expect([a.instance.app, allowed(policies, controlPlane, a.pod, a.instance.port), allowed(policies, a.pod, controlPlane, 8443)]).toEqual([a.instance.app, true, true]);
  expect(allowed(policies, controlPlane, metricsServer, 10250)).toBe(true);
  expect(allowed(policies, controlPlane, { ...stranger, namespace: namespace('kube-system') }, 10250)).toBe(false);
});

test('nothing else on the host, and no other vcluster, reaches the apps; only the app that asked reaches the internet, on 443 only', () => {
  for (const a of apps) {
    expect([a.instance.app, allowed(policies, stranger, a.pod, a.instance.port)]).toEqual([a.instance.app, false]);
    for (const o of otherApps) {
      expect([o.instance.app, a.instance.app, allowed(policies, o.pod, a.pod, a.instance.port)]).toEqual([o.instance.app, a.instance.app, false]);
    }
    expect([a.instance.app, allowed(policies, a.pod, stranger, 8080)]).toEqual([a.instance.app, false]);
    expect([a.instance.app, allowed(policies, a.pod, internet, 443)]).toEqual([a.instance.app, a.instance.network.internetEgress]);
    expect([a.instance.app, allowed(policies, a.pod, internet, 80)]).toEqual([a.instance.app, false]);
  }
  expect(apps.some((a) => a.instance.network.internetEgress)).toBe(true);
});

test('the app with a database reaches its host\'s database subnets on 5432 through the vcluster\'s policies; no other app, no other port', () => {
  const rds: Endpoint = { name: 'rds', ip: '10.10.64.25' }; // in host-us-east-1's first database subnet (envs/platform.ts)
  const db = apps.filter((a) => a.instance.database).map((a) => a.instance.app);
  expect(db).toEqual(['incident-assistant-backend']);
  for (const a of apps) {
    expect([a.instance.app, allowed(policies, a.pod, rds, 5432)]).toEqual([a.instance.app, db.includes(a.instance.app)]);
    expect([a.instance.app, allowed(policies, a.pod, rds, 5433)]).toEqual([a.instance.app, false]);
  }
  expect(allowed(policies, byApp('incident-assistant-backend').pod, { name: 'elsewhere', ip: '10.10.200.1' }, 5432)).toBe(false);
});

describe('the policies follow the values keys of the chart', () => {
  test('network policy off (policies.networkPolicy.enabled: false): no policies', () => {
    expect(vclusterHostNetworkPolicies('x', { enabled: false })).toEqual([]);
    expect(vclusterHostNetworkPolicies('x', undefined)).toEqual([]);
  });

  test('publicEgress on opens the internet (minus private ranges) to every workload, as the chart does; controlPlane and workload rules are appended', () => {
    const rule = { to: [{ ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'TCP' as const, port: 5432 }] };
    const [cp, , work] = vclusterHostNetworkPolicies('x', { enabled: true, workload: { egress: [rule] }, controlPlane: { egress: [rule] } });
    expect(work.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: expect.arrayContaining(['10.0.0.0/8', '192.168.0.0/16']) } }] });
    expect(work.egress).toContainEqual(rule);
    expect(cp.egress).toContainEqual(rule);
  });
});

describe('the PostSync smoke tests (lib/constructs/smoke-test.ts), under the syncer translation', () => {
  /** Each app's smoke-test pod, as the syncer places it on the host, from the Job's pod template. */
  const smoke = apps.map((a) => {
    const { env, region, app } = a.instance;
    const job = docs(`apps/${env}/${region}/${app}/${app}.yaml`).find((o) => o.kind === 'Job' && o.metadata.annotations?.['argocd.argoproj.io/hook'] === 'PostSync');
    const vns = namespace(a.instance.namespace);
    return { app: a, job, pod: syncPod(vc, vns, `${app}-smoke-test`, job.spec.template.metadata.labels, nextIp()) };
  });

  test('every app has one, a PostSync hook Job', () => {
    expect(smoke.map((s) => [s.app.instance.app, s.job?.metadata.name])).toEqual(apps.map((a) => [a.instance.app, `${a.instance.app}-smoke-test`]));
  });

  test('a smoke test reaches its own app on the checked port and resolves names; nothing else', () => {
    for (const s of smoke) {
      const port = s.app.instance.port;
      expect([s.app.instance.app, allowed(policies, s.pod, s.app.pod, port), allowed(policies, s.pod, coredns, 1053, 'UDP')]).toEqual([s.app.instance.app, true, true]);
      expect(allowed(policies, s.pod, s.app.pod, port + 1)).toBe(false);
      for (const b of apps) if (b !== s.app) expect([s.app.instance.app, b.instance.app, allowed(policies, s.pod, b.pod, b.instance.port)]).toEqual([s.app.instance.app, b.instance.app, false]);
      expect(allowed(policies, s.pod, internet, 443)).toBe(false);
      expect(allowed(policies, s.pod, hostDns, 53, 'UDP')).toBe(false);
    }
  });

  test('the app accepts its own smoke test only: another app\'s smoke test and the host stay out', () => {
    for (const s of smoke) {
      for (const b of apps) if (b !== s.app) expect(allowed(policies, s.pod, b.pod, b.instance.port)).toBe(false);
      expect(allowed(policies, stranger, s.app.pod, s.app.instance.port)).toBe(false);
      expect(allowed(policies, s.app.pod, s.pod, s.app.instance.port)).toBe(false);
    }
  });
});
