import { parseAllDocuments } from 'yaml';
import { ConfigError, ConfigErrors, defineApp, defineEnvironment, projectSyncWindows, registerApps, TagPatterns } from '../../lib/model';
import { validateCustomResource } from '../../lib/policy/schemas';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Sync windows: envs' `syncWindows` (lib/model/sync-windows.ts) on the env's AppProject (EnvProject). */

const apps = registerApps(defineApp({ name: 'echo', team: 'platform', image: 'ghcr.io/acme/echo', port: 8080, health: { liveness: '/healthz', readiness: '/readyz' } }));
const ENV = {
  name: 'prod',
  regions: { 'us-east-1': {} },
  profile: { replicas: 3, resources: { cpu: '500m', memory: '512Mi' }, logLevel: 'info' },
  sync: { automated: false },
  ingress: { domain: 'acme.io' },
  tags: { allow: [TagPatterns.release], requireDigest: true },
};
const WINDOW = { kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', timeZone: 'America/New_York' };

/** The one-line messages (without the file) of defining the env with these windows and sync; [] when it is accepted. */
function errorsOf(syncWindows: unknown, sync: unknown = ENV.sync): string[] {
  try {
    defineEnvironment(apps, { ...ENV, sync, syncWindows } as never);
    return [];
  } catch (e) {
    const all = e instanceof ConfigErrors ? e.errors : e instanceof ConfigError ? [e] : undefined;
    if (!all) throw e;
    return all.map((x) => `${x.field}: ${x.reason}`);
  }
}

describe('validation: one line per mistake, naming the field', () => {
  test('a weekday allow window in New York, manual syncs blocked outside it, is accepted', () => {
    expect(errorsOf([{ ...WINDOW, manualSync: false, description: 'weekdays' }])).toEqual([]);
    expect(errorsOf([{ kind: 'deny', schedule: '0 22 * * 5', duration: '1h30m' }], { automated: true })).toEqual([]);
  });

  test.each([
    ['a bad cron field', { schedule: '0 25 * * 1-5' }, 'syncWindows[0].schedule: "0 25 * * 1-5" hour field "25": 25 is outside 0-23'],
    ['a descriptor (Argo CD\'s parser has no cron.Descriptor)', { schedule: '@daily' }, 'syncWindows[0].schedule: "@daily" is a descriptor; write the 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"'],
    ['six fields', { schedule: '0 0 9 * * 1-5' }, 'syncWindows[0].schedule: "0 0 9 * * 1-5" has 6 fields; expected 5 (minute hour day-of-month month day-of-week)'],
    ['day 7', { schedule: '0 9 * * 7' }, 'syncWindows[0].schedule: "0 9 * * 7" day-of-week field "7": 7 is outside 0-6 (Sunday is 0)'],
    ['a duration in days', { duration: '1d' }, 'syncWindows[0].duration: "1d" is not allowed; allowed: hours and/or minutes above zero, such as "8h", "30m" or "1h30m"'],
    ['a zero duration', { duration: '0h' }, 'syncWindows[0].duration: "0h" is not allowed; allowed: hours and/or minutes above zero, such as "8h", "30m" or "1h30m"'],
    ['an unknown time zone (Argo CD would fall back to UTC)', { timeZone: 'America/New_Yrok' }, 'syncWindows[0].timeZone: "America/New_Yrok" is not an IANA time zone (did you mean "America/New_York"?); allowed: a name of the tz database such as "UTC" or "America/New_York"'],
    ['a time zone in the wrong case', { timeZone: 'america/new_york' }, 'syncWindows[0].timeZone: "america/new_york" is not spelled as in the tz database (did you mean "America/New_York"?); zone names are case-sensitive, such as "America/New_York"'],
    ['an unknown kind', { kind: 'block' }, 'syncWindows[0].kind: must be one of allow, deny, got "block"'],
    ['a misspelled key', { manualsync: false }, 'syncWindows[0].manualsync: unknown key (did you mean "manualSync"?); allowed: kind, schedule, duration, timeZone, manualSync, description'],
    ['Argo CD\'s own selectors (every window covers the env\'s apps)', { applications: ['echo-*'] }, 'syncWindows[0].applications: unknown key; allowed: kind, schedule, duration, timeZone, manualSync, description'],
    ['a long description', { description: 'x'.repeat(256) }, `syncWindows[0].description: "${'x'.repeat(256)}" is longer than 255 characters`],
  ])('refused: %s', (_name, change, message) => {
    expect(errorsOf([{ ...WINDOW, ...change }])).toEqual([message]);
  });

  test('every bad window is reported in one run', () => {
    expect(errorsOf([{ ...WINDOW, duration: '1d' }, WINDOW, { ...WINDOW, timeZone: 'Mars/Base' }])).toEqual([
      'syncWindows[0].duration: "1d" is not allowed; allowed: hours and/or minutes above zero, such as "8h", "30m" or "1h30m"',
      'syncWindows[2].timeZone: "Mars/Base" is not an IANA time zone; allowed: a name of the tz database such as "UTC" or "America/New_York"',
    ]);
  });

  test('windows that let every manual sync through restrict nothing where every sync is manual', () => {
    const why = 'syncWindows: restricts nothing: sync.automated is false, so every sync is manual, and every window lets manual syncs through (manualSync: true); set manualSync: false on a window, or automate the sync';
    expect(errorsOf([{ ...WINDOW, manualSync: true }])).toEqual([why]);
    expect(errorsOf([{ ...WINDOW, manualSync: true }, { kind: 'deny', schedule: '0 0 * * 0', duration: '24h', manualSync: true }])).toEqual([why]);
    // One window without manualSync still blocks (CanSync: every matching window must allow manual syncs).
    expect(errorsOf([{ ...WINDOW, manualSync: true }, { kind: 'deny', schedule: '0 0 * * 0', duration: '24h' }])).toEqual([]);
    // With automated sync, manualSync: true keeps the window for the automation only: allowed.
    expect(errorsOf([{ ...WINDOW, manualSync: true }], { automated: true })).toEqual([]);
  });

  test('not a list', () => {
    expect(errorsOf({ kind: 'allow' })).toEqual(['syncWindows: must be a list of sync windows ({ kind, schedule, duration, timeZone?, manualSync?, description? })']);
  });
});

describe('the AppProject', () => {
  test('each window covers every Application of the project, time zone and manualSync spelled out', () => {
    expect(projectSyncWindows([{ kind: 'deny', schedule: '0 22 * * 5', duration: '1h' }, { ...WINDOW, kind: 'allow', manualSync: true, description: 'd' }])).toEqual([
      { kind: 'deny', schedule: '0 22 * * 5', duration: '1h', timeZone: 'UTC', manualSync: false, applications: ['*'] },
      { kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', timeZone: 'America/New_York', manualSync: true, applications: ['*'], description: 'd' },
    ]);
    expect(projectSyncWindows(undefined)).toEqual([]);
  });

  const plan = planSynth(exampleInput);
  const project = (env: string): any => {
    const file = plan.files.find((f) => f.path === `argocd/projects/${env}.yaml`)!;
    return parseAllDocuments(file.content).map((d) => d.toJS()).find((o: any) => o.kind === 'AppProject');
  };

  test('prod\'s (the example): weekdays 09:00-17:00 New York, no manual sync outside; valid against the AppProject CRD', () => {
    const prod = project('prod');
    expect(prod.spec.syncWindows).toEqual([{
      kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', timeZone: 'America/New_York', manualSync: false, applications: ['*'],
      description: 'prod changes: weekdays 09:00-17:00 New York',
    }]);
    expect(validateCustomResource(prod)).toEqual([]);
  });

  test('an env without windows has no syncWindows', () => {
    expect(project('dev').spec.syncWindows).toBeUndefined();
    expect(project('staging').spec.syncWindows).toBeUndefined();
  });
});
