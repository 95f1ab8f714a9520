/**
 * Container rules: cpu and memory requests and limits, readiness and liveness probes that differ and aim at declared
 * ports. Anchored on kube-score (container-resources, pod-probes, pod-probes-identical), kube-linter
 * (liveness-port/readiness-port/startup-port) and Polaris (cpu/memory requests/limits).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { defineRule, K8sObject, PolicyFinding, Rule } from '../../engine';
import { containers, spec } from './objects';

// ---------------------------------------------------------------------------------------------
// resources

const requestsAndLimits: Rule = defineRule({
  id: 'resources/requests-and-limits',
  scope: 'object',
  severity: 'error',
  reason: 'containers must set cpu and memory requests and limits',
  explain:
    'Every container, init containers included, must set `resources.requests.cpu`, `resources.requests.memory`, ' +
    '`resources.limits.cpu` and `resources.limits.memory`. Requests drive scheduling and the HPA (utilization is a percentage of the request); ' +
    'limits keep one pod from starving its neighbours (a memory leak ends in an OOM kill of that pod, not of the node). ' +
    'Set them in apps/<app>.ts (or per env).',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['initContainers', 'containers'])) {
      const r = c.container.resources ?? {};
      const missing = ([['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const)
        .filter(([k, res]) => r?.[k]?.[res] === undefined || r?.[k]?.[res] === null || r?.[k]?.[res] === '')
        .map(([k, res]) => `${k}.${res}`);
      if (missing.length > 0) {
        out.push(
          report(c.m, `${c.path}.resources`, `container "${c.container.name ?? '?'}" is missing ${missing.join(', ')}; expected cpu and memory requests and limits`),
        );
      }
    }
    return out;
  },
});

// ---------------------------------------------------------------------------------------------
// probes

/** Long-running pods: everything but Jobs, CronJobs and bare Pods that do not restart. */
function longRunning(o: K8sObject): boolean {
  if (o.kind === 'Job' || o.kind === 'CronJob') return false;
  if (o.kind === 'Pod') {
    const rp = spec(o).restartPolicy;
    return rp === undefined || rp === 'Always';
  }
  return true;
}

const readinessAndLiveness: Rule = defineRule({
  id: 'probes/readiness-and-liveness',
  scope: 'object',
  severity: 'error',
  reason: 'containers of long-running workloads must have a readiness and a liveness probe',
  explain:
    'Every regular container of a Deployment, StatefulSet, DaemonSet, ReplicaSet or restarting Pod must set `readinessProbe` and `livenessProbe` ' +
    '(Jobs and CronJobs are exempt). Without readiness, traffic reaches pods that are still starting or overloaded; without liveness, ' +
    'a hung process is never restarted. The golden app derives both from `health` in apps/<app>.ts.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['containers'])) {
      if (!longRunning(c.m.object)) continue;
      for (const p of ['readinessProbe', 'livenessProbe']) {
        if (!c.container[p]) out.push(report(c.m, `${c.path}.${p}`, `container "${c.container.name ?? '?'}" has no ${p}; expected one`));
      }
    }
    return out;
  },
});

const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

/** A canonical form of a probe (defaults filled, keys sorted). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const distinct: Rule = defineRule({
  id: 'probes/distinct',
  scope: 'object',
  severity: 'error',
  reason: 'readiness and liveness probes must differ',
  explain:
    'Flags a container whose `livenessProbe` is identical to its `readinessProbe` (same handler and same timings, defaults filled in). ' +
    'With identical probes a pod that is merely busy or waiting on a dependency is restarted instead of being taken out of the Service, ' +
    'turning a slowdown into a crash loop. Point liveness at a cheaper endpoint (process alive) or at least give it a higher failureThreshold.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['initContainers', 'containers'])) {
      const { readinessProbe: r, livenessProbe: l } = c.container;
      if (!r || !l || typeof r !== 'object' || typeof l !== 'object') continue;
      if (canonical({ ...PROBE_DEFAULTS, ...r }) === canonical({ ...PROBE_DEFAULTS, ...l })) {
        out.push(
          report(c.m, `${c.path}.livenessProbe`, `container "${c.container.name ?? '?'}" has a livenessProbe identical to its readinessProbe; expected a different endpoint or timings`),
        );
      }
    }
    return out;
  },
});

const portsExist: Rule = defineRule({
  id: 'probes/ports-exist',
  scope: 'object',
  severity: 'error',
  reason: 'probe ports must be ports the container declares',
  explain:
    'A probe port (httpGet, tcpSocket, grpc) given by name must be the name of one of the container\'s `ports`, and one given by number must be ' +
    'a declared `containerPort`. A probe aimed at a port nothing listens on fails forever: the pod never becomes ready, or is restarted in a loop. ' +
    'When the container declares no ports at all, a numeric probe port is only a warning (the port may simply be undeclared); a named one is always an error.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['initContainers', 'containers'])) {
      const ports: any[] = Array.isArray(c.container.ports) ? c.container.ports : [];
      const names = ports.map((p) => p?.name).filter((n) => typeof n === 'string');
      const numbers = ports.map((p) => p?.containerPort).filter((n) => typeof n === 'number');
      const name = c.container.name ?? '?';
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
          const port = c.container[probe]?.[handler]?.port;
          if (port === undefined || port === null) continue;
          const path = `${c.path}.${probe}.${handler}.port`;
          const numeric = typeof port === 'number' || /^\d+$/.test(String(port));
          if (numeric) {
            const n = Number(port);
            if (numbers.includes(n)) continue;
            // With no ports declared at all, the port may simply be undeclared: a warning.
            const severity = ports.length === 0 ? 'warning' : 'error';
            out.push(
              report(c.m, path, `${probe} port ${n} is not a containerPort of container "${name}"; expected one of: ${numbers.join(', ') || '(no ports declared)'}`, severity),
            );
          } else if (!names.includes(port)) {
            out.push(report(c.m, path, `${probe} port "${port}" is not a named port of container "${name}"; expected one of: ${names.join(', ') || '(no named ports)'}`));
          }
        }
      }
    }
    return out;
  },
});

export const containerRules: Rule[] = [requestsAndLimits, readinessAndLiveness, distinct, portsExist];
