import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { addonFile, ConfigError, definePlatform, registerApps, planClusters, PlatformSpec, vclusterFile, vclusterHostFile } from '../../lib/model';
import { PolicyGateError } from '../../lib/policy/gate';
import { validateCustomResource } from '../../lib/policy/schemas';
import { validatorFor } from '../../lib/policy/rules/schema-core';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const plan = planSynth(exampleInput);
const docsOf = (p: string): Obj[] => parseAllDocuments(plan.files.find((f) => f.path === p)!.content).map((d) => d.toJS());
const vclusterApp = (cluster: string): Obj => docsOf(`argocd/vclusters/${cluster}.yaml`).find((o) => o.kind === 'Application');
const HUB = 'host-us-east-1';
const CREDENTIAL_KEYS = ['bearerToken', 'password', 'username', 'keyData', 'certData', 'execProviderConfig', 'profile'];
const CA = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'example', 'envs', 'platform.ts'), 'utf8').match(/'(LS0t[A-Za-z0-9+/=]+)'/)![1];

describe('topology of the fixture: prod regions on different hosts', () => {
  test('prod-eu-west-1\'s vcluster Application targets the eu-west-1 host, prod-us-east-1\'s the hub (in-cluster)', () => {
    expect(vclusterApp('prod-eu-west-1').spec.destination).toEqual({ name: 'host-eu-west-1', namespace: 'vcluster-prod-eu-west-1' });
    expect(vclusterApp('prod-us-east-1').spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'vcluster-prod-us-east-1' });
  });

  test('a remote vcluster: API endpoint = exported kubeconfig server = a SAN; its Namespace made on the host; its host-side directory synced there at the registration wave', () => {
    const app = vclusterApp('prod-eu-west-1');
    const values = app.spec.source.helm.valuesObject;
    expect(values.exportKubeConfig.server).toBe('https://prod-eu-west-1.vc.eu-west-1.acme.internal:443');
    expect(values.controlPlane.proxy.extraSANs).toContain('prod-eu-west-1.vc.eu-west-1.acme.internal');
    expect(values.controlPlane.service.spec.type).toBe('LoadBalancer');
    // the host Namespace is created on the host by the vcluster's Application, not on the hub
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true']);
    expect(app.spec.syncPolicy.managedNamespaceMetadata.labels['platform.acme.io/region']).toBe('eu-west-1');
    expect(docsOf(vclusterFile('prod', 'eu-west-1')).map((o) => o.kind)).not.toContain('Namespace');
    const hostSide = docsOf(vclusterFile('prod', 'eu-west-1')).find((o) => o.kind === 'Application' && o.metadata.name === 'vcluster-host-prod-eu-west-1');
    expect(hostSide.spec.source).toEqual({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'dist/vcluster-host/prod-eu-west-1' });
    expect(hostSide.spec.destination).toEqual({ name: 'host-eu-west-1', namespace: 'vcluster-prod-eu-west-1' });
    expect(hostSide.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(docsOf(vclusterHostFile('prod', 'eu-west-1', 'registration')).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'SecretStore/argocd-registration', 'PushSecret/argocd-registration',
    ]);
    // a vcluster on the hub keeps the in-cluster registration: its host-side directory holds only its network policies
    expect(plan.files.map((f) => f.path)).not.toContain(vclusterHostFile('prod', 'us-east-1', 'registration'));
    expect(plan.files.map((f) => f.path)).toContain(vclusterHostFile('prod', 'us-east-1', 'networkPolicies'));
    expect(docsOf(vclusterFile('prod', 'us-east-1')).find((o) => o.kind === 'SecretStore').spec.provider.kubernetes.server.url).toBe('https://kubernetes.default.svc');
  });

  test('the registration objects validate against their CRD schemas, and what the host pushes is what the hub reads', () => {
    const push = docsOf(vclusterHostFile('prod', 'eu-west-1', 'registration'));
    const hub = docsOf(vclusterFile('prod', 'eu-west-1'));
    for (const o of [...push, ...hub].filter((d) => d.apiVersion.startsWith('external-secrets.io/'))) {
      expect([o.kind, validateCustomResource(o)]).toEqual([o.kind, []]);
    }
    const pushSecret = push.find((o) => o.kind === 'PushSecret');
    const externalSecret = hub.find((o) => o.kind === 'ExternalSecret');
    const pushed = pushSecret.spec.data.map((d: Obj) => `${d.match.remoteRef.remoteKey}#${d.match.remoteRef.property}`);
    const read = externalSecret.spec.data.map((d: Obj) => `${d.remoteRef.key}#${d.remoteRef.property}`);
    expect(read).toEqual(pushed);
    expect(pushSecret.spec.selector).toEqual({ secret: { name: 'vc-prod-eu-west-1' } });
    // both stores use the ESO controllers' own IAM roles (no auth block: no credential) in the hub's region
    for (const store of [push, hub].map((docs) => docs.find((o: Obj) => o.kind === 'SecretStore'))) {
      expect(store.spec.provider).toEqual({ aws: { service: 'SecretsManager', region: 'us-east-1' } });
    }
    expect(externalSecret.spec.target.template.data.server).toBe('https://prod-eu-west-1.vc.eu-west-1.acme.internal:443');
  });

  test('host cluster Secrets (argo-cd chart clusterCredentials): the non-hub hosts only, EKS IAM auth and the CA, no credential field; the Secret the chart renders validates', () => {
    const argocd = docsOf(addonFile(HUB, 'argo-cd'))[0];
    const creds = argocd.spec.source.helm.valuesObject.configs.clusterCredentials;
    expect(Object.keys(creds)).toEqual(['host-eu-west-1']);
    const c = creds['host-eu-west-1'];
    expect(c.config).toEqual({
      awsAuthConfig: { clusterName: 'host-eu-west-1', roleARN: 'arn:aws:iam::111122223333:role/argocd-host-eu-west-1' },
      tlsClientConfig: { insecure: false, caData: CA },
    });
    const text = JSON.stringify(creds);
    for (const key of CREDENTIAL_KEYS) expect([key, text.includes(`"${key}"`)]).toEqual([key, false]);
    expect(Buffer.from(c.config.tlsClientConfig.caData, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // As templates/argocd-configs/cluster-secrets.yaml (argo-cd 10.1.1) renders it:
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'argocd-cluster-host-eu-west-1', namespace: 'argocd', labels: { ...c.labels, 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: { name: 'host-eu-west-1', server: c.server, config: JSON.stringify(c.config) },
    };
    const validate = validatorFor('v1', 'Secret')!;
    expect([validate(secret), validate.errors ?? null]).toEqual([true, null]);
    // the hub gets no cluster Secret: Argo CD addresses it in-cluster
    expect(Object.keys(creds)).not.toContain(HUB);
  });

  test('ESO runs on every host (PushSecret on the hosts, ExternalSecret on the hub)', () => {
    for (const host of [HUB, 'host-eu-west-1']) expect(plan.files.map((f) => f.path)).toContain(addonFile(host, 'external-secrets'));
  });
});

describe('bad topology in envs/platform.ts: one line naming the file and the field', () => {
  const base = { labelDomain: 'platform.acme.io', gitops: { repoURL: 'https://github.com/acme/gitops.git' } };
  const remote = {
    region: 'eu-west-1',
    server: 'https://0A1B.gr7.eu-west-1.eks.amazonaws.com',
    awsAuthConfig: { clusterName: 'host-eu-west-1', roleARN: 'arn:aws:iam::111122223333:role/argocd-host-eu-west-1' },
    caData: CA,
    vclusterApiDomain: 'vc.eu-west-1.acme.internal',
  };
  const DATABASES = {
    subnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
    securityGroupIds: ['sg-0a1b2c3d4e5f60719'],
    subnetCidrs: ['10.10.64.0/20'],
    providerRoleArn: 'arn:aws:iam::111122223333:role/crossplane-aws',
  };
  const refuse = (hosts: unknown): ConfigError => {
    try {
      definePlatform({ ...base, hosts } as PlatformSpec);
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('accepted');
  };
  const cases: [string, unknown, string, RegExp][] = [
    ['two hubs', { a: { region: 'us-east-1', hub: true }, b: { region: 'eu-west-1', hub: true } }, 'hosts.b.hub', /host "a" is already the hub/],
    ['no hub', { b: remote }, 'hosts', /no host is the hub/],
    ['an unknown region name', { a: { region: 'eu-west1', hub: true } }, 'hosts.a.region', /AWS region/],
    ['two hosts in one region', { a: { region: 'eu-west-1', hub: true }, b: remote }, 'hosts.b.region', /already has host "a"/],
    ['an EKS endpoint of another region', { a: { region: 'us-east-1', hub: true }, b: { ...remote, server: 'https://0A1B.gr7.us-west-2.eks.amazonaws.com' } }, 'hosts.b.server', /in us-west-2, not in the host's region eu-west-1/],
    ['a missing role', { a: { region: 'us-east-1', hub: true }, b: { ...remote, awsAuthConfig: { clusterName: 'x' } } }, 'hosts.b.awsAuthConfig.roleARN', /non-empty string/],
    ['a static credential', { a: { region: 'us-east-1', hub: true }, b: { ...remote, bearerToken: 'abc' } }, 'hosts.b.bearerToken', /unknown key/],
    ['a private key as caData', { a: { region: 'us-east-1', hub: true }, b: { ...remote, caData: Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n').toString('base64') } }, 'hosts.b.caData', /private key/],
    ['registration on the hub', { a: { region: 'us-east-1', hub: true, server: 'https://x.eks.amazonaws.com' } }, 'hosts.a.server', /in-cluster/],
    ['databases in one subnet', { a: { region: 'us-east-1', hub: true, databases: { ...DATABASES, subnetIds: ['subnet-0a1b2c3d4e5f60711'] } } }, 'hosts.a.databases.subnetIds', /at least 2/],
    ['a security group that is not one', { a: { region: 'us-east-1', hub: true, databases: { ...DATABASES, securityGroupIds: ['default'] } } }, 'hosts.a.databases.securityGroupIds[0]', /security group IDs such as "sg-/],
    ['a subnet CIDR that is not one', { a: { region: 'us-east-1', hub: true, databases: { ...DATABASES, subnetCidrs: ['10.10.64.0/33'] } } }, 'hosts.a.databases.subnetCidrs[0]', /IPv4 CIDR/],
    ['a provider role that is no ARN', { a: { region: 'us-east-1', hub: true, databases: { ...DATABASES, providerRoleArn: 'crossplane' } } }, 'hosts.a.databases.providerRoleArn', /IAM role ARN/],
    ['a misspelt databases key', { a: { region: 'us-east-1', hub: true, databases: { ...DATABASES, subnetCidr: [] } } }, 'hosts.a.databases.subnetCidr', /unknown key/],
  ];
  test.each(cases)('%s', (_name, hosts, field, reason) => {
    const e = refuse(hosts);
    expect(e).toBeInstanceOf(ConfigError);
    expect([e.file, e.field]).toEqual([path.resolve(__filename), field]);
    expect(e.reason).toMatch(reason);
    expect(e.message).not.toContain('\n');
  });

  test('a region an env uses with no host in it', () => {
    const platform = definePlatform({ ...base, hosts: { 'host-eu-west-1': { region: 'eu-west-1', hub: true } } });
    let error: unknown;
    try {
      planSynth({ ...exampleInput, platform });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const ce = error as ConfigError;
    expect([ce.file, ce.field]).toEqual([path.resolve(__filename), 'hosts']);
    expect(ce.reason).toMatch(/^region us-east-1 \(env dev, .*\) has no host cluster; add a host with region "us-east-1" \(hosts: host-eu-west-1 \(eu-west-1\)\)$/);
  });

  test('no hosts declared: one implicit hub runs every vcluster (in-cluster); the example then claims its prod hostnames twice on one controller', () => {
    // The example's registry mirror of the smoke-test image (prod pulls from ghcr.io/acme/ only).
    const platform = definePlatform({ ...base, smokeTestImage: exampleInput.platform.smokeTestImage });
    const clusters = planClusters(platform, exampleInput.envs);
    expect(clusters.hosts.map((h) => h.name)).toEqual(['hub']);
    expect(clusters.vclusters.find((v) => v.name === 'prod-eu-west-1')?.host).toBe('hub');
    const attempt = (input: typeof exampleInput): unknown => {
      try {
        planSynth(input);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    // Databases live on a declared host (its subnets, its provider role): the implicit hub has none.
    const noHost = attempt({ ...exampleInput, platform }) as ConfigError;
    expect(noHost).toBeInstanceOf(ConfigError);
    expect([noHost.field, noHost.reason]).toEqual(['hosts', 'incident-assistant-backend needs a database in dev/us-east-1, and databases are created on the region\'s host cluster; declare a host for us-east-1 with databases: { subnetIds, securityGroupIds, subnetCidrs, providerRoleArn }']);
    // Without databases, both prod regions on one host: the gate refuses the second claim of each exposed hostname (issue 11, finding 4).
    const apps = registerApps(...Object.values(exampleInput.apps).map((a) => ({ ...a, database: undefined })));
    const error = attempt({ ...exampleInput, apps, platform });
    expect(error).toBeInstanceOf(PolicyGateError);
    const findings = (error as PolicyGateError).findings;
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['cluster/unique-hosts']));
    expect(findings.map((f) => f.message).join('\n')).toMatch(/echo\.acme\.io/);
    expect(addonFile('hub', 'external-secrets')).toBe('argocd/addons/hub/external-secrets.yaml');
  });
});
