/**
 * Wiring rules: do the objects of the set fit together? Services select pods and reach declared
 * container ports, Ingresses point at existing Service ports, pods reference ConfigMaps, Secrets and
 * ServiceAccounts that exist, NetworkPolicies cover every pod, names and labels are valid and
 * unique, nothing lands in `default`, Argo CD projects and ApplicationSets are tight and point at
 * real directories, and no removed API version is used.
 *
 * Namespaces are per cluster: files under `apps/<env>/<region>/` go to the `<env>-<region>` cluster,
 * every other file to the control-plane cluster, so `book-shop` in dev and in prod are different.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { clusterOf, containersOf, finding, K8sObject, ManifestObject, PolicyContext, PolicyFinding, podSpecOf, Rule } from '../engine';
import { BadPatternError, pathMatch } from '../glob';

const OPT_OUT = 'To opt out for one app, declare `policy: { allow: [{ rule: \'RULE\', reason: \'why\' }] }` in apps/<app>.ts.';
/** A rule's --explain text, ending with how to opt out. */
export const explain = (id: string, text: string): string => `${text} ${OPT_OUT.replace('RULE', id)}`;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Key of an object's namespace (cluster + namespace). */
function nsKey(m: ManifestObject): string {
  return `${clusterOf(m.file)}\0${m.object.metadata?.namespace ?? ''}`;
}

const ns = (m: ManifestObject): string => m.object.metadata?.namespace ?? '(none)';

/** Objects grouped by namespace key. */
function byNamespace(ctx: PolicyContext): Map<string, ManifestObject[]> {
  const out = new Map<string, ManifestObject[]>();
  for (const m of ctx.objects) {
    const k = nsKey(m);
    const list = out.get(k);
    if (list) list.push(m);
    else out.set(k, [m]);
  }
  return out;
}

const isObj = (v: unknown): v is { [k: string]: any } => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Labels of a workload's pods (pod template labels; a Pod's own labels). */
function podLabelsOf(o: K8sObject): { [k: string]: string } | undefined {
  const pod = podSpecOf(o);
  if (!pod) return undefined;
  if (o.kind === 'Pod') return (o.metadata?.labels ?? {}) as { [k: string]: string };
  const keys = pod.path.split('.').slice(0, -1);
  let cur: any = o;
  for (const k of keys) cur = cur?.[k];
  return (cur?.metadata?.labels ?? {}) as { [k: string]: string };
}

function workloads(list: readonly ManifestObject[]): { m: ManifestObject; labels: { [k: string]: string } }[] {
  const out: { m: ManifestObject; labels: { [k: string]: string } }[] = [];
  for (const m of list) {
    const labels = podLabelsOf(m.object);
    if (labels) out.push({ m, labels });
  }
  return out;
}

const subset = (sel: { [k: string]: unknown }, labels: { [k: string]: string }): boolean =>
  Object.entries(sel).every(([k, v]) => labels[k] === String(v));

/** metav1.LabelSelector semantics: empty or absent selects everything. */
function labelSelectorMatches(sel: unknown, labels: { [k: string]: string }): boolean {
  if (!isObj(sel)) return true;
  if (isObj(sel.matchLabels) && !subset(sel.matchLabels, labels)) return false;
  return arr(sel.matchExpressions).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e?.key);
    const values = arr(e?.values).map(String);
    switch (e?.operator) {
      case 'In': return has && values.includes(labels[e.key]);
      case 'NotIn': return !has || !values.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}

const fmtLabels = (l: { [k: string]: unknown }): string => Object.entries(l).map(([k, v]) => `${k}=${String(v)}`).join(', ');
const describe = (o: K8sObject): string => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
const labelPath = (base: string, key: string): string => `${base}[${JSON.stringify(key)}]`;

/** The workloads a Service selects (undefined when it has no selector). */
function selectedBy(svc: ManifestObject, all: Map<string, ManifestObject[]>): { m: ManifestObject; labels: { [k: string]: string } }[] | undefined {
  const spec = svc.object.spec as any;
  if (!isObj(spec?.selector) || Object.keys(spec.selector).length === 0 || spec.type === 'ExternalName') return undefined;
  return workloads(all.get(nsKey(svc)) ?? []).filter((w) => subset(spec.selector, w.labels));
}

const services = (ctx: PolicyContext): ManifestObject[] => ctx.objects.filter((m) => m.object.kind === 'Service' && m.object.apiVersion === 'v1');

// ---------------------------------------------------------------------------------------------
// services/*
// ---------------------------------------------------------------------------------------------

const selectsPods: Rule = {
  id: 'services/selects-pods',
  severity: 'error',
  reason: 'a Service selector must match the pod template labels of a workload in its namespace',
  explain: explain('services/selects-pods',
    'A Service with a selector routes to the pods whose labels contain every selector label. When no Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of its namespace has pod template labels matching, the Service has no endpoints and every request fails. Fix the selector or the pod template labels.'),
  check(ctx) {
    const all = byNamespace(ctx);
    const out: PolicyFinding[] = [];
    for (const svc of services(ctx)) {
      const sel = selectedBy(svc, all);
      if (sel && sel.length === 0) {
        out.push(finding(this, svc, 'spec.selector',
          `selects no pods: no workload in namespace ${ns(svc)} has pod template labels ${fmtLabels((svc.object.spec as any).selector)}`));
      }
    }
    return out;
  },
};

const targetPorts: Rule = {
  id: 'services/target-ports',
  severity: 'error',
  reason: 'each Service targetPort must be a container port (by name or number) of the selected pods',
  explain: explain('services/target-ports',
    'Each port of a Service forwards to its targetPort (default: port) on the selected pods. A named targetPort must be the name of a container port and a numeric one the containerPort of a container of every selected workload; otherwise traffic goes nowhere. Fix the Service port or declare the container port.'),
  check(ctx) {
    const all = byNamespace(ctx);
    const out: PolicyFinding[] = [];
    for (const svc of services(ctx)) {
      const sel = selectedBy(svc, all);
      if (!sel || sel.length === 0) continue;
      arr((svc.object.spec as any).ports).forEach((p: any, i: number) => {
        const target = p?.targetPort ?? p?.port;
        const path = `spec.ports[${i}].${p?.targetPort !== undefined ? 'targetPort' : 'port'}`;
        for (const w of sel) {
          const ports = arr(podSpecOf(w.m.object)?.spec.containers).flatMap((c: any) => arr(c?.ports));
          const ok = typeof target === 'number'
            ? ports.some((cp: any) => cp?.containerPort === target)
            : ports.some((cp: any) => cp?.name === target);
          if (!ok) {
            const declared = ports.map((cp: any) => (cp?.name ? `${cp.name}/${cp.containerPort}` : `${cp?.containerPort}`)).join(', ') || 'none';
            out.push(finding(this, svc, path,
              `targetPort ${JSON.stringify(target)} is not a container port of ${describe(w.m.object)}; expected one of its container ports (${declared})`));
            break;
          }
        }
      });
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// ingress/backend-exists
// ---------------------------------------------------------------------------------------------

const ingressBackendExists: Rule = {
  id: 'ingress/backend-exists',
  severity: 'error',
  reason: 'every Ingress backend must be an existing Service of the namespace with that port',
  explain: explain('ingress/backend-exists',
    'Each backend of an Ingress (defaultBackend and every rule path) names a Service of the Ingress namespace and one of its ports, by name or number. A missing Service or port makes the controller answer 503. Fix the backend or add the Service port.'),
  check(ctx) {
    const all = byNamespace(ctx);
    const out: PolicyFinding[] = [];
    for (const ing of ctx.objects.filter((m) => m.object.kind === 'Ingress')) {
      const spec = ing.object.spec as any;
      const backends: { path: string; b: any }[] = [];
      if (spec?.defaultBackend) backends.push({ path: 'spec.defaultBackend', b: spec.defaultBackend });
      if (spec?.backend) backends.push({ path: 'spec.backend', b: spec.backend });
      arr(spec?.rules).forEach((r: any, i: number) => arr(r?.http?.paths).forEach((p: any, j: number) => {
        if (p?.backend) backends.push({ path: `spec.rules[${i}].http.paths[${j}].backend`, b: p.backend });
      }));
      const svcs = (all.get(nsKey(ing)) ?? []).filter((m) => m.object.kind === 'Service');
      for (const { path, b } of backends) {
        // networking.k8s.io/v1: service {name, port {name|number}}; v1beta1: serviceName, servicePort.
        const v1 = isObj(b.service);
        const name = v1 ? b.service.name : b.serviceName;
        if (name === undefined) continue; // resource backend
        const port = v1 ? (b.service.port?.name ?? b.service.port?.number) : b.servicePort;
        const svc = svcs.find((m) => m.object.metadata?.name === name);
        if (!svc) {
          out.push(finding(this, ing, v1 ? `${path}.service.name` : `${path}.serviceName`,
            `Service ${JSON.stringify(name)} does not exist in namespace ${ns(ing)}; expected an existing Service`));
          continue;
        }
        const ports = arr((svc.object.spec as any)?.ports);
        const ok = typeof port === 'number' ? ports.some((p: any) => p?.port === port) : ports.some((p: any) => p?.name === port);
        if (!ok) {
          const declared = ports.map((p: any) => (p?.name ? `${p.name}/${p.port}` : `${p?.port}`)).join(', ') || 'none';
          out.push(finding(this, ing, v1 ? `${path}.service.port` : `${path}.servicePort`,
            `port ${JSON.stringify(port)} is not a port of Service ${JSON.stringify(name)}; expected one of ${declared}`));
        }
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// references/*
// ---------------------------------------------------------------------------------------------

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

function referenceRule(id: string, kind: Ref['kind'], what: string, explainText: string): Rule {
  return {
    id,
    severity: 'error',
    reason: `${what}s referenced by pods must exist in their namespace`,
    explain: explain(id, explainText),
    check(ctx) {
      const all = byNamespace(ctx);
      const out: PolicyFinding[] = [];
      for (const m of ctx.objects) {
        const pod = podSpecOf(m.object);
        if (!pod) continue;
        const have = provided(all.get(nsKey(m)) ?? [], kind);
        for (const r of refsOf(pod)) {
          if (r.kind !== kind || have.has(r.name)) continue;
          const alt = kind === 'secret' ? ' (a Secret, SealedSecret or ExternalSecret of that name)' : '';
          out.push(finding(this, m, r.path,
            `${what} ${JSON.stringify(r.name)} does not exist in namespace ${ns(m)}; expected one${alt} in the set, or mark the reference optional: true`));
        }
      }
      return out;
    },
  };
}

const configMapRefs = referenceRule('references/config-maps', 'configMap', 'ConfigMap',
  'Pods that read a ConfigMap through env valueFrom.configMapKeyRef, envFrom.configMapRef or a configMap/projected volume do not start (CreateContainerConfigError or a stuck volume mount) when it is missing. Every such reference that is not optional: true must name a ConfigMap of the same namespace in the rendered set (kube-root-ca.crt always exists).');
const secretRefs = referenceRule('references/secrets', 'secret', 'Secret',
  'Pods that read a Secret through env valueFrom.secretKeyRef, envFrom.secretRef, a secret/projected volume or imagePullSecrets do not start when it is missing. Every such reference that is not optional: true must name a Secret of the same namespace; a SealedSecret or ExternalSecret producing a Secret of that name also satisfies it.');

const serviceAccountRefs: Rule = {
  id: 'references/service-account',
  severity: 'error',
  reason: 'a pod serviceAccountName other than default must name an existing ServiceAccount',
  explain: explain('references/service-account',
    'A pod whose serviceAccountName (or deprecated serviceAccount) names a ServiceAccount that does not exist in its namespace is rejected by the API server at creation, so the workload never gets pods. Add the ServiceAccount to the set or fix the name.'),
  check(ctx) {
    const all = byNamespace(ctx);
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      const field = pod.spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount';
      const name = pod.spec[field];
      if (typeof name !== 'string' || provided(all.get(nsKey(m)) ?? [], 'serviceAccount').has(name)) continue;
      out.push(finding(this, m, `${pod.path}.${field}`,
        `ServiceAccount ${JSON.stringify(name)} does not exist in namespace ${ns(m)}; expected a ServiceAccount of that name in the set`));
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// network/pods-covered
// ---------------------------------------------------------------------------------------------

const podsCovered: Rule = {
  id: 'network/pods-covered',
  severity: 'error',
  reason: 'every workload\'s pods must be selected by a NetworkPolicy of their namespace',
  explain: explain('network/pods-covered',
    'Pods no NetworkPolicy selects accept and send any traffic. Each workload\'s pod template labels must be selected by the podSelector of at least one NetworkPolicy in its namespace (podSelector: {} selects every pod; matchLabels must be a subset of the pod labels; matchExpressions are honoured). Add a default-deny policy or a policy for the app.'),
  check(ctx) {
    const all = byNamespace(ctx);
    const out: PolicyFinding[] = [];
    for (const { m, labels } of workloads(ctx.objects)) {
      const policies = (all.get(nsKey(m)) ?? []).filter((p) => p.object.kind === 'NetworkPolicy');
      if (policies.some((p) => labelSelectorMatches((p.object.spec as any)?.podSelector, labels))) continue;
      out.push(finding(this, m, '',
        `pods (labels ${fmtLabels(labels) || 'none'}) are selected by no NetworkPolicy in namespace ${ns(m)}; expected a NetworkPolicy whose podSelector matches them (podSelector: {} covers all)`));
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// names/*
// ---------------------------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** What a kind's name must be, or undefined when valid. */
function nameProblem(kind: string, name: string): string | undefined {
  if (kind === 'Namespace') {
    return DNS1123_LABEL.test(name) && name.length <= 63 ? undefined
      : 'expected a DNS-1123 label (lowercase alphanumerics and "-", starting and ending alphanumeric, at most 63 characters)';
  }
  if (kind === 'Service') {
    return DNS1035_LABEL.test(name) && name.length <= 63 ? undefined
      : 'expected a DNS-1035 label (lowercase alphanumerics and "-", starting with a letter, ending alphanumeric, at most 63 characters)';
  }
  if (RBAC_KINDS.has(kind)) {
    // RBAC names are path segments: anything but "." and ".." without "/" or "%".
    return name !== '.' && name !== '..' && !/[/%]/.test(name) ? undefined : 'expected a path segment name (no "/" or "%", not "." or "..")';
  }
  return DNS1123_SUBDOMAIN.test(name) && name.length <= 253 ? undefined
    : 'expected a DNS-1123 subdomain (lowercase alphanumerics, "-" and ".", starting and ending alphanumeric, at most 253 characters)';
}

const dns1123: Rule = {
  id: 'names/dns-1123',
  severity: 'error',
  reason: 'metadata.name must be a valid DNS-1123 name for its kind',
  explain: explain('names/dns-1123',
    'The API server rejects objects whose metadata.name is not a DNS-1123 subdomain (most kinds), a DNS-1123 label (Namespace) or a DNS-1035 label (Service: it becomes a DNS name and must start with a letter); RBAC kinds only forbid "/" and "%". Schema validation does not catch this. Rename the object.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const name = m.object.metadata?.name;
      if (typeof name !== 'string' || name === '') {
        out.push(finding(this, m, 'metadata.name', 'is missing; expected a DNS-1123 name'));
        continue;
      }
      const problem = nameProblem(m.object.kind ?? '', name);
      if (problem) out.push(finding(this, m, 'metadata.name', `${JSON.stringify(name)} is invalid; ${problem}`));
    }
    return out;
  },
};

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !(DNS1123_SUBDOMAIN.test(prefix) && prefix.length <= 253)) {
    return `label key ${JSON.stringify(key)} is invalid; expected its prefix to be a DNS-1123 subdomain`;
  }
  if (!(LABEL_NAME.test(name) && name.length <= 63)) {
    return `label key ${JSON.stringify(key)} is invalid; expected a name of at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric, with an optional DNS-1123 prefix and "/"`;
  }
  return undefined;
}

function labelValueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `label ${JSON.stringify(key)} has a non-string value ${JSON.stringify(value)}; expected a quoted string`;
  if (value === '' || (LABEL_NAME.test(value) && value.length <= 63)) return undefined;
  return `label value ${JSON.stringify(value)} is invalid; expected at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric (or empty)`;
}

const labelValues: Rule = {
  id: 'names/label-values',
  severity: 'error',
  reason: 'label keys and values must be syntactically valid',
  explain: explain('names/label-values',
    'The API server rejects labels whose key is not a qualified name (optional DNS-1123 subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric) or whose value is not empty or at most 63 such characters. Checked on metadata.labels and on pod template labels. Shorten or fix the label.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const places: { base: string; labels: unknown }[] = [{ base: 'metadata.labels', labels: m.object.metadata?.labels }];
      const pod = podSpecOf(m.object);
      if (pod && m.object.kind !== 'Pod') {
        const tpl = pod.path.split('.').slice(0, -1).join('.');
        places.push({ base: `${tpl}.metadata.labels`, labels: podLabelsOf(m.object) });
      }
      for (const { base, labels } of places) {
        if (!isObj(labels)) continue;
        for (const [k, v] of Object.entries(labels)) {
          const problem = labelKeyProblem(k) ?? labelValueProblem(k, v);
          if (problem) out.push(finding(this, m, labelPath(base, k), problem));
        }
      }
    }
    return out;
  },
};

const groupOf = (apiVersion: string | undefined): string => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');

const unique: Rule = {
  id: 'names/unique',
  severity: 'error',
  reason: 'kind, namespace and name must be unique in each cluster',
  explain: explain('names/unique',
    'Two objects of the same kind (and API group) with the same namespace and name, bound for the same cluster, overwrite each other: Argo CD applies one and reports the other as out of sync forever. The second occurrence is reported with the file of the first. Rename one of them.'),
  check(ctx) {
    const seen = new Map<string, ManifestObject>();
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const o = m.object;
      const key = [groupOf(o.apiVersion), o.kind, clusterOf(m.file), o.metadata?.namespace ?? '', o.metadata?.name ?? ''].join('\0');
      const first = seen.get(key);
      if (!first) {
        seen.set(key, m);
        continue;
      }
      out.push(finding(this, m, 'metadata.name',
        `duplicates ${describe(o)} first defined in ${first.file} (document ${first.index + 1}); expected a unique kind/namespace/name`));
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// namespaces/not-default
// ---------------------------------------------------------------------------------------------

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CertificateSigningRequest', 'PodSecurityPolicy', 'FlowSchema',
  'PriorityLevelConfiguration', 'ComponentStatus', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'SelfSubjectReview', 'DeviceClass', 'ResourceSlice', 'VolumeAttributesClass', 'ServiceCIDR', 'IPAddress',
  'ClusterIssuer', 'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterPolicy', 'GatewayClass',
]);

const notDefault: Rule = {
  id: 'namespaces/not-default',
  severity: 'error',
  reason: 'namespaced objects must set a namespace other than default',
  explain: explain('namespaces/not-default',
    'Objects in the default namespace (or namespaced objects without metadata.namespace, which land in whatever namespace the apply targets) share it with everything else, escape per-namespace Pod Security, NetworkPolicy and quota settings and are hard to own. Cluster-scoped kinds (Namespace, ClusterRole, ClusterRoleBinding, CustomResourceDefinition, PersistentVolume, StorageClass, ...) are exempt. Set metadata.namespace to the app namespace.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (CLUSTER_SCOPED.has(m.object.kind ?? '')) continue;
      const nsName = m.object.metadata?.namespace;
      if (nsName === undefined || nsName === '') {
        out.push(finding(this, m, 'metadata.namespace', `is missing; expected the namespace of the app (${m.object.kind} is namespaced; not default)`));
      } else if (nsName === 'default') {
        out.push(finding(this, m, 'metadata.namespace', 'is "default"; expected a dedicated namespace'));
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// labels/recommended
// ---------------------------------------------------------------------------------------------

const RECOMMENDED = ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'].map((k) => `app.kubernetes.io/${k}`);

const recommended: Rule = {
  id: 'labels/recommended',
  severity: 'warning',
  reason: 'app objects carry the recommended app.kubernetes.io labels',
  explain: explain('labels/recommended',
    'Objects of app manifests (files under apps/) should carry the Kubernetes recommended labels app.kubernetes.io/name, instance, version, component, part-of and managed-by, so dashboards, cost reports and kubectl selectors can find every piece of an app. The golden app sets them; add the missing ones.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!m.file.startsWith('apps/')) continue;
      const labels = m.object.metadata?.labels ?? {};
      const missing = RECOMMENDED.filter((k) => typeof labels[k] !== 'string' || labels[k] === '');
      if (missing.length) out.push(finding(this, m, 'metadata.labels', `missing ${missing.join(', ')}; expected all of ${RECOMMENDED.join(', ')}`));
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// argocd/*
// ---------------------------------------------------------------------------------------------

const isArgo = (o: K8sObject, kind: string): boolean => o.kind === kind && (o.apiVersion ?? '').startsWith('argoproj.io/');

const noWildcards: Rule = {
  id: 'argocd/no-wildcards',
  severity: 'error',
  reason: 'AppProjects of envs that forbid wildcards must list exact repos, destinations and kinds',
  explain: explain('argocd/no-wildcards',
    'An AppProject is the fence around an env\'s applications. For envs that forbid wildcards (noWildcards, e.g. prod), a "*" in sourceRepos, in a destination server, name or namespace, or in a clusterResourceWhitelist / namespaceResourceWhitelist group or kind lets any repository deploy anywhere or any kind be created. List the exact values.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!isArgo(m.object, 'AppProject')) continue;
      const env = ctx.envNamed(m.object.metadata?.name ?? '');
      if (!env?.noWildcards) continue;
      const spec = m.object.spec as any;
      const report = (path: string, value: unknown) => {
        if (typeof value === 'string' && value.includes('*')) {
          out.push(finding(this, m, path, `${JSON.stringify(value)} is a wildcard; env ${env.env} forbids wildcards, expected an exact value`));
        }
      };
      arr(spec?.sourceRepos).forEach((r: unknown, i: number) => report(`spec.sourceRepos[${i}]`, r));
      arr(spec?.destinations).forEach((d: any, i: number) => {
        for (const f of ['server', 'name', 'namespace']) report(`spec.destinations[${i}].${f}`, d?.[f]);
      });
      for (const list of ['clusterResourceWhitelist', 'namespaceResourceWhitelist']) {
        arr(spec?.[list]).forEach((w: any, i: number) => {
          for (const f of ['group', 'kind']) report(`spec.${list}[${i}].${f}`, w?.[f]);
        });
      }
    }
    return out;
  },
};

/** Every git directories entry of an ApplicationSet (also inside matrix/merge generators). */
function gitDirectories(generators: unknown, base: string): { path: string; pattern: string }[] {
  const out: { path: string; pattern: string }[] = [];
  arr(generators).forEach((g: any, i: number) => {
    const gp = `${base}[${i}]`;
    arr(g?.git?.directories).forEach((d: any, j: number) => {
      if (d?.exclude !== true && typeof d?.path === 'string') out.push({ path: `${gp}.git.directories[${j}].path`, pattern: d.path });
    });
    for (const nested of ['matrix', 'merge']) {
      if (g?.[nested]) out.push(...gitDirectories(g[nested].generators, `${gp}.${nested}.generators`));
    }
  });
  return out;
}

const appsetPathsExist: Rule = {
  id: 'argocd/appset-paths-exist',
  // A warning: an env with nothing released yet legitimately has an ApplicationSet that matches
  // nothing, and synth must not refuse a new, empty env.
  severity: 'warning',
  reason: 'each ApplicationSet git directories path must match a directory of the repository',
  explain: explain('argocd/appset-paths-exist',
    'The git directories generator keeps the repository directories that match path.Match(pattern, dir). A pattern that matches nothing generates no Applications, and Argo CD then prunes (deletes) every Application the set owned. Each non-exclude pattern should match at least one directory of the repository; templated patterns ({{ }}) are skipped. A warning, not an error: a new env with nothing released yet matches nothing on purpose. Otherwise fix the pattern or the dist/ layout.'),
  check(ctx) {
    const dirs = ctx.directories;
    if (!dirs) return [];
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!isArgo(m.object, 'ApplicationSet')) continue;
      for (const { path, pattern } of gitDirectories((m.object.spec as any)?.generators, 'spec.generators')) {
        if (pattern.includes('{{')) continue;
        try {
          if (!dirs.some((d) => pathMatch(pattern, d))) {
            out.push(finding(this, m, path, `${JSON.stringify(pattern)} matches no directory of the repository; expected a pattern matching at least one directory`));
          }
        } catch (e) {
          if (!(e instanceof BadPatternError)) throw e;
          out.push(finding(this, m, path, `${JSON.stringify(pattern)} is a malformed path.Match pattern; expected a valid pattern matching at least one directory`));
        }
      }
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// apis/removed-versions
// ---------------------------------------------------------------------------------------------

/** [apiVersion, kinds ('*' = all), removed in, replacement]. */
export const REMOVED_APIS: readonly (readonly [string, readonly string[], string, string])[] = [
  ['extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], '1.16', 'apps/v1'],
  ['extensions/v1beta1', ['NetworkPolicy'], '1.16', 'networking.k8s.io/v1'],
  ['extensions/v1beta1', ['PodSecurityPolicy'], '1.16', 'policy/v1beta1 (itself removed in 1.25; use Pod Security Admission)'],
  ['extensions/v1beta1', ['Ingress'], '1.22', 'networking.k8s.io/v1'],
  ['apps/v1beta1', ['*'], '1.16', 'apps/v1'],
  ['apps/v1beta2', ['*'], '1.16', 'apps/v1'],
  ['networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], '1.22', 'networking.k8s.io/v1'],
  ['admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], '1.22', 'admissionregistration.k8s.io/v1'],
  ['apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], '1.22', 'apiextensions.k8s.io/v1'],
  ['apiregistration.k8s.io/v1beta1', ['APIService'], '1.22', 'apiregistration.k8s.io/v1'],
  ['authentication.k8s.io/v1beta1', ['TokenReview'], '1.22', 'authentication.k8s.io/v1'],
  ['authorization.k8s.io/v1beta1', ['*'], '1.22', 'authorization.k8s.io/v1'],
  ['certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], '1.22', 'certificates.k8s.io/v1'],
  ['coordination.k8s.io/v1beta1', ['Lease'], '1.22', 'coordination.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1beta1', ['*'], '1.22', 'rbac.authorization.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1alpha1', ['*'], '1.22', 'rbac.authorization.k8s.io/v1'],
  ['scheduling.k8s.io/v1beta1', ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  ['scheduling.k8s.io/v1alpha1', ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], '1.22', 'storage.k8s.io/v1'],
  ['storage.k8s.io/v1beta1', ['CSIStorageCapacity'], '1.27', 'storage.k8s.io/v1'],
  ['batch/v1beta1', ['CronJob'], '1.25', 'batch/v1'],
  ['discovery.k8s.io/v1beta1', ['EndpointSlice'], '1.25', 'discovery.k8s.io/v1'],
  ['events.k8s.io/v1beta1', ['Event'], '1.25', 'events.k8s.io/v1'],
  ['autoscaling/v2beta1', ['HorizontalPodAutoscaler'], '1.25', 'autoscaling/v2'],
  ['autoscaling/v2beta2', ['HorizontalPodAutoscaler'], '1.26', 'autoscaling/v2'],
  ['policy/v1beta1', ['PodDisruptionBudget'], '1.25', 'policy/v1'],
  ['policy/v1beta1', ['PodSecurityPolicy'], '1.25', 'none (use Pod Security Admission)'],
  ['node.k8s.io/v1beta1', ['RuntimeClass'], '1.25', 'node.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], '1.26', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], '1.29', 'flowcontrol.apiserver.k8s.io/v1'],
  ['flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], '1.32', 'flowcontrol.apiserver.k8s.io/v1'],
];

/** Compares 'major.minor' versions. */
function versionAtLeast(version: string, min: string): boolean {
  const [a, b] = version.replace(/^v/, '').split('.').map((n) => parseInt(n, 10));
  const [c, d] = min.split('.').map((n) => parseInt(n, 10));
  return a !== c ? a > c : (b || 0) >= d;
}

const removedVersions: Rule = {
  id: 'apis/removed-versions',
  severity: 'error',
  reason: 'apiVersion/kind must still be served by the clusters\' Kubernetes version',
  explain: explain('apis/removed-versions',
    'Kubernetes removes beta API versions (extensions/v1beta1, apps/v1beta1/2, networking.k8s.io/v1beta1 Ingress in 1.22, batch/v1beta1 CronJob and policy/v1beta1 PodDisruptionBudget in 1.25, autoscaling/v2beta2 in 1.26, flowcontrol v1beta2 in 1.29, ...). An object using a version removed as of the clusters\' Kubernetes version cannot be applied. Move it to the replacement apiVersion named in the message.'),
  check(ctx) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const { apiVersion, kind } = m.object;
      const hit = REMOVED_APIS.find(([v, kinds]) => v === apiVersion && (kinds.includes('*') || kinds.includes(kind ?? '')));
      if (!hit || !versionAtLeast(ctx.kubernetesVersion, hit[2])) continue;
      out.push(finding(this, m, 'apiVersion',
        `${apiVersion} ${kind} was removed in Kubernetes ${hit[2]} (clusters run ${ctx.kubernetesVersion}); expected ${hit[3]}`));
    }
    return out;
  },
};

export const wiringRules: Rule[] = [
  selectsPods,
  targetPorts,
  ingressBackendExists,
  configMapRefs,
  secretRefs,
  serviceAccountRefs,
  podsCovered,
  dns1123,
  labelValues,
  unique,
  notDefault,
  recommended,
  noWildcards,
  appsetPathsExist,
  removedVersions,
];
