/**
 * Compile-time strictness: each `@ts-expect-error` below must be an error, or `npm run typecheck`
 * (part of `npm test`) fails. Each case also runs, and must be refused at run time with the same
 * field, because `npm run synth` does not type-check (tsx/esbuild only transpile).
 */
import { AnyReleases, defineApp, defineEnvironment, registerApps, registerEnvironments, Releases, resolve, TagPatterns } from '../../lib/model';
import { platform } from '../support/fixtures';

const echo = defineApp({ name: 'echo', team: 't', image: 'ghcr.io/acme/echo', port: 8080, health: { liveness: '/l', readiness: '/r' } });
const apps = registerApps(echo);
const base = {
  profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'info' as const },
  sync: { automated: true },
  ingress: { domain: 'dev.example.com' },
  tags: { allow: [TagPatterns.gitSha] },
};

test('unknown apps, regions and keys in apps and envs do not compile, and are refused at run time', () => {
  expect(() =>
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error unknown app in overrides
      apps: { ech0: { replicas: 2 } },
    })).toThrow(/apps\.ech0: unknown app "ech0" \(did you mean "echo"\?\)/);
  expect(() =>
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error unknown region in a per-app override
      apps: { echo: { regions: { 'eu-west-2': { replicas: 2 } } } },
    })).toThrow(/apps\.echo\.regions\.eu-west-2: unknown region "eu-west-2"/);
  expect(() =>
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error misspelled key in an override
      apps: { echo: { replica: 2 } },
    })).toThrow(/apps\.echo\.replica: unknown key \(did you mean "replicas"\?\)/);
  // @ts-expect-error misspelled key in an app
  expect(() => defineApp({ name: 'x', team: 't', image: 'a/b', port: 1, health: { liveness: '/l', readiness: '/r' }, replica: 2 }))
    .toThrow(/replica: unknown key \(did you mean "replicas"\?\)/);
});

test('releases for unknown apps, envs and regions do not compile, and are refused at run time', () => {
  const dev = defineEnvironment(apps, { ...base, name: 'dev', regions: { 'us-east-1': {} } });
  const prod = defineEnvironment(apps, { ...base, name: 'prod', regions: { 'us-east-1': {}, 'eu-west-1': {} } });
  const envs = registerEnvironments(dev, prod);
  type R = Releases<typeof apps, typeof envs>;
  const run = (releases: AnyReleases) => () => resolve({ platform, apps, envs, releases });
  const ok = { echo: { dev: { tag: 'abcdef0' }, prod: { regions: { 'eu-west-1': { tag: 'abcdef1' } } } } } satisfies R;
  expect(resolve({ platform, apps, envs, releases: ok }).instances.map((i) => i.instance)).toEqual(['dev-us-east-1-echo', 'prod-eu-west-1-echo']);
  // @ts-expect-error unknown app
  expect(run({ ech0: { dev: { tag: 'abcdef0' } } } satisfies R)).toThrow(/ech0: unknown app "ech0"/);
  // @ts-expect-error unknown env
  expect(run({ echo: { qa: { tag: 'abcdef0' } } } satisfies R)).toThrow(/echo\.qa: unknown environment "qa"/);
  // @ts-expect-error region of another env
  expect(run({ echo: { dev: { regions: { 'eu-west-1': { tag: 'abcdef0' } } } } } satisfies R)).toThrow(/echo\.dev\.regions\.eu-west-1: unknown region "eu-west-1"/);
  // @ts-expect-error misspelled key
  expect(run({ echo: { dev: { tags: 'abcdef0' } } } satisfies R)).toThrow(/echo\.dev\.tags: unknown key \(did you mean "tag"\?\)/);
});

test('an unknown database size, engine or instance class, and a profile missing a size, do not compile, and are refused at run time', () => {
  const app = { name: 'x', team: 't', image: 'a/b', port: 1, health: { liveness: '/l', readiness: '/r' } };
  // @ts-expect-error unknown size
  expect(() => defineApp({ ...app, database: { engine: 'postgres', size: 'huge' } })).toThrow(/database\.size: must be one of small, medium, large/);
  // @ts-expect-error unknown engine
  expect(() => defineApp({ ...app, database: { engine: 'mysql' } })).toThrow(/database\.engine: must be one of postgres/);
  const small = { instanceClass: 'db.t4g.micro', storageGiB: 20 } as const;
  expect(() =>
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error every size is required
      database: { sizes: { small, medium: small } },
    })).toThrow(/database\.sizes\.large: is required/);
  expect(() =>
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error instance class not in INSTANCE_CLASSES
      database: { sizes: { small, medium: small, large: { instanceClass: 'db.t3.micro', storageGiB: 20 } } },
    })).toThrow(/database\.sizes\.large\.instanceClass: must be one of db\.t4g\.micro/);
});

test('escape-hatch patches with an unknown op or without a value, and an extra object without a name, do not compile, and are refused at run time', () => {
  const app = { name: 'x', team: 't', image: 'a/b', port: 1, health: { liveness: '/l', readiness: '/r' } };
  // @ts-expect-error unknown op
  expect(() => defineApp({ ...app, patches: [{ target: { kind: 'Deployment' }, ops: [{ op: 'merge', path: '/spec' }] }] })).toThrow(/patches\[0\]\.ops\[0\]\.op: must be one of add, remove, replace, copy, move, test/);
  // @ts-expect-error add needs a value
  expect(() => defineApp({ ...app, patches: [{ target: { kind: 'Deployment' }, ops: [{ op: 'add', path: '/spec/paused' }] }] })).toThrow(/patches\[0\]\.ops\[0\]\.value: is required for add/);
  // @ts-expect-error an extra object needs metadata.name
  expect(() => defineApp({ ...app, extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }] })).toThrow(/extraObjects\[0\]\.metadata\.name: must be a non-empty string/);
});
