import { IN_CLUSTER, PlatformCluster } from '../../../model/clusters';
import { hostPrometheus, MONITORING_GROUP, MonitorKind, whyDashboardNotLoaded, whyNotSelected } from '../../../model/kube-prometheus-stack';
import { ARGOCD_DIR } from '../../../model/layout';
import { defineRule, ManifestObject, PlacementContext, PolicyContext, Rule } from '../../engine';
import { describeCluster, placeOf } from './where';

/*
 * `cluster/prometheus-selects`: a ServiceMonitor, PodMonitor or PrometheusRule, and a Grafana dashboard ConfigMap, is
 * read only if the monitoring stack of the cluster it is applied to selects it. The stack is the kube-prometheus-stack
 * add-on there, whose selection follows from its values as the chart renders them (lib/model/kube-prometheus-stack.ts,
 * read at the chart's tag 88.5.3): otherwise the object is applied, Argo CD shows it Synced and Healthy, and nothing
 * ever scrapes, alerts or shows a panel.
 */

const KINDS: readonly MonitorKind[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
/** The label Grafana's sidecar looks for by default (kube-prometheus-stack 88.5.3 values.yaml `grafana.sidecar.dashboards.label`). */
const DEFAULT_DASHBOARD_LABEL = 'grafana_dashboard';

type Labels = { readonly [key: string]: string };

/** Which cluster an Application's destination names (the hub by its in-cluster URL, the others by name). */
function destinationCluster(p: PlacementContext, d: { server?: unknown; name?: unknown } | undefined): string | undefined {
  if (!d) return undefined;
  if (d.server === IN_CLUSTER) return p.clusters.hub.name;
  return typeof d.name === 'string' ? d.name : undefined;
}

/**
 * The labels each namespace has on each cluster, as far as the set says: a Namespace object of the set placed there,
 * and the `managedNamespaceMetadata` of an Application (argocd/) creating it there. Indexed once per object set (every
 * monitor asks), keyed `<cluster>\0<namespace>`.
 */
const namespaceIndex = new WeakMap<readonly ManifestObject[], WeakMap<PlacementContext, Map<string, Record<string, string>>>>();

function namespaceLabelsIndex(ctx: PolicyContext, p: PlacementContext): Map<string, Record<string, string>> {
  const hit = namespaceIndex.get(ctx.objects)?.get(p);
  if (hit) return hit;
  const out = new Map<string, Record<string, string>>();
  const add = (cluster: string, ns: string, labels: Labels | undefined) => out.set(`${cluster}\0${ns}`, { ...out.get(`${cluster}\0${ns}`), ...labels });
  for (const o of ctx.objects) {
    if (o.object.kind === 'Namespace' && typeof o.object.metadata?.name === 'string') {
      const cluster = placeOf(p, o.file);
      if (cluster) add(cluster.name, o.object.metadata.name, o.object.metadata?.labels);
    }
    if (o.object.kind !== 'Application' || !o.file.startsWith(`${ARGOCD_DIR}/`)) continue;
    const spec = o.object.spec as { destination?: { server?: unknown; name?: unknown; namespace?: unknown }; syncPolicy?: { managedNamespaceMetadata?: { labels?: Labels } } } | undefined;
    const cluster = spec?.destination && destinationCluster(p, spec.destination);
    if (cluster && typeof spec?.destination?.namespace === 'string') add(cluster, spec.destination.namespace, spec.syncPolicy?.managedNamespaceMetadata?.labels);
  }
  const byPlacement = namespaceIndex.get(ctx.objects) ?? new WeakMap<PlacementContext, Map<string, Record<string, string>>>();
  byPlacement.set(p, out);
  namespaceIndex.set(ctx.objects, byPlacement);
  return out;
}

/** The labels namespace `ns` has on `cluster`, as far as the set says, and `kubernetes.io/metadata.name`. */
function namespaceLabels(ctx: PolicyContext, p: PlacementContext, cluster: PlatformCluster, ns: string): Labels {
  return { ...namespaceLabelsIndex(ctx, p).get(`${cluster.name}\0${ns}`), 'kubernetes.io/metadata.name': ns };
}

const isMonitoringKind = (m: ManifestObject): MonitorKind | undefined =>
  typeof m.object.apiVersion === 'string' && m.object.apiVersion.startsWith(`${MONITORING_GROUP}/`) ? KINDS.find((k) => k === m.object.kind) : undefined;

export const prometheusSelects: Rule = defineRule({
  id: 'cluster/prometheus-selects',
  severity: 'error',
  reason: 'a monitor, alert rule or Grafana dashboard must be selected by the monitoring stack of its cluster',
  optOut: false,
  explain:
    'Each file is placed where it is applied (vcluster-host/<env>-<region>/ on that vcluster\'s host, argocd/** on the hub). There, a ' +
    'ServiceMonitor, PodMonitor or PrometheusRule (monitoring.coreos.com) is read only when the kube-prometheus-stack add-on of that ' +
    'cluster selects it: its Prometheus\'s <kind>Selector and <kind>NamespaceSelector as the chart 88.5.3 renders them from the ' +
    'values in envs/addons.ts (a selector set in the values; else `release: <release>` when *SelectorNilUsesHelmValues is true, the ' +
    'default; else every object), the namespaces its operator reads (prometheusOperator.namespaces, denyNamespaces), and a ' +
    'Prometheus at all (prometheus.enabled). A ConfigMap carrying the Grafana dashboards label (grafana_dashboard, or the label the ' +
    'values set) is loaded only when Grafana\'s sidecar runs and its label value and searchNamespace match. Otherwise the object is ' +
    'applied and reported Healthy, and nothing scrapes, alerts or shows it. Namespace labels are those the set gives the namespace (a ' +
    'Namespace object, an Application\'s managedNamespaceMetadata). Clusters without kube-prometheus-stack, and other monitoring ' +
    'charts, are not checked (their selection is not modelled); a monitor in a vcluster is cluster/served-kinds\' finding. Fix: give ' +
    'the object the labels the stack selects, or change the selectors in envs/addons.ts. Runs in synth and in npm run validate of a ' +
    'directory with the dist/ layout (with the platform\'s envs and envs/addons.ts); skipped for other input.',
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    return ctx.objects.flatMap((m) => {
      const cluster = placeOf(p, m.file);
      if (!cluster || cluster.kind === 'vcluster') return [];
      const kind = isMonitoringKind(m);
      const isConfigMap = m.object.kind === 'ConfigMap' && m.object.apiVersion === 'v1';
      if (!kind && !isConfigMap) return [];
      const hp = hostPrometheus(p.addons, cluster);
      if (!hp) return [];
      const ns = m.object.metadata?.namespace ?? 'default';
      const labels = m.object.metadata?.labels ?? {};
      if (kind) {
        const why = whyNotSelected(hp, kind, ns, namespaceLabels(ctx, p, cluster, ns), labels);
        return why ? [report(m, 'metadata.labels', `${describeCluster(cluster)} never reads this ${kind}: ${why}`)] : [];
      }
      const dashboardLabel = hp.dashboards?.label ?? DEFAULT_DASHBOARD_LABEL;
      if (!(dashboardLabel in labels) && !(DEFAULT_DASHBOARD_LABEL in labels)) return [];
      const why = whyDashboardNotLoaded(hp, ns, labels);
      return why ? [report(m, 'metadata.labels', `${describeCluster(cluster)}'s Grafana never loads this dashboard: ${why}`)] : [];
    });
  },
});
