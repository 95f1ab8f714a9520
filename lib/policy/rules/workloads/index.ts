/**
 * Workload rules: images, resources, probes, disruption budgets and autoscalers. Anchored on
 * kube-score (container-image-tag, container-resources, pod-probes, pod-probes-identical,
 * *-has-poddisruptionbudget, horizontalpodautoscaler-has-target,
 * deployment-targeted-by-hpa-does-not-have-replicas-configured), kube-linter (latest-tag,
 * liveness-port/readiness-port/startup-port, pdb-max-unavailable, pdb-min-available) and Polaris
 * (tagNotSpecified, cpu/memory requests/limits, missingPodDisruptionBudget, pdbDisruptionsIsZero).
 */
import { Rule } from '../../engine';
import { availabilityRules } from './availability';
import { containerRules } from './containers';
import { imageRules } from './images';

export { parseImage } from './images';
export type { ImageRef } from './images';
export { selects } from '../objects';

export const workloadRules: Rule[] = [...imageRules, ...containerRules, ...availabilityRules];
