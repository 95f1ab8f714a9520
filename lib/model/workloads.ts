import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED, pathsOverlap } from './check';
import { joinPath } from './errors';
import { STORAGE_ALLOWED, STORAGE_SIZE } from './quantity';
import { checkCpuMemory } from './settings';
import { SMOKE_TEST_NAME } from './smoke-test';
import { cronError, timeZoneError } from './cron';

/**
 * An app's workloads besides its web one (pure): a queue `worker` (a Deployment without a Service), a
 * `stateful` set (a StatefulSet with volume claims and a headless Service), a `cron` job and a one-off
 * `job` (optionally an Argo CD sync hook, such as a migration before the new version starts). Each runs
 * the app's image with its config, secrets and database variables; the golden app builds them
 * (lib/constructs/golden-app-workloads.ts).
 */

/** A probe of a workload without an HTTP port: a command whose exit status is the verdict, or an HTTP GET on a port. */
export type WorkloadProbe = { readonly command: readonly string[] } | { readonly httpGet: { readonly path: string; readonly port: number } };

interface WorkloadBase {
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default the image's command */
  readonly args?: readonly string[];
  /** CPU and memory of its container (request = limit). @default the app's resources in the env */
  readonly resources?: { readonly cpu: string; readonly memory: string };
}

/** A long-running process with no Service (e.g. a queue consumer). */
export interface WorkerSpec extends WorkloadBase {
  readonly kind: 'worker';
  /** @default 1 (ignored with autoscaling: the HPA owns the count) */
  readonly replicas?: number;
  /** A HorizontalPodAutoscaler on CPU (the Deployment then has no replicas). @default none */
  readonly autoscaling?: { readonly minReplicas?: number; readonly maxReplicas: number; /** @default 70 */ readonly cpuUtilization?: number };
  /** Liveness and readiness (distinct). */
  readonly health: { readonly liveness: WorkloadProbe; readonly readiness: WorkloadProbe };
}

/** A StatefulSet: stable names, one volume claim per replica and volume, a headless Service for its peers. */
export interface StatefulSpec extends WorkloadBase {
  readonly kind: 'stateful';
  /** @default 1 */
  readonly replicas?: number;
  /** The port its pods listen on (the headless Service's, and the probes'). */
  readonly port: number;
  readonly health: { readonly liveness: string; readonly readiness: string };
  /** Volume claims by name: size (e.g. "10Gi"), where it is mounted, and its storage class. */
  readonly volumes: { readonly [name: string]: { readonly size: string; readonly mountPath: string; /** @default the cluster's default */ readonly storageClass?: string } };
}

/** A CronJob. */
export interface CronSpec extends WorkloadBase {
  readonly kind: 'cron';
  /** Standard 5-field cron syntax (minute hour day-of-month month day-of-week), or @hourly/@daily/@weekly/@monthly/@yearly. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default the controller's (UTC) */
  readonly timeZone?: string;
  /** @default 'Forbid' (a run never overlaps the previous one) */
  readonly concurrencyPolicy?: 'Forbid' | 'Replace' | 'Allow';
  /** @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** Retries of a failed run. @default 2 */
  readonly backoffLimit?: number;
  /** A run is killed after this long. @default none */
  readonly activeDeadlineSeconds?: number;
}

/** A Job: an Argo CD sync hook (run at every sync, e.g. a PreSync migration), or a one-off named after its spec. */
export interface JobSpec extends WorkloadBase {
  readonly kind: 'job';
  /** @default none: a plain Job, renamed whenever its spec changes (a Job's pod template cannot change) */
  readonly hook?: 'PreSync' | 'Sync' | 'PostSync';
  /** @default 2 */
  readonly backoffLimit?: number;
  /** @default none */
  readonly activeDeadlineSeconds?: number;
}

export type WorkloadSpec = WorkerSpec | StatefulSpec | CronSpec | JobSpec;
export const WORKLOAD_KINDS = ['worker', 'stateful', 'cron', 'job'] as const;

/** What an env may change per workload (envs/<env>.ts `apps.<app>.workloads.<name>`). */
export interface WorkloadOverride {
  /** worker, stateful. */
  readonly replicas?: number;
  /** cron: no new runs. */
  readonly suspend?: boolean;
}

/** A workload as an instance runs it: its spec with the env's overrides applied and its resources decided. */
export type ResolvedWorkload = (WorkloadSpec extends infer T ? (T extends unknown ? Omit<T, 'resources'> : never) : never) & {
  readonly name: string;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly suspend?: boolean;
};

/**
 * An app's workloads in one env/region: each spec with the env's override applied and its resources
 * decided (its own request = limit, else the app's), sorted by name.
 */
export function resolveWorkloads(
  specs: { readonly [name: string]: WorkloadSpec } | undefined,
  overrides: { readonly [name: string]: WorkloadOverride } | undefined,
  appResources: ResolvedWorkload['resources'],
): ResolvedWorkload[] {
  return Object.entries(specs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, spec]) => {
    const o = overrides?.[name] ?? {};
    const resources = spec.resources
      ? { requests: { ...spec.resources }, limits: { ...spec.resources } }
      : { requests: { ...appResources.requests }, limits: { ...appResources.limits } };
    return {
      ...spec,
      name,
      resources,
      ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
      ...(o.suspend !== undefined ? { suspend: o.suspend } : {}),
    } as ResolvedWorkload;
  });
}

/** Pods a workload may run at once (for the vcluster's quota): replicas, or one run (two when runs may overlap). */
export function workloadPods(w: ResolvedWorkload): number {
  if (w.kind === 'worker' && w.autoscaling) return Math.max(w.autoscaling.maxReplicas, w.replicas ?? 1);
  if (w.kind === 'worker' || w.kind === 'stateful') return w.replicas ?? 1;
  if (w.kind === 'cron') return w.concurrencyPolicy === 'Allow' ? 2 : w.concurrencyPolicy === 'Replace' ? 2 : 1;
  return 1;
}

const KEYS = {
  worker: ['kind', 'command', 'args', 'resources', 'replicas', 'autoscaling', 'health'],
  stateful: ['kind', 'command', 'args', 'resources', 'replicas', 'port', 'health', 'volumes'],
  cron: ['kind', 'command', 'args', 'resources', 'schedule', 'timeZone', 'concurrencyPolicy', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'backoffLimit', 'activeDeadlineSeconds'],
  job: ['kind', 'command', 'args', 'resources', 'hook', 'backoffLimit', 'activeDeadlineSeconds'],
} as const;

/** Checks an app's `workloads` (one-line errors naming the field). */
export function checkWorkloads(c: Checker, value: unknown, path: string): void {
  const all = c.object(value, path);
  for (const [name, raw] of Object.entries(all)) {
    const p = joinPath(path, name);
    c.string(name, p, { pattern: DNS_LABEL, allowed: `a workload name of ${DNS_LABEL_ALLOWED}` });
    if (name === 'web') c.fail(p, '"web" is the app itself (its port, health and expose); name this workload otherwise');
    if (name === SMOKE_TEST_NAME) c.fail(p, `"${SMOKE_TEST_NAME}" is the app's smoke test (smokeTest); name this workload otherwise`);
    const w = c.object(raw, p);
    const kind = c.oneOf(w.kind, joinPath(p, 'kind'), WORKLOAD_KINDS);
    c.keys(w, p, KEYS[kind]);
    if (w.command !== undefined) c.stringArray(w.command, joinPath(p, 'command'));
    if (w.args !== undefined) c.stringArray(w.args, joinPath(p, 'args'));
    if (w.resources !== undefined) checkCpuMemory(c, w.resources, joinPath(p, 'resources'));
    if (kind === 'worker' || kind === 'stateful') c.optionalInteger(w.replicas, joinPath(p, 'replicas'), 0, 1000);
    if (kind === 'worker' && w.autoscaling !== undefined) {
      const ap = joinPath(p, 'autoscaling');
      const a = c.object(w.autoscaling, ap);
      c.keys(a, ap, ['minReplicas', 'maxReplicas', 'cpuUtilization']);
      const min = c.optionalInteger(a.minReplicas, joinPath(ap, 'minReplicas'), 1, 1000) ?? 1;
      const max = c.integer(a.maxReplicas, joinPath(ap, 'maxReplicas'), 1, 1000);
      if (min > max) c.fail(joinPath(ap, 'minReplicas'), `${min} is above maxReplicas ${max}`);
      c.optionalInteger(a.cpuUtilization, joinPath(ap, 'cpuUtilization'), 1, 100);
    }
    if (kind === 'worker') {
      const h = c.object(w.health, joinPath(p, 'health'));
      c.keys(h, joinPath(p, 'health'), ['liveness', 'readiness']);
      for (const probe of ['liveness', 'readiness']) checkProbe(c, h[probe], joinPath(p, 'health', probe));
      if (JSON.stringify(h.liveness) === JSON.stringify(h.readiness)) c.fail(joinPath(p, 'health.readiness'), 'is the same as liveness; a failing readiness would restart the pod instead of taking it out of rotation');
    }
    if (kind === 'stateful') {
      c.integer(w.port, joinPath(p, 'port'), 1, 65535);
      const h = c.object(w.health, joinPath(p, 'health'));
      c.keys(h, joinPath(p, 'health'), ['liveness', 'readiness']);
      c.string(h.liveness, joinPath(p, 'health.liveness'), { pattern: /^\/\S*$/, allowed: 'an absolute URL path' });
      c.string(h.readiness, joinPath(p, 'health.readiness'), { pattern: /^\/\S*$/, allowed: 'an absolute URL path' });
      const vols = c.object(w.volumes, joinPath(p, 'volumes'));
      if (Object.keys(vols).length === 0) c.fail(joinPath(p, 'volumes'), 'a stateful workload needs at least one volume; use a worker otherwise');
      const paths: string[] = [];
      for (const [v, vr] of Object.entries(vols)) {
        const vp = joinPath(p, 'volumes', v);
        c.string(v, vp, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
        const vol = c.object(vr, vp);
        c.keys(vol, vp, ['size', 'mountPath', 'storageClass']);
        c.string(vol.size, joinPath(vp, 'size'), { pattern: STORAGE_SIZE, allowed: STORAGE_ALLOWED });
        const mount = c.string(vol.mountPath, joinPath(vp, 'mountPath'), { pattern: /^\/\S+$/, allowed: 'an absolute path' });
        const clash = paths.find((q) => pathsOverlap(q, mount));
        if (clash || pathsOverlap(mount, '/tmp')) c.fail(joinPath(vp, 'mountPath'), `"${mount}" overlaps ${clash ? `"${clash}"` : '"/tmp" (the app\'s scratch space)'}`);
        paths.push(mount);
        if (vol.storageClass !== undefined) c.string(vol.storageClass, joinPath(vp, 'storageClass'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
      }
    }
    if (kind === 'cron') {
      const schedule = c.string(w.schedule, joinPath(p, 'schedule'));
      const why = cronError(schedule);
      if (why) c.fail(joinPath(p, 'schedule'), `"${schedule}" ${why}`);
      if (w.timeZone !== undefined) {
        const tz = c.string(w.timeZone, joinPath(p, 'timeZone'));
        const tzWhy = timeZoneError(tz);
        if (tzWhy) c.fail(joinPath(p, 'timeZone'), `"${tz}" ${tzWhy}`);
      }
      if (w.concurrencyPolicy !== undefined) c.oneOf(w.concurrencyPolicy, joinPath(p, 'concurrencyPolicy'), ['Forbid', 'Replace', 'Allow']);
      c.optionalInteger(w.successfulJobsHistoryLimit, joinPath(p, 'successfulJobsHistoryLimit'), 0, 100);
      c.optionalInteger(w.failedJobsHistoryLimit, joinPath(p, 'failedJobsHistoryLimit'), 0, 100);
    }
    if (kind === 'job' && w.hook !== undefined) c.oneOf(w.hook, joinPath(p, 'hook'), ['PreSync', 'Sync', 'PostSync']);
    if (kind === 'cron' || kind === 'job') {
      c.optionalInteger(w.backoffLimit, joinPath(p, 'backoffLimit'), 0, 100);
      c.optionalInteger(w.activeDeadlineSeconds, joinPath(p, 'activeDeadlineSeconds'), 1, 7 * 24 * 3600);
    }
  }
}

function checkProbe(c: Checker, value: unknown, path: string): void {
  const probe = c.object(value, path);
  c.keys(probe, path, ['command', 'httpGet']);
  if ((probe.command === undefined) === (probe.httpGet === undefined)) c.fail(path, 'needs exactly one of command or httpGet');
  if (probe.command !== undefined) c.stringArray(probe.command, joinPath(path, 'command'));
  if (probe.httpGet !== undefined) {
    const h = c.object(probe.httpGet, joinPath(path, 'httpGet'));
    c.keys(h, joinPath(path, 'httpGet'), ['path', 'port']);
    c.string(h.path, joinPath(path, 'httpGet.path'), { pattern: /^\/\S*$/, allowed: 'an absolute URL path' });
    c.integer(h.port, joinPath(path, 'httpGet.port'), 1, 65535);
  }
}

/** Checks an env's per-app `workloads` overrides against the app's workloads. */
export function checkWorkloadOverrides(c: Checker, value: unknown, path: string, defined: { readonly [name: string]: WorkloadSpec } | undefined): void {
  const all = c.object(value, path);
  const names = Object.keys(defined ?? {});
  for (const [name, raw] of Object.entries(all)) {
    const p = joinPath(path, name);
    const spec = defined?.[name];
    if (!spec) c.fail(p, `unknown workload "${name}"; the app's workloads: ${names.length > 0 ? names.join(', ') : 'none'}`);
    const o = c.object(raw, p);
    c.keys(o, p, spec!.kind === 'cron' ? ['suspend'] : spec!.kind === 'job' ? [] : ['replicas']);
    c.optionalInteger(o.replicas, joinPath(p, 'replicas'), 0, 1000);
    c.optionalBoolean(o.suspend, joinPath(p, 'suspend'));
  }
}
