/**
 * The CustomResourceDefinitions Crossplane generates from a CompositeResourceDefinition (pure): the composite
 * resource's, and the claim's for an XRD with `claimNames`. Mirrors crossplane-runtime v2.3.3 (the version
 * crossplane v2.3.4's go.mod pins), pkg/xcrd: crd.go (ForCompositeResource, ForCompositeResourceClaim,
 * genCrdVersion) and schemas.go (BaseProps, CompositeResourceSpecProps, CompositeResourceClaimSpecProps,
 * CompositeResourceStatusProps). Only what the schemas and names need is generated: no printer columns,
 * categories, owner references or conversion.
 *
 * Used where our own XRD's schema must hold: the gate validates claims and composites of the object set against
 * these (lib/policy/schemas.ts `validateAgainstXrd`), and `npm run import` runs `cdk8s import` on the claim CRD of
 * our database XRD to type the claim (imports/README.md), so the schema lives in one place (the XRD).
 */

import { crdVersionJsonSchema, OBJECT_META } from './crd-json-schema';

type Schema = Record<string, any>;

/** A CompositeResourceDefinition, as parsed from YAML (loosely typed: read defensively). */
export interface XrdObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown };
  readonly spec?: unknown;
}

/** The generated CRD (apiextensions.k8s.io/v1). */
export interface GeneratedCrd {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: Schema;
    readonly scope: 'Namespaced' | 'Cluster';
    readonly versions: readonly { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Schema }; subresources: { status: object } }[];
  };
}

export type XrdScope = 'LegacyCluster' | 'Namespaced' | 'Cluster';

const XRD_GROUP = 'apiextensions.crossplane.io';

/** True for an `apiextensions.crossplane.io` CompositeResourceDefinition (v1 or v2). */
export function isXrd(o: { apiVersion?: unknown; kind?: unknown }): o is XrdObject {
  return o.kind === 'CompositeResourceDefinition' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${XRD_GROUP}/`);
}

const specOf = (xrd: XrdObject): Schema => (xrd.spec !== null && typeof xrd.spec === 'object' ? (xrd.spec as Schema) : {});

/** The XR's scope: `spec.scope`, else the CRD's default (v1: LegacyCluster, v2: Namespaced). */
export function xrdScope(xrd: XrdObject): XrdScope {
  const scope = specOf(xrd).scope;
  if (scope === 'LegacyCluster' || scope === 'Namespaced' || scope === 'Cluster') return scope;
  return xrd.apiVersion === `${XRD_GROUP}/v1` ? 'LegacyCluster' : 'Namespaced';
}

/** The kind an object of `group`/`kind` is to this XRD: its composite, its claim, or neither. */
export function xrdRole(xrd: XrdObject, group: string, kind: string): 'composite' | 'claim' | undefined {
  const spec = specOf(xrd);
  if (spec.group !== group) return undefined;
  if (spec.names?.kind === kind) return 'composite';
  if (spec.claimNames?.kind === kind) return 'claim';
  return undefined;
}

/** The XRD's versions (name and whether served). */
export function xrdVersions(xrd: XrdObject): { name: string; served: boolean }[] {
  const versions = specOf(xrd).versions;
  return (Array.isArray(versions) ? versions : [])
    .filter((v): v is Schema => typeof v?.name === 'string')
    .map((v) => ({ name: v.name as string, served: v.served !== false }));
}

/** Drops undefined values, and empty lists (Go's `omitempty`). */
function compact(o: Schema): Schema {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

const str = { type: 'string' };
const nameRef = { type: 'object', required: ['name'], properties: { name: str } };
const labelSelector = { type: 'object', required: ['matchLabels'], properties: { matchLabels: { type: 'object', additionalProperties: str } } };
const withDefault = (schema: Schema, value: unknown): Schema => (typeof value === 'string' ? { ...schema, default: value } : schema);

/** CompositeResourceSpecProps: the composite's Crossplane fields (legacy: under spec; modern: under spec.crossplane). */
function compositeSpecProps(scope: XrdScope, defaultUpdatePolicy: unknown): Schema {
  const props: Schema = {
    compositionRef: nameRef,
    compositionSelector: labelSelector,
    compositionRevisionRef: nameRef,
    compositionRevisionSelector: labelSelector,
    compositionUpdatePolicy: withDefault({ type: 'string', enum: ['Automatic', 'Manual'] }, defaultUpdatePolicy),
    resourceRefs: {
      type: 'array',
      items: {
        type: 'object',
        properties: { apiVersion: str, name: str, ...(scope === 'Namespaced' ? {} : { namespace: str }), kind: str },
        required: ['apiVersion', 'kind'],
      },
      'x-kubernetes-list-type': 'atomic',
    },
  };
  if (scope !== 'LegacyCluster') return { crossplane: { type: 'object', description: 'Configures how Crossplane will reconcile this composite resource', properties: props } };
  return {
    ...props,
    claimRef: { type: 'object', required: ['apiVersion', 'kind', 'namespace', 'name'], properties: { apiVersion: str, kind: str, namespace: str, name: str } },
    writeConnectionSecretToRef: { type: 'object', required: ['name', 'namespace'], properties: { name: str, namespace: str } },
  };
}

/** CompositeResourceClaimSpecProps: the claim's Crossplane fields, directly under spec. */
function claimSpecProps(defaultDeletePolicy: unknown): Schema {
  return {
    compositionRef: nameRef,
    compositionSelector: labelSelector,
    compositionRevisionRef: nameRef,
    compositionRevisionSelector: labelSelector,
    compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
    compositeDeletePolicy: withDefault({ type: 'string', enum: ['Background', 'Foreground'] }, defaultDeletePolicy),
    resourceRef: { type: 'object', required: ['apiVersion', 'kind', 'name'], properties: { apiVersion: str, kind: str, name: str } },
    writeConnectionSecretToRef: { type: 'object', required: ['name'], properties: { name: str } },
  };
}

/** CompositeResourceStatusProps (claims get the legacy composite's: crossplane-runtime's own TODO calls that a bug). */
function statusProps(scope: XrdScope): Schema {
  const conditions = {
    description: 'Conditions of the resource.',
    type: 'array',
    'x-kubernetes-list-map-keys': ['type'],
    'x-kubernetes-list-type': 'map',
    items: {
      type: 'object',
      required: ['lastTransitionTime', 'reason', 'status', 'type'],
      properties: {
        lastTransitionTime: { type: 'string', format: 'date-time' },
        message: str,
        reason: str,
        status: str,
        type: str,
        observedGeneration: { type: 'integer', format: 'int64' },
      },
    },
  };
  if (scope !== 'LegacyCluster') return { conditions };
  return {
    conditions,
    connectionDetails: { type: 'object', properties: { lastPublishedTime: { type: 'string', format: 'date-time' } } },
    claimConditionTypes: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
  };
}

/** genCrdVersion's schema: BaseProps with the XRD version's description, metadata.name, spec and status merged in, then Crossplane's props. */
function versionSchema(xrdSchema: Schema, maxNameLength: number, specProps: Schema, status: Schema): Schema {
  const s = xrdSchema;
  const xSpec: Schema = s.properties?.spec ?? {};
  const xStatus: Schema = s.properties?.status ?? {};
  const oldMax = s.properties?.metadata?.properties?.name?.maxLength;
  const maxLength = typeof oldMax === 'number' && oldMax < maxNameLength ? oldMax : maxNameLength;
  return compact({
    type: 'object',
    description: s.description,
    'x-kubernetes-validations': s['x-kubernetes-validations'],
    required: ['spec'],
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength } } },
      spec: compact({
        type: 'object',
        description: xSpec.description,
        required: xSpec.required,
        'x-kubernetes-preserve-unknown-fields': xSpec['x-kubernetes-preserve-unknown-fields'],
        'x-kubernetes-validations': xSpec['x-kubernetes-validations'],
        oneOf: xSpec.oneOf,
        // maps.Copy after genCrdVersion: Crossplane's fields win over the XRD's of the same name.
        properties: { ...(xSpec.properties ?? {}), ...specProps },
      }),
      status: compact({
        type: 'object',
        description: xStatus.description,
        required: xStatus.required,
        'x-kubernetes-validations': xStatus['x-kubernetes-validations'],
        oneOf: xStatus.oneOf,
        properties: { ...(xStatus.properties ?? {}), ...status },
      }),
    },
  });
}

function generate(xrd: XrdObject, name: string, names: Schema, scope: 'Namespaced' | 'Cluster', schemaOf: (s: Schema) => Schema): GeneratedCrd {
  const spec = specOf(xrd);
  const versions = (Array.isArray(spec.versions) ? spec.versions : []).map((v: Schema) => {
    const openApi = v?.schema?.openAPIV3Schema;
    // Crossplane refuses a version without a schema ("custom resource validation cannot be nil"); so does this.
    if (openApi === null || typeof openApi !== 'object') throw new Error(`XRD ${String(xrd.metadata?.name)}: version ${String(v?.name)} has no schema.openAPIV3Schema`);
    return { name: String(v.name), served: v.served !== false, storage: v.referenceable === true, schema: { openAPIV3Schema: schemaOf(openApi) }, subresources: { status: {} } };
  });
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name }, spec: { group: String(spec.group), names, scope, versions } };
}

/** ForCompositeResource: the composite resource's CRD (names `spec.names`; metadata.name at most 63 characters). */
export function compositeCrd(xrd: XrdObject): GeneratedCrd {
  const spec = specOf(xrd);
  const scope = xrdScope(xrd);
  const props = compositeSpecProps(scope, spec.defaultCompositionUpdatePolicy);
  return generate(xrd, String(xrd.metadata?.name), { ...spec.names }, scope === 'Namespaced' ? 'Namespaced' : 'Cluster', (s) => versionSchema(s, 63, props, statusProps(scope)));
}

/** ForCompositeResourceClaim: the claim's CRD (namespaced, names `spec.claimNames`); undefined for an XRD without claims. */
export function claimCrd(xrd: XrdObject): GeneratedCrd | undefined {
  const spec = specOf(xrd);
  if (!spec.claimNames?.kind || !spec.claimNames?.plural) return undefined;
  const props = claimSpecProps(spec.defaultCompositeDeletePolicy);
  return generate(xrd, `${spec.claimNames.plural}.${spec.group}`, { ...spec.claimNames }, 'Namespaced', (s) => versionSchema(s, 63, props, statusProps('LegacyCluster')));
}

/**
 * A generated CRD's served version as a JSON Schema, translated like the imported CRDs (./crd-json-schema.ts: unknown
 * keys are errors), metadata.name at most the generated maxLength (63: Crossplane uses names as label values).
 * Undefined when the CRD does not serve `version`.
 */
export function generatedCrdJsonSchema(crd: GeneratedCrd, version: string): Record<string, unknown> | undefined {
  const v = crd.spec.versions.find((x) => x.name === version && x.served);
  if (!v) return undefined;
  const openApi = v.schema.openAPIV3Schema;
  const schema = crdVersionJsonSchema(openApi, `${crd.spec.group}/${version}`, String(crd.spec.names.kind)) as Schema;
  const maxLength = openApi.properties?.metadata?.properties?.name?.maxLength;
  if (typeof maxLength !== 'number') return schema;
  const metadata = { ...OBJECT_META, properties: { ...OBJECT_META.properties, name: { type: 'string', maxLength } } };
  return { ...schema, properties: { ...schema.properties, metadata } };
}
