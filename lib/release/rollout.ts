import { compactValue } from '../datafile';
import { EnvironmentDefinition, joinPath } from '../model';
import { checked, del, effectiveImage, entryOf, EXPORT, imageAt, readReleases, sameImage, writeImage } from './entries';
import { EditResult, ImageRef, ReleaseChange, ReleaseContext, ReleaseError, ReleasesData } from './types';

/**
 * Promotion into an env that rolls out region by region (`promotion: { regionByRegion: true }`,
 * lib/model/promotion.ts), in the order of its `regions`: the region entries of releases.ts are the
 * canary. A promotion gives the first region the image, `--next-region` the next region that does not
 * run it yet, `--region R` region R; once every region runs it, the env-level entry takes the image and
 * the region entries are removed.
 */

/** One step of a rollout of one app. */
export interface RolloutRequest {
  /** An explicit region (`--region`). */
  readonly region?: string;
  /** Move on to the next region that does not run the image (`--next-region`). */
  readonly nextRegion?: boolean;
  /** The env the image comes from (recorded in the change). */
  readonly promotedFrom: string;
  /** The command that takes the rollout to its next region (shown in the notes). */
  readonly next: string;
}

/** The text after the step, its change (none when nothing moved) and the notes. */
export type RolloutResult = Pick<EditResult, 'text' | 'notes'> & { readonly change?: ReleaseChange };

/**
 * Writes `to` for `app` into one region of `env` (see above), or collapses a finished rollout.
 *
 * @throws ReleaseError 'bad-input' for `nextRegion` when no region runs `to` yet (no rollout in progress).
 */
export function rolloutStep(ctx: ReleaseContext, text: string, app: string, env: EnvironmentDefinition, to: ImageRef, req: RolloutRequest): RolloutResult {
  let data = readReleases(text, ctx.file);
  const regions = env.regionNames;
  const runs = (d: ReleasesData, r: string) => sameImage(effectiveImage(d, app, env.name, r), to);
  const notes: string[] = [];
  let region: string | undefined;
  if (req.region !== undefined) region = req.region;
  else if (req.nextRegion) {
    if (!regions.some((r) => runs(data, r))) {
      throw new ReleaseError('bad-input', ctx.file, joinPath(app, env.name), `--next-region: no rollout of ${to.tag} in progress in ${env.name} (no region runs it yet); start it with the same command without --next-region (${regions[0]} first)`);
    }
    region = regions.find((r) => !runs(data, r));
  } else {
    region = regions[0];
  }

  let t = text;
  let change: ReleaseChange | undefined;
  const from = region !== undefined ? effectiveImage(data, app, env.name, region) : undefined;
  if (region !== undefined && !sameImage(from, to)) {
    t = writeImage(ctx, t, data, app, env.name, region, to);
    data = readReleases(t, ctx.file);
    change = { app, env: env.name, region, ...(from ? { from } : {}), to, promotedFrom: req.promotedFrom };
  }

  const done = regions.filter((r) => runs(data, r));
  if (done.length < regions.length) {
    if (!change && region !== undefined) notes.push(`${app} ${env.name}/${region} already at ${to.tag}`);
    const next = regions.find((r) => !runs(data, r)) as string;
    const was = effectiveImage(data, app, env.name, next);
    notes.push(
      `${app} ${env.name}: rolling out ${to.tag} region by region (${regions.join(', ')}): ${done.join(', ')} ${done.length === 1 ? 'runs' : 'run'} it, ` +
        `${next} next (now ${was?.tag ?? 'no release'}); continue with: ${req.next}`,
    );
    return { text: t, notes, ...(change ? { change } : {}) };
  }
  // Every region runs it: the env-level entry takes it, the region entries go.
  const envLevel = imageAt(data, app, env.name);
  const regional = Object.keys(entryOf(data, app, env.name)?.regions ?? {});
  if (sameImage(envLevel, to) && regional.length === 0) {
    if (!change) notes.push(`${app} ${env.name} already at ${to.tag} in every region (${regions.join(', ')})`);
    return { text: t, notes, ...(change ? { change } : {}) };
  }
  t = writeImage(ctx, t, data, app, env.name, undefined, to);
  t = del(ctx, t, [app, env.name, 'regions']);
  t = checked(ctx.file, () => compactValue(t, EXPORT, [app, env.name], { fileName: ctx.file }).text);
  notes.push(`${app} ${env.name}: every region runs ${to.tag} now: the env-level entry has it and the region entries are removed (rollout complete)`);
  return { text: t, notes, change: change ?? { app, env: env.name, ...(envLevel ? { from: envLevel } : {}), to, promotedFrom: req.promotedFrom } };
}
