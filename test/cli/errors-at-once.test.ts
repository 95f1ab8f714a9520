/**
 * Independent mistakes are reported in one run (issue 14, errors all at once), one line each with file:line and
 * field, at most 20 then "+N more"; nothing is written. While apps/ and envs/ load, the definers keep their errors
 * and loading goes on; the release data is then checked for its own mistakes; each instance is resolved and its
 * errors collected.
 */
import { TempRepo } from '../support/repo';

const repo = new TempRepo();
afterAll(() => repo.cleanup());

test('two mistakes in two files: both reported, each with its file, line and field, and dist/ untouched', async () => {
  const before = repo.snapshotTree();
  // 1. the backend's config sets a variable its database's Secret owns (apps/incident-assistant-backend.ts)
  repo.edit('apps/incident-assistant-backend.ts', "OPENAI_MODEL: 'gpt-4o-mini',", "OPENAI_MODEL: 'gpt-4o-mini',\n    DB_HOST: 'localhost',");
  // 2. dev asks echo for more minimum replicas than its maximum (envs/dev.ts)
  repo.edit('envs/dev.ts', "'book-shop': { featureFlags", "echo: { autoscaling: { minReplicas: 9, maxReplicas: 3 } },\n    'book-shop': { featureFlags");
  const r = await repo.cli('synth', []);
  expect(r.code).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors.some((l) => /^error: apps\/incident-assistant-backend\.ts:\d+: config\.DB_HOST: is set from the database's connection Secret/.test(l))).toBe(true);
  expect(errors.some((l) => /^error: envs\/dev\.ts:\d+: apps\.echo\.autoscaling\.minReplicas: minReplicas 9 is above maxReplicas 3/.test(l))).toBe(true);
  expect(new Set(errors).size).toBe(errors.length);
  expect(repo.snapshotTree()).toEqual(before);
  // --json: the failure object names the first error and carries them all.
  const j = JSON.parse((await repo.cli('synth', ['--json'])).stdout);
  expect(j.errors.length).toBe(errors.length);
  expect(j.error.message).toBe(errors[0].replace(/^error: /, ''));
});

describe('mistakes found while apps/ and envs/ load', () => {
  const planted = new TempRepo();
  afterAll(() => planted.cleanup());

  // The "done when": three planted mistakes, in an app, an env and the release data, fixed from the errors alone.
  test('an app, an env and releases.ts: every mistake in one run, each with its file, line and field', async () => {
    const before = planted.snapshotTree();
    planted.edit('apps/echo.ts', '  port: 8080,', '  port: 80800,');
    planted.edit('apps/echo.ts', 'startupSeconds: 30', 'startupSecs: 30');
    planted.edit('envs/prod.ts', "'eu-west-1': { autoscaling: { minReplicas: 2, maxReplicas: 8 } },", "'eu-west-9': { autoscaling: { minReplicas: 2, maxReplicas: 8 } },");
    planted.edit('envs/releases.ts', "digest: 'sha256:46a2", "digest: 'sha256:XXa2");
    const r = await planted.cli('synth', []);
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([
      'error: apps/echo.ts:9: port: must be an integer from 1 to 65535, got number 80800',
      'error: apps/echo.ts:11: health.startupSecs: unknown key (did you mean "startupSeconds"?); allowed: liveness, readiness, startupSeconds',
      'error: envs/prod.ts:59: apps.book-shop.regions.eu-west-9: unknown region "eu-west-9" of prod (did you mean "eu-west-1"?) (allowed: us-east-1, eu-west-1)',
      expect.stringMatching(/^error: envs\/releases\.ts:12: echo\.dev\.digest: "sha256:XXa2\w+" is not allowed; allowed: "sha256:" followed by 64 lowercase hex characters$/),
    ]);
    expect(planted.snapshotTree()).toEqual(before);
    // validate and diff load the same way.
    const v = await planted.cli('validate', []);
    expect(v.stderr.split('\n').filter((l) => l.startsWith('error:')).slice(0, 3)).toEqual(errors.slice(0, 3));
  });

  test('a JavaScript error that stops the loading comes last, after the mistakes found before it', async () => {
    planted.edit('envs/staging.ts', "regions: { 'us-east-1': {} },", "regions: { ...undefinedRegions, 'us-east-1': {} },");
    const r = await planted.cli('synth', ['--json']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(lines.slice(0, 3).map((l) => l.split(': ')[1])).toEqual(['apps/echo.ts:9', 'apps/echo.ts:11', 'envs/prod.ts:59']);
    expect(lines[lines.length - 1]).toBe('error: envs/staging.ts:8: undefinedRegions is not defined');
    const j = JSON.parse(r.stdout);
    expect(j.errors.map((e: { file: string }) => e.file)).toEqual(['apps/echo.ts', 'apps/echo.ts', 'envs/prod.ts', 'envs/staging.ts']);
  });
});

test('one mistake is one line: what uses a broken definition is not reported again', async () => {
  const one = new TempRepo();
  try {
    // The region list of prod is broken; the overrides, releases and secrets naming its regions are not blamed.
    one.edit('envs/prod.ts', "    'eu-west-1': {},", "    'EU_West_1': {},");
    const r = await one.cli('synth', []);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(/^error: envs\/prod\.ts:\d+: regions\.EU_West_1: "EU_West_1" is not allowed; allowed: lowercase letters/),
    ]);
  } finally {
    one.cleanup();
  }
});
