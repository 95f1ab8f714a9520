import { ControlPlane } from '../../model';

/** The in-cluster destination and the control plane's sync waves live with the clusters of the platform (lib/model/clusters.ts). */
export { IN_CLUSTER, WAVES } from '../../model';
/** Deletes an Application's resources when the Application is deleted. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** The AppProject of the control plane (root app, vclusters, their registration). */
export const PLATFORM_PROJECT = 'platform';

/** Labels of control-plane objects. */
export function controlPlaneLabels(cp: ControlPlane, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': cp.platform.managedBy,
    'app.kubernetes.io/part-of': 'gitops-control-plane',
    ...extra,
  };
}

/** The env and region labels of the platform (`<labelDomain>/env`, `<labelDomain>/region`). */
export function envRegionLabels(cp: ControlPlane, env: string, region?: string): Record<string, string> {
  const d = cp.platform.labelDomain;
  return { [`${d}/env`]: env, ...(region !== undefined ? { [`${d}/region`]: region } : {}) };
}

/** Labels of a control-plane object of one vcluster (its env and region). */
export function vclusterLabels(cp: ControlPlane, env: string, region: string): Record<string, string> {
  return controlPlaneLabels(cp, envRegionLabels(cp, env, region));
}

/** Argo CD retry policy for every generated Application: 5 tries, 10 s doubling up to 3 min. */
export const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };
/**
 * The root app's retry: unlimited (Argo CD: "unlimited number of attempts if less than 0",
 * docs/operator-manual/application.yaml @ v3.5.1). At the first bootstrap the vclusters' registration
 * ExternalSecrets are Degraded until each vcluster has written its certificates; with RETRY's 5 attempts
 * the root sync gave up after ~5 minutes and the waves after it (add-ons in the vclusters, the
 * ApplicationSets) waited for the next commit. Backoff still caps at 3 minutes between attempts.
 */
export const ROOT_RETRY = { ...RETRY, limit: -1 };
