import { DataFileError, DataValue, deleteValue, readDataFile, setValue } from '../datafile';
import {
  checkReleaseImage,
  checkReleasesShape,
  ConfigError,
  ConfigErrors,
  EnvironmentDefinition,
  joinPath,
  releaseApp,
  releaseEnvironment,
  releaseRegion,
  ReleaseEntry,
} from '../model';
import { ImageRef, ReleaseContext, ReleaseError, ReleasesData } from './types';

/**
 * What every release operation shares: reading releases.ts, the validation (lib/model's, as synth
 * runs it, with its errors turned into ReleaseErrors), reading entries and images, and editing
 * through the data-file editor (lib/datafile), so each changed value is one changed line, comments
 * and layout are kept, and the returned text re-parses.
 */

/** The exported constant of envs/releases.ts. */
export const EXPORT = 'releases';

/** True when `obj` has `key` as an own property (never the prototype: `__proto__` is just a name). */
export function own(obj: object | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
}

/** True for a non-null, non-array object. */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Converts a data-file error into an 'unparseable' ReleaseError and a model error into 'bad-input'. */
export function asReleaseError(e: unknown, file: string, suffix = ''): unknown {
  if (e instanceof DataFileError) return new ReleaseError('unparseable', file, e.field, e.reason, e.line);
  if (e instanceof ConfigError) return ReleaseError.fromConfig(e, file, suffix);
  // Several mistakes in the file: the first one as the refusal, the count after it (synth lists them all).
  if (e instanceof ConfigErrors) return ReleaseError.fromConfig(e.errors[0], file, `${suffix} (+${e.errors.length - 1} more; npm run synth lists them all)`);
  return e;
}

/** Runs a model check; its ConfigError becomes a 'bad-input' ReleaseError (with `suffix` on the reason). */
export function checked<T>(file: string, fn: () => T, suffix = ''): T {
  try {
    return fn();
  } catch (e) {
    throw asReleaseError(e, file, suffix);
  }
}

/**
 * Reads the text of releases.ts as data.
 *
 * @param text the source text
 * @param file the file name used in errors (e.g. `envs/releases.ts`)
 * @throws ReleaseError 'unparseable' (naming `file:line`) when the text is not a data file
 *   (syntax error, no `export const releases = { ... }`, calls, spreads...), 'bad-input' when the
 *   value does not have the releases shape (lib/model's checkReleasesShape: e.g. a tag that is not a string).
 */
export function readReleases(text: string, file: string): ReleasesData {
  return checked(file, () => checkReleasesShape(readDataFile(text, EXPORT, file), file));
}

// ---------------------------------------------------------------------------------------------
// Validation: lib/model's rules (the ones synth applies), reported as ReleaseErrors

/** Refuses an app that is not registered, with a did-you-mean. */
export function checkApp(ctx: ReleaseContext, app: string): void {
  checked(ctx.file, () => releaseApp(ctx.apps, app, ctx.file));
}

/** The environment named `env`; refuses an unknown one (field: `field`), with a did-you-mean. */
export function checkEnv(ctx: ReleaseContext, env: string, field: string): EnvironmentDefinition {
  return checked(ctx.file, () => releaseEnvironment(ctx.envs, env, ctx.file, field));
}

/** Refuses a region that `env` does not have, with a did-you-mean. */
export function checkRegion(ctx: ReleaseContext, env: EnvironmentDefinition, region: string, field: string): void {
  checked(ctx.file, () => releaseRegion(env, region, ctx.file, field));
}

/** Refuses an image `env` does not accept (tag policy, `latest`, digests); `suffix` is added to the reason. */
export function checkImage(ctx: ReleaseContext, env: EnvironmentDefinition, at: string, img: Partial<ImageRef>, suffix = ''): void {
  checked(ctx.file, () => checkReleaseImage(env, at, img, ctx.file), suffix);
}

/** Refuses when the app is held in `env`, unless `force` (then a note says the hold was overridden). */
export function checkHold(ctx: ReleaseContext, data: ReleasesData, app: string, env: string, force: boolean | undefined, notes: string[]): void {
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
export function entryOf(data: ReleasesData, app: string, env: string): ReleaseEntry | undefined {
  const perEnv = own(data, app) ? data[app] : undefined;
  return perEnv && own(perEnv, env) ? perEnv[env] : undefined;
}

/** The image of an entry (a region entry with `region`, else the env-level one), if it has one. */
export function imageAt(data: ReleasesData, app: string, env: string, region?: string): ImageRef | undefined {
  const entry = entryOf(data, app, env);
  if (!entry) return undefined;
  if (region !== undefined) {
    const r = entry.regions && own(entry.regions, region) ? entry.regions[region] : undefined;
    return r ? image(r.tag, r.digest) : undefined;
  }
  return entry.tag !== undefined ? image(entry.tag, entry.digest) : undefined;
}

/** What runs in one region: the region entry, else the env-level entry. */
export function effectiveImage(data: ReleasesData, app: string, env: string, region: string): ImageRef | undefined {
  return imageAt(data, app, env, region) ?? imageAt(data, app, env);
}

/** An ImageRef without an undefined `digest` key. */
export function image(tag: string, digest: string | undefined): ImageRef {
  return digest !== undefined ? { tag, digest } : { tag };
}

/** True when two images are exactly the same (tag and digest). */
export function sameImage(a: ImageRef | undefined, b: ImageRef | undefined): boolean {
  return a?.tag === b?.tag && a?.digest === b?.digest;
}

/** The same build: the same digest when both have one, else the same tag. */
export function sameBuild(a: ImageRef, b: ImageRef): boolean {
  return a.digest !== undefined && b.digest !== undefined ? a.digest === b.digest : a.tag === b.tag;
}

/** A commit for messages: its first 7 hex characters. */
export function shortCommit(commit: string): string {
  return commit.slice(0, 7);
}

/** `app env` or `app env/region`, for notes. */
export function where(app: string, env: string, region?: string): string {
  return `${app} ${env}${region !== undefined ? `/${region}` : ''}`;
}

/** A digest shortened for messages: `sha256:` and 12 hex characters, then `…`. */
export function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

/** Deep equality of plain data (key order ignored; undefined-valued keys are absent keys). */
export function sameData(a: unknown, b: unknown): boolean {
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
export function set(ctx: ReleaseContext, text: string, path: string[], value: DataValue): string {
  return checked(ctx.file, () => setValue(text, EXPORT, path, value, { fileName: ctx.file }).text);
}

/** Deletes the property at `path` (a missing one is no change); data-file errors become ReleaseErrors. */
export function del(ctx: ReleaseContext, text: string, path: string[]): string {
  return checked(ctx.file, () => deleteValue(text, EXPORT, path, { fileName: ctx.file }).text);
}

/**
 * Writes an image into the env-level entry (or the region entry): tag and digest as separate
 * leaves, so each is one changed line; no digest removes a stale one (a digest belongs to its tag).
 * A missing entry is inserted whole (`{ tag, digest }`).
 */
export function writeImage(ctx: ReleaseContext, text: string, data: ReleasesData, app: string, env: string, region: string | undefined, img: ImageRef): string {
  const base = region !== undefined ? [app, env, 'regions', region] : [app, env];
  const exists = region !== undefined ? own(entryOf(data, app, env)?.regions, region) : entryOf(data, app, env) !== undefined;
  const value: DataValue = img.digest !== undefined ? { tag: img.tag, digest: img.digest } : { tag: img.tag };
  if (!exists) return set(ctx, text, base, value);
  let t = set(ctx, text, [...base, 'tag'], img.tag);
  t = img.digest !== undefined ? set(ctx, t, [...base, 'digest'], img.digest) : del(ctx, t, [...base, 'digest']);
  return t;
}

/** Notes the regions whose own entries keep overriding a new env-level image. */
export function noteShadowingRegions(data: ReleasesData, app: string, env: EnvironmentDefinition, img: ImageRef, notes: string[]): void {
  for (const region of env.regionNames) {
    const r = imageAt(data, app, env.name, region);
    if (r && !sameImage(r, img)) notes.push(`${where(app, env.name, region)} keeps its own region entry ${r.tag} (region entries win)`);
  }
}
