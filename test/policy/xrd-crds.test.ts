import { databaseApi } from '../../lib/model/database-api';
import { databaseXrd } from '../../lib/model/database-platform';
import { claimCrd, compositeCrd, generatedCrdJsonSchema, xrdRole, xrdScope } from '../../lib/policy/xrd-crds';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** What crossplane-runtime v2.3.3 pkg/xcrd generates, field by field (crd.go, schemas.go). */
describe('the CRDs Crossplane generates from an XRD', () => {
  const xrd = databaseXrd(databaseApi('platform.acme.io')) as any;

  it("the claim's: namespaced, named after claimNames, the XRD's spec plus Crossplane's claim fields", () => {
    const crd = claimCrd(xrd)!;
    expect(crd.metadata.name).toBe('postgresinstances.platform.acme.io');
    expect(crd.spec).toMatchObject({ group: 'platform.acme.io', scope: 'Namespaced', names: { kind: 'PostgresInstance', plural: 'postgresinstances' } });
    const [v] = crd.spec.versions;
    expect([v.name, v.served, v.storage]).toEqual(['v1alpha1', true, true]);
    const s = v.schema.openAPIV3Schema;
    expect(s.required).toEqual(['spec']);
    expect(s.properties.metadata).toEqual({ type: 'object', properties: { name: { type: 'string', maxLength: 63 } } });
    expect(Object.keys(s.properties.spec.properties).sort()).toEqual([
      'compositeDeletePolicy', 'compositionRef', 'compositionRevisionRef', 'compositionRevisionSelector', 'compositionSelector',
      'compositionUpdatePolicy', 'parameters', 'resourceRef', 'writeConnectionSecretToRef',
    ]);
    expect(s.properties.spec.required).toEqual(['parameters']);
    expect(s.properties.spec.properties.writeConnectionSecretToRef).toEqual({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
    expect(Object.keys(s.properties.status.properties).sort()).toEqual(['claimConditionTypes', 'conditions', 'connectionDetails']);
  });

  it("the composite's (LegacyCluster, a v1 XRD's default): cluster-scoped, Crossplane's fields under spec, a namespaced connection secret", () => {
    expect(xrdScope(xrd)).toBe('LegacyCluster');
    const crd = compositeCrd(xrd);
    expect([crd.metadata.name, crd.spec.scope, crd.spec.names.kind]).toEqual(['xpostgresinstances.platform.acme.io', 'Cluster', 'XPostgresInstance']);
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    expect(Object.keys(spec.properties).sort()).toEqual([
      'claimRef', 'compositionRef', 'compositionRevisionRef', 'compositionRevisionSelector', 'compositionSelector', 'compositionUpdatePolicy',
      'parameters', 'resourceRefs', 'writeConnectionSecretToRef',
    ]);
    expect(spec.properties.writeConnectionSecretToRef.required).toEqual(['name', 'namespace']);
  });

  it("a v2 XRD's namespaced composite: Crossplane's fields under spec.crossplane, no claim; Crossplane's fields win over the XRD's", () => {
    const v2 = {
      apiVersion: 'apiextensions.crossplane.io/v2', kind: 'CompositeResourceDefinition', metadata: { name: 'xapps.example.org' },
      spec: {
        group: 'example.org', names: { kind: 'XApp', plural: 'xapps' },
        versions: [{
          name: 'v1', served: true, referenceable: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { metadata: { properties: { name: { maxLength: 20 } } }, spec: { type: 'object', properties: { crossplane: { type: 'string' }, image: { type: 'string' } } } } } },
        }],
      },
    };
    expect(xrdScope(v2)).toBe('Namespaced');
    expect(claimCrd(v2)).toBeUndefined();
    expect([xrdRole(v2, 'example.org', 'XApp'), xrdRole(v2, 'example.org', 'App'), xrdRole(v2, 'example.com', 'XApp')]).toEqual(['composite', undefined, undefined]);
    const crd = compositeCrd(v2);
    expect(crd.spec.scope).toBe('Namespaced');
    const s = crd.spec.versions[0].schema.openAPIV3Schema;
    expect(s.properties.metadata.properties.name.maxLength).toBe(20);
    expect(s.properties.spec.properties.image).toEqual({ type: 'string' });
    expect(s.properties.spec.properties.crossplane.type).toBe('object');
    expect(Object.keys(s.properties.spec.properties.crossplane.properties.resourceRefs.items.properties)).toEqual(['apiVersion', 'name', 'kind']);
    // As JSON Schema: unknown keys refused, metadata open but its name bounded.
    const json = generatedCrdJsonSchema(crd, 'v1') as any;
    expect(json.properties.spec.additionalProperties).toBe(false);
    expect(json.properties.metadata.properties.name).toEqual({ type: 'string', maxLength: 20 });
    expect(generatedCrdJsonSchema(crd, 'v2')).toBeUndefined();
  });

  it('refuses, as Crossplane does, a version without a schema', () => {
    const bad = { ...xrd, spec: { ...xrd.spec, versions: [{ name: 'v1', served: true }] } };
    expect(() => compositeCrd(bad)).toThrow(/version v1 has no schema\.openAPIV3Schema/);
  });
});
