import { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType } from '../../imports/gateway.networking.k8s.io';

/**
 * Argo CD's annotation that keeps a resource's health out of its Application's health
 * (argo-cd v3.4.4 controller/health.go `setApplicationHealth`, common.AnnotationIgnoreHealthCheck;
 * docs/operator-manual/health.md "Ignoring Child Resource Health Check in Applications").
 */
export const IGNORE_HEALTHCHECK = 'argocd.argoproj.io/ignore-healthcheck';

/** Props of {@link AppRoute}. */
export interface AppRouteProps {
  /** The route's name. */
  readonly name: string;
  /** The route's namespace (the backend Service's too). */
  readonly namespace: string;
  /** The hostname(s) the route serves. */
  readonly hostnames: readonly string[];
  /**
   * Path prefix routed to the backend.
   * @default '/'
   */
  readonly path?: string;
  /** The parent Gateway and the listener (sectionName) the route attaches to. */
  readonly gateway: { readonly name: string; readonly namespace: string; readonly sectionName?: string };
  /** The Service in `namespace` the route sends traffic to, and its port (a Service port, not a container port). */
  readonly backend: { readonly name: string; readonly port: number };
  /**
   * Keep the route's health out of its Argo CD Application's health (see {@link IGNORE_HEALTHCHECK}).
   * @default false
   */
  readonly ignoreArgoHealth?: boolean;
  /**
   * Labels of the route.
   * @default none
   */
  readonly labels?: { readonly [key: string]: string };
}

/**
 * A Gateway API HTTPRoute (v1) that attaches to one listener of a Gateway and sends every request for its
 * hostnames under `path` (PathPrefix) to one Service port in its own namespace. The Gateway's listener
 * terminates TLS. A backend in the route's own namespace needs no ReferenceGrant (gateway-api v1.6.1
 * HTTPBackendRef: one is required only "when a namespace different than the local namespace is specified").
 */
export class AppRoute extends Construct {
  /** The HTTPRoute. */
  public readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: AppRouteProps) {
    super(scope, id);
    const path = props.path ?? '/';
    const fail = (field: string, reason: string): never => {
      throw new Error(`AppRoute ${props.namespace}/${props.name}: ${field}: ${reason}`);
    };
    if (props.hostnames.length === 0) fail('hostnames', 'needs at least one hostname');
    if (!path.startsWith('/')) fail('path', `"${path}" must start with "/"`);
    if (!Number.isInteger(props.backend.port) || props.backend.port < 1 || props.backend.port > 65535) fail('backend.port', `must be a port from 1 to 65535, got ${props.backend.port}`);
    const annotations = props.ignoreArgoHealth ? { [IGNORE_HEALTHCHECK]: 'true' } : undefined;
    this.route = new HttpRoute(this, 'route', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(props.labels ? { labels: { ...props.labels } } : {}),
        ...(annotations ? { annotations } : {}),
      },
      spec: {
        parentRefs: [{
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: props.gateway.name,
          namespace: props.gateway.namespace,
          ...(props.gateway.sectionName ? { sectionName: props.gateway.sectionName } : {}),
        }],
        hostnames: [...props.hostnames],
        rules: [{
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: path } }],
          backendRefs: [{ group: '', kind: 'Service', name: props.backend.name, port: props.backend.port }],
        }],
      },
    });
  }
}
