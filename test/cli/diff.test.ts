/**
 * `npm run diff` on a throwaway copy of the frozen example repository: a report, exit 0 with or
 * without differences.
 */
import { spawnSync } from 'node:child_process';
import { TempRepo } from '../support/repo';

const repos: TempRepo[] = [];
function newRepo(): TempRepo {
  const r = new TempRepo();
  repos.push(r);
  return r;
}
afterAll(() => {
  for (const r of repos) r.cleanup();
});

/** prod's three replicas become four. */
const bumpProdReplicas = (repo: TempRepo) => repo.edit('envs/prod.ts', 'replicas: 3,', 'replicas: 4,');

test('no change: the summary says there are no differences (text, markdown, json)', async () => {
  const repo = newRepo();
  const r = await repo.cli('diff', []);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('diff: no differences (fresh synth vs dist/)\n');
  const md = await repo.cli('diff', ['--format', 'markdown']);
  expect(md.code).toBe(0);
  expect(md.stdout).toContain('No differences.');
  expect(md.stdout).toContain('prod: no change');
  const json = await repo.cli('diff', ['--format', 'json']);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, differences: false, groups: [] });
});

describe('prod replicas 3 -> 4', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = newRepo();
    bumpProdReplicas(repo);
  });

  test('the prod Deployments show as changed, with a hunk holding the replicas line; nothing else', async () => {
    const r = await repo.cli('diff', []);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^prod\/us-east-1\/echo: 0 added, 0 removed, \d+ changed$/m);
    expect(r.stdout).toMatch(/^ {2}~ Deployment \S+\/echo/m);
    expect(r.stdout).toMatch(/^-\s+replicas: 3$/m);
    expect(r.stdout).toMatch(/^\+\s+replicas: 4$/m);
    expect(r.stdout).toMatch(/^@@ /m);
    expect(r.stdout).not.toMatch(/^(dev|staging)\//m);
    expect(r.stdout).not.toContain('\x1b['); // not a TTY: no colors
  });

  test('--env dev filters: no differences there', async () => {
    const r = await repo.cli('diff', ['--env', 'dev']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('diff: no differences (fresh synth vs dist/, env dev)\n');
  });

  test('--app echo filters to that app', async () => {
    const r = await repo.cli('diff', ['--app', 'echo', '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { differences: boolean; groups: { env: string; app: string; changed: { kind: string; patch: string }[] }[] };
    expect(out.differences).toBe(true);
    expect(out.groups.every((g) => g.env === 'prod' && g.app === 'echo')).toBe(true);
    expect(out.groups.flatMap((g) => g.changed.map((c) => c.kind))).toContain('Deployment');
  });

  test('--format markdown: a <details> per env, prod first', async () => {
    const r = await repo.cli('diff', ['--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<details>');
    expect(r.stdout).toMatch(/<summary><b>prod<\/b>: 0 added, 0 removed, \d+ changed<\/summary>/);
    expect(r.stdout).not.toContain('prod: no change');
    expect(r.stdout).toContain('```diff');
    const sections = [...r.stdout.matchAll(/<summary><b>([^<]+)<\/b>/g)].map((m) => m[1]);
    expect(sections[0]).toBe('prod');
  });

  test('a markdown report of a dev-only change says prod: no change', async () => {
    const dev = newRepo();
    dev.edit('envs/dev.ts', 'replicas: 1,', 'replicas: 2,');
    const r = await dev.cli('diff', ['--format', 'markdown']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('prod: no change');
    expect(r.stdout).toContain('<summary><b>dev</b>');
  });
});

test('usage errors exit 2, bad input exits 1', async () => {
  const repo = newRepo();
  expect((await repo.cli('diff', ['--format', 'yaml'])).code).toBe(2);
  const env = await repo.cli('diff', ['--env', 'nope']);
  expect(env.code).toBe(1);
  expect(env.stderr).toMatch(/^error: --env nope: no such env/m);
  const app = await repo.cli('diff', ['--app', 'ecoh']);
  expect(app.code).toBe(1);
  expect(app.stderr).toMatch(/^error: --app: unknown app "ecoh" \(did you mean "echo"\?\)/m);
  const ref = await repo.cli('diff', ['--against', 'no-such-ref']);
  expect(ref.code).toBe(1);
  expect(ref.stderr).toMatch(/^error: /m);
});

test('--against REF: compares with dist/ as committed at the ref, not the working tree', async () => {
  const repo = newRepo();
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, {
      cwd: repo.dir, encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  git('init', '-q', '-b', 'main');
  git('add', 'apps', 'envs', 'dist');
  git('commit', '-qm', 'init');
  bumpProdReplicas(repo);
  expect((await repo.cli('synth', ['--quiet'])).code).toBe(0);
  git('commit', '-qam', 'prod: 4 replicas');

  // The working tree's dist/ is up to date; HEAD~1's dist/ had 3 replicas.
  expect((await repo.cli('diff', [])).stdout).toBe('diff: no differences (fresh synth vs dist/)\n');
  expect((await repo.cli('diff', ['--against', 'HEAD'])).stdout).toBe('diff: no differences (fresh synth vs HEAD:dist/)\n');
  const r = await repo.cli('diff', ['--against', 'HEAD~1']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^prod\/us-east-1\/echo: /m);
  expect(r.stdout).toMatch(/^-\s+replicas: 3$/m);
  expect(r.stdout).toMatch(/^\+\s+replicas: 4$/m);
});
