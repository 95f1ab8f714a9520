/**
 * Databases in the model: the app's `database` (defineApp), the env's `database` profile
 * (defineEnvironment), and the claim's parameters resolve() gives each instance. Bad inputs are built loosely and cast with `as never` (they are compile errors
 * too); each must fail with the one line a user reads: this file, the field, what is allowed.
 */
import {
  AppInstance, ConfigError, DATABASE_ENGINES, DatabaseParameters, DEFAULT_ENGINE_VERSION, defineApp, defineEnvironment, ENGINE_VERSIONS,
  EnvironmentDefinition, INSTANCE_CLASSES, registerApps, registerEnvironments, resolve, ResolveInput, TagPatterns,
} from '../../lib/model';
import { exampleInput } from '../support/example';
import { configError } from '../support/fixtures';

const BASE_APP = {
  name: 'ledger',
  team: 'payments',
  image: 'ghcr.io/acme/ledger',
  port: 8080,
  health: { liveness: '/healthz', readiness: '/readyz' },
};

const SIZES = {
  small: { instanceClass: 'db.t4g.micro', storageGiB: 20 },
  medium: { instanceClass: 'db.t4g.small', storageGiB: 50 },
  large: { instanceClass: 'db.t4g.medium', storageGiB: 100 },
};

const BASE_ENV = {
  name: 'dev',
  regions: { 'us-east-1': {} },
  profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug' },
  sync: { automated: true },
  ingress: { domain: 'dev.acme.io' },
  tags: { allow: [TagPatterns.gitSha] },
};

const apps = registerApps(defineApp(BASE_APP));

/** The message of the error defining an app with this `database` throws (the CLI prints it with the line). */
function appError(database: unknown): string {
  return configError(() => defineApp({ ...BASE_APP, database } as never)).message;
}

/** The message of the error defining an env with this `database` profile throws. */
function envError(database: unknown): string {
  return configError(() => defineEnvironment(apps, { ...BASE_ENV, database } as never)).message;
}

const at = (field: string, reason: string) => `${__filename}: ${field}: ${reason}`;

describe("an app's database", () => {
  test('engine, version, size and storage are accepted; only the engine is required', () => {
    expect(defineApp({ ...BASE_APP, database: { engine: 'postgres' } }).database).toEqual({ engine: 'postgres' });
    const full = { engine: 'postgres', version: '16', size: 'large', storageGiB: 1024 } as const;
    expect(defineApp({ ...BASE_APP, database: full }).database).toEqual(full);
  });

  test('the default version of every engine is one the platform offers', () => {
    for (const engine of DATABASE_ENGINES) expect(ENGINE_VERSIONS[engine]).toContain(DEFAULT_ENGINE_VERSION[engine]);
  });

  test('an unknown size names the sizes', () => {
    expect(appError({ engine: 'postgres', size: 'huge' })).toBe(at('database.size', 'must be one of small, medium, large, got "huge"'));
  });

  test('a version the platform does not offer names the offered ones', () => {
    expect(appError({ engine: 'postgres', version: '15' })).toBe(at('database.version', '"15" is not offered for postgres; allowed: 16'));
    expect(appError({ engine: 'postgres', version: 16 })).toBe(at('database.version', 'must be a non-empty string, got number 16'));
  });

  test('storage outside the platform range is refused with the range', () => {
    expect(appError({ engine: 'postgres', storageGiB: 10 })).toBe(at('database.storageGiB', 'must be an integer from 20 to 1024, got number 10'));
    expect(appError({ engine: 'postgres', storageGiB: 2048 })).toBe(at('database.storageGiB', 'must be an integer from 20 to 1024, got number 2048'));
  });

  test('an unknown engine, and a missing one, name the engines', () => {
    expect(appError({ engine: 'mysql' })).toBe(at('database.engine', 'must be one of postgres, got "mysql"'));
    expect(appError({ size: 'small' })).toBe(at('database.engine', 'must be one of postgres, got nothing'));
  });

  test('a misspelled key gets a did-you-mean', () => {
    expect(appError({ engine: 'postgres', sise: 'small' }))
      .toBe(at('database.sise', 'unknown key (did you mean "size"?); allowed: engine, version, size, storageGiB'));
  });
});

describe("an environment's database profile", () => {
  test('is optional; when present it keeps what was written', () => {
    expect(defineEnvironment(apps, BASE_ENV as never).database).toBeUndefined();
    const profile = { sizes: SIZES, multiAz: true, backupRetentionDays: 14, deletionPolicy: 'Orphan' };
    expect(defineEnvironment(apps, { ...BASE_ENV, database: profile } as never).database).toEqual(profile);
    expect(defineEnvironment(apps, { ...BASE_ENV, database: { sizes: SIZES } } as never).database).toEqual({ sizes: SIZES });
  });

  test('every size is required', () => {
    const { large: _large, ...twoSizes } = SIZES;
    expect(envError({ sizes: twoSizes }))
      .toBe(at('database.sizes.large', 'is required: every size (small, medium, large) needs { instanceClass, storageGiB }'));
    expect(envError({ multiAz: true }))
      .toBe(at('database.sizes', 'is required: map every size (small, medium, large) to { instanceClass, storageGiB }'));
  });

  test('an instance class not in the list names the allowed classes', () => {
    expect(envError({ sizes: { ...SIZES, medium: { instanceClass: 'db.t3.micro', storageGiB: 20 } } }))
      .toBe(at('database.sizes.medium.instanceClass', `must be one of ${INSTANCE_CLASSES.join(', ')}, got "db.t3.micro"`));
  });

  test('storage outside the platform range is refused with the range', () => {
    expect(envError({ sizes: { ...SIZES, large: { instanceClass: 'db.m7g.large', storageGiB: 4096 } } }))
      .toBe(at('database.sizes.large.storageGiB', 'must be an integer from 20 to 1024, got number 4096'));
  });

  test('backups, multi-AZ and the deletion policy are checked', () => {
    expect(envError({ sizes: SIZES, backupRetentionDays: 36 }))
      .toBe(at('database.backupRetentionDays', 'must be an integer from 0 to 35, got number 36'));
    expect(envError({ sizes: SIZES, multiAz: 'yes' })).toBe(at('database.multiAz', 'must be true or false, got "yes"'));
    expect(envError({ sizes: SIZES, deletionPolicy: 'Retain' }))
      .toBe(at('database.deletionPolicy', 'must be one of Delete, Orphan, got "Retain"'));
  });

  test('misspelled keys get a did-you-mean, at every level', () => {
    expect(envError({ size: SIZES })).toBe(at('database.size', 'unknown key (did you mean "sizes"?); allowed: sizes, multiAz, backupRetentionDays, deletionPolicy'));
    expect(envError({ sizes: { ...SIZES, smal: SIZES.small } })).toBe(at('database.sizes.smal', 'unknown key (did you mean "small"?); allowed: small, medium, large'));
    expect(envError({ sizes: { ...SIZES, small: { instanceClas: 'db.t4g.micro', storageGiB: 20 } } }))
      .toBe(at('database.sizes.small.instanceClas', 'unknown key (did you mean "instanceClass"?); allowed: instanceClass, storageGiB'));
  });

  test('a misspelled top-level key names "database"', () => {
    const err: ConfigError = configError(() => defineEnvironment(apps, { ...BASE_ENV, databse: { sizes: SIZES } } as never));
    expect(err.field).toBe('databse');
    expect(err.reason).toMatch(/^unknown key \(did you mean "database"\?\)/);
  });
});

/** `env/region/app` -> the instance's database, for every instance. */
function databases(input: ResolveInput): Record<string, DatabaseParameters | undefined> {
  const key = (i: AppInstance) => `${i.env}/${i.region}/${i.app}`;
  return Object.fromEntries(resolve(input).instances.map((i) => [key(i), i.database]));
}

/** The example's env `name`, defined again (in this file) with `database` replaced (undefined: removed). */
function exampleEnvWith(name: string, database: unknown): EnvironmentDefinition {
  const { regionNames: _regionNames, database: _database, ...spec } = exampleInput.envs[name];
  return defineEnvironment(exampleInput.apps, { ...spec, ...(database === undefined ? {} : { database }) } as never);
}

describe('resolve(): the database of each instance (the example repository)', () => {
  const backend = 'incident-assistant-backend';

  test('each env/region where the app is deployed gets its env\'s parameters; nowhere else', () => {
    const dbs = databases(exampleInput);
    const postgres16 = { engine: 'postgres', engineVersion: '16' } as const;
    expect(dbs[`dev/us-east-1/${backend}`]).toEqual({
      ...postgres16, instanceClass: 'db.t4g.micro', storageGiB: 20, multiAz: false, backupRetentionDays: 1, deletionPolicy: 'Delete',
    });
    expect(dbs[`staging/us-east-1/${backend}`]).toEqual({
      ...postgres16, instanceClass: 'db.t4g.small', storageGiB: 20, multiAz: false, backupRetentionDays: 7, deletionPolicy: 'Delete',
    });
    expect(dbs[`prod/us-east-1/${backend}`]).toEqual({
      ...postgres16, instanceClass: 'db.m7g.large', storageGiB: 100, multiAz: true, backupRetentionDays: 14, deletionPolicy: 'Orphan',
    });
    // Not released in prod/eu-west-1: no instance, so no database there.
    expect(Object.keys(dbs)).not.toContain(`prod/eu-west-1/${backend}`);
    // Only the app that asks for a database has one.
    expect(Object.entries(dbs).filter(([, db]) => db).map(([k]) => k))
      .toEqual([`dev/us-east-1/${backend}`, `staging/us-east-1/${backend}`, `prod/us-east-1/${backend}`]);
  });

  test('the app\'s size picks the env\'s class and storage; its storageGiB wins; the profile\'s defaults fill the rest', () => {
    const app = defineApp({ ...BASE_APP, database: { engine: 'postgres', size: 'medium', storageGiB: 64 } });
    const plain = defineApp({ ...BASE_APP, name: 'plain', database: { engine: 'postgres' } });
    const twoApps = registerApps(app, plain);
    const env = defineEnvironment(twoApps, { ...BASE_ENV, database: { sizes: SIZES } } as never);
    const dbs = databases({
      // Without the example's notifications: their team channels name teams these apps do not have.
      ...exampleInput, platform: { ...exampleInput.platform, notifications: undefined }, apps: twoApps, envs: registerEnvironments(env), secrets: {},
      releases: { ledger: { dev: { tag: 'abcdef0' } }, plain: { dev: { tag: 'abcdef0' } } },
    });
    const defaults = { multiAz: false, backupRetentionDays: 7, deletionPolicy: 'Orphan' };
    expect(dbs['dev/us-east-1/ledger']).toEqual({ engine: 'postgres', engineVersion: '16', instanceClass: 'db.t4g.small', storageGiB: 64, ...defaults });
    expect(dbs['dev/us-east-1/plain']).toEqual({ engine: 'postgres', engineVersion: '16', instanceClass: 'db.t4g.micro', storageGiB: 20, ...defaults });
  });

  test('an env without a profile that runs an app with a database is refused: the env file, the field, the app, what to add', () => {
    const { dev, prod } = exampleInput.envs;
    const envs = registerEnvironments(dev, exampleEnvWith('staging', undefined), prod);
    expect(configError(() => resolve({ ...exampleInput, envs })).message).toBe(at('database',
      `${backend} needs a database in staging/us-east-1, but staging has no database profile; add database: { sizes: { small, medium, large } } `
      + '(each size { instanceClass, storageGiB }; optional: multiAz, backupRetentionDays, deletionPolicy)'));
  });

  test('an env without a profile is fine while no app with a database is deployed there', () => {
    const { dev, staging } = exampleInput.envs;
    const envs = registerEnvironments(dev, staging, exampleEnvWith('prod', undefined));
    const { [backend]: { prod: _prod, ...backendReleases }, ...releases } = exampleInput.releases as Record<string, Record<string, unknown>>;
    const dbs = databases({ ...exampleInput, envs, releases: { ...releases, [backend]: backendReleases } as never });
    expect(Object.keys(dbs).filter((k) => k.startsWith('prod/') && dbs[k])).toEqual([]);
    expect(dbs[`dev/us-east-1/${backend}`]?.instanceClass).toBe('db.t4g.micro');
  });
});
