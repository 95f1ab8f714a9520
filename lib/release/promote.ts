import { EnvironmentDefinition, joinPath } from '../model';
import {
  checkApp,
  checkEnv,
  checkHold,
  checkImage,
  checkRegion,
  effectiveImage,
  entryOf,
  image,
  imageAt,
  noteShadowingRegions,
  readReleases,
  sameImage,
  shortDigest,
  where,
  writeImage,
} from './entries';
import { checkGate, GateEvidence, promotionSetting } from './gate';
import { rolloutStep } from './rollout';
import { EditResult, ImageRef, ReleaseChange, ReleaseContext, ReleaseError, ReleasesData } from './types';

/** A promotion: copy the exact images of `apps` from one environment to another. */
export interface PromotionRequest {
  /** The apps to promote (each must have a release in `from`). */
  apps: string[];
  /** The source environment. */
  from: string;
  /** The target environment. */
  to: string;
  /**
   * Promote one region: the target's region entry gets the source's effective image there (its
   * region entry, else its env-level entry; a source env without that region gives its env-level entry).
   */
  region?: string;
  /** Release the same digest under this tag in the target (e.g. `v1.3.0` for a SNAPSHOT going to prod). */
  tag?: string;
  /**
   * Promote even when the app is held in the target; with `reason`, also when the promotion gate of
   * the source env refuses (returned as `gateOverridden`).
   */
  force?: boolean;
  /** Leave the env order (see applyPromotion); needs `reason`. */
  skipOrder?: boolean;
  /** Why the order is left (`--skip-order --reason`) or the gate overridden (`--force --reason`); returned as `skippedOrder` / `gateOverridden` when it was. */
  reason?: string;
  /** A target that rolls out region by region: move on to the next region that does not run the image (lib/release/rollout.ts). */
  nextRegion?: boolean;
  /** What the promotion gate of a gated source env reads (status file, git, clock); see lib/release/gate.ts. */
  gate?: GateEvidence;
}

/** `staging`, `staging and qa`, `a, b and c`. */
function list(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** True when `env` runs `digest` for `app`: its env-level entry has it, or every one of its regions has an entry with it. */
function runsDigest(data: ReleasesData, app: string, env: EnvironmentDefinition, digest: string): boolean {
  if (imageAt(data, app, env.name)?.digest === digest) return true;
  return env.regionNames.length > 0 && env.regionNames.every((r) => imageAt(data, app, env.name, r)?.digest === digest);
}

/**
 * The promotion order: `to` must be the env right after `from` in the registry (`Object.keys(envs)`,
 * envs/index.ts). An earlier `from` is allowed when every env in between already runs the promoted
 * digest (`src`). Returns a note when that exception applied.
 *
 * @throws ReleaseError 'bad-input' naming the target entry, what is allowed and the way out.
 */
function checkOrder(ctx: ReleaseContext, data: ReleasesData, app: string, from: EnvironmentDefinition, to: EnvironmentDefinition, src: ImageRef): string | undefined {
  const order = Object.keys(ctx.envs);
  const fi = order.indexOf(from.name);
  const ti = order.indexOf(to.name);
  if (ti === fi + 1) return undefined;
  const registry = ctx.envsFile ?? 'the environment registry';
  const refuse = (why: string): never => {
    throw new ReleaseError('bad-input', ctx.file, joinPath(app, to.name), `${why}, or --skip-order --reason "..."`);
  };
  if (ti === 0) refuse(`${to.name} is the first env in ${registry}: it gets images by bump, not by promotion (not from ${from.name}); use bump`);
  const prev = order[ti - 1];
  const must = `promote to ${to.name} must come from ${prev} (the env before it in ${registry}), not ${from.name}`;
  if (fi > ti) refuse(`${must}; promotions go forward; use --from ${prev}`);
  const between = order.slice(fi + 1, ti);
  if (src.digest === undefined) {
    refuse(`${must}; ${app} ${from.name} (${src.tag}) has no digest, so ${list(between)} cannot be shown to run it; use --from ${prev}`);
  }
  const digest = src.digest as string;
  const missing = between.filter((e) => !runsDigest(data, app, ctx.envs[e], digest));
  if (missing.length > 0) refuse(`${must}; ${list(missing)} ${missing.length === 1 ? 'does' : 'do'} not run ${shortDigest(digest)} yet; use --from ${prev}`);
  return `${where(app, to.name)}: promoted from ${from.name}; ${list(between)} already run${between.length === 1 ? 's' : ''} ${shortDigest(digest)}`;
}

/**
 * Copies the exact tag and digest of each app from `req.from` to `req.to` (build once, deploy
 * many): the env-level entry, or with `region` the target's region entry. With `tag`, the digest
 * is kept and released under the new tag (a digest is required for that).
 *
 * The target must be the env right after the source in the registry's order; an earlier source is
 * allowed when every env in between already runs the digest; anything else needs `skipOrder` with
 * a `reason`. Refuses with 'no-entry' when the source has no release, 'bad-input' when the order
 * is broken, the target's policy rejects the tag (suggesting `--tag vX.Y.Z`) or requires a digest
 * the source lacks, 'held' when the app is held in the target (unless `force`), 'gated' when the
 * promotion gate of the source (or of an env in between that the order relied on) refuses
 * (lib/release/gate.ts; `force` with a `reason` overrides it, returned as `gateOverridden`).
 * Into an env that rolls out region by region, one region is written per call (lib/release/rollout.ts).
 * Promoting to the value already there is a no-op with a note.
 *
 * @throws ReleaseError; nothing is returned half-applied.
 */
export function applyPromotion(text: string, ctx: ReleaseContext, req: PromotionRequest): EditResult {
  let data = readReleases(text, ctx.file);
  const changes: ReleaseChange[] = [];
  const notes: string[] = [];
  if (!Array.isArray(req.apps) || req.apps.length === 0) {
    throw new ReleaseError('bad-input', ctx.file, 'apps', `name at least one app to promote; registered apps: ${Object.keys(ctx.apps).join(', ')}`);
  }
  const appNames = [...new Set(req.apps)];
  appNames.forEach((a) => checkApp(ctx, a));
  const fromEnv = checkEnv(ctx, req.from, joinPath(appNames[0], req.from));
  const toEnv = checkEnv(ctx, req.to, joinPath(appNames[0], req.to));
  if (fromEnv.name === toEnv.name) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(appNames[0], req.to), `cannot promote ${req.from} to itself; give another target environment (${Object.keys(ctx.envs).join(', ')})`);
  }
  const reason = req.reason?.replace(/\s*\r?\n\s*/g, ' ').trim();
  if (req.skipOrder && !reason) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(appNames[0], req.to), '--skip-order needs --reason "..." (why this promotion leaves the env order; it is recorded in the commit)');
  }
  if (!req.skipOrder && !req.force && req.reason !== undefined) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(appNames[0], req.to), '--reason goes with --skip-order or --force (a promotion in env order that passes the gate needs no reason)');
  }
  const rollout = toEnv.promotion?.regionByRegion === true;
  if (req.nextRegion && !rollout) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(appNames[0], req.to), `--next-region: ${toEnv.name} does not roll out region by region (${promotionSetting(toEnv, 'regionByRegion')} is not true); promote without --next-region`);
  }
  if (req.nextRegion && req.region !== undefined) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(appNames[0], req.to, 'regions', req.region), '--next-region picks the region itself; give --region or --next-region, not both');
  }
  if (req.region !== undefined) {
    checkRegion(ctx, toEnv, req.region, joinPath(appNames[0], req.to, 'regions', req.region));
    if (!fromEnv.regionNames.includes(req.region)) notes.push(`${fromEnv.name} has no region ${req.region}: its env-level entries are promoted`);
  }
  let t = text;
  let skippedOrder = false;
  let gateOverridden = false;
  const order = Object.keys(ctx.envs);
  for (const app of appNames) {
    // Source: the env-level entry, or the region's effective image (env-level when the source lacks the region).
    const srcRegion = req.region !== undefined && fromEnv.regionNames.includes(req.region) ? req.region : undefined;
    const src = srcRegion !== undefined ? effectiveImage(data, app, fromEnv.name, srcRegion) : imageAt(data, app, fromEnv.name);
    if (!src) {
      const released = Object.keys(ctx.envs).filter((e) => ctx.envs[e].regionNames.some((r) => effectiveImage(data, app, e, r)));
      const regional = entryOf(data, app, fromEnv.name)?.regions;
      const hint =
        srcRegion === undefined && regional && Object.keys(regional).length > 0
          ? `; ${fromEnv.name} has only region entries (${Object.keys(regional).join(', ')}): promote with --region`
          : `; released in: ${released.length > 0 ? released.join(', ') : 'no environment'}`;
      throw new ReleaseError('no-entry', ctx.file, joinPath(app, fromEnv.name), `${app} has no release in ${fromEnv.name}${srcRegion !== undefined ? `/${srcRegion}` : ''}, nothing to promote${hint}`);
    }
    if (req.skipOrder) {
      const skipped = Object.keys(ctx.envs).indexOf(toEnv.name) !== Object.keys(ctx.envs).indexOf(fromEnv.name) + 1;
      if (skipped) notes.push(`${where(app, toEnv.name)}: env order skipped (from ${fromEnv.name}): ${reason}`);
      skippedOrder ||= skipped;
    } else {
      const note = checkOrder(ctx, data, app, fromEnv, toEnv, src);
      if (note) notes.push(note);
    }
    // The gate of the source, and of the envs in between that the order relied on (they vouch for the image too).
    const vouching = req.skipOrder ? [] : order.slice(order.indexOf(fromEnv.name) + 1, order.indexOf(toEnv.name)).map((e) => ctx.envs[e]);
    for (const env of [fromEnv, ...vouching]) {
      const gate = checkGate(ctx, data, app, env, src, env === fromEnv ? srcRegion : undefined, req.gate);
      notes.push(...gate.notes);
      if (!gate.refusal) continue;
      if (!req.force) throw gate.refusal;
      const r = gate.refusal;
      if (!reason) throw new ReleaseError('gated', r.file, r.field, `--force overrides the promotion gate only with --reason "..." (why; recorded in the commit as Gate-Override-Reason); the gate says: ${r.reason}`, r.line);
      notes.push(`${where(app, env.name)}: promotion gate overridden (--force: ${reason}): ${r.message}`);
      gateOverridden = true;
    }
    const at = req.region !== undefined ? joinPath(app, toEnv.name, 'regions', req.region) : joinPath(app, toEnv.name);
    let to: ImageRef;
    if (req.tag !== undefined) {
      if (src.digest === undefined) {
        throw new ReleaseError('bad-input', ctx.file, joinPath(at, 'tag'), `--tag retags a digest, but ${app} in ${fromEnv.name} (${src.tag}) has no digest; bump ${fromEnv.name} with its digest first`);
      }
      to = image(req.tag, src.digest);
      checkImage(ctx, toEnv, at, to, ` (--tag for ${app})`);
    } else {
      to = src;
      checkPromotedImage(ctx, app, fromEnv, toEnv, at, src);
    }
    checkHold(ctx, data, app, toEnv.name, req.force, notes);
    if (rollout) {
      const next = `npm run release -- promote ${app} --from ${fromEnv.name} --to ${toEnv.name}${req.tag !== undefined ? ` --tag ${req.tag}` : ''} --next-region`;
      const step = rolloutStep(ctx, t, app, toEnv, to, { ...(req.region !== undefined ? { region: req.region } : {}), nextRegion: req.nextRegion === true, promotedFrom: fromEnv.name, next });
      notes.push(...step.notes);
      if (step.change) changes.push(step.change);
      t = step.text;
      data = readReleases(t, ctx.file);
      continue;
    }
    const from = imageAt(data, app, toEnv.name, req.region);
    if (sameImage(from, to)) {
      notes.push(`${where(app, toEnv.name, req.region)} already at ${to.tag}`);
      continue;
    }
    t = writeImage(ctx, t, data, app, toEnv.name, req.region, to);
    data = readReleases(t, ctx.file);
    if (req.region === undefined) noteShadowingRegions(data, app, toEnv, to, notes);
    changes.push({
      app,
      env: toEnv.name,
      ...(req.region !== undefined ? { region: req.region } : {}),
      ...(from ? { from } : {}),
      to,
      promotedFrom: fromEnv.name,
    });
  }
  return { text: t, changes, notes, ...(skippedOrder && reason ? { skippedOrder: reason } : {}), ...(gateOverridden && reason ? { gateOverridden: reason } : {}) };
}

/**
 * The target's image rules (lib/model's checkReleaseImage) for the source's image copied as is; a
 * refused tag or a missing digest says what the source runs and how to get there (`--tag`, a bump
 * with the digest).
 */
function checkPromotedImage(ctx: ReleaseContext, app: string, fromEnv: EnvironmentDefinition, toEnv: EnvironmentDefinition, at: string, src: ImageRef): void {
  try {
    checkImage(ctx, toEnv, at, src);
  } catch (e) {
    if (!(e instanceof ReleaseError) || e.code !== 'bad-input') throw e;
    if (e.field === joinPath(at, 'tag')) {
      const example = toEnv.tags.allow.map((p) => p.name).join(' or ');
      throw new ReleaseError(
        'bad-input',
        e.file,
        e.field,
        `${e.reason}; ${app} ${fromEnv.name} runs ${src.tag}${src.digest ? '' : ' without a digest'}: to release the same digest under a tag ${toEnv.name} allows, promote with --tag ${example.includes('vX.Y.Z') ? 'vX.Y.Z' : `<${example}>`}`,
      );
    }
    if (e.field === joinPath(at, 'digest') && src.digest === undefined) {
      throw new ReleaseError('bad-input', e.file, e.field, `${e.reason}, but ${app} in ${fromEnv.name} (${src.tag}) has none; bump ${fromEnv.name} with its digest first`);
    }
    throw e;
  }
}

