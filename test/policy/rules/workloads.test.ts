import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { EnvPolicy, K8sObject, ManifestObject, PolicyContext, PolicyFinding } from '../../../lib/policy/engine';
import { parseImage, selects, workloadRules } from '../../../lib/policy/rules/workloads';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';
import { CORPUS, corpusNamespace } from '../../support/policy-corpus';

function parse(file: string, content: string): ManifestObject[] {
  return parseAllDocuments(content)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object')
    .map((object, index) => ({ file, index, object }));
}

/** The env of a dist/ file from its path apps/<env>/...: digests in prod, images from ghcr.io/acme/. */
function envOf(file: string): EnvPolicy | undefined {
  const m = /^apps\/([^/]+)\//.exec(file);
  if (!m) return undefined;
  return { env: m[1], requireDigest: m[1] === 'prod', registries: ['ghcr.io/acme/'], noWildcards: m[1] === 'prod' };
}

function context(objects: ManifestObject[]): PolicyContext {
  return { objects, envOf, envNamed: () => undefined, kubernetesVersion: '1.28' };
}

function runAll(objects: ManifestObject[]): PolicyFinding[] {
  return workloadRules.flatMap((r) => r.check(context(objects)));
}

/** Where a fixture lives in the corpus: workloads/, or apps/prod/... for those npm run validate must check as prod's. */
const IN_PROD: { readonly [name: string]: string } = {
  'images-digest-required.fail.yaml': 'apps/prod/us-east-1/images-digest-required/images-digest-required.fail.yaml',
  'images-registry.fail.yaml': 'apps/prod/us-east-1/images-registry/images-registry.fail.yaml',
  'pass.yaml': 'apps/prod/us-east-1/workloads-pass/pass.yaml',
};
const corpusPath = (name: string): string => IN_PROD[name] ?? `workloads/${name}`;

/** Loads a fixture as if it were the dist/ file of app `demo` in `env` (its objects keep their namespace, see `ns`). */
function fixture(name: string, env = 'dev'): { file: string; objects: ManifestObject[] } {
  const file = `apps/${env}/us-east-1/demo/demo.yaml`;
  return { file, objects: parse(file, readFileSync(join(CORPUS, corpusPath(name)), 'utf8')) };
}

/** `Kind NS/name` with NS the fixture's namespace (test/fixtures/policy/README.md). */
const ns = (name: string, object: string): string => object.replace(/ NS(-other)?\//, (_, other: string | undefined) => ` ${corpusNamespace(corpusPath(name))}${other ?? ''}/`);

const C0 = 'spec.containers[0]';
const T0 = 'spec.template.spec.containers[0]';

/** Per rule: the env its fixture is read in and the findings expected, as [object (NS: the fixture's namespace), path, severity?]. */
const CASES: { readonly [rule: string]: { env?: string; expect: [string, string, string?][] } } = {
  'images/no-latest': { expect: [['Pod NS/latest', `${C0}.image`]] },
  'images/untagged': {
    expect: [
      ['Pod NS/untagged', `${C0}.image`],
      ['Pod NS/untagged-init', 'spec.initContainers[0].image'],
    ],
  },
  'images/digest-required': {
    env: 'prod',
    expect: [
      ['Pod NS/tag-only', `${C0}.image`],
      ['Pod NS/bad-digest', `${C0}.image`],
    ],
  },
  'images/registry': {
    expect: [
      ['Pod NS/hub', `${C0}.image`],
      ['Pod NS/other-org', `${C0}.image`],
      ['Pod NS/prefix-trick', `${C0}.image`],
    ],
  },
  'resources/requests-and-limits': {
    expect: [
      ['Pod NS/none', 'spec.initContainers[0].resources'],
      ['Pod NS/none', `${C0}.resources`],
      ['Job NS/requests-only', `${T0}.resources`],
    ],
  },
  'probes/readiness-and-liveness': {
    expect: [
      ['Deployment NS/web', `${T0}.readinessProbe`],
      ['Deployment NS/web', `${T0}.livenessProbe`],
      ['Deployment NS/web', 'spec.template.spec.containers[1].livenessProbe'],
    ],
  },
  'probes/distinct': { expect: [['Pod NS/same', `${C0}.livenessProbe`]] },
  'probes/ports-exist': {
    expect: [
      ['Pod NS/wrong', `${C0}.readinessProbe.httpGet.port`],
      ['Pod NS/wrong', `${C0}.livenessProbe.tcpSocket.port`],
      ['Pod NS/undeclared', `${C0}.readinessProbe.httpGet.port`, 'warning'],
      ['Pod NS/undeclared', `${C0}.livenessProbe.httpGet.port`],
    ],
  },
  'availability/pdb-for-replicas': {
    expect: [
      ['Deployment NS/a', ''],
      ['Deployment NS/b', ''],
      ['Deployment NS/c', ''],
      ['StatefulSet NS/d', ''],
    ],
  },
  'availability/pdb-allows-evictions': {
    expect: [
      ['PodDisruptionBudget NS/zero', 'spec.maxUnavailable'],
      ['PodDisruptionBudget NS/zero-percent', 'spec.maxUnavailable'],
      ['PodDisruptionBudget NS/hundred-percent', 'spec.minAvailable'],
      ['PodDisruptionBudget NS/g', 'spec.minAvailable'],
      ['PodDisruptionBudget NS/h', 'spec.minAvailable'],
    ],
  },
  'hpa/target-exists': {
    expect: [
      ['HorizontalPodAutoscaler NS/missing', 'spec.scaleTargetRef.name'],
      ['HorizontalPodAutoscaler NS/wrong-kind', 'spec.scaleTargetRef.name'],
      ['HorizontalPodAutoscaler NS-other/elsewhere', 'spec.scaleTargetRef.name'],
    ],
  },
  'hpa/no-static-replicas': {
    expect: [
      ['Deployment NS/a', 'spec.replicas'],
      ['StatefulSet NS/s', 'spec.replicas'],
    ],
  },
};

const sortKey = (x: { object: string; path: string }) => `${x.object}\0${x.path}`;
const byKey = <T extends { object: string; path: string }>(a: T, b: T) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0);

describe('workloadRules', () => {
  test('ids are unique group/name, every rule has a fixture, explain names the opt-out', () => {
    const ids = workloadRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(Object.keys(CASES).sort());
    for (const r of workloadRules) {
      expect(r.id).toMatch(/^[a-z]+\/[a-z-]+$/);
      expect(r.reason).not.toMatch(/\n/);
      expect(r.explain).toContain(`policy: { allow: [{ rule: '${r.id}', reason:`);
      expect(r.explain).toContain('apps/<app>.ts');
    }
  });

  describe.each(Object.entries(CASES))('%s', (rule, { env, expect: expected }) => {
    test('its fail fixture yields exactly its findings', () => {
      const name = `${rule.replace('/', '-')}.fail.yaml`;
      const { file, objects } = fixture(name, env);
      const findings = runAll(objects);
      for (const f of findings) {
        expect(f.rule).toBe(rule);
        expect(f.file).toBe(file);
        expect(f.message).not.toMatch(/\n/);
        expect(f.message).toMatch(/expected/);
      }
      const got = findings.map((f) => ({ object: f.object, path: f.path, severity: f.severity })).sort(byKey);
      const want = expected.map(([object, path, severity]) => ({ object: ns(name, object), path, severity: severity ?? 'error' })).sort(byKey);
      expect(got).toEqual(want);
    });
  });

  test('pass.yaml yields nothing (in prod and dev)', () => {
    expect(runAll(fixture('pass.yaml', 'prod').objects)).toEqual([]);
    expect(runAll(fixture('pass.yaml', 'dev').objects)).toEqual([]);
  });

  test('the same namespace in another env/region is another cluster', () => {
    const a = fixture('hpa-target-exists.fail.yaml', 'dev').objects.filter((m) => m.object.kind === 'Deployment');
    const b = fixture('hpa-target-exists.fail.yaml', 'staging').objects.filter((m) => m.object.metadata?.name === 'web' && m.object.kind !== 'Deployment');
    const findings = runAll([...a, ...b]);
    expect(findings.map((f) => `${f.rule} ${f.file} ${f.object}`)).toEqual([
      `hpa/target-exists apps/staging/us-east-1/demo/demo.yaml ${ns('hpa-target-exists.fail.yaml', 'HorizontalPodAutoscaler NS/web')}`,
    ]);
  });

  test('the example repository passes every workload rule', () => {
    const plan = planSynth(exampleInput);
    const objects = plan.files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parse(f.path, f.content));
    expect(objects.filter((m) => m.object.kind === 'Deployment').length).toBeGreaterThan(0);
    expect(runAll(objects)).toEqual([]);
  });
});

describe('parseImage', () => {
  test.each([
    ['nginx', { registry: undefined, repository: 'nginx', tag: undefined, digest: undefined }],
    ['nginx:1.25', { registry: undefined, repository: 'nginx', tag: '1.25', digest: undefined }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: undefined, digest: undefined }],
    ['ghcr.io/acme/app:v1@sha256:abc', { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1', digest: 'sha256:abc' }],
    ['acme/app@sha256:abc', { registry: undefined, repository: 'acme/app', tag: undefined, digest: 'sha256:abc' }],
  ])('%s', (image, ref) => expect(parseImage(image)).toEqual(ref));
});

describe('selects', () => {
  test('matchLabels and matchExpressions; a missing selector selects nothing, an empty one everything', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selects(undefined, labels)).toBe(false);
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, labels)).toBe(false);
  });

  test('a malformed selector counts as missing: nothing for a PDB, every pod for a NetworkPolicy (absent = true)', () => {
    const labels = { app: 'web' };
    expect(selects({ matchLabels: 'web' }, labels)).toBe(false);
    expect(selects({ matchLabels: 'web' }, labels, true)).toBe(true);
    expect(selects(undefined, labels, true)).toBe(true);
    expect(selects({ matchLabels: { app: 'web' } }, labels, true)).toBe(true);
    expect(selects({ matchLabels: { app: 'api' } }, labels, true)).toBe(false);
  });
});
