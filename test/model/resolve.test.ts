import * as path from 'node:path';
import {
  AnyReleases, AppInstance, AppRegistry, ConfigError, defineApp, defineEnvironment, EnvironmentRegistry, InstanceSettings,
  registerApps, registerEnvironments, resolve, ResolveResult, TagPatterns,
} from '../../lib/model';
import { app, configError, DIGEST_A, DIGEST_B, envsFor, platform } from '../support/fixtures';

/** The file the fixtures' definers run in (apps and envs made by `app()` / `envsFor()` are "defined" there). */
const FIXTURES = path.resolve(__dirname, '..', 'support', 'fixtures.ts');


function run(apps: AppRegistry, envs: EnvironmentRegistry, releases: AnyReleases, releasesFile?: string): ResolveResult {
  return resolve({ platform, apps, envs, releases, ...(releasesFile ? { releasesFile } : {}) });
}

const key = (i: { env: string; region: string; app: string }) => `${i.env}/${i.region}/${i.app}`;

function find(result: ResolveResult, appName: string, env: string, region: string): AppInstance {
  const found = result.instances.find((i) => i.app === appName && i.env === env && i.region === region);
  if (!found) throw new Error(`no instance ${env}/${region}/${appName}; have: ${result.instances.map(key).join(', ')}`);
  return found;
}

/**
 * One app `svc` in one env `dev` with regions us-east-1 and eu-west-1, each layer given separately.
 * `region` is the override for us-east-1 only, so eu-west-1 shows the result without it.
 */
interface Layers {
  app?: InstanceSettings;
  profile?: InstanceSettings;
  override?: InstanceSettings;
  region?: InstanceSettings;
  regions?: Record<string, { ingressDomain?: string }>;
}

function layered(l: Layers): { us: AppInstance; eu: AppInstance } {
  const svc = app('svc', (l.app ?? {}) as never);
  const apps = registerApps(svc);
  const env = defineEnvironment(apps, {
    name: 'dev',
    regions: l.regions ?? { 'us-east-1': {}, 'eu-west-1': {} },
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug', ...l.profile },
    sync: { automated: true },
    ingress: { domain: 'dev.test.io' },
    tags: { allow: [TagPatterns.gitSha] },
    apps: { svc: { ...l.override, ...(l.region ? { regions: { 'us-east-1': l.region } } : {}) } },
  } as never);
  const result = run(apps, registerEnvironments(env), { svc: { dev: { tag: 'abcdef0' } } });
  return { us: find(result, 'svc', 'dev', 'us-east-1'), eu: find(result, 'svc', 'dev', 'eu-west-1') };
}

describe('resolve(): merge order golden <- app <- profile <- env override <- region override', () => {
  test('replicas: the profile wins over the app, the override over the profile, the region over the override', () => {
    expect(layered({ app: { replicas: 5 } }).us.replicas).toBe(1);
    expect(layered({ app: { replicas: 5 }, profile: { replicas: 2 } }).us.replicas).toBe(2);
    const r = layered({ app: { replicas: 5 }, profile: { replicas: 2 }, override: { replicas: 3 }, region: { replicas: 4 } });
    expect(r.us.replicas).toBe(4);
    expect(r.eu.replicas).toBe(3);
  });

  test('replicas 0 in a later layer wins (it is a value, not "unset")', () => {
    expect(layered({ override: { replicas: 2 }, region: { replicas: 0 } }).us.replicas).toBe(0);
  });

  test('resources: each layer replaces cpu or memory as a whole, keeping the other', () => {
    const base = layered({ app: { resources: { cpu: '2', memory: '2Gi' } } }).us.resources;
    expect(base).toEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '200m', memory: '256Mi' } });

    const r = layered({
      override: { resources: { cpu: { request: '300m', limit: '600m' } } },
      region: { resources: { memory: { request: '1Gi', limit: '2Gi' } } },
    });
    expect(r.eu.resources).toEqual({ requests: { cpu: '300m', memory: '256Mi' }, limits: { cpu: '600m', memory: '256Mi' } });
    expect(r.us.resources).toEqual({ requests: { cpu: '300m', memory: '1Gi' }, limits: { cpu: '600m', memory: '2Gi' } });
  });

  test('config: keys merge, each layer winning for the keys it sets', () => {
    const r = layered({
      app: { config: { A: 'app', B: 'app', C: 'app', D: 'app' } },
      profile: { config: { B: 'profile', C: 'profile', D: 'profile' } },
      override: { config: { C: 'override', D: 'override' } },
      region: { config: { D: 'region', E: 'region' } },
    });
    expect(r.us.config).toMatchObject({ A: 'app', B: 'profile', C: 'override', D: 'region', E: 'region' });
    expect(r.eu.config).toMatchObject({ A: 'app', B: 'profile', C: 'override', D: 'override' });
    expect(r.eu.config).not.toHaveProperty('E');
  });

  test('config also carries APP_NAME, APP_ENV, APP_REGION and LOG_LEVEL, keys sorted', () => {
    const { us } = layered({ app: { config: { ZED: 'z', ALPHA: 'a' } } });
    expect(us.config).toEqual({ ALPHA: 'a', APP_ENV: 'dev', APP_NAME: 'svc', APP_REGION: 'us-east-1', LOG_LEVEL: 'debug', ZED: 'z' });
    expect(Object.keys(us.config)).toEqual([...Object.keys(us.config)].sort());
  });

  test('featureFlags: flags merge per layer and render as FEATURE_<UPPER_SNAKE> = "true"/"false"', () => {
    const r = layered({
      app: { featureFlags: { newCheckout: true, darkMode: true, betaSearch: false } },
      profile: { featureFlags: { darkMode: false } },
      override: { featureFlags: { betaSearch: true, fastPath: true } },
      region: { featureFlags: { fastPath: false } },
    });
    expect(r.us.config).toMatchObject({
      FEATURE_NEW_CHECKOUT: 'true',
      FEATURE_DARK_MODE: 'false',
      FEATURE_BETA_SEARCH: 'true',
      FEATURE_FAST_PATH: 'false',
    });
    expect(r.eu.config.FEATURE_FAST_PATH).toBe('true');
  });

  test('feature flag names in snake case render the same way', () => {
    expect(layered({ app: { featureFlags: { new_checkout: true } } }).us.config.FEATURE_NEW_CHECKOUT).toBe('true');
  });

  test('two feature flags that render to the same key are refused, naming the later flag', () => {
    const e = configError(() => layered({ app: { featureFlags: { newCheckout: true } }, override: { featureFlags: { new_checkout: false } } }));
    expect(e.field).toBe('apps.svc.featureFlags.new_checkout');
    expect(e.reason).toMatch(/both become FEATURE_NEW_CHECKOUT/);
  });

  test('logLevel: rendered as LOG_LEVEL, the profile winning over the app, then override, then region', () => {
    expect(layered({ app: { logLevel: 'error' } }).us.config.LOG_LEVEL).toBe('debug');
    expect(layered({ profile: { logLevel: 'info' } }).us.config.LOG_LEVEL).toBe('info');
    const r = layered({ override: { logLevel: 'warn' }, region: { logLevel: 'error' } });
    expect(r.us.config.LOG_LEVEL).toBe('error');
    expect(r.eu.config.LOG_LEVEL).toBe('warn');
  });

  test('autoscaling: off by default; on from the app, with minReplicas defaulting to the replicas and cpu to 70', () => {
    expect(layered({}).us.autoscaling).toBeUndefined();
    const r = layered({ app: { autoscaling: { maxReplicas: 6 } }, override: { replicas: 2 }, region: { replicas: 4 } });
    expect(r.us.autoscaling).toEqual({ minReplicas: 4, maxReplicas: 6, cpuUtilization: 70 });
    expect(r.eu.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 });
  });

  test('autoscaling: objects merge key by key across the layers', () => {
    const r = layered({
      app: { autoscaling: { maxReplicas: 6, cpuUtilization: 80 } },
      profile: { autoscaling: { cpuUtilization: 50 } },
      override: { autoscaling: { maxReplicas: 10 } },
      region: { autoscaling: { minReplicas: 3 } },
    });
    expect(r.us.autoscaling).toEqual({ minReplicas: 3, maxReplicas: 10, cpuUtilization: 50 });
    expect(r.eu.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 10, cpuUtilization: 50 });
  });

  test('autoscaling: false switches it off; a later object switches it on again from scratch', () => {
    expect(layered({ app: { autoscaling: { maxReplicas: 6 } }, profile: { autoscaling: false } }).us.autoscaling).toBeUndefined();
    const r = layered({
      app: { autoscaling: { maxReplicas: 6, cpuUtilization: 80 } },
      override: { autoscaling: false },
      region: { autoscaling: { maxReplicas: 4 } },
    });
    expect(r.eu.autoscaling).toBeUndefined();
    expect(r.us.autoscaling).toEqual({ minReplicas: 1, maxReplicas: 4, cpuUtilization: 70 });
  });

  test('expose: off by default (golden), true exposes as <app>.<env ingress domain>', () => {
    expect(layered({}).us.ingress).toBeUndefined();
    expect(layered({ app: { expose: true } }).us.ingress).toEqual({
      host: 'svc.dev.test.io', path: '/', className: 'nginx', tlsSecretName: 'svc-tls',
    });
  });

  test('expose: objects merge (subdomain from the app, path from the override); false in a region hides it there', () => {
    const r = layered({ app: { expose: { subdomain: 'books' } }, override: { expose: { path: '/api' } }, region: { expose: false } });
    expect(r.us.ingress).toBeUndefined();
    expect(r.eu.ingress).toMatchObject({ host: 'books.dev.test.io', path: '/api' });
  });

  test('expose: true in a later layer keeps the subdomain and path of an earlier one', () => {
    const r = layered({ app: { expose: { subdomain: 'books', path: '/shop' } }, override: { expose: true } });
    expect(r.us.ingress).toMatchObject({ host: 'books.dev.test.io', path: '/shop' });
  });

  test('expose: the profile can switch it off and an override back on', () => {
    expect(layered({ app: { expose: true }, profile: { expose: false } }).us.ingress).toBeUndefined();
    const r = layered({ app: { expose: true }, profile: { expose: false }, override: { expose: true } });
    expect(r.us.ingress?.host).toBe('svc.dev.test.io');
  });

  test('expose: the host uses the region ingress domain when set, else the env domain', () => {
    const r = layered({ app: { expose: { subdomain: 'api' } }, regions: { 'us-east-1': { ingressDomain: 'us.dev.test.io' }, 'eu-west-1': {} } });
    expect(r.us.ingress?.host).toBe('api.us.dev.test.io');
    expect(r.eu.ingress?.host).toBe('api.dev.test.io');
  });

  test('spreadAcrossZones: golden false, then app, profile, override, region each win', () => {
    expect(layered({}).us.spreadAcrossZones).toBe(false);
    expect(layered({ app: { spreadAcrossZones: true } }).us.spreadAcrossZones).toBe(true);
    expect(layered({ app: { spreadAcrossZones: true }, profile: { spreadAcrossZones: false } }).us.spreadAcrossZones).toBe(false);
    const r = layered({ profile: { spreadAcrossZones: false }, override: { spreadAcrossZones: true }, region: { spreadAcrossZones: false } });
    expect(r.us.spreadAcrossZones).toBe(false);
    expect(r.eu.spreadAcrossZones).toBe(true);
  });
});

describe('resolve(): releases', () => {
  const echo = app('echo');
  const apps = registerApps(echo);
  const twoRegionDev = { regions: { 'us-east-1': {}, 'eu-west-1': {} } };

  test('image.ref is repo:tag@digest, or repo:tag without a digest; the tag is the version', () => {
    const envs = envsFor(apps);
    const r = run(apps, envs, { echo: { dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4' }, prod: { tag: 'v1.2.0', digest: DIGEST_A } } });
    const dev = find(r, 'echo', 'dev', 'us-east-1');
    expect(dev.image).toEqual({ repository: 'ghcr.io/test/echo', tag: '1.3.0-SNAPSHOT-7d2a1b4', ref: 'ghcr.io/test/echo:1.3.0-SNAPSHOT-7d2a1b4' });
    expect(dev.version).toBe('1.3.0-SNAPSHOT-7d2a1b4');
    const prod = find(r, 'echo', 'prod', 'eu-west-1');
    expect(prod.image).toEqual({ repository: 'ghcr.io/test/echo', tag: 'v1.2.0', digest: DIGEST_A, ref: `ghcr.io/test/echo:v1.2.0@${DIGEST_A}` });
  });

  test('a region entry wins over the env entry, tag and digest both', () => {
    const envs = envsFor(apps);
    const r = run(apps, envs, {
      echo: { prod: { tag: 'v1.2.0', digest: DIGEST_A, regions: { 'eu-west-1': { tag: 'v1.3.0', digest: DIGEST_B } } } },
    });
    expect(find(r, 'echo', 'prod', 'us-east-1').image.ref).toBe(`ghcr.io/test/echo:v1.2.0@${DIGEST_A}`);
    expect(find(r, 'echo', 'prod', 'eu-west-1').image.ref).toBe(`ghcr.io/test/echo:v1.3.0@${DIGEST_B}`);
  });

  test('a region entry without a digest does not inherit the env entry\'s digest', () => {
    const envs = envsFor(apps, twoRegionDev);
    const r = run(apps, envs, { echo: { dev: { tag: 'abcdef0', digest: DIGEST_A, regions: { 'eu-west-1': { tag: 'abcdef1' } } } } });
    const eu = find(r, 'echo', 'dev', 'eu-west-1');
    expect(eu.image.ref).toBe('ghcr.io/test/echo:abcdef1');
    expect(eu.image.digest).toBeUndefined();
    expect(find(r, 'echo', 'dev', 'us-east-1').image.ref).toBe(`ghcr.io/test/echo:abcdef0@${DIGEST_A}`);
  });

  test('an app with no release in an env or region is not an instance but is listed as not released', () => {
    const apps2 = registerApps(app('alpha'), app('beta'));
    const envs = envsFor(apps2);
    const r = run(apps2, envs, {
      alpha: { dev: { tag: 'abcdef0' }, prod: { regions: { 'us-east-1': { tag: 'v1.0.0', digest: DIGEST_A } } } },
    });
    expect(r.instances.map(key)).toEqual(['dev/us-east-1/alpha', 'prod/us-east-1/alpha']);
    expect(r.notReleased.map(key).sort()).toEqual(['dev/us-east-1/beta', 'prod/eu-west-1/alpha', 'prod/eu-west-1/beta', 'prod/us-east-1/beta']);
  });

  test('an env entry with regions only releases to those regions', () => {
    const envs = envsFor(apps);
    const r = run(apps, envs, { echo: { prod: { regions: { 'eu-west-1': { tag: 'v1.0.0', digest: DIGEST_A } } } } });
    expect(r.instances.map(key)).toEqual(['prod/eu-west-1/echo']);
    expect(r.notReleased).toContainEqual({ app: 'echo', env: 'prod', region: 'us-east-1' });
    expect(r.notReleased).toContainEqual({ app: 'echo', env: 'dev', region: 'us-east-1' });
  });

  test('no releases at all: no instances, everything not released', () => {
    const r = run(apps, envsFor(apps), {});
    expect(r.instances).toEqual([]);
    expect(r.notReleased).toHaveLength(3);
  });
});

describe('resolve(): instances', () => {
  test('are ordered by env registry order, then the env\'s region order, then app name', () => {
    const apps = registerApps(app('zeta'), app('alpha'), app('mid'));
    const { dev, prod } = envsFor(apps);
    const envs = registerEnvironments(prod, dev); // registry order, not alphabetical
    const rel = { tag: 'v1.0.0', digest: DIGEST_A };
    const both = { dev: { tag: 'abcdef0' }, prod: rel };
    const r = run(apps, envs, { zeta: both, alpha: both, mid: both });
    expect(r.instances.map(key)).toEqual([
      'prod/us-east-1/alpha', 'prod/us-east-1/mid', 'prod/us-east-1/zeta',
      'prod/eu-west-1/alpha', 'prod/eu-west-1/mid', 'prod/eu-west-1/zeta',
      'dev/us-east-1/alpha', 'dev/us-east-1/mid', 'dev/us-east-1/zeta',
    ]);
  });

  test('network.calls opens egress on the caller (with the callee\'s port) and ingress on the callee', () => {
    const apps = registerApps(
      app('frontend', { port: 3000, network: { calls: ['backend', 'auth'] } }),
      app('backend', { port: 8000, network: { calls: ['auth'] } }),
      app('auth', { port: 9000 }),
    );
    const envs = envsFor(apps);
    const r = run(apps, envs, { frontend: { dev: { tag: 'abcdef0' } }, backend: { dev: { tag: 'abcdef0' } }, auth: { dev: { tag: 'abcdef0' } } });
    const net = (a: string) => find(r, a, 'dev', 'us-east-1').network;
    expect(net('frontend').allowTo).toEqual([{ app: 'auth', port: 9000 }, { app: 'backend', port: 8000 }]);
    expect(net('frontend').allowFrom).toEqual([]);
    expect(net('backend').allowTo).toEqual([{ app: 'auth', port: 9000 }]);
    expect(net('backend').allowFrom).toEqual(['frontend']);
    expect(net('auth').allowTo).toEqual([]);
    expect(net('auth').allowFrom).toEqual(['backend', 'frontend']);
  });

  test('network.calls opens nothing toward or from a peer where that peer is not deployed', () => {
    const apps = registerApps(
      app('payments', { port: 3000, network: { calls: ['book-shop'] } }),
      app('book-shop', { port: 8000, network: { calls: ['ledger'] } }),
      app('ledger', { port: 9000 }),
    );
    const prod = { tag: 'v1.0.0', digest: DIGEST_A };
    // payments: dev only; book-shop: dev and prod; ledger: prod/eu-west-1 only.
    const r = run(apps, envsFor(apps), {
      payments: { dev: { tag: 'abcdef0' } },
      'book-shop': { dev: { tag: 'abcdef0' }, prod },
      ledger: { prod: { regions: { 'eu-west-1': prod } } },
    });
    const net = (a: string, env: string, region: string) => find(r, a, env, region).network;
    // Where both run, the call is open both ways.
    expect(net('payments', 'dev', 'us-east-1').allowTo).toEqual([{ app: 'book-shop', port: 8000 }]);
    expect(net('book-shop', 'dev', 'us-east-1').allowFrom).toEqual(['payments']);
    // The callee's ingress from a caller only where the caller runs: prod's book-shop admits nobody.
    expect(net('book-shop', 'prod', 'us-east-1').allowFrom).toEqual([]);
    expect(net('book-shop', 'prod', 'eu-west-1').allowFrom).toEqual([]);
    // The caller's egress to a callee only where the callee runs.
    expect(net('book-shop', 'dev', 'us-east-1').allowTo).toEqual([]);
    expect(net('book-shop', 'prod', 'us-east-1').allowTo).toEqual([]);
    expect(net('book-shop', 'prod', 'eu-west-1').allowTo).toEqual([{ app: 'ledger', port: 9000 }]);
    expect(net('ledger', 'prod', 'eu-west-1').allowFrom).toEqual(['book-shop']);
  });

  test('carry the env, region, names and sync policy', () => {
    const apps = registerApps(app('echo'));
    const r = run(apps, envsFor(apps), { echo: { dev: { tag: 'abcdef0' }, prod: { tag: 'v1.0.0', digest: DIGEST_A } } });
    expect(find(r, 'echo', 'prod', 'eu-west-1')).toMatchObject({
      instance: 'prod-eu-west-1-echo', namespace: 'echo', team: 'team-a', replicas: 3, spreadAcrossZones: true,
      sync: { automated: false, prune: true, selfHeal: true },
    });
    expect(find(r, 'echo', 'dev', 'us-east-1').sync.automated).toBe(true);
  });

  test('an exposed app gets the env\'s cluster issuer on its ingress', () => {
    const apps = registerApps(app('echo', { expose: true }));
    const r = run(apps, envsFor(apps), { echo: { prod: { tag: 'v1.0.0', digest: DIGEST_A } } });
    expect(find(r, 'echo', 'prod', 'us-east-1').ingress).toEqual({
      host: 'echo.test.io', path: '/', className: 'nginx', tlsSecretName: 'echo-tls', clusterIssuer: 'letsencrypt',
    });
  });
});

describe('resolve(): bad releases are refused, naming releases.ts and the path', () => {
  const apps = registerApps(app('echo'), app('book-shop'));
  const envs = envsFor(apps);

  function badRelease(releases: unknown, releasesFile?: string): ConfigError {
    return configError(() => run(apps, envs, releases as AnyReleases, releasesFile));
  }

  function expectAt(err: ConfigError, field: string, reason: RegExp, file = 'envs/releases.ts'): void {
    expect({ file: err.file, field: err.field }).toEqual({ file, field });
    expect(err.reason).toMatch(reason);
  }

  test('a release for an unknown app', () => {
    expectAt(badRelease({ ech0: { dev: { tag: 'abcdef0' } } }), 'ech0', /unknown app "ech0" \(did you mean "echo"\?\)/);
  });

  test('the releasesFile option names the file', () => {
    expectAt(badRelease({ ech0: { dev: { tag: 'abcdef0' } } }, '/repo/envs/releases.ts'), 'ech0', /unknown app/, '/repo/envs/releases.ts');
  });

  test('a release for an unknown env', () => {
    expectAt(badRelease({ echo: { qa: { tag: 'abcdef0' } } }), 'echo.qa', /unknown environment "qa"; allowed: dev, prod/);
  });

  test('a release for a region the env does not have', () => {
    expectAt(
      badRelease({ echo: { dev: { regions: { 'eu-west-1': { tag: 'abcdef0' } } } } }),
      'echo.dev.regions.eu-west-1',
      /unknown region "eu-west-1" of dev \(allowed: us-east-1\)/,
    );
  });

  test('a misspelled key in a release entry or a region entry', () => {
    expectAt(badRelease({ echo: { dev: { tga: 'abcdef0' } } }), 'echo.dev.tga', /did you mean "tag"/);
    expectAt(
      badRelease({ echo: { prod: { regions: { 'eu-west-1': { tag: 'v1.0.0', digets: DIGEST_A } } } } }),
      'echo.prod.regions.eu-west-1.digets',
      /did you mean "digest"/,
    );
  });

  test('a tag that breaks the env\'s policy names the allowed patterns', () => {
    expectAt(badRelease({ echo: { prod: { tag: '1.2.0', digest: DIGEST_A } } }), 'echo.prod.tag', /"1\.2\.0" breaks the tag policy; allowed: vX\.Y\.Z/);
    expectAt(
      badRelease({ echo: { dev: { tag: 'v1.2.0' } } }),
      'echo.dev.tag',
      /allowed: a git SHA \(7-40 hex characters\) or X\.Y\.Z-SNAPSHOT-<sha7>/,
    );
    expectAt(
      badRelease({ echo: { prod: { regions: { 'eu-west-1': { tag: 'abcdef0', digest: DIGEST_A } } } } }),
      'echo.prod.regions.eu-west-1.tag',
      /allowed: vX\.Y\.Z/,
    );
  });

  test('"latest" is refused in every env, even one whose policy accepts anything', () => {
    const echo = app('echo');
    const anyApps = registerApps(echo);
    const loose = defineEnvironment(anyApps, {
      name: 'sandbox',
      regions: { 'us-east-1': {} },
      profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'debug' },
      sync: { automated: true },
      ingress: { domain: 'sandbox.test.io' },
      tags: { allow: [{ name: 'anything', pattern: /.*/ }] },
    });
    const looseEnvs = registerEnvironments(loose);
    // the policy really accepts anything else
    expect(run(anyApps, looseEnvs, { echo: { sandbox: { tag: 'whatever' } } }).instances).toHaveLength(1);
    for (const tag of ['latest', 'LATEST']) {
      expectAt(configError(() => run(anyApps, looseEnvs, { echo: { sandbox: { tag } } })), 'echo.sandbox.tag', /"latest" is never allowed/);
    }
    expectAt(badRelease({ echo: { dev: { tag: 'latest' } } }), 'echo.dev.tag', /never allowed/);
    expectAt(badRelease({ echo: { prod: { tag: 'latest', digest: DIGEST_A } } }), 'echo.prod.tag', /never allowed/);
  });

  test('a missing digest where the env requires one', () => {
    expectAt(badRelease({ echo: { prod: { tag: 'v1.2.0' } } }), 'echo.prod.digest', /is required in prod/);
    expectAt(
      badRelease({ echo: { prod: { tag: 'v1.2.0', digest: DIGEST_A, regions: { 'eu-west-1': { tag: 'v1.3.0' } } } } }),
      'echo.prod.regions.eu-west-1.digest',
      /is required in prod/,
    );
  });

  test.each([
    ['too short', 'sha256:abc'],
    ['uppercase hex', `sha256:${'A'.repeat(64)}`],
    ['another algorithm', `sha512:${'a'.repeat(64)}`],
    ['no algorithm', 'a'.repeat(64)],
  ])('a malformed digest (%s) is refused', (_why, digest) => {
    expectAt(badRelease({ echo: { prod: { tag: 'v1.2.0', digest } } }), 'echo.prod.digest', /"sha256:" followed by 64 lowercase hex/);
    expectAt(badRelease({ echo: { dev: { tag: 'abcdef0', digest } } }), 'echo.dev.digest', /"sha256:"/);
  });

  test('a digest without a tag, or a region entry without a tag', () => {
    expectAt(badRelease({ echo: { dev: { digest: DIGEST_A } } }), 'echo.dev.digest', /needs a tag/);
    expectAt(badRelease({ echo: { prod: { regions: { 'eu-west-1': { digest: DIGEST_A } } } } }), 'echo.prod.regions.eu-west-1.tag', /is required/);
  });

  test('an invalid tag', () => {
    expectAt(badRelease({ echo: { dev: { tag: 'abc def0' } } }), 'echo.dev.tag', /not a valid image tag/);
    expectAt(badRelease({ echo: { dev: { tag: '' } } }), 'echo.dev.tag', /non-empty string/);
  });
});

describe('resolve(): cross-checks on the merged settings', () => {
  const base = { team: 'team-a', image: 'ghcr.io/test/svc', port: 8080, health: { liveness: '/healthz', readiness: '/readyz' } };
  const release = { svc: { dev: { tag: 'abcdef0' } } };

  function devEnv(apps: AppRegistry, overrides?: unknown) {
    return registerEnvironments(defineEnvironment(apps, {
      name: 'dev',
      regions: { 'us-east-1': {}, 'eu-west-1': {} },
      profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug' },
      sync: { automated: true },
      ingress: { domain: 'dev.test.io' },
      tags: { allow: [TagPatterns.gitSha] },
      ...(overrides ? { apps: overrides } : {}),
    } as never));
  }

  test('autoscaling with minReplicas above maxReplicas in the app is blamed on the app file', () => {
    const apps = registerApps(defineApp({ ...base, name: 'svc', autoscaling: { minReplicas: 5, maxReplicas: 2 } }));
    const err = configError(() => run(apps, devEnv(apps), release));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'autoscaling.minReplicas' });
    expect(err.reason).toMatch(/minReplicas 5 is above maxReplicas 2/);
  });

  test('autoscaling without maxReplicas is refused', () => {
    const apps = registerApps(defineApp({ ...base, name: 'svc', autoscaling: { cpuUtilization: 60 } }));
    const err = configError(() => run(apps, devEnv(apps), release));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'autoscaling.maxReplicas' });
    expect(err.reason).toMatch(/is required when autoscaling is on/);
  });

  test('the default minReplicas (the replicas) above maxReplicas is refused too', () => {
    const apps = registerApps(app('svc', { autoscaling: { maxReplicas: 2 } }));
    const err = configError(() => run(apps, devEnv(apps, { svc: { replicas: 4 } }), release));
    expect(err.reason).toMatch(/minReplicas 4 is above maxReplicas 2/);
  });

  test('a bad autoscaling set by the env override is blamed on the env file, under apps.<app>', () => {
    const apps = registerApps(app('svc', { autoscaling: { maxReplicas: 6 } }));
    const err = configError(() => run(apps, devEnv(apps, { svc: { autoscaling: { minReplicas: 8 } } }), release));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'apps.svc.autoscaling.minReplicas' });
    expect(err.reason).toMatch(/minReplicas 8 is above maxReplicas 6/);
  });

  test('a bad autoscaling set by a region override is blamed on the region override\'s path', () => {
    const apps = registerApps(app('svc', { autoscaling: { maxReplicas: 6 } }));
    const env = devEnv(apps, { svc: { regions: { 'eu-west-1': { autoscaling: { minReplicas: 8 } } } } });
    const err = configError(() => run(apps, env, release));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'apps.svc.regions.eu-west-1.autoscaling.minReplicas' });
  });

  test('an incomplete autoscaling set by the env profile is blamed on the profile\'s path', () => {
    const apps = registerApps(app('svc'));
    const envs = registerEnvironments(defineEnvironment(apps, {
      name: 'dev',
      regions: { 'us-east-1': {} },
      profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug', autoscaling: { cpuUtilization: 50 } },
      sync: { automated: true },
      ingress: { domain: 'dev.test.io' },
      tags: { allow: [TagPatterns.gitSha] },
    }));
    const err = configError(() => run(apps, envs, release));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'profile.autoscaling.maxReplicas' });
    expect(err.reason).toMatch(/is required when autoscaling is on/);
  });

  test('network.calls naming an unknown app is refused, blamed on the caller\'s file', () => {
    const apps = registerApps(
      defineApp({ ...base, name: 'frontend', network: { calls: ['auth', 'bakend'] } }),
      app('backend'),
      app('auth'),
    );
    const err = configError(() => run(apps, devEnv(apps), {}));
    expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field: 'network.calls[1]' });
    expect(err.reason).toMatch(/unknown app "bakend" \(did you mean "backend"\?\)/);
  });

  test('fixtures-defined apps are blamed on the fixtures file', () => {
    const apps = registerApps(app('svc', { autoscaling: {} }));
    expect(configError(() => run(apps, devEnv(apps), release)).file).toBe(FIXTURES);
  });

  test('an instance name (env-region-app) longer than 63 characters is refused', () => {
    const long = 'a'.repeat(60);
    const apps = registerApps(app(long));
    const err = configError(() => run(apps, devEnv(apps), { [long]: { dev: { tag: 'abcdef0' } } }));
    expect(err.field).toBe('name');
    expect(err.reason).toMatch(/longer than 63 characters/);
  });
});
