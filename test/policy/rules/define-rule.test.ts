import { readFileSync } from 'fs';
import { join } from 'path';
import { defineRule, GATE_HINT, ManifestObject, optOutText, PolicyContext, runPolicy } from '../../../lib/policy/engine';
import { ALL_RULES } from '../../../lib/policy/gate';
import { ROOT } from '../../support/repo';

const objects: ManifestObject[] = [
  { file: 'apps/dev/r/a/a.yaml', index: 0, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'a' } } },
  { file: 'apps/dev/r/b/b.yaml', index: 0, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'b' } } },
];
const ctx: PolicyContext = { objects, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion: '1.28' };

/** A rule that reports every ConfigMap, as a warning for `b`. */
const everyConfigMap = (optOut?: boolean) =>
  defineRule({
    id: 'test/every-config-map',
    severity: 'error',
    reason: 'reports every ConfigMap',
    explain: 'Reports every ConfigMap.',
    ...(optOut === undefined ? {} : { optOut }),
    check: (c, report) => c.objects.map((m) => report(m, 'data', 'is a ConfigMap', m.object.metadata?.name === 'b' ? 'warning' : undefined)),
  });

test('defineRule: the finding carries the rule, the file, the object and the field as data; severity can be lowered per finding', () => {
  expect(everyConfigMap().check(ctx)).toEqual([
    { rule: 'test/every-config-map', severity: 'error', file: 'apps/dev/r/a/a.yaml', object: 'ConfigMap a/a', path: 'data', message: 'is a ConfigMap' },
    { rule: 'test/every-config-map', severity: 'warning', file: 'apps/dev/r/b/b.yaml', object: 'ConfigMap b/b', path: 'data', message: 'is a ConfigMap' },
  ]);
});

test('defineRule: explain ends with the one opt-out text (or says there is none)', () => {
  expect(everyConfigMap().explain).toBe(
    "Reports every ConfigMap. Opt out per app with policy.allow in apps/<app>.ts: `policy: { allow: [{ rule: 'test/every-config-map', reason: '...' }] }` (the reason is required and reviewed).",
  );
  expect(everyConfigMap(false).explain).toBe('Reports every ConfigMap. There is no opt-out.');
});

test('every rule is made with defineRule: its explain ends with the opt-out text of its id', () => {
  for (const r of ALL_RULES) expect([r.id, r.explain.endsWith(` ${optOutText(r.id, r.optOut !== false)}`)]).toEqual([r.id, true]);
  expect(ALL_RULES.filter((r) => r.optOut === false).map((r) => r.id).sort()).toEqual([
    'argocd/appset-expansion', 'argocd/appset-paths-exist', 'argocd/no-wildcards', 'cluster/crossplane-pipeline', 'cluster/ingress-controller', 'cluster/metrics-api', 'cluster/prometheus-selects', 'cluster/route-parent', 'cluster/served-kinds', 'cluster/unique-hosts',
    'schema/claim', 'schema/composition-base', 'schema/composition-patch', 'schema/vcluster-values', 'secrets/no-plaintext',
  ]);
});

test('an opt-out drops the findings of its app files only, by rule id or group; never those of a rule without opt-out', () => {
  const rule = (optOut?: boolean) => [everyConfigMap(optOut)];
  const files = (optOut: boolean | undefined, allow: string) =>
    runPolicy(rule(optOut), ctx, [{ file: 'apps/dev/r/a/a.yaml', rule: allow }]).map((f) => f.file);
  expect(files(undefined, 'test/every-config-map')).toEqual(['apps/dev/r/b/b.yaml']);
  expect(files(undefined, 'test')).toEqual(['apps/dev/r/b/b.yaml']);
  expect(files(undefined, 'tes')).toEqual(['apps/dev/r/a/a.yaml', 'apps/dev/r/b/b.yaml']);
  expect(files(false, 'test/every-config-map')).toEqual(['apps/dev/r/a/a.yaml', 'apps/dev/r/b/b.yaml']);
});

test("the README quotes synth's gate summary with the engine's hint", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(`nothing written (${GATE_HINT})`);
  expect(readme).toContain(GATE_HINT.slice(GATE_HINT.indexOf('opt out')));
});
