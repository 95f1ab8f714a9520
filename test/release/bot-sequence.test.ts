/**
 * What the release and seal bots do, on a git clone of the example repository: bump, bump, rollback,
 * rollback, bump, `git revert`, rollback, promote, hold and seal, each with --commit. After every
 * step the repository passes the checks .ci/run runs on the live repository (`synth --check` and
 * `validate`) with a clean work tree, and no rollback returns to a build that was rolled back or
 * reverted.
 */
import { readReleases } from '../../lib/release';
import { CommandResult, TempRepo } from '../support/repo';

jest.setTimeout(120_000);

const FILE = 'envs/releases.ts';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ORIGINAL_DEV = '1.3.0-SNAPSHOT-7d2a1b4';
const ORIGINAL_PROD = 'v1.2.0';

let repo: TempRepo;

function git(...args: string[]): string {
  const r = repo.run('git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** The entry of echo in an env, as releases.ts says now. */
function echo(env: string): { tag?: string; digest?: string; hold?: unknown } {
  const data = readReleases(repo.read(FILE), FILE) as Record<string, Record<string, { tag?: string; digest?: string; hold?: unknown }>>;
  return data.echo[env];
}

function expectCode(r: CommandResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

/** The checks .ci/run runs on the live repository, and a clean work tree (the bot committed everything). */
async function expectGreen(): Promise<void> {
  expectCode(await repo.cli('synth', ['--check']), 0);
  expectCode(await repo.cli('validate', []), 0);
  expect(git('status', '--porcelain')).toBe('');
}

async function step(command: 'release' | 'seal', args: string[], stdin?: string): Promise<CommandResult> {
  const r = await repo.cli(command, args, { env: { GITHUB_ACTOR: 'release-bot' }, ...(stdin !== undefined ? { stdin } : {}) });
  expectCode(r, 0);
  await expectGreen();
  return r;
}

beforeAll(async () => {
  repo = new TempRepo();
  repo.write('.gitignore', 'node_modules\n');
  for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Bot Tester'], ['config', 'user.email', 'bot@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) {
    git(...args);
  }
  await expectGreen();
});
afterAll(() => repo?.cleanup());

test('bump, bump: prod runs v1.4.0', async () => {
  await step('release', ['bump', 'echo', 'prod', '--tag', 'v1.3.0', '--digest', digest('3'), '--commit']);
  await step('release', ['bump', 'echo', 'prod', '--tag', 'v1.4.0', '--digest', digest('4'), '--commit']);
  expect(echo('prod')).toMatchObject({ tag: 'v1.4.0', digest: digest('4') });
});

test('rollback goes to v1.3.0 and holds; a second rollback goes further back, to v1.2.0, not to the v1.4.0 just rolled away from', async () => {
  await step('release', ['rollback', 'echo', 'prod', '--commit']);
  expect(echo('prod')).toMatchObject({ tag: 'v1.3.0', digest: digest('3') });
  expect(echo('prod').hold).toBeDefined();
  await step('release', ['rollback', 'echo', 'prod', '--commit']);
  expect(echo('prod')).toMatchObject({ tag: ORIGINAL_PROD });
  expect(echo('prod').hold).toBeDefined();
});

test('bump, bump, git revert of the last bump, rollback: skips the reverted build', async () => {
  await step('release', ['bump', 'echo', 'dev', '--tag', '1.4.0-SNAPSHOT-aaaaaa1', '--digest', digest('a'), '--commit']);
  await step('release', ['bump', 'echo', 'dev', '--tag', '1.5.0-SNAPSHOT-bbbbbb2', '--digest', digest('b'), '--commit']);
  git('revert', '--no-edit', 'HEAD');
  await expectGreen();
  expect(echo('dev')).toMatchObject({ tag: '1.4.0-SNAPSHOT-aaaaaa1' });
  // The version before the current one in history is 1.5.0 (reverted: never good); the one before is the original.
  await step('release', ['rollback', 'echo', 'dev', '--commit']);
  expect(echo('dev')).toMatchObject({ tag: ORIGINAL_DEV });
});

test('a rollback with nothing good left is refused, says why, and changes nothing', async () => {
  const before = repo.read(FILE);
  const head = git('rev-parse', 'HEAD');
  const r = await repo.cli('release', ['rollback', 'echo', 'prod', '--commit']);
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/rolled back/);
  expect(r.stderr).toMatch(/v1\.4\.0/);
  expect(repo.read(FILE)).toBe(before);
  expect(git('rev-parse', 'HEAD')).toBe(head);
  await expectGreen();
});

test('promote dev -> staging, hold, seal: each commits and stays green', async () => {
  await step('release', ['promote', 'echo', '--from', 'dev', '--to', 'staging', '--commit']);
  expect(echo('staging')).toMatchObject({ tag: ORIGINAL_DEV });
  await step('release', ['hold', 'book-shop', 'dev', '--reason', 'incident 7', '--commit']);
  const sealed = await step('seal', ['incident-assistant-backend', 'dev', 'OPENAI_API_KEY', '--commit'], 'sk-test-bot-sequence-not-a-real-key');
  expect(sealed.stdout).toMatch(/committed [0-9a-f]{12}/);
  expect(git('log', '-1', '--name-only', '--format=')).toMatch(/envs\/secrets\.ts/);
});

test('the history is linear, one commit per step, each marked as the bot\'s', () => {
  const subjects = git('log', '--format=%s').split('\n');
  expect(git('log', '--merges', '--format=%H')).toBe('');
  // init + 2 bumps + 2 rollbacks + 2 bumps + revert + rollback + promote + hold + seal
  expect(subjects).toHaveLength(12);
  expect(subjects.filter((s) => s.endsWith('[release-bot]'))).toHaveLength(10);
});
