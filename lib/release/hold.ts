import { compactValue, DataValue } from '../datafile';
import { joinPath, ReleaseHold } from '../model';
import { checkApp, checkEnv, checked, del, effectiveImage, entryOf, EXPORT, readReleases, set } from './entries';
import { EditResult, ReleaseContext, ReleaseError } from './types';

/**
 * Holds (refuse bumps of an app in an env until unhold) and the status table. Pure, like the other
 * operations.
 */

/** A hold request. */
export interface HoldRequest {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /** Why (shown by `release status` and in refusals). */
  reason: string;
  /** Who holds. */
  by: string;
  /** Now (recorded as `since`). */
  now: Date;
}

/**
 * Sets `hold: { reason, by, since }` on the app's entry in the env (creating the entry when the app
 * has no release there, which blocks its first automatic deploy). Bumps and promotions to it are
 * then refused until `release unhold`. Holding again with the same reason is a no-op with a note;
 * another reason replaces the hold.
 *
 * @throws ReleaseError 'bad-input' (unknown app or env, empty reason) or 'unparseable'.
 */
export function applyHold(text: string, ctx: ReleaseContext, req: HoldRequest): EditResult {
  const data = readReleases(text, ctx.file);
  checkApp(ctx, req.app);
  checkEnv(ctx, req.env, joinPath(req.app, req.env));
  if (typeof req.reason !== 'string' || req.reason.trim() === '') {
    throw new ReleaseError('bad-input', ctx.file, joinPath(req.app, req.env, 'hold', 'reason'), 'a hold needs a reason (one line: why bumps are refused)');
  }
  const reason = req.reason.replace(/\s*\r?\n\s*/g, ' ').trim();
  const existing = entryOf(data, req.app, req.env)?.hold;
  if (existing && existing.reason === reason) {
    return { text, changes: [], notes: [`${req.app} ${req.env} already held: "${reason}"`] };
  }
  const hold: DataValue = { reason, ...(req.by ? { by: req.by } : {}), since: req.now.toISOString() };
  const t = set(ctx, text, [req.app, req.env, 'hold'], hold);
  const notes = [`${req.app} ${req.env} held: "${reason}"; bumps are refused until \`release unhold ${req.app} ${req.env}\``];
  if (existing) notes.push(`replaced the previous hold "${existing.reason}"`);
  return { text: t, changes: [], notes };
}

/**
 * Removes the hold of the app in the env. A non-held entry is a no-op with a note.
 *
 * @throws ReleaseError 'bad-input' (unknown app or env) or 'unparseable'.
 */
export function applyUnhold(text: string, ctx: ReleaseContext, req: { app: string; env: string }): EditResult {
  const data = readReleases(text, ctx.file);
  checkApp(ctx, req.app);
  checkEnv(ctx, req.env, joinPath(req.app, req.env));
  const entry = entryOf(data, req.app, req.env);
  if (!entry?.hold) return { text, changes: [], notes: [`${req.app} ${req.env} is not held`] };
  let t = del(ctx, text, [req.app, req.env, 'hold']);
  // A hold-only entry (set before any release) leaves `{}` behind: remove the empty entry.
  if (Object.keys(entry).every((k) => k === 'hold')) t = del(ctx, t, [req.app, req.env]);
  // The hold had split a one-line entry over several lines: put it back, so hold + unhold is a no-op
  // on the file and later bumps stay one-line diffs.
  else t = checked(ctx.file, () => compactValue(t, EXPORT, [req.app, req.env], { fileName: ctx.file }).text);
  return { text: t, changes: [], notes: [`${req.app} ${req.env} unheld (was: "${entry.hold.reason}")`] };
}

// ---------------------------------------------------------------------------------------------
// Status

/** What one app runs in one env and region. */
export interface StatusRow {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /** The region. */
  region: string;
  /** The effective tag (region entry, else env-level entry); absent when not released. */
  tag?: string;
  /** The effective digest. */
  digest?: string;
  /** The hold on the app in the env, if any. */
  held?: ReleaseHold;
  /** Whether the app is released (deployed) there. */
  released: boolean;
}

/**
 * Every app x env x region in registry order (apps as registered, envs in promotion order, regions
 * as the env lists them), with the effective image and the hold.
 *
 * @throws ReleaseError 'unparseable' or 'bad-input' (shape).
 */
export function releaseStatus(text: string, ctx: ReleaseContext): StatusRow[] {
  const data = readReleases(text, ctx.file);
  const rows: StatusRow[] = [];
  for (const app of Object.keys(ctx.apps)) {
    for (const env of Object.values(ctx.envs)) {
      const hold = entryOf(data, app, env.name)?.hold;
      for (const region of env.regionNames) {
        const img = effectiveImage(data, app, env.name, region);
        rows.push({
          app,
          env: env.name,
          region,
          ...(img ? { tag: img.tag } : {}),
          ...(img?.digest !== undefined ? { digest: img.digest } : {}),
          ...(hold ? { held: { ...hold } } : {}),
          released: img !== undefined,
        });
      }
    }
  }
  return rows;
}

/**
 * An aligned text table of status rows: APP, ENV, REGION, TAG (`-` when not released), DIGEST (the
 * first 12 hex characters after `sha256:`, `-` when none) and HELD (the reason, by whom and since
 * when, `-` when not held). Lines end with a newline and carry no trailing spaces.
 */
export function formatStatusTable(rows: StatusRow[]): string {
  const header = ['APP', 'ENV', 'REGION', 'TAG', 'DIGEST', 'HELD'];
  const cells = rows.map((r) => [
    r.app,
    r.env,
    r.region,
    r.released && r.tag !== undefined ? r.tag : '-',
    r.digest !== undefined ? r.digest.replace(/^sha256:/, '').slice(0, 12) : '-',
    r.held ? `${r.held.reason}${r.held.by ? ` (${r.held.by}${r.held.since ? `, ${r.held.since.slice(0, 10)}` : ''})` : r.held.since ? ` (${r.held.since.slice(0, 10)})` : ''}` : '-',
  ]);
  const all = [header, ...cells];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
