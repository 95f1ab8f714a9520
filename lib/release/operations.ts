import { compactValue, DataFileError, DataValue, deleteValue, readDataFile, setValue } from '../datafile';
import {
  AnyReleases,
  AppRegistry,
  closest,
  DIGEST,
  EnvironmentDefinition,
  EnvironmentRegistry,
  joinPath,
  ReleaseEntry,
  ReleaseHold,
  tagViolation,
} from '../model';

/**
 * The release operations (bump, promote, rollback, hold, unhold, status) as pure functions over the
 * text of envs/releases.ts: no file system, no git, no clock (the caller passes `now` and `by`).
 * Every edit goes through the data-file editor (lib/datafile), so each changed value is one changed
 * line, comments and layout are kept, and the returned text re-parses. Inputs are validated the way
 * synth validates releases.ts (registered app, env and region; the env's tag policy; digests).
 */

/** The exported constant of envs/releases.ts. */
const EXPORT = 'releases';

/** What the operations need from the repository. */
export interface ReleaseContext {
  /** The app registry (apps/index.ts). */
  apps: AppRegistry;
  /** The environment registry (envs/index.ts), in promotion order. */
  envs: EnvironmentRegistry;
  /** The releases file as named in errors, e.g. `envs/releases.ts`. */
  file: string;
}

/** One image: a tag and, where known, its digest (`sha256:<64 hex>`). */
export interface ImageRef {
  /** Image tag. */
  tag: string;
  /** Image digest. */
  digest?: string;
}

/** One image change made by an operation (what a commit message or a summary lists). */
export interface ReleaseChange {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /** The region, when a region entry changed (absent: the env-level entry). */
  region?: string;
  /** The image before (absent when there was no release there). */
  from?: ImageRef;
  /** The image after. */
  to: ImageRef;
  /** The environment the image was promoted from (promotions only). */
  promotedFrom?: string;
}

/**
 * The result of an operation. `text` is identical to the input when nothing changed (idempotent
 * calls, unhold of a non-held entry...): callers commit only when it differs.
 */
export interface EditResult {
  /** The new text of releases.ts. */
  text: string;
  /** The image changes, in the order they were applied (hold and unhold change no image: empty). */
  changes: ReleaseChange[];
  /** One-line remarks for the user, e.g. `echo dev already at 1.3.0-SNAPSHOT-7d2a1b4`. */
  notes: string[];
}

/** Why an operation refused: bad input, a hold, nothing to promote, nothing to roll back to, a broken file. */
export type ReleaseErrorCode = 'bad-input' | 'held' | 'no-entry' | 'no-history' | 'unparseable';

/**
 * The one error of the release operations. Its message is one line,
 * `<file>[:<line>]: <field>: <reason with what is allowed>`, e.g.
 * `envs/releases.ts: echo.prod.tag: "1.3.0-SNAPSHOT-7d2a1b4" breaks the tag policy; allowed: vX.Y.Z (prod)`.
 */
export class ReleaseError extends Error {
  /** What kind of refusal this is (the CLI may map codes to exit statuses). */
  public readonly code: ReleaseErrorCode;
  /** The file the error is about (`ctx.file`, or `<file>@<commit>` for a version from history). */
  public readonly file: string;
  /** Dotted field path inside `releases`, e.g. `echo.prod.tag` (may be empty). */
  public readonly field: string;
  /** What is wrong and what is allowed (one line). */
  public readonly reason: string;
  /** 1-based line, when known (unparseable files). */
  public readonly line?: number;

  /** Builds the error; newlines in `reason` are folded so the message stays on one line. */
  constructor(code: ReleaseErrorCode, file: string, field: string, reason: string, line?: number) {
    const oneLine = reason.replace(/\s*\r?\n\s*/g, ' ');
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${oneLine}`);
    this.name = 'ReleaseError';
    this.code = code;
    this.file = file;
    this.field = field;
    this.reason = oneLine;
    if (line !== undefined) this.line = line;
  }
}

/** envs/releases.ts as data: app -> env -> { tag, digest?, regions?, hold? }. */
export type ReleasesData = AnyReleases;

// ---------------------------------------------------------------------------------------------
// Reading

/** True when `obj` has `key` as an own property (never the prototype: `__proto__` is just a name). */
function own(obj: object | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
}

/** True for a non-null, non-array object. */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Converts a data-file error into an 'unparseable' ReleaseError naming the file and line. */
function fromDataFileError(e: unknown, file: string): unknown {
  if (e instanceof DataFileError) return new ReleaseError('unparseable', file, e.field, e.reason, e.line);
  return e;
}

/** Checks the shape synth relies on (objects where objects belong, strings for tags and digests). */
function checkShape(data: DataValue, file: string): ReleasesData {
  const fail = (field: string, what: string): never => {
    throw new ReleaseError('bad-input', file, field, `must be ${what}`);
  };
  if (!isObject(data)) fail('releases', 'an object (app -> env -> release)');
  for (const [app, perEnv] of Object.entries(data as Record<string, unknown>)) {
    if (!isObject(perEnv)) fail(app, 'an object (env -> release)');
    for (const [env, entry] of Object.entries(perEnv as Record<string, unknown>)) {
      const p = joinPath(app, env);
      if (!isObject(entry)) fail(p, 'an object ({ tag, digest?, regions?, hold? })');
      const e = entry as Record<string, unknown>;
      for (const k of ['tag', 'digest'] as const) if (e[k] !== undefined && typeof e[k] !== 'string') fail(joinPath(p, k), 'a string');
      if (e.regions !== undefined) {
        if (!isObject(e.regions)) fail(joinPath(p, 'regions'), 'an object (region -> { tag, digest? })');
        for (const [region, r] of Object.entries(e.regions as Record<string, unknown>)) {
          const rp = joinPath(p, 'regions', region);
          if (!isObject(r)) fail(rp, 'an object ({ tag, digest? })');
          const re = r as Record<string, unknown>;
          if (typeof re.tag !== 'string') fail(joinPath(rp, 'tag'), 'a string (a region entry names its own image)');
          if (re.digest !== undefined && typeof re.digest !== 'string') fail(joinPath(rp, 'digest'), 'a string');
        }
      }
      if (e.hold !== undefined) {
        if (!isObject(e.hold)) fail(joinPath(p, 'hold'), 'an object ({ reason, by?, since? })');
        const h = e.hold as Record<string, unknown>;
        if (typeof h.reason !== 'string') fail(joinPath(p, 'hold', 'reason'), 'a string');
        for (const k of ['by', 'since'] as const) if (h[k] !== undefined && typeof h[k] !== 'string') fail(joinPath(p, 'hold', k), 'a string');
      }
    }
  }
  return data as ReleasesData;
}

/**
 * Reads the text of releases.ts as data.
 *
 * @param text the source text
 * @param file the file name used in errors (e.g. `envs/releases.ts`)
 * @throws ReleaseError 'unparseable' (naming `file:line`) when the text is not a data file
 *   (syntax error, no `export const releases = { ... }`, calls, spreads...), 'bad-input' when the
 *   value does not have the releases shape (e.g. a tag that is not a string).
 */
export function readReleases(text: string, file: string): ReleasesData {
  let data: DataValue;
  try {
    data = readDataFile(text, EXPORT, file);
  } catch (e) {
    throw fromDataFileError(e, file);
  }
  return checkShape(data, file);
}

// ---------------------------------------------------------------------------------------------
// Validation (the same rules as synth's check of releases.ts)

/** Refuses an app that is not registered, with a did-you-mean. */
function checkApp(ctx: ReleaseContext, app: string): void {
  if (typeof app === 'string' && own(ctx.apps, app)) return;
  const names = Object.keys(ctx.apps);
  const hint = closest(String(app), names);
  throw new ReleaseError('bad-input', ctx.file, String(app), `unknown app "${app}"${hint ? ` (did you mean "${hint}"?)` : ''}; registered apps: ${names.join(', ')}`);
}

/** The environment named `env`; refuses an unknown one (field: `field`), with a did-you-mean. */
function checkEnv(ctx: ReleaseContext, env: string, field: string): EnvironmentDefinition {
  if (typeof env === 'string' && own(ctx.envs, env)) return ctx.envs[env];
  const names = Object.keys(ctx.envs);
  const hint = closest(String(env), names);
  throw new ReleaseError('bad-input', ctx.file, field, `unknown environment "${env}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${names.join(', ')}`);
}

/** Refuses a region that `env` does not have, with a did-you-mean. */
function checkRegion(ctx: ReleaseContext, env: EnvironmentDefinition, region: string, field: string): void {
  if (typeof region === 'string' && env.regionNames.includes(region)) return;
  const hint = closest(String(region), env.regionNames);
  throw new ReleaseError(
    'bad-input',
    ctx.file,
    field,
    `unknown region "${region}" of ${env.name}${hint ? ` (did you mean "${hint}"?)` : ''} (allowed: ${env.regionNames.join(', ')})`,
  );
}

/**
 * Refuses an image `env` does not accept: a tag breaking its policy (`latest` everywhere), a
 * malformed digest, a missing digest where the policy pins by digest. `at` is the entry's path.
 */
function checkImage(ctx: ReleaseContext, env: EnvironmentDefinition, at: string, image: Partial<ImageRef>, suffix = ''): void {
  const tagField = joinPath(at, 'tag');
  if (typeof image.tag !== 'string' || image.tag === '') {
    throw new ReleaseError('bad-input', ctx.file, tagField, `a tag is required (allowed: ${env.tags.allow.map((p) => p.name).join(' or ')})${suffix}`);
  }
  const why = tagViolation(image.tag, env.tags);
  if (why) throw new ReleaseError('bad-input', ctx.file, tagField, `${why} (${env.name})${suffix}`);
  if (image.digest !== undefined) {
    if (typeof image.digest !== 'string' || !DIGEST.test(image.digest)) {
      throw new ReleaseError('bad-input', ctx.file, joinPath(at, 'digest'), `"${image.digest}" is not allowed; allowed: "sha256:" followed by 64 lowercase hex characters${suffix}`);
    }
  } else if (env.tags.requireDigest) {
    throw new ReleaseError('bad-input', ctx.file, joinPath(at, 'digest'), `is required in ${env.name} (its tag policy pins images by digest)${suffix}`);
  }
}

/** Refuses when the app is held in `env`, unless `force` (then a note says the hold was overridden). */
function checkHold(ctx: ReleaseContext, data: ReleasesData, app: string, env: string, force: boolean | undefined, notes: string[]): void {
  const hold = entryOf(data, app, env)?.hold;
  if (!hold) return;
  const what = `"${hold.reason}"${hold.by ? ` by ${hold.by}` : ''}${hold.since ? ` since ${hold.since}` : ''}`;
  if (force) {
    notes.push(`${app} ${env} is held (${what}); changed anyway (--force); the hold stays`);
    return;
  }
  throw new ReleaseError(
    'held',
    ctx.file,
    joinPath(app, env, 'hold'),
    `${app} is held in ${env}: ${what}; changes are refused until \`release unhold ${app} ${env}\` (or --force)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Data helpers

/** The entry of `app` in `env`, if any. */
function entryOf(data: ReleasesData, app: string, env: string): ReleaseEntry | undefined {
  const perEnv = own(data, app) ? data[app] : undefined;
  return perEnv && own(perEnv, env) ? perEnv[env] : undefined;
}

/** The image of an entry (a region entry with `region`, else the env-level one), if it has one. */
function imageAt(data: ReleasesData, app: string, env: string, region?: string): ImageRef | undefined {
  const entry = entryOf(data, app, env);
  if (!entry) return undefined;
  if (region !== undefined) {
    const r = entry.regions && own(entry.regions, region) ? entry.regions[region] : undefined;
    return r ? image(r.tag, r.digest) : undefined;
  }
  return entry.tag !== undefined ? image(entry.tag, entry.digest) : undefined;
}

/** What runs in one region: the region entry, else the env-level entry. */
function effectiveImage(data: ReleasesData, app: string, env: string, region: string): ImageRef | undefined {
  return imageAt(data, app, env, region) ?? imageAt(data, app, env);
}

/** An ImageRef without an undefined `digest` key. */
function image(tag: string, digest: string | undefined): ImageRef {
  return digest !== undefined ? { tag, digest } : { tag };
}

/** True when two images are exactly the same (tag and digest). */
function sameImage(a: ImageRef | undefined, b: ImageRef | undefined): boolean {
  return a?.tag === b?.tag && a?.digest === b?.digest;
}

/** `app env` or `app env/region`, for notes. */
function where(app: string, env: string, region?: string): string {
  return `${app} ${env}${region !== undefined ? `/${region}` : ''}`;
}

/** Deep equality of plain data (key order ignored; undefined-valued keys are absent keys). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => own(b, k) && sameData(a[k], b[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  return false;
}

// ---------------------------------------------------------------------------------------------
// Editing (only through lib/datafile)

/** Sets `value` at `path` of the export (see setValue); data-file errors become ReleaseErrors. */
function set(ctx: ReleaseContext, text: string, path: string[], value: DataValue): string {
  try {
    return setValue(text, EXPORT, path, value, { fileName: ctx.file }).text;
  } catch (e) {
    throw fromDataFileError(e, ctx.file);
  }
}

/** Deletes the property at `path` (a missing one is no change); data-file errors become ReleaseErrors. */
function del(ctx: ReleaseContext, text: string, path: string[]): string {
  try {
    return deleteValue(text, EXPORT, path, { fileName: ctx.file }).text;
  } catch (e) {
    throw fromDataFileError(e, ctx.file);
  }
}

/**
 * Writes an image into the env-level entry (or the region entry): tag and digest as separate
 * leaves, so each is one changed line; no digest removes a stale one (a digest belongs to its tag).
 * A missing entry is inserted whole (`{ tag, digest }`).
 */
function writeImage(ctx: ReleaseContext, text: string, data: ReleasesData, app: string, env: string, region: string | undefined, img: ImageRef): string {
  const base = region !== undefined ? [app, env, 'regions', region] : [app, env];
  const exists = region !== undefined ? own(entryOf(data, app, env)?.regions, region) : entryOf(data, app, env) !== undefined;
  const value: DataValue = img.digest !== undefined ? { tag: img.tag, digest: img.digest } : { tag: img.tag };
  if (!exists) return set(ctx, text, base, value);
  let t = set(ctx, text, [...base, 'tag'], img.tag);
  t = img.digest !== undefined ? set(ctx, t, [...base, 'digest'], img.digest) : del(ctx, t, [...base, 'digest']);
  return t;
}

/** Notes the regions whose own entries keep overriding a new env-level image. */
function noteShadowingRegions(data: ReleasesData, app: string, env: EnvironmentDefinition, img: ImageRef, notes: string[]): void {
  for (const region of env.regionNames) {
    const r = imageAt(data, app, env.name, region);
    if (r && !sameImage(r, img)) notes.push(`${where(app, env.name, region)} keeps its own region entry ${r.tag} (region entries win)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Bump

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

// ---------------------------------------------------------------------------------------------
// Promote

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
  /** Promote even when the app is held in the target. */
  force?: boolean;
}

/**
 * Copies the exact tag and digest of each app from `req.from` to `req.to` (build once, deploy
 * many): the env-level entry, or with `region` the target's region entry. With `tag`, the digest
 * is kept and released under the new tag (a digest is required for that). Refuses with
 * 'no-entry' when the source has no release, 'bad-input' when the target's policy rejects the tag
 * (suggesting `--tag vX.Y.Z`) or requires a digest the source lacks, 'held' when the app is held
 * in the target (unless `force`). Promoting to the value already there is a no-op with a note.
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
  if (req.region !== undefined) {
    checkRegion(ctx, toEnv, req.region, joinPath(appNames[0], req.to, 'regions', req.region));
    if (!fromEnv.regionNames.includes(req.region)) notes.push(`${fromEnv.name} has no region ${req.region}: its env-level entries are promoted`);
  }
  let t = text;
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
      const why = tagViolation(src.tag, toEnv.tags);
      if (why) {
        const example = toEnv.tags.allow.map((p) => p.name).join(' or ');
        throw new ReleaseError(
          'bad-input',
          ctx.file,
          joinPath(at, 'tag'),
          `${why} (${toEnv.name}); ${app} ${fromEnv.name} runs ${src.tag}${src.digest ? '' : ' without a digest'}: to release the same digest under a tag ${toEnv.name} allows, promote with --tag ${example.includes('vX.Y.Z') ? 'vX.Y.Z' : `<${example}>`}`,
        );
      }
      if (src.digest === undefined && toEnv.tags.requireDigest) {
        throw new ReleaseError(
          'bad-input',
          ctx.file,
          joinPath(at, 'digest'),
          `is required in ${toEnv.name} (its tag policy pins images by digest), but ${app} in ${fromEnv.name} (${src.tag}) has none; bump ${fromEnv.name} with its digest first`,
        );
      }
      checkImage(ctx, toEnv, at, to);
    }
    checkHold(ctx, data, app, toEnv.name, req.force, notes);
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
  return { text: t, changes, notes };
}

// ---------------------------------------------------------------------------------------------
// Rollback

/** releases.ts at an earlier commit. */
export interface HistoryVersion {
  /** The commit (full sha). */
  commit: string;
  /** The text of releases.ts at that commit. */
  text: string;
}

/** A rollback of one app in one environment. */
export interface RollbackRequest {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /** Roll back to the value at this commit (a sha prefix of at least 4 hex characters) instead of the previous one. */
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

/** A short description of an entry for the hold reason: its tag and its region tags, e.g. `v2.4.1 (eu-west-1: v2.5.0)`. */
function label(e: Restorable): string {
  const regions = Object.entries(e.regions ?? {}).map(([r, img]) => `${r}: ${img.tag}`).join(', ');
  if (e.tag !== undefined) return regions ? `${e.tag} (${regions})` : e.tag;
  return regions || 'nothing';
}

/** A commit for messages. */
function short(commit: string): string {
  return commit.slice(0, 7);
}

/**
 * Restores the previous different value of `app` in `env` (tag, digest and regions; the whole
 * entry but its hold) from `history` (releases.ts at earlier commits, newest first, excluding the
 * current text), or the value at commit `to`, and sets a hold
 * `{ reason: 'rollback to <tag> from <tag>', by, since }` so the next automatic bump does not undo
 * it. The restored value is validated against today's registries and policies.
 *
 * @throws ReleaseError 'no-history' when no earlier version differs (or `to` matches no commit, or
 *   the version found has no release to restore), 'bad-input' for bad names, an ambiguous `to` or a
 *   restored value today's policy refuses, 'unparseable' for a broken version.
 */
export function applyRollback(text: string, ctx: ReleaseContext, history: HistoryVersion[], req: RollbackRequest): EditResult {
  const data = readReleases(text, ctx.file);
  checkApp(ctx, req.app);
  const env = checkEnv(ctx, req.env, joinPath(req.app, req.env));
  const at = joinPath(req.app, req.env);
  const current = restorable(entryOf(data, req.app, req.env));
  const versionAt = (h: HistoryVersion): Restorable => restorable(entryOf(readReleases(h.text, `${ctx.file}@${short(h.commit)}`), req.app, req.env));

  let found: { h: HistoryVersion; value: Restorable; back: number } | undefined;
  if (req.to !== undefined) {
    if (!/^[0-9a-f]{4,40}$/i.test(req.to)) {
      throw new ReleaseError('bad-input', ctx.file, at, `--to "${req.to}" is not a commit; allowed: a commit sha or a prefix of at least 4 hex characters`);
    }
    const prefix = req.to.toLowerCase();
    const matches = history.map((h, i) => ({ h, i })).filter(({ h }) => h.commit.toLowerCase().startsWith(prefix));
    if (matches.length === 0) {
      throw new ReleaseError('no-history', ctx.file, at, `no commit ${req.to} among the ${history.length} earlier versions of ${ctx.file}`);
    }
    if (new Set(matches.map(({ h }) => h.commit)).size > 1) {
      throw new ReleaseError('bad-input', ctx.file, at, `--to ${req.to} is ambiguous (${matches.map(({ h }) => short(h.commit)).join(', ')}); give more characters`);
    }
    found = { h: matches[0].h, value: versionAt(matches[0].h), back: matches[0].i + 1 };
  } else {
    for (let i = 0; i < history.length; i++) {
      const value = versionAt(history[i]);
      if (!sameData(value, current)) {
        found = { h: history[i], value, back: i + 1 };
        break;
      }
    }
    if (!found) {
      throw new ReleaseError('no-history', ctx.file, at, `no earlier version of ${ctx.file} (${history.length} searched) has another release of ${req.app} in ${req.env}; nothing to roll back to`);
    }
  }
  const target = found.value;
  const commit = short(found.h.commit);
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

  const changes: ReleaseChange[] = [];
  const envFrom = current.tag !== undefined ? image(current.tag, current.digest) : undefined;
  const envTo = target.tag !== undefined ? image(target.tag, target.digest) : undefined;
  if (envTo && !sameImage(envFrom, envTo)) changes.push({ app: req.app, env: req.env, ...(envFrom ? { from: envFrom } : {}), to: envTo });
  const regionNames = [...new Set([...Object.keys(current.regions ?? {}), ...Object.keys(target.regions ?? {})])];
  for (const region of regionNames) {
    const before = current.regions?.[region];
    const after = target.regions?.[region];
    if (sameImage(before, after)) continue;
    const to = after ?? envTo;
    const from = before ?? envFrom;
    if (to && !sameImage(from, to)) changes.push({ app: req.app, env: req.env, region, ...(from ? { from } : {}), to });
  }
  const notes = [
    `${req.app} ${req.env} rolled back to ${label(target)} from ${label(current)} (the value at commit ${commit}, ${found.back} version${found.back === 1 ? '' : 's'} back)`,
    `${req.app} ${req.env} is now held; bumps are refused until \`release unhold ${req.app} ${req.env}\``,
  ];
  return { text: t, changes, notes };
}

// ---------------------------------------------------------------------------------------------
// Hold / unhold

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
  else t = compactValue(t, 'releases', [req.app, req.env], { fileName: ctx.file }).text;
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
