/**
 * The part of the vcluster chart's values (v0.36, the 0.20+ format) that environments set. The
 * synthesized `valuesObject` is validated against the chart's own values.schema.json, which rejects
 * unknown keys; these types catch the same mistakes at compile time.
 */
export interface VclusterEnableSwitch {
  readonly enabled?: boolean;
}

export type VclusterSyncToHostKind =
  | 'pods' | 'secrets' | 'configMaps' | 'ingresses' | 'services' | 'endpoints' | 'endpointSlices' | 'networkPolicies'
  | 'persistentVolumeClaims' | 'persistentVolumes' | 'storageClasses' | 'serviceAccounts' | 'podDisruptionBudgets'
  | 'priorityClasses' | 'namespaces';

export type VclusterSyncFromHostKind =
  | 'nodes' | 'events' | 'ingressClasses' | 'runtimeClasses' | 'priorityClasses' | 'storageClasses' | 'csiNodes'
  | 'csiDrivers' | 'csiStorageCapacities';

/** A NetworkPolicy peer, as the chart appends it verbatim to its host-side policies (networking.k8s.io/v1). */
export interface VclusterNetworkPeer {
  readonly namespaceSelector?: { readonly matchLabels?: { readonly [label: string]: string } };
  readonly podSelector?: { readonly matchLabels?: { readonly [label: string]: string } };
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

export interface VclusterNetworkPort {
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly port?: number | string;
}

export interface VclusterIngressRule {
  readonly from?: readonly VclusterNetworkPeer[];
  readonly ports?: readonly VclusterNetworkPort[];
}

export interface VclusterEgressRule {
  readonly to?: readonly VclusterNetworkPeer[];
  readonly ports?: readonly VclusterNetworkPort[];
}

/** `policies.networkPolicy` (chart/values.yaml L1199-1233 @ v0.36.1; see docs/architecture.md "vcluster semantics"). */
export interface VclusterNetworkPolicy extends VclusterEnableSwitch {
  readonly fallbackDns?: string;
  readonly controlPlane?: { readonly ingress?: readonly VclusterIngressRule[]; readonly egress?: readonly VclusterEgressRule[] };
  readonly workload?: {
    readonly publicEgress?: VclusterEnableSwitch & { readonly cidr?: string; readonly except?: readonly string[] };
    readonly ingress?: readonly VclusterIngressRule[];
    readonly egress?: readonly VclusterEgressRule[];
  };
}

export interface VclusterValues {
  readonly controlPlane?: {
    readonly distro?: { readonly k8s?: VclusterEnableSwitch & { readonly version?: string } };
    readonly proxy?: { readonly extraSANs?: readonly string[] };
    readonly statefulSet?: {
      readonly resources?: {
        readonly requests?: { readonly [resource: string]: string };
        readonly limits?: { readonly [resource: string]: string };
      };
      readonly highAvailability?: { readonly replicas?: number };
    };
    readonly backingStore?: {
      readonly etcd?: { readonly embedded?: VclusterEnableSwitch; readonly deploy?: VclusterEnableSwitch };
      readonly database?: { readonly embedded?: VclusterEnableSwitch };
    };
  };
  readonly sync?: {
    readonly toHost?: { readonly [K in VclusterSyncToHostKind]?: VclusterEnableSwitch };
    readonly fromHost?: { readonly [K in VclusterSyncFromHostKind]?: VclusterEnableSwitch } & {
      /**
       * Host Secrets copied into the vcluster (one way, kept current): `mappings.byName` maps
       * `<host namespace>/<name>` to `<virtual namespace>/<name>` (chart/values.yaml L265-287 @ v0.36.1).
       */
      readonly secrets?: VclusterEnableSwitch & { readonly mappings?: { readonly byName?: { readonly [host: string]: string } } };
    };
  };
  readonly policies?: {
    readonly podSecurityStandard?: '' | 'baseline' | 'restricted' | 'privileged';
    readonly resourceQuota?: {
      readonly enabled?: boolean | 'auto';
      readonly quota?: { readonly [resource: string]: string | number };
    };
    readonly limitRange?: {
      readonly enabled?: boolean | 'auto';
      readonly default?: { readonly [resource: string]: string };
      readonly defaultRequest?: { readonly [resource: string]: string };
      readonly max?: { readonly [resource: string]: string };
      readonly min?: { readonly [resource: string]: string };
    };
    readonly networkPolicy?: VclusterNetworkPolicy;
  };
  readonly integrations?: {
    /** Serves metrics.k8s.io inside the vcluster by proxying to the host's metrics-server (which must exist). */
    readonly metricsServer?: VclusterEnableSwitch & {
      readonly nodes?: boolean;
      readonly pods?: boolean;
      /** The host Service it proxies to. @default kube-system/metrics-server:443 */
      readonly apiService?: { readonly service?: { readonly name?: string; readonly namespace?: string; readonly port?: number } };
    };
  };
  readonly exportKubeConfig?: {
    readonly server?: string;
    readonly context?: string;
    readonly insecure?: boolean;
  };
}

/** Deep-merges vcluster values: objects key by key, everything else replaced. */
export function mergeValues(base: object, over: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over ?? {})) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeValues(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The vcluster's CoreDNS as an app's NetworkPolicy must name it (loft-sh/vcluster @ v0.36.1:
 * pkg/constants/coredns.go CoreDNSLabelKey/Value; pkg/coredns/template.go, Corefile `.:1053` and
 * the kube-dns Service mapping 53 to targetPort 1053). It is a Deployment in the virtual cluster's
 * kube-system, synced to the host like any pod: its `k8s-app` label is kept as is and its
 * namespace's labels are copied as `vcluster.loft.sh/ns-label-*` (pods/translate/translator.go,
 * Translate). The NetworkPolicy syncer (networkpolicies/translate.go, translateNetworkPolicyPeers)
 * turns a peer's namespaceSelector into a selector on those copied labels and adds the vcluster's
 * marker label, so {namespace kube-system, k8s-app: vcluster-kube-dns} selects exactly that pod on
 * the host. The host sees the pod port after the Service's DNAT: 1053, not 53.
 */
export const VCLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'vcluster-kube-dns' },
  port: 1053,
} as const;
