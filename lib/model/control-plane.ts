import { AddonCatalogue, AddonDeployment, planAddons } from './addons';
import { HostPrometheus, hostPrometheus } from './kube-prometheus-stack';
import { sourceOf } from './app';
import { hostForRegion, hostOf, PlatformClusters, platformClusters } from './clusters';
import { EnvironmentRegistry } from './environment';
import { DatabaseParameters } from './database-api';
import { ConfigError } from './errors';
import { AppMonitoring, appMonitoring } from './monitoring';
import { clusterName } from './layout';
import type { ResolveResult } from './resolve';
import { PlatformDefinition } from './platform';
import { HostRoute, hostServiceName } from './routes';
import { VclusterValues } from './vcluster-values';
import { summarizeWorkload, VclusterWorkload } from './workload';
import { ProjectSyncWindow, projectSyncWindows } from './sync-windows';

/** One region of an environment: its vcluster and its name as an Argo CD destination. */
export interface ControlPlaneRegion {
  readonly region: string;
  /** Argo CD destination (cluster) name, and the vcluster's name: `<env>-<region>`. */
  readonly cluster: string;
  /** Host namespace the vcluster runs in: `vcluster-<env>-<region>`. */
  readonly vclusterNamespace: string;
  /** What the region's vcluster will run (its values are derived from it: lib/model/vcluster-sizing.ts). */
  readonly workload: VclusterWorkload;
  /** The databases of the region's apps (claims on the region's host), by app name. */
  readonly databases: readonly { readonly app: string; readonly team: string; readonly parameters: DatabaseParameters }[];
  /** The host-side monitoring of the region's apps scraped through a monitor (lib/model/monitoring.ts), by app name. */
  readonly monitoring: readonly AppMonitoring[];
  /** The HTTPRoutes of the region's apps routed by the Gateway API (host-side, in the vcluster's namespace), by app name. */
  readonly routes: readonly HostRoute[];
}

/** A released app of an environment: who owns it and where it runs. */
export interface ControlPlaneApp {
  readonly app: string;
  readonly team: string;
  readonly regions: readonly string[];
}

/** What Argo CD needs to know about one environment. */
export interface ControlPlaneEnv {
  readonly name: string;
  readonly description?: string;
  readonly sync: { readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean };
  /** The env's sync windows as its AppProject lists them (lib/model/sync-windows.ts); empty: none. */
  readonly syncWindows: readonly ProjectSyncWindow[];
  readonly regions: readonly ControlPlaneRegion[];
  /** Released apps, sorted by name. */
  readonly apps: readonly ControlPlaneApp[];
  /** The env's vcluster value overrides (merged over the golden values by the Vcluster construct). */
  readonly vclusterValues: VclusterValues;
  /** The file that defines the env (for errors). */
  readonly source?: string;
}

/** The control plane: the platform settings and every environment, in promotion order. */
export interface ControlPlane {
  readonly platform: PlatformDefinition;
  readonly envs: readonly ControlPlaneEnv[];
  /** The clusters of the platform (hub, hosts, vclusters). */
  readonly clusters: PlatformClusters;
  /** Each add-on of the catalogue on each of its target clusters, in catalogue then cluster order. */
  readonly addons: readonly AddonDeployment[];
}

/** Derives the control plane from the environments, the resolved instances and the add-on catalogue. Pure. */
export function planControlPlane(platform: PlatformDefinition, envs: EnvironmentRegistry, resolved: ResolveResult, addons?: AddonCatalogue): ControlPlane {
  const clusters = planClusters(platform, envs);
  const deployments = planAddons(addons, clusters);
  const prometheusOf = (cluster: string): HostPrometheus | undefined => {
    const vcluster = clusters.vclusters.find((v) => v.name === cluster);
    return vcluster && hostPrometheus(deployments, hostOf(clusters, vcluster));
  };
  const planned = planEnvs(envs, resolved, prometheusOf, addons && sourceOf(addons));
  return { platform, envs: planned, clusters, addons: deployments };
}

/**
 * The clusters of the platform from the environments and the topology of envs/platform.ts: the one
 * derivation synth's control plane and `npm run validate`'s placement checks share. Pure.
 */
export function planClusters(platform: PlatformDefinition, envs: EnvironmentRegistry): PlatformClusters {
  const sites = Object.values(envs).flatMap((env) =>
    env.regionNames.map((region) => ({ env: env.name, region, cluster: clusterName(env.name, region), source: sourceOf(env) })));
  checkTopology(platform, sites);
  return platformClusters(sites, platform.hosts);
}

/**
 * The kube-prometheus-stack on the host of each env/region (undefined: none, or no add-on catalogue), for resolve.
 * The clusters and add-ons are planned as for the control plane (planClusters, planAddons), once, on first use.
 */
export function prometheusOfRegions(platform: PlatformDefinition, envs: EnvironmentRegistry, addons: AddonCatalogue | undefined): (env: string, region: string) => HostPrometheus | undefined {
  let planned: { clusters: ReturnType<typeof planClusters>; deployments: ReturnType<typeof planAddons> } | undefined;
  return (env, region) => {
    if (!addons) return undefined;
    if (!planned) {
      const clusters = planClusters(platform, envs);
      planned = { clusters, deployments: planAddons(addons, clusters) };
    }
    const vcluster = planned.clusters.vclusters.find((v) => v.name === clusterName(env, region));
    return vcluster ? hostPrometheus(planned.deployments, hostOf(planned.clusters, vcluster)) : undefined;
  };
}

/** Every env/region has a host in its region, and no host is named like a vcluster (both are Argo CD cluster names). */
function checkTopology(platform: PlatformDefinition, sites: readonly { env: string; region: string; cluster: string; source?: string }[]): void {
  if (platform.hosts.length === 0) return;
  const file = sourceOf(platform);
  for (const s of sites) {
    if (!hostForRegion(platform.hosts, s.region)) {
      const declared = platform.hosts.map((h) => `${h.name} (${h.region})`).join(', ');
      throw new ConfigError(file, 'hosts', `region ${s.region} (env ${s.env}${s.source ? `, ${s.source}` : ''}) has no host cluster; add a host with region "${s.region}" (hosts: ${declared})`);
    }
    const clash = platform.hosts.find((h) => h.name === s.cluster);
    if (clash) throw new ConfigError(file, `hosts.${clash.name}`, `"${clash.name}" is also the vcluster of ${s.env}/${s.region}; Argo CD cluster names must differ`);
  }
}

function planEnvs(envs: EnvironmentRegistry, resolved: ResolveResult, prometheusOf: (cluster: string) => HostPrometheus | undefined, addonsFile?: string): ControlPlaneEnv[] {
  return Object.values(envs).map((env) => {
    const regions = env.regionNames.map((region) => {
      const cluster = clusterName(env.name, region);
      const vclusterNamespace = `vcluster-${cluster}`;
      if (vclusterNamespace.length > 63) {
        throw new ConfigError(sourceOf(env), `regions.${region}`, `vcluster namespace "${vclusterNamespace}" is longer than 63 characters; shorten the env or region name`);
      }
      const here = resolved.instances.filter((i) => i.env === env.name && i.region === region);
      const workload = summarizeWorkload(here);
      const byApp = [...here].sort((a, b) => (a.app < b.app ? -1 : 1));
      const databases = byApp.filter((i) => i.database).map((i) => ({ app: i.app, team: i.team, parameters: i.database! }));
      const monitored = here.filter((i) => i.metrics && i.metrics.via !== 'annotations');
      const hp = monitored.length > 0 ? prometheusOf(cluster) : undefined;
      const monitoring = hp ? monitored.map((i) => appMonitoring(i, { cluster, vclusterNamespace }, hp, addonsFile)) : [];
      const routes = byApp.filter((i) => i.route).map((i): HostRoute => ({
        app: i.app,
        team: i.team,
        namespace: vclusterNamespace,
        host: i.route!.host,
        path: i.route!.path,
        gateway: i.route!.gateway,
        // The golden app's Service is named after the app, in the app's namespace inside the vcluster.
        service: { name: hostServiceName(i.app, i.namespace, cluster), port: i.servicePort },
      }));
      return { region, cluster, vclusterNamespace, workload, databases, monitoring, routes };
    });
    const byApp = new Map<string, { team: string; regions: string[] }>();
    for (const i of resolved.instances) {
      if (i.env !== env.name) continue;
      const entry = byApp.get(i.app) ?? { team: i.team, regions: [] };
      entry.regions.push(i.region);
      byApp.set(i.app, entry);
    }
    const apps = [...byApp].sort(([a], [b]) => (a < b ? -1 : 1)).map(([app, e]) => ({ app, team: e.team, regions: e.regions }));
    return {
      name: env.name,
      ...(env.description ? { description: env.description } : {}),
      sync: { automated: env.sync.automated, prune: env.sync.prune ?? true, selfHeal: env.sync.selfHeal ?? true },
      syncWindows: projectSyncWindows(env.syncWindows),
      regions,
      apps,
      vclusterValues: env.vcluster?.values ?? {},
      source: sourceOf(env),
    };
  });
}
