import { AddonDeployment } from './addons';
import { PlatformCluster } from './clusters';

/**
 * Where a host's metrics-server answers, as a vcluster's `integrations.metricsServer` reaches it
 * (loft-sh/vcluster @ v0.36.1, pkg/integrations/metricsserver/metricsserver.go and
 * pkg/apiservice/generic.go `StartAPIServiceProxy`): the vcluster's control plane pod connects
 * straight to `https://<service>.<namespace>:<port>`, not through the host's API server. A
 * NetworkPolicy sees that connection after the Service's DNAT, so the control plane's egress must
 * allow the metrics-server pods on their container port. Pure.
 */
export interface MetricsServerEndpoint {
  /** The Service the integration dials (`integrations.metricsServer.apiService.service`). */
  readonly service: { readonly name: string; readonly namespace: string; readonly port: number };
  /** The pods behind it, as a NetworkPolicy peer selects them, and the port they listen on. */
  readonly pods: { readonly namespace: string; readonly labels: { readonly [label: string]: string }; readonly port: number };
}

/** The metrics-server chart (kubernetes-sigs/metrics-server, chart 3.13.1) this module knows the layout of. */
export const METRICS_SERVER_CHART = 'metrics-server';

/**
 * The chart's defaults (metrics-server@metrics-server-helm-chart-3.13.1: charts/metrics-server/values.yaml
 * `containerPort: 10250` (L68), `service.port: 443` (L121-123); templates/_helpers.tpl
 * `metrics-server.selectorLabels` = app.kubernetes.io/name (the chart name, or nameOverride) and
 * app.kubernetes.io/instance (the release), L51-54; the Service is named by the fullname rule).
 */
const CHART_DEFAULTS = { containerPort: 10250, servicePort: 443 } as const;

/**
 * The metrics-server the catalogue installs on `host`: the add-on deployed there that serves
 * metrics.k8s.io with the metrics-server chart. Undefined when there is none (the placement check
 * `cluster/metrics-api` reports an HPA there) or when another chart serves the API (its pods' labels
 * and port are not known here; the integration then keeps its defaults and the control plane no egress).
 */
export function hostMetricsServer(addons: readonly AddonDeployment[], host: PlatformCluster): MetricsServerEndpoint | undefined {
  const d = addons.find((a) => a.cluster.name === host.name && a.addon.chart === METRICS_SERVER_CHART && a.addon.serves.apis.includes('metrics.k8s.io'));
  if (!d) return undefined;
  const v = d.values as { fullnameOverride?: string; nameOverride?: string; containerPort?: number; service?: { port?: number } };
  const release = d.addon.releaseName;
  const name = v.nameOverride ?? METRICS_SERVER_CHART;
  // Helm's fullname rule (_helpers.tpl `metrics-server.fullname`).
  const fullname = v.fullnameOverride ?? (release.includes(name) ? release : `${release}-${name}`);
  const namespace = d.addon.namespace;
  return {
    service: { name: fullname, namespace, port: v.service?.port ?? CHART_DEFAULTS.servicePort },
    pods: {
      namespace,
      labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': release },
      port: v.containerPort ?? CHART_DEFAULTS.containerPort,
    },
  };
}
