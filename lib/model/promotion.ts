import { Checker } from './check';
import { joinPath } from './errors';

/**
 * How images are promoted out of and into an environment (`promotion` in envs/<env>.ts). Read by
 * `release promote` (lib/release): the gate on the env a promotion reads from, the rollout in the env
 * it writes to. Nothing here changes what synth renders.
 */
export interface PromotionSpec {
  /**
   * Promoting *out of* this env needs each of its Argo CD Applications of the app (`<env>-<region>-<app>`)
   * to be Healthy and Synced at a commit where envs/releases.ts gives this env the promoted image,
   * as the status file (`release promote --status FILE`, written from `argocd app get -o json`) says.
   * @default false
   */
  readonly requireHealthy?: boolean;
  /**
   * Promoting *out of* this env waits until the image has run here this long: counted from the commit
   * that gave this env's entry the image. A duration such as `30m`, `1h`, `2h30m` or `1d`.
   * @default no soak
   */
  readonly soak?: string;
  /**
   * Promotions *into* this env go one region at a time, in the order of `regions`: the first region
   * gets a region entry, `promote --next-region` extends it to the next region, and when every region
   * runs the image the env-level entry takes it (the region entries are removed).
   * @default false
   */
  readonly regionByRegion?: boolean;
}

/** The keys of {@link PromotionSpec}. */
export const PROMOTION_KEYS = ['requireHealthy', 'soak', 'regionByRegion'] as const;

/** Days, hours and minutes, in that order, each at most once: `1d`, `1h`, `30m`, `2h30m`. */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;
/** What a duration may look like (for messages). */
export const DURATION_ALLOWED = 'a duration in days, hours and minutes such as "30m", "1h", "2h30m" or "1d" (more than zero)';

const MINUTE = 60_000;

/** A duration (`1d`, `2h30m`, `45m`) in milliseconds; undefined when it is not one, or zero. */
export function parseDuration(s: string): number | undefined {
  const m = DURATION.exec(s);
  if (!m || s === '') return undefined;
  const [d, h, min] = [m[1], m[2], m[3]].map((x) => Number(x ?? 0));
  const ms = ((d * 24 + h) * 60 + min) * MINUTE;
  return ms > 0 ? ms : undefined;
}

/**
 * Milliseconds as a duration in the same notation, to the minute: `40m`, `1h5m`, `2d3h`. Rounded up
 * (time left: never `0m`) or down (time passed: `0m` for less than a minute).
 */
export function formatDuration(ms: number, round: 'up' | 'down' = 'up'): string {
  let minutes = round === 'up' ? Math.max(1, Math.ceil(ms / MINUTE)) : Math.max(0, Math.floor(ms / MINUTE));
  if (minutes === 0) return '0m';
  const d = Math.floor(minutes / 1440);
  minutes -= d * 1440;
  const h = Math.floor(minutes / 60);
  minutes -= h * 60;
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${minutes ? `${minutes}m` : ''}`;
}

/** Validates an environment's `promotion` (at `path`): known keys, booleans, a soak duration. */
export function checkPromotionSpec(c: Checker, value: unknown, path: string): void {
  const p = c.object(value, path);
  c.keys(p, path, PROMOTION_KEYS);
  c.optionalBoolean(p.requireHealthy, joinPath(path, 'requireHealthy'));
  c.optionalBoolean(p.regionByRegion, joinPath(path, 'regionByRegion'));
  const soak = c.optionalString(p.soak, joinPath(path, 'soak'));
  if (soak !== undefined && parseDuration(soak) === undefined) c.fail(joinPath(path, 'soak'), `"${soak}" is not allowed; allowed: ${DURATION_ALLOWED}`);
}
