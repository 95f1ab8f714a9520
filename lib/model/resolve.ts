import { AddonCatalogue } from './addons';
import { AppDefinition, AppRegistry, sourceOf } from './app';
import { databaseParameters, missingDatabaseProfile, missingHostDatabases } from './database';
import { CONNECTION_KEYS, DATABASE_PORTS } from './database-api';
import { hostForRegion } from './clusters';
import { resolveWorkloads, WorkloadOverride } from './workloads';
import { resolveVolumes, VolumeOverride } from './volumes';
import { EnvironmentDefinition, EnvironmentRegistry } from './environment';
import { ConfigError, configErrorsOf, joinPath, throwAll } from './errors';
import { EscapeHatchSpec, layerEscapeHatch } from './escape-hatch';
import { AppInstance, NotReleased } from './instance';
import { PlatformDefinition } from './platform';
import { HostPrometheus } from './kube-prometheus-stack';
import { gatewayRef } from './routes';
import { instanceName } from './layout';
import { metricsVia } from './monitoring';
import { prometheusOfRegions } from './control-plane';
import { unknownApp } from './names';
import { checkNotificationTeams } from './notifications';
import { AnyReleases, ImageRelease } from './releases';
import { AnySecrets, SealedValue, secretTarget } from './secrets';
import { checkReleaseData } from './release-data';
import { InstanceSettings, mergeSettings, ResourceAmount } from './settings';
import { resolveSmokeTest } from './smoke-test';

/** The golden defaults: the first layer, under the app spec. */
export const GOLDEN_DEFAULTS: InstanceSettings = Object.freeze({
  replicas: 1,
  resources: { cpu: { request: '100m', limit: '500m' }, memory: { request: '128Mi', limit: '256Mi' } },
  logLevel: 'info',
  spreadAcrossZones: false,
  expose: false,
});

export interface ResolveInput {
  readonly platform: PlatformDefinition;
  readonly apps: AppRegistry;
  readonly envs: EnvironmentRegistry;
  readonly releases: AnyReleases;
  /**
   * File named in errors about releases.
   * @default 'envs/releases.ts'
   */
  readonly releasesFile?: string;
  /**
   * Sealed secret values (envs/secrets.ts).
   * @default {}
   */
  readonly secrets?: AnySecrets;
  /**
   * File named in errors about secrets.
   * @default 'envs/secrets.ts'
   */
  readonly secretsFile?: string;
  /**
   * The cluster add-ons (envs/addons.ts): one Argo CD Application per add-on per target cluster.
   * @default none
   */
  readonly addons?: AddonCatalogue;
}

export interface ResolveResult {
  /** Every deployed instance, ordered by env (registry order), region (env order), app name. */
  readonly instances: AppInstance[];
  /** App/env/region combinations with no release, so not deployed. */
  readonly notReleased: NotReleased[];
}

/**
 * Merges golden defaults <- app spec <- env profile <- env per-app override <- region override <-
 * release into one AppInstance per released app, env and region. Pure: no I/O, no cdk8s.
 */
export function resolve(input: ResolveInput): ResolveResult {
  const { platform, apps, envs } = input;
  checkReleaseData(input);
  const secrets = input.secrets ?? {};
  const secretsFile = input.secretsFile ?? 'envs/secrets.ts';
  const callers = checkCalls(apps);
  checkNotificationTeams(platform, apps);
  // The kube-prometheus-stack on each region's host decides how the apps' metrics are scraped (metricsVia).
  const prometheusOf = prometheusOfRegions(platform, envs, input.addons);

  // First where each app is deployed (has a release), then the instances: a NetworkPolicy allow toward
  // or from a peer is emitted only in the env/regions where that peer is deployed too, so an app
  // released in dev alone changes nothing in staging or prod.
  const placed: { env: EnvironmentDefinition; region: string; name: string; release: ImageRelease; peers: ReadonlySet<string> }[] = [];
  const notReleased: NotReleased[] = [];
  const appNames = Object.keys(apps).sort();
  for (const env of Object.values(envs)) {
    for (const region of env.regionNames) {
      const peers = new Set<string>();
      for (const name of appNames) {
        const release = releaseFor(input.releases, name, env, region);
        if (!release) {
          notReleased.push({ app: name, env: env.name, region });
          continue;
        }
        peers.add(name);
        placed.push({ env, region, name, release, peers });
      }
    }
  }
  // Every instance is resolved, its errors collected: independent mistakes (in different apps or envs) are reported together.
  const errors: ConfigError[] = [];
  const instances = placed.flatMap(({ env, region, name, release, peers }) => {
    const app = apps[name];
    const deployed = (peer: string) => peers.has(peer);
    const network = { callers: (callers.get(name) ?? []).filter(deployed), callees: (app.network?.calls ?? []).filter(deployed) };
    try {
      const instance = buildInstance(platform, apps, app, env, region, release, network, app.metrics ? prometheusOf(env.name, region) : undefined);
      return [withSecrets(instance, app, secrets[name]?.[env.name]?.[region], secretsFile)];
    } catch (e) {
      const found = configErrorsOf(e);
      if (!found) throw e;
      errors.push(...found);
      return [];
    }
  });
  throwAll(errors);
  return { instances, notReleased };
}

function releaseFor(releases: AnyReleases, app: string, env: EnvironmentDefinition, region: string): ImageRelease | undefined {
  const entry = releases[app]?.[env.name];
  if (!entry) return undefined;
  const regional = entry.regions?.[region];
  if (regional) return regional;
  return entry.tag !== undefined ? { tag: entry.tag, digest: entry.digest } : undefined;
}

/** Checks `network.calls` names and returns callee -> callers. */
function checkCalls(apps: AppRegistry): Map<string, string[]> {
  const callers = new Map<string, string[]>();
  const names = Object.keys(apps);
  for (const app of Object.values(apps)) {
    (app.network?.calls ?? []).forEach((callee, i) => {
      if (!apps[callee]) {
        throw new ConfigError(sourceOf(app), `network.calls[${i}]`, unknownApp(callee, names));
      }
      callers.set(callee, [...(callers.get(callee) ?? []), app.name].sort());
    });
  }
  return callers;
}

function splitAmount(a: ResourceAmount): { request: string; limit: string } {
  return typeof a === 'string' ? { request: a, limit: a } : { request: a.request, limit: a.limit };
}

/** A label value: at most 63 characters, alphanumeric at both ends. */
function labelValue(s: string): string {
  return s.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

function featureKey(flag: string): string {
  return `FEATURE_${flag.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

function buildInstance(
  platform: PlatformDefinition,
  apps: AppRegistry,
  app: AppDefinition,
  env: EnvironmentDefinition,
  region: string,
  release: ImageRelease,
  peers: { readonly callers: readonly string[]; readonly callees: readonly string[] },
  prometheus: HostPrometheus | undefined,
): AppInstance {
  const override = env.apps?.[app.name] as (InstanceSettings & { regions?: Record<string, InstanceSettings> }) | undefined;
  const { regions: regionOverrides, ...envAppOverride } = override ?? {};
  const regionOverride = regionOverrides?.[region];
  const appSettings: InstanceSettings = pickSettings(app);
  const s = mergeSettings(GOLDEN_DEFAULTS, appSettings, env.profile, envAppOverride, regionOverride);

  // Which file and field to blame for a problem in a merged value: the last layer that set it.
  const blame = (key: keyof InstanceSettings, field: string, reason: string): never => {
    const envLayers: [InstanceSettings | undefined, string][] = [
      [regionOverride, joinPath('apps', app.name, 'regions', region)],
      [envAppOverride, joinPath('apps', app.name)],
      [env.profile, 'profile'],
    ];
    const layer = envLayers.find(([settings]) => settings?.[key] !== undefined);
    if (layer) throw new ConfigError(sourceOf(env), joinPath(layer[1], field), `${reason} (${env.name}/${region})`);
    throw new ConfigError(sourceOf(app), field, `${reason} (${env.name}/${region})`);
  };

  const instance = instanceName(env.name, region, app.name);
  if (instance.length > 63) {
    throw new ConfigError(sourceOf(app), 'name', `instance name "${instance}" (env-region-app) is longer than 63 characters; shorten the app name`);
  }

  let autoscaling: AppInstance['autoscaling'];
  if (s.autoscaling) {
    const min = s.autoscaling.minReplicas ?? Math.max(1, s.replicas ?? 1);
    const max = s.autoscaling.maxReplicas;
    if (max === undefined) blame('autoscaling', 'autoscaling.maxReplicas', 'is required when autoscaling is on');
    if (min > max!) blame('autoscaling', 'autoscaling.minReplicas', `minReplicas ${min} is above maxReplicas ${max}`);
    autoscaling = { minReplicas: min, maxReplicas: max!, cpuUtilization: s.autoscaling.cpuUtilization ?? 70 };
  }

  const cpu = splitAmount(s.resources!.cpu!);
  const memory = splitAmount(s.resources!.memory!);

  const config: Record<string, string> = {
    ...(s.config ?? {}),
    APP_NAME: app.name,
    APP_ENV: env.name,
    APP_REGION: region,
    LOG_LEVEL: s.logLevel!,
  };
  const flagOf = new Map<string, string>();
  for (const [flag, on] of Object.entries(s.featureFlags ?? {})) {
    const key = featureKey(flag);
    if (flagOf.has(key)) blame('featureFlags', joinPath('featureFlags', flag), `"${flag}" and "${flagOf.get(key)}" both become ${key}; rename one`);
    flagOf.set(key, flag);
    config[key] = on ? 'true' : 'false';
  }
  const sortedConfig = Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  // Exposed: an Ingress inside the vcluster, or (kind 'gateway') an HTTPRoute on the host and no Ingress.
  let ingress: AppInstance['ingress'];
  let route: AppInstance['route'];
  if (s.expose) {
    const expose = typeof s.expose === 'object' ? s.expose : {};
    const domain = env.regions[region]?.ingressDomain ?? env.ingress.domain;
    const host = `${expose.subdomain ?? app.name}.${domain}`;
    if (host.length > 253) blame('expose', 'expose.subdomain', `host "${host}" is longer than 253 characters`);
    const path = expose.path ?? '/';
    if ((expose.kind ?? env.ingress.kind ?? 'ingress') === 'gateway') {
      route = { host, path, gateway: gatewayRef(env.ingress.gateway, platform.ingressControllerNamespace) };
    } else {
      ingress = {
        host,
        path,
        className: env.ingress.className ?? 'nginx',
        tlsSecretName: `${app.name}-tls`,
        ...(env.ingress.clusterIssuer ? { clusterIssuer: env.ingress.clusterIssuer } : {}),
      };
    }
  }

  let database: AppInstance['database'];
  let databaseNetwork: AppInstance['network']['database'];
  if (app.database) {
    if (!env.database) throw new ConfigError(sourceOf(env), 'database', missingDatabaseProfile(app.name, env.name, region));
    database = databaseParameters(app.database, env.database);
    const host = hostForRegion(platform.hosts, region);
    // A declared topology without a host for the region is the topology check's error (planControlPlane), not this one.
    if (host?.databases) databaseNetwork = { cidrs: [...host.databases.subnetCidrs], port: DATABASE_PORTS[database.engine] };
    else if (host || platform.hosts.length === 0) {
      throw new ConfigError(sourceOf(platform), host ? joinPath('hosts', host.name, 'databases') : 'hosts', missingHostDatabases(app.name, env.name, region, host?.name));
    }
    const shadowed = Object.keys(config).find((k) => (CONNECTION_KEYS as readonly string[]).includes(k));
    if (shadowed) blame('config', joinPath('config', shadowed), `is set from the database's connection Secret (${CONNECTION_KEYS.join(', ')}); pick another name`);
  }

  let metrics: AppInstance['metrics'];
  if (app.metrics) {
    const spec = typeof app.metrics === 'object' ? app.metrics : {};
    const port = spec.port || app.port;
    const e = spec.errorRatio;
    metrics = {
      port,
      path: spec.path || '/metrics',
      via: metricsVia(prometheus, port, app.port),
      ...(e ? { errorRatio: { metric: e.metric, statusLabel: e.statusLabel ?? 'code', threshold: e.threshold ?? 0.05 } } : {}),
    };
  }

  const smokeTest = resolveSmokeTest(s.smokeTest, app.health.readiness, metrics, app.port, platform.smokeTestImage);

  const image = {
    repository: app.image,
    tag: release.tag,
    ...(release.digest ? { digest: release.digest } : {}),
    ref: `${app.image}:${release.tag}${release.digest ? `@${release.digest}` : ''}`,
  };

  return {
    app: app.name,
    env: env.name,
    region,
    namespace: secretTarget(app.name).namespace,
    instance,
    team: app.team,
    partOf: app.partOf ?? app.name,
    component: app.component ?? 'server',
    ...(app.description ? { description: app.description } : {}),
    image,
    version: labelValue(release.tag),
    replicas: s.replicas!,
    ...(autoscaling ? { autoscaling } : {}),
    resources: { requests: { cpu: cpu.request, memory: memory.request }, limits: { cpu: cpu.limit, memory: memory.limit } },
    port: app.port,
    ...(app.portEnv ? { portEnv: app.portEnv } : {}),
    servicePort: app.servicePort ?? 80,
    ...(app.command ? { command: [...app.command] } : {}),
    ...(app.args ? { args: [...app.args] } : {}),
    health: { liveness: app.health.liveness, readiness: app.health.readiness, startupSeconds: app.health.startupSeconds ?? 60 },
    config: sortedConfig,
    ...(ingress ? { ingress } : {}),
    ...(route ? { route } : {}),
    network: {
      // Traefik serves the Ingresses and the Gateways from the same pods (one Deployment, both providers on).
      ...(ingress || route ? { ingressControllerNamespace: platform.ingressControllerNamespace } : {}),
      ...(metrics ? { monitoringNamespace: platform.monitoringNamespace } : {}),
      allowFrom: [...peers.callers],
      allowTo: [...peers.callees].sort().map((callee) => ({ app: callee, port: apps[callee].port })),
      internetEgress: app.network?.internetEgress ?? false,
      ...(databaseNetwork ? { database: databaseNetwork } : {}),
    },
    ...(metrics ? { metrics } : {}),
    ...(smokeTest ? { smokeTest } : {}),
    spreadAcrossZones: s.spreadAcrossZones ?? false,
    sync: { automated: env.sync.automated, prune: env.sync.prune ?? true, selfHeal: env.sync.selfHeal ?? true },
    secrets: [...(app.secrets ?? [])],
    ...(database ? { database } : {}),
    workloads: resolveWorkloads(app.workloads, (envAppOverride as { workloads?: { [name: string]: WorkloadOverride } }).workloads,
      { requests: { cpu: cpu.request, memory: memory.request }, limits: { cpu: cpu.limit, memory: memory.limit } }),
    volumes: resolveVolumes(app.volumes, (envAppOverride as { volumes?: { [name: string]: VolumeOverride } }).volumes),
    sidecars: named(app.sidecars),
    initContainers: named(app.initContainers),
    runAsUser: app.runAsUser ?? 10001,
    policyAllows: (app.policy?.allow ?? []).map((a) => ({ rule: a.rule, reason: a.reason })),
    // The escape hatch: the app's patches and extra objects, then the env's, then the region's.
    ...layerEscapeHatch([
      { spec: app, file: sourceOf(app), path: '' },
      { spec: envAppOverride as EscapeHatchSpec, file: sourceOf(env), path: joinPath('apps', app.name) },
      { spec: regionOverride as EscapeHatchSpec | undefined, file: sourceOf(env), path: joinPath('apps', app.name, 'regions', region) },
    ]),
    labelDomain: platform.labelDomain,
    managedBy: platform.managedBy,
  };
}

function pickSettings(app: AppDefinition): InstanceSettings {
  const { replicas, resources, autoscaling, logLevel, featureFlags, config, spreadAcrossZones, expose, smokeTest } = app;
  return { replicas, resources, autoscaling, logLevel, featureFlags, config, spreadAcrossZones, expose, smokeTest };
}

/**
 * Attaches the instance's sealed values (envs/secrets.ts) and checks them: every key the app
 * requires is sealed for this env/region; each value was sealed for the namespace/name it is
 * emitted with (recorded at seal time); one scope per SealedSecret; no clash with config keys.
 */
function withSecrets(
  instance: AppInstance,
  app: AppDefinition,
  sealed: { readonly [key: string]: SealedValue } | undefined,
  file: string,
): AppInstance {
  const where = `${instance.env}/${instance.region}`;
  const sealCommand = (key: string) =>
    `printf %s "$VALUE" | npm run seal -- ${instance.app} ${instance.env} ${key} --region ${instance.region}`;
  (app.secrets ?? []).forEach((key, i) => {
    if (!sealed?.[key]) {
      throw new ConfigError(sourceOf(app), `secrets[${i}]`, `"${key}" has no sealed value for ${where}; seal it: ${sealCommand(key)}`);
    }
  });
  const entries = Object.entries(sealed ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return instance;
  const target = secretTarget(instance.app);
  const name = target.name;
  const [firstKey, first] = entries[0];
  for (const [key, v] of entries) {
    const path = joinPath(instance.app, instance.env, instance.region, key);
    if (v.scope !== first.scope) {
      throw new ConfigError(file, joinPath(path, 'scope'), `scope ${v.scope} differs from ${first.scope} of ${firstKey}: one SealedSecret has one scope; re-seal one of them with --scope`);
    }
    const boundNs = v.scope !== 'cluster-wide';
    const boundName = v.scope === 'strict';
    if ((boundNs && v.namespace !== target.namespace) || (boundName && v.name !== name)) {
      throw new ConfigError(
        file,
        path,
        `sealed for ${v.namespace}/${v.name} (${v.scope}) but emitted as ${target.namespace}/${name}, so the controller cannot decrypt it; re-seal: ${sealCommand(key)}`,
      );
    }
    if (key in instance.config) {
      throw new ConfigError(file, path, `"${key}" is also a config key of ${instance.app}; both would set the same environment variable; rename one`);
    }
  }
  return {
    ...instance,
    sealedSecret: { name, scope: first.scope, data: Object.fromEntries(entries.map(([k, v]) => [k, v.sealed])) },
  };
}

/** A by-name map as a list sorted by name, each entry carrying its name. */
function named<T extends object>(m: { readonly [name: string]: T } | undefined): (T & { readonly name: string })[] {
  return Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, v]) => ({ ...v, name }));
}
