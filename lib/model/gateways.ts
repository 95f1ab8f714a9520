import { LabelSelector, selectorMatches } from './selectors';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { TraefikValues } from './chart-values';
import { DEFAULT_GATEWAY_NAME } from './routes';

/**
 * Gateways as the placement rules see them (lib/policy/rules/placement/routes.ts): the Gateways an add-on's
 * chart creates (declared in its `serves.gateways`, since we do not render charts) or that dist/ holds, with
 * the Gateway API v1.6.1 semantics the rules rely on: listener hostname matching and allowedRoutes. Pure.
 */

/** Which namespaces' routes a listener admits (Gateway API `allowedRoutes.namespaces`). */
export interface RouteNamespaces {
  /** `Same` (the Gateway's namespace only: the API's default), `All`, or `Selector` (namespaces whose labels match `selector`). */
  readonly from: 'All' | 'Same' | 'Selector';
  /** A label selector on namespaces (with `from: Selector`). */
  readonly selector?: LabelSelector;
}


/** One listener of a Gateway. */
export interface GatewayListener {
  /** Its name: a route's parentRef `sectionName`. */
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  /** The hostname it serves (`*.` prefix: a suffix match); none: every hostname. */
  readonly hostname?: string;
  /** @default `{ from: 'Same' }` */
  readonly allowedRoutes?: RouteNamespaces;
}

/** A Gateway: where it is, its class and its listeners. */
export interface GatewayDeclaration {
  readonly name: string;
  readonly namespace: string;
  readonly gatewayClassName: string;
  readonly listeners: readonly GatewayListener[];
}

const LISTENER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks an add-on's `serves.gateways`. */
export function checkGateways(c: Checker, value: unknown, path: string): GatewayDeclaration[] {
  if (!Array.isArray(value)) c.fail(path, 'must be a list of Gateways ({ name, namespace, gatewayClassName, listeners })');
  return (value as unknown[]).map((raw, i) => {
    const p = `${path}[${i}]`;
    const g = c.object(raw, p);
    c.keys(g, p, ['name', 'namespace', 'gatewayClassName', 'listeners']);
    if (!Array.isArray(g.listeners) || g.listeners.length === 0) c.fail(`${p}.listeners`, 'must list at least one listener');
    const listeners = (g.listeners as unknown[]).map((lr, j) => {
      const lp = `${p}.listeners[${j}]`;
      const l = c.object(lr, lp);
      c.keys(l, lp, ['name', 'port', 'protocol', 'hostname', 'allowedRoutes']);
      const from = l.allowedRoutes === undefined ? undefined : c.object(l.allowedRoutes, `${lp}.allowedRoutes`);
      if (from) {
        c.keys(from, `${lp}.allowedRoutes`, ['from', 'selector']);
        c.oneOf(from.from, `${lp}.allowedRoutes.from`, ['All', 'Same', 'Selector']);
        if ((from.from === 'Selector') !== (from.selector !== undefined)) c.fail(`${lp}.allowedRoutes.selector`, 'is required with from: Selector, and only then');
        if (from.selector !== undefined) c.keys(c.object(from.selector, `${lp}.allowedRoutes.selector`), `${lp}.allowedRoutes.selector`, ['matchLabels', 'matchExpressions']);
      }
      return {
        name: c.string(l.name, `${lp}.name`, { pattern: LISTENER_NAME, allowed: 'a listener name such as "websecure"' }),
        port: c.integer(l.port, `${lp}.port`, 1, 65535),
        protocol: c.string(l.protocol, `${lp}.protocol`),
        ...(l.hostname !== undefined ? { hostname: c.string(l.hostname, `${lp}.hostname`, { pattern: HOSTNAME, allowed: 'a hostname, optionally prefixed with "*."' }) } : {}),
        ...(from ? { allowedRoutes: from as unknown as RouteNamespaces } : {}),
      };
    });
    return {
      name: c.string(g.name, `${p}.name`, { pattern: LISTENER_NAME, allowed: 'a Gateway name' }),
      namespace: c.string(g.namespace, `${p}.namespace`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED }),
      gatewayClassName: c.string(g.gatewayClassName, `${p}.gatewayClassName`, { pattern: LISTENER_NAME, allowed: 'a GatewayClass name' }),
      listeners,
    };
  });
}

/** The traefik chart's default GatewayClass name (`default "traefik" .Values.gatewayClass.name`, templates/gatewayclass.yaml @ v41.3.0). */
export const TRAEFIK_GATEWAY_CLASS = 'traefik';
/** The chart's default listener (traefik/values.yaml @ v41.3.0 `gateway.listeners.web`), which Helm merges under ours. */
const TRAEFIK_DEFAULT_LISTENERS: NonNullable<NonNullable<TraefikValues['gateway']>['listeners']> = { web: { port: 8000, protocol: 'HTTP' } };

/**
 * The Gateway the traefik chart renders from `values` in `namespace` (its release namespace), or undefined when it
 * renders none: traefik/templates/gateway.yaml @ v41.3.0 renders one when `gateway.enabled` (default true) and
 * `providers.kubernetesGateway.enabled` (default false); name `gateway.name` or "traefik-gateway", namespace
 * `gateway.namespace` or the release's, class `gatewayClass.name` or "traefik", one listener per
 * `gateway.listeners` entry (the default `web` included unless set to null), `namespacePolicy` as allowedRoutes.namespaces.
 */
export function traefikChartGateway(values: TraefikValues, namespace: string): GatewayDeclaration | undefined {
  if (!values.providers?.kubernetesGateway?.enabled || values.gateway?.enabled === false) return undefined;
  const merged = { ...TRAEFIK_DEFAULT_LISTENERS, ...values.gateway?.listeners };
  const listeners = Object.entries(merged).filter(([, l]) => l !== null && l !== undefined).map(([name, l]): GatewayListener => ({
    name,
    port: l!.port,
    protocol: l!.protocol,
    ...(l!.hostname ? { hostname: l!.hostname } : {}),
    ...(l!.namespacePolicy ? { allowedRoutes: l!.namespacePolicy } : {}),
  }));
  return {
    name: values.gateway?.name || DEFAULT_GATEWAY_NAME,
    namespace: values.gateway?.namespace || namespace,
    gatewayClassName: values.gatewayClass?.name || TRAEFIK_GATEWAY_CLASS,
    listeners,
  };
}

/**
 * Whether a route hostname attaches to a listener hostname (gateway-api v1.6.1 HTTPRoute `hostnames`: a
 * `*.` prefix is a suffix match, `*.example.com` matching `test.example.com` and `foo.test.example.com` but
 * not `example.com`; a listener without a hostname takes every route). As Traefik v3.7.9 matches them
 * (pkg/provider/kubernetes/gateway/kubernetes.go `findMatchingHostnames`).
 */
export function hostnameMatches(listener: string | undefined, route: string): boolean {
  if (listener === undefined || listener === route) return true;
  const wild = (w: string, h: string) => w.startsWith('*.') && h.endsWith(w.slice(1)) && h.length > w.length - 1;
  return wild(listener, route) || wild(route, listener);
}


/**
 * Whether a listener of a Gateway in `gatewayNamespace` admits a route of `routeNamespace` (allowedRoutes; the
 * default is `Same`, as Traefik v3.7.9 applies it: `loadGatewayListeners`). `labels` are the route namespace's
 * labels, or undefined when unknown (then a `Selector` is not decided: undefined).
 */
export function admitsNamespace(listener: GatewayListener, gatewayNamespace: string, routeNamespace: string, labels?: { readonly [key: string]: string }): boolean | undefined {
  const from = listener.allowedRoutes?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return gatewayNamespace === routeNamespace;
  return labels === undefined ? undefined : selectorMatches(listener.allowedRoutes?.selector ?? {}, labels);
}
