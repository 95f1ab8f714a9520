import { Checker, describe } from './check';
import { joinPath } from './errors';
import { JSON_PATCH_OPS, JSON_POINTER, JsonPatchOp } from './json-patch';

/**
 * The escape hatch (pure): what the typed spec does not say, said in Kubernetes' own terms, per app
 * (apps/<app>.ts) and per env and region (envs/<env>.ts `apps.<app>` and `apps.<app>.regions.<region>`):
 * JSON patches on the objects of an app instance, and extra objects added to its file. Synth applies
 * both before the policy gate (lib/synth/escape-hatch.ts), so the gate judges what is written.
 */

/** Which objects of an instance a patch changes. */
export interface PatchTarget {
  /** The objects' kind, as in their manifests: `Deployment`, `Service`, `CronJob`, `NetworkPolicy`, ... */
  readonly kind: string;
  /**
   * The object's name.
   * @default every object of `kind` in the instance (e.g. the web Deployment and each worker's)
   */
  readonly name?: string;
}

/** RFC 6902 operations on the objects `target` selects. */
export interface ObjectPatch {
  readonly target: PatchTarget;
  /** Applied in order to each target; each must apply (its path, or `from`, exists; a `test` holds). */
  readonly ops: readonly JsonPatchOp[];
}

/** A raw manifest added to an instance's file. */
export interface ExtraObject {
  /** e.g. `v1`, `networking.k8s.io/v1`. */
  readonly apiVersion: string;
  /** One of the kinds the env's AppProject permits (those the golden app emits, lib/constructs/golden-app-kinds.ts). */
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    /**
     * Only the app's namespace: the one the env's AppProject lets the app deploy to.
     * @default the app's namespace (for a namespaced kind)
     */
    readonly namespace?: string;
    /**
     * The instance's labels (`app.kubernetes.io/*`, `<labelDomain>/team`, `/env`, `/region`) are merged in; a
     * label here may add to them, not contradict them.
     * @default {}
     */
    readonly labels?: { readonly [key: string]: string };
    /** @default {} */
    readonly annotations?: { readonly [key: string]: string };
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** The escape hatch's keys, in an app spec and in an env's per-app and per-region overrides. */
export interface EscapeHatchSpec {
  /**
   * JSON patches (RFC 6902) on the objects of each instance (its file under dist/apps/; not the host-side
   * route, monitor or database claim). Layers concatenate: the app's, then the env's, then the region's. A
   * patch whose target matches no object of an instance, or an operation that does not apply there, fails synth.
   * @default []
   */
  readonly patches?: readonly ObjectPatch[];
  /**
   * Raw manifests added to each instance's file, after the golden app's objects of their kind; schema-checked
   * and judged by the policy gate like them (the app's `policy.allow` opt-outs apply). Layers concatenate: the
   * app's, then the env's, then the region's.
   * @default []
   */
  readonly extraObjects?: readonly ExtraObject[];
}

export const ESCAPE_HATCH_KEYS = ['patches', 'extraObjects'] as const;

/** An escape-hatch entry of an instance, with where it was written (synth's errors name that file and field). */
export interface Declared<T> {
  readonly value: T;
  /** The file that declares it (apps/<app>.ts or envs/<env>.ts), when known. */
  readonly file?: string;
  /** Its field there, e.g. `patches[0]`, `apps.book-shop.regions.eu-west-1.extraObjects[1]`. */
  readonly field: string;
}

/** One layer of an instance's escape hatch: the spec (app, env override or region override), its file and its field path there. */
export interface EscapeHatchLayer {
  readonly spec: EscapeHatchSpec | undefined;
  readonly file: string | undefined;
  readonly path: string;
}

/** An instance's patches and extra objects, the layers' lists concatenated in layer order (keys only when non-empty). */
export function layerEscapeHatch(layers: readonly EscapeHatchLayer[]): {
  patches?: Declared<ObjectPatch>[];
  extraObjects?: Declared<ExtraObject>[];
} {
  const collect = <K extends keyof EscapeHatchSpec>(key: K) =>
    layers.flatMap(({ spec, file, path }) => (spec?.[key] ?? []).map((value, i) => ({ value, ...(file ? { file } : {}), field: `${joinPath(path, key)}[${i}]` })));
  const patches = collect('patches') as Declared<ObjectPatch>[];
  const extraObjects = collect('extraObjects') as Declared<ExtraObject>[];
  return { ...(patches.length > 0 ? { patches } : {}), ...(extraObjects.length > 0 ? { extraObjects } : {}) };
}

/** Paths that are an object's identity (what synth, the gate and Argo CD know it by): no patch writes them. */
const IDENTITY = ['', '/apiVersion', '/kind', '/metadata', '/metadata/name', '/metadata/namespace'];
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;
const KIND_ALLOWED = 'a Kubernetes kind such as "Deployment"';
const API_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const MAP_KEY = /^\S{1,316}$/;

/** Runtime validation of the escape-hatch keys of `s` (an app spec, or an env's per-app or per-region override at `path`). */
export function checkEscapeHatch(c: Checker, s: Record<string, unknown>, path: string): void {
  if (s.patches !== undefined) {
    list(c, s.patches, joinPath(path, 'patches'), '{ target, ops }').forEach((raw, i) => checkPatch(c, raw, `${joinPath(path, 'patches')}[${i}]`));
  }
  if (s.extraObjects !== undefined) {
    list(c, s.extraObjects, joinPath(path, 'extraObjects'), 'manifests').forEach((raw, i) => checkExtraObject(c, raw, `${joinPath(path, 'extraObjects')}[${i}]`));
  }
}

function list(c: Checker, value: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(value)) c.fail(path, `must be a list of ${what}, got ${describe(value)}`);
  return value as unknown[];
}

function checkPatch(c: Checker, raw: unknown, p: string): void {
  const patch = c.object(raw, p);
  c.keys(patch, p, ['target', 'ops']);
  const target = c.object(patch.target, joinPath(p, 'target'));
  c.keys(target, joinPath(p, 'target'), ['kind', 'name']);
  c.string(target.kind, joinPath(p, 'target', 'kind'), { pattern: KIND, allowed: KIND_ALLOWED });
  c.optionalString(target.name, joinPath(p, 'target', 'name'));
  const ops = list(c, patch.ops, joinPath(p, 'ops'), 'operations ({ op, path, ... })');
  if (ops.length === 0) c.fail(joinPath(p, 'ops'), 'needs at least one operation');
  ops.forEach((rawOp, j) => {
    const q = `${joinPath(p, 'ops')}[${j}]`;
    const op = c.object(rawOp, q);
    const name = c.oneOf(op.op, joinPath(q, 'op'), JSON_PATCH_OPS);
    const keys = name === 'remove' ? ['op', 'path'] : name === 'copy' || name === 'move' ? ['op', 'from', 'path'] : ['op', 'path', 'value'];
    c.keys(op, q, keys);
    // A test only reads; the others write their path, and a move also removes its `from`.
    pointer(c, op.path, joinPath(q, 'path'), name !== 'test');
    if (keys.includes('from')) pointer(c, op.from, joinPath(q, 'from'), name === 'move');
    if (keys.includes('value')) {
      if (op.value === undefined) c.fail(joinPath(q, 'value'), `is required for ${name}`);
      checkJson(c, op.value, joinPath(q, 'value'));
    }
  });
}

function pointer(c: Checker, value: unknown, path: string, writes: boolean): void {
  if (typeof value !== 'string' || !JSON_POINTER.test(value)) {
    c.fail(path, `must be a JSON Pointer such as "/spec/template/spec/priorityClassName" ("~1" for a "/" inside a key), got ${describe(value)}`);
  }
  if (writes && IDENTITY.includes(value as string)) {
    c.fail(path, `"${value}" is the object's identity (apiVersion, kind, name, namespace), which synth, the gate and Argo CD know it by; it is not patchable`);
  }
}

function checkExtraObject(c: Checker, raw: unknown, p: string): void {
  const o = c.object(raw, p);
  c.string(o.apiVersion, joinPath(p, 'apiVersion'), { pattern: API_VERSION, allowed: 'an API version such as "v1" or "networking.k8s.io/v1"' });
  c.string(o.kind, joinPath(p, 'kind'), { pattern: KIND, allowed: KIND_ALLOWED });
  const m = c.object(o.metadata, joinPath(p, 'metadata'));
  c.string(m.name, joinPath(p, 'metadata', 'name'));
  c.optionalString(m.namespace, joinPath(p, 'metadata', 'namespace'));
  for (const key of ['labels', 'annotations']) {
    if (m[key] !== undefined) c.stringMap(m[key], joinPath(p, 'metadata', key), MAP_KEY, 'a label or annotation key');
  }
  checkJson(c, o, p);
}

/** Refuses what is not JSON data (functions, undefined, Infinity, class instances such as Date or RegExp). */
function checkJson(c: Checker, v: unknown, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJson(c, x, `${path}[${i}]`));
    return;
  }
  // A plain object: its prototype is null or an Object.prototype (of any realm: structuredClone's is the host's).
  const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === null || (proto !== undefined && Object.getPrototypeOf(proto) === null)) {
    for (const [k, x] of Object.entries(v as object)) checkJson(c, x, joinPath(path, k));
    return;
  }
  c.fail(path, `must be JSON data (strings, finite numbers, booleans, null, lists and objects), got ${typeof v === 'object' ? 'an instance of a class' : describe(v)}`);
}
