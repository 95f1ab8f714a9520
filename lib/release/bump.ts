import { joinPath } from '../model';
import { checkApp, checkEnv, checkHold, checkImage, checkRegion, image, imageAt, noteShadowingRegions, readReleases, sameImage, where, writeImage } from './entries';
import { EditResult, ReleaseChange, ReleaseContext } from './types';

/** One bump: set `app` in `env` (or one region of it) to `tag` (and `digest`). */
export interface Bump {
  /** The app (registered in apps/index.ts). */
  app: string;
  /** The environment. */
  env: string;
  /** Set this region's entry instead of the env-level one. */
  region?: string;
  /** The new tag (must pass the env's tag policy). */
  tag: string;
  /** The digest of that tag (required where the env's policy pins by digest). */
  digest?: string;
}

/**
 * Sets the image of each bump, in order, on the same text. Each bump is validated like synth does
 * (registered app, env and region, tag policy, `latest` refused, digest format and requirement).
 * Setting a tag without a digest removes the entry's previous digest. A bump to the exact current
 * value changes nothing and adds an "already at" note. An app held in the env is refused (code
 * 'held') unless `force`.
 *
 * @throws ReleaseError 'bad-input', 'held' or 'unparseable'; nothing is returned half-applied.
 */
export function applyBumps(text: string, ctx: ReleaseContext, bumps: Bump[], opts: { force?: boolean } = {}): EditResult {
  let data = readReleases(text, ctx.file);
  const changes: ReleaseChange[] = [];
  const notes: string[] = [];
  let t = text;
  for (const b of bumps) {
    checkApp(ctx, b.app);
    const env = checkEnv(ctx, b.env, joinPath(b.app, b.env));
    let at = joinPath(b.app, b.env);
    if (b.region !== undefined) {
      at = joinPath(at, 'regions', b.region);
      checkRegion(ctx, env, b.region, at);
    }
    const to = image(b.tag, b.digest);
    checkImage(ctx, env, at, to);
    checkHold(ctx, data, b.app, b.env, opts.force, notes);
    const from = imageAt(data, b.app, b.env, b.region);
    if (sameImage(from, to)) {
      notes.push(`${where(b.app, b.env, b.region)} already at ${b.tag}`);
      continue;
    }
    t = writeImage(ctx, t, data, b.app, b.env, b.region, to);
    data = readReleases(t, ctx.file);
    if (b.region === undefined) noteShadowingRegions(data, b.app, env, to, notes);
    changes.push({ app: b.app, env: b.env, ...(b.region !== undefined ? { region: b.region } : {}), ...(from ? { from } : {}), to });
  }
  return { text: t, changes, notes };
}
