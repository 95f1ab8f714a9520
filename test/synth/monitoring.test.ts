/**
 * The apps' host-side monitoring on the frozen example (docs/architecture.md "Monitoring"): one
 * vcluster-host/<env>-<region>/monitoring-<app>.yaml per scraped instance, whose monitor selects the app's Service
 * as the vcluster syncer puts it on the host, which the host's kube-prometheus-stack selects per its values, with
 * the golden alerts on what the host sees and a dashboard Grafana's sidecar loads.
 */
import { parseAllDocuments } from 'yaml';
import {
  instanceFile,
  addonFile, AppInstance, clusterName, dashboardUid, hostObjectName, hostPrometheus, planClusters, planAddons, selectorMatches, vclusterFile, vclusterHostAppFile,
  whyDashboardNotLoaded, whyNotSelected,
} from '../../lib/model';
import { validateCustomResource } from '../../lib/policy';
import { planSynth } from '../../lib/synth';
import { addons, envs, platform } from '../fixtures/example/envs';
import { exampleInput } from '../support/example';
import { namespace, syncPod, syncService } from '../support/netpol';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (path: string): any[] => {
  const f = plan.files.find((x) => x.path === path);
  if (!f) throw new Error(`no file ${path}`);
  return parseAllDocuments(f.content).map((d) => d.toJS());
};
const clusters = planClusters(platform, envs);
const deployments = planAddons(addons, clusters);
const hostStack = (i: AppInstance) => {
  const vcluster = clusters.vclusters.find((v) => v.name === clusterName(i.env, i.region))!;
  return hostPrometheus(deployments, clusters.hosts.find((h) => h.name === vcluster.host)!)!;
};
const scraped = plan.resolved.instances.filter((i) => i.metrics);
const monitoringOf = (i: AppInstance) => docs(vclusterHostAppFile(i.env, i.region, 'monitoring', i.app));
const instanceObjects = (i: AppInstance) => docs(`apps/${i.env}/${i.region}/${i.app}/${i.app}.yaml`);

test('every scraped instance of the example is monitored through a ServiceMonitor (its metrics are on its Service\'s port)', () => {
  expect(scraped.map((i) => `${i.env}/${i.region}/${i.app}: ${i.metrics!.via}`)).toEqual([
    'dev/us-east-1/book-shop: ServiceMonitor',
    'dev/us-east-1/incident-assistant-backend: ServiceMonitor',
    'staging/us-east-1/book-shop: ServiceMonitor',
    'staging/us-east-1/incident-assistant-backend: ServiceMonitor',
    'prod/us-east-1/book-shop: ServiceMonitor',
    'prod/us-east-1/incident-assistant-backend: ServiceMonitor',
    'prod/eu-west-1/book-shop: ServiceMonitor',
  ]);
  const files = plan.files.map((f) => f.path).filter((p) => /\/monitoring-[^/]+\.yaml$/.test(p));
  expect(files.sort()).toEqual(scraped.map((i) => vclusterHostAppFile(i.env, i.region, 'monitoring', i.app)).sort());
});

describe.each(scraped.map((i) => [`${i.env}/${i.region}/${i.app}`, i] as const))('%s', (_name, i) => {
  const objects = monitoringOf(i);
  const hostNamespace = `vcluster-${clusterName(i.env, i.region)}`;
  const vc = { name: clusterName(i.env, i.region), hostNamespace: namespace(hostNamespace) };
  const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  const dashboard = objects.find((o) => o.kind === 'ConfigMap');
  const own = instanceObjects(i);

  test('its file holds a ServiceMonitor, a PrometheusRule and a dashboard ConfigMap, in the vcluster\'s host namespace, synced by vcluster-host-<env>-<region>', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      `ServiceMonitor/${hostNamespace}/${i.app}`, `PrometheusRule/${hostNamespace}/${i.app}`, `ConfigMap/${hostNamespace}/${i.app}-dashboard`,
    ]);
    const app = docs(vclusterFile(i.env, i.region)).find((o) => o.kind === 'Application' && o.metadata.name === `vcluster-host-${vc.name}`);
    expect(app.spec.destination.namespace).toBe(hostNamespace);
    expect(app.spec.source.path).toBe(`dist/vcluster-host/${vc.name}`);
  });

  test('its ServiceMonitor selects the app\'s Service as the vcluster syncs it to the host (and no other app\'s), on the port serving the metrics', () => {
    const service = syncService(vc, i.namespace, own.find((o) => o.kind === 'Service'));
    expect(service.namespace).toBe(hostNamespace);
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: [hostNamespace] });
    expect(selectorMatches(monitor.spec.selector, service.labels)).toBe(true);
    for (const other of plan.resolved.instances.filter((x) => x.env === i.env && x.region === i.region && x.app !== i.app)) {
      expect([other.app, selectorMatches(monitor.spec.selector, syncService(vc, other.namespace, instanceObjects(other).find((o) => o.kind === 'Service')).labels)]).toEqual([other.app, false]);
    }
    // The endpoint's port is the Service's, and it reaches the container port that serves the metrics.
    const port = service.ports.find((p: any) => p.name === monitor.spec.endpoints[0].port);
    const container = own.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(container.ports.find((p: any) => p.name === port.targetPort).containerPort).toBe(i.metrics!.port);
    expect(monitor.spec.endpoints[0].path).toBe(i.metrics!.path);
    // job = the Service's app.kubernetes.io/name: what the alerts and the dashboard select scraped series by.
    expect(service.labels[monitor.spec.jobLabel]).toBe(i.app);
    // The synced pods behind the Service are the app's (the host Service's selector on the host pods).
    const pod = syncPod(vc, namespace(i.namespace), i.app, own.find((o) => o.kind === 'Deployment').spec.template.metadata.labels, '10.0.0.1');
    expect(selectorMatches({ matchLabels: service.selector }, pod.labels)).toBe(true);
  });

  test('the host\'s kube-prometheus-stack selects the monitor and the rule (per its values at 88.5.3), and its Grafana sidecar loads the dashboard', () => {
    const hp = hostStack(i);
    expect(hp.namespace).toBe(platform.monitoringNamespace); // the namespace the vcluster's host-side workloads policy lets in on metrics ports
    const ns = { 'kubernetes.io/metadata.name': hostNamespace };
    expect(whyNotSelected(hp, 'ServiceMonitor', hostNamespace, ns, monitor.metadata.labels)).toBeUndefined();
    expect(whyNotSelected(hp, 'PrometheusRule', hostNamespace, ns, rule.metadata.labels)).toBeUndefined();
    expect(whyDashboardNotLoaded(hp, hostNamespace, dashboard.metadata.labels)).toBeUndefined();
    expect(dashboard.metadata.labels.grafana_dashboard).toBe('1');
  });

  test('its alerts: restarts of its pods (by instance label), below its PodDisruptionBudget (by its host name) when it has one, 5xx ratio when declared', () => {
    const alerts = rule.spec.groups[0].rules;
    const pdb = own.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === i.app); // the web workload's (a worker has its own)
    expect(alerts.map((a: any) => a.alert)).toEqual([
      'AppPodRestarting', ...(pdb ? ['AppBelowDisruptionBudget'] : []), ...(i.metrics!.errorRatio ? ['AppHighErrorRatio'] : []),
    ]);
    expect(alerts[0].expr).toContain(`kube_pod_labels{namespace="${hostNamespace}", label_app_kubernetes_io_instance="${i.instance}"}`);
    expect(own.find((o) => o.kind === 'Deployment').spec.template.metadata.labels['app.kubernetes.io/instance']).toBe(i.instance);
    if (pdb) expect(alerts[1].expr).toContain(`poddisruptionbudget="${hostObjectName(pdb.metadata.name, pdb.metadata.namespace, vc.name)}"`);
    for (const a of alerts) expect(a.labels).toMatchObject({ app: i.app, env: i.env, region: i.region, team: i.team });
  });

  test('schema-valid (ServiceMonitor against its CRD), and the dashboard is a Grafana JSON model with a valid uid', () => {
    expect(validateCustomResource(monitor)).toEqual([]);
    const json = JSON.parse(Object.values(dashboard.data as Record<string, string>)[0]);
    expect(json.uid).toBe(dashboardUid(i.instance));
    expect(json.uid.length).toBeLessThanOrEqual(40);
    expect(json.panels.length).toBe(i.metrics!.errorRatio ? 7 : 5);
    for (const p of json.panels) for (const t of p.targets) expect(t.expr).toContain(hostNamespace);
  });
});

test('the kube-state-metrics allowlist the alerts need is on every host\'s kube-prometheus-stack Application', () => {
  for (const host of clusters.hosts) {
    const app = docs(addonFile(host.name, 'kube-prometheus-stack'))[0];
    expect(app.spec.source.helm.valuesObject['kube-state-metrics']).toEqual({ metricLabelsAllowlist: ['pods=[app.kubernetes.io/instance]'] });
  }
});

test('golden app: no prometheus.io/* pod annotations where a ServiceMonitor or PodMonitor scrapes the pods', () => {
  const scraped = plan.resolved.instances.filter((i) => i.metrics);
  expect(scraped.length).toBeGreaterThan(0);
  for (const i of scraped) {
    const deployment = parseAllDocuments(plan.files.find((f) => f.path === instanceFile(i.env, i.region, i.app))!.content).map((d) => d.toJS()).find((o) => o.kind === 'Deployment' && o.metadata.name === i.app);
    const annotations = Object.keys(deployment.spec.template.metadata.annotations ?? {}).filter((k) => k.startsWith('prometheus.io/'));
    expect([i.instance, i.metrics!.via, annotations]).toEqual([i.instance, i.metrics!.via, i.metrics!.via === 'annotations' ? ['prometheus.io/path', 'prometheus.io/port', 'prometheus.io/scrape'] : []]);
  }
});
