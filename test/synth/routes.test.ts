/**
 * Routes on the fixture repository: prod routes book-shop through the Gateway API (envs/prod.ts
 * `apps.book-shop.expose.kind: 'gateway'`), dev and staging keep its Ingress. The HTTPRoute is emitted host-side,
 * into each prod vcluster's host-side directory, attached to the hosts' Gateway and pointing at book-shop's Service
 * as the vcluster syncs it to its host namespace.
 */
import { App, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { AppRoute, IGNORE_HEALTHCHECK } from '../../lib/constructs/app-route';
import { GoldenApp } from '../../lib/constructs/golden-app';
import { hostServiceName, parseDistPath, vclusterHostAppFile, vclusterHostDir } from '../../lib/model';
import { validateCustomResource } from '../../lib/policy';
import { planSynth } from '../../lib/synth';
import { goldenAppPropsOf } from '../../lib/synth/golden-app-props';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (path: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === path)?.content ?? '').map((d) => d.toJS());
const all = plan.files.flatMap((f) => (f.docs ?? []).map((o: any) => ({ file: f.path, o })));

describe('the example: book-shop by the Gateway API in prod, by an Ingress in dev and staging', () => {
  test('the per-env choice: an Ingress for book-shop in dev and staging only; in prod an HTTPRoute per region instead', () => {
    const ingresses = all.filter(({ o }) => o.kind === 'Ingress' && o.metadata.name === 'book-shop').map(({ file }) => file);
    expect(ingresses).toEqual(['apps/dev/us-east-1/book-shop/book-shop.yaml', 'apps/staging/us-east-1/book-shop/book-shop.yaml']);
    const routes = all.filter(({ o }) => o.kind === 'HTTPRoute').map(({ file }) => file);
    expect(routes).toEqual([vclusterHostAppFile('prod', 'eu-west-1', 'route', 'book-shop'), vclusterHostAppFile('prod', 'us-east-1', 'route', 'book-shop')]);
    // The other apps of prod keep their Ingresses.
    expect(all.filter(({ file, o }) => o.kind === 'Ingress' && file.startsWith('apps/prod/')).map(({ o }) => o.metadata.name).sort()).toEqual(['echo', 'echo', 'incident-assistant-frontend']);
  });

  test.each(['us-east-1', 'eu-west-1'])('prod/%s: the route, host-side in the vcluster\'s namespace, to the Service as the syncer names it', (region) => {
    const file = vclusterHostAppFile('prod', region, 'route', 'book-shop');
    expect(file.startsWith(`${vclusterHostDir('prod', region)}/`)).toBe(true);
    expect(parseDistPath(file)).toEqual({ kind: 'vcluster-host', env: 'prod', region, part: 'route', app: 'book-shop' });
    const [route, ...rest] = docs(file);
    expect(rest).toEqual([]);
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({
      name: 'book-shop',
      namespace: `vcluster-prod-${region}`,
      annotations: { [IGNORE_HEALTHCHECK]: 'true' },
      labels: {
        'app.kubernetes.io/name': 'book-shop', 'app.kubernetes.io/managed-by': 'typed-gitops',
        'platform.acme.io/team': 'shop', 'platform.acme.io/env': 'prod', 'platform.acme.io/region': region,
      },
    });
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'traefik-gateway', namespace: 'traefik', sectionName: 'websecure' }]);
    expect(route.spec.hostnames).toEqual(['books.acme.io']);
    expect(route.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: `book-shop-x-book-shop-x-prod-${region}`, port: 80 }],
    }]);
    // The backend is the golden app's Service (name, namespace, port) as the vcluster syncs it to its host namespace.
    const service = docs(`apps/prod/${region}/book-shop/book-shop.yaml`).find((o) => o.kind === 'Service');
    expect(route.spec.rules[0].backendRefs[0]).toMatchObject({ name: hostServiceName(service.metadata.name, service.metadata.namespace, `prod-${region}`), port: service.spec.ports[0].port });
    // Same namespace as the Service: no ReferenceGrant anywhere.
    expect(all.filter(({ o }) => o.kind === 'ReferenceGrant')).toEqual([]);
  });

  test('the routes are schema-valid HTTPRoutes (gateway-api v1.6.1 CRD), and a planted bad field is not', () => {
    const routes = all.filter(({ o }) => o.kind === 'HTTPRoute');
    expect(routes.length).toBe(2);
    for (const { o } of routes) expect(validateCustomResource(o)).toEqual([]);
    const bad = structuredClone(routes[0].o);
    bad.spec.parentRefs[0].sectionname = 'websecure';
    bad.spec.rules[0].matches[0].path.type = 'Prefix';
    expect(validateCustomResource(bad).map((f) => f.path).sort()).toEqual(['spec.parentRefs[0].sectionname', 'spec.rules[0].matches[0].path.type']);
  });

  test('the vcluster-host Application of each prod vcluster syncs the directory the route is in; prod keeps Traefik let in on book-shop\'s port', () => {
    for (const region of ['us-east-1', 'eu-west-1']) {
      const app = docs(`argocd/vclusters/prod-${region}.yaml`).find((o) => o.kind === 'Application' && o.metadata.name === `vcluster-host-prod-${region}`);
      expect(app.spec.source.path).toBe(`dist/${vclusterHostDir('prod', region)}`);
      const policy = docs(`apps/prod/${region}/book-shop/book-shop.yaml`).find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'book-shop');
      expect(policy.spec.ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ port: 8000, protocol: 'TCP' }] });
    }
  });
});

describe('the golden app and the AppRoute construct', () => {
  test('the golden app renders no Ingress for an instance routed by the Gateway API (it has route, not ingress)', () => {
    const instance = plan.resolved.instances.find((i) => i.env === 'prod' && i.region === 'eu-west-1' && i.app === 'book-shop')!;
    expect([instance.ingress, instance.route?.host]).toEqual([undefined, 'books.acme.io']);
    const app = new App({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
    new GoldenApp(chart, 'app', goldenAppPropsOf(instance));
    expect(chart.toJson().map((o: any) => o.kind)).not.toContain('Ingress');
  });

  test('AppRoute: defaults (path /, no sectionName, no annotation) and one-line errors naming the field', () => {
    const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c', { disableResourceNameHashes: true });
    const r = new AppRoute(chart, 'r', { name: 'x', namespace: 'ns', hostnames: ['x.io'], gateway: { name: 'gw', namespace: 'edge' }, backend: { name: 'svc', port: 80 } });
    const json = r.route.toJson();
    expect(json.metadata).toEqual({ name: 'x', namespace: 'ns' });
    expect(json.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'edge' }]);
    expect(json.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    const base = { name: 'x', namespace: 'ns', hostnames: ['x.io'], gateway: { name: 'gw', namespace: 'edge' }, backend: { name: 'svc', port: 80 } };
    expect(() => new AppRoute(chart, 'a', { ...base, hostnames: [] })).toThrow('AppRoute ns/x: hostnames: needs at least one hostname');
    expect(() => new AppRoute(chart, 'b', { ...base, path: 'api' })).toThrow('AppRoute ns/x: path: "api" must start with "/"');
    expect(() => new AppRoute(chart, 'c', { ...base, backend: { name: 'svc', port: 0 } })).toThrow('AppRoute ns/x: backend.port: must be a port from 1 to 65535, got 0');
  });
});
