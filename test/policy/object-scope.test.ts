/**
 * Object-scoped rules (schemas, PSS): synth finds their findings where each file is rendered (a worker thread) and
 * keeps them in the render cache, so each must depend on its object alone. These tests hold every such rule to that,
 * and the gate to giving the same verdict whichever way the findings were found.
 */
import { checkObjects, K8sObject, ManifestObject, runPolicy } from '../../lib/policy/engine';
import { ALL_RULES, policyContext } from '../../lib/policy/gate';
import { kubernetesMinor } from '../../lib/policy/rules/schema-core';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

const plan = planSynth(exampleInput);
const fixtureObjects: ManifestObject[] = plan.files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: object as K8sObject })));

/** Objects that break schema and PSS rules, in two instance files (one opting out of a PSS rule). */
const bad = (file: string, name: string): ManifestObject[] => [
  {
    file, index: 0,
    object: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: name },
      spec: {
        replicas: 'three', selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x@sha256:' + 'a'.repeat(64), securityContext: { privileged: true } }] } },
      },
    },
  },
  { file, index: 1, object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: name }, spec: { selctor: { app: name } } } },
];
const objects = [...fixtureObjects, ...bad('apps/dev/us-east-1/echo/echo.yaml', 'echo-bad'), ...bad('apps/prod/eu-west-1/book-shop/book-shop.yaml', 'shop-bad')];
const objectRules = ALL_RULES.filter((r) => r.scope === 'object');

test('the object-scoped rules: schemas, PSS and the per-object checks; never one that relates objects or reads the env', () => {
  const ids = objectRules.map((r) => r.id);
  expect(ids).toEqual(expect.arrayContaining([
    'schema/core', 'schema/custom-resource', 'schema/vcluster-values', 'pss-restricted/privilege-escalation', 'pss-baseline/privileged',
    'resources/requests-and-limits', 'probes/readiness-and-liveness', 'probes/distinct', 'probes/ports-exist', 'apis/removed-versions',
    'names/dns-1123', 'names/label-values', 'namespaces/not-default', 'labels/recommended', 'secrets/no-plaintext',
  ]));
  // Rules that relate objects (names/unique, a Service's pods, an HPA's target, the set's XRDs) or read the env
  // (images: registries, digests) or the platform (cluster/*, argocd/*) are set-wide.
  const setWide = ALL_RULES.filter((r) => r.scope !== 'object').map((r) => r.id);
  expect(setWide).toEqual(expect.arrayContaining(['names/unique', 'hpa/target-exists', 'availability/pdb-for-replicas']));
  for (const id of ids) expect(id).not.toMatch(/^(images|cluster|argocd|services|references|network|ingress)\//);
  expect(ALL_RULES.filter((r) => r.id.startsWith('schema/') && r.scope !== 'object').length).toBeGreaterThan(0);
});

test('each object-scoped rule finds, file by file with nothing else known, what it finds over the whole set', () => {
  const ctx = policyContext(objects, exampleInput.envs);
  const byFile = new Map<string, ManifestObject[]>();
  for (const m of objects) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m]);
  for (const rule of objectRules) {
    const whole = rule.check(ctx);
    const piecewise = [...byFile.values()].flatMap((ms) => checkObjects([rule], ms, kubernetesMinor()));
    const key = (f: { file: string; object: string; path: string; message: string }) => `${f.file} ${f.object} ${f.path} ${f.message}`;
    expect([rule.id, piecewise.map(key).sort()]).toEqual([rule.id, whole.map(key).sort()]);
  }
  expect(objectRules.flatMap((r) => r.check(ctx)).length).toBeGreaterThanOrEqual(4);
});

test('the gate gives the same findings, opt-outs applied, with object findings found beforehand for some files', () => {
  const ctx = policyContext(objects, exampleInput.envs);
  const allows = [{ file: 'apps/dev/us-east-1/echo/echo.yaml', rule: 'pss-baseline' }];
  const files = new Set(['apps/dev/us-east-1/echo/echo.yaml', 'apps/prod/eu-west-1/book-shop/book-shop.yaml']);
  const checked = { files, findings: checkObjects(ALL_RULES, objects.filter((m) => files.has(m.file)), kubernetesMinor()) };
  const plain = runPolicy(ALL_RULES, ctx, allows);
  expect(runPolicy(ALL_RULES, ctx, allows, undefined, checked)).toEqual(plain);
  expect(plain.some((f) => f.file.includes('/echo/') && f.rule.startsWith('pss-restricted'))).toBe(true);
  expect(plain.some((f) => f.file.includes('/echo/') && f.rule.startsWith('pss-baseline'))).toBe(false);
  expect(plain.some((f) => f.file.includes('/book-shop/') && f.rule === 'pss-baseline/privileged')).toBe(true);
  expect(plain.some((f) => f.rule === 'schema/core' && f.path.includes('selctor'))).toBe(true);
});

test('a rule that reads more than its objects cannot pass for object-scoped', () => {
  const sneaky = { ...objectRules[0], id: 'test/sneaky', check: (ctx: Parameters<typeof objectRules[0]['check']>[0]) => (ctx.envOf('x') ? [] : []) };
  expect(() => checkObjects([sneaky], fixtureObjects.slice(0, 1), kubernetesMinor())).toThrow('an object-scoped rule read envOf');
});
