/**
 * The monitoring model: the vcluster syncer's host names and labels (v0.36.1), what kube-prometheus-stack 88.5.3
 * selects from its values, how an instance's metrics are scraped (metrics.via), and the app field
 * `metrics.errorRatio` with its one-line errors.
 */
import { App, Chart } from 'cdk8s';
import { AppMonitoringObjects } from '../../lib/constructs/monitoring';
import {
  AddonCatalogue, appMonitoring, ConfigError, defineApp, hostObjectLabels, hostObjectName, hostPrometheus, KubePrometheusStackValues, metricsVia, planAddons,
  planClusters, planControlPlane, resolve, safeConcatName, translatedLabelKey, whyDashboardNotLoaded, whyNotSelected,
} from '../../lib/model';
import { validateCustomResource } from '../../lib/policy';
import { addons, envs, platform } from '../fixtures/example/envs';
import { exampleInput } from '../support/example';
import { configError } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('what the host sees of a synced object (loft-sh/vcluster v0.36.1 pkg/util/translate)', () => {
  test('a translated label key is vcluster.loft.sh/label-<vcluster>-x-<sha256(key)[:10]> (upstream translate_test.go vector)', () => {
    expect(translatedLabelKey('release', 'suffix')).toBe('vcluster.loft.sh/label-suffix-x-a4d451ec23');
  });

  test('SafeConcatName: joined with "-" up to 63 characters, else 52 characters, "-" and 10 hex digits of the sha256', () => {
    expect(hostObjectName('book-shop', 'book-shop', 'prod-us-east-1')).toBe('book-shop-x-book-shop-x-prod-us-east-1');
    const long = hostObjectName('incident-assistant-backend', 'incident-assistant-backend', 'prod-us-east-1');
    expect(long).toMatch(/^incident-assistant-backend-x-incident-assistant-back-[0-9a-f]{10}$/);
    expect(long).toHaveLength(63);
    expect(safeConcatName('a'.repeat(50), '.c', 'c'.repeat(20))).toMatch(/^a{50}--[0-9a-f]{10}$/); // cut at 52 after "-.": its ".-" turned into "-"
  });

  test('labels are kept, `release` translated, translated forms dropped; the marker and namespace labels are added', () => {
    expect(hostObjectLabels({ 'app.kubernetes.io/name': 'web', release: 'r1', [translatedLabelKey('release', 'dev-x')]: 'forged' }, 'web', 'dev-x')).toEqual({
      'app.kubernetes.io/name': 'web',
      [translatedLabelKey('release', 'dev-x')]: 'r1',
      'vcluster.loft.sh/managed-by': 'dev-x',
      'vcluster.loft.sh/namespace': 'web',
    });
  });
});

/** The example catalogue with kube-prometheus-stack's values replaced (hosts only: no env overrides). */
function withStackValues(values: KubePrometheusStackValues): AddonCatalogue {
  return { addons: addons.addons.map((a) => (a.name === 'kube-prometheus-stack' ? { ...a, values: values as Record<string, unknown> } : a)) };
}
const clusters = planClusters(platform, envs);
const host = clusters.hosts[0];
const stack = (catalogue: AddonCatalogue) => hostPrometheus(planAddons(catalogue, clusters), host)!;
const NS = 'vcluster-dev-us-east-1';
const nsLabels = { 'kubernetes.io/metadata.name': NS };

describe('kube-prometheus-stack 88.5.3: what its Prometheus, operator, Grafana sidecar and kube-state-metrics read, from its values', () => {
  test('the example values: every monitor and rule in every namespace; dashboards labelled grafana_dashboard "1" anywhere; pods\' instance label', () => {
    const hp = stack(addons);
    expect(hp.namespace).toBe('monitoring');
    expect(hp.serves).toEqual(['ServiceMonitor', 'PodMonitor', 'PrometheusRule']);
    expect(hp.selects).toEqual({
      ServiceMonitor: { selector: {}, namespaceSelector: {} },
      PodMonitor: { selector: {}, namespaceSelector: {} },
      PrometheusRule: { selector: {}, namespaceSelector: {} },
    });
    expect(hp.dashboards).toEqual({ label: 'grafana_dashboard', labelValue: '1', namespaces: 'ALL' });
    expect(hp.kubeStateMetrics).toEqual({ labels: { pods: ['app.kubernetes.io/instance'] } });
  });

  test('chart defaults (*SelectorNilUsesHelmValues true): only objects labelled release: <release>; our monitors then carry it', () => {
    const hp = stack(withStackValues({ 'kube-state-metrics': { metricLabelsAllowlist: ['pods=[app.kubernetes.io/instance]'] } }));
    expect(hp.selects!.ServiceMonitor.selector).toEqual({ matchLabels: { release: 'kube-prometheus-stack' } });
    expect(whyNotSelected(hp, 'ServiceMonitor', NS, nsLabels, {})).toMatch(/reads ServiceMonitors matching \{"matchLabels":\{"release":"kube-prometheus-stack"\}\}/);
    const instance = resolve({ ...exampleInput, addons: withStackValues({ 'kube-state-metrics': { metricLabelsAllowlist: ['pods=[app.kubernetes.io/instance]'] } }) })
      .instances.find((i) => i.app === 'book-shop' && i.env === 'dev')!;
    const m = appMonitoring(instance, { cluster: 'dev-us-east-1', vclusterNamespace: NS }, hp);
    expect(m.monitor.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(m.rules.labels).toEqual({ release: 'kube-prometheus-stack' });
  });

  test('a selector, a namespace selector, the operator\'s namespaces, no Prometheus, no Grafana: each named in the reason', () => {
    const sel = (v: KubePrometheusStackValues) => stack(withStackValues(v));
    expect(whyNotSelected(sel({ prometheus: { prometheusSpec: { serviceMonitorSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] } } } }), 'ServiceMonitor', NS, nsLabels, { release: 'kube-prometheus-stack' }))
      .toMatch(/prometheus\.prometheusSpec\.serviceMonitorSelector/);
    expect(whyNotSelected(sel({ prometheus: { prometheusSpec: { ruleSelectorNilUsesHelmValues: false, ruleNamespaceSelector: { matchLabels: { monitored: 'yes' } } } } }), 'PrometheusRule', NS, nsLabels, {}))
      .toBe(`kube-prometheus-stack's Prometheus reads PrometheusRules in namespaces matching {"matchLabels":{"monitored":"yes"}} (prometheus.prometheusSpec.ruleNamespaceSelector), not ${NS}`);
    expect(whyNotSelected(sel({ prometheusOperator: { namespaces: { releaseNamespace: true } } }), 'PodMonitor', NS, nsLabels, { release: 'kube-prometheus-stack' }))
      .toBe('kube-prometheus-stack\'s operator reads only namespaces monitoring (prometheusOperator.namespaces)');
    expect(whyNotSelected(sel({ prometheusOperator: { denyNamespaces: [NS] } }), 'PodMonitor', NS, nsLabels, { release: 'kube-prometheus-stack' })).toMatch(/ignores namespace/);
    expect(whyNotSelected(sel({ prometheus: { enabled: false } }), 'PodMonitor', NS, nsLabels, {})).toMatch(/runs no Prometheus/);
    expect(whyDashboardNotLoaded(sel({ grafana: { enabled: false } }), NS, { grafana_dashboard: '1' })).toMatch(/runs no Grafana dashboards sidecar/);
    expect(whyDashboardNotLoaded(sel({ grafana: { sidecar: { dashboards: { searchNamespace: null } } } }), NS, { grafana_dashboard: '1' }))
      .toMatch(/searches namespaces monitoring \(grafana\.sidecar\.dashboards\.searchNamespace\), not vcluster-dev-us-east-1/);
    expect(whyDashboardNotLoaded(sel({ grafana: { sidecar: { dashboards: { labelValue: '' } } } }), NS, { grafana_dashboard: 'any' })).toBeUndefined();
  });
});

describe('metrics.via: how the host\'s Prometheus finds an instance\'s metrics', () => {
  const hp = stack(addons);
  test('a ServiceMonitor on the app\'s port (its Service\'s), a PodMonitor on another port, annotations without a stack that serves them', () => {
    expect(metricsVia(hp, 8000, 8000)).toBe('ServiceMonitor');
    expect(metricsVia(hp, 9090, 8000)).toBe('PodMonitor');
    expect(metricsVia(undefined, 8000, 8000)).toBe('annotations');
    expect(metricsVia({ ...hp, serves: ['PrometheusRule'] }, 8000, 8000)).toBe('annotations');
    expect(metricsVia({ ...hp, selects: undefined }, 8000, 8000)).toBe('annotations');
  });

  test('without an add-on catalogue the instances keep the scrape annotations and no host-side monitoring is planned', () => {
    const input = { ...exampleInput, addons: undefined };
    const resolved = resolve(input);
    expect(resolved.instances.filter((i) => i.metrics).map((i) => i.metrics!.via)).toEqual(Array(7).fill('annotations'));
    expect(planControlPlane(platform, envs, resolved).envs.flatMap((e) => e.regions.flatMap((r) => r.monitoring))).toEqual([]);
  });

  test('a separate metrics port gets a PodMonitor on the container port `metrics`, schema-valid', () => {
    const resolved = resolve({ ...exampleInput, apps: { ...exampleInput.apps, 'book-shop': { ...exampleInput.apps['book-shop'], metrics: { port: 9090 } } } });
    const i = resolved.instances.find((x) => x.app === 'book-shop' && x.env === 'dev')!;
    expect(i.metrics).toMatchObject({ port: 9090, via: 'PodMonitor' });
    const m = appMonitoring(i, { cluster: 'dev-us-east-1', vclusterNamespace: NS }, stack(addons));
    const chart = new Chart(new App(), 'c');
    new AppMonitoringObjects(chart, 'm', { monitoring: m });
    const [monitor] = chart.toJson() as any[];
    expect(monitor.kind).toBe('PodMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', scheme: 'http' }]);
    expect(validateCustomResource(monitor)).toEqual([]);
  });
});

describe('bad input, one line naming the file and the field', () => {
  const BASE = { name: 'web', team: 'shop', image: 'ghcr.io/acme/web', port: 8080, health: { liveness: '/healthz', readiness: '/readyz' } };
  const bad = (errorRatio: unknown) => configError(() => defineApp({ ...BASE, metrics: { errorRatio } } as never));

  test.each([
    [{ metric: 'http-requests' }, 'metrics.errorRatio.metric', /"http-requests" is not allowed; allowed: a Prometheus metric name/],
    [{ metric: 'http_requests_total', statusLabel: '__code' }, 'metrics.errorRatio.statusLabel', /allowed: a Prometheus label name/],
    [{ metric: 'http_requests_total', threshold: 5 }, 'metrics.errorRatio.threshold', /must be a number between 0 and 1 \(exclusive\), e\.g\. 0\.05 for 5%, got 5/],
    [{ metric: 'http_requests_total', treshold: 0.1 }, 'metrics.errorRatio.treshold', /unknown key \(did you mean "threshold"\?\)/],
    [{}, 'metrics.errorRatio.metric', /must be a non-empty string/],
  ])('%j', (errorRatio, field, reason) => {
    const err = bad(errorRatio);
    expect(err.field).toBe(field);
    expect(err.reason).toMatch(reason);
    expect(err.message).toBe(`${__filename}: ${field}: ${err.reason}`);
    expect(err.message).not.toMatch(/\n/);
  });

  test('a host stack whose kube-state-metrics does not export the pods\' instance label: envs/addons.ts and the field', () => {
    const catalogue = withStackValues({ prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false } } });
    let err: unknown;
    try {
      planControlPlane(platform, envs, resolve({ ...exampleInput, addons: catalogue }), catalogue);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).field).toBe('kube-prometheus-stack.values.kube-state-metrics.metricLabelsAllowlist');
    expect((err as ConfigError).reason).toMatch(/^must allow pods=\[app\.kubernetes\.io\/instance\]: book-shop's alerts and dashboard \(dev\/us-east-1\) find its pods by that label/);
  });
});
