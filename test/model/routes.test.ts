/**
 * Routes in the model (lib/model/routes.ts, gateways.ts; host names: vcluster-sync.ts): how an exposed app is routed per
 * env and per app, the resolved instance (route instead of ingress), the host-side routes of the control plane,
 * the vcluster's host Service names, Gateway API hostname and allowedRoutes semantics, and bad input.
 */
import {
  admitsNamespace, AppInstance, ConfigError, defineEnvironment, hostnameMatches, hostServiceName, planControlPlane, registerApps, registerEnvironments, resolve,
  safeConcatName, selectorMatches, TagPatterns, traefikChartGateway,
} from '../../lib/model';
import { app, configError, platform } from '../support/fixtures';

const web = app('web', { expose: { subdomain: 'www' } });
const api = app('api', { expose: true, servicePort: 8081 });
const worker = app('worker');
const apps = registerApps(web, api, worker);

/** One env `dev` (one region) with `ingress` and per-app overrides as given. */
function envWith(ingress: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return defineEnvironment(apps, {
    name: 'dev',
    regions: { 'us-east-1': {} },
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'debug' },
    sync: { automated: true },
    ingress: { domain: 'dev.test.io', ...ingress },
    tags: { allow: [TagPatterns.gitSha] },
    apps: overrides,
  } as never);
}

function resolved(ingress: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const envs = registerEnvironments(envWith(ingress, overrides));
  const releases = { web: { dev: { tag: 'abcdef0' } }, api: { dev: { tag: 'abcdef0' } }, worker: { dev: { tag: 'abcdef0' } } };
  const result = resolve({ platform, apps, envs, releases });
  const byApp = (name: string): AppInstance => result.instances.find((i) => i.app === name)!;
  return { result, envs, byApp };
}

describe('the route kind, per env (ingress.kind) and per app (expose.kind)', () => {
  test('default: an Ingress, no route', () => {
    const { byApp } = resolved({ className: 'traefik' });
    expect(byApp('web').ingress).toEqual({ host: 'www.dev.test.io', path: '/', className: 'traefik', tlsSecretName: 'web-tls' });
    expect(byApp('web').route).toBeUndefined();
    expect(byApp('worker').ingress ?? byApp('worker').route).toBeUndefined();
  });

  test("an env with kind 'gateway' routes every exposed app by an HTTPRoute on its Gateway, and emits no Ingress", () => {
    const { byApp } = resolved({ kind: 'gateway', gateway: { name: 'gw', namespace: 'edge', sectionName: 'https' } });
    for (const name of ['web', 'api']) {
      expect(byApp(name).ingress).toBeUndefined();
      expect(byApp(name).route?.gateway).toEqual({ name: 'gw', namespace: 'edge', sectionName: 'https' });
    }
    expect(byApp('web').route).toEqual({ host: 'www.dev.test.io', path: '/', gateway: { name: 'gw', namespace: 'edge', sectionName: 'https' } });
    // The controller is let in either way (Traefik serves Ingresses and Gateways from the same pods).
    expect(byApp('web').network.ingressControllerNamespace).toBe(platform.ingressControllerNamespace);
    expect(byApp('worker').route).toBeUndefined();
  });

  test("the Gateway's defaults: the traefik chart's Gateway, in the ingress controller's namespace, listener websecure", () => {
    const { byApp } = resolved({ kind: 'gateway' });
    expect(byApp('web').route?.gateway).toEqual({ name: 'traefik-gateway', namespace: platform.ingressControllerNamespace, sectionName: 'websecure' });
  });

  test("an app's override picks the other kind: one app by the Gateway API in an Ingress env, and back", () => {
    const one = resolved({}, { api: { expose: { kind: 'gateway' } } });
    expect([one.byApp('web').ingress?.host, one.byApp('web').route]).toEqual(['www.dev.test.io', undefined]);
    expect([one.byApp('api').ingress, one.byApp('api').route?.host]).toEqual([undefined, 'api.dev.test.io']);
    const back = resolved({ kind: 'gateway' }, { web: { expose: { kind: 'ingress' } } });
    expect([back.byApp('web').ingress?.host, back.byApp('api').route?.host]).toEqual(['www.dev.test.io', 'api.dev.test.io']);
  });

  test("the control plane lists the region's routes host-side: the vcluster's namespace, the Service as the syncer names it there, the Service port", () => {
    const { result, envs } = resolved({ kind: 'gateway' });
    const cp = planControlPlane(platform, envs, result);
    const [region] = cp.envs[0].regions;
    expect(region.routes).toEqual([
      {
        app: 'api', team: 'team-a', namespace: 'vcluster-dev-us-east-1', host: 'api.dev.test.io', path: '/',
        gateway: { name: 'traefik-gateway', namespace: platform.ingressControllerNamespace, sectionName: 'websecure' },
        service: { name: 'api-x-api-x-dev-us-east-1', port: 8081 },
      },
      expect.objectContaining({ app: 'web', service: { name: 'web-x-web-x-dev-us-east-1', port: 80 } }),
    ]);
    // The host's controller reaches the routed apps' pods: their container ports are in the vcluster's workload ingress.
    expect(region.workload.ingressPorts).toEqual([8080]);
  });
});

describe("the vcluster syncer's host names (loft-sh/vcluster v0.36.1 pkg/util/translate SafeConcatName)", () => {
  test('<name>-x-<namespace>-x-<vcluster> up to 63 characters', () => {
    expect(hostServiceName('book-shop', 'book-shop', 'prod-eu-west-1')).toBe('book-shop-x-book-shop-x-prod-eu-west-1');
    const name63 = `${'a'.repeat(63 - '-x-ns-x-vc'.length)}`;
    expect(hostServiceName(name63, 'ns', 'vc')).toHaveLength(63);
  });

  test('past 63: the first 52 characters, "-" and 10 hex digits of the SHA-256 of the whole name (values from sha256sum)', () => {
    // printf %s incident-assistant-backend-x-incident-assistant-backend-x-staging-us-east-1 | sha256sum
    expect(hostServiceName('incident-assistant-backend', 'incident-assistant-backend', 'staging-us-east-1')).toBe('incident-assistant-backend-x-incident-assistant-back-c7bf7db097');
    // a "." at the cut: Go's strings.ReplaceAll(".-", "-")
    expect(safeConcatName(`${'a'.repeat(51)}.b`, 'x', 'nss', 'x', 'vc')).toBe(`${'a'.repeat(51)}-455a54ab88`);
  });
});

describe('Gateway API semantics the gate relies on (gateway-api v1.6.1, as Traefik v3.7.9 applies them)', () => {
  test.each([
    [undefined, 'books.acme.io', true],
    ['books.acme.io', 'books.acme.io', true],
    ['*.acme.io', 'books.acme.io', true],
    ['*.acme.io', 'a.books.acme.io', true],
    ['*.acme.io', 'acme.io', false],
    ['*.acme.io', 'books.acme.io.evil', false],
    ['*.dev.acme.io', 'books.acme.io', false],
    ['books.acme.io', '*.acme.io', true],
  ])('listener %s, route %s: %s', (listener, route, matches) => {
    expect(hostnameMatches(listener, route)).toBe(matches);
  });

  test('allowedRoutes: Same by default, All, or a Selector on the route namespace\'s labels (undecided when they are unknown)', () => {
    const l = { name: 'https', port: 8443, protocol: 'HTTPS' };
    expect([admitsNamespace(l, 'traefik', 'traefik'), admitsNamespace(l, 'traefik', 'vcluster-prod-us-east-1')]).toEqual([true, false]);
    expect(admitsNamespace({ ...l, allowedRoutes: { from: 'All' } }, 'traefik', 'x')).toBe(true);
    const selector = { ...l, allowedRoutes: { from: 'Selector' as const, selector: { matchLabels: { env: 'prod' } } } };
    expect([admitsNamespace(selector, 'traefik', 'x', { env: 'prod' }), admitsNamespace(selector, 'traefik', 'x', { env: 'dev' }), admitsNamespace(selector, 'traefik', 'x')]).toEqual([true, false, undefined]);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'tmp', operator: 'DoesNotExist' }] }, { env: 'staging' })).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { env: 'prod' })).toBe(false);
  });

  test("the traefik chart's Gateway from its values (templates/gateway.yaml @ v41.3.0): none without the provider, the default listener web merged", () => {
    expect(traefikChartGateway({}, 'traefik')).toBeUndefined();
    expect(traefikChartGateway({ providers: { kubernetesGateway: { enabled: true } }, gateway: { enabled: false } }, 'traefik')).toBeUndefined();
    expect(traefikChartGateway({ providers: { kubernetesGateway: { enabled: true } } }, 'traefik')).toEqual({
      name: 'traefik-gateway', namespace: 'traefik', gatewayClassName: 'traefik', listeners: [{ name: 'web', port: 8000, protocol: 'HTTP' }],
    });
    const g = traefikChartGateway({
      providers: { kubernetesGateway: { enabled: true } },
      gatewayClass: { name: 'edge' },
      gateway: { name: 'gw', listeners: { web: null, https: { port: 8443, protocol: 'HTTPS', hostname: '*.x.io', namespacePolicy: { from: 'All' }, certificateRefs: [{ name: 'c' }] } } },
    }, 'traefik');
    expect(g).toEqual({ name: 'gw', namespace: 'traefik', gatewayClassName: 'edge', listeners: [{ name: 'https', port: 8443, protocol: 'HTTPS', hostname: '*.x.io', allowedRoutes: { from: 'All' } }] });
  });
});

describe('bad input: one error naming the file and the field', () => {
  const expectAt = (e: ConfigError, field: string, reason: RegExp) => {
    expect([e.file, e.field]).toEqual([__filename, field]);
    expect(e.reason).toMatch(reason);
    expect(e.message.split('\n')).toHaveLength(1);
  };

  test.each([
    ['an unknown ingress.kind', { kind: 'gatway' }, {}, 'ingress.kind', /must be one of ingress, gateway, got "gatway"/],
    ['a misspelt gateway key', { gateway: { sectionname: 'x' } }, {}, 'ingress.gateway.sectionname', /did you mean "sectionName"/],
    ['a listener name with capitals', { gateway: { sectionName: 'WebSecure' } }, {}, 'ingress.gateway.sectionName', /"WebSecure" is not allowed; allowed: a listener name/],
    ['a namespace that is no DNS label', { gateway: { namespace: 'Traefik' } }, {}, 'ingress.gateway.namespace', /"Traefik" is not allowed/],
    ['an unknown expose.kind in an app override', {}, { api: { expose: { kind: 'httproute' } } }, 'apps.api.expose.kind', /must be one of ingress, gateway, got "httproute"/],
  ])('%s', (_what, ingress, overrides, field, reason) => {
    expectAt(configError(() => envWith(ingress, overrides)), field, reason);
  });

  test('an unknown expose.kind in an app spec', () => {
    const e = configError(() => app('bad', { expose: { kind: 'ingres' } as never }));
    expect(e.field).toBe('expose.kind');
    expect(e.reason).toBe('must be one of ingress, gateway, got "ingres"');
  });
});
