import { deepFreeze, setSource } from './app';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { callerFile } from './errors';

/** Cluster-wide conventions shared by every app and environment (envs/platform.ts). */
export interface PlatformSpec {
  /**
   * Domain prefix of the platform's own labels: `<labelDomain>/team`, `/env`, `/region`.
   * @example 'platform.acme.io'
   */
  readonly labelDomain: string;
  /**
   * Namespace of the ingress controller, allowed in by the NetworkPolicy of exposed apps.
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Namespace of Prometheus, allowed to scrape apps that expose metrics.
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Value of `app.kubernetes.io/managed-by`.
   * @default 'typed-gitops'
   */
  readonly managedBy?: string;
}

export type PlatformDefinition = Readonly<Required<PlatformSpec>>;

const LABEL_PREFIX = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Defines the platform conventions, with defaults filled in. */
export function definePlatform(spec: PlatformSpec): PlatformDefinition {
  const file = callerFile();
  const c = new Checker(file);
  const s = c.object(spec, 'platform');
  c.keys(s, '', ['labelDomain', 'ingressControllerNamespace', 'monitoringNamespace', 'managedBy']);
  c.string(s.labelDomain, 'labelDomain', { pattern: LABEL_PREFIX, allowed: 'a DNS subdomain such as "platform.acme.io"' });
  c.optionalString(s.ingressControllerNamespace, 'ingressControllerNamespace', { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  c.optionalString(s.monitoringNamespace, 'monitoringNamespace', { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  c.optionalString(s.managedBy, 'managedBy', { pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, allowed: 'a label value' });
  return setSource(deepFreeze({
    labelDomain: spec.labelDomain,
    ingressControllerNamespace: spec.ingressControllerNamespace ?? 'ingress-nginx',
    monitoringNamespace: spec.monitoringNamespace ?? 'monitoring',
    managedBy: spec.managedBy ?? 'typed-gitops',
  }), file);
}
