/**
 * An app's database, end to end on the frozen example (issue 12): incident-assistant-backend asks for
 * `database: { engine: 'postgres', version: '16', size: 'small' }`. Synth emits its claim on the
 * region's host wherever the app runs, the vcluster copies the claim's Secret into the app's namespace,
 * and the Deployment reads every DB_* variable from it.
 */
import { parseAllDocuments } from 'yaml';
import {
  CONNECTION_KEYS, ConfigError, connectionSecretName, databaseClaimFile, databaseNamespace, databasesAppFile, definePlatform, instanceFile, PlatformSpec,
} from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const paths = plan.files.map((f) => f.path);
const docs = (path: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === path)!.content).map((d) => d.toJS());
const APP = 'incident-assistant-backend';
const running = plan.resolved.instances.filter((i) => i.app === APP);

test('the database is emitted in every env/region where the app runs, and nowhere else', () => {
  expect(running.map((i) => `${i.env}/${i.region}`)).toEqual(['dev/us-east-1', 'staging/us-east-1', 'prod/us-east-1']);
  // prod/eu-west-1 is in the app's envs but has no release there: no instance, no database.
  expect(plan.resolved.notReleased.map((n) => `${n.app} ${n.env}/${n.region}`)).toContain(`${APP} prod/eu-west-1`);
  expect(paths.filter((p) => p.startsWith('databases/'))).toEqual(running.map((i) => databaseClaimFile(i.env, i.region, APP)).sort());
  expect(paths.filter((p) => p.startsWith('argocd/databases/'))).toEqual(running.map((i) => databasesAppFile(i.env, i.region)).sort());
});

test('each claim carries its env\'s profile: dev small and disposable, prod larger, multi-AZ, backed up and orphaned', () => {
  const params = (env: string) => docs(databaseClaimFile(env, 'us-east-1', APP))[0].spec.parameters;
  expect(params('dev')).toEqual({ engineVersion: '16', instanceClass: 'db.t4g.micro', storageGiB: 20, multiAz: false, backupRetentionDays: 1, deletionPolicy: 'Delete' });
  expect(params('prod')).toEqual({ engineVersion: '16', instanceClass: 'db.m7g.large', storageGiB: 100, multiAz: true, backupRetentionDays: 14, deletionPolicy: 'Orphan' });
});

test('the claim\'s Secret reaches the app: claim -> host namespace -> vcluster copy -> the Deployment\'s DB_* variables', () => {
  for (const i of running) {
    const cluster = `${i.env}-${i.region}`;
    const [claim] = docs(databaseClaimFile(i.env, i.region, APP));
    expect([claim.kind, claim.metadata.namespace, claim.spec.writeConnectionSecretToRef]).toEqual(['PostgresInstance', databaseNamespace(cluster), { name: connectionSecretName(APP) }]);
    const [app] = docs(databasesAppFile(i.env, i.region));
    expect(app.spec.destination.namespace).toBe(claim.metadata.namespace);
    expect(app.spec.source.path).toBe(`dist/databases/${i.env}/${i.region}`);
    const vcluster = docs(`argocd/vclusters/${cluster}.yaml`).find((o) => o.kind === 'Application' && o.spec.source.chart === 'vcluster');
    expect(vcluster.spec.source.helm.valuesObject.sync.fromHost.secrets).toEqual({
      enabled: true,
      mappings: { byName: { [`${claim.metadata.namespace}/${connectionSecretName(APP)}`]: `${i.namespace}/${connectionSecretName(APP)}` } },
    });
    const deployment = docs(instanceFile(i.env, i.region, APP)).find((o) => o.kind === 'Deployment');
    const env = deployment.spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef])).toEqual(
      CONNECTION_KEYS.map((k) => [k, { name: connectionSecretName(APP), key: k }]), // non-optional: the pod waits for the Secret
    );
  }
});

test('apps without a database get no claim, no mapping and no DB_* variables', () => {
  const echo = docs(instanceFile('dev', 'us-east-1', 'echo')).find((o) => o.kind === 'Deployment');
  expect(JSON.stringify(echo)).not.toMatch(/DB_|secretKeyRef/);
  expect(paths.some((p) => p.includes('/echo.yaml') && p.startsWith('databases/'))).toBe(false);
});

test('a database in a region whose host has no databases: one line naming envs/platform.ts and the host', () => {
  const spec = JSON.parse(JSON.stringify({ ...exampleInput.platform, hosts: Object.fromEntries(exampleInput.platform.hosts.map(({ name, hub, ...h }) => [name, { ...h, ...(hub ? { hub } : {}) }])) }));
  delete spec.hosts['host-us-east-1'].databases;
  delete spec.managedBy;
  let error: unknown;
  try {
    planSynth({ ...exampleInput, platform: definePlatform(spec as PlatformSpec) });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const ce = error as ConfigError;
  expect([ce.field, ce.reason]).toEqual(['hosts.host-us-east-1.databases', `${APP} needs a database in dev/us-east-1, but host host-us-east-1 has no databases; add databases: { subnetIds, securityGroupIds, subnetCidrs, providerRoleArn }`]);
});
