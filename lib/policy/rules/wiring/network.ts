/**
 * Every workload's pods are selected by a NetworkPolicy of their namespace.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { defineRule, PolicyFinding, Rule } from '../../engine';
import { byScope, scopeOf, selects } from '../objects';
import { fmtLabels, ns, workloads } from './objects';

const podsCovered: Rule = defineRule({
  id: 'network/pods-covered',
  severity: 'error',
  reason: 'every workload\'s pods must be selected by a NetworkPolicy of their namespace',
  explain:
    'Pods no NetworkPolicy selects accept and send any traffic. Each workload\'s pod template labels must be selected by the podSelector of at least one NetworkPolicy in its namespace (podSelector: {} selects every pod; matchLabels must be a subset of the pod labels; matchExpressions are honoured). Add a default-deny policy or a policy for the app.',
  check(ctx, report) {
    const all = byScope(ctx.objects);
    const out: PolicyFinding[] = [];
    for (const { m, labels } of workloads(ctx.objects)) {
      const policies = (all.get(scopeOf(m)) ?? []).filter((p) => p.object.kind === 'NetworkPolicy');
      if (policies.some((p) => selects((p.object.spec as any)?.podSelector, labels, true))) continue;
      out.push(report(m, '',
        `pods (labels ${fmtLabels(labels) || 'none'}) are selected by no NetworkPolicy in namespace ${ns(m)}; expected a NetworkPolicy whose podSelector matches them (podSelector: {} covers all)`));
    }
    return out;
  },
});

export const networkRules: Rule[] = [podsCovered];
