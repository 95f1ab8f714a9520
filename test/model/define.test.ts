/**
 * Runtime strictness of defineApp / defineEnvironment / definePlatform / registerApps /
 * registerEnvironments. These inputs are compile errors too (test/types/strictness.test.ts), so they
 * are built loosely and cast with `as never`. The definers read their caller from the stack, so
 * every error must name this file.
 */
import {
  ConfigError, ConfigErrors, defineApp, defineEnvironment, deferDefinitionErrors, definePlatform, isBroken, registerApps, registerEnvironments, SMOKE_TEST_IMAGE, TagPatterns,
} from '../../lib/model';
import { configError } from '../support/fixtures';

const BASE_APP = {
  name: 'echo',
  team: 'platform',
  image: 'ghcr.io/acme/echo',
  port: 8080,
  health: { liveness: '/healthz', readiness: '/readyz' },
};

function badApp(extra: Record<string, unknown>): ConfigError {
  return configError(() => defineApp({ ...BASE_APP, ...extra } as never));
}

const echo = defineApp(BASE_APP);
const bookShop = defineApp({ ...BASE_APP, name: 'book-shop', image: 'ghcr.io/acme/book-shop' });
const apps = registerApps(echo, bookShop);

const BASE_ENV = {
  name: 'prod',
  regions: { 'us-east-1': {}, 'eu-west-1': {} },
  profile: { replicas: 3, resources: { cpu: '500m', memory: '512Mi' }, logLevel: 'info' },
  sync: { automated: false },
  ingress: { domain: 'acme.io' },
  tags: { allow: [TagPatterns.release], requireDigest: true },
};

function badEnv(extra: Record<string, unknown>): ConfigError {
  return configError(() => defineEnvironment(apps, { ...BASE_ENV, ...extra } as never));
}

/** Asserts where the error points: this file, the field, and a reason matching `reason`. */
function expectAt(err: ConfigError, field: string, reason: RegExp): void {
  expect({ file: err.file, field: err.field }).toEqual({ file: __filename, field });
  expect(err.reason).toMatch(reason);
  expect(err.message).toBe(`${__filename}: ${field}: ${err.reason}`);
}

describe('defineApp', () => {
  test('returns the spec, frozen (also nested values) and detached from the input', () => {
    const input = { ...BASE_APP, name: 'frozen', config: { A: '1' } };
    const def = defineApp(input);
    expect(def).toEqual(input);
    expect(Object.isFrozen(def)).toBe(true);
    expect(Object.isFrozen(def.config)).toBe(true);
    input.config.A = '2';
    expect(def.config).toEqual({ A: '1' });
  });

  test('a misspelled key is refused with a "did you mean" hint', () => {
    const err = badApp({ replica: 2 });
    expectAt(err, 'replica', /unknown key \(did you mean "replicas"\?\)/);
    expect(err.reason).toContain('allowed: name, team');
  });

  test('a misspelled nested key is refused with its full path', () => {
    expectAt(badApp({ health: { livenes: '/l', readiness: '/r' } }), 'health.livenes', /did you mean "liveness"/);
    expectAt(badApp({ resources: { cpu: '1', memroy: '1Gi' } }), 'resources.memroy', /did you mean "memory"/);
  });

  test('a key far from every allowed key gets no hint', () => {
    const err = badApp({ zzzzzzzzzz: 1 });
    expect(err.field).toBe('zzzzzzzzzz');
    expect(err.reason).not.toMatch(/did you mean/);
  });

  test.each(['Echo', 'echo_svc', '-echo', 'echo-', 'e'.repeat(64), ''])('an app name that is not a DNS label (%s) is refused', (name) => {
    expectAt(badApp({ name }), 'name', name === '' ? /non-empty string/ : /lowercase letters, digits and "-"/);
  });

  test('a negative replica count is refused', () => {
    expectAt(badApp({ replicas: -1 }), 'replicas', /must be an integer from 0 to 1000, got number -1/);
  });

  test('a non-integer replica count is refused', () => {
    expectAt(badApp({ replicas: 1.5 }), 'replicas', /must be an integer/);
    expectAt(badApp({ replicas: '2' }), 'replicas', /must be an integer/);
  });

  test.each([
    ['with a tag', 'ghcr.io/a/b:1.0', /without tag or digest/],
    ['with a tag, no registry', 'acme/echo:latest', /without tag or digest/],
    ['with a digest', `ghcr.io/a/b@sha256:${'a'.repeat(64)}`, /without tag or digest/],
    ['with uppercase', 'ghcr.io/Acme/Echo', /not a valid image repository/],
    ['with a space', 'ghcr.io/acme/ echo', /not a valid image repository/],
    ['empty', '', /non-empty string/],
  ])('a malformed image reference (%s) is refused', (_why, image, reason) => {
    expectAt(badApp({ image }), 'image', reason);
  });

  test('a registry with a port is not mistaken for a tag', () => {
    expect(defineApp({ ...BASE_APP, image: 'registry.local:5000/acme/echo' }).image).toBe('registry.local:5000/acme/echo');
    expectAt(badApp({ image: 'registry.local:5000/acme/echo:1.0' }), 'image', /without tag or digest/);
  });

  test('a resource limit below its request is refused', () => {
    expectAt(badApp({ resources: { cpu: { request: '500m', limit: '250m' } } }), 'resources.cpu.limit', /limit 250m is below the request 500m/);
    expectAt(badApp({ resources: { memory: { request: '1Gi', limit: '512Mi' } } }), 'resources.memory.limit', /below the request/);
  });

  test('equal and larger limits, in other units, are accepted', () => {
    expect(() => defineApp({ ...BASE_APP, resources: { cpu: { request: '500m', limit: '0.5' }, memory: { request: '1Gi', limit: '1024Mi' } } })).not.toThrow();
  });

  test.each([['2 cores'], ['200x'], ['-1'], ['1.5m5']])('a bad CPU quantity (%s) is refused', (cpu) => {
    expectAt(badApp({ resources: { cpu } }), 'resources.cpu', /is not a CPU quantity/);
  });

  test.each([['1GB'], ['512mi'], ['lots'], ['Gi']])('a bad memory quantity (%s) is refused', (memory) => {
    expectAt(badApp({ resources: { memory } }), 'resources.memory', /is not a memory quantity/);
  });

  test('a bad quantity inside a request/limit pair names the request or the limit', () => {
    expectAt(badApp({ resources: { cpu: { request: 'abc', limit: '1' } } }), 'resources.cpu.request', /CPU quantity/);
    expectAt(badApp({ resources: { memory: { request: '1Gi', limit: '2GB' } } }), 'resources.memory.limit', /memory quantity/);
  });

  test('a zero request is refused', () => {
    expectAt(badApp({ resources: { cpu: '0' } }), 'resources.cpu', /greater than zero/);
  });

  test('autoscaling keys and bounds are checked', () => {
    expectAt(badApp({ autoscaling: { maxReplica: 3 } }), 'autoscaling.maxReplica', /did you mean "maxReplicas"/);
    expectAt(badApp({ autoscaling: { maxReplicas: 0 } }), 'autoscaling.maxReplicas', /integer from 1/);
    expectAt(badApp({ autoscaling: { maxReplicas: 3, cpuUtilization: 150 } }), 'autoscaling.cpuUtilization', /integer from 1 to 100/);
  });

  test.each(['LOG_LEVEL', 'APP_NAME', 'APP_ENV', 'APP_REGION', 'FEATURE_NEW_CHECKOUT'])('the reserved config key %s is refused', (key) => {
    expectAt(badApp({ config: { [key]: 'x' } }), `config.${key}`, /reserved key/);
  });

  test('config values must be strings and keys environment variable names', () => {
    expectAt(badApp({ config: { PAGE_SIZE: 24 } }), 'config.PAGE_SIZE', /must be a string, got number 24/);
    expectAt(badApp({ config: { 'my.key': 'x' } }), 'config.my.key', /environment variables/);
  });

  test('feature flags must be booleans with identifier names', () => {
    expectAt(badApp({ featureFlags: { newCheckout: 'yes' } }), 'featureFlags.newCheckout', /true or false/);
    expectAt(badApp({ featureFlags: { 'new-checkout': true } }), 'featureFlags.new-checkout', /invalid flag name/);
  });

  test('logLevel must be a known level', () => {
    expectAt(badApp({ logLevel: 'verbose' }), 'logLevel', /one of debug, info, warn, error/);
  });

  test('expose objects are checked', () => {
    expectAt(badApp({ expose: { subdomian: 'x' } }), 'expose.subdomian', /did you mean "subdomain"/);
    expectAt(badApp({ expose: { subdomain: 'Books' } }), 'expose.subdomain', /not allowed/);
    expectAt(badApp({ expose: { path: 'api' } }), 'expose.path', /absolute URL path/);
  });

  test('an app may not call itself, and calls must be app names', () => {
    expectAt(badApp({ network: { calls: ['echo'] } }), 'network.calls', /call itself/);
    expectAt(badApp({ network: { calls: ['Book_Shop'] } }), 'network.calls[0]', /allowed: app names/);
  });

  test('ports, health paths and secrets are checked', () => {
    expectAt(badApp({ port: 70000 }), 'port', /integer from 1 to 65535/);
    expectAt(badApp({ health: { liveness: 'healthz', readiness: '/readyz' } }), 'health.liveness', /absolute URL path/);
    expectAt(badApp({ secrets: ['API_KEY', 'API_KEY'] }), 'secrets', /"API_KEY" is listed twice/);
  });
});

describe('registerApps', () => {
  test('keys the registry by app name, in the given order', () => {
    expect(Object.keys(registerApps(bookShop, echo))).toEqual(['book-shop', 'echo']);
    expect(registerApps(echo).echo).toBe(echo);
  });

  test('two apps with the same name are refused', () => {
    const again = defineApp({ ...BASE_APP, team: 'other-team' });
    const err = configError(() => registerApps(echo, bookShop, again));
    expectAt(err, 'name', /app "echo" is defined twice/);
  });
});

describe('defineEnvironment', () => {
  test('returns the frozen spec with its region names in order', () => {
    const env = defineEnvironment(apps, { ...BASE_ENV, name: 'prod' } as never) as ReturnType<typeof defineEnvironment>;
    expect(env.regionNames).toEqual(['us-east-1', 'eu-west-1']);
    expect(Object.isFrozen(env)).toBe(true);
    expect(Object.isFrozen(env.profile)).toBe(true);
  });

  test('an override for an unknown app is refused, with a hint', () => {
    const err = badEnv({ apps: { ech0: { replicas: 2 } } });
    expectAt(err, 'apps.ech0', /unknown app "ech0" \(did you mean "echo"\?\); registered apps: echo, book-shop/);
  });

  test('an override for an unknown region is refused, naming the allowed regions', () => {
    const err = badEnv({ apps: { echo: { regions: { 'eu-west-2': { replicas: 2 } } } } });
    expectAt(err, 'apps.echo.regions.eu-west-2', /unknown region "eu-west-2" of prod \(did you mean "eu-west-1"\?\) \(allowed: us-east-1, eu-west-1\)/);
  });

  test('a misspelled key in an override or a region override is refused with a hint', () => {
    expectAt(badEnv({ apps: { echo: { replica: 2 } } }), 'apps.echo.replica', /did you mean "replicas"/);
    expectAt(badEnv({ apps: { echo: { regions: { 'eu-west-1': { logleve: 'debug' } } } } }), 'apps.echo.regions.eu-west-1.logleve', /did you mean "logLevel"/);
  });

  test('override values are checked like app values, with their path', () => {
    expectAt(badEnv({ apps: { echo: { replicas: -2 } } }), 'apps.echo.replicas', /integer from 0/);
    expectAt(badEnv({ apps: { echo: { config: { LOG_LEVEL: 'debug' } } } }), 'apps.echo.config.LOG_LEVEL', /reserved key/);
    expectAt(
      badEnv({ apps: { echo: { regions: { 'us-east-1': { resources: { cpu: { request: '1', limit: '500m' } } } } } } }),
      'apps.echo.regions.us-east-1.resources.cpu.limit',
      /below the request/,
    );
    expectAt(badEnv({ profile: { ...BASE_ENV.profile, replicas: 2.5 } }), 'profile.replicas', /integer/);
  });

  test('a misspelled top-level key is refused with a hint', () => {
    expectAt(badEnv({ region: {} }), 'region', /did you mean "regions"/);
  });

  test('an environment without regions is refused', () => {
    expectAt(badEnv({ regions: {} }), 'regions', /at least one region/);
  });

  test.each(['US_East', 'us.east.1', 'Eu-West-1'])('a region name that is not a DNS label (%s) is refused', (region) => {
    expectAt(badEnv({ regions: { 'us-east-1': {}, [region]: {} } }), `regions.${region}`, /lowercase letters, digits and "-"/);
  });

  test('a region ingress domain must be a DNS domain', () => {
    expectAt(badEnv({ regions: { 'us-east-1': { ingressDomain: 'not a domain' } } }), 'regions.us-east-1.ingressDomain', /DNS domain/);
  });

  test('an environment name that is not a DNS label is refused', () => {
    expectAt(badEnv({ name: 'Prod' }), 'name', /lowercase/);
  });

  test('the profile needs replicas, resources (cpu and memory) and logLevel', () => {
    const { replicas: _r, ...noReplicas } = BASE_ENV.profile;
    void _r;
    expectAt(badEnv({ profile: noReplicas }), 'profile.replicas', /is required/);
    expectAt(badEnv({ profile: { ...BASE_ENV.profile, resources: { cpu: '1' } } }), 'profile.resources.memory', /is required/);
  });

  test('the tag policy needs at least one pattern', () => {
    expectAt(badEnv({ tags: { allow: [] } }), 'tags.allow', /at least one tag pattern/);
    expectAt(badEnv({ tags: { allow: [{ name: 'x', pattern: 'v.*' }] } }), 'tags.allow[0].pattern', /regular expression/);
  });
});

describe('registerEnvironments', () => {
  const env = (name: string) => defineEnvironment(apps, { ...BASE_ENV, name } as never) as ReturnType<typeof defineEnvironment>;

  test('keys the registry by env name, in promotion order', () => {
    expect(Object.keys(registerEnvironments(env('dev'), env('staging'), env('prod')))).toEqual(['dev', 'staging', 'prod']);
  });

  test('a duplicate environment is refused', () => {
    const err = configError(() => registerEnvironments(env('dev'), env('prod'), env('dev')));
    expectAt(err, 'name', /environment "dev" is defined twice/);
  });
});

describe('definePlatform', () => {
  const gitops = { repoURL: 'https://github.com/acme/gitops.git' };

  test('fills in the defaults', () => {
    expect(definePlatform({ labelDomain: 'platform.acme.io', gitops })).toEqual({
      labelDomain: 'platform.acme.io',
      gitops: { repoURL: 'https://github.com/acme/gitops.git', revision: 'main', distPath: 'dist', argocdNamespace: 'argocd' },
      sso: { readersGroup: 'engineering', teamGroupPrefix: '', platformGroup: 'platform' },
      ingressControllerNamespace: 'ingress-nginx',
      monitoringNamespace: 'monitoring',
      managedBy: 'typed-gitops',
      hosts: [],
      smokeTestImage: SMOKE_TEST_IMAGE,
    });
    expect(SMOKE_TEST_IMAGE).toMatch(/^curlimages\/curl:8\.11\.1@sha256:[0-9a-f]{64}$/);
    expect(definePlatform({ labelDomain: 'acme.io', gitops, monitoringNamespace: 'prometheus' }).monitoringNamespace).toBe('prometheus');
  });

  test('a misspelled key is refused with a hint', () => {
    const err = configError(() => definePlatform({ labelDomain: 'acme.io', gitops, monitoringNamespce: 'x' } as never));
    expectAt(err, 'monitoringNamespce', /did you mean "monitoringNamespace"/);
  });

  test('a bad label domain or namespace is refused', () => {
    expectAt(configError(() => definePlatform({ labelDomain: 'Acme IO', gitops })), 'labelDomain', /DNS subdomain/);
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io', gitops, ingressControllerNamespace: 'Ingress' })), 'ingressControllerNamespace', /lowercase/);
  });

  test.each(['https://github.com/acme/gitops.git', 'https://git.acme.io:8443/platform/gitops', 'ssh://git@github.com/acme/gitops.git', 'git@github.com:acme/gitops.git'])(
    'repo URL %s is accepted', (repoURL) => {
      expect(definePlatform({ labelDomain: 'acme.io', gitops: { repoURL } }).gitops.repoURL).toBe(repoURL);
    },
  );

  test.each(['github.com/acme/gitops', 'not a url', 'https://', 'ftp://github.com/acme/gitops.git', ''])('repo URL "%s" is refused', (repoURL) => {
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io', gitops: { repoURL } })), 'gitops.repoURL', /Git URL|non-empty string/);
  });

  test('gitops is required, and its keys are strict', () => {
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io' } as never)), 'gitops', /must be an object/);
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io', gitops: { ...gitops, branch: 'main' } } as never)), 'gitops.branch', /unknown key/);
  });

  test('distPath must be a plain relative path (Argo CD skips hidden directories)', () => {
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io', gitops: { ...gitops, distPath: '../dist' } })), 'gitops.distPath', /must not contain/);
    expectAt(configError(() => definePlatform({ labelDomain: 'acme.io', gitops: { ...gitops, distPath: '/dist' } })), 'gitops.distPath', /relative path/);
  });
});

describe('every mistake of a definition at once', () => {
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('nothing was thrown');
  };

  test('independent fields of an app are all reported, each with its field', () => {
    const e = thrown(() => defineApp({ ...BASE_APP, port: 0, team: 'Platform', health: { liveness: 'healthz', readiness: '/readyz' } } as never));
    expect(e).toBeInstanceOf(ConfigErrors);
    expect((e as ConfigErrors).errors.map((x) => x.field)).toEqual(['team', 'port', 'health.liveness']);
    expect((e as ConfigErrors).errors.every((x) => x.file === __filename)).toBe(true);
  });

  test('independent fields of an environment are all reported; an override of a broken region list is not checked against it', () => {
    const e = thrown(() => defineEnvironment(apps, { ...BASE_ENV, regions: { US_East: {} }, sync: { automated: 'yes' }, apps: { echo: { regions: { 'us-east-1': { replicas: -1 } } } } } as never));
    expect((e as ConfigErrors).errors.map((x) => x.field)).toEqual(['regions.US_East', 'sync.automated', 'apps.echo.regions.us-east-1.replicas']);
  });

  test('inside deferDefinitionErrors the definers keep their errors, return the definition marked broken, and loading goes on', () => {
    const { value, thrown: stop, errors } = deferDefinitionErrors(() => {
      const a = defineApp({ ...BASE_APP, port: 0 } as never);
      const b = defineApp({ ...BASE_APP, name: 'book-shop', image: 'ghcr.io/acme/book-shop' });
      const dup = defineApp({ ...BASE_APP, image: 'ghcr.io/acme/echo2' });
      return { a, b, registry: registerApps(a, b, dup) };
    });
    expect(stop).toBeUndefined();
    expect(errors.map((x) => x.field)).toEqual(['port', 'name']);
    expect(errors[1].reason).toMatch(/app "echo" is defined twice/);
    expect(isBroken(value!.a)).toBe(true);
    expect(isBroken(value!.b)).toBe(false);
    expect(Object.keys(value!.registry)).toEqual(['echo', 'book-shop']);
    // Outside it, the same definition throws at once.
    expect(() => defineApp({ ...BASE_APP, port: 0 } as never)).toThrow(ConfigError);
  });
});
