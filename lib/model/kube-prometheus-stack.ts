import { AddonDeployment } from './addons';
import { KubePrometheusStackValues } from './chart-values';
import { LabelSelector, selectorMatches } from './selectors';
import { PlatformCluster } from './clusters';

/**
 * What the kube-prometheus-stack add-on on a host watches, from its values as the chart renders them (pure; we do
 * not render charts). Read at prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3:
 *
 * - charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml: `serviceMonitorSelector` is the value when
 *   set (non-empty), else `matchLabels: { release: <release> }` when `serviceMonitorSelectorNilUsesHelmValues`
 *   (default true), else `{}` (every ServiceMonitor); `serviceMonitorNamespaceSelector` is the value, else `{}`
 *   (every namespace). The same for podMonitor*, and for rule* (ruleSelector, ruleSelectorNilUsesHelmValues,
 *   ruleNamespaceSelector). The Prometheus object exists when `prometheus.enabled` (default true).
 * - templates/prometheus/clusterrole.yaml: Prometheus may get/list/watch services, endpoints, endpointslices and pods
 *   cluster-wide, so the monitors' targets in any namespace are reachable for discovery.
 * - templates/prometheus-operator/deployment.yaml: `--deny-namespaces` from `prometheusOperator.denyNamespaces`,
 *   `--namespaces` from `prometheusOperator.namespaces` (releaseNamespace, additional): the operator reads monitors
 *   and rules only there (defaults: none, every namespace).
 * - Grafana (subchart grafana 12.11.1, grafana-community/helm-charts; values in kube-prometheus-stack's values.yaml
 *   `grafana.sidecar.dashboards`: `label: grafana_dashboard`, `labelValue: "1"`, `searchNamespace: ALL`): the
 *   dashboards sidecar (charts/grafana/templates/_pod.tpl: LABEL, LABEL_VALUE, NAMESPACE) loads every ConfigMap
 *   with that label and value in those namespaces (ALL: every namespace; the chart's ClusterRole lets it read
 *   configmaps cluster-wide, templates/clusterrole.yaml with `rbac.namespaced: false`, the default). Unset, the
 *   sidecar watches Grafana's own namespace only.
 * - kube-state-metrics (subchart 8.4.0, app v2.20.0; `kubeStateMetrics.enabled`, default true):
 *   `metricLabelsAllowlist` (default []) is passed as `--metric-labels-allowlist`; without it `kube_pod_labels` and
 *   `kube_poddisruptionbudget_labels` carry only namespace and name (internal/store/pod.go, poddisruptionbudget.go).
 */

/** The chart this module reads the values of. */
export const KUBE_PROMETHEUS_STACK_CHART = 'kube-prometheus-stack';

/** The monitoring.coreos.com kinds a Prometheus of the chart selects. */
export type MonitorKind = 'ServiceMonitor' | 'PodMonitor' | 'PrometheusRule';
const MONITOR_KINDS: readonly MonitorKind[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
/** Their API group. */
export const MONITORING_GROUP = 'monitoring.coreos.com';

/** Which objects of a kind the Prometheus reads: by their labels and their namespace's labels. */
export interface Selection {
  readonly selector: LabelSelector;
  readonly namespaceSelector: LabelSelector;
}

/** The kube-prometheus-stack on a host, as far as our monitors, rules and dashboards depend on it. */
export interface HostPrometheus {
  /** The add-on's name in envs/addons.ts (for errors). */
  readonly addon: string;
  /** The add-on's release namespace (Prometheus, the operator, Grafana). */
  readonly namespace: string;
  /** The monitoring.coreos.com kinds of {@link MonitorKind} the add-on declares it serves (envs/addons.ts `serves`). */
  readonly serves: readonly MonitorKind[];
  /** Per kind, what the Prometheus selects; undefined when the chart runs no Prometheus (`prometheus.enabled: false`). */
  readonly selects?: { readonly [K in MonitorKind]: Selection };
  /** Namespaces the operator reads (undefined: every one), and those it ignores. */
  readonly operatorNamespaces: { readonly only?: readonly string[]; readonly deny: readonly string[] };
  /** Grafana's dashboards sidecar, when Grafana and the sidecar run. `labelValue` undefined: any value. `namespaces` 'ALL' or a list. */
  readonly dashboards?: { readonly label: string; readonly labelValue?: string; readonly namespaces: 'ALL' | readonly string[] };
  /** kube-state-metrics, when it runs: the Kubernetes label keys it copies into `kube_<resource>_labels`, per resource ('*': all). */
  readonly kubeStateMetrics?: { readonly labels: { readonly [resource: string]: readonly string[] } };
}

/** The chart's defaults for the keys read here (values.yaml at 88.5.3, see above). */
const DEFAULTS = { dashboardLabel: 'grafana_dashboard', dashboardLabelValue: '1', searchNamespace: 'ALL' } as const;

const nonEmpty = (s: LabelSelector | undefined): s is LabelSelector =>
  s !== undefined && s !== null && (Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0);

/**
 * The kube-prometheus-stack add-on deployed on `host`, read from its values; undefined when there is none (another
 * chart serving monitoring.coreos.com is not modelled: its selection is unknown here).
 */
export function hostPrometheus(addons: readonly AddonDeployment[], host: PlatformCluster): HostPrometheus | undefined {
  const d = addons.find((a) => a.cluster.name === host.name && a.addon.chart === KUBE_PROMETHEUS_STACK_CHART);
  if (!d) return undefined;
  const v = d.values as KubePrometheusStackValues;
  const release = d.addon.releaseName;
  const namespace = v.namespaceOverride || d.addon.namespace;
  const spec = v.prometheus?.prometheusSpec ?? {};
  const helmSelector = (value: LabelSelector | undefined, nilUsesHelmValues: boolean | undefined): LabelSelector =>
    nonEmpty(value) ? value : nilUsesHelmValues ?? true ? { matchLabels: { release } } : {};
  const selects = v.prometheus?.enabled === false ? undefined : {
    ServiceMonitor: { selector: helmSelector(spec.serviceMonitorSelector, spec.serviceMonitorSelectorNilUsesHelmValues), namespaceSelector: spec.serviceMonitorNamespaceSelector ?? {} },
    PodMonitor: { selector: helmSelector(spec.podMonitorSelector, spec.podMonitorSelectorNilUsesHelmValues), namespaceSelector: spec.podMonitorNamespaceSelector ?? {} },
    PrometheusRule: { selector: helmSelector(spec.ruleSelector, spec.ruleSelectorNilUsesHelmValues), namespaceSelector: spec.ruleNamespaceSelector ?? {} },
  };
  const ns = v.prometheusOperator?.namespaces;
  const only = ns && (ns.releaseNamespace || (ns.additional ?? []).length > 0) ? [...(ns.releaseNamespace ? [namespace] : []), ...(ns.additional ?? [])] : undefined;
  const sidecar = v.grafana?.sidecar?.dashboards;
  const search = sidecar?.searchNamespace === undefined ? DEFAULTS.searchNamespace : sidecar.searchNamespace;
  const dashboards = v.grafana?.enabled === false || sidecar?.enabled === false ? undefined : {
    label: sidecar?.label ?? DEFAULTS.dashboardLabel,
    ...((sidecar?.labelValue ?? DEFAULTS.dashboardLabelValue) ? { labelValue: sidecar?.labelValue ?? DEFAULTS.dashboardLabelValue } : {}),
    namespaces: search === null ? [v.grafana?.namespaceOverride || d.addon.namespace] : search === 'ALL' || (Array.isArray(search) && search.includes('ALL')) ? 'ALL' as const : typeof search === 'string' ? search.split(',') : search,
  };
  return {
    addon: d.addon.name,
    namespace,
    serves: MONITOR_KINDS.filter((k) => (d.addon.serves.kinds[MONITORING_GROUP] ?? []).includes(k)),
    ...(selects ? { selects } : {}),
    operatorNamespaces: { ...(only ? { only } : {}), deny: v.prometheusOperator?.denyNamespaces ?? [] },
    ...(dashboards ? { dashboards } : {}),
    ...(v.kubeStateMetrics?.enabled === false ? {} : { kubeStateMetrics: { labels: parseLabelsAllowlist(v['kube-state-metrics']?.metricLabelsAllowlist ?? []) } }),
  };
}

/** `--metric-labels-allowlist` entries (`pods=[a,b]`, kube-state-metrics' syntax) as resource -> label keys. */
export function parseLabelsAllowlist(entries: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries.join(',').matchAll(/([a-z0-9.*]+)=\[([^\]]*)\]/g)) out[e[1]] = [...(out[e[1]] ?? []), ...e[2].split(',').map((s) => s.trim()).filter(Boolean)];
  return out;
}

/** Whether kube-state-metrics copies label `key` of `resource` (plural, e.g. `pods`) into its `_labels` metric. */
export function exportsLabel(hp: HostPrometheus, resource: string, key: string): boolean {
  const keys = [...(hp.kubeStateMetrics?.labels[resource] ?? []), ...(hp.kubeStateMetrics?.labels['*'] ?? [])];
  return keys.includes('*') || keys.includes(key);
}


/**
 * Why the host's Prometheus does not read a `kind` object with `labels` in `namespace` (whose labels are
 * `namespaceLabels`), or undefined when it does.
 */
export function whyNotSelected(hp: HostPrometheus, kind: MonitorKind, namespace: string, namespaceLabels: { readonly [key: string]: string }, labels: { readonly [key: string]: string }): string | undefined {
  if (!hp.selects) return `${hp.addon} runs no Prometheus (prometheus.enabled is false)`;
  const { only, deny } = hp.operatorNamespaces;
  if (only && !only.includes(namespace)) return `${hp.addon}'s operator reads only namespaces ${only.join(', ')} (prometheusOperator.namespaces)`;
  if (deny.includes(namespace)) return `${hp.addon}'s operator ignores namespace ${namespace} (prometheusOperator.denyNamespaces)`;
  const s = hp.selects[kind];
  const key = kind === 'PrometheusRule' ? 'rule' : kind === 'ServiceMonitor' ? 'serviceMonitor' : 'podMonitor';
  if (!selectorMatches(s.namespaceSelector, { ...namespaceLabels, 'kubernetes.io/metadata.name': namespace })) {
    return `${hp.addon}'s Prometheus reads ${kind}s in namespaces matching ${JSON.stringify(s.namespaceSelector)} (prometheus.prometheusSpec.${key}NamespaceSelector), not ${namespace}`;
  }
  if (!selectorMatches(s.selector, labels)) {
    return `${hp.addon}'s Prometheus reads ${kind}s matching ${JSON.stringify(s.selector)} (prometheus.prometheusSpec.${key}Selector, ${key}SelectorNilUsesHelmValues)`;
  }
  return undefined;
}

/** Why Grafana's dashboards sidecar does not load a ConfigMap with `labels` in `namespace`, or undefined when it does. */
export function whyDashboardNotLoaded(hp: HostPrometheus, namespace: string, labels: { readonly [key: string]: string }): string | undefined {
  const d = hp.dashboards;
  if (!d) return `${hp.addon} runs no Grafana dashboards sidecar (grafana.enabled or grafana.sidecar.dashboards.enabled is false)`;
  if (d.namespaces !== 'ALL' && !d.namespaces.includes(namespace)) return `${hp.addon}'s Grafana sidecar searches namespaces ${d.namespaces.join(', ')} (grafana.sidecar.dashboards.searchNamespace), not ${namespace}`;
  const value = labels[d.label];
  if (value === undefined || (d.labelValue !== undefined && value !== d.labelValue)) {
    return `${hp.addon}'s Grafana sidecar loads ConfigMaps labelled ${d.label}${d.labelValue !== undefined ? `: "${d.labelValue}"` : ''} (grafana.sidecar.dashboards.label, labelValue)`;
  }
  return undefined;
}
