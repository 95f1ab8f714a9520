/**
 * What the workload rules read: containers with their paths, and per-context indexes (by kind, by name, HPAs by
 * target, PDBs by namespace) so the rules stay linear over thousands of objects.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { containersOf, describeObject, K8sObject, ManifestObject, PolicyContext, podSpecOf } from '../../engine';
import { scopeOf } from '../objects';

export interface ContainerRef {
  readonly m: ManifestObject;
  readonly path: string;
  readonly container: any;
  /** 'initContainers' | 'containers' | 'ephemeralContainers' */
  readonly field: string;
}

/** Every container of every workload (optionally only those in `fields`), with its path. */
export function containers(ctx: PolicyContext, fields?: readonly string[]): ContainerRef[] {
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

export function indexOf(ctx: PolicyContext): Index {
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

/** The objects of the kinds, in document order. */
export function ofKind(ctx: PolicyContext, ...kinds: string[]): ManifestObject[] {
  const idx = indexOf(ctx);
  if (kinds.length === 1) return idx.byKind.get(kinds[0]) ?? [];
  // keep document order across kinds
  return ctx.objects.filter((m) => kinds.includes(m.object.kind ?? ''));
}

export const spec = (o: K8sObject): any => (o.spec && typeof o.spec === 'object' ? o.spec : {});

/** HPAs in the workload's namespace whose scaleTargetRef names it. */
export function hpasOf(ctx: PolicyContext, w: ManifestObject): ManifestObject[] {
  return indexOf(ctx).hpasByTarget.get(`${scopeOf(w)}\0${w.object.kind}\0${w.object.metadata?.name}`) ?? [];
}

/** The replica count a workload runs with at least: the HPA's minReplicas when scaled, else spec.replicas (default 1). */
export function minReplicas(ctx: PolicyContext, w: ManifestObject): { count: number; source: string } {
  const hpa = hpasOf(ctx, w)[0];
  if (hpa) {
    const n = spec(hpa.object).minReplicas;
    return { count: typeof n === 'number' ? n : 1, source: `minReplicas of ${describeObject(hpa.object)}` };
  }
  const r = spec(w.object).replicas;
  return { count: typeof r === 'number' ? r : 1, source: 'spec.replicas' };
}

export const templateLabels = (w: ManifestObject): any => spec(w.object).template?.metadata?.labels;
