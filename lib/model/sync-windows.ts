import { Checker } from './check';
import { cronError, timeZoneError } from './cron';
import { GO_DURATION_ALLOWED, parseDuration } from './duration';
import { joinPath } from './errors';

/**
 * Argo CD sync windows of an environment (pure): when its applications may sync. They become the env's
 * AppProject `spec.syncWindows` (lib/constructs/argocd/env-project.ts), each matching every Application of the
 * project. What Argo CD does with them (argo-cd v3.4.4, the version chart argo-cd 10.1.1 runs;
 * pkg/apis/application/v1alpha1/types.go `SyncWindows.CanSync`, `Matches`, `active`):
 * - no window matches: every sync may run;
 * - an active `deny` window blocks every sync; a manual one still runs if every active deny window has `manualSync`;
 * - otherwise an active `allow` window lets every sync run;
 * - otherwise, when the project has `allow` windows, none active: syncs are blocked, manual ones run only if
 *   every inactive allow window has `manualSync`.
 * The automated sync checks with isManual=false (controller/appcontroller.go), a sync started from the UI or CLI
 * with isManual=true (server/application/application.go); a running operation is checked again
 * (controller/sync.go `syncWindowPreventsSync`), so a sync blocked mid-way waits for the window.
 */

/** One sync window. */
export interface SyncWindowSpec {
  /** `allow`: syncs only while an allow window is open; `deny`: no sync while it is open. */
  readonly kind: SyncWindowKind;
  /**
   * When the window opens: 5-field cron (minute hour day-of-month month day-of-week), in `timeZone`.
   * No `@daily` descriptors: Argo CD's parser refuses them.
   * @example '0 9 * * 1-5'
   */
  readonly schedule: string;
  /**
   * How long the window stays open: hours and/or minutes (Go duration), e.g. `'8h'`, `'30m'`, `'1h30m'`.
   */
  readonly duration: string;
  /**
   * IANA time zone of `schedule`. Argo CD applies the zone's current UTC offset.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Let a manual sync (UI, CLI) run when the window would block it: outside an `allow` window, inside a `deny` one.
   * @default false
   */
  readonly manualSync?: boolean;
  /**
   * Shown with the window in Argo CD (at most 255 characters).
   * @default none
   */
  readonly description?: string;
}

/** What a window does while open. */
export type SyncWindowKind = 'allow' | 'deny';
export const SYNC_WINDOW_KINDS: readonly SyncWindowKind[] = ['allow', 'deny'];

const WINDOW_KEYS = ['kind', 'schedule', 'duration', 'timeZone', 'manualSync', 'description'] as const;

/**
 * Checks an env's `syncWindows` (one-line errors naming the field). `automated` is the env's `sync.automated`:
 * without automated sync every sync is manual, so windows that all let manual syncs through restrict nothing.
 */
export function checkSyncWindows(c: Checker, value: unknown, path: string, automated: unknown): void {
  if (!Array.isArray(value)) c.fail(path, 'must be a list of sync windows ({ kind, schedule, duration, timeZone?, manualSync?, description? })');
  const windows = value as unknown[];
  windows.forEach((raw, i) => c.part(() => {
    const p = joinPath(path, i);
    const w = c.object(raw, p);
    c.keys(w, p, WINDOW_KEYS);
    c.oneOf(w.kind, joinPath(p, 'kind'), SYNC_WINDOW_KINDS);
    const schedule = c.string(w.schedule, joinPath(p, 'schedule'));
    const why = cronError(schedule, { descriptors: false });
    if (why) c.fail(joinPath(p, 'schedule'), `"${schedule}" ${why}`);
    const duration = c.string(w.duration, joinPath(p, 'duration'));
    // Hours and/or minutes, as Go's time.ParseDuration reads them; zero is refused (a window that never opens).
    if (parseDuration(duration, { days: false }) === undefined) c.fail(joinPath(p, 'duration'), `"${duration}" is not allowed; allowed: ${GO_DURATION_ALLOWED}`);
    if (w.timeZone !== undefined) {
      const tz = c.string(w.timeZone, joinPath(p, 'timeZone'));
      const tzWhy = timeZoneError(tz);
      if (tzWhy) c.fail(joinPath(p, 'timeZone'), `"${tz}" ${tzWhy}`);
    }
    c.optionalBoolean(w.manualSync, joinPath(p, 'manualSync'));
    c.optionalString(w.description, joinPath(p, 'description'), { maxLength: 255 });
  }));
  const all = windows as { manualSync?: unknown }[];
  if (automated === false && all.length > 0 && all.every((w) => w?.manualSync === true)) {
    c.fail(path, 'restricts nothing: sync.automated is false, so every sync is manual, and every window lets manual syncs through (manualSync: true); set manualSync: false on a window, or automate the sync');
  }
}

/** An AppProject `spec.syncWindows` entry (argo-cd pkg/apis/application/v1alpha1 `SyncWindow`; fields both v3.4.4 and v3.5.1 know). */
export interface ProjectSyncWindow {
  readonly kind: SyncWindowKind;
  readonly schedule: string;
  readonly duration: string;
  readonly timeZone: string;
  readonly manualSync: boolean;
  /** `['*']`: every Application of the project (argo-cd's globMatch: the pattern `*` matches any name). */
  readonly applications: readonly string[];
  readonly description?: string;
}

/**
 * The AppProject windows of an env: each applies to every Application of the project (`applications: ['*']`; a
 * window with no applications, namespaces or clusters matches nothing), time zone and manualSync spelled out.
 */
export function projectSyncWindows(windows: readonly SyncWindowSpec[] | undefined): ProjectSyncWindow[] {
  return (windows ?? []).map((w) => ({
    kind: w.kind,
    schedule: w.schedule,
    duration: w.duration,
    timeZone: w.timeZone ?? 'UTC',
    manualSync: w.manualSync ?? false,
    applications: ['*'],
    ...(w.description !== undefined ? { description: w.description } : {}),
  }));
}
