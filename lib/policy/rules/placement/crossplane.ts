/* eslint-disable @typescript-eslint/no-explicit-any */
import { AddonServesDefinition } from '../../../model/addons';
import { providerPackageServes } from '../../../model/database-platform';
import { ManifestObject, PlacementContext } from '../../engine';
import { placeOf } from './where';

/*
 * Kinds a Crossplane object of the set makes its cluster serve, for the placement checks: an XRD serves its
 * composite and claim kinds (Crossplane creates their CRDs once the XRD is established, which needs Crossplane
 * itself: the XRD's own kind is an add-on's), and a Provider serves its package's kinds
 * (lib/model/database-platform.ts `providerPackageServes`). So a claim needs its XRD on its host, a
 * Composition's bases need the provider there, and the XRD needs the crossplane add-on there.
 */

/** One object of the set that defines kinds on its cluster. */
export interface DefinedKinds {
  readonly cluster: string;
  /** How findings name it: `XRD xpostgresinstances.platform.acme.io (crossplane/host-us-east-1/platform.yaml)`. */
  readonly name: string;
  readonly serves: AddonServesDefinition;
}

const isCrossplane = (m: ManifestObject, group: string, kind: string): boolean =>
  m.object.kind === kind && typeof m.object.apiVersion === 'string' && m.object.apiVersion.startsWith(`${group}/`);

const cache = new WeakMap<readonly ManifestObject[], WeakMap<PlacementContext, DefinedKinds[]>>();

/** The kinds the set's XRDs and Providers define, per cluster they are placed on. */
export function definedIn(p: PlacementContext, objects: readonly ManifestObject[]): DefinedKinds[] {
  const hit = cache.get(objects)?.get(p);
  if (hit) return hit;
  const out: DefinedKinds[] = [];
  for (const m of objects) {
    const cluster = placeOf(p, m.file);
    if (!cluster) continue;
    const spec = m.object.spec as any;
    if (isCrossplane(m, 'apiextensions.crossplane.io', 'CompositeResourceDefinition') && typeof spec?.group === 'string') {
      const kinds = [spec.names?.kind, spec.claimNames?.kind].filter((k): k is string => typeof k === 'string');
      out.push({ cluster: cluster.name, name: `XRD ${m.object.metadata?.name} (${m.file})`, serves: { kinds: { [spec.group]: kinds }, apis: [], ingressClasses: [], gatewayClasses: [], gateways: [] } });
    }
    if (isCrossplane(m, 'pkg.crossplane.io', 'Provider') && typeof spec?.package === 'string') {
      const kinds = providerPackageServes(spec.package);
      if (kinds) out.push({ cluster: cluster.name, name: `Provider ${m.object.metadata?.name} (${m.file})`, serves: { kinds: { ...kinds }, apis: [], ingressClasses: [], gatewayClasses: [], gateways: [] } });
    }
  }
  const byContext = cache.get(objects) ?? new WeakMap();
  byContext.set(p, out);
  cache.set(objects, byContext);
  return out;
}

/** The composed objects of a Composition (function-patch-and-transform input), with their field paths. */
export function compositionBases(m: ManifestObject): { readonly path: string; readonly base: any }[] {
  if (!isCrossplane(m, 'apiextensions.crossplane.io', 'Composition')) return [];
  const pipeline = (m.object.spec as any)?.pipeline;
  if (!Array.isArray(pipeline)) return [];
  return pipeline.flatMap((step: any, i: number) => (Array.isArray(step?.input?.resources) ? step.input.resources : [])
    .map((r: any, j: number) => ({ path: `spec.pipeline[${i}].input.resources[${j}].base`, base: r?.base }))
    .filter((b: { base: any }) => b.base && typeof b.base.apiVersion === 'string' && typeof b.base.kind === 'string'));
}

/** The functions a Composition's pipeline calls, with their field paths. */
export function compositionFunctions(m: ManifestObject): { readonly path: string; readonly name: string }[] {
  if (!isCrossplane(m, 'apiextensions.crossplane.io', 'Composition')) return [];
  const pipeline = (m.object.spec as any)?.pipeline;
  return (Array.isArray(pipeline) ? pipeline : [])
    .map((step: any, i: number) => ({ path: `spec.pipeline[${i}].functionRef.name`, name: step?.functionRef?.name }))
    .filter((f: { name: unknown }) => typeof f.name === 'string');
}

/** Names of the set's objects of `kind` (group `pkg.crossplane.io` or `apiextensions.crossplane.io`) on `cluster`. */
export function crossplaneObjectsOn(p: PlacementContext, objects: readonly ManifestObject[], cluster: string, group: string, kind: string): ManifestObject[] {
  return objects.filter((o) => isCrossplane(o, group, kind) && placeOf(p, o.file)?.name === cluster);
}
