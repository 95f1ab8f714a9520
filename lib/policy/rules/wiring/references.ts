/**
 * Pods reference ConfigMaps, Secrets (or the SealedSecrets/ExternalSecrets producing them) and ServiceAccounts that
 * exist in their namespace.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { hostOf } from '../../../model/clusters';
import { containersOf, defineRule, ManifestObject, PlacementContext, PolicyContext, PolicyFinding, podSpecOf, Rule } from '../../engine';
import { placeOf, vclusterApplication } from '../placement/where';
import { byScope, scopeOf } from '../objects';
import { arr, isObj, ns } from './objects';

interface Ref { readonly kind: 'configMap' | 'secret'; readonly name: string; readonly path: string }

/** Every non-optional ConfigMap and Secret reference of a pod spec. */
function refsOf(pod: { path: string; spec: any }): Ref[] {
  const out: Ref[] = [];
  const add = (kind: Ref['kind'], src: any, path: string, nameKey = 'name') => {
    if (isObj(src) && src.optional !== true && typeof src[nameKey] === 'string') out.push({ kind, name: src[nameKey], path: `${path}.${nameKey}` });
  };
  for (const { path, container } of containersOf(pod)) {
    arr(container?.env).forEach((e: any, i: number) => {
      add('configMap', e?.valueFrom?.configMapKeyRef, `${path}.env[${i}].valueFrom.configMapKeyRef`);
      add('secret', e?.valueFrom?.secretKeyRef, `${path}.env[${i}].valueFrom.secretKeyRef`);
    });
    arr(container?.envFrom).forEach((e: any, i: number) => {
      add('configMap', e?.configMapRef, `${path}.envFrom[${i}].configMapRef`);
      add('secret', e?.secretRef, `${path}.envFrom[${i}].secretRef`);
    });
  }
  arr(pod.spec.volumes).forEach((v: any, i: number) => {
    const vp = `${pod.path}.volumes[${i}]`;
    add('configMap', v?.configMap, `${vp}.configMap`);
    add('secret', v?.secret, `${vp}.secret`, 'secretName');
    arr(v?.projected?.sources).forEach((s: any, j: number) => {
      add('configMap', s?.configMap, `${vp}.projected.sources[${j}].configMap`);
      add('secret', s?.secret, `${vp}.projected.sources[${j}].secret`);
    });
  });
  arr(pod.spec.imagePullSecrets).forEach((s: any, i: number) => add('secret', s, `${pod.path}.imagePullSecrets[${i}]`));
  return out;
}

/** Names of ConfigMaps / Secrets / ServiceAccounts a namespace will have. */
function provided(list: readonly ManifestObject[], kind: 'configMap' | 'secret' | 'serviceAccount'): Set<string> {
  const names = new Set<string>();
  if (kind === 'configMap') names.add('kube-root-ca.crt'); // published into every namespace by kube-controller-manager
  if (kind === 'serviceAccount') names.add('default');
  for (const { object: o } of list) {
    const spec = o.spec as any;
    const name = o.metadata?.name;
    if (kind === 'configMap' && o.kind === 'ConfigMap' && name) names.add(name);
    if (kind === 'serviceAccount' && o.kind === 'ServiceAccount' && name) names.add(name);
    if (kind === 'secret') {
      if (o.kind === 'Secret' && name) names.add(name);
      if (o.kind === 'SealedSecret') names.add(spec?.template?.metadata?.name ?? name);
      if (o.kind === 'ExternalSecret') names.add(spec?.target?.name ?? name);
    }
  }
  return names;
}

/**
 * The Secrets each vcluster copies from its host (`sync.fromHost.secrets.mappings.byName` of its Application's values,
 * exact `<host ns>/<name>` keys): per vcluster, the virtual `<ns>/<name>` each becomes -> where it comes from on the
 * host, and whether the set creates it there (a Secret of that name in that namespace on the host, or an object
 * writing its connection Secret there: a Crossplane claim's `spec.writeConnectionSecretToRef`). Computed once per
 * object set (one pass over the objects), since every pod of every vcluster asks.
 */
type FromHost = Map<string, Map<string, { source: string; created: boolean }>>;
const fromHostCache = new WeakMap<readonly ManifestObject[], WeakMap<PlacementContext, FromHost>>();

function fromHostSecrets(ctx: PolicyContext & { placement: PlacementContext }): FromHost {
  const p = ctx.placement;
  const hit = fromHostCache.get(ctx.objects)?.get(p);
  if (hit) return hit;
  const out: FromHost = new Map();
  {
    // What the set creates on each cluster: `<cluster>\0<namespace>\0<secret name>`.
    const created = new Set<string>();
    for (const { file, object: o } of ctx.objects) {
      const cluster = placeOf(p, file);
      if (!cluster) continue;
      const name = o.kind === 'Secret' ? o.metadata?.name : (o.spec as any)?.writeConnectionSecretToRef?.name;
      if (typeof name === 'string') created.add(`${cluster.name}\0${o.metadata?.namespace ?? ''}\0${name}`);
    }
    for (const cluster of p.clusters.vclusters) {
      const secrets = (vclusterApplication(ctx, cluster)?.values as any)?.sync?.fromHost?.secrets;
      if (secrets?.enabled !== true || !isObj(secrets.mappings?.byName)) continue;
      const host = hostOf(p.clusters, cluster);
      const copies = new Map<string, { source: string; created: boolean }>();
      for (const [source, target] of Object.entries(secrets.mappings.byName as Record<string, unknown>)) {
        const [hostNs, hostName] = source.split('/');
        if (typeof target !== 'string' || !hostNs || !hostName || hostName === '*') continue;
        const [virtualNs, virtualName] = target.split('/');
        copies.set(`${virtualNs}/${virtualName === '*' ? hostName : virtualName}`, { source, created: created.has(`${host.name}\0${hostNs}\0${hostName}`) });
      }
      out.set(cluster.name, copies);
    }
  }
  const byPlacement = fromHostCache.get(ctx.objects) ?? new WeakMap<PlacementContext, FromHost>();
  byPlacement.set(p, out);
  fromHostCache.set(ctx.objects, byPlacement);
  return out;
}

function referenceRule(id: string, kind: Ref['kind'], what: string, explainText: string): Rule {
  return defineRule({
    id,
    severity: 'error',
    reason: `${what}s referenced by pods must exist in their namespace`,
    explain: explainText,
    check(ctx, report) {
      const all = byScope(ctx.objects);
      const out: PolicyFinding[] = [];
      for (const m of ctx.objects) {
        const pod = podSpecOf(m.object);
        if (!pod) continue;
        const have = provided(all.get(scopeOf(m)) ?? [], kind);
        const cluster = kind === 'secret' && ctx.placement ? placeOf(ctx.placement, m.file) : undefined;
        const synced = (cluster && fromHostSecrets({ ...ctx, placement: ctx.placement! }).get(cluster.name)) ?? new Map<string, { source: string; created: boolean }>();
        for (const r of refsOf(pod)) {
          if (r.kind !== kind || have.has(r.name)) continue;
          const copy = synced.get(`${ns(m)}/${r.name}`);
          if (copy?.created) continue;
          if (copy) {
            out.push(report(m, r.path,
              `Secret ${JSON.stringify(r.name)} is copied into the vcluster from ${copy.source} on its host (sync.fromHost.secrets), and nothing in the set creates that: expected a Secret there, or a claim writing its connection Secret there (spec.writeConnectionSecretToRef)`));
            continue;
          }
          const alt = kind === 'secret' ? ' (a Secret, SealedSecret or ExternalSecret of that name)' : '';
          out.push(report(m, r.path,
            `${what} ${JSON.stringify(r.name)} does not exist in namespace ${ns(m)}; expected one${alt} in the set, or mark the reference optional: true`));
        }
      }
      return out;
    },
  });
}

const configMapRefs = referenceRule('references/config-maps', 'configMap', 'ConfigMap',
  'Pods that read a ConfigMap through env valueFrom.configMapKeyRef, envFrom.configMapRef or a configMap/projected volume do not start (CreateContainerConfigError or a stuck volume mount) when it is missing. Every such reference that is not optional: true must name a ConfigMap of the same namespace in the rendered set (kube-root-ca.crt always exists).');
const secretRefs = referenceRule('references/secrets', 'secret', 'Secret',
  'Pods that read a Secret through env valueFrom.secretKeyRef, envFrom.secretRef, a secret/projected volume or imagePullSecrets do not start when it is missing. Every such reference that is not optional: true must name a Secret of the same namespace; a SealedSecret or ExternalSecret producing a Secret of that name also satisfies it, and so does a Secret the vcluster copies from its host (its values\' sync.fromHost.secrets mappings) when the set creates the source on the host (a Secret, or a claim whose spec.writeConnectionSecretToRef names it, e.g. an app\'s database).');

const serviceAccountRefs: Rule = defineRule({
  id: 'references/service-account',
  severity: 'error',
  reason: 'a pod serviceAccountName other than default must name an existing ServiceAccount',
  explain:
    'A pod whose serviceAccountName (or deprecated serviceAccount) names a ServiceAccount that does not exist in its namespace is rejected by the API server at creation, so the workload never gets pods. Add the ServiceAccount to the set or fix the name.',
  check(ctx, report) {
    const all = byScope(ctx.objects);
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      const field = pod.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount';
      const name = pod.spec[field];
      if (typeof name !== 'string' || provided(all.get(scopeOf(m)) ?? [], 'serviceAccount').has(name)) continue;
      out.push(report(m, `${pod.path}.${field}`,
        `ServiceAccount ${JSON.stringify(name)} does not exist in namespace ${ns(m)}; expected a ServiceAccount of that name in the set`));
    }
    return out;
  },
});

export const referenceRules: Rule[] = [configMapRefs, secretRefs, serviceAccountRefs];
