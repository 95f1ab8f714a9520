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
    readonly fromHost?: { readonly [K in VclusterSyncFromHostKind]?: VclusterEnableSwitch };
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
    readonly networkPolicy?: VclusterEnableSwitch;
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
