import { ControlPlane } from '../../model';

/** The in-cluster destination (the cluster Argo CD runs in, which hosts the vclusters). */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Deletes an Application's resources when the Application is deleted. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';
/** The AppProject of the control plane (root app, vclusters, their registration). */
export const PLATFORM_PROJECT = 'platform';

/** Sync waves of the control plane, applied by the root app in this order. */
export const WAVES = {
  projects: -3,
  vclusters: -2,
  registration: -1,
  appSets: 0,
} as const;

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
