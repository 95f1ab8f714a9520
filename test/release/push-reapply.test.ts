/**
 * `release ... --push` when main moved and the change no longer applies there: the push is rejected,
 * the command fetches, resets to origin/main and re-applies the change in-process on the new checkout,
 * which refuses it (someone held the app meanwhile). The command fails with one line saying why,
 * nothing is pushed, and the work tree is origin/main.
 */
import * as path from 'node:path';
import { TempRepo } from '../support/repo';

jest.setTimeout(60_000);

const digest = (c: string) => `sha256:${c.repeat(64)}`;
let origin: TempRepo;
let a: TempRepo;
let b: TempRepo;

function git(repo: TempRepo, ...args: string[]): string {
  const r = repo.run('git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

beforeAll(() => {
  origin = new TempRepo();
  const bare = path.join(origin.dir, 'origin.git');
  git(origin, 'init', '-q', '--bare', '-b', 'main', bare);
  // Two working copies of the same commit: job a and job b.
  [a, b] = [new TempRepo(), new TempRepo()];
  for (const [i, r] of [a, b].entries()) {
    r.write('.gitignore', 'node_modules\n');
    for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', `job-${i}`], ['config', 'user.email', `job-${i}@example.com`], ['remote', 'add', 'origin', bare]]) git(r, ...args);
  }
  git(a, 'add', '-A');
  git(a, 'commit', '-qm', 'init');
  git(a, 'push', '-q', 'origin', 'main');
  git(b, 'fetch', '-q', 'origin');
  git(b, 'reset', '-q', '--hard', 'origin/main');
});
afterAll(() => [origin, a, b].forEach((r) => r?.cleanup()));

test('a bump whose app was held on main meanwhile: refused on re-apply, nothing pushed, the tree is origin/main', async () => {
  const held = await a.cli('release', ['hold', 'echo', 'dev', '--reason', 'incident 9', '--push']);
  expect(held.code).toBe(0);
  const originHead = git(a, 'rev-parse', 'HEAD');

  const r = await b.cli('release', ['bump', 'echo', 'dev', '--tag', '1.9.0-SNAPSHOT-abcdef9', '--digest', digest('9'), '--push', '--max-tries', '3']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/push rejected \(origin\/main moved\); re-applying the change/);
  expect(r.stderr).toMatch(/^error: after fetching, the change no longer applies: .*echo is held in dev: "incident 9"/m);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
  expect(git(b, 'rev-parse', 'HEAD')).toBe(originHead);
  expect(git(b, 'status', '--porcelain')).toBe('');
  expect(git(a, 'ls-remote', 'origin', 'main').split(/\s/)[0]).toBe(originHead);
});
