/**
 * Durations written as days, hours and minutes, in that order, each at most once (`1d`, `1h`, `30m`, `2h30m`): a
 * promotion's soak and a sync window's length (pure). A sync window is read by Argo CD with Go's
 * time.ParseDuration, which knows no days: `{ days: false }` refuses them.
 */
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;

/** What a duration may look like (for messages). */
export const DURATION_ALLOWED = 'a duration in days, hours and minutes such as "30m", "1h", "2h30m" or "1d" (more than zero)';
/** The same without days (Go durations: a sync window's). */
export const GO_DURATION_ALLOWED = 'hours and/or minutes above zero, such as "8h", "30m" or "1h30m"';

const MINUTE = 60_000;

/** A duration (`1d`, `2h30m`, `45m`) in milliseconds; undefined when it is not one, or zero (or has days when `days` is false). */
export function parseDuration(s: string, opts: { readonly days?: boolean } = {}): number | undefined {
  const m = DURATION.exec(s);
  if (!m || s === '' || (opts.days === false && m[1] !== undefined)) return undefined;
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
