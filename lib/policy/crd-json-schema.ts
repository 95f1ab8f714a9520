/**
 * A CRD version's OpenAPI v3 schema as a JSON Schema (2020-12) for Ajv (pure). One home for the translation, used by
 * `npm run import` (scripts/import-schemas.ts: imports/schemas/<group>/<Kind>_<version>.json, precompiled) and by the
 * gate (lib/policy/schemas.ts: the claims' and composites' schemas, derived from an XRD of the object set and
 * compiled at gate time), so an upstream CRD and our own XRD are held to the same rules (unknown keys are errors).
 */

const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** What the API server lets any object's metadata hold (it validates metadata itself; CRD schemas do not). */
export const OBJECT_META = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/**
 * OpenAPI v3 (structural CRD schema) -> JSON Schema, with the x-kubernetes-* extensions translated or removed:
 * int-or-string -> integer or string; preserve-unknown-fields -> unknown keys allowed; an object with
 * `properties` otherwise refuses unknown keys (as `kubectl apply` with strict field validation does);
 * embedded-resource -> apiVersion/kind/metadata allowed; list-type, map-type, validations (CEL) are dropped.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(n)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value);
    } else {
      out[key] = value; // type, format, enum, pattern, required, description, default, nullable, min*/max* ...
    }
  }
  if (n['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (n['x-kubernetes-embedded-resource'] === true && out.properties) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties as object) };
  }
  if (out.properties && out.additionalProperties === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * The JSON Schema of one kind and version: the CRD version's `openAPIV3Schema` translated by {@link toJsonSchema},
 * with `apiVersion` and `kind` pinned (`const`), metadata as {@link OBJECT_META}, and apiVersion, kind, metadata required.
 */
export function crdVersionJsonSchema(openApi: unknown, apiVersion: string, kind: string): Record<string, unknown> {
  const root = toJsonSchema(openApi) as Record<string, any>;
  return {
    ...root,
    $schema: JSON_SCHEMA_2020,
    title: `${kind} (${apiVersion})`,
    type: 'object',
    properties: {
      ...(root.properties ?? {}),
      apiVersion: { type: 'string', const: apiVersion },
      kind: { type: 'string', const: kind },
      metadata: OBJECT_META,
    },
    required: [...new Set(['apiVersion', 'kind', 'metadata', ...(root.required ?? [])])],
    additionalProperties: root.additionalProperties ?? false,
  };
}

/** A copy of `v` with the keys of every object sorted. */
export function stableValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stableValue);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, stableValue((v as Record<string, unknown>)[k])]));
}

/** 2-space JSON, keys sorted at every level, trailing newline (the generated schema files). */
export const stableJson = (value: unknown): string => `${JSON.stringify(stableValue(value), null, 2)}\n`;
