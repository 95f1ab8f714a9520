/**
 * Availability rules: PodDisruptionBudgets for replicated workloads that still allow evictions, and autoscalers that
 * target an existing workload which leaves its replicas to them. Anchored on kube-score (*-has-poddisruptionbudget,
 * horizontalpodautoscaler-has-target, deployment-targeted-by-hpa-does-not-have-replicas-configured), kube-linter
 * (pdb-max-unavailable, pdb-min-available) and Polaris (missingPodDisruptionBudget, pdbDisruptionsIsZero).
 */
import { defineRule, describeObject, PolicyFinding, Rule } from '../../engine';
import { scopeOf, selects } from '../objects';
import { hpasOf, indexOf, minReplicas, ofKind, spec, templateLabels } from './objects';

const isZero = (v: unknown) => v === 0 || (typeof v === 'string' && /^0+%?$/.test(v.trim()));

const pdbForReplicas: Rule = defineRule({
  id: 'availability/pdb-for-replicas',
  severity: 'error',
  reason: 'replicated Deployments and StatefulSets must be covered by a PodDisruptionBudget',
  explain:
    'A Deployment or StatefulSet that runs more than one replica (spec.replicas > 1, or an HPA with minReplicas > 1) must have a PodDisruptionBudget ' +
    'in the same namespace whose selector matches its pod template labels. Without one, a node drain or cluster upgrade may evict every replica at once. ' +
    'The golden app emits one when replicas > 1.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    const pdbsByScope = indexOf(ctx).pdbsByScope;
    for (const w of ofKind(ctx, 'Deployment', 'StatefulSet')) {
      const { count, source } = minReplicas(ctx, w);
      if (count <= 1) continue;
      const labels = templateLabels(w);
      if ((pdbsByScope.get(scopeOf(w)) ?? []).some((p) => selects(spec(p.object).selector, labels))) continue;
      out.push(
        report(w, '', `runs ${count} replicas (${source}) but no PodDisruptionBudget in its namespace selects its pod template labels; expected one (e.g. maxUnavailable: 1)`),
      );
    }
    return out;
  },
});

const pdbAllowsEvictions: Rule = defineRule({
  id: 'availability/pdb-allows-evictions',
  severity: 'error',
  reason: 'PodDisruptionBudgets must allow at least one eviction',
  explain:
    'Flags a PodDisruptionBudget with `maxUnavailable` 0 or "0%", `minAvailable` "100%", or an integer `minAvailable` at or above the replica count ' +
    '(the HPA\'s minReplicas when scaled) of a workload it selects. Such a budget never allows a voluntary eviction: node drains and cluster upgrades hang ' +
    'until someone deletes it. Use `maxUnavailable: 1`.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    const workloads = ofKind(ctx, 'Deployment', 'StatefulSet', 'ReplicaSet');
    for (const p of ofKind(ctx, 'PodDisruptionBudget')) {
      const s = spec(p.object);
      if (s.maxUnavailable !== undefined && isZero(s.maxUnavailable)) {
        out.push(report(p, 'spec.maxUnavailable', `maxUnavailable ${JSON.stringify(s.maxUnavailable)} blocks every eviction; expected at least 1`));
        continue;
      }
      const min = s.minAvailable;
      if (min === undefined || min === null) continue;
      if (typeof min === 'string' && min.trim().endsWith('%')) {
        if (parseFloat(min) >= 100) out.push(report(p, 'spec.minAvailable', `minAvailable "${min}" blocks every eviction; expected below 100% (or maxUnavailable: 1)`));
        continue;
      }
      const n = Number(min);
      if (!Number.isFinite(n)) continue;
      for (const w of workloads) {
        if (scopeOf(w) !== scopeOf(p) || !selects(s.selector, templateLabels(w))) continue;
        const { count, source } = minReplicas(ctx, w);
        if (n >= count) {
          out.push(
            report(p, 'spec.minAvailable', `minAvailable ${n} >= ${count} replicas of ${describeObject(w.object)} (${source}) blocks every eviction; expected fewer than ${count} (or maxUnavailable: 1)`),
          );
          break;
        }
      }
    }
    return out;
  },
});

// ---------------------------------------------------------------------------------------------
// hpa

const targetExists: Rule = defineRule({
  id: 'hpa/target-exists',
  severity: 'error',
  reason: "a HorizontalPodAutoscaler's scaleTargetRef must name an existing workload",
  explain:
    "Flags a HorizontalPodAutoscaler whose `spec.scaleTargetRef` (kind and name) matches no object of that kind in the HPA's namespace. " +
    'Such an HPA scales nothing; usually a rename left it behind or the kind is wrong.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const h of ofKind(ctx, 'HorizontalPodAutoscaler')) {
      const ref = spec(h.object).scaleTargetRef;
      if (!ref || typeof ref !== 'object') {
        out.push(report(h, 'spec.scaleTargetRef', 'has no scaleTargetRef; expected { apiVersion, kind, name } of a workload'));
        continue;
      }
      const found = indexOf(ctx).byName.has(`${scopeOf(h)}\0${ref.kind}\0${ref.name}`);
      if (!found) {
        const ns = h.object.metadata?.namespace;
        out.push(
          report(h, 'spec.scaleTargetRef.name', `scaleTargetRef ${ref.kind ?? '(no kind)'} "${ref.name ?? ''}" does not exist${ns ? ` in namespace ${ns}` : ''}; expected an existing ${ref.kind ?? 'workload'}`),
        );
      }
    }
    return out;
  },
});

const noStaticReplicas: Rule = defineRule({
  id: 'hpa/no-static-replicas',
  severity: 'error',
  reason: 'workloads scaled by a HorizontalPodAutoscaler must not set spec.replicas',
  explain:
    'A workload targeted by a HorizontalPodAutoscaler must leave `spec.replicas` unset: every sync would otherwise reset the replica count the HPA ' +
    'chose (Argo CD sees drift and scales the workload back), causing churn under load. The HPA\'s minReplicas is the floor.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const w of ctx.objects) {
      const replicas = spec(w.object).replicas;
      if (replicas === undefined || replicas === null) continue;
      const hpa = hpasOf(ctx, w)[0];
      if (!hpa) continue;
      out.push(report(w, 'spec.replicas', `sets replicas ${JSON.stringify(replicas)} but is scaled by ${describeObject(hpa.object)}; expected spec.replicas unset`));
    }
    return out;
  },
});

export const availabilityRules: Rule[] = [pdbForReplicas, pdbAllowsEvictions, targetExists, noStaticReplicas];
