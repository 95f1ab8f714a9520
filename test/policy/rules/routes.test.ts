/**
 * The gate on routes (lib/policy/rules/placement/routes.ts): cluster/route-parent, the counterpart of
 * cluster/ingress-controller for HTTPRoutes, and cluster/unique-hosts for HTTPRoute hostnames; on the frozen
 * example's golden dist/ (prod's book-shop is routed by the Gateway API) with planted gaps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { addons, envs, platform } from '../../fixtures/example/envs';
import { AddonCatalogue } from '../../../lib/model';
import { K8sObject, ManifestObject, PlacementContext, PolicyFinding, Rule } from '../../../lib/policy/engine';
import { platformPlacement, policyContext, runGate } from '../../../lib/policy/gate';
import { routeParent, servedKinds, uniqueHosts } from '../../../lib/policy/rules/placement';
import { EXAMPLE } from '../../support/repo';

/* eslint-disable @typescript-eslint/no-explicit-any */
const DIST = path.join(EXAMPLE, 'dist');
function distObjects(): ManifestObject[] {
  const out: ManifestObject[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(DIST, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (r.endsWith('.yaml')) parseAllDocuments(fs.readFileSync(path.join(DIST, r), 'utf8')).forEach((d, index) => out.push({ file: r, index, object: d.toJS() as K8sObject }));
    }
  };
  walk('');
  return out;
}

const objects = distObjects();
const placement = platformPlacement(platform, envs, addons);
const run = (rule: Rule, objs: readonly ManifestObject[] = objects, where: PlacementContext = placement): PolicyFinding[] =>
  rule.check(policyContext(objs, envs, undefined, undefined, where));
const brief = (found: PolicyFinding[]) => found.map((f) => `${f.file}: ${f.object}: ${f.path ? `${f.path}: ` : ''}${f.message}`);

const EU = 'vcluster-host/prod-eu-west-1/route-book-shop.yaml';
const US = 'vcluster-host/prod-us-east-1/route-book-shop.yaml';
const isRoute = (file: string) => (m: ManifestObject) => m.file === file && m.object.kind === 'HTTPRoute';
function edited(pick: (m: ManifestObject) => boolean, edit: (o: any) => void): ManifestObject[] {
  return objects.map((m) => {
    if (!pick(m)) return m;
    const o = structuredClone(m.object);
    edit(o);
    return { ...m, object: o };
  });
}
function catalogueWith(name: string, change: (a: AddonCatalogue['addons'][number]) => AddonCatalogue['addons'][number] | undefined): AddonCatalogue {
  return { addons: addons.addons.flatMap((a) => (a.name === name ? (change(a) ?? []) : [a])) };
}
const traefikWith = (serves: Partial<AddonCatalogue['addons'][number]['serves']>) =>
  platformPlacement(platform, envs, catalogueWith('traefik', (a) => ({ ...a, serves: { ...a.serves, ...serves } })));
const withListener = (edit: (l: any) => any) => traefikWith({
  gateways: addons.addons.find((a) => a.name === 'traefik')!.serves.gateways.map((g) => ({ ...g, listeners: g.listeners.map((l) => (l.name === 'websecure' ? edit(l) : l)) })),
});

describe('cluster/route-parent', () => {
  test('passes on the example: both prod routes have their Gateway (the traefik chart\'s, declared by the add-on), listener, namespace, hostname and Service', () => {
    expect(objects.filter((m) => m.object.kind === 'HTTPRoute').map((m) => m.file)).toEqual([EU, US]);
    expect(brief(run(routeParent))).toEqual([]);
    expect(brief(run(servedKinds))).toEqual([]);
  });

  test('a route whose Gateway is missing on its host: one finding per route, naming the cluster and where such a Gateway is declared', () => {
    const noGateway = traefikWith({ gateways: [] });
    expect(brief(run(routeParent, objects, noGateway))).toEqual([
      `${EU}: HTTPRoute vcluster-prod-eu-west-1/book-shop: spec.parentRefs[0]: Gateway traefik/traefik-gateway does not exist on host cluster host-eu-west-1: no object of dist/ there and no add-on installed there declares it (serves.gateways); create it there or name a Gateway of that cluster in the env's ingress.gateway`,
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.parentRefs[0]: Gateway traefik/traefik-gateway does not exist on hub cluster host-us-east-1: no object of dist/ there and no add-on installed there declares it (serves.gateways); create it there or name a Gateway of that cluster in the env's ingress.gateway`,
    ]);
    const renamed = edited(isRoute(EU), (o) => (o.spec.parentRefs[0].name = 'edge'));
    expect(brief(run(routeParent, renamed))).toEqual([
      `${EU}: HTTPRoute vcluster-prod-eu-west-1/book-shop: spec.parentRefs[0]: Gateway traefik/edge does not exist on host cluster host-eu-west-1: no object of dist/ there and no add-on installed there declares it (serves.gateways); create it there or name a Gateway of that cluster in the env's ingress.gateway`,
    ]);
  });

  test('a Gateway emitted in dist/ on the host counts as the parent', () => {
    const gateway: ManifestObject = {
      file: 'vcluster-host/prod-eu-west-1/route-edge.yaml', index: 0,
      object: {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'traefik' },
        spec: { gatewayClassName: 'traefik', listeners: [{ name: 'websecure', port: 8443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } }] },
      },
    };
    const renamed = edited(isRoute(EU), (o) => (o.spec.parentRefs[0].name = 'edge'));
    expect(brief(run(routeParent, [...renamed, gateway]))).toEqual([]);
    const otherClass = { ...gateway, object: { ...gateway.object, spec: { ...(gateway.object.spec as object), gatewayClassName: 'nginx' } } };
    expect(brief(run(routeParent, [...renamed, otherClass]))).toEqual([
      `${EU}: HTTPRoute vcluster-prod-eu-west-1/book-shop: spec.parentRefs[0]: Gateway traefik/edge (vcluster-host/prod-eu-west-1/route-edge.yaml) is of GatewayClass nginx, which no controller serves on host cluster host-eu-west-1: no add-on of the catalogue (envs/addons.ts) serves it; add one that does, with host-eu-west-1 in its target`,
    ]);
  });

  test('a sectionName the Gateway has no listener for', () => {
    const planted = edited(isRoute(US), (o) => (o.spec.parentRefs[0].sectionName = 'https'));
    expect(brief(run(routeParent, planted))).toEqual([
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.parentRefs[0].sectionName: Gateway traefik/traefik-gateway (add-on traefik) has no listener "https" (listeners: web, websecure)`,
    ]);
  });

  test('a listener whose allowedRoutes does not admit the vcluster\'s namespace (its labels: the Namespace, or the Application that creates it)', () => {
    const staging = withListener((l) => ({ ...l, allowedRoutes: { from: 'Selector', selector: { matchLabels: { 'platform.acme.io/env': 'staging' } } } }));
    const found = brief(run(routeParent, objects, staging));
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(
      `${EU}: HTTPRoute vcluster-prod-eu-west-1/book-shop: spec.parentRefs[0]: no listener of Gateway traefik/traefik-gateway admits routes of namespace vcluster-prod-eu-west-1 (labels {"app.kubernetes.io/managed-by":"typed-gitops","app.kubernetes.io/part-of":"gitops-control-plane","platform.acme.io/env":"prod","platform.acme.io/region":"eu-west-1"}): allowedRoutes websecure: from Selector {"matchLabels":{"platform.acme.io/env":"staging"}}; a cross-namespace parentRef is admitted by the listener's allowedRoutes, not by a ReferenceGrant`,
    );
    // The API's default, Same: the Gateway's own namespace only.
    expect(brief(run(routeParent, objects, withListener(({ allowedRoutes, ...l }) => l)))).toHaveLength(2); // eslint-disable-line @typescript-eslint/no-unused-vars
    expect(brief(run(routeParent, objects, withListener((l) => ({ ...l, allowedRoutes: { from: 'All' } }))))).toEqual([]);
  });

  test('a hostname the listener does not serve', () => {
    const planted = edited(isRoute(US), (o) => (o.spec.hostnames = ['books.acme.example']));
    expect(brief(run(routeParent, planted))).toEqual([
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.hostnames[0]: books.acme.example matches no hostname of the listeners it attaches to (websecure: *.acme.io of Gateway traefik/traefik-gateway), so the route is not accepted there`,
    ]);
  });

  test('a backend that is not a Service the vcluster syncs to its namespace, or not its port', () => {
    const name = edited(isRoute(US), (o) => (o.spec.rules[0].backendRefs[0].name = 'book-shop'));
    const found = brief(run(routeParent, name));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.rules\\[0\\].backendRefs\\[0\\].name: no Service book-shop in vcluster-prod-us-east-1 on hub cluster host-us-east-1 \\(there: book-shop-x-book-shop-x-prod-us-east-1, echo-journal-x-echo-x-prod-us-east-1, echo-x-echo-x-prod-us-east-1, `));
    const port = edited(isRoute(US), (o) => (o.spec.rules[0].backendRefs[0].port = 8000));
    expect(brief(run(routeParent, port))).toEqual([
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.rules[0].backendRefs[0].port: Service vcluster-prod-us-east-1/book-shop-x-book-shop-x-prod-us-east-1 has no port 8000 (ports: 80); a backendRef names a Service port, not a container port`,
    ]);
  });

  test('a backend in another namespace needs a ReferenceGrant there; with one, it passes', () => {
    const cross = edited(isRoute(US), (o) => (o.spec.rules[0].backendRefs[0] = { group: '', kind: 'Service', name: 'legacy', namespace: 'shop-legacy', port: 80 }));
    expect(brief(run(routeParent, cross))).toEqual([
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.rules[0].backendRefs[0].namespace: Service shop-legacy/legacy is in another namespace than the route, and no ReferenceGrant in shop-legacy on hub cluster host-us-east-1 lets HTTPRoutes of vcluster-prod-us-east-1 reference it; add one (from HTTPRoute in vcluster-prod-us-east-1, to Service legacy) or route to a Service of vcluster-prod-us-east-1`,
    ]);
    const grant: ManifestObject = {
      file: 'vcluster-host/prod-us-east-1/route-grant.yaml', index: 0,
      object: {
        apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'book-shop', namespace: 'shop-legacy' },
        spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'vcluster-prod-us-east-1' }], to: [{ group: '', kind: 'Service', name: 'legacy' }] },
      },
    };
    expect(brief(run(routeParent, [...cross, grant]))).toEqual([]);
  });

  test('an HTTPRoute inside a vcluster is not served there (no Gateway API in a vcluster): cluster/served-kinds, not this rule', () => {
    const route = objects.find(isRoute(US))!;
    const inside: ManifestObject = { ...route, file: 'apps/prod/us-east-1/book-shop/book-shop.yaml', index: 99 };
    expect(run(routeParent, [...objects, inside])).toEqual([]);
    expect(brief(run(servedKinds, [...objects, inside]))).toEqual([
      'apps/prod/us-east-1/book-shop/book-shop.yaml: HTTPRoute vcluster-prod-us-east-1/book-shop: vcluster prod-us-east-1 does not serve gateway.networking.k8s.io/HTTPRoute: no add-on installs it there (gateway-api serves it and targets hosts, not prod-us-east-1); the platform routes through the Gateway API from the host side: set expose.kind \'gateway\' (or the env\'s ingress.kind) instead of an HTTPRoute in the app',
    ]);
  });

  test('the hosts must serve HTTPRoute: without the gateway-api add-on, cluster/served-kinds reports both routes', () => {
    const without = platformPlacement(platform, envs, catalogueWith('gateway-api', () => undefined));
    expect(run(servedKinds, objects, without).filter((f) => f.object.startsWith('HTTPRoute')).map((f) => f.file)).toEqual([EU, US]);
  });
});

describe('cluster/unique-hosts: HTTPRoute hostnames', () => {
  test('an Ingress and an HTTPRoute claiming one hostname on one host', () => {
    const planted = edited((m) => m.file === 'apps/prod/us-east-1/echo/echo.yaml' && m.object.kind === 'Ingress', (o) => (o.spec.rules[0].host = 'books.acme.io'));
    expect(brief(run(uniqueHosts, planted))).toEqual([
      `${US}: HTTPRoute vcluster-prod-us-east-1/book-shop: spec.hostnames[0]: books.acme.io is already claimed on hub cluster host-us-east-1 by the Ingress of apps/prod/us-east-1/echo/echo.yaml (spec.rules[0].host); an HTTPRoute claims its whole hostname there; give each its own hostname`,
    ]);
  });

  test('two HTTPRoutes claiming one hostname on one host, even on other paths', () => {
    const route = objects.find(isRoute(US))!;
    const copy = structuredClone(route.object) as any;
    copy.metadata.name = 'books-api';
    copy.spec.rules[0].matches[0].path.value = '/api';
    const second: ManifestObject = { file: 'vcluster-host/prod-us-east-1/route-books-api.yaml', index: 0, object: copy };
    expect(brief(run(uniqueHosts, [...objects, second]))).toEqual([
      `vcluster-host/prod-us-east-1/route-books-api.yaml: HTTPRoute vcluster-prod-us-east-1/books-api: spec.hostnames[0]: books.acme.io is already claimed on hub cluster host-us-east-1 by the HTTPRoute of ${US} (spec.hostnames[0]); an HTTPRoute claims its whole hostname there; give each its own hostname`,
    ]);
  });

  test('the whole gate passes on the example, and synth would refuse a duplicated hostname', () => {
    expect(runGate(objects, envs, [], { placement }).filter((f) => f.rule.startsWith('cluster/'))).toEqual([]);
    const planted = edited((m) => m.file === 'apps/prod/us-east-1/echo/echo.yaml' && m.object.kind === 'Ingress', (o) => (o.spec.rules[0].host = 'books.acme.io'));
    expect(runGate(planted, envs, [], { placement }).map((f) => f.rule)).toContain('cluster/unique-hosts');
  });
});
