/**
 * Helpers the rule groups share: where an object lives (cluster + namespace) and label selector matching.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { clusterOf, ManifestObject } from '../engine';

/**
 * The namespace an object lives in, cluster included: `book-shop` in dev and in prod are different namespaces
 * (each `apps/<env>/<region>/` is its own vcluster).
 */
export function scopeOf(m: ManifestObject): string {
  return `${clusterOf(m.file)}\0${m.object.metadata?.namespace ?? ''}`;
}

/** Objects grouped by {@link scopeOf}. */
export function byScope(objects: readonly ManifestObject[]): Map<string, ManifestObject[]> {
  const out = new Map<string, ManifestObject[]>();
  for (const m of objects) {
    const k = scopeOf(m);
    const list = out.get(k);
    if (list) list.push(m);
    else out.set(k, [m]);
  }
  return out;
}

/**
 * Whether a metav1.LabelSelector (matchLabels + matchExpressions) selects `labels`. An empty selector selects
 * everything; a missing (or malformed) one selects `absent` (nothing for a PodDisruptionBudget, every pod for a
 * NetworkPolicy).
 */
export function selects(selector: any, labels: { readonly [k: string]: string } | undefined, absent = false): boolean {
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  // A malformed selector (schema/core reports it) counts as missing, so it adds no findings of its own.
  if (!isMap(selector) || (selector.matchLabels !== undefined && selector.matchLabels !== null && !isMap(selector.matchLabels))) return absent;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== String(v)) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(l, e?.key);
    const values: string[] = (Array.isArray(e?.values) ? e.values : []).map(String);
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
