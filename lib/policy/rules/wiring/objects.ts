/**
 * What the wiring rules read: pod labels of workloads, Services and their selected workloads. Namespaces are per
 * cluster (see `scopeOf`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { K8sObject, ManifestObject, PolicyContext, podSpecOf } from '../../engine';

/** An object's namespace, for messages. */
export const ns = (m: ManifestObject): string => m.object.metadata?.namespace ?? '(none)';

export const isObj = (v: unknown): v is { [k: string]: any } => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Labels of a workload's pods (pod template labels; a Pod's own labels). */
export function podLabelsOf(o: K8sObject): { [k: string]: string } | undefined {
  const pod = podSpecOf(o);
  if (!pod) return undefined;
  if (o.kind === 'Pod') return (o.metadata?.labels ?? {}) as { [k: string]: string };
  const keys = pod.path.split('.').slice(0, -1);
  let cur: any = o;
  for (const k of keys) cur = cur?.[k];
  return (cur?.metadata?.labels ?? {}) as { [k: string]: string };
}

/** The workloads among `list`, with their pods' labels. */
export function workloads(list: readonly ManifestObject[]): { m: ManifestObject; labels: { [k: string]: string } }[] {
  const out: { m: ManifestObject; labels: { [k: string]: string } }[] = [];
  for (const m of list) {
    const labels = podLabelsOf(m.object);
    if (labels) out.push({ m, labels });
  }
  return out;
}

/** A Service selector (a plain map) selects `labels`. */
export const subset = (sel: { [k: string]: unknown }, labels: { [k: string]: string }): boolean =>
  Object.entries(sel).every(([k, v]) => labels[k] === String(v));

export const fmtLabels = (l: { [k: string]: unknown }): string => Object.entries(l).map(([k, v]) => `${k}=${String(v)}`).join(', ');

/** The v1 Services of the set. */
export const services = (ctx: PolicyContext): ManifestObject[] => ctx.objects.filter((m) => m.object.kind === 'Service' && m.object.apiVersion === 'v1');
