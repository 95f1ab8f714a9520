/**
 * The platform's database API (pure): what an app's `database` becomes on its region's host cluster.
 * One home for the allow-lists, the claim's parameters and the connection keys; the XRD's schema, the
 * Composition and the claims are built from these (docs/architecture.md, "Databases").
 *
 * Form: a Crossplane v1 CompositeResourceDefinition (scope LegacyCluster) with a namespaced claim,
 * composing the cluster-scoped provider-upjet-aws `rds.aws.upbound.io` Instance (storage version
 * v1beta3) and SubnetGroup, through function-patch-and-transform in Pipeline mode. Crossplane v2.3.4
 * still serves the v1 XRD (deprecated) and publishes a legacy XR's connection details into the claim's
 * namespace once the XR is Ready (crossplane@v2.3.4 internal/controller/apiextensions/claim/connection.go);
 * a v2 namespaced XR would have to compose the namespaced `rds.aws.m.upbound.io` group, whose CRDs are
 * not in the pinned set we validate against. See docs/architecture.md for the trade-off.
 */

/** The engines an app may ask for. */
export const DATABASE_ENGINES = ['postgres'] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/**
 * Major versions the platform offers, per engine. RDS takes a major version as `engineVersion` when
 * minor upgrades are automatic (provider-upjet-aws v2.6.0, Instance `engineVersion`: "If
 * `autoMinorVersionUpgrade` is enabled, you can provide a prefix of the version such as 8.0").
 */
export const ENGINE_VERSIONS: { readonly [E in DatabaseEngine]: readonly string[] } = { postgres: ['16'] };

/** The RDS instance classes an env may map a size to (Graviton burstable and general purpose). */
export const INSTANCE_CLASSES = [
  'db.t4g.micro', 'db.t4g.small', 'db.t4g.medium', 'db.t4g.large',
  'db.m7g.large', 'db.m7g.xlarge', 'db.m7g.2xlarge',
  'db.r7g.large', 'db.r7g.xlarge', 'db.r7g.2xlarge',
] as const;
export type InstanceClass = (typeof INSTANCE_CLASSES)[number];

/** The sizes an app may ask for; each env maps them to an instance class and a storage size. */
export const DATABASE_SIZES = ['small', 'medium', 'large'] as const;
export type DatabaseSize = (typeof DATABASE_SIZES)[number];

/** Allocated storage (GiB): RDS gp3 starts at 20 GiB; the platform caps at 1 TiB (above, ask the platform team). */
export const STORAGE_GIB = { min: 20, max: 1024 } as const;
/** Automated backup retention (days): 0 turns backups off; RDS allows up to 35. */
export const BACKUP_RETENTION_DAYS = { min: 0, max: 35 } as const;
/** What happens to the RDS instance when its claim is deleted (the managed resource's `deletionPolicy`). */
export const DELETION_POLICIES = ['Delete', 'Orphan'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

/**
 * The connection Secret's keys, as the app's environment variables: the claim's Secret holds exactly
 * these (the XRD's `connectionSecretKeys`), mapped in the Composition from the RDS Instance's own
 * connection secret (provider-upjet-aws v2.6.0 config/cluster/rds/config.go: `address`, `port`,
 * `username`, `password`) and its `dbName`.
 */
export const CONNECTION_KEYS = ['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD'] as const;
export type ConnectionKey = (typeof CONNECTION_KEYS)[number];

/** The port each engine listens on (RDS defaults; the Composition does not change it). */
export const DATABASE_PORTS: { readonly [E in DatabaseEngine]: number } = { postgres: 5432 };

/** What a claim asks for: the app's engine and version, the env's size mapping and policies, resolved. */
export interface DatabaseParameters {
  readonly engine: DatabaseEngine;
  readonly engineVersion: string;
  readonly instanceClass: InstanceClass;
  readonly storageGiB: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly deletionPolicy: DeletionPolicy;
}

/** The API's names, under the platform's label domain (e.g. `platform.acme.io`). */
export function databaseApi(labelDomain: string) {
  const group = labelDomain;
  return {
    group,
    version: 'v1alpha1',
    /** The composite (cluster-scoped) kind and the claim (namespaced) kind. */
    kind: 'XPostgresInstance',
    plural: 'xpostgresinstances',
    claimKind: 'PostgresInstance',
    claimPlural: 'postgresinstances',
    /** The XRD's name: `<plural>.<group>`. */
    xrdName: `xpostgresinstances.${group}`,
    apiVersion: `${group}/v1alpha1`,
  } as const;
}
export type DatabaseApi = ReturnType<typeof databaseApi>;

/** The claim's Secret in the claim's namespace on the host: `<app>-db`. */
export const connectionSecretName = (app: string): string => `${app}-db`;

/** The namespace of an env/region's claims on its host: `db-<env>-<region>`. */
export const databaseNamespace = (cluster: string): string => `db-${cluster}`;
