import { VCLUSTER_DNS, VclusterEgressRule, VclusterIngressRule, VclusterNetworkPolicy, VclusterNetworkPort } from './vcluster-values';

/**
 * The NetworkPolicies of a vcluster's host namespace, rendered by synth instead of the chart (pure).
 *
 * The chart's `policies.networkPolicy` (chart/templates/networkpolicy.yaml @ v0.36.1) renders
 * vc-work, whose rules let every workload of the vcluster reach every other one on any port. Network
 * policies add up, so no per-app policy synced from inside the vcluster can take that back: an app's
 * default-deny and its declared `network.calls` would only hold against pods outside the vcluster.
 * Synth therefore turns the chart's policies off and renders the same policies itself, from the same
 * values keys (`policies.networkPolicy.*`: controlPlane/workload ingress and egress appended verbatim,
 * workload.publicEgress, labels, annotations), with one rule left out: workload <-> workload. Between
 * workloads, what holds is what the apps' own policies allow, translated by the syncer
 * (networkpolicies/translate.go) into selectors on pods of the vcluster.
 *
 * Also left out of the chart's rules: ingress/egress for the vCluster Platform (`app: loft` pods; we
 * do not run the platform) and vc-snapshot (we take no vcluster snapshots). See docs/architecture.md,
 * "vcluster semantics".
 */

/** Labels the chart and the syncer put on a vcluster's pods in its host namespace (@ v0.36.1). */
export const VCLUSTER_POD_LABELS = {
  /** Every synced workload pod (translate.MarkerLabel); its value is the vcluster's name. */
  marker: 'vcluster.loft.sh/managed-by',
  /** The control plane StatefulSet's pods (chart/templates/statefulset.yaml); its value is the release. */
  release: 'release',
} as const;

/** The host cluster's DNS, which the vcluster's control plane and CoreDNS forward to (as in the chart). */
const HOST_DNS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };

/** The vcluster API server's port in its pod (the Service maps 443 to it). */
export const VCLUSTER_API_PORT = 8443;

/** `policies.networkPolicy.workload.publicEgress.except` (chart/values.yaml L1224-1229 @ v0.36.1). */
export const CHART_PUBLIC_EGRESS_EXCEPT = ['100.64.0.0/10', '127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

/** One host-side NetworkPolicy, as plain data (the construct wraps it in a KubeNetworkPolicy). */
export interface HostNetworkPolicy {
  readonly name: string;
  /** What the pods are: the control plane, its CoreDNS, or every workload. */
  readonly role: 'control-plane' | 'coredns' | 'workloads';
  readonly podSelector: { readonly matchLabels: { readonly [label: string]: string } };
  readonly ingress: readonly VclusterIngressRule[];
  readonly egress: readonly VclusterEgressRule[];
}

/** True when the values ask for network policies (the chart's default is off). */
export const networkPolicyEnabled = (np: VclusterNetworkPolicy | undefined): boolean => np?.enabled === true;

/**
 * The policies for vcluster `release` from its `policies.networkPolicy` values (derived and
 * overridden), or none when they are off.
 */
export function vclusterHostNetworkPolicies(release: string, np: VclusterNetworkPolicy | undefined): HostNetworkPolicy[] {
  if (!np || !networkPolicyEnabled(np)) return [];
  const controlPlane = { podSelector: { matchLabels: { [VCLUSTER_POD_LABELS.release]: release } } };
  const workloads = { podSelector: { matchLabels: { [VCLUSTER_POD_LABELS.marker]: release } } };
  const coredns = { podSelector: { matchLabels: { ...VCLUSTER_DNS.podLabels, [VCLUSTER_POD_LABELS.marker]: release } } };
  const tcp = (...ports: number[]): VclusterNetworkPort[] => ports.map((port) => ({ protocol: 'TCP', port }));
  const dns: VclusterNetworkPort[] = [{ protocol: 'UDP', port: VCLUSTER_DNS.port }, { protocol: 'TCP', port: VCLUSTER_DNS.port }];
  const publicEgress = np.workload?.publicEgress;
  return [
    {
      name: `${release}-control-plane`,
      role: 'control-plane',
      ...controlPlane,
      ingress: [
        // The API server, from anywhere: Argo CD, kubectl, the exported kubeconfig's load balancer.
        { ports: tcp(VCLUSTER_API_PORT) },
        // Its peers (HA, etcd).
        { from: [controlPlane] },
        // Its workloads: the API (and DNS, when CoreDNS is embedded in the control plane).
        { from: [workloads], ports: [...dns, ...tcp(VCLUSTER_API_PORT)] },
        ...(np.controlPlane?.ingress ?? []),
      ],
      egress: [
        { to: [HOST_DNS] },
        // The host's API server (the syncer), on the ports API servers listen on.
        { ports: tcp(443, 8443, 6443) },
        { to: [controlPlane] },
        // Its workloads: the API server's proxy, exec and port-forward (services/proxy, pods/proxy).
        { to: [workloads] },
        ...(np.controlPlane?.egress ?? []),
      ],
    },
    {
      name: `${release}-coredns`,
      role: 'coredns',
      ...coredns,
      ingress: [{ from: [workloads], ports: dns }],
      egress: [{ to: [HOST_DNS] }, { to: [controlPlane], ports: tcp(VCLUSTER_API_PORT) }],
    },
    {
      name: `${release}-workloads`,
      role: 'workloads',
      ...workloads,
      ingress: [
        // The control plane (API server proxy to pods and services, e.g. kubeseal fetching its certificate).
        { from: [controlPlane] },
        ...(np.workload?.ingress ?? []),
      ],
      egress: [
        { to: [controlPlane], ports: [...dns, ...tcp(VCLUSTER_API_PORT)] },
        // The vcluster's CoreDNS (a workload of the vcluster, so the chart let it in with the workload <-> workload rule).
        { to: [coredns], ports: dns },
        ...(publicEgress?.enabled !== false
          ? [{ to: [{ ipBlock: { cidr: publicEgress?.cidr ?? '0.0.0.0/0', except: publicEgress?.except ?? CHART_PUBLIC_EGRESS_EXCEPT } }] }]
          : []),
        ...(np.workload?.egress ?? []),
      ],
    },
  ];
}

/** The chart's values with its own network policies off: synth renders them (see above). */
export function withoutChartNetworkPolicy<V extends { policies?: object }>(values: V): V {
  if (!values.policies || !('networkPolicy' in values.policies)) return values;
  return { ...values, policies: { ...values.policies, networkPolicy: { enabled: false } } };
}
