import {
  AppSpec, ConfigError, defineApp, defineEnvironment, definePlatform, EnvironmentSpec, registerApps, registerEnvironments, TagPatterns,
} from '../../lib/model';

/** Small in-memory repositories for unit tests of resolve and the constructs. */
export const platform = definePlatform({ labelDomain: 'platform.test.io', gitops: { repoURL: 'https://git.test.io/acme/gitops.git' } });

export function app<N extends string>(name: N, extra: Partial<AppSpec<N>> = {}) {
  return defineApp<N>({
    name,
    team: 'team-a',
    image: `ghcr.io/test/${name}`,
    port: 8080,
    health: { liveness: '/healthz', readiness: '/readyz' },
    ...extra,
  } as AppSpec<N>);
}

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;

type EnvExtra = Omit<Partial<EnvironmentSpec<never, string, string>>, 'apps'> & { apps?: Record<string, unknown> };

/** dev (1 region, automated, SHA/snapshot tags) and prod (2 regions, vX.Y.Z + digest) for the given apps. */
export function envsFor(apps: ReturnType<typeof registerApps>, devExtra: EnvExtra = {}, prodExtra: EnvExtra = {}) {
  const dev = defineEnvironment(apps, {
    name: 'dev',
    regions: { 'us-east-1': {} },
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug' },
    sync: { automated: true },
    ingress: { domain: 'dev.test.io' },
    tags: { allow: [TagPatterns.gitSha, TagPatterns.snapshot] },
    ...(devExtra as object),
  } as never);
  const prod = defineEnvironment(apps, {
    name: 'prod',
    regions: { 'us-east-1': {}, 'eu-west-1': {} },
    profile: {
      replicas: 3,
      resources: { cpu: { request: '500m', limit: '1000m' }, memory: { request: '512Mi', limit: '1Gi' } },
      logLevel: 'info',
      spreadAcrossZones: true,
    },
    sync: { automated: false },
    ingress: { domain: 'test.io', clusterIssuer: 'letsencrypt' },
    tags: { allow: [TagPatterns.release], requireDigest: true },
    ...(prodExtra as object),
  } as never);
  return registerEnvironments(dev, prod);
}

/** Runs `fn` and returns the ConfigError it throws (fails the test when it throws nothing or something else). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got: ${String(e)}`);
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
