import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, ManifestObject, PolicyContext } from '../../../lib/policy/engine';
import { coreSchemaRules, describeErrors, fieldPath, modelModule, validatorFor } from '../../../lib/policy/rules/schema-core';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'policy', 'schema');
const FILE = 'apps/dev/us-east-1/demo/demo.yaml';

function parse(file: string, content: string): ManifestObject[] {
  return parseAllDocuments(content)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object')
    .map((object, index) => ({ file, index, object }));
}

function context(objects: ManifestObject[]): PolicyContext {
  return { objects, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion: '1.28' };
}

const check = (objects: ManifestObject[]) => coreSchemaRules.flatMap((r) => r.check(context(objects)));
const fixture = (name: string) => parse(FILE, readFileSync(join(FIXTURES, name), 'utf8'));

describe('schema/core', () => {
  it('exports one error rule with a one-line reason and an explanation', () => {
    expect(coreSchemaRules.map((r) => [r.id, r.severity])).toEqual([['schema/core', 'error']]);
    const [rule] = coreSchemaRules;
    expect(rule.reason).not.toMatch(/\n/);
    expect(rule.explain).toContain('npm run validate -- --explain schema/core');
    expect(rule.explain).toContain('policy: { allow:');
  });

  it('reports every schema error of the fail fixture with its field path', () => {
    const T = 'spec.template.spec';
    const found = check(fixture('core.fail.yaml')).map((f) => [f.rule, f.severity, f.file, f.object, f.path, f.message]);
    expect(found).toEqual([
      ['schema/core', 'error', FILE, 'Deployment demo/web', 'metadata.labels["app.kubernetes.io/version"]', 'must be a string (got number 2)'],
      ['schema/core', 'error', FILE, 'Deployment demo/web', 'spec.replicas', 'must be an integer (got string "three")'],
      ['schema/core', 'error', FILE, 'Deployment demo/web', `${T}.containers[0].name`, 'is required'],
      ['schema/core', 'error', FILE, 'Deployment demo/web', `${T}.containers[0].ports[0].containerPort`, 'must be an integer (got string "8080")'],
      ['schema/core', 'error', FILE, 'Service demo/web', 'spec.ports[0].targetPort', 'must be a string or an integer (got boolean true)'],
      ['schema/core', 'error', FILE, 'Service demo/web', 'spec.type', 'must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got string "Internal")'],
      ['schema/core', 'error', FILE, 'CronJob demo/report', `spec.jobTemplate.${T}.containers[0].resources.limits.cpu`, 'must be a number or a quantity string (got string "lots")'],
      ['schema/core', 'error', FILE, 'PodDisruptionBudget demo/web', 'spec.selector.matchLabels', 'must be a map (got string "web")'],
    ]);
    for (const f of check(fixture('core.fail.yaml'))) expect(f.message).not.toMatch(/\n/);
  });

  it('does not report unknown keys: the upstream schemas (kubernetes-models 4.5.x) allow them', () => {
    // The fail fixture's Service has `spec.selctor`; the package has no additionalProperties check.
    expect(check(fixture('core.fail.yaml')).filter((f) => f.path.includes('selctor'))).toEqual([]);
  });

  it('reports nothing for the pass fixture (including a CRD kind the package does not know)', () => {
    expect(check(fixture('core.pass.yaml'))).toEqual([]);
  });

  it("reports nothing for the example repository's objects", () => {
    const plan = planSynth(exampleInput);
    const objects = plan.files.flatMap((f) => parse(f.path, f.content));
    expect(objects.length).toBeGreaterThan(100);
    expect(check(objects)).toEqual([]);
  });

  it('loads only known kinds: CRDs, nested types and odd names yield no validator', () => {
    expect(modelModule('v1', 'Service')).toBe('kubernetes-models/v1/Service');
    expect(modelModule('apps/v1', 'Deployment')).toBe('kubernetes-models/apps/v1/Deployment');
    expect(modelModule('../x', 'Deployment')).toBeUndefined();
    expect(modelModule('v1', '../Service')).toBeUndefined();
    expect(validatorFor('apps/v1', 'Deployment')).toBeDefined();
    expect(validatorFor('argoproj.io/v1alpha1', 'Application')).toBeUndefined();
    expect(validatorFor('v1', 'Container')).toBeUndefined();
    expect(validatorFor('apps/v2', 'Deployment')).toBeUndefined();
    expect(check(parse(FILE, 'kind: Deployment\nspec: 1\n'))).toEqual([]);
  });

  it('turns JSON pointers into field paths', () => {
    expect(fieldPath('/spec/template/spec/containers/0/image')).toBe('spec.template.spec.containers[0].image');
    expect(fieldPath('/metadata/labels/a~1b')).toBe('metadata.labels["a/b"]');
    expect(fieldPath('/data/0', { data: { 0: 'x' } })).toBe('data["0"]');
    expect(fieldPath('')).toBe('');
  });

  it('words additionalProperties errors as unknown keys', () => {
    expect(describeErrors([{ instancePath: '/spec', keyword: 'additionalProperties', params: { additionalProperty: 'selctor' } }], { spec: {} }))
      .toEqual([{ path: 'spec.selctor', message: 'unknown key "selctor"' }]);
  });
});
