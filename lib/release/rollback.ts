import { DataValue } from '../datafile';
import { IMAGE_TAG, joinPath, ReleaseEntry, ReleaseHold } from '../model';
import { checkApp, checkEnv, checkImage, checkRegion, del, entryOf, image, readReleases, sameBuild, sameData, sameImage, set, shortCommit as short, shortDigest } from './entries';
import { parseRolledBackFrom, Trailer, TRAILER, trailerValues } from './message';
import { EditResult, ImageRef, ReleaseChange, ReleaseContext, ReleaseError, RollbackChoice, SkippedVersion } from './types';

/** releases.ts at a commit that touched it, with what that commit's message says as data. */
export interface HistoryVersion {
  /** The commit (full sha). */
  commit: string;
  /** The text of releases.ts at that commit. */
  text: string;
  /** The commit message's trailers (see parseCommitMessage); absent: none. */
  trailers?: readonly Trailer[];
  /** The commit this one reverts (`git revert`'s `This reverts commit <sha>.`), if it is a revert. */
  reverts?: string;
  /** The commit's committer date, in seconds since the epoch (the promotion soak counts from it); absent when unknown. */
  time?: number;
}

/** A rollback of one app in one environment. */
export interface RollbackRequest {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /**
   * Restore the value at this commit (a sha prefix of at least 4 hex characters), or the value that
   * had this tag (env-level or region entry), instead of the last known-good one.
   */
  to?: string;
  /** Who rolls back (recorded in the hold). */
  by: string;
  /** Now (recorded in the hold as `since`). */
  now: Date;
}

/** The part of an entry a rollback restores: everything but the hold. */
type Restorable = { tag?: string; digest?: string; regions?: { [region: string]: ImageRef } };

/** The restorable part of an entry (keys with values only). */
function restorable(entry: ReleaseEntry | undefined): Restorable {
  const out: Restorable = {};
  if (entry?.tag !== undefined) out.tag = entry.tag;
  if (entry?.digest !== undefined) out.digest = entry.digest;
  if (entry?.regions !== undefined) {
    out.regions = {};
    for (const [r, img] of Object.entries(entry.regions)) if (img) out.regions[r] = image(img.tag, img.digest);
  }
  return out;
}

/** The images of a value: the env-level one, then the region entries'. */
function imagesOf(e: Restorable): ImageRef[] {
  return [...(e.tag !== undefined ? [image(e.tag, e.digest)] : []), ...Object.values(e.regions ?? {})];
}

/** A short description of an entry for the hold reason: its tag and its region tags, e.g. `v2.4.1 (eu-west-1: v2.5.0)`. */
function label(e: Restorable): string {
  const regions = Object.entries(e.regions ?? {}).map(([r, img]) => `${r}: ${img.tag}`).join(', ');
  if (e.tag !== undefined) return regions ? `${e.tag} (${regions})` : e.tag;
  return regions || 'nothing';
}

/** An image history marks as bad for the entry, and the commit that says so. */
interface Mark {
  image: ImageRef;
  why: SkippedVersion['why'];
  by: string;
}

/** `v1.3.0 (rolled back in abc1234)` / `v1.2.0 (reverted by def5678)`. */
function describeSkip(s: SkippedVersion): string {
  return `${s.label} (${s.why === 'rolled-back' ? `rolled back in ${short(s.by)}` : `reverted by ${short(s.by)}`})`;
}

/**
 * The images of `app` in `env` that history marks as bad, from newest to oldest commit:
 * - the images a rollback replaced (its Rolled-Back-From trailers);
 * - the images a commit introduced (not in the version before it) when a later `git revert`
 *   undid that commit. Reverting a rollback or a revert withdraws its marks and marks nothing.
 */
function badImages(history: readonly HistoryVersion[], valueAt: (i: number) => Restorable, app: string, env: string): Mark[] {
  const reverted: { commit: string; by: string }[] = [];
  const marks: Mark[] = [];
  for (let i = 0; i < history.length; i++) {
    const h = history[i];
    const sha = h.commit.toLowerCase();
    const undone = reverted.find((r) => sha.startsWith(r.commit) || r.commit.startsWith(sha));
    if (undone) {
      // Undoing an undo (a reverted rollback or revert) withdraws what it said; it condemns nothing.
      if (h.reverts || trailerValues(h.trailers, TRAILER.rolledBackFrom).length > 0) continue;
      const before = i + 1 < history.length ? imagesOf(valueAt(i + 1)) : [];
      for (const img of imagesOf(valueAt(i))) {
        if (!before.some((b) => sameBuild(b, img))) marks.push({ image: img, why: 'reverted', by: undone.by });
      }
      continue;
    }
    if (h.reverts) reverted.push({ commit: h.reverts.toLowerCase(), by: h.commit });
    for (const value of trailerValues(h.trailers, TRAILER.rolledBackFrom)) {
      const r = parseRolledBackFrom(value);
      if (r && r.app === app && r.env === env) marks.push({ image: r.image, why: 'rolled-back', by: h.commit });
    }
  }
  return marks;
}

/** The mark of the first image of `value` that history marks as bad, if any. */
function markOf(value: Restorable, marks: readonly Mark[]): Mark | undefined {
  for (const img of imagesOf(value)) {
    const m = marks.find((x) => sameBuild(x.image, img));
    if (m) return m;
  }
  return undefined;
}

/** Where the value to restore was found. */
interface Found {
  i: number;
  value: Restorable;
  by: RollbackChoice['by'];
}

/**
 * The version `--to` names: a commit (sha prefix) or a tag the entry had (env-level or region).
 * Refuses a name that matches nothing, several commits, a commit and a tag at once, or a tag found
 * with different values.
 */
function findTo(ctx: ReleaseContext, req: RollbackRequest, history: readonly HistoryVersion[], valueAt: (i: number) => Restorable): Found {
  const to = req.to as string;
  const at = joinPath(req.app, req.env);
  const isHex = /^[0-9a-f]{4,40}$/i.test(to);
  const commits = isHex ? history.map((h, i) => ({ h, i })).filter(({ h }) => h.commit.toLowerCase().startsWith(to.toLowerCase())) : [];
  if (new Set(commits.map(({ h }) => h.commit)).size > 1) {
    throw new ReleaseError('bad-input', ctx.file, at, `--to ${to} is ambiguous (${commits.map(({ h }) => short(h.commit)).join(', ')}); give more characters`);
  }
  const tagged: { i: number; value: Restorable }[] = [];
  if (IMAGE_TAG.test(to)) {
    for (let i = 0; i < history.length; i++) {
      const value = valueAt(i);
      if (!imagesOf(value).some((img) => img.tag === to)) continue;
      if (!tagged.some((t) => sameData(t.value, value))) tagged.push({ i, value });
    }
  }
  if (commits.length > 0 && tagged.length > 0) {
    throw new ReleaseError(
      'bad-input',
      ctx.file,
      at,
      `--to ${to} names commit ${short(commits[0].h.commit)} and also the tag ${to} (released at commit ${short(history[tagged[0].i].commit)}); give the commit you mean with more characters`,
    );
  }
  if (commits.length > 0) return { i: commits[0].i, value: valueAt(commits[0].i), by: 'commit' };
  if (tagged.length > 1) {
    const where = tagged.map((t) => `${label(t.value)}${t.value.digest ? ` ${shortDigest(t.value.digest)}` : ''} at ${short(history[t.i].commit)}`).join(', ');
    throw new ReleaseError('bad-input', ctx.file, at, `--to ${to} is ambiguous: ${req.app} had it in ${req.env} with different values (${where}); give the commit with --to <sha>`);
  }
  if (tagged.length === 1) return { ...tagged[0], by: 'tag' };
  if (!isHex && !IMAGE_TAG.test(to)) {
    throw new ReleaseError('bad-input', ctx.file, at, `--to "${to}" is neither a commit nor a tag; allowed: a commit sha or a prefix of at least 4 hex characters, or a tag ${req.app} had in ${req.env}`);
  }
  const tags = [...new Set(history.flatMap((_, i) => imagesOf(valueAt(i)).map((img) => img.tag)))];
  throw new ReleaseError(
    'no-history',
    ctx.file,
    at,
    `no commit ${to} among the ${history.length} earlier versions of ${ctx.file}, and ${req.app} never had the tag ${to} in ${req.env}${tags.length ? ` (tags found: ${tags.slice(0, 8).join(', ')}${tags.length > 8 ? ', ...' : ''})` : ''}`,
  );
}

/**
 * Restores the last known-good value of `app` in `env` (tag, digest and regions; the whole entry
 * but its hold) and sets a hold `{ reason: 'rollback to <tag> from <tag>', by, since }` so the next
 * automatic bump does not undo it.
 *
 * `history` is releases.ts at the commits that touched it, newest first (HEAD's version may be
 * included). The last known-good value is the newest one that differs from the current value and
 * that history does not mark as bad: none of its images was rolled back from (Rolled-Back-From
 * trailers of earlier rollbacks) or introduced by a commit that `git revert` undid. So a second
 * rollback goes further back, and a reverted bump is never restored. With `to`, the value at that
 * commit, or the value that had that tag, is restored (even one marked bad: a note says so). The
 * restored value is validated against today's registries and policies. `rollback` in the result
 * says what was chosen and which values were skipped and why.
 *
 * @throws ReleaseError 'no-history' when no earlier value is left (the message lists the skipped
 *   ones), `to` matches nothing, or the version found has no release to restore; 'bad-input' for
 *   bad names, an ambiguous `to` or a restored value today's policy refuses; 'unparseable' for a
 *   broken version.
 */
export function applyRollback(text: string, ctx: ReleaseContext, history: HistoryVersion[], req: RollbackRequest): EditResult {
  const data = readReleases(text, ctx.file);
  checkApp(ctx, req.app);
  const env = checkEnv(ctx, req.env, joinPath(req.app, req.env));
  const at = joinPath(req.app, req.env);
  const current = restorable(entryOf(data, req.app, req.env));
  const values = new Map<number, Restorable>();
  const valueAt = (i: number): Restorable => {
    let v = values.get(i);
    if (v === undefined) {
      v = restorable(entryOf(readReleases(history[i].text, `${ctx.file}@${short(history[i].commit)}`), req.app, req.env));
      values.set(i, v);
    }
    return v;
  };
  const marks = badImages(history, valueAt, req.app, req.env);

  const skipped: SkippedVersion[] = [];
  let found: Found | undefined;
  if (req.to !== undefined) {
    found = findTo(ctx, req, history, valueAt);
  } else {
    const seen: Restorable[] = [];
    for (let i = 0; i < history.length && !found; i++) {
      const value = valueAt(i);
      if (sameData(value, current) || seen.some((s) => sameData(s, value))) continue;
      seen.push(value);
      const mark = markOf(value, marks);
      if (mark) skipped.push({ commit: history[i].commit, label: label(value), why: mark.why, by: mark.by });
      else found = { i, value, by: 'previous' };
    }
    if (!found && skipped.length > 0) {
      throw new ReleaseError(
        'no-history',
        ctx.file,
        at,
        `every earlier release of ${req.app} in ${req.env} was rolled back or reverted: ${skipped.map(describeSkip).join(', ')}; nothing to roll back to (--to <commit or tag> restores one anyway)`,
      );
    }
    if (!found) {
      throw new ReleaseError('no-history', ctx.file, at, `no earlier version of ${ctx.file} (${history.length} searched) has another release of ${req.app} in ${req.env}; nothing to roll back to`);
    }
  }
  const target = found.value;
  const commit = short(history[found.i].commit);
  if (sameData(target, current)) {
    return { text, changes: [], notes: [`${req.app} ${req.env} already at ${label(current)} (as at commit ${commit})`] };
  }
  if (target.tag === undefined && Object.keys(target.regions ?? {}).length === 0) {
    throw new ReleaseError(
      'no-history',
      ctx.file,
      at,
      `at commit ${commit} ${req.app} had no release in ${req.env}; nothing to roll back to (to stop deploying it, remove the entry)`,
    );
  }
  // Today's rules apply to the restored value (the policy or the regions may have changed since).
  const suffix = ` (the value at commit ${commit})`;
  if (target.tag !== undefined) checkImage(ctx, env, at, image(target.tag, target.digest), suffix);
  for (const [region, img] of Object.entries(target.regions ?? {})) {
    const rp = joinPath(at, 'regions', region);
    checkRegion(ctx, env, region, rp);
    checkImage(ctx, env, rp, img, suffix);
  }

  const path = [req.app, req.env];
  const hold: ReleaseHold = { reason: `rollback to ${label(target)} from ${label(current)}`, ...(req.by ? { by: req.by } : {}), since: req.now.toISOString() };
  let t = text;
  if (entryOf(data, req.app, req.env) === undefined) {
    t = set(ctx, t, path, { ...(target as DataValue as Record<string, DataValue>), hold: hold as unknown as DataValue });
  } else {
    for (const key of ['tag', 'digest', 'regions'] as const) {
      const v = target[key];
      t = v !== undefined ? set(ctx, t, [...path, key], v as DataValue) : del(ctx, t, [...path, key]);
    }
    t = set(ctx, t, [...path, 'hold'], hold as unknown as DataValue);
  }

  // Versions back from the current text (HEAD's version, when it is the current text, is not "back").
  const back = found.i + 1 - Math.max(0, history.findIndex((h) => h.text !== text));
  const choice: RollbackChoice = { commit: history[found.i].commit, label: label(target), back, by: found.by, skipped };
  const notes = [
    `${req.app} ${req.env} rolled back to ${label(target)} from ${label(current)} (the value at commit ${commit}, ${back} version${back === 1 ? '' : 's'} back)`,
  ];
  if (skipped.length > 0) notes.push(`skipped ${skipped.map(describeSkip).join(', ')}`);
  const mark = found.by !== 'previous' ? markOf(target, marks) : undefined;
  if (mark) notes.push(`restoring it although it was ${mark.why === 'rolled-back' ? `rolled back in ${short(mark.by)}` : `reverted by ${short(mark.by)}`} (named by --to)`);
  notes.push(`${req.app} ${req.env} is now held; bumps are refused until \`release unhold ${req.app} ${req.env}\``);
  return { text: t, changes: rollbackChanges(req.app, req.env, current, target), notes, rollback: choice };
}

/** The image changes of replacing `current` by `target` (the env-level image, then each region whose effective image changes). */
function rollbackChanges(app: string, env: string, current: Restorable, target: Restorable): ReleaseChange[] {
  const changes: ReleaseChange[] = [];
  const envFrom = current.tag !== undefined ? image(current.tag, current.digest) : undefined;
  const envTo = target.tag !== undefined ? image(target.tag, target.digest) : undefined;
  if (envTo && !sameImage(envFrom, envTo)) changes.push({ app, env, ...(envFrom ? { from: envFrom } : {}), to: envTo });
  const regionNames = [...new Set([...Object.keys(current.regions ?? {}), ...Object.keys(target.regions ?? {})])];
  for (const region of regionNames) {
    const before = current.regions?.[region];
    const after = target.regions?.[region];
    if (sameImage(before, after)) continue;
    const to = after ?? envTo;
    const from = before ?? envFrom;
    if (to && !sameImage(from, to)) changes.push({ app, env, region, ...(from ? { from } : {}), to });
  }
  return changes;
}
