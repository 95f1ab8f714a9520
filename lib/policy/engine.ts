/**
 * The policy gate's engine: rules over the whole set of synthesized objects. Pure (objects in,
 * findings out). Rules are made with `defineRule`: an id (`group/name`), a severity, a one-line reason,
 * an explanation (`npm run validate -- --explain RULE`, ending with the opt-out, written here once) and
 * a check that reports findings with their object and field path as data. Findings print as
 * `<file>: <Kind> <namespace>/<name>: <field path>: <message> (<rule id>)`.
 */
import type { AddonDeployment } from '../model/addons';
import type { PlatformClusters } from '../model/clusters';
import { instanceOf, parseDistPath } from '../model/layout';

/** A Kubernetes object as parsed from YAML (loosely typed: rules check what they read). */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: { readonly [key: string]: string };
    readonly annotations?: { readonly [key: string]: string };
  };
  readonly [field: string]: unknown;
}

/** An object and where it is (or will be) written. */
export interface ManifestObject {
  /** File path relative to the validated directory (dist/), POSIX separators. */
  readonly file: string;
  /** Position of the document in the file. */
  readonly index: number;
  readonly object: K8sObject;
}

export type Severity = 'error' | 'warning';

/** One violation. */
export interface PolicyFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly file: string;
  /** `Kind namespace/name` (or `Kind name` when cluster-scoped). */
  readonly object: string;
  /** Field path inside the object, e.g. `spec.template.spec.containers[0].image` ('' for the whole object). */
  readonly path: string;
  /** What is wrong and what is expected, one line. */
  readonly message: string;
}

/** What the environment of a file demands (from the dist/ layout apps/<env>/<region>/<app>/). */
export interface EnvPolicy {
  readonly env: string;
  /** Images must be pinned by digest. */
  readonly requireDigest: boolean;
  /** Registries images may come from (prefixes such as `ghcr.io/acme/`); undefined = any. */
  readonly registries?: readonly string[];
  /** AppProjects of this env must not use wildcards. */
  readonly noWildcards: boolean;
}

export interface PolicyContext {
  readonly objects: readonly ManifestObject[];
  /** The env a file belongs to, when known. */
  readonly envOf: (file: string) => EnvPolicy | undefined;
  /** The env an AppProject/ApplicationSet is for, by its name, when known. */
  readonly envNamed: (name: string) => EnvPolicy | undefined;
  /** Directories of the repository (relative to its root, as Argo CD lists them), when known. */
  readonly directories?: readonly string[];
  /** Kubernetes minor version the clusters run, e.g. '1.28'. */
  readonly kubernetesVersion: string;
  /** The platform's GitOps settings, for the ApplicationSet expansion check (with `directories`), when known. */
  readonly gitops?: GitopsContext;
  /** The platform's clusters and add-ons, for the placement ("needs") checks, when known (a dist/ tree). */
  readonly placement?: PlacementContext;
}

/** Where dist/'s objects run and what runs there: the clusters of the platform and each add-on on each of its clusters. */
export interface PlacementContext {
  readonly clusters: PlatformClusters;
  readonly addons: readonly AddonDeployment[];
}

/** What the Argo CD expansion check needs to know about the platform. */
export interface GitopsContext {
  /** The repository the ApplicationSets must read. */
  readonly repoURL: string;
  /** dist/'s path in the repository, e.g. `dist`. */
  readonly distPath: string;
  /** Destination clusters Argo CD knows (`<env>-<region>`). */
  readonly clusters: readonly string[];
  /** Whether an env syncs automatically. */
  readonly automated: (env: string) => boolean;
}

export interface Rule {
  /** `group/name`, e.g. `pss-restricted/privilege-escalation`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule wants, e.g. "containers must not allow privilege escalation". */
  readonly reason: string;
  /** A paragraph: what is checked, why, how to fix, and how to opt out (or that there is no opt-out). */
  readonly explain: string;
  /** Whether an app may opt out of the rule (`policy.allow`). @default true */
  readonly optOut?: boolean;
  /** {@link RuleScope}. @default 'set' */
  readonly scope?: RuleScope;
  check(ctx: PolicyContext): PolicyFinding[];
}

/**
 * What a rule's findings about an object depend on: `object`, that object alone (and the clusters' Kubernetes version),
 * so they can be found once, where the object is rendered (a worker thread), and kept with it in the render cache;
 * `set`, anything in the whole object set or the context (env policies, the platform, other objects).
 */
export type RuleScope = 'object' | 'set';

/** Builds a finding of the rule being checked about `m` (the rule's severity unless `severity` says otherwise). */
export type Report = (m: ManifestObject, path: string, message: string, severity?: Severity) => PolicyFinding;

/** What {@link defineRule} takes: a rule whose check reports through `report`, and whose explain says nothing about opting out. */
export interface RuleDefinition {
  /** `group/name`, e.g. `pss-restricted/privilege-escalation`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule wants. */
  readonly reason: string;
  /** A paragraph: what is checked, why, and how to fix; {@link defineRule} appends how to opt out. */
  readonly explain: string;
  /** False for a rule no app may opt out of: `policy.allow` naming it is refused and never drops its findings. @default true */
  readonly optOut?: boolean;
  /** {@link RuleScope}: `object` only when the check reads nothing but each object and `ctx.kubernetesVersion`. @default 'set' */
  readonly scope?: RuleScope;
  check(ctx: PolicyContext, report: Report): PolicyFinding[];
}

/** How an app opts out of rules: the one wording, in every rule's --explain text and in the gate's summary ({@link GATE_HINT}). */
export const OPT_OUT = 'opt out per app with policy.allow';

/** Where to read why a rule fired and how to opt out: the end of a failed gate's summary. */
export const GATE_HINT = `npm run validate -- --explain RULE says why; ${OPT_OUT}`;

/** The end of a rule's --explain text: how an app opts out of it, or that it cannot. */
export function optOutText(id: string, allowed = true): string {
  if (!allowed) return 'There is no opt-out.';
  return `${OPT_OUT[0].toUpperCase()}${OPT_OUT.slice(1)} in apps/<app>.ts: \`policy: { allow: [{ rule: '${id}', reason: '...' }] }\` (the reason is required and reviewed).`;
}

/** A rule's --explain text: `text`, then how to opt out of rule `id`. */
export function explainWithOptOut(id: string, text: string, optOut = true): string {
  return `${text} ${optOutText(id, optOut)}`;
}

/**
 * Defines a rule: id, severity, reason and the explain text (ending with the opt-out, written here once), and a check
 * that reports findings of this rule with `report(object, field path, message)`.
 */
export function defineRule(def: RuleDefinition): Rule {
  const optOut = def.optOut ?? true;
  const report: Report = (m, path, message, severity = def.severity) => finding({ id: def.id, severity }, m, path, message);
  return {
    id: def.id,
    severity: def.severity,
    reason: def.reason,
    explain: explainWithOptOut(def.id, def.explain, optOut),
    optOut,
    scope: def.scope ?? 'set',
    check: (ctx) => def.check(ctx, report),
  };
}

/**
 * The cluster a file deploys to: `<env>/<region>` for an instance's `apps/<env>/<region>/<app>/<file>` (each is its own
 * vcluster, so the same namespace in dev and prod is not the same namespace); `host/<host>` for a host's
 * database API `crossplane/<host>/` (each host has its own); '' for everything else (the control plane).
 */
export function clusterOf(file: string): string {
  const instance = instanceOf(file);
  if (instance) return `${instance.env}/${instance.region}`;
  const where = parseDistPath(file);
  return where?.kind === 'database-api' ? `host/${where.host}` : '';
}

const byFileCache = new WeakMap<readonly ManifestObject[], ReadonlyMap<string, readonly ManifestObject[]>>();

/**
 * The objects of a set grouped by file, built once per set: cross-object rules look objects up through indexes like
 * this one, not by scanning the set for each object (quadratic in the number of instances).
 */
export function objectsByFile(objects: readonly ManifestObject[]): ReadonlyMap<string, readonly ManifestObject[]> {
  const hit = byFileCache.get(objects);
  if (hit) return hit;
  const index = new Map<string, ManifestObject[]>();
  for (const m of objects) {
    const list = index.get(m.file);
    if (list) list.push(m);
    else index.set(m.file, [m]);
  }
  byFileCache.set(objects, index);
  return index;
}

/** `Kind namespace/name`. */
export function describeObject(o: K8sObject): string {
  const name = o.metadata?.name ?? '(no name)';
  return `${o.kind ?? '(no kind)'} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${name}`;
}

/** Builds a finding of `rule` about `m`. */
export function finding(rule: Pick<Rule, 'id' | 'severity'>, m: ManifestObject, path: string, message: string): PolicyFinding {
  return { rule: rule.id, severity: rule.severity, file: m.file, object: describeObject(m.object), path, message };
}

/** Pod-spec-bearing kinds and where their pod template's spec lives. */
const POD_SPEC_PATHS: { readonly [kind: string]: readonly string[] } = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The pod spec of a workload (with its dotted path), or undefined for other kinds. */
export function podSpecOf(o: K8sObject): { path: string; spec: any } | undefined {
  // Every PSS and workload rule asks again for each object: found once per object (objects are not changed by rules).
  if (podSpecs.has(o)) return podSpecs.get(o);
  const keys = Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, o.kind ?? '') ? POD_SPEC_PATHS[o.kind as string] : undefined;
  let found: { path: string; spec: any } | undefined;
  if (keys) {
    let cur: any = o;
    for (const k of keys) cur = cur?.[k];
    found = cur && typeof cur === 'object' ? { path: keys.join('.'), spec: cur } : undefined;
  }
  podSpecs.set(o, found);
  return found;
}

const podSpecs = new WeakMap<object, { path: string; spec: any } | undefined>();

/** Every container of a pod spec (init, regular, ephemeral) with its path. */
export function containersOf(pod: { path: string; spec: any }): { path: string; container: any }[] {
  const out: { path: string; container: any }[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = pod.spec[field];
    if (Array.isArray(list)) list.forEach((c, i) => out.push({ path: `${pod.path}.${field}[${i}]`, container: c }));
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** An opt-out: `rule` does not apply to the objects of `file` (declared per app with a reason). */
export interface PolicyAllow {
  readonly file: string;
  readonly rule: string;
}

/** Milliseconds spent per rule group (`schema`, `pss-restricted`, `wiring`, ...): `synth --timings`, `npm run bench`. */
export type RuleTimings = { [group: string]: number };

/** The group of a rule id: its first segment (`wiring/service-selector` -> `wiring`). */
export function ruleGroup(id: string): string {
  return id.split('/')[0];
}

/** True when an opt-out naming `allowed` (a rule id, or a group such as `pss-restricted`) covers rule `id`. */
export function allowsRule(allowed: string, id: string): boolean {
  return allowed === id || id.startsWith(`${allowed}/`);
}

/** Findings of the object-scoped rules already found for the objects of some files (where they were rendered). */
export interface CheckedFiles {
  readonly files: ReadonlySet<string>;
  /** Unfiltered by opt-outs (runPolicy applies them). */
  readonly findings: readonly PolicyFinding[];
}

/**
 * The findings of the object-scoped rules among `rules` about `objects`, unfiltered by opt-outs: what a render keeps
 * with its file ({@link CheckedFiles}). The context holds the objects and the Kubernetes version only; a rule that
 * reads anything else is not object-scoped, and fails here loudly.
 */
export function checkObjects(rules: readonly Rule[], objects: readonly ManifestObject[], kubernetesVersion: string): PolicyFinding[] {
  const notHere = (what: string) => (): never => {
    throw new Error(`an object-scoped rule read ${what}: only the objects and the Kubernetes version are known where objects are rendered`);
  };
  const ctx: PolicyContext = { objects, kubernetesVersion, envOf: notHere('envOf'), envNamed: notHere('envNamed') };
  return rules.filter((r) => r.scope === 'object').flatMap((r) => r.check(ctx));
}

/**
 * Runs `rules` and drops findings that an opt-out allows (a rule id, or a group prefix such as
 * `pss-restricted`), except for rules without opt-out. Findings are sorted by file, then object, then rule.
 * With `checked`, the object-scoped rules take the findings found where those files were rendered.
 */
export function runPolicy(rules: readonly Rule[], ctx: PolicyContext, allows: readonly PolicyAllow[] = [], timings?: RuleTimings, checked?: CheckedFiles): PolicyFinding[] {
  // Object-scoped rules run over the objects not checked where they were rendered, and keep those findings.
  const unchecked = checked ? { ...ctx, objects: ctx.objects.filter((m) => !checked.files.has(m.file)) } : ctx;
  // Opt-outs indexed by file: a lookup per finding, not a scan of every app's allows.
  const byFile = new Map<string, string[]>();
  for (const a of allows) {
    const list = byFile.get(a.file);
    if (list) list.push(a.rule);
    else byFile.set(a.file, [a.rule]);
  }
  const allowed = (f: PolicyFinding) => (byFile.get(f.file) ?? []).some((rule) => allowsRule(rule, f.rule));
  const findings = rules.flatMap((r) => {
    const started = timings ? performance.now() : 0;
    const found = checked && r.scope === 'object' ? [...r.check(unchecked), ...checked.findings.filter((f) => f.rule === r.id)] : r.check(ctx);
    if (timings) timings[ruleGroup(r.id)] = (timings[ruleGroup(r.id)] ?? 0) + performance.now() - started;
    return r.optOut === false ? found : found.filter((f) => !allowed(f));
  });
  const key = (f: PolicyFinding) => `${f.file}\0${f.object}\0${f.rule}\0${f.path}`;
  return findings.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The one-line human form of a finding. */
export function formatFinding(f: PolicyFinding, prefix = ''): string {
  return `${prefix}${f.file}: ${f.object ? `${f.object}: ` : ''}${f.path ? `${f.path}: ` : ''}${f.message} (${f.rule})`;
}
