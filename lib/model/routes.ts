import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { joinPath } from './errors';
import { hostObjectName } from './vcluster-sync';

/**
 * How an exposed app is reached (docs/architecture.md, "Routes"). Pure.
 *
 * - `ingress`: an Ingress inside the vcluster, which the vcluster syncs to its host
 *   (`sync.toHost.ingresses`), where the host's controller for the env's IngressClass serves it.
 * - `gateway`: a Gateway API HTTPRoute emitted HOST-SIDE, in the vcluster's host namespace
 *   (`dist/vcluster-host/<env>-<region>/route-<app>.yaml`), attached to the env's Gateway on the host and
 *   pointing at the app's Service as the vcluster's syncer names it there ({@link hostServiceName}).
 *   The listener of that Gateway terminates TLS; the app gets no Ingress.
 */

/** How an exposed app is routed: an Ingress, or a Gateway API HTTPRoute. */
export type RouteKind = 'ingress' | 'gateway';
export const ROUTE_KINDS: readonly RouteKind[] = ['ingress', 'gateway'];

/** The Gateway an env's HTTPRoutes attach to (their parentRef), on each host cluster its regions run on. */
export interface GatewaySpec {
  /**
   * The Gateway's name.
   * @default 'traefik-gateway' (the Gateway the traefik chart creates: templates/gateway.yaml @ v41.3.0)
   */
  readonly name?: string;
  /**
   * The Gateway's namespace.
   * @default the platform's `ingressControllerNamespace` (the traefik chart creates its Gateway in its own namespace)
   */
  readonly namespace?: string;
  /**
   * The listener the routes attach to (parentRef `sectionName`); it terminates TLS.
   * @default 'websecure'
   */
  readonly sectionName?: string;
}

/** A Gateway parentRef with every default filled in. */
export interface GatewayRef {
  readonly name: string;
  readonly namespace: string;
  readonly sectionName: string;
}

/** The Gateway the traefik chart creates (`default "traefik-gateway" .Values.gateway.name`, traefik/templates/gateway.yaml @ v41.3.0). */
export const DEFAULT_GATEWAY_NAME = 'traefik-gateway';
/** The listener an env's routes attach to unless it names another: the HTTPS one (envs/addons.ts). */
export const DEFAULT_GATEWAY_SECTION = 'websecure';

/** A Gateway API SectionName (gateway-api v1.6.1 apis/v1/shared_types.go: a DNS-1123 subdomain of at most 253 characters). */
const SECTION_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECTION_NAME_ALLOWED = 'a listener name: lowercase letters, digits, "-" and ".", such as "websecure"';

/** Checks an env's `ingress.gateway`. */
export function checkGatewaySpec(c: Checker, value: unknown, path: string): void {
  const g = c.object(value, path);
  c.keys(g, path, ['name', 'namespace', 'sectionName']);
  c.optionalString(g.name, joinPath(path, 'name'), { pattern: SECTION_NAME, allowed: 'a Gateway name: lowercase letters, digits, "-" and "."' });
  c.optionalString(g.namespace, joinPath(path, 'namespace'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  c.optionalString(g.sectionName, joinPath(path, 'sectionName'), { pattern: SECTION_NAME, allowed: SECTION_NAME_ALLOWED });
}

/** The env's Gateway with the defaults filled in. */
export function gatewayRef(spec: GatewaySpec | undefined, ingressControllerNamespace: string): GatewayRef {
  return {
    name: spec?.name ?? DEFAULT_GATEWAY_NAME,
    namespace: spec?.namespace ?? ingressControllerNamespace,
    sectionName: spec?.sectionName ?? DEFAULT_GATEWAY_SECTION,
  };
}

/**
 * An app's HTTPRoute on its vcluster's host: everything the host-side construct needs, decided.
 * Same namespace as the backend Service, so no ReferenceGrant: Gateway API v1.6.1 requires one only for
 * a reference to an object in another namespace (HTTPBackendRef; ReferenceGrant's doc), and Traefik's
 * check passes when the namespaces are equal (pkg/provider/kubernetes/gateway/kubernetes.go
 * `isReferenceGranted` @ v3.7.9). The cross-namespace parentRef is admitted by the listener's
 * `allowedRoutes`, which ReferenceGrant does not govern.
 */
export interface HostRoute {
  /** The app; also the route's name. */
  readonly app: string;
  readonly team: string;
  /** The vcluster's host namespace, where the route and the synced Service live. */
  readonly namespace: string;
  /** The app's hostname (`<subdomain>.<domain>`), the route's only hostname. */
  readonly host: string;
  /** Path prefix routed to the app. */
  readonly path: string;
  /** The parent Gateway (in another namespace of the host, in general). */
  readonly gateway: GatewayRef;
  /** The app's Service as the vcluster's syncer names it in the host namespace, and its port. */
  readonly service: { readonly name: string; readonly port: number };
}

/**
 * The host-side name of a Service the vcluster syncs: `<name>-x-<namespace>-x-<vcluster>`, hashed past 63
 * characters (lib/model/vcluster-sync.ts {@link hostObjectName}). The vcluster's Service mapper names host Services this way
 * (pkg/mappings/resources/services.go `CreateServiceMapper` -> translate.Default.HostName, the
 * single-namespace translator of pkg/setup/config/config.go when sync.toHost.namespaces is off).
 */
export const hostServiceName = (name: string, namespace: string, vcluster: string): string => hostObjectName(name, namespace, vcluster);
