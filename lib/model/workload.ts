import { AppInstance } from './instance';
import { parseCpu, parseMemory } from './quantity';
import { workloadPods } from './workloads';

/**
 * What one vcluster (one env/region) will run, summed over its resolved instances: the input from
 * which its vcluster values are derived (metrics API, network policy, quota and limit range). Pure.
 */
export interface VclusterWorkload {
  /** Whether any instance has a HorizontalPodAutoscaler (so the vcluster needs a metrics API). */
  readonly autoscaling: boolean;
  /** Pods at full scale: the sum over instances of max(replicas, autoscaling.maxReplicas), plus their other workloads' pods. */
  readonly maxPods: number;
  /** Containers at full scale (the golden app runs one container per pod). */
  readonly maxContainers: number;
  /** The sum of the containers' limits at full scale. */
  readonly limits: { readonly cpuMillis: number; readonly memoryBytes: number };
  /** Container ports of the exposed apps, by Ingress or HTTPRoute (the host's ingress controller must reach them), sorted. */
  readonly ingressPorts: readonly number[];
  /** Metrics ports of the scraped apps (the host's Prometheus must reach them), sorted. */
  readonly metricsPorts: readonly number[];
  /** PersistentVolumeClaims at full scale: the apps' claims and each stateful workload's per replica, and their storage. */
  readonly claims: { readonly count: number; readonly storageBytes: number };
  /** The apps with a database (their connection Secrets are synced in from the host), sorted. */
  readonly databases: readonly string[];
}

/** Containers per golden-app pod (lib/constructs/golden-app.ts: one container, no init containers). */
const CONTAINERS_PER_POD = 1;

/** Pods one instance runs at full scale. */
export function maxPodsOf(i: AppInstance): number {
  return Math.max(i.replicas, i.autoscaling?.maxReplicas ?? 0);
}

/** Sums what the given instances (those of one env/region) run at full scale. */
export function summarizeWorkload(instances: readonly AppInstance[]): VclusterWorkload {
  let maxPods = 0;
  let cpuMillis = 0;
  let memoryBytes = 0;
  const ingressPorts = new Set<number>();
  const metricsPorts = new Set<number>();
  for (const i of instances) {
    const pods = maxPodsOf(i);
    maxPods += pods;
    // resolve() has validated the quantities (CPU_ALLOWED / MEMORY_ALLOWED), so they parse.
    cpuMillis += pods * (parseCpu(i.resources.limits.cpu) ?? 0);
    memoryBytes += pods * (parseMemory(i.resources.limits.memory) ?? 0);
    // Its other workloads: a worker's or stateful set's replicas, one run of a job (two where cron runs may overlap).
    for (const w of i.workloads) {
      const n = workloadPods(w);
      maxPods += n;
      cpuMillis += n * (parseCpu(w.resources.limits.cpu) ?? 0);
      memoryBytes += n * (parseMemory(w.resources.limits.memory) ?? 0);
    }
    // Traefik sends both Ingress and HTTPRoute traffic to the pods' IPs and container port (Gateway
    // provider: the Service's EndpointSlices unless nativeLB, pkg/provider/kubernetes/gateway/kubernetes.go
    // getBackendAddresses @ v3.7.9), from its pods in the ingress controller's namespace.
    if (i.ingress || i.route) ingressPorts.add(i.port);
    if (i.metrics) metricsPorts.add(i.metrics.port);
  }
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return {
    autoscaling: instances.some((i) => i.autoscaling !== undefined || i.workloads.some((w) => w.kind === 'worker' && w.autoscaling)),
    maxPods,
    maxContainers: maxPods * CONTAINERS_PER_POD,
    limits: { cpuMillis, memoryBytes },
    ingressPorts: sorted(ingressPorts),
    metricsPorts: sorted(metricsPorts),
    claims: claimsOf(instances),
    databases: instances.filter((i) => i.database).map((i) => i.app).sort(),
  };
}

/** The claims the instances make: each app `pvc` volume once, each stateful workload's volumes once per replica. */
function claimsOf(instances: readonly AppInstance[]): { count: number; storageBytes: number } {
  let count = 0;
  let storageBytes = 0;
  for (const i of instances) {
    for (const v of i.volumes) {
      if (v.kind !== 'pvc') continue;
      count += 1;
      storageBytes += parseMemory(v.size) ?? 0;
    }
    for (const w of i.workloads) {
      if (w.kind !== 'stateful') continue;
      for (const v of Object.values(w.volumes)) {
        count += w.replicas ?? 1;
        storageBytes += (w.replicas ?? 1) * (parseMemory(v.size) ?? 0);
      }
    }
  }
  return { count, storageBytes };
}
