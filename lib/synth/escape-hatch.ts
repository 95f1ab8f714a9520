import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { envProjectKind, envProjectWhitelist } from '../constructs/argocd/env-project';
import { AppInstance, ConfigError, Declared, ExtraObject, joinPath, JsonPatchOp, jsonPatchProblem, ObjectPatch } from '../model';

/**
 * The escape hatch (lib/model/escape-hatch.ts) on an instance's chart, after the golden app built it and before
 * synth renders it and the policy gate judges it: first the extra objects, then the patches, in layer order (the
 * app's, the env's, the region's), on every object of the chart, extra ones included. What does not apply is a
 * ConfigError naming the file and field that declared it.
 */
export function applyEscapeHatch(chart: Chart, instance: AppInstance, labels: { readonly [key: string]: string }): void {
  (instance.extraObjects ?? []).forEach((x, n) => addExtraObject(chart, instance, labels, x, n));
  for (const p of instance.patches ?? []) applyPatch(chart, instance, p);
}

/**
 * Adds an extra object: of a kind the env's AppProject permits (it is not widened for it), in the app's namespace
 * (the project's only destination for the app; the default for a namespaced kind), with the instance's labels merged in.
 */
function addExtraObject(chart: Chart, i: AppInstance, labels: { readonly [key: string]: string }, x: Declared<ExtraObject>, n: number): void {
  const { apiVersion, kind, metadata } = x.value;
  const at = (...field: string[]) => joinPath(x.field, ...field);
  const permitted = envProjectKind(apiVersion, kind);
  if (!permitted) {
    const kinds = [...envProjectWhitelist(false), ...envProjectWhitelist(true)].map((k) => (k.group ? `${k.kind} (${k.group})` : k.kind)).sort();
    throw new ConfigError(x.file, at('kind'), `${apiVersion} ${kind} is not permitted by AppProject ${i.env}, which permits the kinds the golden app emits: ${kinds.join(', ')} (lib/constructs/golden-app-kinds.ts); an app's extra objects do not widen it`);
  }
  let namespace = metadata.namespace;
  if (permitted.clusterScoped && namespace !== undefined) {
    throw new ConfigError(x.file, at('metadata', 'namespace'), `${kind} is cluster-scoped: it has no namespace; remove it`);
  }
  if (!permitted.clusterScoped) {
    namespace ??= i.namespace;
    if (namespace !== i.namespace) {
      throw new ConfigError(x.file, at('metadata', 'namespace'), `"${namespace}" is not the app's namespace "${i.namespace}", the only one AppProject ${i.env} lets ${i.app} deploy to; leave it unset`);
    }
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    if (key in labels && labels[key] !== value) {
      throw new ConfigError(x.file, at('metadata', 'labels', key), `"${value}" contradicts the instance's label ${key}="${labels[key]}", which every object of ${i.app} carries; remove it`);
    }
  }
  new ApiObject(chart, `extra-${n}`, {
    ...x.value,
    metadata: { ...metadata, ...(namespace !== undefined ? { namespace } : {}), labels: { ...metadata.labels, ...labels } },
  });
}

/** Applies a patch to each object it targets, after checking that each operation applies (cdk8s would apply some silently). */
function applyPatch(chart: Chart, i: AppInstance, p: Declared<ObjectPatch>): void {
  const { target, ops } = p.value;
  const objects = chart.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  const targets = objects.filter((o) => o.kind === target.kind && (target.name === undefined || o.name === target.name));
  const where = `${i.app} in ${i.env}/${i.region}`;
  if (targets.length === 0) {
    const names = objects.filter((o) => o.kind === target.kind).map((o) => o.name);
    const there = names.length > 0 ? `its ${target.kind} objects: ${names.join(', ')}` : `its kinds: ${[...new Set(objects.map((o) => o.kind))].sort().join(', ')}`;
    throw new ConfigError(p.file, joinPath(p.field, 'target'), `matches no object of ${where}: no ${target.kind}${target.name !== undefined ? ` named "${target.name}"` : ''} (${there})`);
  }
  for (const o of targets) {
    let doc: unknown = o.toJson();
    ops.forEach((op, j) => {
      const problem = jsonPatchProblem(doc, op);
      if (problem) throw new ConfigError(p.file, `${joinPath(p.field, 'ops')}[${j}].${problem.field}`, `${problem.reason}, in ${o.kind} ${o.name} of ${where}`);
      doc = JsonPatch.apply(doc, jsonPatch(op));
    });
    o.addJsonPatch(...ops.map(jsonPatch));
  }
}

function jsonPatch(op: JsonPatchOp): JsonPatch {
  switch (op.op) {
    case 'add':
      return JsonPatch.add(op.path, op.value);
    case 'remove':
      return JsonPatch.remove(op.path);
    case 'replace':
      return JsonPatch.replace(op.path, op.value);
    case 'copy':
      return JsonPatch.copy(op.from, op.path);
    case 'move':
      return JsonPatch.move(op.from, op.path);
    case 'test':
      return JsonPatch.test(op.path, op.value);
  }
}
