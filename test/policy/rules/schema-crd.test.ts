import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, ManifestObject, PolicyContext, runPolicy } from '../../../lib/policy/engine';
import { crdSchemaRules } from '../../../lib/policy/rules/schema-crd';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

const FIXTURES = path.join(__dirname, '../../fixtures/policy/schema');

function parse(file: string, content: string): ManifestObject[] {
  return parseAllDocuments(content)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o)
    .map((object, index) => ({ file, index, object }));
}

const ctxOf = (objects: ManifestObject[]): PolicyContext => ({ objects, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion: '1.28' });
const fixture = (name: string) => parse(`schema/${name}`, fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('schema/custom-resource', () => {
  it('has a one-line reason and an explanation (with schema/vcluster-values, the other schema of imports/schemas)', () => {
    expect(crdSchemaRules.map((r) => [r.id, r.severity])).toEqual([['schema/custom-resource', 'error'], ['schema/vcluster-values', 'error']]);
    for (const r of crdSchemaRules) {
      expect(r.reason).not.toMatch(/\n/);
      expect(r.explain.length).toBeGreaterThan(100);
    }
  });

  it('reports a misspelled key (and so the missing required one) and a missing required key, with field paths', () => {
    const file = 'schema/custom-resource.fail.yaml';
    expect(runPolicy(crdSchemaRules, ctxOf(fixture('custom-resource.fail.yaml')))).toEqual([
      {
        rule: 'schema/custom-resource', severity: 'error', file, object: 'ApplicationSet schema-custom-resource-fail/repo-url-typo',
        path: 'spec.generators[0].git.repoURL', message: 'required key "repoURL" is missing',
      },
      {
        rule: 'schema/custom-resource', severity: 'error', file, object: 'ApplicationSet schema-custom-resource-fail/repo-url-typo',
        path: 'spec.generators[0].git.repoUrl', message: expect.stringMatching(/^unknown key "repoUrl" \(did you mean "repoURL"\? allowed: .*repoURL/),
      },
      {
        rule: 'schema/custom-resource', severity: 'error', file, object: 'SealedSecret schema-custom-resource-fail/db',
        path: 'spec.encryptedData', message: 'required key "encryptedData" is missing',
      },
    ]);
  });

  it('accepts valid custom resources and ignores kinds without a schema', () => {
    expect(runPolicy(crdSchemaRules, ctxOf(fixture('custom-resource.pass.yaml')))).toEqual([]);
  });

  it("finds nothing in the example repository's objects", () => {
    const objects = planSynth(exampleInput).files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: object as K8sObject })));
    expect(objects.filter((m) => m.object.apiVersion?.includes('.')).length).toBeGreaterThan(10);
    expect(runPolicy(crdSchemaRules, ctxOf(objects))).toEqual([]);
  });
});
