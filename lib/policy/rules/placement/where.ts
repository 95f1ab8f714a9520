import { AddonServesDefinition, ARGOCD_SERVES } from '../../../model/addons';
import { hostOf, PlatformCluster } from '../../../model/clusters';
import { ARGOCD_DIR, clusterName, parseDistPath, vclusterFile } from '../../../model/layout';
import { K8sObject, ManifestObject, objectsByFile, PlacementContext, PolicyContext } from '../../engine';
import { definedIn } from './crossplane';

/*
 * Where dist/'s objects run, and what serves them there: the model behind the placement ("needs") rules
 * (./index.ts). A file's cluster comes from its path: apps/<env>/<region>/<app>/ -> vcluster <env>-<region>;
 * vcluster-host/<env>-<region>/ and databases/<env>/<region>/ -> that vcluster's host; crossplane/<host>/ -> that host; argocd/** -> the hub (the root Application syncs that directory there). An add-on Application (on the hub)
 * deploys a chart to its destination cluster; we do not render that chart, so what the chart makes the cluster
 * serve is what the add-on declares in envs/addons.ts (`serves`).
 */

/** The cluster a file of dist/ is applied to, or undefined for a file outside the layout or an env/region the platform does not have. */
export function placeOf(p: PlacementContext, file: string): PlatformCluster | undefined {
  const where = parseDistPath(file);
  if (where?.kind === 'instance') return p.clusters.vclusters.find((c) => c.name === clusterName(where.env, where.region));
  if (where?.kind === 'database-api') return p.clusters.hosts.find((h) => h.name === where.host);
  if (where?.kind === 'vcluster-host' || where?.kind === 'database-claim') {
    const vcluster = p.clusters.vclusters.find((c) => c.name === clusterName(where.env, where.region));
    return vcluster && hostOf(p.clusters, vcluster);
  }
  return file.startsWith(`${ARGOCD_DIR}/`) ? p.clusters.hub : undefined;
}

/** How findings name a cluster: `vcluster prod-eu-west-1`, `host cluster eu-west-1`, `hub cluster hub`. */
export function describeCluster(c: PlatformCluster): string {
  return c.kind === 'vcluster' ? `vcluster ${c.name}` : `${c.kind} cluster ${c.name}`;
}

/** The hub serves Argo CD's kinds before any add-on syncs: Argo CD is installed by hand before argocd/root.yaml (bootstrap). */
export const BOOTSTRAP_PROVIDER = 'Argo CD (installed before argocd/root.yaml: a bootstrap prerequisite)';

const ARGOCD: AddonServesDefinition = { kinds: ARGOCD_SERVES.kinds ?? {}, apis: ARGOCD_SERVES.apis ?? [], ingressClasses: [], gatewayClasses: [], gateways: [] };

/** What an add-on must serve: a kind of a group, an aggregated API, an IngressClass, or a GatewayClass. */
export type Need = { readonly group: string; readonly kind: string } | { readonly api: string } | { readonly ingressClass: string } | { readonly gatewayClass: string };

/** `bitnami.com/SealedSecret`, `metrics.k8s.io`, `IngressClass traefik`, `GatewayClass traefik`. */
export function describeNeed(n: Need): string {
  if ('kind' in n) return `${n.group ? `${n.group}/` : ''}${n.kind}`;
  return 'api' in n ? n.api : 'ingressClass' in n ? `IngressClass ${n.ingressClass}` : `GatewayClass ${n.gatewayClass}`;
}

function satisfies(s: AddonServesDefinition, n: Need): boolean {
  if ('kind' in n) return (s.kinds[n.group] ?? []).includes(n.kind);
  if ('api' in n) return s.apis.includes(n.api);
  if ('ingressClass' in n) return s.ingressClasses.includes(n.ingressClass);
  return s.gatewayClasses.includes(n.gatewayClass);
}

/**
 * What serves `need` on `cluster`: the add-ons installed there (by name), Argo CD on the hub, and, given the
 * object set, what its objects on that cluster define (a Crossplane XRD's kinds, a provider package's kinds:
 * ./crossplane.ts). Empty when nothing does.
 */
export function providersOn(p: PlacementContext, cluster: PlatformCluster, need: Need, objects?: readonly ManifestObject[]): string[] {
  const out = p.addons.filter((d) => d.cluster.name === cluster.name && satisfies(d.addon.serves, need)).map((d) => d.addon.name);
  if (cluster.kind === 'hub' && satisfies(ARGOCD, need)) out.push(BOOTSTRAP_PROVIDER);
  if (objects) for (const d of definedIn(p, objects)) if (d.cluster === cluster.name && satisfies(d.serves, need)) out.push(d.name);
  return out;
}

/**
 * Why nothing serves `need` on `cluster`, for the end of a finding: `no add-on installs it there (sealed-secrets serves it
 * and targets hosts)`, or `no add-on of the catalogue (envs/addons.ts) serves it`.
 */
export function missingProvider(p: PlacementContext, cluster: PlatformCluster, need: Need, objects?: readonly ManifestObject[]): string {
  const defined = objects ? definedIn(p, objects).filter((d) => satisfies(d.serves, need)) : [];
  if (defined.length > 0) return `${defined.map((d) => d.name).join(', ')} defines it, on ${[...new Set(defined.map((d) => d.cluster))].join(', ')}, not on ${cluster.name}`;
  const elsewhere = new Map<string, string>();
  for (const d of p.addons) if (satisfies(d.addon.serves, need)) elsewhere.set(d.addon.name, d.addon.target);
  if (elsewhere.size === 0) return `no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with ${cluster.name} in its target`;
  const which = [...elsewhere].map(([name, target]) => `${name} serves it and targets ${target === 'hub' ? 'the hub' : target}`).join('; ');
  return `no add-on installs it there (${which}, not ${cluster.name})`;
}

/** The vcluster chart's Application of a vcluster in the input (argocd/vclusters/<env>-<region>.yaml), with its values. */
export function vclusterApplication(ctx: PolicyContext, cluster: PlatformCluster): { file: string; values: Record<string, unknown> } | undefined {
  const m = vclusterApplicationObject(ctx, cluster);
  if (!m) return undefined;
  const file = m.file;
  const values = sourceOf(m.object)?.helm?.valuesObject;
  return { file, values: values && typeof values === 'object' ? (values as Record<string, unknown>) : {} };
}

/** The vcluster chart's Application object of a vcluster in the input (argocd/vclusters/<env>-<region>.yaml). */
export function vclusterApplicationObject(ctx: PolicyContext, cluster: PlatformCluster): ManifestObject | undefined {
  const file = vclusterFile(cluster.env ?? '', cluster.region ?? '');
  return objectsByFile(ctx.objects).get(file)?.find((o) => o.object.kind === 'Application' && sourceOf(o.object)?.chart === 'vcluster');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function sourceOf(o: K8sObject): any {
  return (o.spec as any)?.source;
}

/** The value at a dotted path of an object (undefined when any step is missing). */
export function valueAt(o: unknown, dotted: string): unknown {
  let cur: any = o;
  for (const k of dotted.split('.')) cur = cur && typeof cur === 'object' ? cur[k] : undefined;
  return cur;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The vcluster value that syncs Ingresses to the host (vcluster chart 0.36.1; off by default). */
export const SYNC_INGRESSES = 'sync.toHost.ingresses.enabled';
/** The vcluster value that serves metrics.k8s.io inside the vcluster by proxying to its host's metrics-server (off by default). */
export const METRICS_SERVER = 'integrations.metricsServer.enabled';

/** Where an Ingress is served: the controller's cluster and the class; or why that cannot be known (a finding's field and message). */
export type IngressPlacement =
  | { readonly ok: true; readonly controller: PlatformCluster; readonly ingressClass: string }
  | { readonly ok: false; readonly path: string; readonly message: string };

/**
 * Where an Ingress of `cluster` is served: in a vcluster, the vcluster syncs it to its host (when its values say so),
 * where the host's controller for its class serves it; on the hub or a host, that cluster's controller.
 */
export function ingressPlacement(ctx: PolicyContext, p: PlacementContext, m: ManifestObject, cluster: PlatformCluster): IngressPlacement {
  const spec = m.object.spec as { ingressClassName?: unknown } | undefined;
  const ingressClass = spec?.ingressClassName ?? m.object.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (typeof ingressClass !== 'string' || ingressClass === '') {
    return { ok: false, path: 'spec.ingressClassName', message: `names no ingress class, so which controller of ${describeCluster(hostOf(p.clusters, cluster))} serves it is unknown; set the class of a controller there` };
  }
  if (cluster.kind !== 'vcluster') return { ok: true, controller: cluster, ingressClass };
  const vc = vclusterApplication(ctx, cluster);
  if (!vc) {
    return { ok: false, path: '', message: `${describeCluster(cluster)} has no vcluster Application in the input (${vclusterFile(cluster.env ?? '', cluster.region ?? '')}), so whether it syncs Ingresses to its host is unknown` };
  }
  if (valueAt(vc.values, SYNC_INGRESSES) !== true) {
    return { ok: false, path: '', message: `${describeCluster(cluster)} does not sync Ingresses to its host (${SYNC_INGRESSES} is not true in ${vc.file}), and no controller runs inside it: nothing serves this Ingress` };
  }
  return { ok: true, controller: hostOf(p.clusters, cluster), ingressClass };
}
