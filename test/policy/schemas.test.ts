import { hasCustomResourceSchema, SchemaFinding, validateCustomResource, validateVclusterValues } from '../../lib/policy';

const REPO = 'https://github.com/acme/gitops.git';

const appSet = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'ApplicationSet',
  metadata: { name: 'dev-services', namespace: 'argocd' },
  spec: {
    goTemplate: true,
    goTemplateOptions: ['missingkey=error'],
    generators: [{ git: { repoURL: REPO, revision: 'main', directories: [{ path: 'dist/apps/dev/*/*' }] } }],
    template: {
      metadata: { name: 'dev-{{index .path.segments 3}}-{{.path.basename}}' },
      spec: {
        project: 'dev',
        source: { repoURL: REPO, targetRevision: 'main', path: '{{.path.path}}' },
        destination: { name: 'dev-us-east-1', namespace: '{{.path.basename}}' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'] },
      },
    },
  },
};

const application = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'vcluster-dev-us-east-1', namespace: 'argocd' },
  spec: {
    project: 'platform',
    source: {
      repoURL: 'https://charts.loft.sh',
      chart: 'vcluster',
      targetRevision: '0.36.1',
      helm: { releaseName: 'dev-us-east-1', valuesObject: { controlPlane: { distro: { k8s: { enabled: true } } } } },
    },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'vcluster-dev-us-east-1' },
    syncPolicy: { syncOptions: ['CreateNamespace=true'], retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } },
  },
};

const appProject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AppProject',
  metadata: { name: 'prod', namespace: 'argocd' },
  spec: {
    description: 'prod services',
    sourceRepos: [REPO],
    destinations: [{ name: 'prod-us-east-1', namespace: 'echo' }],
    clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
    roles: [{ name: 'deployer', groups: ['acme:platform'], policies: ['p, proj:prod:deployer, applications, sync, prod/*, allow'] }],
  },
};

const sealedSecret = {
  apiVersion: 'bitnami.com/v1alpha1',
  kind: 'SealedSecret',
  metadata: { name: 'db', namespace: 'echo', annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } },
  spec: {
    encryptedData: { password: 'AgBy3i4OJSWK+PiTySYZZA==' },
    template: { metadata: { name: 'db', namespace: 'echo', labels: { 'app.kubernetes.io/name': 'echo' } }, type: 'Opaque' },
  },
};

const externalSecret = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'vcluster-dev-us-east-1', namespace: 'argocd' },
  spec: {
    refreshInterval: '1h',
    secretStoreRef: { name: 'vcluster-dev-us-east-1', kind: 'SecretStore' },
    target: { name: 'cluster-dev-us-east-1', creationPolicy: 'Owner', template: { metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster' } } } },
    data: [{ secretKey: 'config', remoteRef: { key: 'vc-dev-us-east-1', property: 'config' } }],
  },
};

const secretStore = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vcluster-dev-us-east-1', namespace: 'argocd' },
  spec: {
    provider: {
      kubernetes: {
        remoteNamespace: 'vcluster-dev-us-east-1',
        server: { url: 'https://kubernetes.default.svc', caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
        auth: { serviceAccount: { name: 'external-secrets' } },
      },
    },
  },
};

/** A deep copy of `obj` changed by `edit`. */
function edited<T>(obj: T, edit: (copy: any) => void): T {
  const copy = structuredClone(obj);
  edit(copy);
  return copy;
}

const paths = (findings: SchemaFinding[]) => findings.map((f) => f.path);

describe('validateCustomResource', () => {
  it.each([
    ['ApplicationSet', appSet],
    ['Application', application],
    ['AppProject', appProject],
    ['SealedSecret', sealedSecret],
    ['ExternalSecret', externalSecret],
    ['SecretStore', secretStore],
  ])('accepts a valid %s', (_kind, obj) => {
    expect(validateCustomResource(obj)).toEqual([]);
  });

  it('ApplicationSet: a misspelled generator key names the path and the key it meant', () => {
    const bad = edited(appSet, (o) => {
      o.spec.generators[0].git.repoUrl = o.spec.generators[0].git.repoURL;
      delete o.spec.generators[0].git.repoURL;
    });
    const findings = validateCustomResource(bad);
    expect(findings).toContainEqual({ path: 'spec.generators[0].git.repoURL', message: 'required key "repoURL" is missing' });
    const unknown = findings.find((f) => f.path === 'spec.generators[0].git.repoUrl');
    expect(unknown?.message).toMatch(/^unknown key "repoUrl" \(did you mean "repoURL"\? allowed: .*\brevision\b.*\)$/);
  });

  it('ApplicationSet: the template inside a nested generator is checked too (shared $defs)', () => {
    const bad = edited(appSet, (o) => {
      o.spec.generators = [{ matrix: { generators: [{ list: { elements: [], template: { metadata: {}, spec: { project: 'p', destination: {}, sourcse: {} } } } }] } }];
    });
    expect(paths(validateCustomResource(bad))).toEqual(['spec.generators[0].matrix.generators[0].list.template.spec.sourcse']);
  });

  it('Application: a wrong type names the field and the allowed type', () => {
    const bad = edited(application, (o) => (o.spec.syncPolicy.retry.limit = 'five'));
    expect(validateCustomResource(bad)).toEqual([{ path: 'spec.syncPolicy.retry.limit', message: 'must be integer (got "five")' }]);
  });

  it('Application: int-or-string fields take both and nothing else', () => {
    const withReplicas = (count: unknown) =>
      edited(application, (o) => (o.spec.source.kustomize = { replicas: [{ name: 'echo', count }] }));
    expect(validateCustomResource(withReplicas(3))).toEqual([]);
    expect(validateCustomResource(withReplicas('3'))).toEqual([]);
    expect(validateCustomResource(withReplicas(true))).toEqual([
      { path: 'spec.source.kustomize.replicas[0].count', message: 'must be integer or string (got true)' },
    ]);
  });

  it('Application: preserve-unknown-fields (helm.valuesObject) takes anything', () => {
    const any = edited(application, (o) => (o.spec.source.helm.valuesObject = { whatever: [1, { deep: null }] }));
    expect(validateCustomResource(any)).toEqual([]);
  });

  it('AppProject: required keys and the object itself', () => {
    const bad = edited(appProject, (o) => {
      o.spec.destinations = [{ name: 'prod-us-east-1', namespace: 'echo', servr: 'x' }];
      delete o.metadata;
      o.apiVersion = 'argoproj.io/v1alpha1';
    });
    expect(validateCustomResource(bad)).toEqual([
      { path: 'metadata', message: 'required key "metadata" is missing' },
      { path: 'spec.destinations[0].servr', message: 'unknown key "servr" (did you mean "server"? allowed: name, namespace, server)' },
    ]);
  });

  it('SealedSecret: encryptedData is required and holds strings', () => {
    expect(validateCustomResource(edited(sealedSecret, (o) => delete o.spec.encryptedData))).toEqual([
      { path: 'spec.encryptedData', message: 'required key "encryptedData" is missing' },
    ]);
    expect(validateCustomResource(edited(sealedSecret, (o) => (o.spec.encryptedData.password = 42)))).toEqual([
      { path: 'spec.encryptedData.password', message: 'must be string (got 42)' },
    ]);
  });

  it('ExternalSecret: an enum names the allowed values', () => {
    const bad = edited(externalSecret, (o) => (o.spec.target.creationPolicy = 'Sometimes'));
    expect(validateCustomResource(bad)).toEqual([
      { path: 'spec.target.creationPolicy', message: 'must be one of "Owner", "Orphan", "Merge", "None", "CreateOrMerge" (got "Sometimes")' },
    ]);
  });

  it('SecretStore (kubernetes provider): unknown and missing keys', () => {
    const bad = edited(secretStore, (o) => {
      o.spec.provider.kubernetes.auth.serviceAccount = { nam: 'external-secrets' };
    });
    expect(validateCustomResource(bad)).toEqual([
      { path: 'spec.provider.kubernetes.auth.serviceAccount.name', message: 'required key "name" is missing' },
      { path: 'spec.provider.kubernetes.auth.serviceAccount.nam', message: 'unknown key "nam" (did you mean "name"? allowed: audiences, name, namespace)' },
    ]);
  });

  it('apiVersion and kind must be the schema\'s (only served versions have one)', () => {
    expect(hasCustomResourceSchema('external-secrets.io/v1', 'SecretStore')).toBe(true);
    expect(hasCustomResourceSchema('external-secrets.io/v1beta1', 'SecretStore')).toBe(false); // served: false upstream
    expect(validateCustomResource({ ...secretStore, apiVersion: 'external-secrets.io/v1beta1' })).toEqual([]);
  });

  it('returns [] for kinds without a schema', () => {
    expect(validateCustomResource({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { a: 1 } })).toEqual([]);
    expect(validateCustomResource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } })).toEqual([]);
    expect(validateCustomResource({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' })).toEqual([]);
    expect(validateCustomResource({ kind: '../../package' })).toEqual([]);
    expect(validateCustomResource(null)).toEqual([]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const bad = edited(sealedSecret, (o) => (o.spec.template.metadata.labels['app.kubernetes.io/name'] = 1));
    expect(paths(validateCustomResource(bad))).toEqual(['spec.template.metadata.labels["app.kubernetes.io/name"]']);
  });
});

describe('validateVclusterValues', () => {
  const valid = {
    controlPlane: { distro: { k8s: { enabled: true } } },
    sync: { toHost: { ingresses: { enabled: true } } },
    policies: { networkPolicy: { enabled: true }, podSecurityStandard: 'restricted' },
  };

  it('accepts valid values', () => {
    expect(validateVclusterValues(valid)).toEqual([]);
    expect(validateVclusterValues({})).toEqual([]);
  });

  it('reports an unknown top-level key with the allowed ones', () => {
    const findings = validateVclusterValues({ ...valid, isolation: { enabled: true } });
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('isolation');
    expect(findings[0].message).toMatch(/^unknown key "isolation" \(allowed: .*\bpolicies\b.*\)$/);
  });

  it('reports a nested unknown key with its path', () => {
    expect(validateVclusterValues(edited(valid, (v) => (v.policies.bogus = true)))).toEqual([
      { path: 'policies.bogus', message: 'unknown key "bogus" (allowed: networkPolicy, podSecurityStandard, resourceQuota, limitRange, centralAdmission)' },
    ]);
  });

  it('reports wrong types, including string-or-boolean fields', () => {
    const bad = edited(valid, (v) => {
      v.controlPlane.distro.k8s.enabled = 'yes';
      v.policies.resourceQuota = { enabled: 3 };
    });
    expect(validateVclusterValues(bad)).toEqual([
      { path: 'policies.resourceQuota.enabled', message: 'must be string or boolean (got 3)' },
      { path: 'controlPlane.distro.k8s.enabled', message: 'must be boolean (got "yes")' },
    ]);
  });
});
