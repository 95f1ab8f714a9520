import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED, ENV_NAME, ENV_NAME_ALLOWED } from './check';
import { checkDatabaseSpec, DatabaseSpec } from './database';
import { CONNECTION_KEYS } from './database-api';
import { checkWorkloads, WorkloadSpec } from './workloads';
import { checkExtraContainers, checkVolumes, ExtraContainerSpec, VolumeSpec } from './volumes';
import { checkErrorRatio, ErrorRatioSpec } from './monitoring';
import { callerFile, ConfigError, definitionCheck } from './errors';
import { checkSettings, InstanceSettings, SETTINGS_KEYS } from './settings';
import { checkEscapeHatch, ESCAPE_HATCH_KEYS, EscapeHatchSpec } from './escape-hatch';

/** HTTP health endpoints. Probes are built from them. */
export interface HealthSpec {
  /** Path the liveness probe GETs (the process is alive), e.g. `/healthz`. */
  readonly liveness: string;
  /** Path the readiness probe GETs (ready for traffic), e.g. `/readyz`. */
  readonly readiness: string;
  /**
   * How long the app may take to start before the liveness probe counts; a startup probe on the
   * liveness path covers that window. `0` means no startup probe.
   * @default 60
   */
  readonly startupSeconds?: number;
}

/** Who may talk to whom. Default: nobody in, DNS only out. */
export interface NetworkSpec {
  /**
   * Apps this app calls (by name). Each call opens egress here and ingress on the callee, in each
   * env and region where both are deployed (a call to an app not deployed there opens nothing).
   * @default []
   */
  readonly calls?: readonly string[];
  /**
   * Allow egress to the internet (public addresses, HTTPS), e.g. for a SaaS API.
   * @default false
   */
  readonly internetEgress?: boolean;
}

/** Prometheus scraping of the app's metrics endpoint. */
export interface MetricsSpec {
  /**
   * Port serving metrics.
   * @default the app port
   */
  readonly port?: number;
  /**
   * Metrics path.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Alert when the share of 5xx responses exceeds a threshold: the app's request counter and its status label
   * (the alert is written where the app is monitored through kube-prometheus-stack).
   */
  readonly errorRatio?: ErrorRatioSpec;
}

/** An explicit, documented exception to a policy rule for this app. */
export interface PolicyAllow {
  /** Rule id (`npm run validate -- --explain RULE`), or a rule group such as `pss-restricted`. */
  readonly rule: string;
  /** Why the exception is acceptable (required: reviewers read it). */
  readonly reason: string;
}

/** What a service *is*: one file per service in apps/. */
export interface AppSpec<N extends string = string> extends InstanceSettings, EscapeHatchSpec {
  /** The app name: DNS label, used for object names, the namespace and the Argo CD application. */
  readonly name: N;
  /** Owning team (label `<domain>/team`). */
  readonly team: string;
  /** One line about the app. */
  readonly description?: string;
  /**
   * `app.kubernetes.io/part-of`: the larger system this app belongs to.
   * @default the app name
   */
  readonly partOf?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'server'
   */
  readonly component?: string;
  /** Image repository without tag or digest, e.g. `ghcr.io/acme/echo`. The tag comes from envs/releases.ts. */
  readonly image: string;
  /** The container port the app listens on. */
  readonly port: number;
  /** Environment variable that tells the app which port to listen on (e.g. `PORT`). */
  readonly portEnv?: string;
  /**
   * Port of the Service in front of the app.
   * @default 80
   */
  readonly servicePort?: number;
  /** Overrides the image's entrypoint. */
  readonly command?: readonly string[];
  /** Overrides the image's arguments. */
  readonly args?: readonly string[];
  /** Health endpoints for the probes. */
  readonly health: HealthSpec;
  /** Network allowances beyond the default deny. */
  readonly network?: NetworkSpec;
  /** Prometheus scraping (and alerts and a dashboard where the host runs kube-prometheus-stack); `true` uses the app port and `/metrics`. */
  readonly metrics?: MetricsSpec | boolean;
  /** Secret keys the app needs as environment variables (values are sealed into envs/secrets.ts). */
  readonly secrets?: readonly string[];
  /**
   * A database to provision for the app in each env/region it is deployed to; the env's `database`
   * profile decides the instance class, storage, multi-AZ, backups and deletion policy.
   */
  readonly database?: DatabaseSpec;
  /**
   * Workloads besides the web one, by name: a queue `worker`, a `stateful` set, a `cron` job, a one-off
   * `job` (e.g. a PreSync migration). Each runs the app's image with its config, secrets and database.
   * @default none
   */
  readonly workloads?: { readonly [name: string]: WorkloadSpec };
  /** Volumes mounted into the app's container, by name (emptyDir, configFiles, secretFiles, pvc). @default none */
  readonly volumes?: { readonly [name: string]: VolumeSpec };
  /** Native sidecars (init containers with restartPolicy Always: they start first and run beside the app), by name. @default none */
  readonly sidecars?: { readonly [name: string]: ExtraContainerSpec };
  /** Init containers, run in order of name before the app starts. @default none */
  readonly initContainers?: { readonly [name: string]: ExtraContainerSpec };
  /**
   * Non-root user (and group) the container runs as.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * Exceptions to the policy gate for this app, each with a reason.
   * @default { allow: [] }
   */
  readonly policy?: { readonly allow: readonly PolicyAllow[] };
}

/** A defined app: the frozen spec. */
export type AppDefinition<N extends string = string> = Readonly<AppSpec<N>>;

const sources = new WeakMap<object, string | undefined>();

/** The file that defined `spec` (absolute path), if known. */
export function sourceOf(spec: object): string | undefined {
  return sources.get(spec);
}

const broken = new WeakSet<object>();

/**
 * Marks a definition whose check failed while its errors were deferred (lib/model/errors' deferDefinitionErrors):
 * the checks that read it (an env's overrides, the release data) skip what it would decide, so one mistake is
 * reported once and not again as every use of it.
 */
export function markBroken<T extends object>(def: T): T {
  broken.add(def);
  return def;
}

/** Whether {@link markBroken} marked `def`. */
export function isBroken(def: object | undefined): boolean {
  return def !== undefined && broken.has(def);
}

/** Records the file that defined a value (used by definers and tests). */
export function setSource<T extends object>(spec: T, file: string | undefined): T {
  sources.set(spec, file);
  return spec;
}

/** `registry/path/name`, lowercase, optional registry host with port; no tag, no digest. */
const IMAGE_REPO = /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const URL_PATH = /^\/[A-Za-z0-9/._~%-]*$/;

const APP_KEYS = [
  'name', 'team', 'description', 'partOf', 'component', 'image', 'port', 'portEnv', 'servicePort', 'command', 'args',
  'health', 'network', 'metrics', 'secrets', 'database', 'workloads', 'volumes', 'sidecars', 'initContainers', 'runAsUser', 'policy', ...SETTINGS_KEYS,
] as const;

/**
 * Defines an app. Validates every field at runtime (with the field path and the defining file) and
 * returns the frozen spec.
 *
 * ```ts
 * export const echo = defineApp({ name: 'echo', team: 'platform', image: 'ghcr.io/acme/echo', port: 8080,
 *   health: { liveness: '/healthz', readiness: '/readyz' } });
 * ```
 */
export function defineApp<const N extends string>(spec: AppSpec<N>): AppDefinition<N> {
  const file = callerFile();
  const ok = definitionCheck(() => checkApp(spec, file));
  const def = setSource(deepFreeze(structuredClone(spec)), file);
  return ok ? def : markBroken(def);
}

/**
 * Runtime validation of an app spec; throws ConfigError naming `file` and the field path, or ConfigErrors when
 * several independent fields are wrong (each field, or group of fields checked together, is a part).
 */
export function checkApp(spec: unknown, file: string | undefined): void {
  const c = new Checker(file);
  const s = c.object(spec, 'app');
  const dnsLabel = { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED };
  c.part(() => c.keys(s, '', [...APP_KEYS, ...ESCAPE_HATCH_KEYS]));
  c.part(() => c.string(s.name, 'name', dnsLabel));
  c.part(() => c.string(s.team, 'team', dnsLabel));
  c.part(() => c.optionalString(s.description, 'description'));
  c.part(() => c.optionalString(s.partOf, 'partOf', dnsLabel));
  c.part(() => c.optionalString(s.component, 'component', dnsLabel));
  c.part(() => {
    const image = c.string(s.image, 'image');
    if (/@/.test(image) || /:[^/]*$/.test(image.replace(/^[^/]+:\d+\//, ''))) {
      c.fail('image', `"${image}" must be a repository without tag or digest (e.g. "ghcr.io/acme/echo"); tags and digests go in envs/releases.ts`);
    }
    if (!IMAGE_REPO.test(image)) c.fail('image', `"${image}" is not a valid image repository; allowed: lowercase path segments like "ghcr.io/acme/echo"`);
  });
  c.part(() => c.integer(s.port, 'port', 1, 65535));
  c.part(() => c.optionalString(s.portEnv, 'portEnv', { pattern: ENV_NAME, allowed: ENV_NAME_ALLOWED }));
  c.part(() => c.optionalInteger(s.servicePort, 'servicePort', 1, 65535));
  c.part(() => { if (s.command !== undefined) c.stringArray(s.command, 'command'); });
  c.part(() => { if (s.args !== undefined) c.stringArray(s.args, 'args'); });
  c.part(() => {
    const h = c.object(s.health, 'health');
    c.keys(h, 'health', ['liveness', 'readiness', 'startupSeconds']);
    c.part(() => c.string(h.liveness, 'health.liveness', { pattern: URL_PATH, allowed: 'an absolute URL path such as "/healthz"' }));
    c.part(() => c.string(h.readiness, 'health.readiness', { pattern: URL_PATH, allowed: 'an absolute URL path such as "/readyz"' }));
    c.part(() => c.optionalInteger(h.startupSeconds, 'health.startupSeconds', 0, 3600));
  });
  if (s.network !== undefined) c.part(() => {
    const n = c.object(s.network, 'network');
    c.keys(n, 'network', ['calls', 'internetEgress']);
    if (n.calls !== undefined) {
      const calls = c.stringArray(n.calls, 'network.calls', { pattern: DNS_LABEL, allowed: 'app names' });
      if (calls.includes(s.name as string)) c.fail('network.calls', 'an app does not need to call itself');
    }
    c.optionalBoolean(n.internetEgress, 'network.internetEgress');
  });
  if (s.metrics !== undefined && typeof s.metrics !== 'boolean') c.part(() => {
    const m = c.object(s.metrics, 'metrics');
    c.keys(m, 'metrics', ['port', 'path', 'errorRatio']);
    c.optionalInteger(m.port, 'metrics.port', 1, 65535);
    c.optionalString(m.path, 'metrics.path', { pattern: URL_PATH, allowed: 'an absolute URL path such as "/metrics"' });
    if (m.errorRatio !== undefined) checkErrorRatio(c, m.errorRatio, 'metrics.errorRatio');
  });
  if (s.secrets !== undefined) c.part(() => {
    const keys = c.stringArray(s.secrets, 'secrets', { pattern: ENV_NAME, allowed: `environment variable names (${ENV_NAME_ALLOWED})` });
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup) c.fail('secrets', `"${dup}" is listed twice`);
  });
  if (s.database !== undefined) c.part(() => {
    checkDatabaseSpec(c, s.database, 'database');
    // The database's connection Secret sets these variables; nothing else may.
    const taken = (name: unknown) => typeof name === 'string' && (CONNECTION_KEYS as readonly string[]).includes(name);
    const set = `is set from the database's connection Secret (${CONNECTION_KEYS.join(', ')}); pick another name`;
    (Array.isArray(s.secrets) ? s.secrets : []).forEach((k: unknown, i: number) => { if (taken(k)) c.fail(`secrets[${i}]`, `"${k}" ${set}`); });
    if (taken(s.portEnv)) c.fail('portEnv', `"${s.portEnv}" ${set}`);
  });
  if (s.workloads !== undefined) c.part(() => checkWorkloads(c, s.workloads, 'workloads'));
  const secretKeys = Array.isArray(s.secrets) ? (s.secrets as string[]) : [];
  if (s.volumes !== undefined) c.part(() => checkVolumes(c, s.volumes, 'volumes', secretKeys));
  const volumeNames = s.volumes && typeof s.volumes === 'object' ? Object.keys(s.volumes) : [];
  if (s.sidecars !== undefined) c.part(() => checkExtraContainers(c, s.sidecars, 'sidecars', volumeNames, String(s.name)));
  if (s.initContainers !== undefined) c.part(() => checkExtraContainers(c, s.initContainers, 'initContainers', volumeNames, String(s.name)));
  c.part(() => {
    const both = Object.keys(s.sidecars ?? {}).find((n) => Object.keys(s.initContainers ?? {}).includes(n));
    if (both) c.fail(`sidecars.${both}`, `"${both}" is also an init container; containers of a pod have distinct names`);
  });
  c.part(() => c.optionalInteger(s.runAsUser, 'runAsUser', 1, 2147483647));
  if (s.policy !== undefined) c.part(() => {
    const pol = c.object(s.policy, 'policy');
    c.keys(pol, 'policy', ['allow']);
    if (!Array.isArray(pol.allow)) c.fail('policy.allow', 'must be a list of { rule, reason }');
    (pol.allow as unknown[]).forEach((a, i) => {
      const p = `policy.allow[${i}]`;
      const entry = c.object(a, p);
      c.keys(entry, p, ['rule', 'reason']);
      c.string(entry.rule, `${p}.rule`, { pattern: /^[a-z0-9-]+(\/[a-z0-9-]+)?$/, allowed: 'a rule id such as "pss-restricted/seccomp" or a group such as "pss-restricted" (npm run validate -- --explain RULE)' });
      if (typeof entry.reason !== 'string' || entry.reason.trim().length < 10) {
        c.fail(`${p}.reason`, 'is required: say why this exception is acceptable (at least 10 characters)');
      }
    });
  });
  c.part(() => checkEscapeHatch(c, s, ''));
  c.part(() => checkSettings(c, s, ''));
  c.done();
}

/** An app registry: app name -> definition (apps/index.ts). */
export type AppRegistry = { readonly [name: string]: AppDefinition };

/**
 * Builds the app registry, keyed by app name: `export const apps = registerApps(echo, bookShop)`.
 * The registry's type makes overrides and releases for unknown apps a compile error.
 */
export function registerApps<const T extends readonly AppDefinition[]>(
  ...defs: T
): { readonly [A in T[number] as A['name']]: A } {
  return byName('app', defs) as never;
}

/** A frozen record of named definitions, refusing a name defined twice (the registries). */
export function byName<T extends { readonly name: string }>(what: string, defs: readonly T[]): Readonly<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const def of defs) {
    if (out[def.name]) {
      // Under deferDefinitionErrors the first definition is kept and loading goes on.
      definitionCheck(() => { throw new ConfigError(sourceOf(def), 'name', `${what} "${def.name}" is defined twice (also in ${sourceOf(out[def.name]) ?? 'another file'})`); });
      continue;
    }
    out[def.name] = def;
  }
  return Object.freeze(out);
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && Object.prototype.toString.call(value) !== '[object RegExp]') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
