/**
 * API versions removed from Kubernetes as of the clusters' version.
 */
import { defineRule, PolicyFinding, Rule } from '../../engine';

/** [apiVersion, kinds ('*' = all), removed in, replacement]. */
export const REMOVED_APIS: readonly (readonly [string, readonly string[], string, string])[] = [
  ['extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], '1.16', 'apps/v1'],
  ['extensions/v1beta1', ['NetworkPolicy'], '1.16', 'networking.k8s.io/v1'],
  ['extensions/v1beta1', ['PodSecurityPolicy'], '1.16', 'policy/v1beta1 (itself removed in 1.25; use Pod Security Admission)'],
  ['extensions/v1beta1', ['Ingress'], '1.22', 'networking.k8s.io/v1'],
  ['apps/v1beta1', ['*'], '1.16', 'apps/v1'],
  ['apps/v1beta2', ['*'], '1.16', 'apps/v1'],
  ['networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], '1.22', 'networking.k8s.io/v1'],
  ['admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], '1.22', 'admissionregistration.k8s.io/v1'],
  ['apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], '1.22', 'apiextensions.k8s.io/v1'],
  ['apiregistration.k8s.io/v1beta1', ['APIService'], '1.22', 'apiregistration.k8s.io/v1'],
  ['authentication.k8s.io/v1beta1', ['TokenReview'], '1.22', 'authentication.k8s.io/v1'],
  ['authorization.k8s.io/v1beta1', ['*'], '1.22', 'authorization.k8s.io/v1'],
  ['certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], '1.22', 'certificates.k8s.io/v1'],
  ['coordination.k8s.io/v1beta1', ['Lease'], '1.22', 'coordination.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1beta1', ['*'], '1.22', 'rbac.authorization.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1alpha1', ['*'], '1.22', 'rbac.authorization.k8s.io/v1'],
  ['scheduling.k8s.io/v1beta1', ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  ['scheduling.k8s.io/v1alpha1', ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], '1.22', 'storage.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', ['CSIStorageCapacity'], '1.27', 'storage.k8s.io/v1'],
  ['batch/v1beta1', ['CronJob'], '1.25', 'batch/v1'],
  ['discovery.k8s.io/v1beta1', ['EndpointSlice'], '1.25', 'discovery.k8s.io/v1'],
  ['events.k8s.io/v1beta1', ['Event'], '1.25', 'events.k8s.io/v1'],
  ['autoscaling/v2beta1', ['HorizontalPodAutoscaler'], '1.25', 'autoscaling/v2'],
  ['autoscaling/v2beta2', ['HorizontalPodAutoscaler'], '1.26', 'autoscaling/v2'],
  ['policy/v1beta1', ['PodDisruptionBudget'], '1.25', 'policy/v1'],
  ['policy/v1beta1', ['PodSecurityPolicy'], '1.25', 'none (use Pod Security Admission)'],
  ['node.k8s.io/v1beta1', ['RuntimeClass'], '1.25', 'node.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], '1.26', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], '1.29', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], '1.32', 'flowcontrol.apiserver.k8s.io/v1'],
];

/** Compares 'major.minor' versions. */
function versionAtLeast(version: string, min: string): boolean {
  const [a, b] = version.replace(/^v/, '').split('.').map((n) => parseInt(n, 10));
  const [c, d] = min.split('.').map((n) => parseInt(n, 10));
  return a !== c ? a > c : (b || 0) >= d;
}

const removedVersions: Rule = defineRule({
  id: 'apis/removed-versions',
  scope: 'object',
  severity: 'error',
  reason: 'apiVersion/kind must still be served by the clusters\' Kubernetes version',
  explain:
    'Kubernetes removes beta API versions (extensions/v1beta1, apps/v1beta1/2, networking.k8s.io/v1beta1 Ingress in 1.22, batch/v1beta1 CronJob and policy/v1beta1 PodDisruptionBudget in 1.25, autoscaling/v2beta2 in 1.26, flowcontrol v1beta2 in 1.29, ...). An object using a version removed as of the clusters\' Kubernetes version cannot be applied. Move it to the replacement apiVersion named in the message.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const { apiVersion, kind } = m.object;
      const hit = REMOVED_APIS.find(([v, kinds]) => v === apiVersion && (kinds.includes('*') || kinds.includes(kind ?? '')));
      if (!hit || !versionAtLeast(ctx.kubernetesVersion, hit[2])) continue;
      out.push(report(m, 'apiVersion',
        `${apiVersion} ${kind} was removed in Kubernetes ${hit[2]} (clusters run ${ctx.kubernetesVersion}); expected ${hit[3]}`));
    }
    return out;
  },
});

export const removedApiRules: Rule[] = [removedVersions];
