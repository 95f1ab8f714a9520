import { closest } from '../../model/check';
import { defineRule, K8sObject, ManifestObject, PolicyFinding, Report, Rule } from '../engine';
import {
  customResourceJsonSchema, PathSegment, undeclaredField, validateAgainstSchema, validateCustomResource, xrdSchemaFor,
} from '../schemas';
import { isXrd, XrdObject } from '../xrd-crds';

/*
 * Crossplane's own objects against the schemas they are made of: the `base` objects a Composition embeds in
 * function-patch-and-transform's input (against the provider's CRDs under imports/schemas), the field paths its
 * patches read and write, and the claims and composite resources of the set (against the XRD of the set that
 * defines them, as Crossplane extends its schema: lib/policy/xrd-crds.ts). Their findings are on crossplane/<host>/
 * and databases/<env>/<region>/ files, which no app's policy.allow covers: no opt-out.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** function-patch-and-transform v0.10.8's input (input/v1beta1/resources.go). */
const PT_INPUT = { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources' };

/** `prefix` + a field path relative to it (`''`, `spec.x` or `[0].x`). */
const under = (prefix: string, path: string): string => (path === '' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`);

/** One composed resource template of a Composition's patch-and-transform step. */
interface Template {
  /** Its path in the Composition: `spec.pipeline[0].input.resources[1]`. */
  readonly at: string;
  readonly name: string;
  readonly base: K8sObject;
  /** Its patches (raw). */
  readonly patches: unknown;
  /** The step's input (for its patchSets) and that input's path. */
  readonly input: Obj;
  readonly inputAt: string;
}

/** The composed resource templates (with a `base`) of a Composition's function-patch-and-transform steps. */
function templates(o: K8sObject): Template[] {
  if (o.kind !== 'Composition' || o.apiVersion !== 'apiextensions.crossplane.io/v1') return [];
  const pipeline = (o.spec as Obj | undefined)?.pipeline;
  if (!Array.isArray(pipeline)) return [];
  return pipeline.flatMap((step, i) => {
    const input = step?.input;
    if (!isObj(input) || input.apiVersion !== PT_INPUT.apiVersion || input.kind !== PT_INPUT.kind || !Array.isArray(input.resources)) return [];
    const inputAt = `spec.pipeline[${i}].input`;
    return (input.resources as unknown[]).flatMap((r, j) =>
      isObj(r) && isObj(r.base) ? [{ at: `${inputAt}.resources[${j}]`, name: String(r.name ?? j), base: r.base as K8sObject, patches: r.patches, input, inputAt }] : []);
  });
}

const kindOf = (o: { apiVersion?: unknown; kind?: unknown }): string => `${String(o.apiVersion)} ${String(o.kind)}`;

export const compositionBaseSchema: Rule = defineRule({
  id: 'schema/composition-base',
  severity: 'error',
  optOut: false,
  reason: "a Composition's base objects must match their CRD's schema (as partial objects)",
  explain:
    "Each `base` of a Composition's function-patch-and-transform step (input pt.fn.crossplane.io/v1beta1 Resources, " +
    'spec.pipeline[].input.resources[].base) is validated against the CRD schema of its apiVersion and kind under ' +
    'imports/schemas (the provider CRDs pinned in cdk8s.yaml, e.g. rds.aws.upbound.io Instance v1beta3), as ' +
    'schema/custom-resource validates whole objects: unknown or misspelled keys (instanceClas), wrong types ' +
    "(allocatedStorage: 'twenty'), values outside an enum. A base is partial: patches and Crossplane fill in the rest " +
    '(metadata, the patched fields), so missing required keys are not reported. The provider would otherwise reject ' +
    'the composed resource, or drop the field, only when a claim is made. Bases whose kind has no CRD schema are not ' +
    'checked (nor are their patches, schema/composition-patch); pin their CRD under schemaOnly: in cdk8s.yaml.',
  check: (ctx, report) =>
    ctx.objects.flatMap((m) =>
      templates(m.object).flatMap((t) => validateCustomResource(t.base, { partial: true }).map((f) => report(m, under(`${t.at}.base`, f.path), f.message)))),
});

// ---------------------------------------------------------------------------------------------------------------
// Patches

/** Where a patch type reads from and writes to (input/v1beta1/resources_patches.go). */
type Side = 'composite' | 'composed' | 'environment';
const PATCH_SIDES: { readonly [type: string]: readonly [from: Side, to: Side] } = {
  FromCompositeFieldPath: ['composite', 'composed'],
  CombineFromComposite: ['composite', 'composed'],
  ToCompositeFieldPath: ['composed', 'composite'],
  CombineToComposite: ['composed', 'composite'],
  FromEnvironmentFieldPath: ['environment', 'composed'],
  CombineFromEnvironment: ['environment', 'composed'],
  ToEnvironmentFieldPath: ['composed', 'environment'],
  CombineToEnvironment: ['composed', 'environment'],
};

/** A Crossplane field path (crossplane-runtime pkg/fieldpath): `a.b[0]`, `metadata.labels[crossplane.io/x]`, `a["b.c"]`, `*`. */
export function parseFieldPath(path: string): PathSegment[] | string {
  const out: PathSegment[] = [];
  const field = (s: string): PathSegment => (s === '*' ? '*' : { key: s.replace(/^['"]+|['"]+$/g, '') });
  let i = 0;
  while (i < path.length) {
    if (path[i] === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return `unterminated "[" at position ${i}`;
      const inner = path.slice(i + 1, end);
      if (inner === '' || inner.includes('[')) return `unexpected "${inner === '' ? ']' : '['}" at position ${i + 1}`;
      out.push(/^\d+$/.test(inner) && Number(inner) < 2 ** 32 ? { index: Number(inner) } : field(inner));
      i = end + 1;
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') {
        if (path[j] === ']') return `unexpected "]" at position ${j}`;
        j++;
      }
      if (j > i) out.push(field(path.slice(i, j)));
      i = j;
    }
    if (path[i] === '.') {
      if (i === 0 || i === path.length - 1 || path[i + 1] === '.' || path[i + 1] === '[') return `unexpected "." at position ${i}`;
      i++;
    }
  }
  return out.length > 0 ? out : 'is empty';
}

/** Segments back to a path: `spec.forProvider`, `tags[0]`, `labels[crossplane.io/x]`. */
function formatSegments(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => {
    if (s === '*') return '[*]';
    if ('index' in s) return `[${s.index}]`;
    return /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s.key) ? `${i === 0 ? '' : '.'}${s.key}` : `[${s.key}]`;
  }).join('');
}

/** What a field path must be declared in: a schema and its description. */
interface Target {
  readonly schema: Record<string, unknown>;
  readonly what: string;
}

/** Why `path` is not a field of `target`, or undefined when it is (or the schema leaves it open). */
function fieldPathProblem(path: unknown, target: Target): string | undefined {
  if (typeof path !== 'string') return `must be a field path string of ${target.what}`;
  const segments = parseFieldPath(path);
  if (typeof segments === 'string') return `"${path}" is not a field path: ${segments}`;
  const miss = undeclaredField(target.schema, segments);
  if (!miss) return undefined;
  const at = formatSegments(segments.slice(0, miss.depth)) || 'the object';
  const next = segments[miss.depth];
  const nextName = next === '*' ? '*' : 'index' in next ? `[${next.index}]` : next.key;
  let why: string;
  if (miss.reason === 'unknown-key') {
    const hint = closest(nextName, miss.allowed);
    why = `${at} has no key "${nextName}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  } else {
    why = `${at} is ${miss.type === 'array' ? 'a list' : `a ${miss.type}`}, not ${miss.reason === 'not-a-list' ? 'a list' : 'a map'}`;
  }
  return `"${path}" is not a field of ${target.what}: ${why}`;
}

/** The XRDs of the set defining `apiVersion`/`kind`: those in `file` when it has some, else all of them. */
function xrdsFor(xrds: readonly ManifestObject[], apiVersion: string, kind: string, file: string) {
  const all = xrds.flatMap((x) => {
    const s = xrdSchemaFor(x.object as XrdObject, apiVersion, kind);
    return s ? [{ m: x, ...s }] : [];
  });
  const local = all.filter((x) => x.m.file === file);
  return local.length > 0 ? local : all;
}

/** The composite's schema for a Composition's compositeTypeRef, when an XRD of the set defines it. */
function compositeTarget(xrds: readonly ManifestObject[], m: ManifestObject): Target | undefined {
  const ref = (m.object.spec as Obj | undefined)?.compositeTypeRef;
  if (!isObj(ref) || typeof ref.apiVersion !== 'string' || typeof ref.kind !== 'string') return undefined;
  const found = xrdsFor(xrds, ref.apiVersion, ref.kind, m.file).find((x) => x.schema);
  return found?.schema ? { schema: found.schema, what: `the composite ${ref.apiVersion} ${ref.kind} (XRD ${String(found.m.object.metadata?.name)})` } : undefined;
}

/** A template's patches with their paths in the Composition; a PatchSet patch becomes the patches of its set. */
function patchesOf(t: Template): { at: string; patch: Obj; set?: string }[] {
  const patches = t.patches;
  if (!Array.isArray(patches)) return [];
  const sets: unknown[] = Array.isArray(t.input.patchSets) ? t.input.patchSets : [];
  return patches.flatMap((p, k) => {
    if (!isObj(p)) return [];
    if (p.type !== 'PatchSet') return [{ at: `${t.at}.patches[${k}]`, patch: p }];
    const n = sets.findIndex((s) => isObj(s) && s.name === p.patchSetName);
    if (n < 0) return [{ at: `${t.at}.patches[${k}]`, patch: p, set: String(p.patchSetName) }];
    const set = (sets[n] as Obj).patches;
    return Array.isArray(set) ? set.flatMap((q, r) => (isObj(q) ? [{ at: `${t.inputAt}.patchSets[${n}].patches[${r}]`, patch: q }] : [])) : [];
  });
}

function checkPatches(xrds: readonly ManifestObject[], m: ManifestObject, report: Report): PolicyFinding[] {
  const found: PolicyFinding[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string) => {
    if (seen.has(`${path}\0${message}`)) return;
    seen.add(`${path}\0${message}`);
    found.push(report(m, path, message));
  };
  const composite = compositeTarget(xrds, m);
  for (const t of templates(m.object)) {
    const schema = typeof t.base.apiVersion === 'string' && typeof t.base.kind === 'string' ? customResourceJsonSchema(t.base.apiVersion, t.base.kind) : undefined;
    const targets: { [S in Side]?: Target } = {
      composed: schema && { schema, what: `${kindOf(t.base)} (resource "${t.name}")` },
      composite,
    };
    for (const { at, patch, set } of patchesOf(t)) {
      if (set !== undefined) {
        const names = (Array.isArray(t.input.patchSets) ? t.input.patchSets : []).map((s: Obj) => String(s?.name));
        add(`${at}.patchSetName`, `no patch set "${set}" in ${t.inputAt}.patchSets (defined: ${names.join(', ') || 'none'})`);
        continue;
      }
      const type = typeof patch.type === 'string' ? patch.type : 'FromCompositeFieldPath';
      const sides = PATCH_SIDES[type];
      if (!sides) continue;
      const combine = type.startsWith('Combine');
      const from: { path: string; value: unknown }[] = combine
        ? (Array.isArray(patch.combine?.variables) ? patch.combine.variables : []).map((v: Obj, i: number) => ({ path: `${at}.combine.variables[${i}].fromFieldPath`, value: v?.fromFieldPath }))
        : [{ path: `${at}.fromFieldPath`, value: patch.fromFieldPath }];
      // toFieldPath defaults to fromFieldPath (Patch.GetToFieldPath); a Combine patch needs its own.
      const to = patch.toFieldPath !== undefined || combine
        ? { path: `${at}.toFieldPath`, value: patch.toFieldPath, note: '' }
        : { path: `${at}.fromFieldPath`, value: patch.fromFieldPath, note: ' (toFieldPath defaults to fromFieldPath)' };
      for (const f of from) {
        const target = targets[sides[0]];
        const problem = target && f.value !== undefined && fieldPathProblem(f.value, target);
        if (problem) add(f.path, problem);
      }
      const target = targets[sides[1]];
      const problem = target && to.value !== undefined && fieldPathProblem(to.value, target);
      if (problem) add(to.path, `${problem}${to.note}`);
    }
  }
  return found;
}

export const compositionPatchPaths: Rule = defineRule({
  id: 'schema/composition-patch',
  severity: 'error',
  optOut: false,
  reason: "a Composition's patches must read and write fields that the schemas declare",
  explain:
    "Each patch of a function-patch-and-transform step's resources (patches[], and the patches of the patchSets they " +
    'name) writes a field path: the toFieldPath (defaulting to the fromFieldPath) of a patch into the composed ' +
    "resource must be a field its base's CRD schema declares (imports/schemas), so spec.forProvider.instanceClas is " +
    'an error with a did-you-mean; so must be the paths read from or written to the composite resource when an XRD of ' +
    "the set defines the Composition's compositeTypeRef (spec.parameters.storageGib would otherwise read nothing: a " +
    "missing fromFieldPath is skipped, by default without an error). Paths into parts a schema leaves open " +
    '(preserve-unknown-fields, label and annotation maps, metadata) are accepted; environment paths are not checked, ' +
    'nor are the patches of a base whose kind has no CRD schema. A patch naming an undefined patch set is reported too.',
  check: (ctx, report) => {
    const xrds = ctx.objects.filter((x) => isXrd(x.object));
    return ctx.objects.flatMap((m) => (templates(m.object).length > 0 ? checkPatches(xrds, m, report) : []));
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Claims and composites

export const claimSchema: Rule = defineRule({
  id: 'schema/claim',
  severity: 'error',
  optOut: false,
  reason: 'claims and composite resources must match the schema of their XRD',
  explain:
    'Each object whose apiVersion and kind an XRD of the same object set defines (spec.group, a served version of ' +
    'spec.versions[].name, and spec.claimNames.kind for a claim or spec.names.kind for a composite resource) is ' +
    "validated against that version's schema.openAPIV3Schema as Crossplane 2.3.4 generates the claim or composite CRD " +
    'from it (crossplane-runtime v2.3.3 pkg/xcrd; lib/policy/xrd-crds.ts): with the fields Crossplane adds ' +
    '(a claim: spec.writeConnectionSecretToRef {name}, compositeDeletePolicy, compositionRef, compositionSelector, ' +
    'compositionRevisionRef/Selector, compositionUpdatePolicy, resourceRef; metadata.name at most 63 characters). ' +
    'Unknown keys are errors (as for every CRD schema here), and so are wrong types, values outside an enum or a ' +
    'minimum/maximum (storageGiB: 5000), missing required keys (parameters), and a version the XRD does not serve. ' +
    "The XRD's schema is compiled at first use and cached per XRD. Objects of kinds no XRD of the set defines are " +
    'not checked here (cluster/served-kinds reports kinds nobody serves).',
  check: (ctx, report) => {
    const xrds = ctx.objects.filter((x) => isXrd(x.object));
    if (xrds.length === 0) return [];
    return ctx.objects.flatMap((m) => {
      const { apiVersion, kind } = m.object;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
      const defining = xrdsFor(xrds, apiVersion, kind, m.file);
      if (defining.length === 0) return [];
      const schemas = [...new Map(defining.flatMap((d) => (d.schema ? [[JSON.stringify(d.schema), d.schema] as const] : []))).values()];
      if (schemas.length === 0) {
        const served = [...new Set(defining.flatMap((d) => d.served))];
        const xrd = String(defining[0].m.object.metadata?.name);
        return [report(m, 'apiVersion', `${apiVersion} is not a served version of ${kind} (XRD ${xrd} serves ${served.map((v) => apiVersion.replace(/[^/]+$/, v)).join(', ') || 'none'})`)];
      }
      const seen = new Set<string>();
      return schemas.flatMap((s) => validateAgainstSchema(s, m.object)).filter((f) => !seen.has(`${f.path}\0${f.message}`) && !!seen.add(`${f.path}\0${f.message}`))
        .map((f) => report(m, f.path, f.message));
    });
  },
});

export const crossplaneSchemaRules: Rule[] = [compositionBaseSchema, compositionPatchPaths, claimSchema];
