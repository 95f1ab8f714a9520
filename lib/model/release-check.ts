import { AppRegistry, isBroken } from './app';
import { Checker } from './check';
import { EnvironmentDefinition, EnvironmentRegistry } from './environment';
import { joinPath } from './errors';
import { unknownApp, unknownEnvironment, unknownRegion } from './names';
import { AnyReleases, ReleaseEntry } from './releases';
import { DIGEST, DIGEST_ALLOWED, tagViolation } from './tag-policy';

/**
 * The one validation of envs/releases.ts, used by synth (resolve) and by the release operations
 * (lib/release). Pure; every refusal is a ConfigError carrying the file, the field path inside
 * `releases` (`echo.prod.digest`) and the reason with what is allowed.
 *
 * Two levels: `checkReleasesShape` needs nothing but the value (objects, known keys, strings; also
 * used for versions of the file read from git history, whose apps may no longer be registered);
 * `checkReleases` adds the registries (known apps, environments, regions; each env's tag policy
 * and digest rules).
 */

const ENTRY_KEYS = ['tag', 'digest', 'regions', 'hold'] as const;
const IMAGE_KEYS = ['tag', 'digest'] as const;
const HOLD_KEYS = ['reason', 'by', 'since'] as const;

/**
 * The structure of releases.ts: app -> env -> `{ tag?, digest?, regions?, hold? }`, only known keys,
 * strings where strings belong, a tag next to every digest, a tag in every region entry, a hold
 * with a reason.
 *
 * @throws ConfigError naming `file` and the field.
 */
export function checkReleasesShape(value: unknown, file: string | undefined): AnyReleases {
  const c = new Checker(file);
  const rel = c.object(value, 'releases');
  // Each entry is checked on its own: every bad entry of the file is reported in one run.
  for (const [app, perEnv] of Object.entries(rel)) {
    if (perEnv === undefined) continue;
    c.part(() => { for (const [env, entry] of Object.entries(c.object(perEnv, app))) c.part(() => {
      if (entry === undefined) return;
      const p = joinPath(app, env);
      const e = c.object(entry, p);
      c.keys(e, p, ENTRY_KEYS);
      c.optionalString(e.tag, joinPath(p, 'tag'));
      c.optionalString(e.digest, joinPath(p, 'digest'));
      if (e.tag === undefined && e.digest !== undefined) c.fail(joinPath(p, 'digest'), 'a digest needs a tag next to it');
      if (e.regions !== undefined) {
        for (const [region, r] of Object.entries(c.object(e.regions, joinPath(p, 'regions')))) {
          if (r === undefined) continue;
          const rp = joinPath(p, 'regions', region);
          const re = c.object(r, rp);
          c.keys(re, rp, IMAGE_KEYS);
          if (re.tag === undefined) c.fail(joinPath(rp, 'tag'), 'is required (a region entry names its own image)');
          c.string(re.tag, joinPath(rp, 'tag'));
          c.optionalString(re.digest, joinPath(rp, 'digest'));
        }
      }
      if (e.hold !== undefined) {
        const hp = joinPath(p, 'hold');
        const h = c.object(e.hold, hp);
        c.keys(h, hp, HOLD_KEYS);
        c.string(h.reason, joinPath(hp, 'reason'));
        c.optionalString(h.by, joinPath(hp, 'by'));
        c.optionalString(h.since, joinPath(hp, 'since'), { pattern: /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, allowed: 'an ISO 8601 date or time (UTC)' });
      }
    }); });
  }
  c.done();
  return rel as AnyReleases;
}

/**
 * Structural and registry check of releases.ts: the shape, then registered apps, environments and
 * regions, and every image against its env's tag policy and digest rules.
 *
 * @throws ConfigError naming `file` and the field.
 */
export function checkReleases(releases: unknown, apps: AppRegistry, envs: EnvironmentRegistry, file: string | undefined, opts: RegistryCheck = {}): void {
  const rel = checkReleasesShape(releases, file);
  // Every entry and region on its own: all the file's mistakes in one run.
  const c = new Checker(file);
  const skip = skipper(apps, envs, opts);
  for (const [app, perEnv] of Object.entries(rel)) {
    if (skip.app(app)) continue;
    c.part(() => {
      releaseApp(apps, app, file);
      for (const [envName, entry] of Object.entries(perEnv ?? {})) c.part(() => {
        if (skip.env(envName)) return;
        const p = joinPath(app, envName);
        const env = releaseEnvironment(envs, envName, file, p);
        if (entry === undefined) return;
        if (entry.tag !== undefined) c.part(() => checkReleaseImage(env, p, entry, file));
        for (const [region, r] of Object.entries(entry.regions ?? {})) c.part(() => {
          if (skip.region(env, region)) return;
          const rp = joinPath(p, 'regions', region);
          releaseRegion(env, region, file, rp);
          if (r !== undefined) checkReleaseImage(env, rp, r, file);
        });
      });
    });
  }
  c.done();
}

/** How the release data is checked against the registries. */
export interface RegistryCheck {
  /**
   * The registries are not whole (apps/ or envs/ had errors, already reported): names they do not know and broken
   * definitions are skipped, not reported, so that one mistake is not reported again as every use of it.
   * @default false
   */
  readonly partial?: boolean;
}

/** What a partial check skips: unknown apps, unknown or broken environments, unknown regions. Nothing when the check is whole. */
export function skipper(apps: AppRegistry, envs: EnvironmentRegistry, opts: RegistryCheck) {
  const partial = opts.partial === true;
  return {
    // A broken app still has its name; the release data needs nothing else of it.
    app: (app: string) => partial && !own(apps, app),
    env: (env: string) => partial && (!own(envs, env) || isBroken(envs[env])),
    region: (env: EnvironmentDefinition, region: string) => partial && !env.regionNames.includes(region),
  };
}

/** True when `obj` has `key` as an own property (never the prototype: `__proto__` is just a name). */
function own(obj: object | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
}

/** Refuses an app that is not registered (field: the app), with a did-you-mean. */
export function releaseApp(apps: AppRegistry, app: string, file: string | undefined): void {
  if (typeof app === 'string' && own(apps, app)) return;
  new Checker(file).fail(String(app), unknownApp(app, Object.keys(apps)));
}

/** The environment named `env`; refuses an unknown one (field: `field`), with a did-you-mean. */
export function releaseEnvironment(envs: EnvironmentRegistry, env: string, file: string | undefined, field: string): EnvironmentDefinition {
  if (typeof env === 'string' && own(envs, env)) return envs[env];
  return new Checker(file).fail(field, unknownEnvironment(env, Object.keys(envs)));
}

/** Refuses a region that `env` does not have (field: `field`), with a did-you-mean. */
export function releaseRegion(env: EnvironmentDefinition, region: string, file: string | undefined, field: string): void {
  if (typeof region === 'string' && env.regionNames.includes(region)) return;
  new Checker(file).fail(field, unknownRegion(region, env.name, env.regionNames));
}

/**
 * Refuses an image `env` does not accept: a missing or empty tag, a tag breaking its policy
 * (`latest` everywhere), a malformed digest, a missing digest where the policy pins by digest.
 * `at` is the entry's path (`echo.prod` or `echo.prod.regions.eu-west-1`).
 */
export function checkReleaseImage(env: EnvironmentDefinition, at: string, image: Pick<ReleaseEntry, 'tag' | 'digest'>, file: string | undefined): void {
  const c = new Checker(file);
  const tagField = joinPath(at, 'tag');
  if (image.tag === undefined) c.fail(tagField, `is required (allowed: ${env.tags.allow.map((p) => p.name).join(' or ')})`);
  const tag = c.string(image.tag, tagField);
  const why = tagViolation(tag, env.tags);
  if (why) c.fail(tagField, `${why} (${env.name})`);
  if (image.digest !== undefined) c.string(image.digest, joinPath(at, 'digest'), { pattern: DIGEST, allowed: DIGEST_ALLOWED });
  else if (env.tags.requireDigest) c.fail(joinPath(at, 'digest'), `is required in ${env.name} (its tag policy pins images by digest)`);
}
