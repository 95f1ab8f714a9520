import {
  AddonCatalogue, AppRegistry, clusterName, ConfigError, EnvironmentRegistry, instanceOf, planAddons, planClusters, PlatformDefinition, sourceOf,
} from '../model';
import { allowsRule, CheckedFiles, EnvPolicy, ManifestObject, PlacementContext, PolicyAllow, PolicyContext, PolicyFinding, Rule, RuleTimings, runPolicy } from './engine';
import { ALL_RULES, SYNTH_RULES } from './rules';
import { kubernetesMinor } from './rules/schema-core';

/** Policy findings that stop a synth: printed one per line, nothing written. */
export class PolicyGateError extends Error {
  constructor(public readonly findings: readonly PolicyFinding[]) {
    super(`${findings.length} policy finding(s)`);
    this.name = 'PolicyGateError';
  }
}

/** What an env demands of its objects. Production-grade envs (those pinning digests) forbid wildcards. */
function envPolicy(envs: EnvironmentRegistry, name: string): EnvPolicy | undefined {
  const env = envs[name];
  if (!env) return undefined;
  const requireDigest = env.tags.requireDigest === true;
  return { env: name, requireDigest, ...(env.registries ? { registries: env.registries } : {}), noWildcards: requireDigest };
}

/** The context rules run in: envs come from the dist/ layout (apps/<env>/<region>/<app>/, lib/model/layout.ts) and object names. */
export function policyContext(
  objects: readonly ManifestObject[],
  envs: EnvironmentRegistry,
  directories?: readonly string[],
  platform?: PlatformDefinition,
  placement?: PlacementContext,
): PolicyContext {
  const gitops = platform && {
    repoURL: platform.gitops.repoURL,
    distPath: platform.gitops.distPath,
    clusters: Object.values(envs).flatMap((e) => e.regionNames.map((r) => clusterName(e.name, r))),
    automated: (env: string) => envs[env]?.sync.automated ?? false,
  };
  return {
    ...(gitops ? { gitops } : {}),
    ...(placement ? { placement } : {}),
    objects,
    envOf: (file) => {
      const instance = instanceOf(file);
      return instance ? envPolicy(envs, instance.env) : undefined;
    },
    envNamed: (name) => envPolicy(envs, name.replace(/-services$/, '')),
    ...(directories ? { directories } : {}),
    kubernetesVersion: kubernetesMinor(),
  };
}

/**
 * The platform's clusters and add-ons as the envs and the catalogue define them (what synth's control plane derives),
 * for the placement checks of `npm run validate` on a dist/ tree. Refuses overrides for an unknown env or region.
 */
export function platformPlacement(platform: PlatformDefinition, envs: EnvironmentRegistry, catalogue: AddonCatalogue): PlacementContext {
  const clusters = planClusters(platform, envs);
  return { clusters, addons: planAddons(catalogue, clusters) };
}

/** True when `rule` names an existing rule or rule group. */
export function isKnownRule(rule: string, rules: readonly Rule[] = ALL_RULES): boolean {
  return rules.some((r) => allowsRule(rule, r.id));
}

/**
 * The opt-outs of the apps, as (file, rule) pairs for the files of their instances
 * (`apps/<env>/<region>/<app>/...`). An unknown rule id, or one whose rules have no opt-out, is an error naming the app file.
 */
export function appAllows(apps: AppRegistry, files: readonly string[]): PolicyAllow[] {
  const out: PolicyAllow[] = [];
  // The files of each app, parsed once (not once per app: that was quadratic in the number of instances).
  const filesOf = new Map<string, string[]>();
  for (const f of files) {
    const app = instanceOf(f)?.app;
    if (app === undefined) continue;
    const list = filesOf.get(app);
    if (list) list.push(f);
    else filesOf.set(app, [f]);
  }
  for (const app of Object.values(apps)) {
    (app.policy?.allow ?? []).forEach((a, i) => {
      if (!isKnownRule(a.rule)) {
        throw new ConfigError(sourceOf(app), `policy.allow[${i}].rule`, `unknown rule "${a.rule}"; see npm run validate -- --explain (lists every rule)`);
      }
      if (ALL_RULES.filter((r) => allowsRule(a.rule, r.id)).every((r) => r.optOut === false)) {
        throw new ConfigError(sourceOf(app), `policy.allow[${i}].rule`, `rule "${a.rule}" has no opt-out; npm run validate -- --explain ${a.rule} says why`);
      }
    });
    for (const f of filesOf.get(app.name) ?? []) for (const a of app.policy?.allow ?? []) out.push({ file: f, rule: a.rule });
  }
  return out;
}

/** Where the gate runs: the repository's directories and platform (for the Argo CD checks) and the rules to run. */
export interface GateOptions {
  /** Directories of the repository, relative to its root (as Argo CD's repo server lists them). */
  readonly directories?: readonly string[];
  /** The platform (GitOps repository, dist/ path): with `directories`, enables the ApplicationSet expansion check. */
  readonly platform?: PlatformDefinition;
  /** The platform's clusters and add-ons: enables the placement ("needs") checks. */
  readonly placement?: PlacementContext;
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
  /** Filled with the milliseconds each rule group took. @default not measured */
  readonly timings?: RuleTimings;
  /** Findings of the object-scoped rules found where files were rendered (synth). @default none: every rule runs here */
  readonly checked?: CheckedFiles;
}

/** Runs the rules; returns all findings (errors and warnings), opt-outs applied. */
export function runGate(objects: readonly ManifestObject[], envs: EnvironmentRegistry, allows: readonly PolicyAllow[], options: GateOptions = {}): PolicyFinding[] {
  return runPolicy(options.rules ?? ALL_RULES, policyContext(objects, envs, options.directories, options.platform, options.placement), allows, options.timings, options.checked);
}

export { ALL_RULES, SYNTH_RULES };
