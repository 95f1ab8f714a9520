import * as path from 'node:path';
import { AnySecrets, registerApps, resolve, SealedValue } from '../../lib/model';
import { app, configError, DIGEST_A, envsFor, platform } from '../support/fixtures';

const FIXTURES = path.resolve(__dirname, '..', 'support', 'fixtures.ts');
const CERT = `sha256:${'c'.repeat(64)}`;
const sealed = (over: Partial<SealedValue> = {}): SealedValue => ({
  sealed: 'AgBxyz+/0123==', scope: 'strict', namespace: 'api', name: 'api', cert: CERT, ...over,
});

const api = app('api', { secrets: ['DB_PASSWORD'], config: { MODE: 'x' } });
const web = app('web');
const apps = registerApps(api, web);
const envs = envsFor(apps);
const releases = {
  api: { dev: { tag: 'abcdef0' }, prod: { tag: 'v1.0.0', digest: DIGEST_A } },
  web: { dev: { tag: 'abcdef0' } },
};
const allSealed: AnySecrets = {
  api: {
    dev: { 'us-east-1': { DB_PASSWORD: sealed() } },
    prod: { 'us-east-1': { DB_PASSWORD: sealed() }, 'eu-west-1': { DB_PASSWORD: sealed() } },
  },
};
const run = (secrets: AnySecrets) => resolve({ platform, apps, envs, releases, secrets });

test('sealed values become the instance\'s SealedSecret (name = app, keys sorted); apps without secrets get none', () => {
  const withExtra: AnySecrets = { ...allSealed, api: { ...allSealed.api, dev: { 'us-east-1': { Z_TOKEN: sealed(), DB_PASSWORD: sealed({ sealed: 'AgBdev' }) } } } };
  const r = run(withExtra);
  const dev = r.instances.find((i) => i.app === 'api' && i.env === 'dev')!;
  expect(dev.sealedSecret).toEqual({ name: 'api', scope: 'strict', data: { DB_PASSWORD: 'AgBdev', Z_TOKEN: 'AgBxyz+/0123==' } });
  expect(Object.keys(dev.sealedSecret!.data)).toEqual(['DB_PASSWORD', 'Z_TOKEN']);
  expect(r.instances.find((i) => i.app === 'web')!.sealedSecret).toBeUndefined();
});

test('a required key with no sealed value for a deployed env/region fails, naming the app file and the command to fix it', () => {
  const missing: AnySecrets = { api: { ...allSealed.api, prod: { 'us-east-1': { DB_PASSWORD: sealed() } } } };
  const e = configError(() => run(missing));
  expect(e.file).toBe(FIXTURES);
  expect(e.field).toBe('secrets[0]');
  expect(e.reason).toBe('"DB_PASSWORD" has no sealed value for prod/eu-west-1; seal it: printf %s "$VALUE" | npm run seal -- api prod DB_PASSWORD --region eu-west-1');
});

test('no sealed value is needed where the app is not released', () => {
  const r = resolve({ platform, apps, envs, releases: { api: { dev: { tag: 'abcdef0' } } }, secrets: { api: { dev: allSealed.api!.dev } } });
  expect(r.instances.map((i) => i.instance)).toEqual(['dev-us-east-1-api']);
});

test('a value sealed for another namespace or name than the emitted SealedSecret fails (it could not be decrypted)', () => {
  for (const bad of [sealed({ namespace: 'other' }), sealed({ name: 'other' })]) {
    const e = configError(() => run({ api: { ...allSealed.api, dev: { 'us-east-1': { DB_PASSWORD: bad } } } }));
    expect(e.file).toBe('envs/secrets.ts');
    expect(e.field).toBe('api.dev.us-east-1.DB_PASSWORD');
    expect(e.reason).toMatch(/^sealed for (other\/api|api\/other) \(strict\) but emitted as api\/api, so the controller cannot decrypt it; re-seal: /);
  }
});

test('namespace-wide values may have any name; cluster-wide values any namespace', () => {
  expect(() => run({ api: { ...allSealed.api, dev: { 'us-east-1': { DB_PASSWORD: sealed({ scope: 'namespace-wide', name: 'x' }) } } } })).not.toThrow();
  expect(() => run({ api: { ...allSealed.api, dev: { 'us-east-1': { DB_PASSWORD: sealed({ scope: 'cluster-wide', namespace: 'x', name: 'y' }) } } } })).not.toThrow();
});

test('two scopes in one SealedSecret fail', () => {
  const mixed: AnySecrets = { api: { ...allSealed.api, dev: { 'us-east-1': { DB_PASSWORD: sealed(), TOKEN: sealed({ scope: 'cluster-wide' }) } } } };
  const e = configError(() => run(mixed));
  expect(e.field).toBe('api.dev.us-east-1.TOKEN.scope');
  expect(e.reason).toMatch(/one SealedSecret has one scope/);
});

test('a sealed key that is also a config key fails', () => {
  const clash: AnySecrets = { api: { ...allSealed.api, dev: { 'us-east-1': { DB_PASSWORD: sealed(), MODE: sealed() } } } };
  expect(configError(() => run(clash)).reason).toMatch(/"MODE" is also a config key/);
});

test.each([
  [{ nope: {} }, 'nope', /unknown app "nope"/],
  [{ api: { qa: {} } }, 'api.qa', /unknown environment "qa"/],
  [{ api: { dev: { 'eu-west-1': {} } } }, 'api.dev.eu-west-1', /unknown region "eu-west-1" of dev/],
  [{ api: { dev: { 'us-east-1': { 'db-password': sealed() } } } }, 'api.dev.us-east-1.db-password', /invalid secret key/],
  [{ api: { dev: { 'us-east-1': { DB_PASSWORD: sealed({ sealed: 'not base64!' }) } } } }, 'api.dev.us-east-1.DB_PASSWORD.sealed', /kubeseal ciphertext/],
  [{ api: { dev: { 'us-east-1': { DB_PASSWORD: sealed({ scope: 'global' as never }) } } } }, 'api.dev.us-east-1.DB_PASSWORD.scope', /one of strict, namespace-wide, cluster-wide/],
  [{ api: { dev: { 'us-east-1': { DB_PASSWORD: { ...sealed(), extra: 1 } } } } }, 'api.dev.us-east-1.DB_PASSWORD.extra', /unknown key/],
  [{ api: { dev: { 'us-east-1': { DB_PASSWORD: sealed({ cert: 'abc' }) } } } }, 'api.dev.us-east-1.DB_PASSWORD.cert', /sha256:/],
])('malformed envs/secrets.ts entry %#', (secrets, field, reason) => {
  const e = configError(() => run(secrets as AnySecrets));
  expect(e.file).toBe('envs/secrets.ts');
  expect(e.field).toBe(field);
  expect(e.reason).toMatch(reason);
});
