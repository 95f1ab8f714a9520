/**
 * `release` end to end on a throwaway git repository, in-process: bump, bump, rollback, rollback,
 * bump, `git revert`, rollback. Each rollback restores the last known-good build, reading what
 * earlier commits say (Rolled-Back-From trailers, git revert's line) from the real git history.
 * The repository holds only envs/releases.ts and dist/; apps and envs are an inline registry.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseCommand } from '../../lib/cli/release';
import { readReleases, RollbackChoice, TRAILER } from '../../lib/release';
import { platform } from '../support/fixtures';
import { apps, digest, envs, FILE, NOW, releasesText } from '../release/fixtures';

jest.setTimeout(60_000);

let dir: string;

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Runs `npm run release -- ...args` in-process; fails with its output unless it exits `code`. */
async function release(code: number, ...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(String(s)), true) }) as unknown as NodeJS.WritableStream;
  const rc = await releaseCommand(args, () => ({ apps, envs, platform, secrets: {} }), {
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
    cwd: dir,
    now: NOW,
  });
  if (rc !== code) throw new Error(`release ${args.join(' ')}: exit ${rc}, expected ${code}\n${out}\n${err}`);
  return `${out}${err}`;
}

const prod = () => readReleases(fs.readFileSync(path.join(dir, FILE), 'utf8'), FILE).echo?.prod;
const bump = (minor: number, ...extra: string[]) => release(0, 'bump', 'echo', 'prod', '--tag', `v1.${minor}.0`, '--digest', digest(String(minor)), '--by', 'ci', '--commit', ...extra);
const rollback = (...extra: string[]) => release(0, 'rollback', 'echo', 'prod', '--by', 'alice', ...extra);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-history-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Release Tester');
  git('config', 'user.email', 'tester@example.com');
  fs.mkdirSync(path.join(dir, 'envs'));
  // v0.9.0, then v1.0.0 by hand: the builds before the scenario.
  fs.writeFileSync(path.join(dir, FILE), releasesText({ echo: { dev: ['abcdef0'], prod: ['v0.9.0', digest('9')] } }));
  git('add', '-A');
  git('commit', '-qm', 'init');
  fs.writeFileSync(path.join(dir, FILE), releasesText({ echo: { dev: ['abcdef0'], prod: ['v1.0.0', digest('0')] } }));
  git('commit', '-qam', 'echo prod v1.0.0');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('bump, bump, rollback, rollback, bump, git revert, rollback: each rollback restores the last known-good build', async () => {
  await bump(1);
  await bump(2);

  await rollback('--commit');
  expect(prod()).toMatchObject({ tag: 'v1.1.0', digest: digest('1'), hold: { reason: 'rollback to v1.1.0 from v1.2.0' } });
  expect(git('log', '-1', '--format=%(trailers:key=Rolled-Back-From,valueonly)')).toBe(`echo prod v1.2.0@${digest('2')}`);

  // The second rollback goes further back: not to v1.2.0, which the first one rolled away from.
  await rollback('--commit');
  expect(prod()).toMatchObject({ tag: 'v1.0.0', digest: digest('0') });

  await bump(3, '--force'); // held since the rollbacks
  expect(prod()?.tag).toBe('v1.3.0');
  git('revert', '--no-edit', 'HEAD');
  const revert = git('rev-parse', 'HEAD');
  expect(prod()?.tag).toBe('v1.0.0');

  // --dry-run --json shows the choice and why the newer values were skipped; nothing is written.
  const before = fs.readFileSync(path.join(dir, FILE), 'utf8');
  const dry = JSON.parse(await rollback('--dry-run', '--json')) as { rollback: RollbackChoice };
  expect(dry.rollback).toMatchObject({ label: 'v0.9.0', by: 'previous' });
  expect(dry.rollback.skipped.map((s) => `${s.label} ${s.why}`)).toEqual(['v1.3.0 reverted', 'v1.1.0 rolled-back', 'v1.2.0 rolled-back']);
  expect(dry.rollback.skipped[0].by).toBe(revert);
  expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(before);

  const text = await rollback('--commit');
  expect(prod()).toMatchObject({ tag: 'v0.9.0', digest: digest('9'), hold: { reason: 'rollback to v0.9.0 from v1.0.0' } });
  expect(text).toContain(`skipped v1.3.0 (reverted by ${revert.slice(0, 7)}), v1.1.0 (rolled back in `);
  expect(git('log', '-1', `--format=%(trailers:key=${TRAILER.rolledBackFrom},valueonly)`)).toBe(`echo prod v1.0.0@${digest('0')}`);
  expect(git('status', '--porcelain')).toBe('');

  // Nothing good is left: refused (exit 1), saying why.
  expect(await release(1, 'rollback', 'echo', 'prod')).toMatch(/every earlier release of echo in prod was rolled back or reverted: v1\.0\.0 \(rolled back in [0-9a-f]{7}\)/);
});
