import { Checker } from './check';
import { ConfigError, joinPath } from './errors';
import { AppInstance } from './instance';
import { exportsLabel, HostPrometheus, MonitorKind } from './kube-prometheus-stack';
import { hostObjectLabels, hostObjectName } from './vcluster-sync';

/**
 * An app's monitoring on its host (pure): how the host's Prometheus finds the app's metrics, the golden alerts and
 * what the dashboard shows. Open-source vcluster 0.36.1 syncs no custom resource to its host, so a ServiceMonitor
 * inside the vcluster would never reach the host's Prometheus: the monitor, the rules and the dashboard are written
 * host-side, in the vcluster's host namespace, against the names and labels the syncer gives the app's objects there
 * (lib/model/vcluster-sync.ts). docs/architecture.md "Monitoring" has the facts relied on.
 */

/** The 5xx ratio alert of an app (`metrics.errorRatio` in apps/<app>.ts). */
export interface ErrorRatioSpec {
  /** The app's counter of HTTP requests served (a Prometheus metric name), e.g. `http_requests_total`. */
  readonly metric: string;
  /**
   * The metric's label holding the HTTP status code; 5xx is `=~"5.."`.
   * @default 'code'
   */
  readonly statusLabel?: string;
  /**
   * The share of 5xx responses over 5 minutes (0 < threshold < 1) above which the alert fires (after 10 minutes).
   * @default 0.05
   */
  readonly threshold?: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A Prometheus label name; `__`-prefixed names are reserved for internal use. */
const LABEL_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Validates `metrics.errorRatio` of an app spec (at `path`). */
export function checkErrorRatio(c: Checker, value: unknown, path: string): void {
  const e = c.object(value, path);
  c.keys(e, path, ['metric', 'statusLabel', 'threshold']);
  c.string(e.metric, joinPath(path, 'metric'), { pattern: METRIC_NAME, allowed: 'a Prometheus metric name such as "http_requests_total"' });
  c.optionalString(e.statusLabel, joinPath(path, 'statusLabel'), { pattern: LABEL_NAME, allowed: 'a Prometheus label name such as "code" (letters, digits and "_", not starting with a digit or "__")' });
  if (e.threshold !== undefined && (typeof e.threshold !== 'number' || !(e.threshold > 0 && e.threshold < 1))) {
    c.fail(joinPath(path, 'threshold'), `must be a number between 0 and 1 (exclusive), e.g. 0.05 for 5%, got ${JSON.stringify(e.threshold)}`);
  }
}

/**
 * How the host's Prometheus finds an app's metrics: a ServiceMonitor (the metrics are on the app's port, which its
 * Service exposes as `http`), a PodMonitor (on a separate port, which the Service does not expose) or, when the
 * host runs no kube-prometheus-stack serving those kinds, the `prometheus.io/*` pod annotations.
 */
export type MetricsVia = 'ServiceMonitor' | 'PodMonitor' | 'annotations';

/** The golden app's container port names (lib/constructs/golden-app.ts: `http` for the app's port, `metrics` for a separate metrics port). */
export const PORT_NAMES = { app: 'http', metrics: 'metrics' } as const;

/** How the kube-prometheus-stack `hp` on the app's host (if any) finds its metrics, served on `port` by an app listening on `appPort`. */
export function metricsVia(hp: HostPrometheus | undefined, port: number, appPort: number): MetricsVia {
  const kind: MonitorKind = port === appPort ? 'ServiceMonitor' : 'PodMonitor';
  return hp?.selects && hp.serves.includes(kind) ? kind : 'annotations';
}

/** The Kubernetes label the apps' alerts and dashboards find their pods by, through kube-state-metrics' `kube_pod_labels`. */
export const POD_LABEL = 'app.kubernetes.io/instance';
/** That label in `kube_pod_labels` (kube-state-metrics sanitizes the key and prefixes `label_`). */
const POD_LABEL_METRIC = 'label_app_kubernetes_io_instance';
/**
 * kube-state-metrics' `metricLabelsAllowlist` the monitoring needs (envs/addons.ts: kube-prometheus-stack's
 * `kube-state-metrics.metricLabelsAllowlist`): pod names on the host are the syncer's (random, and hashed past 63
 * characters), so pods are found by this label instead.
 */
export const KUBE_STATE_METRICS_LABELS: readonly string[] = [`pods=[${POD_LABEL}]`];

/** Whether the golden app gives the instance a PodDisruptionBudget (lib/constructs/golden-app.ts: more than one replica at the minimum). */
export function hasDisruptionBudget(i: AppInstance): boolean {
  return (i.autoscaling ? i.autoscaling.minReplicas : i.replicas) > 1;
}

/** One alerting rule of a PrometheusRule group. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly [key: string]: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Everything of an app's host-side monitoring file, as data (lib/constructs/monitoring.ts renders it). */
export interface AppMonitoring {
  readonly instance: AppInstance;
  /** The vcluster's host namespace, where every object of the file lives. */
  readonly namespace: string;
  /** The monitor: its kind, the labels it selects the app's Service (or pods) by on the host, the port's name and the path. */
  readonly monitor: {
    readonly kind: 'ServiceMonitor' | 'PodMonitor';
    readonly name: string;
    readonly selector: { readonly [key: string]: string };
    readonly port: string;
    readonly path: string;
    /** The Service's (PodMonitor: the pods') label whose value becomes the `job` label: the app's name. */
    readonly jobLabel: string;
    /** Labels the host's Prometheus selects monitors by (its serviceMonitorSelector/podMonitorSelector's matchLabels). */
    readonly labels: { readonly [key: string]: string };
  };
  readonly rules: { readonly name: string; readonly labels: { readonly [key: string]: string }; readonly group: string; readonly alerts: readonly AlertRule[] };
  /** The Grafana dashboard ConfigMap, when the host's Grafana loads dashboards (its sidecar's label). */
  readonly dashboard?: { readonly name: string; readonly labels: { readonly [key: string]: string }; readonly file: string };
  /** PromQL selectors of the app's series on the host, shared by the rules and the dashboard. */
  readonly series: AppSeries;
}

/** How the app's series look on the host. */
export interface AppSeries {
  /** `namespace="<host ns>", job="<app>"`: the matchers of what its monitor scrapes. */
  readonly scraped: string;
  /** `namespace="<host ns>"`, for kube-state-metrics and cAdvisor series. */
  readonly namespace: string;
  /** `kube_pod_labels{...}` of its pods: join `* on (namespace, pod) group_left()` (or `and on (namespace, pod)`) to keep its pods' series. */
  readonly pods: string;
  /** The host name of its PodDisruptionBudget, when it has one. */
  readonly pdb?: string;
}

const RESTARTS = { window: '15m', threshold: 2 } as const;

/** The golden alerts of an instance (PromQL on what the host sees). */
export function goldenAlerts(i: AppInstance, s: AppSeries): AlertRule[] {
  const where = `${i.app} (${i.env}/${i.region})`;
  const labels = (severity: string) => ({ severity, app: i.app, env: i.env, region: i.region, team: i.team });
  const alerts: AlertRule[] = [{
    alert: 'AppPodRestarting',
    expr: `increase(kube_pod_container_status_restarts_total{${s.namespace}}[${RESTARTS.window}]) > ${RESTARTS.threshold}\nand on (namespace, pod) ${s.pods}`,
    for: '0m',
    labels: labels('warning'),
    annotations: {
      summary: `${where}: a pod keeps restarting`,
      description: `Pod {{ $labels.pod }} (container {{ $labels.container }}) restarted {{ $value | humanize }} times in ${RESTARTS.window}.`,
    },
  }];
  if (s.pdb) {
    const pdb = `{${s.namespace}, poddisruptionbudget="${s.pdb}"}`;
    alerts.push({
      alert: 'AppBelowDisruptionBudget',
      expr: `kube_poddisruptionbudget_status_current_healthy${pdb}\n< kube_poddisruptionbudget_status_desired_healthy${pdb}`,
      for: '15m',
      labels: labels('critical'),
      annotations: {
        summary: `${where}: fewer healthy pods than its PodDisruptionBudget requires`,
        description: `{{ $value }} healthy pods, below the budget's desired count: one more disruption would take ${i.app} down.`,
      },
    });
  }
  const e = i.metrics?.errorRatio;
  if (e) {
    const rate = (extra: string) => `sum by (namespace) (rate(${e.metric}{${s.scraped}${extra}}[5m]))`;
    alerts.push({
      alert: 'AppHighErrorRatio',
      expr: `${rate(`, ${e.statusLabel}=~"5.."`)}\n/ ${rate('')}\n> ${e.threshold}`,
      for: '10m',
      labels: labels('critical'),
      annotations: {
        summary: `${where}: more than ${parseFloat((e.threshold * 100).toFixed(6))}% of requests fail with 5xx`,
        description: `{{ $value | humanizePercentage }} of ${e.metric} over 5 minutes had a 5xx ${e.statusLabel}.`,
      },
    });
  }
  return alerts;
}

/**
 * An instance's host-side monitoring (its metrics reach a kube-prometheus-stack: `via` is a monitor kind), on the host
 * whose stack is `hp`, in the vcluster `cluster` and its host namespace. `addonsFile` is envs/addons.ts (errors).
 */
export function appMonitoring(i: AppInstance, region: { readonly cluster: string; readonly vclusterNamespace: string }, hp: HostPrometheus, addonsFile?: string): AppMonitoring {
  const via = i.metrics?.via;
  if (!i.metrics || via === undefined || via === 'annotations') throw new Error(`${i.instance}: its metrics are not scraped through a monitor`);
  if (!hp.kubeStateMetrics) {
    throw new ConfigError(addonsFile, `${hp.addon}.values.kubeStateMetrics.enabled`, `must not be false: ${i.app}'s alerts (${i.env}/${i.region}) read kube-state-metrics`);
  }
  if (!exportsLabel(hp, 'pods', POD_LABEL)) {
    throw new ConfigError(addonsFile, `${hp.addon}.values.kube-state-metrics.metricLabelsAllowlist`,
      `must allow pods=[${POD_LABEL}]: ${i.app}'s alerts and dashboard (${i.env}/${i.region}) find its pods by that label in kube_pod_labels (pod names on the host are the vcluster's); use KUBE_STATE_METRICS_LABELS`);
  }
  const ns = `namespace="${region.vclusterNamespace}"`;
  const series: AppSeries = {
    scraped: `${ns}, job="${i.app}"`,
    namespace: ns,
    pods: `kube_pod_labels{${ns}, ${POD_LABEL_METRIC}="${i.instance}"}`,
    // The golden app names its PodDisruptionBudget after the app, in the app's namespace.
    ...(hasDisruptionBudget(i) ? { pdb: hostObjectName(i.app, i.namespace, region.cluster) } : {}),
  };
  const kind = via;
  const selection = hp.selects?.[kind].selector.matchLabels ?? {};
  const rulesSelection = hp.selects?.PrometheusRule.selector.matchLabels ?? {};
  return {
    instance: i,
    namespace: region.vclusterNamespace,
    monitor: {
      kind,
      name: i.app,
      // The golden app's selector labels (lib/constructs/labels.ts selectorLabels), as the syncer leaves them on the
      // host's copy of its Service and pods, plus the syncer's marker and namespace labels: this app of this vcluster.
      selector: hostObjectLabels({ 'app.kubernetes.io/name': i.app, 'app.kubernetes.io/instance': i.instance }, i.namespace, region.cluster),
      port: kind === 'ServiceMonitor' ? PORT_NAMES.app : PORT_NAMES.metrics,
      path: i.metrics.path,
      jobLabel: 'app.kubernetes.io/name',
      labels: { ...selection },
    },
    rules: { name: i.app, labels: { ...rulesSelection }, group: i.instance, alerts: goldenAlerts(i, series) },
    ...(hp.dashboards ? {
      dashboard: { name: `${i.app}-dashboard`, labels: { [hp.dashboards.label]: hp.dashboards.labelValue ?? '1' }, file: `${i.instance}.json` },
    } : {}),
    series,
  };
}
