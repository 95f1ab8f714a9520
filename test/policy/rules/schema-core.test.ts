import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, ManifestObject, PolicyContext } from '../../../lib/policy/engine';
import { allowedKeys, coreSchemaRules, describeErrors, fieldPath, kubernetesIndex, validatorFor } from '../../../lib/policy/rules/schema-core';
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
      ['schema/core', 'error', FILE, 'Service demo/web', 'spec.selctor', 'unknown key "selctor" (did you mean "selector"?)'],
      ['schema/core', 'error', FILE, 'Service demo/web', 'spec.ports[0].targetPort', 'must be a string or an integer (got boolean true)'],
      ['schema/core', 'error', FILE, 'Service demo/web', 'spec.type', 'must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort" (got string "Internal")'],
      ['schema/core', 'error', FILE, 'CronJob demo/report', `spec.jobTemplate.${T}.containers[0].resources.limits.cpu`, 'must be a quantity string or a number (got string "lots")'],
      ['schema/core', 'error', FILE, 'PodDisruptionBudget demo/web', 'spec.selector.matchLabels', 'must be a map (got string "web")'],
    ]);
    for (const f of check(fixture('core.fail.yaml'))) expect(f.message).not.toMatch(/\n/);
  });

  it('reports unknown keys (strict, as kubeconform -strict), with a did-you-mean hint', () => {
    const found = check(parse(FILE, [
      'apiVersion: v1', 'kind: Service', 'metadata: { name: web, namespace: demo, lables: { a: b } }',
      'spec: { selctor: { app: web }, ports: [{ port: 80, targetPort: 8080, nodeport: 3 }] }',
    ].join('\n')));
    expect(found.map((f) => [f.path, f.message])).toEqual([
      ['metadata.lables', 'unknown key "lables" (did you mean "labels"?)'],
      ['spec.selctor', 'unknown key "selctor" (did you mean "selector"?)'],
      ['spec.ports[0].nodeport', 'unknown key "nodeport" (did you mean "nodePort"?)'],
    ]);
  });

  it('reports kinds and apiVersions of built-in groups that Kubernetes 1.28 does not serve', () => {
    const found = check(parse(FILE, [
      'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: a }',
      'apiVersion: apps/v2\nkind: Deployment\nmetadata: { name: b }',
      'apiVersion: autoscaling/v3\nkind: HorizontalPodAutoscaler\nmetadata: { name: c }',
      // Removed APIs are apis/removed-versions' findings; CRDs are not built-in; v1 List is kubectl's.
      'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: { name: d }',
      'apiVersion: argoproj.io/v1alpha1\nkind: Applicaton\nmetadata: { name: e }',
      'apiVersion: v1\nkind: List\nitems: []',
    ].join('\n---\n')));
    expect(found.map((f) => [f.object, f.path, f.message])).toEqual([
      ['Deploymnet a', 'kind', 'apps/v1 has no kind "Deploymnet" in Kubernetes 1.28 (did you mean "Deployment"?)'],
      ['Deployment b', 'apiVersion', 'apps/v2 is not served by Kubernetes 1.28 (apps serves apps/v1)'],
      ['HorizontalPodAutoscaler c', 'apiVersion', 'autoscaling/v3 is not served by Kubernetes 1.28 (autoscaling serves autoscaling/v1, autoscaling/v2)'],
    ]);
  });

  it('treats keys set to null as unset, as the API server does', () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: demo, creationTimestamp: null }\ndata: { A: b }\n';
    expect(check(parse(FILE, yaml))).toEqual([]);
    expect(check(parse(FILE, 'apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: null }] }\n')).map((f) => [f.path, f.message]))
      .toEqual([['spec.containers[0].name', 'is required']]);
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

  it('loads validators for the built-in kinds of the pinned version only', () => {
    expect(kubernetesIndex().kubernetesVersion).toBe('1.28.0');
    expect(validatorFor('apps/v1', 'Deployment')).toBeDefined();
    expect(validatorFor('v1', 'Service')).toBeDefined();
    expect(validatorFor('argoproj.io/v1alpha1', 'Application')).toBeUndefined();
    expect(validatorFor('v1', 'Container')).toBeUndefined();
    expect(validatorFor('v1', 'PodList')).toBeUndefined();
    expect(validatorFor('apps/v2', 'Deployment')).toBeUndefined();
    expect(check(parse(FILE, 'kind: Deployment\nspec: 1\n'))).toEqual([]);
  });

  it('knows the keys allowed at a path (for hints)', () => {
    expect(allowedKeys('io.k8s.api.apps.v1.Deployment', '/spec/template/spec/containers/0')).toContain('imagePullPolicy');
    expect(allowedKeys('io.k8s.api.core.v1.Service', '/metadata')).toContain('labels');
    expect(allowedKeys('io.k8s.api.core.v1.Service', '/nowhere')).toEqual([]);
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
    expect(describeErrors([{ instancePath: '/spec', keyword: 'additionalProperties', params: { additionalProperty: 'selctor' } }], { spec: {} }, 'io.k8s.api.core.v1.Service'))
      .toEqual([{ path: 'spec.selctor', message: 'unknown key "selctor" (did you mean "selector"?)' }]);
  });
});
