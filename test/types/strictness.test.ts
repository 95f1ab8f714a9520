/**
 * Compile-time strictness: each `@ts-expect-error` below must be an error, or `npm run typecheck`
 * (part of `npm test`) fails. The runtime counterparts are in test/model/*.test.ts.
 */
import { defineApp, defineEnvironment, registerApps, registerEnvironments, Releases, TagPatterns } from '../../lib/model';

const echo = defineApp({ name: 'echo', team: 't', image: 'ghcr.io/acme/echo', port: 8080, health: { liveness: '/l', readiness: '/r' } });
const apps = registerApps(echo);
const base = {
  profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'info' as const },
  sync: { automated: true },
  ingress: { domain: 'dev.example.com' },
  tags: { allow: [TagPatterns.gitSha] },
};

const typeOnly = process.env.NEVER_SET_THIS === 'x';

test('strict types: unknown apps, regions and keys do not compile', () => {
  if (typeOnly) {
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error unknown app in overrides
      apps: { ech0: { replicas: 2 } },
    });
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error unknown region in a per-app override
      apps: { echo: { regions: { 'eu-west-2': { replicas: 2 } } } },
    });
    defineEnvironment(apps, {
      ...base,
      name: 'dev',
      regions: { 'us-east-1': {} },
      // @ts-expect-error misspelled key in an override
      apps: { echo: { replica: 2 } },
    });
    // @ts-expect-error misspelled key in an app
    defineApp({ name: 'x', team: 't', image: 'a/b', port: 1, health: { liveness: '/l', readiness: '/r' }, replica: 2 });
  }
  expect(true).toBe(true);
});

test('strict types: releases for unknown apps, envs and regions do not compile', () => {
  const dev = defineEnvironment(apps, { ...base, name: 'dev', regions: { 'us-east-1': {} } });
  const prod = defineEnvironment(apps, { ...base, name: 'prod', regions: { 'us-east-1': {}, 'eu-west-1': {} } });
  const envs = registerEnvironments(dev, prod);
  type R = Releases<typeof apps, typeof envs>;
  const ok = { echo: { dev: { tag: 'abcdef0' }, prod: { regions: { 'eu-west-1': { tag: 'abcdef1' } } } } } satisfies R;
  if (typeOnly) {
    // @ts-expect-error unknown app
    void ({ ech0: { dev: { tag: 'abcdef0' } } } satisfies R);
    // @ts-expect-error unknown env
    void ({ echo: { qa: { tag: 'abcdef0' } } } satisfies R);
    // @ts-expect-error region of another env
    void ({ echo: { dev: { regions: { 'eu-west-1': { tag: 'abcdef0' } } } } } satisfies R);
    // @ts-expect-error misspelled key
    void ({ echo: { dev: { tags: 'abcdef0' } } } satisfies R);
  }
  expect(ok.echo.dev.tag).toBe('abcdef0');
});
