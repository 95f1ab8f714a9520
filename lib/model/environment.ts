import { AppRegistry, byName, deepFreeze, isBroken, markBroken, setSource } from './app';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { checkDatabaseProfile, DatabaseProfile } from './database';
import { checkEscapeHatch, ESCAPE_HATCH_KEYS, EscapeHatchSpec } from './escape-hatch';
import { callerFile, definitionCheck, joinPath } from './errors';
import { unknownApp, unknownRegion } from './names';
import { checkPromotionSpec, PromotionSpec } from './promotion';
import { checkGatewaySpec, GatewaySpec, ROUTE_KINDS, RouteKind } from './routes';
import { checkSettings, InstanceSettings, LogLevel, ResourcesSpec, SETTINGS_KEYS } from './settings';
import { checkSyncWindows, SyncWindowSpec } from './sync-windows';
import { TagPolicy } from './tag-policy';
import { VclusterValues } from './vcluster-values';
import { checkWorkloadOverrides, WorkloadOverride, WorkloadSpec } from './workloads';
import { checkVolumeOverrides, VolumeOverride, VolumeSpec } from './volumes';

/** A region of an environment (one cluster / vcluster). */
export interface RegionSpec {
  /**
   * Ingress domain for this region.
   * @default the environment's `ingress.domain`
   */
  readonly ingressDomain?: string;
}

/** The environment-wide profile every app instance starts from (after the app spec). */
export interface ProfileSpec extends InstanceSettings {
  /** Replicas per instance. */
  readonly replicas: number;
  /** Container resources per instance. */
  readonly resources: Required<ResourcesSpec>;
  /** Log level. */
  readonly logLevel: LogLevel;
}

/** Argo CD sync policy for the environment. */
export interface SyncSpec {
  /** Sync automatically on every commit (dev); otherwise a human presses SYNC (the approval gate). */
  readonly automated: boolean;
  /**
   * Delete resources that left Git (automated sync only).
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Revert drift made in the cluster (automated sync only).
   * @default true
   */
  readonly selfHeal?: boolean;
}

/** How apps are exposed. */
export interface IngressSpec {
  /** Domain under which exposed apps get `<app>.<domain>`. */
  readonly domain: string;
  /**
   * How exposed apps are routed here: an Ingress inside the vcluster (`'ingress'`), or a Gateway API
   * HTTPRoute on the host attached to `gateway` (`'gateway'`). An app's `expose.kind` overrides it.
   * @default 'ingress'
   */
  readonly kind?: RouteKind;
  /**
   * IngressClass name (Ingresses).
   * @default 'nginx'
   */
  readonly className?: string;
  /** cert-manager ClusterIssuer that issues the TLS certificate (Ingress annotation), if any. */
  readonly clusterIssuer?: string;
  /**
   * The Gateway the HTTPRoutes attach to (kind `'gateway'`); its listener terminates TLS.
   * @default `{ name: 'traefik-gateway', namespace: <platform ingressControllerNamespace>, sectionName: 'websecure' }`
   */
  readonly gateway?: GatewaySpec;
}

/** The vcluster each region of the environment runs its apps in. */
export interface VclusterSpec {
  /**
   * Chart values merged over the golden ones (restricted pod security, network policies, ingress
   * and PDB sync, resource quota); validated against the chart's values schema.
   * @default {}
   */
  readonly values?: VclusterValues;
}

/** Per-app override inside an environment, with optional per-region overrides; patches and extra objects add to the app's. */
export type AppOverride<R extends string> = InstanceSettings & EscapeHatchSpec & {
  /** Overrides for one region of this environment (patches and extra objects add to the env's). */
  readonly regions?: { readonly [K in R]?: InstanceSettings & EscapeHatchSpec };
  /** Per workload of the app (apps/<app>.ts `workloads`): replicas of a worker or stateful set, `suspend` of a cron job. */
  readonly workloads?: { readonly [name: string]: WorkloadOverride };
  /** Per claim of the app (its `volumes` of kind pvc): size and storage class here. */
  readonly volumes?: { readonly [name: string]: VolumeOverride };
};

/** Where and how apps run: one file per environment in envs/. */
export interface EnvironmentSpec<Apps extends AppRegistry, N extends string, R extends string> {
  /** Environment name: DNS label (dev, staging, prod). */
  readonly name: N;
  /** One line about the environment. */
  readonly description?: string;
  /** Regions, keyed by name (DNS labels). Each runs every released app. */
  readonly regions: { readonly [K in R]: RegionSpec };
  /** The profile every app starts from in this environment. */
  readonly profile: ProfileSpec;
  /** Argo CD sync policy. */
  readonly sync: SyncSpec;
  /**
   * When the env's applications may sync (Argo CD sync windows on the env's AppProject; lib/model/sync-windows.ts).
   * @default none: any time
   */
  readonly syncWindows?: readonly SyncWindowSpec[];
  /** Ingress settings. */
  readonly ingress: IngressSpec;
  /** Which image tags may be deployed. `latest` is always refused. */
  readonly tags: TagPolicy;
  /**
   * Registries (prefixes such as `ghcr.io/acme/`) images may come from; checked by the policy gate.
   * @default any registry
   */
  readonly registries?: readonly string[];
  /** The vcluster of each region. */
  readonly vcluster?: VclusterSpec;
  /**
   * How the databases of this env's apps are provisioned (sizes, multi-AZ, backups, deletion policy).
   * Required once an app with a `database` is deployed here.
   */
  readonly database?: DatabaseProfile;
  /** How promotions leave this env (health gate, soak) and enter it (region by region): lib/model/promotion.ts. */
  readonly promotion?: PromotionSpec;
  /** Per-app overrides (keys must be registered apps). */
  readonly apps?: { readonly [A in keyof Apps]?: AppOverride<NoInfer<R>> };
}

/** A defined environment. */
export type EnvironmentDefinition<N extends string = string, R extends string = string> = Readonly<
  EnvironmentSpec<AppRegistry, N, R>
> & { readonly regionNames: readonly R[] };

const ENV_KEYS = ['name', 'description', 'regions', 'profile', 'sync', 'syncWindows', 'ingress', 'tags', 'registries', 'vcluster', 'database', 'promotion', 'apps'] as const;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const DOMAIN_ALLOWED = 'a DNS domain such as "dev.example.com"';

/**
 * Defines an environment against the app registry, so overrides for unknown apps or regions are
 * compile errors, and runtime errors naming the file and the path.
 */
export function defineEnvironment<const Apps extends AppRegistry, const N extends string, const R extends string>(
  apps: Apps,
  spec: EnvironmentSpec<Apps, N, R>,
): EnvironmentDefinition<N, R> {
  const file = callerFile();
  const ok = definitionCheck(() => checkEnvironment(apps, spec, file));
  const def = { ...structuredClone(spec), regionNames: Object.keys(spec.regions ?? {}) as R[] };
  const frozen = setSource(deepFreeze(def), file) as EnvironmentDefinition<N, R>;
  return ok ? frozen : markBroken(frozen);
}

/** Runtime validation of an environment spec: every independent mistake at once (ConfigErrors), each naming its field. */
export function checkEnvironment(apps: AppRegistry, spec: unknown, file: string | undefined): void {
  const c = new Checker(file);
  const s = c.object(spec, 'environment');
  const dnsLabel = { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED };
  c.part(() => c.keys(s, '', ENV_KEYS));
  c.part(() => c.string(s.name, 'name', dnsLabel));
  c.part(() => c.optionalString(s.description, 'description'));
  // The overrides' region check needs the names; a broken regions field leaves none to check against.
  let regionNames: string[] | undefined;
  c.part(() => {
    const regions = c.object(s.regions, 'regions');
    const names = Object.keys(regions);
    if (names.length === 0) c.fail('regions', 'an environment needs at least one region');
    for (const r of names) c.string(r, joinPath('regions', r), dnsLabel);
    regionNames = names;
    for (const r of names) c.part(() => {
      const region = c.object(regions[r], joinPath('regions', r));
      c.keys(region, joinPath('regions', r), ['ingressDomain']);
      c.optionalString(region.ingressDomain, joinPath('regions', r, 'ingressDomain'), { pattern: DOMAIN, allowed: DOMAIN_ALLOWED });
    });
  });
  c.part(() => {
    const profile = c.object(s.profile, 'profile');
    c.keys(profile, 'profile', SETTINGS_KEYS);
    for (const required of ['replicas', 'resources', 'logLevel'] as const) {
      if (profile[required] === undefined) c.fail(joinPath('profile', required), 'is required');
    }
    const res = c.object(profile.resources, 'profile.resources');
    for (const k of ['cpu', 'memory']) if (res[k] === undefined) c.fail(joinPath('profile.resources', k), 'is required');
    checkSettings(c, profile, 'profile');
  });
  c.part(() => {
    const sync = c.object(s.sync, 'sync');
    c.keys(sync, 'sync', ['automated', 'prune', 'selfHeal']);
    c.boolean(sync.automated, 'sync.automated');
    c.optionalBoolean(sync.prune, 'sync.prune');
    c.optionalBoolean(sync.selfHeal, 'sync.selfHeal');
  });
  if (s.syncWindows !== undefined) c.part(() => checkSyncWindows(c, s.syncWindows, 'syncWindows', (s.sync as { automated?: unknown } | undefined)?.automated));
  c.part(() => {
    const ingress = c.object(s.ingress, 'ingress');
    c.keys(ingress, 'ingress', ['domain', 'kind', 'className', 'clusterIssuer', 'gateway']);
    c.string(ingress.domain, 'ingress.domain', { pattern: DOMAIN, allowed: DOMAIN_ALLOWED });
    if (ingress.kind !== undefined) c.oneOf(ingress.kind, 'ingress.kind', ROUTE_KINDS);
    if (ingress.gateway !== undefined) checkGatewaySpec(c, ingress.gateway, 'ingress.gateway');
    c.optionalString(ingress.className, 'ingress.className', dnsLabel);
    c.optionalString(ingress.clusterIssuer, 'ingress.clusterIssuer', dnsLabel);
  });
  c.part(() => {
    const tags = c.object(s.tags, 'tags');
    c.keys(tags, 'tags', ['allow', 'requireDigest']);
    if (!Array.isArray(tags.allow) || tags.allow.length === 0) c.fail('tags.allow', 'must list at least one tag pattern (e.g. TagPatterns.release)');
    (tags.allow as unknown[]).forEach((p, i) => {
      const pat = c.object(p, `tags.allow[${i}]`);
      c.string(pat.name, `tags.allow[${i}].name`);
      if (Object.prototype.toString.call(pat.pattern) !== '[object RegExp]') c.fail(`tags.allow[${i}].pattern`, 'must be a regular expression');
    });
    c.optionalBoolean(tags.requireDigest, 'tags.requireDigest');
  });
  if (s.registries !== undefined) c.part(() => {
    c.stringArray(s.registries, 'registries', { pattern: /^[a-z0-9.-]+(:\d+)?\/([a-z0-9._\/-]*\/)?$/, allowed: 'registry prefixes ending in "/", such as "ghcr.io/acme/"' });
  });
  if (s.vcluster !== undefined) c.part(() => {
    const v = c.object(s.vcluster, 'vcluster');
    c.keys(v, 'vcluster', ['values']);
    // The values themselves are checked against the chart's schema at synth time (imports/schemas).
    if (v.values !== undefined) c.object(v.values, 'vcluster.values');
  });
  if (s.database !== undefined) c.part(() => checkDatabaseProfile(c, s.database, 'database'));
  if (s.promotion !== undefined) c.part(() => checkPromotionSpec(c, s.promotion, 'promotion'));
  if (s.apps !== undefined) c.part(() => {
    const overrides = c.object(s.apps, 'apps');
    const known = Object.keys(apps);
    for (const [app, o] of Object.entries(overrides)) c.part(() => checkAppOverride(c, apps, app, o, known, String(s.name), regionNames));
  });
  c.done();
}

/** One entry of an environment's `apps` overrides; `regionNames` undefined when the env's regions are broken (reported on their own). */
function checkAppOverride(c: Checker, apps: AppRegistry, app: string, o: unknown, known: string[], envName: string, regionNames: string[] | undefined): void {
  const p = joinPath('apps', app);
  // A broken app definition (its errors already reported, see markBroken) decides nothing here.
  if (!known.includes(app)) {
    if (Object.values(apps).some(isBroken)) return;
    c.fail(p, unknownApp(app, known));
  }
  if (o === undefined || isBroken(apps[app])) return;
  const ov = c.object(o, p);
  c.keys(ov, p, [...SETTINGS_KEYS, ...ESCAPE_HATCH_KEYS, 'regions', 'workloads', 'volumes']);
  c.part(() => checkSettings(c, ov, p));
  c.part(() => checkEscapeHatch(c, ov, p));
  if (ov.volumes !== undefined) c.part(() => checkVolumeOverrides(c, ov.volumes, joinPath(p, 'volumes'), (apps as Record<string, { volumes?: { [name: string]: VolumeSpec } }>)[app]?.volumes));
  if (ov.workloads !== undefined) c.part(() => checkWorkloadOverrides(c, ov.workloads, joinPath(p, 'workloads'), (apps as Record<string, { workloads?: { [name: string]: WorkloadSpec } }>)[app]?.workloads));
  if (ov.regions !== undefined) c.part(() => {
    const rs = c.object(ov.regions, joinPath(p, 'regions'));
    for (const [r, ro] of Object.entries(rs)) c.part(() => {
      if (regionNames && !regionNames.includes(r)) {
        c.fail(joinPath(p, 'regions', r), unknownRegion(r, envName, regionNames));
      }
      const rp = joinPath(p, 'regions', r);
      if (ro === undefined) return;
      c.keys(c.object(ro, rp), rp, [...SETTINGS_KEYS, ...ESCAPE_HATCH_KEYS]);
      checkSettings(c, ro as Record<string, unknown>, rp);
      checkEscapeHatch(c, ro as Record<string, unknown>, rp);
    });
  });
}

/** An environment registry: env name -> definition (envs/index.ts). */
export type EnvironmentRegistry = { readonly [name: string]: EnvironmentDefinition };

/** Builds the environment registry, keyed by name, in promotion order: `registerEnvironments(dev, staging, prod)`. */
export function registerEnvironments<const T extends readonly EnvironmentDefinition[]>(
  ...defs: T
): { readonly [E in T[number] as E['name']]: E } {
  return byName('environment', defs) as never;
}

/** Region names of an environment type. */
export type RegionOf<E> = E extends EnvironmentDefinition<string, infer R> ? R : never;
