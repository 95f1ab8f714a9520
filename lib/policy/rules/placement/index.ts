import { hostOf, PlatformCluster } from '../../../model/clusters';
import { clusterName, parseDistPath } from '../../../model/layout';
import { defineRule, ManifestObject, PolicyFinding, Rule } from '../../engine';
import { isBuiltinKind } from '../schema-core';
import { compositionBases, compositionFunctions, crossplaneObjectsOn } from './crossplane';
import { prometheusSelects } from './monitoring';
import { isGatewayApi, routeProblems } from './routes';
import {
  describeCluster, describeNeed, ingressPlacement, METRICS_SERVER, missingProvider, Need, placeOf, providersOn, vclusterApplication, valueAt,
} from './where';

/*
 * The placement ("needs") rules: place every object of dist/ on the cluster it is applied to (./where.ts) and
 * require what it needs there: its kind served, a metrics API for an HPA, a controller for an Ingress's class, an
 * HTTPRoute's parent Gateway and backends (./routes.ts), and each host+path claimed once per controller. They run
 * when the context knows the platform's clusters and add-ons (synth, and npm run validate of a directory with the
 * dist/ layout); other input is skipped, like the expansion
 * check. No opt-out: the cluster, not the app, decides whether the object can run.
 */

const WHEN = 'Runs in synth and in npm run validate of a directory with the dist/ layout (with the platform\'s envs and envs/addons.ts); skipped for other input.';
const PLACEMENT =
  'Each file is placed where it is applied: apps/<env>/<region>/<app>/ in vcluster <env>-<region>, argocd/** on the hub (the root Application syncs it there); an add-on Application deploys its chart to its destination cluster, and what the chart makes that cluster serve is what the add-on declares in envs/addons.ts (`serves`), since we do not render charts.';

/** `apiVersion` -> API group ('' for the core group). */
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

const isKind = (m: ManifestObject, group: string, kind: string): boolean =>
  m.object.kind === kind && typeof m.object.apiVersion === 'string' && groupOf(m.object.apiVersion) === group;

export const servedKinds: Rule = defineRule({
  id: 'cluster/served-kinds',
  severity: 'error',
  reason: 'every object\'s kind must be served in the cluster it is applied to',
  optOut: false,
  explain:
    `${PLACEMENT} There, the object's kind must be served: a built-in kind of the clusters' Kubernetes version (imports/schemas/kubernetes), a custom resource whose CRD an add-on installed on that cluster declares, or, on the hub, Argo CD's kinds (Argo CD is installed before argocd/root.yaml is applied: a bootstrap prerequisite, then the argo-cd add-on manages it). A vcluster gets no custom resource from its host: open-source vcluster 0.36.1 syncs none (sync.*.customResources is a licensed vCluster Platform feature), so a SealedSecret in a vcluster needs the sealed-secrets add-on in that vcluster. Otherwise Argo CD's sync fails on a kind the cluster does not know. Fix: add the add-on (or the cluster to its target) in envs/addons.ts, or move the object. ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    return ctx.objects.flatMap((m) => {
      const { apiVersion, kind } = m.object;
      const cluster = placeOf(p, m.file);
      if (!cluster || typeof apiVersion !== 'string' || typeof kind !== 'string') return [];
      // The object itself, and what a Crossplane Composition composes there (each base needs its provider on that cluster).
      const wanted = [{ path: '', apiVersion, kind }, ...compositionBases(m).map((b) => ({ path: b.path, apiVersion: b.base.apiVersion as string, kind: b.base.kind as string }))];
      return wanted.flatMap((w) => {
        const need: Need = { group: groupOf(w.apiVersion), kind: w.kind };
        if (isBuiltinKind(need.group, w.kind) || providersOn(p, cluster, need, ctx.objects).length > 0) return [];
        const vcluster = cluster.kind !== 'vcluster' ? ''
          // Open-source vcluster 0.36.1 syncs Gateway API routes when its values turn sync.toHost.gatewayApi on; the platform
          // keeps routes host-side (docs/architecture.md, Routes). Other custom resources need the licensed vCluster Platform.
          : need.group === 'gateway.networking.k8s.io'
            ? '; the platform routes through the Gateway API from the host side: set expose.kind \'gateway\' (or the env\'s ingress.kind) instead of an HTTPRoute in the app'
            : '; a vcluster syncs no custom resources from its host (vcluster 0.36.1: a licensed vCluster Platform feature)';
        const composed = w.path ? '; a composed kind is served by its provider package (a pkg.crossplane.io Provider on that cluster)' : '';
        return [report(m, w.path, `${describeCluster(cluster)} does not serve ${describeNeed(need)}: ${missingProvider(p, cluster, need, ctx.objects)}${vcluster}${composed}`)];
      });
    });
  },
});

/** HPA metric types read from metrics.k8s.io (a v2 HPA without metrics scales on CPU). */
const RESOURCE_METRICS = ['Resource', 'ContainerResource'];
const METRICS_API: Need = { api: 'metrics.k8s.io' };

export const metricsApi: Rule = defineRule({
  id: 'cluster/metrics-api',
  severity: 'error',
  reason: 'an HPA on resource metrics needs metrics.k8s.io in its cluster',
  optOut: false,
  explain:
    `${PLACEMENT} A HorizontalPodAutoscaler on CPU or memory (a Resource or ContainerResource metric, or no metrics: CPU) reads metrics.k8s.io. In a vcluster that API exists when the vcluster's values turn on ${METRICS_SERVER} (read from its Application in argocd/vclusters/<env>-<region>.yaml; the values derive it from the workload) and the integration proxies to the host's metrics-server, so the host must run an add-on serving metrics.k8s.io too; on the hub or a host, an add-on there must serve it. Without it the HPA reports FailedGetResourceMetric and Argo CD holds the sync wave. Custom and external metrics are not checked. ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    return ctx.objects.flatMap((m) => {
      const cluster = placeOf(p, m.file);
      if (!cluster || !isKind(m, 'autoscaling', 'HorizontalPodAutoscaler')) return [];
      const metrics = (m.object.spec as { metrics?: unknown } | undefined)?.metrics;
      const onResources = !Array.isArray(metrics) || metrics.length === 0 || metrics.some((x) => RESOURCE_METRICS.includes((x as { type?: string })?.type ?? ''));
      if (!onResources) return [];
      const api = describeNeed(METRICS_API);
      if (cluster.kind !== 'vcluster') {
        return providersOn(p, cluster, METRICS_API).length > 0 ? [] : [report(m, '', `${describeCluster(cluster)} does not serve ${api}: ${missingProvider(p, cluster, METRICS_API)}`)];
      }
      const vc = vclusterApplication(ctx, cluster);
      if (!vc) return [report(m, '', `${describeCluster(cluster)} has no vcluster Application in the input, so whether it serves ${api} (${METRICS_SERVER}) is unknown`)];
      const found: PolicyFinding[] = [];
      if (valueAt(vc.values, METRICS_SERVER) !== true) found.push(report(m, '', `${describeCluster(cluster)} does not serve ${api}: ${METRICS_SERVER} is not true in its values (${vc.file})`));
      const host = hostOf(p.clusters, cluster);
      if (providersOn(p, host, METRICS_API).length === 0) {
        found.push(report(m, '', `${describeCluster(cluster)} proxies ${api} to its host, and ${describeCluster(host)} does not serve it: ${missingProvider(p, host, METRICS_API)}`));
      }
      return found;
    });
  },
});

export const ingressController: Rule = defineRule({
  id: 'cluster/ingress-controller',
  severity: 'error',
  reason: 'an Ingress needs a controller for its class where it is served',
  optOut: false,
  explain:
    `${PLACEMENT} An Ingress in a vcluster is served on its host: the vcluster must sync Ingresses there (sync.toHost.ingresses.enabled in its values, read from argocd/vclusters/<env>-<region>.yaml), and an add-on on the host must serve its spec.ingressClassName (an IngressClass the add-on declares in \`serves.ingressClasses\`); an Ingress on the hub or a host needs that controller in the same cluster. Without it the Ingress is never admitted and nothing routes to the app. Fix: set the env's ingress.className to a class a host add-on serves, or add the controller to the hosts in envs/addons.ts. ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    return ctx.objects.flatMap((m) => {
      const cluster = placeOf(p, m.file);
      if (!cluster || !isKind(m, 'networking.k8s.io', 'Ingress')) return [];
      const where = ingressPlacement(ctx, p, m, cluster);
      if (!where.ok) return [report(m, where.path, where.message)];
      const need: Need = { ingressClass: where.ingressClass };
      if (providersOn(p, where.controller, need).length > 0) return [];
      const synced = where.controller.name !== cluster.name ? ` (where ${describeCluster(cluster)} syncs its Ingresses)` : '';
      return [report(m, 'spec.ingressClassName', `${describeCluster(where.controller)}${synced} has no controller for ${describeNeed(need)}: ${missingProvider(p, where.controller, need)}`)];
    });
  },
});

export const routeParent: Rule = defineRule({
  id: 'cluster/route-parent',
  severity: 'error',
  reason: 'an HTTPRoute needs its parent Gateway, a listener that admits it, and its backends where it is applied',
  optOut: false,
  explain:
    `${PLACEMENT} The counterpart of cluster/ingress-controller for the Gateway API. An HTTPRoute on the hub or a host (synth emits the apps' routes host-side, in each vcluster's host namespace: a vcluster syncs no custom resource to its host unless its gatewayApi sync is on, and cluster/served-kinds flags one inside) needs, on that cluster: each parentRef's Gateway (its namespace defaults to the route's), as an object of dist/ placed there or declared by an add-on installed there (\`serves.gateways\` in envs/addons.ts, e.g. the traefik chart's Gateway); a controller for that Gateway's GatewayClass (an add-on's \`serves.gatewayClasses\`); the listener its sectionName names; a listener whose allowedRoutes admits the route's namespace (from Same, the API's default, All, or a Selector matched against the namespace's labels from its Namespace object or the Application that creates it: a cross-namespace parentRef is governed by allowedRoutes, not by a ReferenceGrant); a listener hostname matching each of its hostnames (a "*." prefix is a suffix match, Gateway API v1.6.1); and for each Service backendRef in another namespace a ReferenceGrant there (from HTTPRoute in the route's namespace to that Service). In a vcluster's host namespace the backend must be one of the vcluster's Services under the name its syncer gives it there (<name>-x-<namespace>-x-<vcluster>, hashed past 63 characters: loft-sh/vcluster v0.36.1 translate.SafeConcatName), and its port a port of that Service. Otherwise the controller leaves the route unaccepted or without backends and nothing reaches the app. Fix: name the Gateway and listener of the env's hosts in the env's ingress.gateway, or declare or add that Gateway there. ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    return ctx.objects.flatMap((m) => {
      const cluster = placeOf(p, m.file);
      if (!cluster || cluster.kind === 'vcluster' || !isGatewayApi(m, 'HTTPRoute')) return [];
      return routeProblems(ctx, p, m, cluster).map((x) => report(m, x.path, x.message));
    });
  },
});

interface Claim {
  readonly m: ManifestObject;
  readonly path: string;
  /** The cluster the Ingress or HTTPRoute is applied to (a vcluster, or the controller's cluster itself). */
  readonly cluster: string;
  /** What claims it. */
  readonly kind: 'Ingress' | 'HTTPRoute';
}

export const uniqueHosts: Rule = defineRule({
  id: 'cluster/unique-hosts',
  severity: 'error',
  reason: 'each host+path must be claimed once per ingress controller, and an HTTPRoute hostname once per cluster',
  optOut: false,
  explain:
    `${PLACEMENT} Every rule of every Ingress (host, path) is grouped by the controller that serves it: the cluster it ends up in (a vcluster's host, as cluster/ingress-controller finds it) and its ingress class. The same host and path claimed twice on one controller is an error naming both files: the controller's admission rejects or shadows one of them, and its Application never becomes healthy. Every hostname of every HTTPRoute on the hub or a host is a claim of the whole hostname on that cluster, whose Gateways and Ingresses share one controller and one load balancer (Traefik serves both from the same pods): the same hostname in two HTTPRoutes, or in an HTTPRoute and an Ingress served there, is an error too. Regions sharing a host cluster share its controller, so their hostnames must differ (per-region hostnames). ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    const claims = new Map<string, Claim>();
    // Whole hostnames per controller cluster, from both Ingresses and HTTPRoutes (an HTTPRoute claims its whole hostname).
    const hostClaims = new Map<string, Claim>();
    const found: PolicyFinding[] = [];
    const clash = (m: ManifestObject, field: string, host: string, controller: PlatformCluster, first: Claim, cluster: string) => {
      const fix = first.cluster === cluster ? 'give each its own hostname' : `clusters ${first.cluster} and ${cluster} share this controller: give each its own hostname`;
      found.push(report(m, field, `${host} is already claimed on ${describeCluster(controller)} by the ${first.kind} of ${first.m.file} (${first.path}); an HTTPRoute claims its whole hostname there; ${fix}`));
    };
    for (const m of ctx.objects) {
      const cluster = placeOf(p, m.file);
      if (!cluster) continue;
      if (isGatewayApi(m, 'HTTPRoute') && cluster.kind !== 'vcluster') {
        // Whose route it is: a vcluster's (its host-side directory), or the cluster's own.
        const owner = parseDistPath(m.file);
        const claimant = owner?.kind === 'vcluster-host' ? clusterName(owner.env, owner.region) : cluster.name;
        const hostnames = (m.object.spec as { hostnames?: unknown } | undefined)?.hostnames;
        (Array.isArray(hostnames) ? hostnames : []).forEach((host: unknown, i) => {
          if (typeof host !== 'string') return;
          const field = `spec.hostnames[${i}]`;
          const key = [cluster.name, host].join('\0');
          const first = hostClaims.get(key);
          if (first) clash(m, field, host, cluster, first, claimant);
          else hostClaims.set(key, { m, path: field, cluster: claimant, kind: 'HTTPRoute' });
        });
        continue;
      }
      if (!isKind(m, 'networking.k8s.io', 'Ingress')) continue;
      const where = ingressPlacement(ctx, p, m, cluster);
      if (!where.ok) continue;
      const rules = (m.object.spec as { rules?: unknown } | undefined)?.rules;
      (Array.isArray(rules) ? rules : []).forEach((rule: { host?: unknown; http?: { paths?: unknown } }, i) => {
        const host = typeof rule?.host === 'string' ? rule.host : '*';
        const hostKey = [where.controller.name, host].join('\0');
        const byRoute = hostClaims.get(hostKey);
        if (byRoute?.kind === 'HTTPRoute') clash(m, `spec.rules[${i}].host`, host, where.controller, byRoute, cluster.name);
        else if (!byRoute) hostClaims.set(hostKey, { m, path: `spec.rules[${i}].host`, cluster: cluster.name, kind: 'Ingress' });
        const paths = Array.isArray(rule?.http?.paths) ? rule.http.paths : [];
        paths.forEach((entry: { path?: unknown }, j) => {
          const path = typeof entry?.path === 'string' ? entry.path : '/';
          const key = [where.controller.name, where.ingressClass, host, path].join('\0');
          const field = `spec.rules[${i}].http.paths[${j}].path`;
          const first = claims.get(key);
          if (!first) {
            claims.set(key, { m, path: field, cluster: cluster.name, kind: 'Ingress' });
            return;
          }
          const fix = first.cluster === cluster.name ? 'give each Ingress its own host or path' : `clusters ${first.cluster} and ${cluster.name} share this controller: give each its own hostname`;
          found.push(report(m, field, `${host}${path} is already claimed on IngressClass ${where.ingressClass} of ${describeCluster(where.controller)} by ${first.m.file} (${first.path}); ${fix}`));
        });
      });
    }
    return found;
  },
});

export const crossplanePipeline: Rule = defineRule({
  id: 'cluster/crossplane-pipeline',
  severity: 'error',
  reason: 'a Crossplane XRD needs a Composition, and a Composition its functions, in the same cluster',
  optOut: false,
  explain:
    `${PLACEMENT} A claim or composite of an XRD is composed only if a Composition for the XRD's composite kind is in the same cluster (and the XRD's defaultCompositionRef, when set, names one), and a Composition in Pipeline mode runs only if every function its steps name (functionRef.name) is installed there as a pkg.crossplane.io Function. Otherwise Crossplane reports the composite as not Ready forever and the app waiting for its database never starts. Claims need their XRD there and Composition bases their provider: cluster/served-kinds checks those. ${WHEN}`,
  check(ctx, report) {
    const p = ctx.placement;
    if (!p) return [];
    const found: PolicyFinding[] = [];
    for (const m of ctx.objects) {
      const cluster = placeOf(p, m.file);
      if (!cluster) continue;
      for (const f of compositionFunctions(m)) {
        if (crossplaneObjectsOn(p, ctx.objects, cluster.name, 'pkg.crossplane.io', 'Function').some((o) => o.object.metadata?.name === f.name)) continue;
        found.push(report(m, f.path, `${describeCluster(cluster)} has no Function "${f.name}" (pkg.crossplane.io); install it there with this Composition`));
      }
      if (m.object.kind !== 'CompositeResourceDefinition' || !String(m.object.apiVersion).startsWith('apiextensions.crossplane.io/')) continue;
      const spec = m.object.spec as { group?: string; names?: { kind?: string }; defaultCompositionRef?: { name?: string } } | undefined;
      const compositions = crossplaneObjectsOn(p, ctx.objects, cluster.name, 'apiextensions.crossplane.io', 'Composition')
        .filter((c) => (c.object.spec as { compositeTypeRef?: { apiVersion?: string; kind?: string } })?.compositeTypeRef?.kind === spec?.names?.kind
          && String((c.object.spec as { compositeTypeRef?: { apiVersion?: string } })?.compositeTypeRef?.apiVersion).startsWith(`${spec?.group}/`));
      if (compositions.length === 0) {
        found.push(report(m, 'spec.names.kind', `${describeCluster(cluster)} has no Composition for ${spec?.group}/${spec?.names?.kind}; its claims would never be composed`));
      } else if (spec?.defaultCompositionRef?.name && !compositions.some((c) => c.object.metadata?.name === spec.defaultCompositionRef!.name)) {
        found.push(report(m, 'spec.defaultCompositionRef.name', `names Composition "${spec.defaultCompositionRef.name}", which ${describeCluster(cluster)} does not have (it has: ${compositions.map((c) => c.object.metadata?.name).join(', ')})`));
      }
    }
    return found;
  },
});

/** The placement rules of the gate. */
export const placementRules: Rule[] = [servedKinds, metricsApi, ingressController, routeParent, uniqueHosts, crossplanePipeline, prometheusSelects];
