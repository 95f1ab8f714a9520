/* eslint-disable @typescript-eslint/no-explicit-any */
import { PlatformCluster } from '../../../model/clusters';
import { admitsNamespace, GatewayDeclaration, GatewayListener, hostnameMatches, RouteNamespaces } from '../../../model/gateways';
import { hostServiceName } from '../../../model/routes';
import { ManifestObject, PlacementContext, PolicyContext } from '../../engine';
import { describeCluster, describeNeed, missingProvider, Need, placeOf, providersOn, vclusterApplicationObject } from './where';

/*
 * Gateway API routes where they are applied: what an HTTPRoute needs on its cluster (the rule cluster/route-parent in
 * ./index.ts) and the hostnames it claims there (cluster/unique-hosts). A route's parent is a Gateway on the same
 * cluster: an object of dist/ placed there, or one an add-on installed there declares (`serves.gateways`, e.g. the
 * traefik chart's, lib/model/gateways.ts `traefikChartGateway`). Semantics: Gateway API v1.6.1 (parentRef namespace
 * defaults to the route's; a listener admits routes of its Gateway's namespace unless allowedRoutes says otherwise;
 * a cross-namespace backendRef needs a ReferenceGrant in the backend's namespace, a cross-namespace parentRef does
 * not: the listener's allowedRoutes governs it), as Traefik v3.7.9 applies them (pkg/provider/kubernetes/gateway).
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** An object of the Gateway API group of this kind (any served version). */
export const isGatewayApi = (m: ManifestObject, kind: string): boolean =>
  m.object.kind === kind && typeof m.object.apiVersion === 'string' && m.object.apiVersion.startsWith(`${GATEWAY_GROUP}/`);

/** A Gateway found on a cluster, and what defines it (how findings name it). */
export interface FoundGateway {
  readonly gateway: GatewayDeclaration;
  readonly source: string;
}

/** The Gateway objects of the set placed on `cluster`, read as declarations. */
function emittedGateways(p: PlacementContext, objects: readonly ManifestObject[], cluster: PlatformCluster): FoundGateway[] {
  return objects.filter((m) => isGatewayApi(m, 'Gateway') && placeOf(p, m.file)?.name === cluster.name).map((m) => {
    const spec = (m.object.spec ?? {}) as any;
    const listeners: GatewayListener[] = (Array.isArray(spec.listeners) ? spec.listeners : []).map((l: any) => ({
      name: String(l?.name ?? ''),
      port: Number(l?.port),
      protocol: String(l?.protocol ?? ''),
      ...(typeof l?.hostname === 'string' ? { hostname: l.hostname } : {}),
      ...(l?.allowedRoutes?.namespaces ? { allowedRoutes: l.allowedRoutes.namespaces as RouteNamespaces } : {}),
    }));
    const gateway = { name: m.object.metadata?.name ?? '', namespace: m.object.metadata?.namespace ?? '', gatewayClassName: String(spec.gatewayClassName ?? ''), listeners };
    return { gateway, source: m.file };
  });
}

/** Every Gateway on `cluster`: emitted in dist/, or declared by an add-on installed there. */
export function gatewaysOn(p: PlacementContext, objects: readonly ManifestObject[], cluster: PlatformCluster): FoundGateway[] {
  const declared = p.addons.filter((d) => d.cluster.name === cluster.name)
    .flatMap((d) => d.addon.serves.gateways.map((gateway) => ({ gateway, source: `add-on ${d.addon.name}` })));
  return [...emittedGateways(p, objects, cluster), ...declared];
}

/** Where each Gateway of that name is, for a finding: `traefik/traefik-gateway (add-on traefik on host-us-east-1)`. */
function elsewhere(p: PlacementContext, objects: readonly ManifestObject[], ns: string, name: string): string[] {
  const clusters = [...new Map([...p.clusters.hosts, p.clusters.hub].map((c) => [c.name, c])).values()];
  return clusters.flatMap((c) => gatewaysOn(p, objects, c).filter((g) => g.gateway.namespace === ns && g.gateway.name === name).map((g) => `${g.source} on ${c.name}`));
}

/** The labels of namespace `ns` on `cluster`: its Namespace object in the set, or the labels an Application that creates it there gives it. */
export function namespaceLabels(ctx: PolicyContext, p: PlacementContext, cluster: PlatformCluster, ns: string): { [key: string]: string } | undefined {
  const object = ctx.objects.find((m) => m.object.kind === 'Namespace' && m.object.apiVersion === 'v1' && m.object.metadata?.name === ns && placeOf(p, m.file)?.name === cluster.name);
  if (object) return { ...object.object.metadata?.labels };
  for (const m of ctx.objects) {
    const spec = m.object.spec as any;
    if (m.object.kind !== 'Application' || spec?.destination?.namespace !== ns) continue;
    const d = spec.destination;
    const here = cluster.destination.name !== undefined ? d.name === cluster.destination.name : d.server === cluster.destination.server;
    const labels = spec.syncPolicy?.managedNamespaceMetadata?.labels;
    if (here && (spec.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true') && labels) return { ...labels };
  }
  return undefined;
}

/** The vcluster whose host namespace `ns` on `cluster` is (its Application's destination namespace), if any. */
function vclusterOfNamespace(ctx: PolicyContext, p: PlacementContext, cluster: PlatformCluster, ns: string): PlatformCluster | undefined {
  return p.clusters.vclusters.find((v) => {
    if (v.host !== cluster.name) return false;
    const app = vclusterApplicationObject(ctx, v);
    return (app?.object.spec as any)?.destination?.namespace === ns;
  });
}

/**
 * The Services of host namespace `ns` that the set accounts for: for a vcluster's host namespace, each Service of its
 * instances under the name the vcluster's syncer gives it there (lib/model/routes.ts `hostServiceName`), with its
 * ports; plus Service objects placed on the cluster in `ns`. Undefined when `ns` is neither (not ours to check).
 */
function servicesOf(ctx: PolicyContext, p: PlacementContext, cluster: PlatformCluster, ns: string): Map<string, number[]> | undefined {
  const out = new Map<string, number[]>();
  const ports = (m: ManifestObject) => ((m.object.spec as any)?.ports ?? []).map((x: any) => Number(x?.port));
  const vcluster = vclusterOfNamespace(ctx, p, cluster, ns);
  for (const m of ctx.objects) {
    if (m.object.kind !== 'Service' || m.object.apiVersion !== 'v1') continue;
    const at = placeOf(p, m.file);
    if (vcluster && at?.name === vcluster.name) out.set(hostServiceName(m.object.metadata?.name ?? '', m.object.metadata?.namespace ?? 'default', vcluster.name), ports(m));
    else if (at?.name === cluster.name && m.object.metadata?.namespace === ns) out.set(m.object.metadata?.name ?? '', ports(m));
  }
  return vcluster || out.size > 0 ? out : undefined;
}

/** A ReferenceGrant on `cluster` in `ns` that lets HTTPRoutes of `fromNs` reference Service `name`. */
function granted(p: PlacementContext, objects: readonly ManifestObject[], cluster: PlatformCluster, ns: string, fromNs: string, name: string): boolean {
  return objects.some((m) => {
    if (!isGatewayApi(m, 'ReferenceGrant') || m.object.metadata?.namespace !== ns || placeOf(p, m.file)?.name !== cluster.name) return false;
    const spec = m.object.spec as any;
    const from = (spec?.from ?? []).some((f: any) => f?.group === GATEWAY_GROUP && f?.kind === 'HTTPRoute' && f?.namespace === fromNs);
    const to = (spec?.to ?? []).some((t: any) => (t?.group ?? '') === '' && t?.kind === 'Service' && (t?.name === undefined || t.name === name));
    return from && to;
  });
}

/** One problem of a route: its field and message. */
export interface RouteProblem {
  readonly path: string;
  readonly message: string;
}

/** What an HTTPRoute placed on `cluster` (a hub or host) lacks there: its parents, their listeners, its backends. */
export function routeProblems(ctx: PolicyContext, p: PlacementContext, m: ManifestObject, cluster: PlatformCluster): RouteProblem[] {
  const spec = (m.object.spec ?? {}) as any;
  const routeNs = m.object.metadata?.namespace ?? '';
  const hostnames: string[] = Array.isArray(spec.hostnames) ? spec.hostnames.filter((h: unknown): h is string => typeof h === 'string') : [];
  const where = describeCluster(cluster);
  const out: RouteProblem[] = [];
  const parents: unknown[] = Array.isArray(spec.parentRefs) ? spec.parentRefs : [];
  if (parents.length === 0) out.push({ path: 'spec.parentRefs', message: 'names no parent Gateway, so no controller serves it; add the env\'s Gateway as a parentRef' });
  parents.forEach((ref: any, i) => {
    if ((ref?.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref?.kind ?? 'Gateway') !== 'Gateway') return;
    const ns = ref?.namespace ?? routeNs;
    const name = String(ref?.name ?? '');
    const path = `spec.parentRefs[${i}]`;
    const found = gatewaysOn(p, ctx.objects, cluster).find((g) => g.gateway.namespace === ns && g.gateway.name === name);
    if (!found) {
      const other = elsewhere(p, ctx.objects, ns, name);
      out.push({ path, message: `Gateway ${ns}/${name} does not exist on ${where}: no object of dist/ there and no add-on installed there declares it (serves.gateways)${other.length ? `; it is declared by ${other.join(', ')}` : ''}; create it there or name a Gateway of that cluster in the env's ingress.gateway` });
      return;
    }
    const g = found.gateway;
    const need: Need = { gatewayClass: g.gatewayClassName };
    if (providersOn(p, cluster, need).length === 0) {
      out.push({ path, message: `Gateway ${ns}/${name} (${found.source}) is of ${describeNeed(need)}, which no controller serves on ${where}: ${missingProvider(p, cluster, need)}` });
    }
    const section = ref?.sectionName;
    const listeners = section === undefined ? g.listeners : g.listeners.filter((l) => l.name === section);
    if (listeners.length === 0) {
      out.push({ path: `${path}.sectionName`, message: `Gateway ${ns}/${name} (${found.source}) has no listener "${section}" (listeners: ${g.listeners.map((l) => l.name).join(', ')})` });
      return;
    }
    const labels = namespaceLabels(ctx, p, cluster, routeNs);
    const admitted = listeners.map((l) => admitsNamespace(l, g.namespace, routeNs, labels));
    if (admitted.every((a) => a === false)) {
      const policy = listeners.map((l) => `${l.name}: from ${l.allowedRoutes?.from ?? 'Same'}${l.allowedRoutes?.selector ? ` ${JSON.stringify(l.allowedRoutes.selector)}` : ''}`).join('; ');
      out.push({ path, message: `no listener of Gateway ${ns}/${name} admits routes of namespace ${routeNs}${labels ? ` (labels ${JSON.stringify(labels)})` : ''}: allowedRoutes ${policy}; a cross-namespace parentRef is admitted by the listener's allowedRoutes, not by a ReferenceGrant` });
    }
    hostnames.forEach((h, j) => {
      if (!listeners.some((l) => hostnameMatches(l.hostname, h))) {
        out.push({ path: `spec.hostnames[${j}]`, message: `${h} matches no hostname of the listeners it attaches to (${listeners.map((l) => `${l.name}: ${l.hostname ?? 'any'}`).join(', ')} of Gateway ${ns}/${name}), so the route is not accepted there` });
      }
    });
  });
  (Array.isArray(spec.rules) ? spec.rules : []).forEach((rule: any, i: number) => {
    (Array.isArray(rule?.backendRefs) ? rule.backendRefs : []).forEach((b: any, j: number) => {
      if ((b?.group ?? '') !== '' || (b?.kind ?? 'Service') !== 'Service') return;
      const path = `spec.rules[${i}].backendRefs[${j}]`;
      const ns = b?.namespace ?? routeNs;
      const name = String(b?.name ?? '');
      if (ns !== routeNs && !granted(p, ctx.objects, cluster, ns, routeNs, name)) {
        out.push({ path: `${path}.namespace`, message: `Service ${ns}/${name} is in another namespace than the route, and no ReferenceGrant in ${ns} on ${where} lets HTTPRoutes of ${routeNs} reference it; add one (from HTTPRoute in ${routeNs}, to Service ${name}) or route to a Service of ${routeNs}` });
      }
      const services = servicesOf(ctx, p, cluster, ns);
      if (!services) return;
      const ports = services.get(name);
      if (!ports) {
        const known = [...services.keys()].sort();
        out.push({ path: `${path}.name`, message: `no Service ${name} in ${ns} on ${where}${known.length ? ` (there: ${known.join(', ')})` : ''}; a vcluster's Services appear in its host namespace as <name>-x-<namespace>-x-<vcluster> (hashed past 63 characters)` });
      } else if (b?.port !== undefined && !ports.includes(Number(b.port))) {
        out.push({ path: `${path}.port`, message: `Service ${ns}/${name} has no port ${b.port} (ports: ${ports.join(', ')}); a backendRef names a Service port, not a container port` });
      }
    });
  });
  return out;
}
