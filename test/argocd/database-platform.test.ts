/**
 * The database API on the hosts (issue 12, part 1): Crossplane as a host add-on, and per host with
 * `databases` the packages, the ProviderConfig, the XRD and a Composition with that host's region and
 * network, synced by `crossplane-<host>` after the host add-ons. On the frozen example.
 */
import { parseAllDocuments } from 'yaml';
import {
  CONNECTION_KEYS, DATABASE_API_CLUSTER_KINDS, databasePlatformAppFile, databasePlatformFile, ROOT_FILE, WAVES,
} from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { hasCustomResourceSchema, validateCustomResource } from '../../lib/policy/schemas';
import { addons, envs, platform } from '../fixtures/example/envs';
import { exampleInput } from '../support/example';
import { ManifestObject } from '../../lib/policy/engine';
import { platformPlacement, policyContext } from '../../lib/policy/gate';
import { crossplanePipeline, servedKinds } from '../../lib/policy/rules/placement';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (path: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === path)!.content).map((d) => d.toJS());
const hosts = Object.values(platform.hosts);

test('every host with databases gets the database API and the Application that syncs it there, after Crossplane', () => {
  expect(hosts.filter((h) => h.databases).map((h) => h.name)).toEqual(['host-us-east-1', 'host-eu-west-1']);
  for (const h of hosts) {
    const [app] = docs(databasePlatformAppFile(h.name));
    expect(app.spec.destination).toEqual(h.hub ? { server: 'https://kubernetes.default.svc', namespace: 'crossplane-system' } : { name: h.name, namespace: 'crossplane-system' });
    expect(app.spec.source.path).toBe(`dist/crossplane/${h.name}`);
    const crossplane = docs(`argocd/addons/${h.name}/crossplane.yaml`)[0];
    expect(Number(crossplane.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(app.metadata.annotations['argocd.argoproj.io/sync-wave']));
    expect(Number(app.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBe(WAVES.databaseApi);
    expect(WAVES.databaseApi).toBeLessThan(WAVES.vclusters);
  }
});

test('each host\'s Composition creates the instance in that host\'s region, subnets and security groups', () => {
  for (const h of hosts) {
    const composition = docs(databasePlatformFile(h.name)).find((o) => o.kind === 'Composition');
    const [subnets, instance] = composition.spec.pipeline[0].input.resources;
    expect(subnets.base.spec.forProvider).toMatchObject({ region: h.region, subnetIds: h.databases!.subnetIds });
    expect(instance.base.spec.forProvider).toMatchObject({ region: h.region, vpcSecurityGroupIds: h.databases!.securityGroupIds, publiclyAccessible: false, storageEncrypted: true });
    expect(docs(databasePlatformFile(h.name)).find((o) => o.kind === 'DeploymentRuntimeConfig').spec.serviceAccountTemplate.metadata.annotations)
      .toEqual({ 'eks.amazonaws.com/role-arn': h.databases!.providerRoleArn });
  }
});

test('the claim\'s Secret holds exactly the DB_* variables, and every patch reads a parameter the XRD declares', () => {
  const objects = docs(databasePlatformFile('host-us-east-1'));
  const xrd = objects.find((o) => o.kind === 'CompositeResourceDefinition');
  const composition = objects.find((o) => o.kind === 'Composition');
  expect(xrd.spec.connectionSecretKeys).toEqual([...CONNECTION_KEYS]);
  const instance = composition.spec.pipeline[0].input.resources.find((r: any) => r.name === 'instance');
  expect(instance.connectionDetails.map((d: any) => d.name).sort()).toEqual([...CONNECTION_KEYS].sort());
  const parameters = Object.keys(xrd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.parameters.properties);
  const read = composition.spec.pipeline[0].input.resources.flatMap((r: any) => r.patches.map((p: any) => p.fromFieldPath))
    .filter((f: string) => f.startsWith('spec.parameters.')).map((f: string) => f.slice('spec.parameters.'.length));
  expect([...new Set(read)].sort()).toEqual([...parameters].sort());
  expect(composition.spec.compositeTypeRef).toEqual({ apiVersion: `${xrd.spec.group}/${xrd.spec.versions[0].name}`, kind: xrd.spec.names.kind });
  expect(xrd.spec.defaultCompositionRef.name).toBe(composition.metadata.name);
});

test('the platform AppProject lets Argo CD apply every kind of the database API (all cluster-scoped)', () => {
  const emitted = new Set(docs(databasePlatformFile('host-eu-west-1')).map((o) => `${o.apiVersion.split('/')[0]}/${o.kind}`));
  expect([...emitted].sort()).toEqual(DATABASE_API_CLUSTER_KINDS.map((k) => `${k.group}/${k.kind}`).sort());
  const project = docs(ROOT_FILE).find((o) => o.kind === 'AppProject');
  for (const k of DATABASE_API_CLUSTER_KINDS) expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: k.group, kind: k.kind });
});

test('placement: without the crossplane add-on, the host does not serve the XRD and the packages, and the finding names the host', () => {
  const objects: ManifestObject[] = plan.files.filter((f) => f.path.startsWith('crossplane/'))
    .flatMap((f) => parseAllDocuments(f.content).map((d, index) => ({ file: f.path, index, object: d.toJS() })));
  const without = { addons: addons.addons.filter((a) => a.name !== 'crossplane') };
  const run = (catalogue: typeof addons) => servedKinds.check(policyContext(objects, envs, undefined, undefined, platformPlacement(platform, envs, catalogue)))
    .map((f) => `${f.file}: ${f.object}: ${f.message}`);
  expect(run(addons)).toEqual([]);
  const found = run(without);
  expect(found).toContain('crossplane/host-eu-west-1/platform.yaml: CompositeResourceDefinition xpostgresinstances.platform.acme.io: host cluster host-eu-west-1 does not serve apiextensions.crossplane.io/CompositeResourceDefinition: no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with host-eu-west-1 in its target');
  // the provider's and the XRD's own kinds are served by the database API itself, whatever the catalogue says
  expect(found.filter((f) => f.includes('ProviderConfig'))).toEqual([]);
});

describe('the needs chain: a claim needs its XRD on its host, the Composition its provider and function there', () => {
  const objects: ManifestObject[] = plan.files.filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(f.content).map((d, index) => ({ file: f.path, index, object: d.toJS() })));
  const placement = platformPlacement(platform, envs, addons);
  const run = (objs: ManifestObject[]) => [servedKinds, crossplanePipeline]
    .flatMap((r) => r.check(policyContext(objs, envs, undefined, undefined, placement)))
    .map((f) => `${f.rule} ${f.file}: ${f.object}: ${f.path ? `${f.path}: ` : ''}${f.message}`);
  const without = (file: string, kind: string) => objects.filter((m) => !(m.file === file && m.object.kind === kind));
  const US = databasePlatformFile('host-us-east-1');

  test('the example has every link', () => {
    expect(run(objects)).toEqual([]);
  });

  test('no XRD on host-us-east-1: every claim of the region is reported, naming where the XRD is', () => {
    const found = run(without(US, 'CompositeResourceDefinition'));
    expect(found.filter((f) => f.startsWith('cluster/served-kinds databases/'))).toEqual(['dev', 'prod', 'staging'].map((env) =>
      `cluster/served-kinds databases/${env}/us-east-1/incident-assistant-backend.yaml: PostgresInstance db-${env}-us-east-1/incident-assistant-backend: `
      + 'hub cluster host-us-east-1 does not serve platform.acme.io/PostgresInstance: XRD xpostgresinstances.platform.acme.io (crossplane/host-eu-west-1/platform.yaml) defines it, on host-eu-west-1, not on host-us-east-1'));
  });

  test('no Provider on host-us-east-1: the Composition\'s bases and the ProviderConfig are reported', () => {
    expect(run(without(US, 'Provider')).map((f) => f.split(': ').slice(0, 3).join(': '))).toEqual([
      `cluster/served-kinds ${US}: ProviderConfig default: hub cluster host-us-east-1 does not serve aws.upbound.io/ProviderConfig`,
      `cluster/served-kinds ${US}: Composition xpostgresinstances.aws: spec.pipeline[0].input.resources[0].base`,
      `cluster/served-kinds ${US}: Composition xpostgresinstances.aws: spec.pipeline[0].input.resources[1].base`,
    ]);
  });

  test('no Function or no Composition on host-us-east-1: the pipeline rule says which', () => {
    expect(run(without(US, 'Function'))).toEqual([
      `cluster/crossplane-pipeline ${US}: Composition xpostgresinstances.aws: spec.pipeline[0].functionRef.name: hub cluster host-us-east-1 has no Function "function-patch-and-transform" (pkg.crossplane.io); install it there with this Composition`,
    ]);
    expect(run(without(US, 'Composition'))).toEqual([
      `cluster/crossplane-pipeline ${US}: CompositeResourceDefinition xpostgresinstances.platform.acme.io: spec.names.kind: hub cluster host-us-east-1 has no Composition for platform.acme.io/XPostgresInstance; its claims would never be composed`,
    ]);
  });
});

test('every Crossplane object synth writes validates against its pinned CRD schema (all but the family provider\'s ProviderConfig, whose CRD is not pinned)', () => {
  const objects = plan.files.filter((f) => f.path.startsWith('crossplane/')).flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS()));
  const unchecked = objects.filter((o) => !hasCustomResourceSchema(o.apiVersion, o.kind)).map((o) => `${o.apiVersion} ${o.kind}`);
  expect([...new Set(unchecked)]).toEqual(['aws.upbound.io/v1beta1 ProviderConfig']);
  for (const o of objects.filter((x) => hasCustomResourceSchema(x.apiVersion, x.kind))) expect([o.kind, validateCustomResource(o)]).toEqual([o.kind, []]);
  // The Composition's bases against the provider's CRDs (schema-only imports), as Crossplane will apply them (patches add required fields).
  const composition = objects.find((o) => o.kind === 'Composition');
  for (const r of composition.spec.pipeline[0].input.resources) {
    expect([r.name, validateCustomResource(r.base).filter((f) => !/required/.test(f.message))]).toEqual([r.name, []]);
  }
});
