import { closest } from './check';

/**
 * Cron schedules as robfig/cron v3 parses them (pure). Kubernetes CronJobs (`cron.ParseStandard`) and Argo CD
 * sync windows (argo-cd v3.4.4 pkg/apis/application/v1alpha1/types.go: `cron.NewParser(cron.Minute | cron.Hour |
 * cron.Dom | cron.Month | cron.Dow)`, no `cron.Descriptor`) both use it; the field rules below follow
 * robfig/cron@bc59245fe10e (the version argo-cd v3.4.4 pins) parser.go `getRange` and spec.go's bounds.
 */

const FIELDS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const BOUNDS: readonly (readonly [number, number])[] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DESCRIPTORS = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;

/** Options of {@link cronError}. */
export interface CronOptions {
  /**
   * Accept `@hourly`, `@daily`, ... (Kubernetes CronJobs do; Argo CD sync windows do not: their parser lacks `cron.Descriptor`).
   * @default true
   */
  readonly descriptors?: boolean;
}

/** Why a cron schedule does not parse (robfig/cron's standard 5-field syntax), or undefined. */
export function cronError(schedule: string, opts: CronOptions = {}): string | undefined {
  const descriptors = opts.descriptors ?? true;
  if (DESCRIPTORS.test(schedule)) return descriptors ? undefined : 'is a descriptor; write the 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"';
  if (/^(CRON_)?TZ=/.test(schedule)) return 'a time zone goes in timeZone, not in the schedule';
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week)${descriptors ? ' or @hourly/@daily/@weekly/@monthly/@yearly' : ''}`;
  }
  for (const [i, f] of fields.entries()) {
    const why = fieldError(f, i);
    if (why) return `${FIELDS[i]} field "${f}"${why}`;
  }
  return undefined;
}

/** Why one field does not parse (starting with " is" or ":"), or undefined: robfig's getRange for each comma-separated part. */
function fieldError(field: string, i: number): string | undefined {
  const [lo, hi] = BOUNDS[i];
  const names = i === 3 ? MONTHS : i === 4 ? DAYS : undefined;
  const value = (s: string): number | undefined => {
    if (/^\d+$/.test(s)) return Number(s);
    const n = names?.indexOf(s.toLowerCase()) ?? -1;
    return n < 0 ? undefined : i === 3 ? n + 1 : n;
  };
  for (const part of field.split(',')) {
    const [range, step, ...more] = part.split('/');
    if (more.length > 0 || range === '' || !/^[A-Za-z0-9*?-]+$/.test(range) || (step !== undefined && !/^\d+$/.test(step))) {
      return ' is not a number, range, list or step';
    }
    if (step !== undefined && Number(step) === 0) return ': a step must be at least 1';
    if (range === '*' || range === '?') continue;
    const ends = range.split('-');
    if (ends.length > 2) return ' is not a number, range, list or step';
    const nums = ends.map(value);
    const bad = ends.find((_, k) => nums[k] === undefined);
    if (bad !== undefined) {
      return /^\d*$/.test(bad) || !names ? ' is not a number, range, list or step' : `: "${bad}" is not a ${i === 3 ? 'month' : 'day'} name (${names[0]}-${names[names.length - 1]})`;
    }
    const start = nums[0]!;
    const end = nums.length === 2 ? nums[1]! : step !== undefined ? hi : start;
    for (const n of [start, end]) if (n < lo || n > hi) return `: ${n} is outside ${lo}-${hi}${i === 4 ? ' (Sunday is 0)' : ''}`;
    if (start > end) return `: the range starts after it ends (${start} > ${end})`;
  }
  return undefined;
}

/** A zone name as the IANA database spells it: each segment starts with a capital (`UTC`, `America/New_York`, `Etc/GMT+5`). */
const TZ_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * Why `tz` is not an IANA time zone name, or undefined. Go's `time.LoadLocation` (Kubernetes' CronJob `timeZone`,
 * Argo CD's sync window `timeZone`, which silently falls back to UTC on an unknown name) reads the tz database
 * by exact, case-sensitive name; ICU (`Intl.DateTimeFormat`) knows the same names and links but ignores case,
 * so the spelling is checked as well. `Intl.supportedValuesOf('timeZone')` is not the test: it lists ICU's
 * canonical names only (no `UTC`, `Asia/Calcutta` rather than `Asia/Kolkata`).
 */
export function timeZoneError(tz: string): string | undefined {
  if (!zoneVerdicts.has(tz)) zoneVerdicts.set(tz, zoneError(tz));
  return zoneVerdicts.get(tz);
}

/** Verdicts by name: building an Intl.DateTimeFormat costs about a millisecond, and every env and CronJob asks. */
const zoneVerdicts = new Map<string, string | undefined>();

function zoneError(tz: string): string | undefined {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    const hint = closest(tz, ['UTC', ...Intl.supportedValuesOf('timeZone')]);
    return `is not an IANA time zone${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: a name of the tz database such as "UTC" or "America/New_York"`;
  }
  if (!TZ_NAME.test(tz)) {
    const hint = canonical.toLowerCase() === tz.toLowerCase() ? ` (did you mean "${canonical}"?)` : '';
    return `is not spelled as in the tz database${hint}; zone names are case-sensitive, such as "America/New_York"`;
  }
  return undefined;
}
