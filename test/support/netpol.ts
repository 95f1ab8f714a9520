/**
 * A small NetworkPolicy evaluator (networking.k8s.io/v1 semantics) with the vcluster syncer's
 * translation of policies and pods into the host namespace (loft-sh/vcluster @ v0.36.1:
 * pkg/controllers/resources/networkpolicies/translate.go `translateSpec`/`translateNetworkPolicyPeers`,
 * pods/translate/translator.go `Translate`). Tests use it to check which connections the policies of
 * dist/ let through on a host, i.e. the effective policy of docs/architecture.md.
 *
 * Kubernetes semantics: policies add up; a pod is isolated for a direction when a policy of its
 * namespace selects it with that policy type; a connection needs the source's egress and the
 * destination's ingress allowed. Ports are the pod's (after a Service's DNAT).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Labels = Record<string, string>;
type Selector = { matchLabels?: Labels; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined;

export interface Namespace { readonly name: string; readonly labels: Labels }
/** A pod as the host sees it. */
export interface Pod { readonly name: string; readonly namespace: Namespace; readonly labels: Labels; readonly ip: string }
/** Something outside the cluster's pod network. */
export interface External { readonly name: string; readonly ip: string }
export type Endpoint = Pod | External;
export interface Policy { readonly namespace: string; readonly spec: any }

const isPod = (e: Endpoint): e is Pod => 'namespace' in e;

export const namespace = (name: string, labels: Labels = {}): Namespace => ({ name, labels: { 'kubernetes.io/metadata.name': name, ...labels } });

function selects(sel: Selector, labels: Labels): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    const ok = e.operator === 'In' ? inValues : e.operator === 'NotIn' ? !inValues : e.operator === 'Exists' ? has : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToInt(base) / size) * size;
  const n = ipToInt(ip);
  return n >= start && n < start + size;
}

function peerMatches(peer: any, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) {
    return inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x: string) => inCidr(e.ip, x));
  }
  if (!isPod(e)) return false;
  const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, e.namespace.labels) : e.namespace.name === policyNs;
  const podOk = peer.podSelector ? selects(peer.podSelector, e.labels) : true;
  return nsOk && podOk;
}

function portMatches(ports: any[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || Number(p.port) === port));
}

function allowedOneWay(policies: readonly Policy[], subject: Pod, other: Endpoint, dir: 'Ingress' | 'Egress', port: number, protocol: string): boolean {
  const selecting = policies.filter((p) => p.namespace === subject.namespace.name
    && selects(p.spec.podSelector, subject.labels)
    && (p.spec.policyTypes ?? ['Ingress']).includes(dir));
  if (selecting.length === 0) return true; // not isolated
  return selecting.some((p) => (dir === 'Ingress' ? p.spec.ingress : p.spec.egress ?? []).some((r: any) => {
    const peers = dir === 'Ingress' ? r.from : r.to;
    return (!peers || peers.length === 0 || peers.some((peer: any) => peerMatches(peer, p.namespace, other))) && portMatches(r.ports, port, protocol);
  }));
}

/** Whether `from` may open a connection to `to` on `port`. */
export function allowed(policies: readonly Policy[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const egress = isPod(from) ? allowedOneWay(policies, from, to, 'Egress', port, protocol) : true;
  const ingress = isPod(to) ? allowedOneWay(policies, to, from, 'Ingress', port, protocol) : true;
  return egress && ingress;
}

// ---------------------------------------------------------------------------------------------
// The vcluster syncer's translation (single-namespace mode)
// ---------------------------------------------------------------------------------------------

const MARKER = 'vcluster.loft.sh/managed-by';
const NAMESPACE_LABEL = 'vcluster.loft.sh/namespace';
/** `vcluster.loft.sh/ns-label-<vcluster>-x-<hash of key>` (the hash stands for the key; only equality matters here). */
const nsLabel = (vcluster: string, key: string) => `vcluster.loft.sh/ns-label-${vcluster}-x-${key}`;

/** A vcluster: its name and host namespace. */
export interface Vcluster { readonly name: string; readonly hostNamespace: Namespace }

/** A pod of virtual namespace `vns` as synced to the host: its labels, the namespace and marker labels, and its namespace's labels copied. */
export function syncPod(vc: Vcluster, vns: Namespace, name: string, labels: Labels, ip: string): Pod {
  const copied = Object.fromEntries(Object.entries(vns.labels).map(([k, v]) => [nsLabel(vc.name, k), v]));
  return { name, namespace: vc.hostNamespace, labels: { ...labels, ...copied, [NAMESPACE_LABEL]: vns.name, [MARKER]: vc.name }, ip };
}

/**
 * A Service of virtual namespace `vns` as synced to the host (services/translate.go `translate`: `HostMetadata` keeps
 * its labels and adds the namespace and marker labels; the selector's labels are kept, since the golden app's hold no
 * `release` key). Only the labels, the ports and the selector: what a ServiceMonitor on the host can see.
 */
export function syncService(vc: Vcluster, vns: string, service: any): { namespace: string; labels: Labels; ports: any[]; selector: Labels } {
  return {
    namespace: vc.hostNamespace.name,
    labels: { ...(service.metadata.labels ?? {}), [NAMESPACE_LABEL]: vns, [MARKER]: vc.name },
    ports: service.spec.ports,
    selector: { ...(service.spec.selector ?? {}), [NAMESPACE_LABEL]: vns, [MARKER]: vc.name },
  };
}

function translateNamespaceSelector(vc: Vcluster, sel: Selector): Selector {
  if (!sel) return undefined;
  return {
    matchLabels: Object.fromEntries(Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [nsLabel(vc.name, k), v])),
    matchExpressions: (sel.matchExpressions ?? []).map((e) => ({ ...e, key: nsLabel(vc.name, e.key) })),
  };
}

function translatePeer(vc: Vcluster, vns: string, peer: any): any {
  if (peer.ipBlock) return { ipBlock: peer.ipBlock };
  const ns = translateNamespaceSelector(vc, peer.namespaceSelector);
  const matchLabels: Labels = { ...(peer.podSelector?.matchLabels ?? {}), ...(ns?.matchLabels ?? {}) };
  if (!peer.namespaceSelector) matchLabels[NAMESPACE_LABEL] = vns;
  matchLabels[MARKER] = vc.name;
  return { podSelector: { matchLabels, matchExpressions: [...(peer.podSelector?.matchExpressions ?? []), ...(ns?.matchExpressions ?? [])] } };
}

/** A NetworkPolicy created in virtual namespace `vns`, as the syncer writes it into the host namespace. */
export function syncPolicy(vc: Vcluster, vns: string, spec: any): Policy {
  return {
    namespace: vc.hostNamespace.name,
    spec: {
      podSelector: { ...spec.podSelector, matchLabels: { ...(spec.podSelector?.matchLabels ?? {}), [NAMESPACE_LABEL]: vns, [MARKER]: vc.name } },
      policyTypes: spec.policyTypes,
      ingress: (spec.ingress ?? []).map((r: any) => ({ ports: r.ports, from: r.from?.map((p: any) => translatePeer(vc, vns, p)) })),
      egress: (spec.egress ?? []).map((r: any) => ({ ports: r.ports, to: r.to?.map((p: any) => translatePeer(vc, vns, p)) })),
    },
  };
}
