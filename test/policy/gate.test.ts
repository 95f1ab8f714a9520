import * as path from 'node:path';
import { defineApp, defineEnvironment, registerApps, registerEnvironments } from '../../lib/model';
import { ALL_RULES, PolicyGateError } from '../../lib/policy/gate';
import { planSynth } from '../../lib/synth';
import { configError } from '../support/fixtures';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
const { regionNames: _r, ...prodSpec } = exampleInput.envs.prod as any;
void _r;

function withProd(extra: object, apps = exampleInput.apps) {
  const prod = defineEnvironment(apps, { ...prodSpec, ...extra } as never);
  return registerEnvironments(exampleInput.envs.dev, exampleInput.envs.staging, prod);
}

test('the example repo passes every rule with no opt-outs (and no warnings)', () => {
  for (const app of Object.values(exampleInput.apps)) expect([app.name, app.policy]).toEqual([app.name, undefined]);
  const plan = planSynth(exampleInput);
  expect(plan.warnings).toEqual([]);
  expect(ALL_RULES.length).toBeGreaterThanOrEqual(10);
});

test('every rule has a group/name id, a one-line reason and an explanation; ids are unique', () => {
  const ids = ALL_RULES.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of ALL_RULES) {
    expect(r.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(r.reason).not.toMatch(/\n/);
    expect(r.explain.length).toBeGreaterThan(r.reason.length);
  }
});

test('synth stops on a policy error before writing: an image from a registry the env does not allow', () => {
  let error: unknown;
  try {
    planSynth({ ...exampleInput, envs: withProd({ registries: ['quay.io/acme/'] }) });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PolicyGateError);
  const findings = (error as PolicyGateError).findings;
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) {
    expect(f.rule).toBe('images/registry');
    expect(f.file).toMatch(/^apps\/prod\//);
    expect(f.path).toMatch(/containers\[0\]\.image$/);
  }
});

test('an app opts out of a rule with a reason, and only its own files are exempt', () => {
  const apps = Object.values(exampleInput.apps).map((a) =>
    a.name === 'echo' ? defineApp({ ...(a as any), policy: { allow: [{ rule: 'images/registry', reason: 'echo is mirrored to quay by the vendor' }] } }) : a);
  const registry = registerApps(...(apps as [any]));
  let error: unknown;
  try {
    planSynth({ ...exampleInput, apps: registry, envs: withProd({ registries: ['quay.io/acme/'] }, registry) });
  } catch (e) {
    error = e;
  }
  const files = new Set((error as PolicyGateError).findings.map((f) => f.file.split('/')[3]));
  expect(files.has('echo')).toBe(false);
  expect(files.has('book-shop')).toBe(true);
});

test('an opt-out without a reason, or naming an unknown rule, is refused naming the app file', () => {
  const echo = exampleInput.apps.echo as any;
  const noReason = configError(() => defineApp({ ...echo, policy: { allow: [{ rule: 'images/registry' }] } }));
  expect(noReason.field).toBe('policy.allow[0].reason');
  expect(noReason.file).toBe(path.resolve(__filename));
  const unknown = defineApp({ ...echo, policy: { allow: [{ rule: 'images/registy', reason: 'a typo in the rule id' }] } });
  const apps = registerApps(...(Object.values(exampleInput.apps).map((a) => (a.name === 'echo' ? unknown : a)) as [any]));
  const e = configError(() => planSynth({ ...exampleInput, apps }));
  expect(e.field).toBe('policy.allow[0].rule');
  expect(e.reason).toMatch(/unknown rule "images\/registy"/);
});

test('an opt-out of a rule without opt-out (secrets/no-plaintext, or its group) is refused naming the app file', () => {
  const echo = exampleInput.apps.echo as any;
  for (const rule of ['secrets/no-plaintext', 'secrets']) {
    const allowing = defineApp({ ...echo, policy: { allow: [{ rule, reason: 'we like plain text' }] } });
    const apps = registerApps(...(Object.values(exampleInput.apps).map((a) => (a.name === 'echo' ? allowing : a)) as [any]));
    const e = configError(() => planSynth({ ...exampleInput, apps }));
    expect([e.field, e.reason]).toEqual(['policy.allow[0].rule', `rule "${rule}" has no opt-out; npm run validate -- --explain ${rule} says why`]);
  }
});
