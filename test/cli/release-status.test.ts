/** `npm run release -- status [app] [env]` (issue 14, small things): the table of one app, one env, or both. */
import { TempRepo } from '../support/repo';

const repo = new TempRepo();
afterAll(() => repo.cleanup());
const rows = async (...args: string[]) => JSON.parse((await repo.cli('release', ['status', ...args, '--json'])).stdout) as { app: string; env: string; region: string }[];

test('no filter: every app x env x region; an app; an app and an env', async () => {
  const all = await rows();
  expect(new Set(all.map((r) => r.app)).size).toBeGreaterThan(1);
  expect(new Set((await rows('echo')).map((r) => r.app))).toEqual(new Set(['echo']));
  expect((await rows('echo', 'prod')).map((r) => `${r.app} ${r.env} ${r.region}`)).toEqual(['echo prod us-east-1', 'echo prod eu-west-1']);
});

test('an unknown app or env: one error line with what exists', async () => {
  const r = await repo.cli('release', ['status', 'ecoh']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: app: unknown app "ecoh" \(did you mean "echo"\?\)/m);
  const e = await repo.cli('release', ['status', 'echo', 'prd']);
  expect(e.stderr).toMatch(/^error: env: unknown environment "prd"/m);
});
