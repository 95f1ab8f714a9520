import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PostgresInstanceSpec, PostgresInstanceSpecParametersDeletionPolicy, PostgresInstanceSpecParametersEngineVersion,
  PostgresInstanceSpecParametersInstanceClass, toJson_PostgresInstanceSpec,
} from '../../imports/platform.acme.io';
import { connectionSecretName, DatabaseApi, DatabaseParameters } from '../model';

/** Props of {@link Database}. */
export interface DatabaseProps {
  /** The platform's database API (its group and claim kind: `databaseApi(labelDomain)`). */
  readonly api: DatabaseApi;
  /** The app the database belongs to: the claim's name. */
  readonly app: string;
  /** The claim's namespace on the region's host (`databaseNamespace(<env>-<region>)`). */
  readonly namespace: string;
  /** The env-resolved parameters (lib/model/database.ts `databaseParameters`). */
  readonly parameters: DatabaseParameters;
  /** Labels of the claim. @default none */
  readonly labels?: { readonly [key: string]: string };
}

/**
 * An app's database: a `PostgresInstance` claim of the platform's database API (lib/model/database-api.ts),
 * whose connection Secret `<app>-db` (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD) Crossplane writes into
 * the claim's namespace once the RDS instance is ready. The vcluster copies it into the app's namespace
 * (`sync.fromHost.secrets`, lib/model/vcluster-sizing.ts) and the golden app reads each key.
 */
export class Database extends Construct {
  /** The connection Secret's name (in the claim's namespace on the host, and in the app's namespace in the vcluster). */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { api, parameters: p } = props;
    if (p.engine !== 'postgres') throw new Error(`Database ${props.app}: engine: "${p.engine}" has no claim kind; allowed: postgres`);
    this.secretName = connectionSecretName(props.app);
    // The claim's type is generated from the XRD's schema (imports/platform.acme.io: `npm run import` runs cdk8s
    // import on the claim CRD Crossplane makes of lib/model/database-platform.ts databaseXrd); its enums are the
    // model's lists, so each value is one of them unless imports/ is stale.
    const what = `Database ${props.app}`;
    const spec: PostgresInstanceSpec = {
      parameters: {
        engineVersion: member(PostgresInstanceSpecParametersEngineVersion, p.engineVersion, `${what}: engineVersion`),
        instanceClass: member(PostgresInstanceSpecParametersInstanceClass, p.instanceClass, `${what}: instanceClass`),
        storageGiB: p.storageGiB,
        multiAz: p.multiAz,
        backupRetentionDays: p.backupRetentionDays,
        deletionPolicy: member(PostgresInstanceSpecParametersDeletionPolicy, p.deletionPolicy, `${what}: deletionPolicy`),
      },
      writeConnectionSecretToRef: { name: this.secretName },
    };
    // apiVersion from the DatabaseApi (the platform's labelDomain), not the generated class's GVK (the import's group).
    new ApiObject(this, 'claim', {
      apiVersion: api.apiVersion,
      kind: api.claimKind,
      metadata: { name: props.app, namespace: props.namespace, ...(props.labels ? { labels: { ...props.labels } } : {}) },
      spec: toJson_PostgresInstanceSpec(spec),
    });
  }
}

/** The member of a generated string enum whose value is `value`; an Error naming `what` when none is (a stale imports/). */
function member<E extends Record<string, string>>(e: E, value: string, what: string): E[keyof E] {
  const found = Object.values(e).find((v) => v === value);
  if (found === undefined) throw new Error(`${what}: "${value}" is not in the XRD's schema (${Object.values(e).join(', ')}); run npm run import`);
  return found as E[keyof E];
}
