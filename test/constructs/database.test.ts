import { App, Chart } from 'cdk8s';
import {
  PostgresInstance, PostgresInstanceSpecParametersDeletionPolicy, PostgresInstanceSpecParametersEngineVersion, PostgresInstanceSpecParametersInstanceClass,
} from '../../imports/platform.acme.io';
import { Database } from '../../lib/constructs/database';
import { databaseApi, DatabaseParameters, DELETION_POLICIES, ENGINE_VERSIONS, INSTANCE_CLASSES } from '../../lib/model';
import { databaseXrd } from '../../lib/model/database-platform';
import { validateAgainstSchema, xrdSchemaFor } from '../../lib/policy/schemas';

const PARAMETERS: DatabaseParameters = {
  engine: 'postgres', engineVersion: '16', instanceClass: 'db.t4g.small', storageGiB: 50, multiAz: true, backupRetentionDays: 7, deletionPolicy: 'Orphan',
};

function claimOf(labelDomain: string, parameters: DatabaseParameters = PARAMETERS) {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { disableResourceNameHashes: true });
  new Database(chart, 'db', { api: databaseApi(labelDomain), app: 'orders', namespace: 'db-dev-us-east-1', parameters });
  return chart.toJson()[0];
}

describe('Database', () => {
  it("builds the claim with the spec type generated from the XRD (imports/platform.acme.io), apiVersion from the DatabaseApi it is given", () => {
    const claim = claimOf('db.example.org');
    expect(claim).toEqual({
      apiVersion: 'db.example.org/v1alpha1',
      kind: 'PostgresInstance',
      metadata: { name: 'orders', namespace: 'db-dev-us-east-1' },
      spec: {
        parameters: { engineVersion: '16', instanceClass: 'db.t4g.small', storageGiB: 50, multiAz: true, backupRetentionDays: 7, deletionPolicy: 'Orphan' },
        writeConnectionSecretToRef: { name: 'orders-db' },
      },
    });
    // The generated class carries the import's group (cdk8s.yaml xrdGroup); the construct does not use it.
    expect(PostgresInstance.GVK).toEqual({ apiVersion: 'platform.acme.io/v1alpha1', kind: 'PostgresInstance' });
    const xrd = databaseXrd(databaseApi('db.example.org'));
    expect(validateAgainstSchema(xrdSchemaFor(xrd, claim.apiVersion, claim.kind)!.schema!, claim)).toEqual([]);
  });

  it("the imported enums are the model's lists (imports/ is up to date with the XRD)", () => {
    expect(Object.values(PostgresInstanceSpecParametersEngineVersion)).toEqual([...ENGINE_VERSIONS.postgres]);
    expect(Object.values(PostgresInstanceSpecParametersInstanceClass)).toEqual([...INSTANCE_CLASSES]);
    expect(Object.values(PostgresInstanceSpecParametersDeletionPolicy)).toEqual([...DELETION_POLICIES]);
  });

  it("refuses a value the XRD's schema (the generated enum) does not have, naming the field", () => {
    expect(() => claimOf('platform.acme.io', { ...PARAMETERS, engineVersion: '9' })).toThrow(
      'Database orders: engineVersion: "9" is not in the XRD\'s schema (16); run npm run import',
    );
  });
});
