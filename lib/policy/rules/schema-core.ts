import { finding, ManifestObject, PolicyFinding, Rule } from '../engine';

/*
 * `schema/core`: core Kubernetes objects (v1, apps/v1, batch/v1, policy/v1, autoscaling/v2,
 * networking.k8s.io/v1, rbac.authorization.k8s.io/v1, ...) against the upstream OpenAPI schemas
 * compiled by the npm package `kubernetes-models` (4.5.x). Only the kinds present are loaded, per
 * kind (`kubernetes-models/<group>/<version>/<Kind>`), on first use; a kind the package does not
 * know (a CRD, a typo) yields no finding.
 */

/** One error as reported by the package's (ajv-compiled) validators. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: { readonly [key: string]: unknown };
  readonly message?: string;
}

type Validate = (data: unknown) => readonly SchemaError[];

/** Validators by `apiVersion\0kind`; null when the package has no model for the kind. */
const validators = new Map<string, Validate | null>();

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/** The package's module for an apiVersion/kind: `v1` Service -> `kubernetes-models/v1/Service`. */
export function modelModule(apiVersion: string, kind: string): string | undefined {
  const parts = apiVersion.split('/');
  if (parts.length > 2 || !parts.every((p) => SEGMENT.test(p)) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  return `kubernetes-models/${parts.join('/')}/${kind}`;
}

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
/** The validator of a kind, loaded on first use (undefined when the package does not know it). */
export function validatorFor(apiVersion: string, kind: string): Validate | undefined {
  const key = `${apiVersion}\0${kind}`;
  if (validators.has(key)) return validators.get(key) ?? undefined;
  let validate: Validate | null = null;
  const id = modelModule(apiVersion, kind);
  if (id) {
    let mod: any;
    try {
      mod = require(id);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
    }
    const Model = mod?.[kind];
    // Kinds only: the package also exports nested types (Container, ...) under the same pattern.
    if (typeof Model === 'function' && Model.kind === kind && Model.apiVersion === apiVersion) {
      validate = (data) => {
        try {
          new Model(data).validate();
          return [];
        } catch (err) {
          const errors = (err as { errors?: SchemaError[] }).errors;
          if (!Array.isArray(errors)) throw err;
          return errors;
        }
      };
    }
  }
  validators.set(key, validate);
  return validate ?? undefined;
}

/** Decodes a JSON pointer (`/spec/containers/0/image`) into its segments. */
function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A JSON pointer as a field path: `/spec/template/spec/containers/0/image` ->
 * `spec.template.spec.containers[0].image`; keys that are not identifiers are quoted
 * (`metadata.labels["app.kubernetes.io/name"]`). `root` decides whether a number is an index.
 */
export function fieldPath(pointer: string, root?: unknown): string {
  let out = '';
  let cur: any = root;
  for (const seg of pointerSegments(pointer)) {
    const index = /^(0|[1-9][0-9]*)$/.test(seg) && (cur === undefined || Array.isArray(cur));
    if (index) out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
    cur = cur === undefined || cur === null ? undefined : cur[seg];
  }
  return out;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur: any = root;
  for (const seg of pointerSegments(pointer)) cur = cur === undefined || cur === null ? undefined : cur[seg];
  return cur;
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */

/** What a value is, for messages: `string "three"`, `boolean true`, `object`. */
function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 37)}...` : s}`;
}

const TYPE_NAMES: { readonly [t: string]: string } = { object: 'map', array: 'list' };
const article = (t: string) => ((t = TYPE_NAMES[t] ?? t), /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** One finding per offending field: path and a one-line message. */
export function describeErrors(errors: readonly SchemaError[], root: unknown): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  // A oneOf (int-or-string, quantity) also reports each failed branch at the same path: fold them.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    const got = describeValue(valueAt(root, e.instancePath));
    let pointer = e.instancePath;
    let message: string;
    switch (e.keyword) {
      case 'oneOf': {
        const branches = errors
          .filter((b) => b.instancePath === e.instancePath && (b.keyword === 'type' || b.keyword === 'format'))
          .map((b) => (b.keyword === 'type' ? String(b.params.type) : `${String(b.params.format)} string`));
        message = `must be ${[...new Set(branches)].map(article).join(' or ') || 'one of the allowed forms'} (got ${got})`;
        break;
      }
      case 'type':
      case 'format':
        if (oneOfPaths.has(e.instancePath)) continue;
        message = e.keyword === 'type' ? `must be ${article(String(e.params.type))} (got ${got})` : `must be ${article(String(e.params.format))} (got ${got})`;
        break;
      case 'required':
        pointer = `${e.instancePath}/${String(e.params.missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
        message = 'is required';
        break;
      case 'enum':
        message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${got})`;
        break;
      case 'additionalProperties': {
        const key = String(e.params.additionalProperty);
        message = `unknown key "${key}"`;
        pointer = `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        break;
      }
      default:
        message = e.message ?? `fails the schema (${e.keyword})`;
    }
    const path = fieldPath(pointer, root);
    if (seen.has(`${path}\0${message}`)) continue;
    seen.add(`${path}\0${message}`);
    out.push({ path, message });
  }
  return out;
}

/** `schema/core`: core objects must match the Kubernetes OpenAPI schema. */
export const coreSchema: Rule = {
  id: 'schema/core',
  severity: 'error',
  reason: 'core Kubernetes objects must match the Kubernetes OpenAPI schema (types, required fields, enums)',
  explain:
    'Every object whose apiVersion/kind is a built-in Kubernetes kind (v1, apps/v1, batch/v1, policy/v1, ' +
    'autoscaling/v2, networking.k8s.io/v1, rbac.authorization.k8s.io/v1, ...) is validated against the upstream ' +
    'OpenAPI schema (npm package kubernetes-models 4.5.x), so a mistake the API server would reject at sync time ' +
    '(replicas: "three", a container without a name, an unknown Service type, a port that is not an integer) fails ' +
    'here, with the field path, before anything is written. Kinds the package does not know (CRDs such as Argo CD ' +
    'Applications or SealedSecrets) are not checked by this rule. The upstream schemas do not forbid unknown keys, ' +
    'so a misspelled field is not reported here. Fix the field the finding names; `npm run validate -- --explain ' +
    'schema/core` prints this text. An opt-out works like for any rule, per app with a reason: ' +
    '`policy: { allow: [{ rule: \'schema/core\', reason: \'...\' }] }`, but an object the API server rejects will not sync anyway.',
  check: (ctx) => ctx.objects.flatMap((m) => checkObject(m)),
};

function checkObject(m: ManifestObject): PolicyFinding[] {
  const { apiVersion, kind } = m.object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
  const validate = validatorFor(apiVersion, kind);
  if (!validate) return [];
  return describeErrors(validate(m.object), m.object).map((e) => finding(coreSchema, m, e.path, e.message));
}

export const coreSchemaRules: Rule[] = [coreSchema];
