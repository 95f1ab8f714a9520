import { EnvironmentDefinition, formatDuration, instanceName, joinPath, parseDuration, sourceOf } from '../model';
import { StatusFile } from './argocd-status';
import { effectiveImage, readReleases, sameBuild, shortCommit, shortDigest } from './entries';
import type { HistoryVersion } from './rollback';
import { ImageRef, ReleaseContext, ReleaseError, ReleasesData } from './types';

/**
 * The promotion gate of an env a promotion reads from (its `promotion` in envs/<env>.ts,
 * lib/model/promotion.ts): with `requireHealthy`, every Argo CD Application of the app in the env's
 * regions that run the image must be Healthy and Synced, not syncing, at a commit where releases.ts
 * gives that region the image; with `soak`, the image must have been in the env's entry for that long
 * (from the commit that put it there). Pure: the status file, the file at a commit, the history and
 * the clock come from the caller (the CLI reads them).
 */

/** What the gate reads, supplied by the caller; each is asked only when an env needs it. */
export interface GateEvidence {
  /** The status file as named in messages (the path given with --status, or the default). */
  readonly statusFile: string;
  /** The status file, read; undefined when there is none. */
  readonly status: () => StatusFile | undefined;
  /** The text of releases.ts at a commit; undefined when the commit is unknown here. */
  readonly releasesAt: (commit: string) => string | undefined;
  /** The versions of releases.ts, newest first, with their commit times (git.ts fileHistory). */
  readonly history: () => readonly HistoryVersion[];
  /** Now (the soak is measured against it). */
  readonly now: Date;
}

/** What the gate said about one env: notes when it passed, the refusal when it did not. */
export interface GateResult {
  readonly notes: string[];
  readonly refusal?: ReleaseError;
}

/** The way out, at the end of every refusal. */
const OVERRIDE = 'or override with --force --reason "..." (recorded in the commit)';

/** `1.3.0-SNAPSHOT-7d2a1b4 (sha256:46a2d4575885…)`. */
function label(img: ImageRef): string {
  return `${img.tag}${img.digest ? ` (${shortDigest(img.digest)})` : ''}`;
}

/** `promotion.requireHealthy in envs/staging.ts`: where an env's promotion setting is (for messages). */
export function promotionSetting(env: EnvironmentDefinition, key: string): string {
  const file = sourceOf(env);
  return `promotion.${key}${file ? ` in ${file}` : ''}`;
}

/** True when `env` has a gate: promotions out of it need healthy Applications or a soak. */
export function hasGate(env: EnvironmentDefinition): boolean {
  return env.promotion?.requireHealthy === true || env.promotion?.soak !== undefined;
}

/**
 * Checks the gate of `env` for promoting `src` of `app` out of it. `region`: a region promotion's
 * source region (only its Application counts); otherwise every region of `env` that runs `src`.
 */
export function checkGate(ctx: ReleaseContext, data: ReleasesData, app: string, env: EnvironmentDefinition, src: ImageRef, region: string | undefined, ev: GateEvidence | undefined): GateResult {
  if (!hasGate(env)) return { notes: [] };
  const field = joinPath(app, env.name);
  const regions = region !== undefined ? [region] : env.regionNames.filter((r) => runs(data, app, env.name, r, src));
  try {
    if (!ev) throw new ReleaseError('gated', ctx.file, field, `${env.name} gates promotions out of it, but no evidence (status file, git history) was given`);
    if (regions.length === 0) {
      throw new ReleaseError('gated', ctx.file, field, `${app} ${env.name} runs ${label(src)} in none of its regions (each has its own region entry), so nothing vouches for it; promote a region with --region, ${OVERRIDE}`);
    }
    const notes: string[] = [];
    if (env.promotion?.requireHealthy) notes.push(checkHealth(ctx, app, env, src, regions, ev));
    if (env.promotion?.soak !== undefined) notes.push(checkSoak(ctx, app, env, src, regions, env.promotion.soak, ev));
    return { notes };
  } catch (e) {
    if (e instanceof ReleaseError && e.code === 'gated') return { notes: [], refusal: e };
    throw e;
  }
}

/** True when region `r` of `env` runs the build `img` (its region entry, else the env-level entry). */
function runs(data: ReleasesData, app: string, env: string, r: string, img: ImageRef): boolean {
  const at = effectiveImage(data, app, env, r);
  return at !== undefined && sameBuild(at, img);
}

/** Every Application of the app in `regions`: Healthy, not syncing, Synced, at a commit giving its region `src`. */
function checkHealth(ctx: ReleaseContext, app: string, env: EnvironmentDefinition, src: ImageRef, regions: readonly string[], ev: GateEvidence): string {
  const status = ev.status();
  const names = regions.map((r) => instanceName(env.name, r, app));
  if (!status) {
    throw new ReleaseError('gated', ev.statusFile, '', `no Argo CD status file: promoting out of ${env.name} needs ${names.join(', ')} Healthy and Synced (${promotionSetting(env, 'requireHealthy')}); write it with \`argocd app get ${names[0]} -o json > ${ev.statusFile}\` (or give --status FILE), ${OVERRIDE}`);
  }
  const revisions = new Set<string>();
  regions.forEach((r, i) => {
    const name = names[i];
    const a = status.apps.get(name);
    if (!a) {
      const has = [...status.apps.keys()];
      throw new ReleaseError('gated', status.file, name, `no Application ${name} in the status file (it has ${has.length ? has.slice(0, 5).join(', ') + (has.length > 5 ? ', ...' : '') : 'none'}); add \`argocd app get ${name} -o json\` to it, ${OVERRIDE}`);
    }
    // `<value>, not <wanted>; promoting out of <env> needs <name> Healthy and Synced at <image> (<setting>): <fix>, or override ...`
    const refuse = (path: string[], what: string, fix: string): never => {
      const needs = `promoting out of ${env.name} needs ${name} Healthy and Synced at ${app} ${label(src)} (${promotionSetting(env, 'requireHealthy')})`;
      throw new ReleaseError('gated', status.file, `${name}.${path.join('.')}`, `${what}; ${needs}: ${fix}, ${OVERRIDE}`, a.lineOf(path));
    };
    const refresh = 'then refresh the status file';
    if (a.health !== 'Healthy') {
      refuse(['status', 'health', 'status'], `${a.health ?? 'missing'}${a.healthMessage ? ` (${a.healthMessage})` : ''}, not Healthy`, `fix it or wait until it is Healthy, ${refresh}`);
    }
    if (a.operationPhase === 'Running' || a.operationPhase === 'Terminating') {
      refuse(['status', 'operationState', 'phase'], `${a.operationPhase}: a sync is in progress`, `wait for it to finish, ${refresh}`);
    }
    // A failed PostSync hook (the smoke test) fails the operation and leaves health and sync status as they were
    // (docs/architecture.md "Smoke tests"): the last operation's phase is the only trace of it.
    if (a.operationPhase === 'Failed' || a.operationPhase === 'Error') {
      refuse(['status', 'operationState', 'phase'], `${a.operationPhase}: the last sync failed (an apply, or a hook such as the smoke test)`, `read its message in Argo CD, fix it and sync again, ${refresh}`);
    }
    if (a.sync !== 'Synced') {
      refuse(['status', 'sync', 'status'], `${a.sync ?? 'missing'}, not Synced: it does not run what git says`, `sync it in Argo CD, ${refresh}`);
    }
    const rev = a.revision;
    if (rev === undefined || !/^[0-9a-f]{7,64}$/.test(rev)) {
      refuse(['status', 'sync', 'revision'], `${rev === undefined ? 'missing' : `"${rev}" is not a commit sha`}: which image it is Synced to is unknown`, `write the status file from \`argocd app get ${name} -o json\``);
    }
    const text = ev.releasesAt(rev as string);
    if (text === undefined) {
      refuse(['status', 'sync', 'revision'], `${shortCommit(rev as string)} is not a commit of this repository (or has no ${ctx.file})`, 'fetch the full history (actions/checkout with fetch-depth: 0)');
    }
    const at = readReleases(text as string, `${ctx.file}@${shortCommit(rev as string)}`);
    const there = effectiveImage(at, app, env.name, r);
    if (!there || !sameBuild(there, src)) {
      refuse(['status', 'sync', 'revision'], `${shortCommit(rev as string)}, where ${ctx.file} gives ${app} ${env.name}/${r} ${there ? label(there) : 'no release'}: it does not run the promoted image yet`, `sync it in Argo CD, ${refresh}`);
    }
    revisions.add(shortCommit(rev as string));
  });
  return `${app} ${env.name}: ${names.join(', ')} Healthy and Synced at ${[...revisions].join(', ')} (runs ${label(src)})`;
}

/** The image has been in the env's entry (every region in `regions`) for at least `soak`, counted from the commit that put it there. */
function checkSoak(ctx: ReleaseContext, app: string, env: EnvironmentDefinition, src: ImageRef, regions: readonly string[], soak: string, ev: GateEvidence): string {
  const field = joinPath(app, env.name);
  const need = parseDuration(soak) as number; // checked when the env was defined
  const inAll = (text: string) => {
    let d: ReleasesData;
    try {
      d = readReleases(text, ctx.file);
    } catch {
      return false; // a version the tools cannot read does not run it
    }
    return regions.every((r) => runs(d, app, env.name, r, src));
  };
  const history = ev.history();
  let since: HistoryVersion | undefined;
  for (const v of history) {
    if (!inAll(v.text)) break;
    since = v;
  }
  const soaks = `${env.name} soaks images ${soak} before they are promoted out of it (${promotionSetting(env, 'soak')})`;
  if (!since) {
    throw new ReleaseError('gated', ctx.file, field, `${soaks}, counted from the commit that gave ${app} ${env.name} ${label(src)}, but no commit has it yet: commit it first, ${OVERRIDE}`);
  }
  if (since.time === undefined) {
    throw new ReleaseError('gated', ctx.file, field, `${soaks}, but the time of commit ${shortCommit(since.commit)} is unknown; ${OVERRIDE}`);
  }
  const from = since.time * 1000;
  const elapsed = Math.max(0, ev.now.getTime() - from);
  const when = new Date(from).toISOString().replace('.000Z', 'Z');
  if (elapsed < need) {
    const ready = new Date(from + need).toISOString().replace('.000Z', 'Z');
    throw new ReleaseError(
      'gated',
      ctx.file,
      field,
      `${soaks}: ${app} ${env.name} has run ${label(src)} since ${shortCommit(since.commit)} (${when}), ${formatDuration(elapsed, 'down')}; ${formatDuration(need - elapsed)} left: promote after ${ready}, ${OVERRIDE}`,
    );
  }
  return `${app} ${env.name}: ${label(src)} since ${shortCommit(since.commit)} (${when}), ${formatDuration(elapsed, 'down')} (soak ${soak})`;
}
