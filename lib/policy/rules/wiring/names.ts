/**
 * Names and labels: DNS-1123 names, valid label keys and values, unique kind/namespace/name per cluster, no
 * `default` namespace, the recommended app.kubernetes.io labels.
 */
import { instanceOf } from '../../../model/layout';
import { DATABASE_API_CLUSTER_KINDS, DATABASE_MANAGED_KINDS } from '../../../model/database-platform';
import { clusterOf, defineRule, describeObject, ManifestObject, PolicyFinding, podSpecOf, Rule } from '../../engine';
import { isObj, podLabelsOf } from './objects';

const labelPath = (base: string, key: string): string => `${base}[${JSON.stringify(key)}]`;

// names/*

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

const dns1123: Rule = defineRule({
  id: 'names/dns-1123',
  scope: 'object',
  severity: 'error',
  reason: 'metadata.name must be a valid DNS-1123 name for its kind',
  explain:
    'The API server rejects objects whose metadata.name is not a DNS-1123 subdomain (most kinds), a DNS-1123 label (Namespace) or a DNS-1035 label (Service: it becomes a DNS name and must start with a letter); RBAC kinds only forbid "/" and "%". Schema validation does not catch this. Rename the object.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const name = m.object.metadata?.name;
      if (typeof name !== 'string' || name === '') {
        out.push(report(m, 'metadata.name', 'is missing; expected a DNS-1123 name'));
        continue;
      }
      const problem = nameProblem(m.object.kind ?? '', name);
      if (problem) out.push(report(m, 'metadata.name', `${JSON.stringify(name)} is invalid; ${problem}`));
    }
    return out;
  },
});

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

const labelValues: Rule = defineRule({
  id: 'names/label-values',
  scope: 'object',
  severity: 'error',
  reason: 'label keys and values must be syntactically valid',
  explain:
    'The API server rejects labels whose key is not a qualified name (optional DNS-1123 subdomain prefix and "/", then at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric) or whose value is not empty or at most 63 such characters. Checked on metadata.labels and on pod template labels. Shorten or fix the label.',
  check(ctx, report) {
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
          if (problem) out.push(report(m, labelPath(base, k), problem));
        }
      }
    }
    return out;
  },
});

const groupOf = (apiVersion: string | undefined): string => (apiVersion?.includes('/') ? apiVersion.split('/')[0] : '');

const unique: Rule = defineRule({
  id: 'names/unique',
  severity: 'error',
  reason: 'kind, namespace and name must be unique in each cluster',
  explain:
    'Two objects of the same kind (and API group) with the same namespace and name, bound for the same cluster, overwrite each other: Argo CD applies one and reports the other as out of sync forever. The second occurrence is reported with the file of the first. Rename one of them.',
  check(ctx, report) {
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
      out.push(report(m, 'metadata.name',
        `duplicates ${describeObject(o)} first defined in ${first.file} (document ${first.index + 1}); expected a unique kind/namespace/name`));
    }
    return out;
  },
});

// namespaces/not-default

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PriorityClass', 'IngressClass', 'RuntimeClass', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'APIService', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CertificateSigningRequest', 'PodSecurityPolicy', 'FlowSchema',
  'PriorityLevelConfiguration', 'ComponentStatus', 'TokenReview', 'SubjectAccessReview', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'SelfSubjectReview', 'DeviceClass', 'ResourceSlice', 'VolumeAttributesClass', 'ServiceCIDR', 'IPAddress',
  'ClusterIssuer', 'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterPolicy', 'GatewayClass',
]);

/**
 * Cluster-scoped custom kinds, by API group (a kind name alone is ambiguous: aws.upbound.io's
 * ProviderConfig is cluster-scoped, aws.m.upbound.io's is namespaced): the database API's kinds and the
 * managed resources its Composition creates (lib/model/database-platform.ts).
 */
const CLUSTER_SCOPED_BY_GROUP = new Set([...DATABASE_API_CLUSTER_KINDS, ...DATABASE_MANAGED_KINDS].map((k) => `${k.group}/${k.kind}`));

const isClusterScoped = (o: { apiVersion?: string; kind?: string }): boolean =>
  CLUSTER_SCOPED.has(o.kind ?? '') || CLUSTER_SCOPED_BY_GROUP.has(`${groupOf(o.apiVersion)}/${o.kind ?? ''}`);

const notDefault: Rule = defineRule({
  id: 'namespaces/not-default',
  scope: 'object',
  severity: 'error',
  reason: 'namespaced objects must set a namespace other than default',
  explain:
    'Objects in the default namespace (or namespaced objects without metadata.namespace, which land in whatever namespace the apply targets) share it with everything else, escape per-namespace Pod Security, NetworkPolicy and quota settings and are hard to own. Cluster-scoped kinds (Namespace, ClusterRole, ClusterRoleBinding, CustomResourceDefinition, PersistentVolume, StorageClass, ...) are exempt. Set metadata.namespace to the app namespace.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (isClusterScoped(m.object)) continue;
      const nsName = m.object.metadata?.namespace;
      if (nsName === undefined || nsName === '') {
        out.push(report(m, 'metadata.namespace', `is missing; expected the namespace of the app (${m.object.kind} is namespaced; not default)`));
      } else if (nsName === 'default') {
        out.push(report(m, 'metadata.namespace', 'is "default"; expected a dedicated namespace'));
      }
    }
    return out;
  },
});

// labels/recommended

const RECOMMENDED = ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'].map((k) => `app.kubernetes.io/${k}`);

const recommended: Rule = defineRule({
  id: 'labels/recommended',
  scope: 'object',
  severity: 'warning',
  reason: 'app objects carry the recommended app.kubernetes.io labels',
  explain:
    'Objects of app manifests (files under apps/) should carry the Kubernetes recommended labels app.kubernetes.io/name, instance, version, component, part-of and managed-by, so dashboards, cost reports and kubectl selectors can find every piece of an app. The golden app sets them; add the missing ones.',
  check(ctx, report) {
    const out: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      if (!instanceOf(m.file)) continue; // an app instance's manifest (lib/model/layout.ts)
      const labels = m.object.metadata?.labels ?? {};
      const missing = RECOMMENDED.filter((k) => typeof labels[k] !== 'string' || labels[k] === '');
      if (missing.length) out.push(report(m, 'metadata.labels', `missing ${missing.join(', ')}; expected all of ${RECOMMENDED.join(', ')}`));
    }
    return out;
  },
});

export const nameRules: Rule[] = [dns1123, labelValues, unique, notDefault, recommended];
