/**
 * Independent mistakes are reported in one run (issue 14, errors all at once): each instance is resolved and its
 * errors collected, one line each with file:line and field, at most 20 then "+N more"; nothing is written.
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
