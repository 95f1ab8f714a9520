import { connectionSecretName, databaseNamespace } from './database-api';
import { MetricsServerEndpoint } from './metrics-server';
import { PlatformDefinition } from './platform';
import { parseCpu, parseMemory } from './quantity';
import { VclusterEgressRule, VclusterIngressRule, VclusterValues } from './vcluster-values';
import { VclusterWorkload } from './workload';

/**
 * The vcluster values derived from what the vcluster will run (docs/architecture.md, "vcluster
 * semantics"): the metrics API, the workload network policy, the quota and the limit range. Pure.
 *
 * The ResourceQuota and LimitRange the chart renders (chart/templates/resourcequota.yaml,
 * limitrange.yaml @ v0.36.1) live in the vcluster's HOST namespace, so they count the synced
 * workload pods and also the vcluster's own pods (its StatefulSet and the CoreDNS it deploys).
 */

/** Rolling updates surge by 25% (the Deployment default maxSurge), so the quota covers full scale x 1.25. */
export const WORKLOAD_HEADROOM = 1.25;

type Resources = { readonly cpu?: string; readonly memory?: string; readonly 'ephemeral-storage'?: string };

/**
 * The chart defaults (loft-sh/vcluster chart/values.yaml @ v0.36.1) of the pods the vcluster itself
 * runs in the host namespace: controlPlane.statefulSet.resources (L654-663, no CPU limit, so the
 * limit range's default applies) and highAvailability.replicas (L669-671);
 * controlPlane.coredns.deployment.replicas (L538) and .resources (no ephemeral-storage).
 */
export const VCLUSTER_OWN_PODS = {
  controlPlane: {
    replicas: 1,
    requests: { cpu: '200m', memory: '256Mi', 'ephemeral-storage': '1Gi' } as Resources,
    limits: { memory: '4Gi', 'ephemeral-storage': '10Gi' } as Resources,
  },
  coredns: {
    replicas: 1,
    requests: { cpu: '20m', memory: '64Mi' } as Resources,
    limits: { cpu: '1000m', memory: '170Mi' } as Resources,
  },
} as const;

/**
 * The limit range's per-container defaults. CPU and memory are the chart's (values.yaml L1184-1192);
 * the golden app sets CPU and memory itself but no ephemeral-storage (it writes only /tmp, an
 * emptyDir, and its logs), so ephemeral-storage comes from here for every app container: the chart's
 * 3Gi request / 8Gi limit per container exhausted the quota's 60Gi / 160Gi at 20 pods.
 */
export const CONTAINER_DEFAULTS: { readonly request: Resources; readonly limit: Resources } = {
  request: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
  limit: { cpu: '1', memory: '512Mi', 'ephemeral-storage': '2Gi' },
};

/** The parts of the vcluster values derived from its workload (merged under the env's overrides). */
export function deriveVclusterValues(
  w: VclusterWorkload,
  platform: Pick<PlatformDefinition, 'ingressControllerNamespace' | 'monitoringNamespace'>,
  overrides: VclusterValues = {},
  hostMetrics?: MetricsServerEndpoint,
  cluster?: string,
): VclusterValues {
  // The metrics API proxies to the host's metrics-server: name it, and let the control plane reach its pods.
  const metrics = w.autoscaling ? hostMetrics : undefined;
  return {
    ...(cluster && w.databases.length > 0 ? { sync: { fromHost: { secrets: databaseSecretsFromHost(cluster, w.databases) } } } : {}),
    integrations: { metricsServer: { enabled: w.autoscaling, ...(metrics ? { apiService: { service: { ...metrics.service } } } : {}) } },
    policies: {
      resourceQuota: { enabled: true, quota: vclusterQuota(w, overrides) },
      limitRange: { enabled: true, default: { ...CONTAINER_DEFAULTS.limit }, defaultRequest: { ...CONTAINER_DEFAULTS.request } },
      networkPolicy: {
        enabled: true,
        ...(metrics ? { controlPlane: { egress: [metricsServerEgress(metrics)] } } : {}),
        workload: {
          // Public egress is left to each app's own NetworkPolicy (HTTPS only, when it asks for it).
          publicEgress: { enabled: false },
          ...workloadIngress(w, platform),
        },
      },
    },
  };
}

/**
 * The apps' database connection Secrets, copied from the claims' namespace on the host into each app's
 * namespace (vcluster v0.36.1 pkg/syncer/translator/from_config_translator.go: an exact
 * `<hostNs>/<name>` key; the chart then grants `get` on exactly those names). The copy follows the host
 * Secret (pkg/controllers/resources/secrets/from_host_syncer.go), so a rotated password arrives.
 */
export function databaseSecretsFromHost(cluster: string, apps: readonly string[]) {
  const byName: { [host: string]: string } = {};
  for (const app of apps) byName[`${databaseNamespace(cluster)}/${connectionSecretName(app)}`] = `${app}/${connectionSecretName(app)}`;
  return { enabled: true, mappings: { byName } };
}

/** The vcluster control plane -> the host's metrics-server pods (the integration dials the Service directly). */
function metricsServerEgress(m: MetricsServerEndpoint): VclusterEgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': m.pods.namespace } }, podSelector: { matchLabels: { ...m.pods.labels } } }],
    ports: [{ protocol: 'TCP', port: m.pods.port }],
  };
}

/** Host ingress controller -> exposed apps' ports; host Prometheus -> scraped apps' metrics ports. */
function workloadIngress(w: VclusterWorkload, platform: Pick<PlatformDefinition, 'ingressControllerNamespace' | 'monitoringNamespace'>): { ingress?: VclusterIngressRule[] } {
  const rule = (namespace: string, ports: readonly number[]): VclusterIngressRule => ({
    from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } }],
    ports: ports.map((port) => ({ protocol: 'TCP', port })),
  });
  const ingress = [
    ...(w.ingressPorts.length > 0 ? [rule(platform.ingressControllerNamespace, w.ingressPorts)] : []),
    ...(w.metricsPorts.length > 0 ? [rule(platform.monitoringNamespace, w.metricsPorts)] : []),
  ];
  return ingress.length > 0 ? { ingress } : {};
}

/**
 * The host-namespace quota: workload pods at full scale plus headroom, plus the vcluster's own pods
 * (replicas and resources from the env's overrides when set, else the chart's). CPU and memory
 * requests are capped like limits (requests never exceed limits).
 */
export function vclusterQuota(w: VclusterWorkload, overrides: VclusterValues = {}): { [resource: string]: string } {
  const sts = overrides.controlPlane?.statefulSet;
  const own = VCLUSTER_OWN_PODS;
  const cp = {
    replicas: sts?.highAvailability?.replicas ?? own.controlPlane.replicas,
    requests: { ...own.controlPlane.requests, ...sts?.resources?.requests } as Resources,
    limits: { ...own.controlPlane.limits, ...sts?.resources?.limits } as Resources,
  };
  // A container's amount of a resource: its own, else the limit range's default.
  const amount = (r: Resources, key: keyof Resources, kind: 'requests' | 'limits') =>
    r[key] ?? (kind === 'limits' ? CONTAINER_DEFAULTS.limit : CONTAINER_DEFAULTS.request)[key]!;
  const workloadPods = Math.ceil(w.maxPods * WORKLOAD_HEADROOM);
  const workloadContainers = Math.ceil(w.maxContainers * WORKLOAD_HEADROOM);
  const cpuMillis = Math.ceil(w.limits.cpuMillis * WORKLOAD_HEADROOM)
    + cp.replicas * cpu(amount(cp.limits, 'cpu', 'limits'))
    + own.coredns.replicas * cpu(amount(own.coredns.limits, 'cpu', 'limits'));
  const memoryBytes = Math.ceil(w.limits.memoryBytes * WORKLOAD_HEADROOM)
    + cp.replicas * bytes(amount(cp.limits, 'memory', 'limits'))
    + own.coredns.replicas * bytes(amount(own.coredns.limits, 'memory', 'limits'));
  // App containers set no ephemeral-storage: the limit range's default is theirs.
  const ephemeral = (kind: 'requests' | 'limits') => workloadContainers * bytes(amount({}, 'ephemeral-storage', kind))
    + cp.replicas * bytes(amount(cp[kind], 'ephemeral-storage', kind))
    + own.coredns.replicas * bytes(amount(own.coredns[kind], 'ephemeral-storage', kind));
  return {
    'count/pods': String(workloadPods + cp.replicas + own.coredns.replicas),
    'requests.cpu': formatCpu(cpuMillis),
    'limits.cpu': formatCpu(cpuMillis),
    'requests.memory': formatBytes(memoryBytes),
    'limits.memory': formatBytes(memoryBytes),
    'requests.ephemeral-storage': formatBytes(ephemeral('requests')),
    'limits.ephemeral-storage': formatBytes(ephemeral('limits')),
    // The claims: the chart's 20 claims / 100Gi unless the workload needs more (claims are not surged by a rollout,
    // but a StatefulSet scaled up by hand is: the same headroom). The vcluster's own StatefulSet claim comes on top.
    ...(w.claims.count > 0 ? claimsQuota(w.claims) : {}),
  };
}

/** The chart's claim quota (chart/values.yaml L1154-1169 @ v0.36.1), raised to the workload's claims plus headroom. */
const CHART_CLAIMS = { count: 20, storageBytes: 100 * 2 ** 30 } as const;
/** The vcluster's own persistence (controlPlane.statefulSet.persistence.volumeClaim: 5Gi by default @ v0.36.1). */
const OWN_CLAIM_BYTES = 5 * 2 ** 30;

function claimsQuota(c: { count: number; storageBytes: number }): { [resource: string]: string } {
  const count = Math.max(CHART_CLAIMS.count, Math.ceil(c.count * WORKLOAD_HEADROOM) + 1);
  const storage = Math.max(CHART_CLAIMS.storageBytes, Math.ceil(c.storageBytes * WORKLOAD_HEADROOM) + OWN_CLAIM_BYTES);
  return { 'count/persistentvolumeclaims': String(count), 'requests.storage': formatBytes(storage) };
}

function cpu(q: string): number {
  const m = parseCpu(q);
  if (m === undefined) throw new Error(`vcluster sizing: "${q}" is not a CPU quantity`);
  return m;
}

function bytes(q: string): number {
  const b = parseMemory(q);
  if (b === undefined) throw new Error(`vcluster sizing: "${q}" is not a byte quantity`);
  return b;
}

/** Millicores as a quantity: whole cores when exact ("12"), else millicores ("12500m"). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes as a quantity, rounded up to Mi: "Gi" when exact ("40Gi"), else "Mi" ("1234Mi"). */
export function formatBytes(b: number): string {
  const mi = Math.ceil(b / 2 ** 20);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}
