/**
 * The clusters of the platform, in one place: the hub (where Argo CD runs), the host clusters (where
 * vclusters and the shared controllers run) and the vclusters (one per env and region, where the apps
 * run). Pure.
 *
 * The hosts are envs/platform.ts' `hosts` (lib/model/topology.ts): one per region, one of them the hub
 * (destination `https://kubernetes.default.svc`), the others addressed by the name of their Argo CD
 * cluster Secret (the host's name). Each vcluster runs on its region's host. With no `hosts` declared,
 * one implicit host, the hub named {@link HUB_CLUSTER}, runs every vcluster. The add-on catalogue, the
 * platform AppProject, the add-on Applications and the vcluster Applications follow from this list.
 */
import type { HostClusterDefinition } from './topology';

/** Argo CD's destination for the cluster it runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** The implicit hub's name in dist/ paths (`argocd/addons/hub/...`) when envs/platform.ts declares no `hosts`. */
export const HUB_CLUSTER = 'hub';

/** What role a cluster plays. */
export type ClusterKind = 'hub' | 'host' | 'vcluster';

/** An Argo CD destination cluster: by API server URL or by the name of its cluster Secret. */
export type ClusterDestination = { readonly server: string; readonly name?: never } | { readonly name: string; readonly server?: never };

/** One cluster of the platform. */
export interface PlatformCluster {
  /** Name in dist/ paths and Application names (a vcluster's is `<env>-<region>`, its Argo CD cluster name). */
  readonly name: string;
  readonly kind: ClusterKind;
  /** How an Argo CD Application on the hub addresses it. */
  readonly destination: ClusterDestination;
  /** The env (vclusters only). */
  readonly env?: string;
  /** The region (vclusters; declared hosts). */
  readonly region?: string;
  /** The host cluster it runs on (vclusters only): a host's name. */
  readonly host?: string;
  /** The declared host (hub and hosts from envs/platform.ts; absent for the implicit hub and vclusters). */
  readonly spec?: HostClusterDefinition;
}

/** The clusters of the platform. */
export interface PlatformClusters {
  readonly hub: PlatformCluster;
  /** Host clusters, the hub among them (declaration order). */
  readonly hosts: readonly PlatformCluster[];
  /** One vcluster per env and region, in env (registry) then region order. */
  readonly vclusters: readonly PlatformCluster[];
}

/** The env/region pairs the vclusters are derived from (the control plane's regions). */
export interface VclusterSite {
  readonly env: string;
  readonly region: string;
  /** The vcluster's (and Argo CD cluster's) name, `<env>-<region>`. */
  readonly cluster: string;
}

/**
 * Derives the clusters of the platform from the declared hosts (envs/platform.ts; none: one implicit hub
 * runs every vcluster). Each vcluster runs on the host of its region; a region without a host is an
 * error of the caller's (planControlPlane checks it first, naming the file), thrown here as a plain Error.
 */
export function platformClusters(sites: readonly VclusterSite[], declared: readonly HostClusterDefinition[] = []): PlatformClusters {
  const hosts: PlatformCluster[] = declared.length === 0
    ? [{ name: HUB_CLUSTER, kind: 'hub', destination: { server: IN_CLUSTER } }]
    : declared.map((h): PlatformCluster => ({
      name: h.name,
      kind: h.hub ? 'hub' : 'host',
      destination: h.hub ? { server: IN_CLUSTER } : { name: h.name },
      region: h.region,
      spec: h,
    }));
  const hub = hosts.find((h) => h.kind === 'hub')!;
  const vclusters = sites.map((s): PlatformCluster => {
    const host = declared.length === 0 ? hub : hosts.find((h) => h.region === s.region);
    if (!host) throw new Error(`region ${s.region} of ${s.env} has no host cluster`);
    return { name: s.cluster, kind: 'vcluster', destination: { name: s.cluster }, env: s.env, region: s.region, host: host.name };
  });
  return { hub, hosts, vclusters };
}

/** The declared host of a region, or undefined (none declared for it). */
export function hostForRegion(declared: readonly HostClusterDefinition[], region: string): HostClusterDefinition | undefined {
  return declared.find((h) => h.region === region);
}

/** The host of a vcluster (or the cluster itself when it is a hub or host). */
export function hostOf(clusters: PlatformClusters, cluster: PlatformCluster): PlatformCluster {
  if (cluster.kind !== 'vcluster') return cluster;
  return clusters.hosts.find((h) => h.name === cluster.host) ?? clusters.hub;
}

/** Every cluster of the platform once (the hub is also a host). */
export function allClusters(clusters: PlatformClusters): PlatformCluster[] {
  const out = new Map<string, PlatformCluster>();
  for (const c of [clusters.hub, ...clusters.hosts, ...clusters.vclusters]) if (!out.has(c.name)) out.set(c.name, c);
  return [...out.values()];
}

/**
 * Sync waves of the control plane, applied by the root app in this order: AppProjects, the add-ons of
 * the hub and hosts (ESO must serve ExternalSecret before the registration; metrics-server and the
 * ingress controller before the vclusters need them), the vclusters, their registration, the add-ons
 * inside the vclusters (Sealed Secrets: its CRD before the apps' SealedSecrets), then the ApplicationSets.
 * Each add-on may pick a wave inside its target's range ({@link ADDON_WAVES}).
 */
export const WAVES = {
  projects: -6,
  hostAddons: -4,
  /** The database API on the hosts (crossplane/<host>/), after the host add-ons (Crossplane among them). */
  databaseApi: -3,
  vclusters: -2,
  registration: -1,
  vclusterAddons: 1,
  appSets: 3,
} as const;

/** The sync waves an add-on may use, per target: strictly between the waves around it. */
export const ADDON_WAVES: Readonly<Record<'hub' | 'hosts' | 'vclusters', { readonly min: number; readonly max: number; readonly default: number }>> = {
  hub: { min: WAVES.projects + 1, max: WAVES.databaseApi - 1, default: WAVES.hostAddons },
  hosts: { min: WAVES.projects + 1, max: WAVES.databaseApi - 1, default: WAVES.hostAddons },
  vclusters: { min: WAVES.registration + 1, max: WAVES.appSets - 1, default: WAVES.vclusterAddons },
};
