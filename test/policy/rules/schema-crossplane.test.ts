import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { K8sObject, ManifestObject, PolicyContext, runPolicy } from '../../../lib/policy/engine';
import { crossplaneSchemaRules, parseFieldPath } from '../../../lib/policy/rules/schema-crossplane';
import { databaseApi } from '../../../lib/model/database-api';
import { databaseXrd } from '../../../lib/model/database-platform';
import { stableValue } from '../../../lib/policy/crd-json-schema';
import { validateCustomResource, xrdSchemaFor } from '../../../lib/policy/schemas';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

const FIXTURES = path.join(__dirname, '../../fixtures/policy/schema');

/* eslint-disable @typescript-eslint/no-explicit-any */
const ctxOf = (objects: ManifestObject[]): PolicyContext => ({ objects, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion: '1.28' });
const run = (objects: ManifestObject[]) => runPolicy(crossplaneSchemaRules, ctxOf(objects)).map((f) => ({ rule: f.rule, file: f.file, object: f.object, path: f.path, message: f.message }));

function fixture(name: string): ManifestObject[] {
  return parseAllDocuments(fs.readFileSync(path.join(FIXTURES, name), 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o)
    .map((object, index) => ({ file: `schema/${name}`, index, object }));
}

/** The example repository's synthesized objects, as a fresh deep copy (tests plant faults in it). */
const plan = planSynth(exampleInput);
function example(): ManifestObject[] {
  return plan.files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: JSON.parse(JSON.stringify(object)) as K8sObject })));
}
const HOST = 'crossplane/host-us-east-1/platform.yaml';
const CLAIM = 'databases/dev/us-east-1/incident-assistant-backend.yaml';
const composition = (objects: ManifestObject[]): any => objects.find((m) => m.file === HOST && m.object.kind === 'Composition')!.object;
const claim = (objects: ManifestObject[]): any => objects.find((m) => m.file === CLAIM)!.object;
/** The Composition's RDS Instance template and its path. */
function instance(objects: ManifestObject[]): { at: string; resource: any } {
  const resources: any[] = composition(objects).spec.pipeline[0].input.resources;
  const j = resources.findIndex((r) => r.base.kind === 'Instance');
  return { at: `spec.pipeline[0].input.resources[${j}]`, resource: resources[j] };
}
const onComposition = { file: HOST, object: 'Composition xpostgresinstances.aws' };
const onClaim = { rule: 'schema/claim', file: CLAIM, object: 'PostgresInstance db-dev-us-east-1/incident-assistant-backend' };

describe('the Crossplane schema rules', () => {
  it('are three error rules without opt-out, with one-line reasons', () => {
    expect(crossplaneSchemaRules.map((r) => [r.id, r.severity, r.optOut])).toEqual([
      ['schema/composition-base', 'error', false], ['schema/composition-patch', 'error', false], ['schema/claim', 'error', false],
    ]);
    for (const r of crossplaneSchemaRules) expect(r.reason).not.toMatch(/\n/);
  });

  it("find nothing in the example repository's objects (its Compositions, XRDs and claims)", () => {
    const objects = example();
    const kinds = objects.map((m) => m.object.kind);
    expect(kinds.filter((k) => k === 'Composition')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'PostgresInstance').length).toBeGreaterThanOrEqual(3);
    expect(run(objects)).toEqual([]);
  });

  it('catch the planted faults of the example with their field paths: bases, a patch, claims', () => {
    const objects = example();
    const { at, resource } = instance(objects);
    resource.base.spec.forProvider.instanceClas = 'db.t4g.micro';
    resource.base.spec.forProvider.allocatedStorage = 'twenty';
    const k = resource.patches.findIndex((p: any) => p.toFieldPath === 'spec.forProvider.instanceClass');
    resource.patches[k].toFieldPath = 'spec.forProvider.instanceClas';
    claim(objects).spec.parameters.storageGiB = 5000;
    claim(objects).spec.parameters.iops = 3000;
    const prod = objects.find((m) => m.file === 'databases/prod/us-east-1/incident-assistant-backend.yaml')!.object as any;
    delete prod.spec.parameters;
    expect(run(objects)).toEqual([
      {
        rule: 'schema/composition-base', ...onComposition, path: `${at}.base.spec.forProvider.allocatedStorage`, message: 'must be number (got "twenty")',
      },
      {
        rule: 'schema/composition-base', ...onComposition, path: `${at}.base.spec.forProvider.instanceClas`,
        message: expect.stringMatching(/^unknown key "instanceClas" \(did you mean "instanceClass"\? allowed: /),
      },
      {
        rule: 'schema/composition-patch', ...onComposition, path: `${at}.patches[${k}].toFieldPath`,
        message: '"spec.forProvider.instanceClas" is not a field of rds.aws.upbound.io/v1beta3 Instance (resource "instance"): spec.forProvider has no key "instanceClas" (did you mean "instanceClass"?)',
      },
      { ...onClaim, path: 'spec.parameters.iops', message: expect.stringMatching(/^unknown key "iops" \(allowed: backupRetentionDays, deletionPolicy, engineVersion, instanceClass, multiAz, storageGiB\)$/) },
      { ...onClaim, path: 'spec.parameters.storageGiB', message: 'must be <= 1024 (got 5000)' },
      {
        ...onClaim, file: 'databases/prod/us-east-1/incident-assistant-backend.yaml', object: 'PostgresInstance db-prod-us-east-1/incident-assistant-backend',
        path: 'spec.parameters', message: 'required key "parameters" is missing',
      },
    ]);
  });

  it('report what the corpus fixtures declare, and nothing in the pass fixture', () => {
    expect(run(fixture('crossplane.pass.yaml'))).toEqual([]);
    const found = run(fixture('crossplane.fail.yaml'));
    expect(found.map((f) => `${f.rule} ${f.object} ${f.path}`)).toEqual([
      'schema/composition-base Composition xdatabases.aws spec.pipeline[0].input.resources[0].base.spec.forProvider.allocatedStorage',
      'schema/composition-base Composition xdatabases.aws spec.pipeline[0].input.resources[0].base.spec.forProvider.instanceClas',
      'schema/composition-patch Composition xdatabases.aws spec.pipeline[0].input.resources[0].patches[0].toFieldPath',
      'schema/composition-patch Composition xdatabases.aws spec.pipeline[0].input.resources[0].patches[1].fromFieldPath',
      'schema/composition-patch Composition xdatabases.aws spec.pipeline[0].input.resources[0].patches[2].toFieldPath',
      'schema/composition-patch Composition xdatabases.aws spec.pipeline[0].input.resources[0].patches[3].patchSetName',
      'schema/claim Database schema-crossplane-fail/no-parameters spec.parameters',
      'schema/claim Database schema-crossplane-fail/old-version apiVersion',
      'schema/claim Database schema-crossplane-fail/too-big spec.parameters.engin',
      'schema/claim Database schema-crossplane-fail/too-big spec.parameters.storageGiB',
    ]);
    expect(found.find((f) => f.path.endsWith('patches[2].toFieldPath'))!.message).toMatch(/: spec\.forProvider\.region is a string, not a map$/);
    expect(found.find((f) => f.path === 'apiVersion')!.message).toBe('corpus.example.io/v1 is not a served version of Database (XRD xdatabases.corpus.example.io serves corpus.example.io/v1alpha1)');
  });
});

describe('schema/composition-base', () => {
  it('does not report missing required keys in a base (partial), which a whole object would', () => {
    const objects = example();
    const { resource } = instance(objects);
    expect(resource.base.metadata).toBeUndefined();
    delete resource.base.spec.forProvider.passwordSecretRef.key;
    expect(run(objects)).toEqual([]);
    expect(validateCustomResource(resource.base).map((f) => f.path)).toEqual(['metadata', 'spec.forProvider.passwordSecretRef.key']);
    expect(validateCustomResource(resource.base, { partial: true })).toEqual([]);
  });

  it('leaves a base whose kind or version has no CRD schema unchecked (the explanation says so), and its patches', () => {
    const objects = example();
    const { resource } = instance(objects);
    resource.base.apiVersion = 'rds.aws.upbound.io/v1beta9';
    resource.base.spec.forProvider.instanceClas = 'x';
    resource.patches[0].toFieldPath = 'spec.nothing';
    expect(run(objects)).toEqual([]);
    expect(crossplaneSchemaRules[0].explain).toContain('Bases whose kind has no CRD schema are not checked');
  });
});

describe('schema/composition-patch', () => {
  it('checks the defaulted toFieldPath (the fromFieldPath), patch sets, and combine variables against both sides', () => {
    const objects = example();
    const { at, resource } = instance(objects);
    const input = composition(objects).spec.pipeline[0].input;
    input.patchSets = [{ name: 'common', patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.multiAz', toFieldPath: 'spec.forProvider.multiAZ' }] }];
    resource.patches.push(
      { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.multiAz' },
      { type: 'PatchSet', patchSetName: 'common' },
      { type: 'CombineFromComposite', combine: { variables: [{ fromFieldPath: 'spec.parameters.engineVersion' }, { fromFieldPath: 'spec.parameter.x' }], strategy: 'string', string: { fmt: '%s-%s' } }, toFieldPath: 'metadata.annotations[acme.io/x]' },
      { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.address', toFieldPath: 'status.address' },
      { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.tags', toFieldPath: 'spec.forProvider.tags[team]' },
      { type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.x', toFieldPath: 'spec.forProvider.vpcSecurityGroupIds[0]' },
      { type: 'FromCompositeFieldPath', fromFieldPath: 'metadata.uid', toFieldPath: 'spec.forProvider..region' },
    );
    const n = resource.patches.length;
    const found = run(objects).map((f) => [f.path, f.message]);
    const xr = 'the composite platform.acme.io/v1alpha1 XPostgresInstance (XRD xpostgresinstances.platform.acme.io)';
    expect(found).toEqual([
      [`${at}.patches[${n - 7}].fromFieldPath`, '"spec.parameters.multiAz" is not a field of rds.aws.upbound.io/v1beta3 Instance (resource "instance"): spec has no key "parameters" (toFieldPath defaults to fromFieldPath)'],
      [`${at}.patches[${n - 5}].combine.variables[1].fromFieldPath`, `"spec.parameter.x" is not a field of ${xr}: spec has no key "parameter" (did you mean "parameters"?)`],
      [`${at}.patches[${n - 4}].toFieldPath`, `"status.address" is not a field of ${xr}: status has no key "address"`],
      [`${at}.patches[${n - 3}].fromFieldPath`, `"spec.parameters.tags" is not a field of ${xr}: spec.parameters has no key "tags"`],
      [`${at}.patches[${n - 2}].fromFieldPath`, `"spec.parameters.x" is not a field of ${xr}: spec.parameters has no key "x"`],
      [`${at}.patches[${n - 1}].toFieldPath`, '"spec.forProvider..region" is not a field path: unexpected "." at position 16'],
      ['spec.pipeline[0].input.patchSets[0].patches[0].toFieldPath', '"spec.forProvider.multiAZ" is not a field of rds.aws.upbound.io/v1beta3 Instance (resource "instance"): spec.forProvider has no key "multiAZ" (did you mean "multiAz"?)'],
    ].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });

  it('parses Crossplane field paths', () => {
    expect(parseFieldPath('spec.forProvider.tags[0].key')).toEqual([{ key: 'spec' }, { key: 'forProvider' }, { key: 'tags' }, { index: 0 }, { key: 'key' }]);
    expect(parseFieldPath('metadata.labels[crossplane.io/claim-name]')).toEqual([{ key: 'metadata' }, { key: 'labels' }, { key: 'crossplane.io/claim-name' }]);
    expect(parseFieldPath('data["a.b"].c')).toEqual([{ key: 'data' }, { key: 'a.b' }, { key: 'c' }]);
    expect(parseFieldPath('spec.items[*].name')).toEqual([{ key: 'spec' }, { key: 'items' }, '*', { key: 'name' }]);
    expect(parseFieldPath('spec[0')).toBe('unterminated "[" at position 4');
    expect(parseFieldPath('.spec')).toBe('unexpected "." at position 0');
    expect(parseFieldPath('')).toBe('is empty');
  });
});

describe('schema/claim', () => {
  it('accepts the fields Crossplane adds to a claim and refuses others, with their types', () => {
    const objects = example();
    Object.assign(claim(objects).spec, {
      compositeDeletePolicy: 'Foreground', compositionRef: { name: 'xpostgresinstances.aws' }, compositionUpdatePolicy: 'Manual',
      compositionSelector: { matchLabels: { provider: 'aws' } }, resourceRef: { apiVersion: 'platform.acme.io/v1alpha1', kind: 'XPostgresInstance', name: 'x' },
    });
    expect(run(objects)).toEqual([]);
    claim(objects).spec.compositeDeletePolicy = 'Orphan';
    claim(objects).spec.writeConnectionSecretToRef.namespace = 'elsewhere';
    claim(objects).metadata.name = 'x'.repeat(64);
    const object = `PostgresInstance db-dev-us-east-1/${'x'.repeat(64)}`;
    expect(run(objects)).toEqual([
      { ...onClaim, object, path: 'metadata.name', message: expect.stringMatching(/^must NOT have more than 63 characters/) },
      { ...onClaim, object, path: 'spec.compositeDeletePolicy', message: 'must be one of "Background", "Foreground" (got "Orphan")' },
      { ...onClaim, object, path: 'spec.writeConnectionSecretToRef.namespace', message: 'unknown key "namespace" (allowed: name)' },
    ]);
  });

  it("validates against the set's XRD (compiled when it is not the one imported), and composite resources too", () => {
    const objects = example();
    for (const m of objects.filter((o) => o.object.kind === 'CompositeResourceDefinition')) {
      (m.object as any).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.parameters.properties.storageGiB.maximum = 2048;
    }
    claim(objects).spec.parameters.storageGiB = 2000;
    const composite = {
      apiVersion: 'platform.acme.io/v1alpha1', kind: 'XPostgresInstance', metadata: { name: 'x' },
      spec: { ...claim(objects).spec, writeConnectionSecretToRef: { name: 'x', namespace: 'crossplane-system' }, claimRef: { apiVersion: 'v1', kind: 'K' } },
    };
    objects.push({ file: HOST, index: 99, object: composite });
    expect(run(objects)).toEqual([
      { rule: 'schema/claim', file: HOST, object: 'XPostgresInstance x', path: 'spec.claimRef.name', message: 'required key "name" is missing' },
      { rule: 'schema/claim', file: HOST, object: 'XPostgresInstance x', path: 'spec.claimRef.namespace', message: 'required key "namespace" is missing' },
    ]);
    claim(objects).spec.parameters.storageGiB = 5000;
    expect(run(objects.slice(0, -1))).toEqual([{ ...onClaim, path: 'spec.parameters.storageGiB', message: 'must be <= 2048 (got 5000)' }]);
  });

  it('has the claim schema the gate derives from our XRD precompiled (imports/schemas/xrd/, so synth loads no Ajv compiler)', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../imports/schemas/xrd/platform.acme.io/PostgresInstance_v1alpha1.json'), 'utf8'));
    expect(committed.$comment).toMatch(/^Generated by `npm run import` \(scripts\/import\.ts\) from lib\/model\/database-platform\.ts databaseXrd/);
    delete committed.$comment;
    const xrd = databaseXrd(databaseApi('platform.acme.io'));
    expect(stableValue(xrdSchemaFor(xrd, 'platform.acme.io/v1alpha1', 'PostgresInstance')!.schema)).toEqual(stableValue(committed));
  });

  it('leaves a claim whose XRD is not in the set to cluster/served-kinds', () => {
    const objects = example().filter((m) => m.object.kind !== 'CompositeResourceDefinition');
    claim(objects).spec.parameters.storageGiB = 5000;
    expect(run(objects)).toEqual([]);
  });
});
