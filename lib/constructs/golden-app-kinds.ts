import { k8s } from 'cdk8s-plus-28';
import { SealedSecret } from './sealed-secret';

/**
 * The constructs the golden app builds, in its construction order (the order of the objects in an instance's YAML):
 * the one list of what an app instance can hold (synth sorts each instance's objects by it: the other workloads'
 * objects join those of their kind). The golden app constructs through it, and each env's AppProject
 * permits exactly these kinds ({@link GOLDEN_APP_KINDS}, lib/constructs/argocd/env-project.ts). A new kind of object
 * in the golden app goes here first.
 */
export const GOLDEN_APP_CONSTRUCTS = {
  namespace: k8s.KubeNamespace,
  serviceAccount: k8s.KubeServiceAccount,
  configMap: k8s.KubeConfigMap,
  sealedSecret: SealedSecret,
  persistentVolumeClaim: k8s.KubePersistentVolumeClaim,
  service: k8s.KubeService,
  deployment: k8s.KubeDeployment,
  // The app's other workloads (apps/<app>.ts `workloads`).
  statefulSet: k8s.KubeStatefulSet,
  cronJob: k8s.KubeCronJob,
  job: k8s.KubeJob,
  podDisruptionBudget: k8s.KubePodDisruptionBudget,
  horizontalPodAutoscaler: k8s.KubeHorizontalPodAutoscalerV2,
  networkPolicy: k8s.KubeNetworkPolicy,
  ingress: k8s.KubeIngress,
} as const;

/** The cluster-scoped ones; the others live in the app's namespace. */
const CLUSTER_SCOPED: readonly unknown[] = [GOLDEN_APP_CONSTRUCTS.namespace];

/** A kind of object an app instance holds, as an AppProject whitelist names it. */
export interface InstanceKind {
  /** API group ('' for the core group). */
  readonly group: string;
  readonly kind: string;
  readonly clusterScoped: boolean;
}

/** The kinds of {@link GOLDEN_APP_CONSTRUCTS} (their group/version/kind), in construction order. */
export const GOLDEN_APP_KINDS: readonly InstanceKind[] = Object.values(GOLDEN_APP_CONSTRUCTS).map((c) => {
  const { apiVersion, kind } = c.GVK;
  return { group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '', kind, clusterScoped: CLUSTER_SCOPED.includes(c) };
});
