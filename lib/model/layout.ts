/**
 * The dist/ layout (DESIGN.md section 4): the one place that knows where synth writes each file and
 * how to read a path back. Pure: paths are relative to dist/, POSIX separators; the repository path
 * of dist/ (`platform.gitops.distPath`) is joined on with {@link inRepo}.
 *
 * ```
 * README.md                                  the matrix
 * argocd/root.yaml                           platform AppProject + root Application (the app of apps)
 * argocd/notifications.yaml                  the notifications controller's Secret, from ESO (when configured)
 * argocd/projects/<env>.yaml                 the env's AppProject
 * argocd/appsets/<env>/services.yaml         the env's ApplicationSet over apps/<env>/<region>/<app>
 * argocd/vclusters/<env>-<region>.yaml       the region's vcluster and its registration
 * argocd/addons/<cluster>/<addon>.yaml       one add-on's Application for one cluster of the platform
 * argocd/crossplane/<host>.yaml              the Application syncing crossplane/<host>/ onto a host
 * crossplane/<host>/platform.yaml            the database API on a host (packages, XRD, Composition)
 * argocd/databases/<env>-<region>.yaml       the Application syncing databases/<env>/<region>/ onto the region's host
 * databases/<env>/<region>/<app>.yaml        an app's database claim, on its region's host
 * apps/<env>/<region>/<app>/<app>.yaml       everything of one app instance
 * vcluster-host/<env>-<region>/<part>.yaml  a vcluster's objects in its host namespace, synced onto its
 *                                            host by the Application vcluster-host-<env>-<region> (not by
 *                                            the root app): network-policies.yaml (every vcluster whose
 *                                            network policy is on), registration.yaml (the push of its
 *                                            kubeconfig, on a host other than the hub)
 * vcluster-host/<env>-<region>/<part>-<app>.yaml  an app's objects there: monitoring-<app>.yaml (its
 *                                            monitor, alerts and dashboard, lib/model/monitoring.ts),
 *                                            route-<app>.yaml (its HTTPRoute, lib/model/routes.ts)
 * ```
 */

/** dist/'s generated matrix. */
export const README_FILE = 'README.md';
/** The directory the root Application syncs (recursively): everything Argo CD itself reads. */
export const ARGOCD_DIR = 'argocd';
/** The one object applied by hand. */
export const ROOT_FILE = `${ARGOCD_DIR}/root.yaml`;
/** The hub's ExternalSecret of the Argo CD notifications controller's Secret (lib/model/notifications.ts). */
export const NOTIFICATIONS_FILE = `${ARGOCD_DIR}/notifications.yaml`;
/** The directory of the app instances. */
export const APPS_DIR = 'apps';
/** The directory of the hosts' database API (outside argocd/: synced onto each host by its own Application). */
export const CROSSPLANE_DIR = 'crossplane';
/** A host's database API directory: `crossplane/<host>`. */
export const databasePlatformDir = (host: string): string => `${CROSSPLANE_DIR}/${host}`;
/** Its one file: `crossplane/<host>/platform.yaml`. */
export const databasePlatformFile = (host: string): string => `${databasePlatformDir(host)}/platform.yaml`;
/** The Application syncing it, on the hub: `argocd/crossplane/<host>.yaml`. */
export const databasePlatformAppFile = (host: string): string => `${ARGOCD_DIR}/crossplane/${host}.yaml`;
/** The directory of the database claims (outside argocd/: synced onto each region's host by its own Application). */
export const DATABASES_DIR = 'databases';
/** An env/region's claims: `databases/<env>/<region>`. */
export const databaseClaimsDir = (env: string, region: string): string => `${DATABASES_DIR}/${env}/${region}`;
/** An app's claim there: `databases/<env>/<region>/<app>.yaml`. */
export const databaseClaimFile = (env: string, region: string, app: string): string => `${databaseClaimsDir(env, region)}/${app}.yaml`;
/** The Application syncing an env/region's claims, on the hub: `argocd/databases/<env>-<region>.yaml`. */
export const databasesAppFile = (env: string, region: string): string => `${ARGOCD_DIR}/databases/${clusterName(env, region)}.yaml`;
/** The directory of the vclusters' host-side objects (outside argocd/: the root app does not sync it to the hub). */
export const VCLUSTER_HOST_DIR = 'vcluster-host';

/** The directory of an env's instances: `apps/<env>`. */
export const envAppsDir = (env: string): string => `${APPS_DIR}/${env}`;
/** An instance's directory (the Argo CD Application's source path below dist/): `apps/<env>/<region>/<app>`. */
export const instanceDir = (env: string, region: string, app: string): string => `${envAppsDir(env)}/${region}/${app}`;
/** An instance's manifest: `apps/<env>/<region>/<app>/<app>.yaml`. */
export const instanceFile = (env: string, region: string, app: string): string => `${instanceDir(env, region, app)}/${app}.yaml`;
/** An env's AppProject: `argocd/projects/<env>.yaml`. */
export const projectFile = (env: string): string => `${ARGOCD_DIR}/projects/${env}.yaml`;
/** An env's ApplicationSet: `argocd/appsets/<env>/services.yaml`. */
export const appsetFile = (env: string): string => `${ARGOCD_DIR}/appsets/${env}/services.yaml`;
/** A region's vcluster: `argocd/vclusters/<env>-<region>.yaml` (`<env>-<region>` is the cluster name). */
export const vclusterFile = (env: string, region: string): string => `${ARGOCD_DIR}/vclusters/${clusterName(env, region)}.yaml`;
/** The host-side directory of a vcluster: `vcluster-host/<env>-<region>`. */
export const vclusterHostDir = (env: string, region: string): string => `${VCLUSTER_HOST_DIR}/${clusterName(env, region)}`;
/** The files of a vcluster's host-side directory, by part. */
export const VCLUSTER_HOST_FILES = {
  /** The host-side NetworkPolicies that replace the chart's (lib/model/vcluster-network.ts). */
  networkPolicies: 'network-policies.yaml',
  /** The push of its kubeconfig, for a vcluster on a host other than the hub. */
  registration: 'registration.yaml',
} as const;
export type VclusterHostPart = keyof typeof VCLUSTER_HOST_FILES;
/** One file of a vcluster's host-side directory: `vcluster-host/<env>-<region>/<part>.yaml`. */
export const vclusterHostFile = (env: string, region: string, part: VclusterHostPart): string =>
  `${vclusterHostDir(env, region)}/${VCLUSTER_HOST_FILES[part]}`;
/**
 * The parts of a vcluster's host-side directory that hold one app's objects, each in `<part>-<app>.yaml` (Argo CD's
 * directory source is not recursive: the files sit directly in the directory).
 */
export const VCLUSTER_HOST_APP_PARTS = [
  /** The app's ServiceMonitor or PodMonitor, PrometheusRule and Grafana dashboard ConfigMap (lib/model/monitoring.ts). */
  'monitoring',
  /** The app's HTTPRoute (lib/model/routes.ts). */
  'route',
] as const;
export type VclusterHostAppPart = (typeof VCLUSTER_HOST_APP_PARTS)[number];
/** An app's file of a vcluster's host-side directory: `vcluster-host/<env>-<region>/<part>-<app>.yaml`. */
export const vclusterHostAppFile = (env: string, region: string, part: VclusterHostAppPart, app: string): string =>
  `${vclusterHostDir(env, region)}/${part}-${app}.yaml`;
/**
 * An add-on's Argo CD Application for one cluster of the platform (hub, host or vcluster, by its name in
 * lib/model/clusters.ts): `argocd/addons/<cluster>/<addon>.yaml`.
 */
export const addonFile = (cluster: string, addon: string): string => `${ARGOCD_DIR}/addons/${cluster}/${addon}.yaml`;
/** An add-on's Argo CD Application name on a cluster: `addon-<cluster>-<addon>`. */
export const addonApplicationName = (cluster: string, addon: string): string => `addon-${cluster}-${addon}`;
/** A region's cluster (vcluster and Argo CD destination) name: `<env>-<region>`. */
export const clusterName = (env: string, region: string): string => `${env}-${region}`;
/**
 * An app instance's name: `<env>-<region>-<app>`, the Argo CD Application the ApplicationSet generates
 * for its directory and the `app.kubernetes.io/instance` label of its objects.
 */
export const instanceName = (env: string, region: string, app: string): string => `${clusterName(env, region)}-${app}`;

/**
 * The git directories generator pattern of an env's ApplicationSet, below dist/: `apps/<env>/*\/*`
 * (Go path.Match: `*` does not cross `/`, so it matches exactly the instance directories).
 */
export const envInstancesPattern = (env: string): string => `${envAppsDir(env)}/*/*`;

/** What a path below dist/ is. */
export type DistFile =
  | { readonly kind: 'instance'; readonly env: string; readonly region: string; readonly app: string; /** The file's name in the instance directory. */ readonly file: string }
  | { readonly kind: 'project'; readonly env: string }
  | { readonly kind: 'appset'; readonly env: string }
  | { readonly kind: 'vcluster'; readonly env: string; readonly region: string }
  | { readonly kind: 'vcluster-host'; readonly env: string; readonly region: string; readonly part: VclusterHostPart; readonly app?: undefined }
  | { readonly kind: 'vcluster-host'; readonly env: string; readonly region: string; readonly part: VclusterHostAppPart; /** The app of a per-app part. */ readonly app: string }
  | { readonly kind: 'addon'; readonly cluster: string; readonly addon: string }
  | { readonly kind: 'database-api'; readonly host: string }
  | { readonly kind: 'database-api-app'; readonly host: string }
  | { readonly kind: 'database-claim'; readonly env: string; readonly region: string; readonly app: string }
  | { readonly kind: 'databases-app'; readonly env: string; readonly region: string }
  | { readonly kind: 'root' }
  | { readonly kind: 'notifications' }
  | { readonly kind: 'readme' };

const SEGMENT = /^[^/]+$/;
const YAML = /^(.+)\.yaml$/;
// Env names are letters, digits and "_" (ENV_NAME), so the first "-" of a cluster name ends the env.
const CLUSTER = /^([A-Za-z0-9_]+)-(.+)$/;

/**
 * Reads a path relative to dist/: what it is and for which env/region/app, or undefined when it is no
 * file of the layout. Any file directly in an instance directory belongs to that instance (synth
 * writes `<app>.yaml`; `file` says which).
 */
export function parseDistPath(rel: string): DistFile | undefined {
  // Rules ask about the same files over and over (every rule, every object of a file): parsed once per path.
  if (parsedPaths.has(rel)) return parsedPaths.get(rel);
  if (parsedPaths.size >= PARSED_PATHS_MAX) parsedPaths.clear();
  const parsed = parsePath(rel);
  parsedPaths.set(rel, parsed && Object.freeze(parsed));
  return parsed;
}

/** Paths parsed so far; cleared when full, so a long-lived process does not grow without bound. */
const parsedPaths = new Map<string, DistFile | undefined>();
const PARSED_PATHS_MAX = 100_000;

function parsePath(rel: string): DistFile | undefined {
  if (rel === README_FILE) return { kind: 'readme' };
  if (rel === ROOT_FILE) return { kind: 'root' };
  if (rel === NOTIFICATIONS_FILE) return { kind: 'notifications' };
  const s = rel.split('/');
  if (!s.every((p) => p !== '' && SEGMENT.test(p))) return undefined;
  if (s[0] === APPS_DIR && s.length === 5) return { kind: 'instance', env: s[1], region: s[2], app: s[3], file: s[4] };
  if (s[0] === VCLUSTER_HOST_DIR && s.length === 3) {
    const m = CLUSTER.exec(s[1]);
    if (!m) return undefined;
    const part = (Object.keys(VCLUSTER_HOST_FILES) as VclusterHostPart[]).find((k) => VCLUSTER_HOST_FILES[k] === s[2]);
    if (m && part) return { kind: 'vcluster-host', env: m[1], region: m[2], part };
    const appPart = VCLUSTER_HOST_APP_PARTS.find((p) => s[2].startsWith(`${p}-`));
    const app = appPart && YAML.exec(s[2].slice(appPart.length + 1))?.[1];
    return m && appPart && app ? { kind: 'vcluster-host', env: m[1], region: m[2], part: appPart, app } : undefined;
  }
  if (s[0] === CROSSPLANE_DIR && s.length === 3 && s[2] === 'platform.yaml') return { kind: 'database-api', host: s[1] };
  if (s[0] === DATABASES_DIR && s.length === 4) {
    const app = YAML.exec(s[3])?.[1];
    return app ? { kind: 'database-claim', env: s[1], region: s[2], app } : undefined;
  }
  if (s[0] !== ARGOCD_DIR) return undefined;
  const yaml = YAML.exec(s[s.length - 1])?.[1];
  if (s[1] === 'projects' && s.length === 3 && yaml) return { kind: 'project', env: yaml };
  if (s[1] === 'appsets' && s.length === 4 && s[3] === 'services.yaml') return { kind: 'appset', env: s[2] };
  if (s[1] === 'addons' && s.length === 4 && yaml) return { kind: 'addon', cluster: s[2], addon: yaml };
  if (s[1] === 'crossplane' && s.length === 3 && yaml) return { kind: 'database-api-app', host: yaml };
  if (s[1] === 'databases' && s.length === 3 && yaml) {
    const m = CLUSTER.exec(yaml);
    if (m) return { kind: 'databases-app', env: m[1], region: m[2] };
  }
  if (s[1] === 'vclusters' && s.length === 3 && yaml) {
    const m = CLUSTER.exec(yaml);
    if (m) return { kind: 'vcluster', env: m[1], region: m[2] };
  }
  return undefined;
}

/** The instance a directory below dist/ is (`apps/<env>/<region>/<app>`), or undefined. */
export function parseInstanceDir(rel: string): { env: string; region: string; app: string } | undefined {
  const s = rel.split('/');
  if (s.length !== 4 || s[0] !== APPS_DIR || !s.every((p) => p !== '')) return undefined;
  return { env: s[1], region: s[2], app: s[3] };
}

/** The instance a file below dist/ belongs to, or undefined. */
export function instanceOf(rel: string): { env: string; region: string; app: string } | undefined {
  const f = parseDistPath(rel);
  return f?.kind === 'instance' ? { env: f.env, region: f.region, app: f.app } : undefined;
}

/**
 * True when the files (paths below a directory) have the dist/ layout, i.e. the ApplicationSet checks
 * apply: at least one env's ApplicationSet at `argocd/appsets/<env>/services.yaml`. Instance
 * directories are not required (a new platform has none released yet), and a misplaced file does
 * not turn the checks off (a stray directory under apps/ is what they report).
 */
export function isDistTree(files: readonly string[]): boolean {
  return files.some((f) => parseDistPath(f)?.kind === 'appset');
}

// ---------------------------------------------------------------------------------------------
// dist/ inside the repository
// ---------------------------------------------------------------------------------------------

/** A path below dist/ as a path of the repository (`distPath` being dist/'s path there, e.g. `dist`). */
export const inRepo = (distPath: string, rel: string): string => (rel === '' ? distPath : `${distPath}/${rel}`);

/** A repository path as a path below dist/, or undefined when it is not below dist/ (dist/ itself is ''). */
export function inDist(distPath: string, repoPath: string): string | undefined {
  if (repoPath === distPath) return '';
  return repoPath.startsWith(`${distPath}/`) ? repoPath.slice(distPath.length + 1) : undefined;
}

/**
 * Index of the region in the `.path.segments` of an instance directory's repository path
 * (`<distPath>/apps/<env>/<region>/<app>`); the app is the next (and last) segment.
 */
export const regionSegment = (distPath: string): number => distPath.split('/').length + 2;

/** Every directory holding one of `files` (paths below dist/), with its ancestors; '' not included. */
export function directoriesOf(files: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const parts = f.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('/'));
  }
  return [...out].sort();
}

/**
 * The repository's directories as Argo CD lists them, as far as dist/ goes: dist/'s path and its
 * ancestors, and each directory below dist/ (`dirs`, relative to dist/) under it. Sorted.
 */
export function repoDirectories(distPath: string, dirs: readonly string[]): string[] {
  const out = new Set<string>();
  const parts = distPath.split('/');
  for (let i = 1; i <= parts.length; i++) out.add(parts.slice(0, i).join('/'));
  for (const d of dirs) out.add(inRepo(distPath, d));
  return [...out].sort();
}
