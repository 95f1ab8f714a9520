import { hostOf, PlatformCluster, PlatformClusters } from './clusters';
import { remoteRegistration } from './topology';

/**
 * Where a vcluster runs and how the hub reaches it. Pure. A vcluster on the hub is registered from its
 * kubeconfig Secret in-cluster; one on another host is reached through its own API endpoint
 * (`https://<env>-<region>.<host's vclusterApiDomain>`, a LoadBalancer Service of the vcluster chart) and
 * its kubeconfig material travels host -> AWS Secrets Manager (hub region) -> hub (docs/architecture.md
 * "Topology").
 */
export interface VclusterPlacement {
  /** The host cluster it runs on. */
  readonly host: PlatformCluster;
  /** Set when the host is not the hub. */
  readonly remote?: {
    /** DNS name of the vcluster API server as the hub reaches it (a SAN of its certificate). */
    readonly apiHost: string;
    /** The AWS region of the Secrets Manager store (the hub's region). */
    readonly storeRegion: string;
    /** The Secrets Manager secret holding the kubeconfig material: `argocd/clusters/<env>-<region>`. */
    readonly remoteKey: string;
  };
}

/** The Secrets Manager secret a remote vcluster's kubeconfig material is pushed to. */
export const registrationSecretKey = (cluster: string): string => `argocd/clusters/${cluster}`;

/** The placement of the vcluster named `cluster` (`<env>-<region>`). */
export function vclusterPlacement(clusters: PlatformClusters, cluster: string): VclusterPlacement {
  const vcluster = clusters.vclusters.find((v) => v.name === cluster);
  if (!vcluster) throw new Error(`no vcluster ${cluster} in the platform`);
  const host = hostOf(clusters, vcluster);
  if (host.kind === 'hub' || !host.spec) return { host };
  const { vclusterApiDomain } = remoteRegistration(host.spec);
  return {
    host,
    remote: { apiHost: `${cluster}.${vclusterApiDomain}`, storeRegion: clusters.hub.region!, remoteKey: registrationSecretKey(cluster) },
  };
}
