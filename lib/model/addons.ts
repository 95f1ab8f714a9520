import { deepFreeze, setSource, sourceOf } from './app';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { ADDON_WAVES, PlatformCluster, PlatformClusters } from './clusters';
import { ConfigError, callerFile } from './errors';
import { checkGateways, GatewayDeclaration } from './gateways';
import { addonApplicationName, addonFile } from './layout';
import { unknownEnvironment, unknownRegion } from './names';
import { mergeValues } from './vcluster-values';

/**
 * The add-on catalogue (envs/addons.ts): the cluster add-ons Argo CD installs from Helm charts, one
 * Application per add-on per target cluster (lib/model/clusters.ts). Pure.
 */

/** Where an add-on runs: the hub (Argo CD's cluster), every host cluster, or every vcluster. */
export type AddonTarget = 'hub' | 'hosts' | 'vclusters';
export const ADDON_TARGETS: readonly AddonTarget[] = ['hub', 'hosts', 'vclusters'];

/** A partial of a chart's values, for overrides: maps merge key by key, lists and scalars replace. */
export type ValuesOverride<V> = { readonly [K in keyof V]?: V[K] extends readonly unknown[] ? V[K] : V[K] extends object ? ValuesOverride<V[K]> : V[K] };

/** An env's overrides of an add-on's values (add-ons that target vclusters only). */
export interface AddonEnvOverride<V> {
  /** Merged over the add-on's values in every region of the env. */
  readonly values?: ValuesOverride<V>;
  /** Merged over the env's values in that region. */
  readonly regions?: { readonly [region: string]: ValuesOverride<V> };
}

/** A cluster-scoped kind the chart creates (allowed in the platform AppProject). */
export interface ClusterResource {
  /** API group; '' for the core group. */
  readonly group: string;
  readonly kind: string;
}

/**
 * What an add-on makes a cluster serve, for the placement ("needs") checks of the policy gate
 * (lib/policy/rules/placement.ts): the kinds its CRDs define, the aggregated APIs it registers, the
 * IngressClasses and GatewayClasses its controller serves and the Gateways it creates. Written by hand from
 * the chart at its pinned version (its CRDs, APIService, IngressClass, GatewayClass and Gateway templates):
 * we do not render the charts.
 */
export interface AddonServes {
  /** Kinds its CRDs define, by API group: `{ 'bitnami.com': ['SealedSecret'] }`. */
  readonly kinds?: { readonly [group: string]: readonly string[] };
  /** API groups it serves through an APIService (aggregated APIs), e.g. `metrics.k8s.io`. */
  readonly apis?: readonly string[];
  /** Names of the IngressClasses whose Ingresses its controller serves. */
  readonly ingressClasses?: readonly string[];
  /** Names of the GatewayClasses whose Gateways its controller serves. */
  readonly gatewayClasses?: readonly string[];
  /** The Gateways it creates (e.g. from the chart's values: lib/model/gateways.ts `traefikChartGateway`). */
  readonly gateways?: readonly GatewayDeclaration[];
}

/** {@link AddonServes} with every list present. */
export interface AddonServesDefinition {
  readonly kinds: { readonly [group: string]: readonly string[] };
  readonly apis: readonly string[];
  readonly ingressClasses: readonly string[];
  readonly gatewayClasses: readonly string[];
  readonly gateways: readonly GatewayDeclaration[];
}

/**
 * The kinds Argo CD serves, on the hub. A bootstrap prerequisite as well as an add-on: Argo CD is
 * installed by hand before argocd/root.yaml is applied (README "Bootstrap"), then the argo-cd add-on
 * manages it; the placement checks take them as served on the hub whatever the catalogue says.
 */
export const ARGOCD_SERVES: AddonServes = { kinds: { 'argoproj.io': ['Application', 'ApplicationSet', 'AppProject'] } };

/**
 * One add-on: a pinned Helm chart, or a directory of plain manifests of a Git repository at a tag (e.g. the
 * Gateway API CRDs, which are released as files, not as a chart), installed into a namespace of each of its
 * target clusters.
 */
export interface AddonSpec<V extends object = Record<string, unknown>> {
  /** Helm repository (`https://...`, a classic repository index, or `oci://registry/path`), or the Git repository of `path`. */
  readonly repoURL: string;
  /** Chart name in the repository (a Helm add-on; exactly one of `chart` and `path`). */
  readonly chart?: string;
  /**
   * A directory of the Git repository `repoURL` whose manifests Argo CD applies as they are (a directory
   * source, not recursive), instead of a chart; `values`, `envs` and `releaseName` do not apply.
   */
  readonly path?: string;
  /** Exact chart version (`1.2.3` or `v1.2.3`, as the chart publishes it), or the Git tag of `path`; no ranges. */
  readonly version: string;
  /** Namespace of the release on each target cluster (created by the sync). */
  readonly namespace: string;
  /** Where it runs. */
  readonly target: AddonTarget;
  /**
   * Helm release name.
   * @default the add-on's name
   */
  readonly releaseName?: string;
  /** Chart values (Argo CD `helm.valuesObject`). */
  readonly values?: V;
  /** Per env, and per env/region, overrides (target 'vclusters' only: a hub or host serves every env). */
  readonly envs?: { readonly [env: string]: AddonEnvOverride<V> };
  /**
   * Sync with `ServerSideApply=true` (charts whose CRDs exceed the 262144-byte annotation of client-side apply).
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Sync wave, inside its target's range (ADDON_WAVES): e.g. a CRD provider before its consumers.
   * @default ADDON_WAVES[target].default
   */
  readonly syncWave?: number;
  /**
   * Let automated sync prune (delete) resources that left the chart. Off for Argo CD itself: a bad
   * render must not delete the controller that would repair it.
   * @default true
   */
  readonly prune?: boolean;
  /** Cluster-scoped kinds the chart creates (the platform AppProject allows exactly these). */
  readonly clusterResources?: readonly ClusterResource[];
  /** Namespaces the chart writes to besides its own (e.g. exporter Services in kube-system). */
  readonly extraNamespaces?: readonly string[];
  /** What it makes its target clusters serve (kinds, aggregated APIs, IngressClasses). @default nothing */
  readonly serves?: AddonServes;
  /** What it is for (a comment in the Application). */
  readonly description?: string;
}

/** An add-on with every default filled in. */
export interface AddonDefinition {
  readonly name: string;
  readonly repoURL: string;
  /** The chart (a Helm add-on), or undefined for a Git directory add-on (`path`). */
  readonly chart?: string;
  /** The Git directory (a directory add-on). */
  readonly path?: string;
  readonly version: string;
  readonly namespace: string;
  readonly target: AddonTarget;
  readonly releaseName: string;
  readonly values: Record<string, unknown>;
  readonly envs: { readonly [env: string]: { readonly values?: object; readonly regions?: { readonly [region: string]: object } } };
  readonly serverSideApply: boolean;
  readonly syncWave: number;
  readonly prune: boolean;
  readonly clusterResources: readonly ClusterResource[];
  readonly extraNamespaces: readonly string[];
  readonly serves: AddonServesDefinition;
  readonly description?: string;
}

/** The catalogue, in the order it is written. */
export interface AddonCatalogue {
  readonly addons: readonly AddonDefinition[];
}

/** An exact chart version: semver, optional leading "v" (cert-manager publishes `v1.21.1`). */
const CHART_VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const REPO = /^(https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)*\/?|oci:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)+)$/;
const CHART = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/;
const KIND = /^[A-Z][A-Za-z0-9]{0,62}$/;
/** A directory of a repository: relative, no "." or ".." segments. */
const REPO_PATH = /^(?!.*(^|\/)\.{1,2}(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const SPEC_KEYS = ['repoURL', 'chart', 'path', 'version', 'namespace', 'target', 'releaseName', 'values', 'envs', 'serverSideApply', 'syncWave', 'prune', 'clusterResources', 'extraNamespaces', 'serves', 'description'];

/**
 * Defines the add-on catalogue, keyed by add-on name. Write each add-on `{ ... } satisfies
 * AddonSpec<ChartValues>` to type its values. Every field is checked at run time (synth does not
 * type-check); env and region names in overrides are checked against the envs when the catalogue is
 * planned ({@link planAddons}).
 */
export function defineAddons(spec: { readonly [name: string]: AddonSpec<object> }): AddonCatalogue {
  const file = callerFile();
  const c = new Checker(file);
  const all = c.object(spec, 'addons');
  const addons = Object.entries(all).map(([name, raw]): AddonDefinition => {
    c.string(name, name, { pattern: DNS_LABEL, allowed: `an add-on name: ${DNS_LABEL_ALLOWED}` });
    const a = c.object(raw, name);
    c.keys(a, name, SPEC_KEYS);
    const target = c.oneOf(a.target, `${name}.target`, ADDON_TARGETS);
    const waves = ADDON_WAVES[target];
    const values = a.values === undefined ? {} : c.object(a.values, `${name}.values`);
    const envs = a.envs === undefined ? {} : c.object(a.envs, `${name}.envs`);
    if ((a.chart === undefined) === (a.path === undefined)) c.fail(a.chart === undefined ? `${name}.chart` : `${name}.path`, 'give exactly one of chart (a Helm chart) and path (a directory of the Git repository repoURL)');
    if (a.path !== undefined) {
      for (const helmOnly of ['values', 'envs', 'releaseName'] as const) {
        if (a[helmOnly] !== undefined) c.fail(`${name}.${helmOnly}`, `applies to a Helm chart only; ${name} applies the manifests of ${String(a.path)} as they are`);
      }
    }
    if (a.envs !== undefined && target !== 'vclusters') {
      c.fail(`${name}.envs`, `per-env overrides apply only to add-ons whose target is "vclusters" (a ${target === 'hub' ? 'hub' : 'host'} cluster serves every env); put the values in ${name}.values`);
    }
    for (const [env, o] of Object.entries(envs)) {
      const ov = c.object(o, `${name}.envs.${env}`);
      c.keys(ov, `${name}.envs.${env}`, ['values', 'regions']);
      if (ov.values !== undefined) c.object(ov.values, `${name}.envs.${env}.values`);
      if (ov.regions !== undefined) {
        for (const [region, v] of Object.entries(c.object(ov.regions, `${name}.envs.${env}.regions`))) c.object(v, `${name}.envs.${env}.regions.${region}`);
      }
    }
    const clusterResources = a.clusterResources === undefined ? [] : arrayOf(c, a.clusterResources, `${name}.clusterResources`).map((r, i) => {
      const o = c.object(r, `${name}.clusterResources[${i}]`);
      c.keys(o, `${name}.clusterResources[${i}]`, ['group', 'kind']);
      if (typeof o.group !== 'string' || !GROUP.test(o.group)) c.fail(`${name}.clusterResources[${i}].group`, `must be an API group ('' for the core group), got ${JSON.stringify(o.group)}`);
      return { group: o.group as string, kind: c.string(o.kind, `${name}.clusterResources[${i}].kind`, { pattern: KIND, allowed: 'a Kind such as "ClusterRole"' }) };
    });
    return {
      name,
      repoURL: c.string(a.repoURL, `${name}.repoURL`, { pattern: REPO, allowed: 'a Helm repository URL such as "https://charts.jetstack.io" or "oci://ghcr.io/org/charts"' }),
      ...(a.chart !== undefined ? { chart: c.string(a.chart, `${name}.chart`, { pattern: CHART, allowed: 'a chart name such as "cert-manager"' }) } : {}),
      ...(a.path !== undefined ? { path: c.string(a.path, `${name}.path`, { pattern: REPO_PATH, allowed: 'a directory of the repository such as "config/crd/standard"' }) } : {}),
      version: c.string(a.version, `${name}.version`, { pattern: CHART_VERSION, allowed: `an exact ${a.path !== undefined ? 'Git tag' : 'chart version'} such as "2.9.0" or "v1.21.1" (no ranges)` }),
      namespace: c.string(a.namespace, `${name}.namespace`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED }),
      target,
      releaseName: c.optionalString(a.releaseName, `${name}.releaseName`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED }) ?? name,
      values,
      envs: envs as AddonDefinition['envs'],
      serverSideApply: c.optionalBoolean(a.serverSideApply, `${name}.serverSideApply`) ?? false,
      syncWave: c.optionalInteger(a.syncWave, `${name}.syncWave`, waves.min, waves.max) ?? waves.default,
      prune: c.optionalBoolean(a.prune, `${name}.prune`) ?? true,
      clusterResources,
      extraNamespaces: a.extraNamespaces === undefined ? [] : c.stringArray(a.extraNamespaces, `${name}.extraNamespaces`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED }),
      serves: checkServes(c, a.serves, `${name}.serves`),
      ...(a.description !== undefined ? { description: c.string(a.description, `${name}.description`) } : {}),
    };
  });
  return setSource(deepFreeze(structuredClone({ addons })), file);
}

/** Checks an add-on's `serves`, filling in empty lists. */
export function checkServes(c: Checker, value: unknown, path: string): AddonServesDefinition {
  if (value === undefined) return { kinds: {}, apis: [], ingressClasses: [], gatewayClasses: [], gateways: [] };
  const o = c.object(value, path);
  c.keys(o, path, ['kinds', 'apis', 'ingressClasses', 'gatewayClasses', 'gateways']);
  const kinds: Record<string, string[]> = {};
  for (const [group, list] of Object.entries(o.kinds === undefined ? {} : c.object(o.kinds, `${path}.kinds`))) {
    if (!GROUP.test(group) || group === '') c.fail(`${path}.kinds.${group}`, 'must be a custom resource API group such as "bitnami.com"');
    kinds[group] = c.stringArray(list, `${path}.kinds.${group}`, { pattern: KIND, allowed: 'a Kind such as "SealedSecret"' });
  }
  const apis = o.apis === undefined ? [] : c.stringArray(o.apis, `${path}.apis`, { pattern: GROUP, allowed: 'an API group such as "metrics.k8s.io"' });
  const ingressClasses = o.ingressClasses === undefined ? [] : c.stringArray(o.ingressClasses, `${path}.ingressClasses`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  const gatewayClasses = o.gatewayClasses === undefined ? [] : c.stringArray(o.gatewayClasses, `${path}.gatewayClasses`, { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  const gateways = o.gateways === undefined ? [] : checkGateways(c, o.gateways, `${path}.gateways`);
  return { kinds, apis, ingressClasses, gatewayClasses, gateways };
}

function arrayOf(c: Checker, value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) c.fail(path, 'must be a list');
  return value as unknown[];
}

/** One add-on on one cluster: an Argo CD Application. */
export interface AddonDeployment {
  readonly addon: AddonDefinition;
  readonly cluster: PlatformCluster;
  /** The Application's name: `addon-<cluster>-<addon>`. */
  readonly applicationName: string;
  /** Values with the env's and the env/region's overrides merged in. */
  readonly values: Record<string, unknown>;
  /** Its file below dist/ (lib/model/layout.ts). */
  readonly file: string;
}

/** The clusters an add-on's target names. */
export function targetClusters(clusters: PlatformClusters, target: AddonTarget): readonly PlatformCluster[] {
  return target === 'hub' ? [clusters.hub] : target === 'hosts' ? clusters.hosts : clusters.vclusters;
}

/**
 * Places each add-on on each of its target clusters, with overrides merged (add-on values <- env <-
 * env/region). Refuses overrides for an env or region the platform does not have, naming the
 * catalogue's file and the field.
 */
export function planAddons(catalogue: AddonCatalogue | undefined, clusters: PlatformClusters): AddonDeployment[] {
  if (!catalogue) return [];
  const file = sourceOf(catalogue);
  const envRegions = new Map<string, string[]>();
  for (const v of clusters.vclusters) envRegions.set(v.env!, [...(envRegions.get(v.env!) ?? []), v.region!]);
  const out: AddonDeployment[] = [];
  for (const addon of catalogue.addons) {
    for (const [env, o] of Object.entries(addon.envs)) {
      const regions = envRegions.get(env);
      if (!regions) throw new ConfigError(file, `${addon.name}.envs.${env}`, unknownEnvironment(env, [...envRegions.keys()]));
      for (const region of Object.keys(o.regions ?? {})) {
        if (!regions.includes(region)) throw new ConfigError(file, `${addon.name}.envs.${env}.regions.${region}`, unknownRegion(region, env, regions));
      }
    }
    for (const cluster of targetClusters(clusters, addon.target)) {
      const o = cluster.env !== undefined ? addon.envs[cluster.env] : undefined;
      const values = mergeValues(mergeValues(addon.values, o?.values), cluster.region !== undefined ? o?.regions?.[cluster.region] : undefined);
      const applicationName = addonApplicationName(cluster.name, addon.name);
      if (applicationName.length > 63) {
        throw new ConfigError(file, addon.name, `Application name "${applicationName}" is longer than 63 characters; shorten the add-on, env or region name`);
      }
      out.push({ addon, cluster, applicationName, values, file: addonFile(cluster.name, addon.name) });
    }
  }
  return out;
}

/** Every Helm repository of the catalogue, once, in catalogue order. */
export function addonSources(deployments: readonly AddonDeployment[]): string[] {
  return [...new Set(deployments.map((d) => d.addon.repoURL))];
}

/** Every (cluster, namespace) the add-ons deploy to, once, in catalogue order. */
export function addonDestinations(deployments: readonly AddonDeployment[]): { cluster: PlatformCluster; namespace: string }[] {
  const seen = new Set<string>();
  const out: { cluster: PlatformCluster; namespace: string }[] = [];
  for (const d of deployments) {
    for (const namespace of [d.addon.namespace, ...d.addon.extraNamespaces]) {
      const key = `${d.cluster.name}\0${namespace}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ cluster: d.cluster, namespace });
    }
  }
  return out;
}

/** Every cluster-scoped kind the add-ons create, once, in catalogue order. */
export function addonClusterResources(deployments: readonly AddonDeployment[]): ClusterResource[] {
  const seen = new Set<string>();
  return deployments.flatMap((d) => d.addon.clusterResources).filter((r) => {
    const key = `${r.group}/${r.kind}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
