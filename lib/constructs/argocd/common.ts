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

/** Argo CD retry policy for every generated Application: 5 tries, 10 s doubling up to 3 min. */
export const RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } };
