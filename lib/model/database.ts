import { Checker } from './check';
import { joinPath } from './errors';
import {
  BACKUP_RETENTION_DAYS, DATABASE_ENGINES, DATABASE_SIZES, DatabaseEngine, DatabaseParameters, DatabaseSize, DELETION_POLICIES,
  DeletionPolicy, ENGINE_VERSIONS, INSTANCE_CLASSES, InstanceClass, STORAGE_GIB,
} from './database-api';

/**
 * The model side of an app's database (pure): what an app asks for (`database` in apps/<app>.ts),
 * what an environment offers (`database` in envs/<env>.ts), and the claim's parameters resolved from
 * both. The allow-lists and ranges live in database-api.ts; this file only applies them.
 */

/** A database the app needs: one per app instance, provisioned on its region's host (a Crossplane claim). */
export interface DatabaseSpec {
  /** The engine. */
  readonly engine: DatabaseEngine;
  /**
   * Major version; one the platform offers for the engine (`ENGINE_VERSIONS`).
   * @default '16' (DEFAULT_ENGINE_VERSION)
   */
  readonly version?: string;
  /**
   * Size: each environment maps it to an instance class and a storage size (`database.sizes` in envs/<env>.ts).
   * @default 'small'
   */
  readonly size?: DatabaseSize;
  /**
   * Allocated storage in GiB, in every environment, instead of the env's storage for the size
   * (from 20 to 1024: `STORAGE_GIB`).
   * @default the env's `database.sizes.<size>.storageGiB`
   */
  readonly storageGiB?: number;
}

/** What one size is in an environment. */
export interface DatabaseSizeProfile {
  /** RDS instance class, one of `INSTANCE_CLASSES` (e.g. `db.t4g.micro`). */
  readonly instanceClass: InstanceClass;
  /** Allocated storage in GiB (from 20 to 1024: `STORAGE_GIB`), unless the app sets its own. */
  readonly storageGiB: number;
}

/** How an environment provisions the databases its apps ask for. */
export interface DatabaseProfile {
  /** Every size an app may ask for (small, medium, large), mapped to an instance class and storage. */
  readonly sizes: { readonly [S in DatabaseSize]: DatabaseSizeProfile };
  /**
   * A standby in a second availability zone (doubles the instance cost).
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Days of automated backups (0 turns them off; at most 35).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * What happens to the RDS instance when its claim is deleted: `Orphan` keeps it (and its data),
   * `Delete` deletes it.
   * @default 'Orphan'
   */
  readonly deletionPolicy?: DeletionPolicy;
}

/** The version an app gets when it names none. Pinned, not "the newest offered": offering a new major must not upgrade anyone. */
export const DEFAULT_ENGINE_VERSION: { readonly [E in DatabaseEngine]: string } = { postgres: '16' };
/** The size an app gets when it names none. */
export const DEFAULT_DATABASE_SIZE: DatabaseSize = 'small';
/** The env profile's defaults (see DatabaseProfile): safe for data (backups on, claims orphan their instance), single-AZ. */
export const DATABASE_PROFILE_DEFAULTS = {
  multiAz: false,
  backupRetentionDays: 7,
  deletionPolicy: 'Orphan',
} as const satisfies Required<Omit<DatabaseProfile, 'sizes'>>;

const SPEC_KEYS = ['engine', 'version', 'size', 'storageGiB'] as const;
const PROFILE_KEYS = ['sizes', 'multiAz', 'backupRetentionDays', 'deletionPolicy'] as const;
const SIZE_KEYS = ['instanceClass', 'storageGiB'] as const;

/** Runtime validation of an app's `database` at `path`. */
export function checkDatabaseSpec(c: Checker, value: unknown, path: string): void {
  const d = c.object(value, path);
  c.keys(d, path, SPEC_KEYS);
  const engine = c.oneOf(d.engine, joinPath(path, 'engine'), DATABASE_ENGINES);
  if (d.version !== undefined) {
    const p = joinPath(path, 'version');
    const version = c.string(d.version, p);
    const offered = ENGINE_VERSIONS[engine];
    if (!offered.includes(version)) c.fail(p, `"${version}" is not offered for ${engine}; allowed: ${offered.join(', ')}`);
  }
  if (d.size !== undefined) c.oneOf(d.size, joinPath(path, 'size'), DATABASE_SIZES);
  c.optionalInteger(d.storageGiB, joinPath(path, 'storageGiB'), STORAGE_GIB.min, STORAGE_GIB.max);
}

/** Runtime validation of an environment's `database` profile at `path`. */
export function checkDatabaseProfile(c: Checker, value: unknown, path: string): void {
  const d = c.object(value, path);
  c.keys(d, path, PROFILE_KEYS);
  const sizesPath = joinPath(path, 'sizes');
  if (d.sizes === undefined) c.fail(sizesPath, `is required: map every size (${DATABASE_SIZES.join(', ')}) to { instanceClass, storageGiB }`);
  const sizes = c.object(d.sizes, sizesPath);
  c.keys(sizes, sizesPath, DATABASE_SIZES);
  for (const size of DATABASE_SIZES) {
    const p = joinPath(sizesPath, size);
    if (sizes[size] === undefined) c.fail(p, `is required: every size (${DATABASE_SIZES.join(', ')}) needs { instanceClass, storageGiB }`);
    const s = c.object(sizes[size], p);
    c.keys(s, p, SIZE_KEYS);
    c.oneOf(s.instanceClass, joinPath(p, 'instanceClass'), INSTANCE_CLASSES);
    c.integer(s.storageGiB, joinPath(p, 'storageGiB'), STORAGE_GIB.min, STORAGE_GIB.max);
  }
  c.optionalBoolean(d.multiAz, joinPath(path, 'multiAz'));
  c.optionalInteger(d.backupRetentionDays, joinPath(path, 'backupRetentionDays'), BACKUP_RETENTION_DAYS.min, BACKUP_RETENTION_DAYS.max);
  if (d.deletionPolicy !== undefined) c.oneOf(d.deletionPolicy, joinPath(path, 'deletionPolicy'), DELETION_POLICIES);
}

/** The claim's parameters for an app's database in an environment: the app's engine, version and size, the env's mapping and policies. */
export function databaseParameters(spec: DatabaseSpec, profile: DatabaseProfile): DatabaseParameters {
  const size = profile.sizes[spec.size ?? DEFAULT_DATABASE_SIZE];
  return {
    engine: spec.engine,
    engineVersion: spec.version ?? DEFAULT_ENGINE_VERSION[spec.engine],
    instanceClass: size.instanceClass,
    storageGiB: spec.storageGiB ?? size.storageGiB,
    multiAz: profile.multiAz ?? DATABASE_PROFILE_DEFAULTS.multiAz,
    backupRetentionDays: profile.backupRetentionDays ?? DATABASE_PROFILE_DEFAULTS.backupRetentionDays,
    deletionPolicy: profile.deletionPolicy ?? DATABASE_PROFILE_DEFAULTS.deletionPolicy,
  };
}

/** Why an env without a `database` profile cannot run an app that needs a database (the ConfigError's reason, at field `database`). */
export function missingDatabaseProfile(app: string, env: string, region: string): string {
  const optional = PROFILE_KEYS.filter((k) => k !== 'sizes');
  return `${app} needs a database in ${env}/${region}, but ${env} has no database profile; add `
    + `database: { sizes: { ${DATABASE_SIZES.join(', ')} } } (each size { ${SIZE_KEYS.join(', ')} }; optional: ${optional.join(', ')})`;
}

/** Why a region whose host has no `databases` (envs/platform.ts) cannot run an app that needs a database. */
export function missingHostDatabases(app: string, env: string, region: string, host: string | undefined): string {
  const add = 'databases: { subnetIds, securityGroupIds, subnetCidrs, providerRoleArn }';
  return host
    ? `${app} needs a database in ${env}/${region}, but host ${host} has no databases; add ${add}`
    : `${app} needs a database in ${env}/${region}, and databases are created on the region's host cluster; declare a host for ${region} with ${add}`;
}
