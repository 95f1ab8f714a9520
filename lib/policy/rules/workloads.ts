/**
 * Workload rules: images, resources, probes, disruption budgets and autoscalers. Anchored on
 * kube-score (container-image-tag, container-resources, pod-probes, pod-probes-identical,
 * *-has-poddisruptionbudget, horizontalpodautoscaler-has-target,
 * deployment-targeted-by-hpa-does-not-have-replicas-configured), kube-linter (latest-tag,
 * liveness-port/readiness-port/startup-port, pdb-max-unavailable, pdb-min-available) and Polaris
 * (tagNotSpecified, cpu/memory requests/limits, missingPodDisruptionBudget, pdbDisruptionsIsZero).
 */
import { clusterOf, containersOf, describeObject, finding, K8sObject, ManifestObject, PolicyContext, PolicyFinding, podSpecOf, Rule } from '../engine';

/* eslint-disable @typescript-eslint/no-explicit-any */

const optOut = (id: string) =>
  `To opt out, declare it in the app's apps/<app>.ts: \`policy: { allow: [{ rule: '${id}', reason: '...' }] }\` (the reason is required and reviewed).`;

// ---------------------------------------------------------------------------------------------
// helpers

interface ContainerRef {
  readonly m: ManifestObject;
  readonly path: string;
  readonly container: any;
  /** 'initContainers' | 'containers' | 'ephemeralContainers' */
  readonly field: string;
}

function containers(ctx: PolicyContext, fields?: readonly string[]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const m of ctx.objects) {
    const pod = podSpecOf(m.object);
    if (!pod) continue;
    for (const c of containersOf(pod)) {
      if (!c.container || typeof c.container !== 'object') continue;
      const field = c.path.slice(pod.path.length + 1).replace(/\[\d+\]$/, '');
      if (fields && !fields.includes(field)) continue;
      out.push({ m, path: c.path, container: c.container, field });
    }
  }
  return out;
}

/** An image reference split into its parts. */
export interface ImageRef {
  /** Registry host, when the reference names one (else Docker Hub). */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repo = colon > slash ? name.slice(0, colon) : name;
  const first = repo.split('/')[0];
  const hasHost = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return { registry: hasHost ? first : undefined, repository: hasHost ? repo.slice(first.length + 1) : repo, tag, digest };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The fully qualified name (`docker.io/library/nginx` for `nginx`). */
function qualified(image: string): string {
  const ref = parseImage(image);
  if (ref.registry) return image;
  return `docker.io/${ref.repository.includes('/') ? '' : 'library/'}${image}`;
}

function imageRule(id: string, reason: string, explain: string, test: (image: string, ref: ImageRef, m: ManifestObject, ctx: PolicyContext) => string | undefined): Rule {
  const rule: Rule = {
    id,
    severity: 'error',
    reason,
    explain,
    check(ctx) {
      const out: PolicyFinding[] = [];
      for (const c of containers(ctx)) {
        const image = c.container.image;
        if (typeof image !== 'string' || image === '') continue;
        const message = test(image, parseImage(image), c.m, ctx);
        if (message) out.push(finding(rule, c.m, `${c.path}.image`, message));
      }
      return out;
    },
  };
  return rule;
}

function scopeOf(m: ManifestObject): string {
  return `${clusterOf(m.file)}\0${m.object.metadata?.namespace ?? ''}`;
}

/** Per-context indexes, built once: rules run over thousands of objects (linear, not quadratic). */
interface Index {
  readonly byKind: Map<string, ManifestObject[]>;
  /** `${scope}\0${kind}\0${name}` -> objects. */
  readonly byName: Map<string, ManifestObject[]>;
  /** `${scope}\0${kind}\0${name}` of an HPA's target -> HPAs. */
  readonly hpasByTarget: Map<string, ManifestObject[]>;
  /** scope -> PodDisruptionBudgets. */
  readonly pdbsByScope: Map<string, ManifestObject[]>;
}
const indexes = new WeakMap<PolicyContext, Index>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexOf(ctx: PolicyContext): Index {
  let idx = indexes.get(ctx);
  if (idx) return idx;
  idx = { byKind: new Map(), byName: new Map(), hpasByTarget: new Map(), pdbsByScope: new Map() };
  for (const m of ctx.objects) {
    const kind = m.object.kind ?? '';
    push(idx.byKind, kind, m);
    push(idx.byName, `${scopeOf(m)}\0${kind}\0${m.object.metadata?.name ?? ''}`, m);
    if (kind === 'HorizontalPodAutoscaler') {
      const ref = spec(m.object).scaleTargetRef;
      if (ref && typeof ref === 'object') push(idx.hpasByTarget, `${scopeOf(m)}\0${ref.kind}\0${ref.name}`, m);
    }
    if (kind === 'PodDisruptionBudget') push(idx.pdbsByScope, scopeOf(m), m);
  }
  indexes.set(ctx, idx);
  return idx;
}

function ofKind(ctx: PolicyContext, ...kinds: string[]): ManifestObject[] {
  const idx = indexOf(ctx);
  if (kinds.length === 1) return idx.byKind.get(kinds[0]) ?? [];
  // keep document order across kinds
  return ctx.objects.filter((m) => kinds.includes(m.object.kind ?? ''));
}

const spec = (o: K8sObject): any => (o.spec && typeof o.spec === 'object' ? o.spec : {});

/** HPAs in the workload's namespace whose scaleTargetRef names it. */
function hpasOf(ctx: PolicyContext, w: ManifestObject): ManifestObject[] {
  return indexOf(ctx).hpasByTarget.get(`${scopeOf(w)}\0${w.object.kind}\0${w.object.metadata?.name}`) ?? [];
}

/** The replica count a workload runs with at least: the HPA's minReplicas when scaled, else spec.replicas (default 1). */
function minReplicas(ctx: PolicyContext, w: ManifestObject): { count: number; source: string } {
  const hpa = hpasOf(ctx, w)[0];
  if (hpa) {
    const n = spec(hpa.object).minReplicas;
    return { count: typeof n === 'number' ? n : 1, source: `minReplicas of ${describeObject(hpa.object)}` };
  }
  const r = spec(w.object).replicas;
  return { count: typeof r === 'number' ? r : 1, source: 'spec.replicas' };
}

/** Whether a label selector (matchLabels + matchExpressions) selects `labels`. A missing selector selects nothing. */
export function selects(selector: any, labels: { readonly [k: string]: string } | undefined): boolean {
  if (!selector || typeof selector !== 'object') return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(l, e?.key);
    const values: unknown[] = Array.isArray(e?.values) ? e.values : [];
    switch (e?.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const templateLabels = (w: ManifestObject): any => spec(w.object).template?.metadata?.labels;

const isZero = (v: unknown) => v === 0 || (typeof v === 'string' && /^0+%?$/.test(v.trim()));

// ---------------------------------------------------------------------------------------------
// images

const noLatest = imageRule(
  'images/no-latest',
  'images must not use the `latest` tag',
  'Flags a container image whose tag is explicitly `latest` and that is not pinned by a digest. `latest` moves: ' +
    'two pods of the same Deployment can run different code, a rollback does not roll back and nothing records what ran. ' +
    'Release a version tag (and a digest) through envs/releases.ts. ' +
    optOut('images/no-latest'),
  (image, ref) => (ref.tag === 'latest' && !ref.digest ? `image "${image}" uses the tag "latest"; expected a version tag (and an @sha256: digest)` : undefined),
);

const untagged = imageRule(
  'images/untagged',
  'images must name a tag or a digest',
  'Flags a container image with neither a tag nor a digest (e.g. `nginx`), which the runtime resolves to `latest`: ' +
    'what runs changes whenever the registry changes. Give a version tag and, ideally, an `@sha256:` digest. ' +
    optOut('images/untagged'),
  (image, ref) => (!ref.tag && !ref.digest ? `image "${image}" has no tag and no digest; expected <image>:<version>[@sha256:<digest>]` : undefined),
);

const digestRequired = imageRule(
  'images/digest-required',
  'images must be pinned by an @sha256: digest in environments that require it',
  'In environments whose policy requires digests (prod), every container image must end in `@sha256:<64 hex>`: ' +
    'a tag can be re-pushed, a digest cannot, so the digest is what was tested and what will run. ' +
    'envs/releases.ts records the digest next to the tag. ' +
    optOut('images/digest-required'),
  (image, ref, m, ctx) => {
    const env = ctx.envOf(m.file);
    if (!env?.requireDigest) return undefined;
    if (ref.digest !== undefined && DIGEST.test(ref.digest)) return undefined;
    return ref.digest !== undefined
      ? `image "${image}" has a malformed digest; expected @sha256:<64 lowercase hex> (required in ${env.env})`
      : `image "${image}" is not pinned by digest; expected <image>:<tag>@sha256:<digest> (required in ${env.env})`;
  },
);

const registry = imageRule(
  'images/registry',
  'images must come from an allowed registry',
  "When an environment lists the registries images may come from (prefixes such as `ghcr.io/acme/`), every container image must start with one of them " +
    '(images without a registry host are Docker Hub images, `docker.io/library/<name>`). Pulling from elsewhere bypasses scanning, signing and mirroring. ' +
    optOut('images/registry'),
  (image, _ref, m, ctx) => {
    const allowed = ctx.envOf(m.file)?.registries;
    if (!allowed) return undefined;
    const q = qualified(image);
    if (allowed.some((p) => image.startsWith(p) || q.startsWith(p))) return undefined;
    return `image "${image}" is not from an allowed registry; expected a prefix of: ${allowed.join(', ') || '(none)'}`;
  },
);

// ---------------------------------------------------------------------------------------------
// resources

const requestsAndLimits: Rule = {
  id: 'resources/requests-and-limits',
  severity: 'error',
  reason: 'containers must set cpu and memory requests and limits',
  explain:
    'Every container, init containers included, must set `resources.requests.cpu`, `resources.requests.memory`, ' +
    '`resources.limits.cpu` and `resources.limits.memory`. Requests drive scheduling and the HPA (utilization is a percentage of the request); ' +
    'limits keep one pod from starving its neighbours (a memory leak ends in an OOM kill of that pod, not of the node). ' +
    'Set them in apps/<app>.ts (or per env). ' +
    optOut('resources/requests-and-limits'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['initContainers', 'containers'])) {
      const r = c.container.resources ?? {};
      const missing = ([['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const)
        .filter(([k, res]) => r?.[k]?.[res] === undefined || r?.[k]?.[res] === null || r?.[k]?.[res] === '')
        .map(([k, res]) => `${k}.${res}`);
      if (missing.length > 0) {
        out.push(
          finding(requestsAndLimits, c.m, `${c.path}.resources`, `container "${c.container.name ?? '?'}" is missing ${missing.join(', ')}; expected cpu and memory requests and limits`),
        );
      }
    }
    return out;
  },
};

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

const readinessAndLiveness: Rule = {
  id: 'probes/readiness-and-liveness',
  severity: 'error',
  reason: 'containers of long-running workloads must have a readiness and a liveness probe',
  explain:
    'Every regular container of a Deployment, StatefulSet, DaemonSet, ReplicaSet or restarting Pod must set `readinessProbe` and `livenessProbe` ' +
    '(Jobs and CronJobs are exempt). Without readiness, traffic reaches pods that are still starting or overloaded; without liveness, ' +
    'a hung process is never restarted. The golden app derives both from `health` in apps/<app>.ts. ' +
    optOut('probes/readiness-and-liveness'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['containers'])) {
      if (!longRunning(c.m.object)) continue;
      for (const p of ['readinessProbe', 'livenessProbe']) {
        if (!c.container[p]) out.push(finding(readinessAndLiveness, c.m, `${c.path}.${p}`, `container "${c.container.name ?? '?'}" has no ${p}; expected one`));
      }
    }
    return out;
  },
};

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

const distinct: Rule = {
  id: 'probes/distinct',
  severity: 'error',
  reason: 'readiness and liveness probes must differ',
  explain:
    'Flags a container whose `livenessProbe` is identical to its `readinessProbe` (same handler and same timings, defaults filled in). ' +
    'With identical probes a pod that is merely busy or waiting on a dependency is restarted instead of being taken out of the Service, ' +
    'turning a slowdown into a crash loop. Point liveness at a cheaper endpoint (process alive) or at least give it a higher failureThreshold. ' +
    optOut('probes/distinct'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const c of containers(ctx, ['initContainers', 'containers'])) {
      const { readinessProbe: r, livenessProbe: l } = c.container;
      if (!r || !l || typeof r !== 'object' || typeof l !== 'object') continue;
      if (canonical({ ...PROBE_DEFAULTS, ...r }) === canonical({ ...PROBE_DEFAULTS, ...l })) {
        out.push(
          finding(distinct, c.m, `${c.path}.livenessProbe`, `container "${c.container.name ?? '?'}" has a livenessProbe identical to its readinessProbe; expected a different endpoint or timings`),
        );
      }
    }
    return out;
  },
};

const portsExist: Rule = {
  id: 'probes/ports-exist',
  severity: 'error',
  reason: 'probe ports must be ports the container declares',
  explain:
    'A probe port (httpGet, tcpSocket, grpc) given by name must be the name of one of the container\'s `ports`, and one given by number must be ' +
    'a declared `containerPort`. A probe aimed at a port nothing listens on fails forever: the pod never becomes ready, or is restarted in a loop. ' +
    'When the container declares no ports at all, a numeric probe port is only a warning (the port may simply be undeclared); a named one is always an error. ' +
    optOut('probes/ports-exist'),
  check(ctx) {
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
            const sev = ports.length === 0 ? 'warning' : 'error';
            out.push(
              finding({ id: portsExist.id, severity: sev }, c.m, path, `${probe} port ${n} is not a containerPort of container "${name}"; expected one of: ${numbers.join(', ') || '(no ports declared)'}`),
            );
          } else if (!names.includes(port)) {
            out.push(finding(portsExist, c.m, path, `${probe} port "${port}" is not a named port of container "${name}"; expected one of: ${names.join(', ') || '(no named ports)'}`));
          }
        }
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// availability

const pdbForReplicas: Rule = {
  id: 'availability/pdb-for-replicas',
  severity: 'error',
  reason: 'replicated Deployments and StatefulSets must be covered by a PodDisruptionBudget',
  explain:
    'A Deployment or StatefulSet that runs more than one replica (spec.replicas > 1, or an HPA with minReplicas > 1) must have a PodDisruptionBudget ' +
    'in the same namespace whose selector matches its pod template labels. Without one, a node drain or cluster upgrade may evict every replica at once. ' +
    'The golden app emits one when replicas > 1. ' +
    optOut('availability/pdb-for-replicas'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    const pdbsByScope = indexOf(ctx).pdbsByScope;
    for (const w of ofKind(ctx, 'Deployment', 'StatefulSet')) {
      const { count, source } = minReplicas(ctx, w);
      if (count <= 1) continue;
      const labels = templateLabels(w);
      if ((pdbsByScope.get(scopeOf(w)) ?? []).some((p) => selects(spec(p.object).selector, labels))) continue;
      out.push(
        finding(pdbForReplicas, w, '', `runs ${count} replicas (${source}) but no PodDisruptionBudget in its namespace selects its pod template labels; expected one (e.g. maxUnavailable: 1)`),
      );
    }
    return out;
  },
};

const pdbAllowsEvictions: Rule = {
  id: 'availability/pdb-allows-evictions',
  severity: 'error',
  reason: 'PodDisruptionBudgets must allow at least one eviction',
  explain:
    'Flags a PodDisruptionBudget with `maxUnavailable` 0 or "0%", `minAvailable` "100%", or an integer `minAvailable` at or above the replica count ' +
    '(the HPA\'s minReplicas when scaled) of a workload it selects. Such a budget never allows a voluntary eviction: node drains and cluster upgrades hang ' +
    'until someone deletes it. Use `maxUnavailable: 1`. ' +
    optOut('availability/pdb-allows-evictions'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    const workloads = ofKind(ctx, 'Deployment', 'StatefulSet', 'ReplicaSet');
    for (const p of ofKind(ctx, 'PodDisruptionBudget')) {
      const s = spec(p.object);
      if (s.maxUnavailable !== undefined && isZero(s.maxUnavailable)) {
        out.push(finding(pdbAllowsEvictions, p, 'spec.maxUnavailable', `maxUnavailable ${JSON.stringify(s.maxUnavailable)} blocks every eviction; expected at least 1`));
        continue;
      }
      const min = s.minAvailable;
      if (min === undefined || min === null) continue;
      if (typeof min === 'string' && min.trim().endsWith('%')) {
        if (parseFloat(min) >= 100) out.push(finding(pdbAllowsEvictions, p, 'spec.minAvailable', `minAvailable "${min}" blocks every eviction; expected below 100% (or maxUnavailable: 1)`));
        continue;
      }
      const n = Number(min);
      if (!Number.isFinite(n)) continue;
      for (const w of workloads) {
        if (scopeOf(w) !== scopeOf(p) || !selects(s.selector, templateLabels(w))) continue;
        const { count, source } = minReplicas(ctx, w);
        if (n >= count) {
          out.push(
            finding(pdbAllowsEvictions, p, 'spec.minAvailable', `minAvailable ${n} >= ${count} replicas of ${describeObject(w.object)} (${source}) blocks every eviction; expected fewer than ${count} (or maxUnavailable: 1)`),
          );
          break;
        }
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// hpa

const targetExists: Rule = {
  id: 'hpa/target-exists',
  severity: 'error',
  reason: "a HorizontalPodAutoscaler's scaleTargetRef must name an existing workload",
  explain:
    "Flags a HorizontalPodAutoscaler whose `spec.scaleTargetRef` (kind and name) matches no object of that kind in the HPA's namespace. " +
    'Such an HPA scales nothing; usually a rename left it behind or the kind is wrong. ' +
    optOut('hpa/target-exists'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const h of ofKind(ctx, 'HorizontalPodAutoscaler')) {
      const ref = spec(h.object).scaleTargetRef;
      if (!ref || typeof ref !== 'object') {
        out.push(finding(targetExists, h, 'spec.scaleTargetRef', 'has no scaleTargetRef; expected { apiVersion, kind, name } of a workload'));
        continue;
      }
      const found = indexOf(ctx).byName.has(`${scopeOf(h)}\0${ref.kind}\0${ref.name}`);
      if (!found) {
        const ns = h.object.metadata?.namespace;
        out.push(
          finding(targetExists, h, 'spec.scaleTargetRef.name', `scaleTargetRef ${ref.kind ?? '(no kind)'} "${ref.name ?? ''}" does not exist${ns ? ` in namespace ${ns}` : ''}; expected an existing ${ref.kind ?? 'workload'}`),
        );
      }
    }
    return out;
  },
};

const noStaticReplicas: Rule = {
  id: 'hpa/no-static-replicas',
  severity: 'error',
  reason: 'workloads scaled by a HorizontalPodAutoscaler must not set spec.replicas',
  explain:
    'A workload targeted by a HorizontalPodAutoscaler must leave `spec.replicas` unset: every sync would otherwise reset the replica count the HPA ' +
    'chose (Argo CD sees drift and scales the workload back), causing churn under load. The HPA\'s minReplicas is the floor. ' +
    optOut('hpa/no-static-replicas'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const w of ctx.objects) {
      const replicas = spec(w.object).replicas;
      if (replicas === undefined || replicas === null) continue;
      const hpa = hpasOf(ctx, w)[0];
      if (!hpa) continue;
      out.push(finding(noStaticReplicas, w, 'spec.replicas', `sets replicas ${JSON.stringify(replicas)} but is scaled by ${describeObject(hpa.object)}; expected spec.replicas unset`));
    }
    return out;
  },
};

/* eslint-enable @typescript-eslint/no-explicit-any */

export const workloadRules: Rule[] = [
  noLatest,
  untagged,
  digestRequired,
  registry,
  requestsAndLimits,
  readinessAndLiveness,
  distinct,
  portsExist,
  pdbForReplicas,
  pdbAllowsEvictions,
  targetExists,
  noStaticReplicas,
];
