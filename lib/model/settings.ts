import { Checker, CONFIG_KEY, DNS_LABEL, DNS_LABEL_ALLOWED, ENV_NAME } from './check';
import { joinPath } from './errors';
import { CPU_ALLOWED, MEMORY_ALLOWED, parseCpu, parseMemory } from './quantity';
import { ROUTE_KINDS, RouteKind } from './routes';
import { checkSmokeTest, mergeSmokeTest, SmokeTestSpec } from './smoke-test';

/** A CPU or memory amount: one quantity (request = limit) or a request and a limit. */
export type ResourceAmount = string | { readonly request: string; readonly limit: string };

/** Container resources. */
export interface ResourcesSpec {
  /** CPU, e.g. `'200m'` (request = limit) or `{ request: '500m', limit: '1000m' }`. */
  readonly cpu?: ResourceAmount;
  /** Memory, e.g. `'256Mi'` (request = limit) or `{ request: '512Mi', limit: '1Gi' }`. */
  readonly memory?: ResourceAmount;
}

/** Horizontal autoscaling on CPU utilization. Replaces the static replica count. */
export interface AutoscalingSpec {
  /**
   * Lowest replica count.
   * @default the effective `replicas` of the instance
   */
  readonly minReplicas?: number;
  /** Highest replica count. */
  readonly maxReplicas?: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 70
   */
  readonly cpuUtilization?: number;
}

/** Public exposure through an Ingress or a Gateway API HTTPRoute. */
export interface ExposeSpec {
  /**
   * The host's first label: the host is `<subdomain>.<env/region ingress domain>`.
   * @default the app name
   */
  readonly subdomain?: string;
  /**
   * Path prefix routed to the app.
   * @default '/'
   */
  readonly path?: string;
  /**
   * An Ingress (`'ingress'`) or a Gateway API HTTPRoute on the env's Gateway (`'gateway'`); set it in an
   * env's per-app override to route one app differently from the env.
   * @default the env's `ingress.kind`
   */
  readonly kind?: RouteKind;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The "how it runs" settings that layer: golden defaults <- app spec <- env profile <- env per-app
 * override <- region override. Objects merge key by key; scalars and lists replace; `false` switches off.
 */
export interface InstanceSettings {
  /** Pod replicas (ignored for the Deployment when autoscaling is on: the HPA owns the count). */
  readonly replicas?: number;
  /** Container resources. */
  readonly resources?: ResourcesSpec;
  /** Autoscaling; `false` switches it off for this layer and the ones below. */
  readonly autoscaling?: AutoscalingSpec | false;
  /** Log level, rendered as `LOG_LEVEL` in the app's ConfigMap. */
  readonly logLevel?: LogLevel;
  /** Feature flags, rendered as `FEATURE_<NAME>=true|false` in the app's ConfigMap. */
  readonly featureFlags?: { readonly [flag: string]: boolean };
  /** Extra configuration, rendered into the app's ConfigMap (consumed as environment variables). */
  readonly config?: { readonly [key: string]: string };
  /** Spread pods over availability zones (and nodes) with topologySpreadConstraints. */
  readonly spreadAcrossZones?: boolean;
  /** Public exposure through an Ingress or an HTTPRoute (the env's `ingress.kind`); `false` keeps the app internal. */
  readonly expose?: ExposeSpec | boolean;
  /**
   * The PostSync smoke test (its timeout, the app's HTTP checks); `false` switches it off, e.g. in an env's profile.
   * @default on: the readiness path, and the metrics endpoint when the app serves metrics, within 120 s
   */
  readonly smokeTest?: SmokeTestSpec | boolean;
}

export const SETTINGS_KEYS = [
  'replicas', 'resources', 'autoscaling', 'logLevel', 'featureFlags', 'config', 'spreadAcrossZones', 'expose', 'smokeTest',
] as const;

/** Config keys the golden app sets itself; user config may not shadow them. */
export const RESERVED_CONFIG_KEYS = ['APP_NAME', 'APP_ENV', 'APP_REGION', 'LOG_LEVEL'];

/** Validates the settings fields present on `obj` (which may hold other keys too). */
export function checkSettings(c: Checker, obj: Record<string, unknown>, path: string): void {
  if (obj.replicas !== undefined) c.integer(obj.replicas, joinPath(path, 'replicas'), 0, 1000);
  if (obj.resources !== undefined) checkResources(c, obj.resources, joinPath(path, 'resources'));
  if (obj.autoscaling !== undefined && obj.autoscaling !== false) {
    // replicas is the HPA's minimum unless autoscaling.minReplicas is set: both in one place and replicas would be silently ignored.
    if (obj.replicas !== undefined && (obj.autoscaling as { minReplicas?: unknown }).minReplicas !== undefined) {
      c.fail(joinPath(path, 'replicas'), 'is ignored next to autoscaling.minReplicas (the HPA owns the count); keep one of them');
    }
    const p = joinPath(path, 'autoscaling');
    const a = c.object(obj.autoscaling, p);
    c.keys(a, p, ['minReplicas', 'maxReplicas', 'cpuUtilization']);
    c.optionalInteger(a.minReplicas, joinPath(p, 'minReplicas'), 1, 1000);
    c.optionalInteger(a.maxReplicas, joinPath(p, 'maxReplicas'), 1, 1000);
    c.optionalInteger(a.cpuUtilization, joinPath(p, 'cpuUtilization'), 1, 100);
  }
  if (obj.logLevel !== undefined) c.oneOf(obj.logLevel, joinPath(path, 'logLevel'), LOG_LEVELS);
  if (obj.featureFlags !== undefined) {
    const p = joinPath(path, 'featureFlags');
    const flags = c.object(obj.featureFlags, p);
    for (const [k, v] of Object.entries(flags)) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(k)) c.fail(joinPath(p, k), 'invalid flag name; allowed: letters, digits and "_", starting with a letter');
      c.boolean(v, joinPath(p, k));
    }
  }
  if (obj.config !== undefined) {
    const p = joinPath(path, 'config');
    const cfg = c.stringMap(obj.config, p, CONFIG_KEY, 'letters, digits, "-", "_" and "."');
    for (const k of Object.keys(cfg)) {
      if (RESERVED_CONFIG_KEYS.includes(k) || k.startsWith('FEATURE_')) {
        c.fail(joinPath(p, k), `reserved key (set by the golden app; use logLevel/featureFlags instead)`);
      }
      if (!ENV_NAME.test(k)) c.fail(joinPath(p, k), 'config keys become environment variables; allowed: letters, digits and "_", not starting with a digit');
    }
  }
  if (obj.spreadAcrossZones !== undefined) c.boolean(obj.spreadAcrossZones, joinPath(path, 'spreadAcrossZones'));
  if (obj.expose !== undefined && typeof obj.expose !== 'boolean') {
    const p = joinPath(path, 'expose');
    const e = c.object(obj.expose, p);
    c.keys(e, p, ['subdomain', 'path', 'kind']);
    if (e.kind !== undefined) c.oneOf(e.kind, joinPath(p, 'kind'), ROUTE_KINDS);
    c.optionalString(e.subdomain, joinPath(p, 'subdomain'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
    c.optionalString(e.path, joinPath(p, 'path'), { pattern: /^\/[A-Za-z0-9/._~-]*$/, allowed: 'an absolute URL path such as "/" or "/api"' });
  }
  if (obj.smokeTest !== undefined) checkSmokeTest(c, obj.smokeTest, joinPath(path, 'smokeTest'));
}

/** A container's `{ cpu, memory }` (both required, request = limit), e.g. a workload's or a sidecar's. */
export function checkCpuMemory(c: Checker, value: unknown, path: string): void {
  const r = c.object(value, path);
  c.keys(r, path, ['cpu', 'memory']);
  for (const [kind, parse, allowed] of [['cpu', parseCpu, CPU_ALLOWED], ['memory', parseMemory, MEMORY_ALLOWED]] as const) {
    const q = c.string(r[kind], joinPath(path, kind), { allowed });
    if (parse(q) === undefined) c.fail(joinPath(path, kind), `"${q}" is not ${allowed}`);
  }
}

function checkResources(c: Checker, value: unknown, path: string): void {
  const r = c.object(value, path);
  c.keys(r, path, ['cpu', 'memory']);
  for (const [kind, parse, allowed] of [['cpu', parseCpu, CPU_ALLOWED], ['memory', parseMemory, MEMORY_ALLOWED]] as const) {
    const v = r[kind];
    if (v === undefined) continue;
    const p = joinPath(path, kind);
    const [req, lim] = typeof v === 'string' ? [[v, p], [v, p]] : (() => {
      const o = c.object(v, p);
      c.keys(o, p, ['request', 'limit']);
      return [[o.request, joinPath(p, 'request')], [o.limit, joinPath(p, 'limit')]] as const;
    })();
    const reqN = parse(c.string(req[0], req[1] as string));
    if (reqN === undefined) c.fail(req[1] as string, `"${String(req[0])}" is not ${allowed}`);
    const limN = parse(c.string(lim[0], lim[1] as string));
    if (limN === undefined) c.fail(lim[1] as string, `"${String(lim[0])}" is not ${allowed}`);
    if (reqN! <= 0) c.fail(req[1] as string, `must be greater than zero`);
    if (limN! < reqN!) c.fail(lim[1] as string, `limit ${String(lim[0])} is below the request ${String(req[0])}`);
  }
}

/** Merges settings layers, later layers winning (see InstanceSettings). */
export function mergeSettings(...layers: (InstanceSettings | undefined)[]): InstanceSettings {
  const out: { -readonly [K in keyof InstanceSettings]: InstanceSettings[K] } = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.replicas !== undefined) out.replicas = layer.replicas;
    if (layer.resources !== undefined) out.resources = { ...out.resources, ...layer.resources };
    if (layer.autoscaling !== undefined) {
      out.autoscaling = layer.autoscaling === false ? false : { ...(out.autoscaling || {}), ...layer.autoscaling };
    }
    if (layer.logLevel !== undefined) out.logLevel = layer.logLevel;
    if (layer.featureFlags !== undefined) out.featureFlags = { ...out.featureFlags, ...layer.featureFlags };
    if (layer.config !== undefined) out.config = { ...out.config, ...layer.config };
    if (layer.spreadAcrossZones !== undefined) out.spreadAcrossZones = layer.spreadAcrossZones;
    if (layer.expose !== undefined) {
      // true keeps the details of an earlier layer (`{ subdomain }`); false switches exposure off.
      if (layer.expose === false) out.expose = false;
      else if (layer.expose === true) out.expose = typeof out.expose === 'object' ? out.expose : true;
      else out.expose = { ...(typeof out.expose === 'object' ? out.expose : {}), ...layer.expose };
    }
    if (layer.smokeTest !== undefined) out.smokeTest = mergeSmokeTest(out.smokeTest, layer.smokeTest);
  }
  return out;
}
