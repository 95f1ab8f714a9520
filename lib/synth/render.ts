import {
  AppInstance, ControlPlane, directoriesOf, EnvironmentRegistry, planControlPlane, README_FILE, repoDirectories, resolve, ResolveInput, ResolveResult,
} from '../model';
import { K8sObject, PolicyFinding, RuleTimings } from '../policy/engine';
import { appAllows, PolicyGateError, runGate, SYNTH_RULES } from '../policy/gate';
import { renderMatrix } from './matrix';
import type { RenderCache } from './render-cache';
import { cacheWork, renderInstances, withObjectChecks } from './render-pool';

/** One file of dist/: its path relative to dist/ (POSIX separators) and its bytes. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
  /** Kubernetes objects in the file (0 for non-YAML files). */
  readonly objects: number;
  /** The objects themselves, for the policy gate (not written). */
  readonly docs?: readonly object[];
  /** Findings of the gate's object-scoped rules about `docs`, found where the file was rendered (unfiltered by opt-outs). */
  readonly checked?: readonly PolicyFinding[];
}

/** Everything synth will write, decided in memory before anything touches the disk. */
export interface SynthPlan {
  readonly resolved: ResolveResult;
  /** Files sorted by path. */
  readonly files: OutputFile[];
  readonly objects: number;
  /** Policy warnings (errors stop the synth). */
  readonly warnings: readonly PolicyFinding[];
  /** Milliseconds spent per phase (`synth --timings`, `npm run bench`). */
  readonly timings: SynthTimings;
  /** Instance files taken from the render cache, and rendered (0 and all without a cache); worker threads and what they rendered. */
  readonly rendered: {
    readonly cached: number; readonly built: number; readonly workers: number; readonly onWorkers: number;
    /** Whether the control plane's files (argocd/, vcluster-host/, crossplane/, databases/) came from the render cache. */
    readonly controlPlane: 'cached' | 'rendered';
  };
}

/** How {@link planSynth} reports. */
export interface PlanOptions {
  /** Called as the run moves on: `resolve`, then `render` per instance (`done` of `total`), then `validate`. @default none */
  readonly progress?: (phase: 'resolve' | 'render' | 'validate', done?: number, total?: number) => void;
  /** Where rendered instance files are kept between runs (lib/synth/render-cache.ts). @default none: every instance is rendered */
  readonly cache?: RenderCache | undefined;
}

/** Milliseconds per phase of planSynth. */
export interface SynthTimings {
  /** apps x envs x regions x releases -> instances. */
  readonly resolve: number;
  /** Instances and control plane -> YAML, in memory: {@link construct} + {@link serialize}. */
  readonly render: number;
  /** Of render: building the cdk8s constructs and resolving them to plain objects (cdk8s `toJson`). */
  readonly construct: number;
  /** Of render: objects -> YAML text. */
  readonly serialize: number;
  /** Of render: reading and writing the render cache (PlanOptions.cache). */
  readonly cache: number;
  /** Of render: the gate's object-scoped rules (schemas, PSS) on each instance file, where it is rendered. */
  readonly check: number;
  /** The policy gate over every object (schemas and rules, validators loaded on first use included). */
  readonly validate: number;
  /** Of validate: milliseconds per rule group (`schema`, `cluster`, `wiring`, ...). */
  readonly gate: RuleTimings;
}

/** Where render time goes: accumulated by {@link renderInstance} and the control plane's files. */
export interface RenderClock {
  construct: number;
  serialize: number;
  /** Reading and writing the render cache. */
  cache: number;
  /** The gate's object-scoped rules, run on each file where it is rendered. */
  check: number;
}

/**
 * Builds one cdk8s App holding one Chart with the instance's GoldenApp, synthesizes it in memory and drops it
 * (lib/synth/render-instance.ts, loaded on first use: a synth served from the render cache never loads cdk8s).
 */
export function renderInstance(instance: AppInstance, clock?: RenderClock): OutputFile {
  return (require('./render-instance') as typeof import('./render-instance')).renderInstance(instance, clock);
}

/** The control plane's files (lib/synth/control-plane.ts, loaded on first use, like {@link renderInstance}). */
export function renderControlPlane(cp: ControlPlane, clock?: RenderClock): OutputFile[] {
  return (require('./control-plane') as typeof import('./control-plane')).renderControlPlane(cp, clock);
}

/** Resolves the repository's apps and envs and renders every dist/ file, in memory. */
export function planSynth(input: ResolveInput, opts: PlanOptions = {}): SynthPlan {
  // cdk8s sorts object keys unless this is set; output must not depend on the caller's environment.
  delete process.env.CDK8S_DISABLE_SORT;
  const progress = opts.progress ?? (() => undefined);
  const t0 = performance.now();
  progress('resolve');
  const resolved = resolve(input);
  const t1 = performance.now();
  const total = resolved.instances.length;
  const clock: RenderClock = { construct: 0, serialize: 0, cache: 0, check: 0 };
  const cache = opts.cache;
  const pool = renderInstances(resolved.instances, { clock, cache, progress: (done) => progress('render', done, total) });
  const files = pool.files;
  const controlPlane = planControlPlane(input.platform, input.envs as EnvironmentRegistry, resolved, input.addons);
  // The control plane is a pure function of its plan (plain data) and the library, like an instance: cached whole.
  let planeFiles = cache && cacheWork(clock, () => cache.getFiles('control-plane', controlPlane));
  const cachedPlane = planeFiles !== undefined;
  if (!planeFiles) {
    const rendered = renderControlPlane(controlPlane, clock).map((f) => withObjectChecks(f, clock));
    if (cache) cacheWork(clock, () => cache.putFiles('control-plane', controlPlane, rendered));
    planeFiles = rendered;
  }
  files.push(...planeFiles);
  files.push({ path: README_FILE, content: renderMatrix(resolved, input.envs as EnvironmentRegistry), objects: 0 });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // The policy gate, over the whole object set, before anything is written.
  const t2 = performance.now();
  progress('validate');
  const gate: RuleTimings = {};
  const manifests = files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: object as K8sObject })));
  // The repository's directories as Argo CD will list them once dist/ is committed (for the ApplicationSet checks).
  const directories = repoDirectories(input.platform.gitops.distPath, directoriesOf(files.map((f) => f.path)));
  const envs = input.envs as EnvironmentRegistry;
  const findings = runGate(manifests, envs, appAllows(input.apps, files.map((f) => f.path)), {
    directories,
    platform: input.platform,
    // The placement checks need to know what runs on each cluster: only with an add-on catalogue (envs/addons.ts).
    ...(input.addons ? { placement: { clusters: controlPlane.clusters, addons: controlPlane.addons } } : {}),
    rules: SYNTH_RULES,
    timings: gate,
    checked: { files: new Set(files.filter((f) => f.checked).map((f) => f.path)), findings: files.flatMap((f) => f.checked ?? []) },
  });
  if (findings.some((f) => f.severity === 'error')) throw new PolicyGateError(findings.filter((f) => f.severity === 'error'));
  const timings = { resolve: t1 - t0, render: t2 - t1, construct: clock.construct, serialize: clock.serialize, cache: clock.cache, check: clock.check, validate: performance.now() - t2, gate };
  const rendered = {
    cached: pool.cached, built: resolved.instances.length - pool.cached, workers: pool.workers, onWorkers: pool.onWorkers,
    controlPlane: cachedPlane ? 'cached' as const : 'rendered' as const,
  };
  return { resolved, files, objects: files.reduce((n, f) => n + f.objects, 0), warnings: findings, timings, rendered };
}

