/**
 * How the workflows push only what passed their checks: `release ... --commit`, the checks, then the
 * same command with `--push`, which finds its change already committed and pushes that commit.
 * In-process on a throwaway repository with a bare origin; inline registry (fixtures.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseCommand } from '../../lib/cli/release';
import { platform } from '../support/fixtures';
import { apps, digest, envs, FILE, NOW, releasesText } from './fixtures';

jest.setTimeout(30_000);

let root: string;
let dir: string;

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function release(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => ((out += String(s)), true) } as unknown as NodeJS.WritableStream;
  const code = await releaseCommand(args, () => ({ apps, envs, platform, secrets: {} }), { out: sink, err: sink, cwd: dir, now: NOW });
  return { code, out };
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'release-push-'));
  dir = path.join(root, 'work');
  git(root, 'init', '-q', '--bare', '-b', 'main', 'origin.git');
  git(root, 'init', '-q', '-b', 'main', 'work');
  git(dir, 'config', 'user.name', 'Release Tester');
  git(dir, 'config', 'user.email', 'tester@example.com');
  git(dir, 'remote', 'add', 'origin', path.join(root, 'origin.git'));
  fs.mkdirSync(path.join(dir, 'envs'));
  fs.writeFileSync(path.join(dir, FILE), releasesText({ echo: { dev: ['abcdef0'] } }));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  git(dir, 'push', '-q', 'origin', 'main');
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

test('--push after --commit pushes the committed change; once pushed, --push has nothing to do', async () => {
  const bump = ['bump', 'echo', 'dev', '--tag', '1.1.0-SNAPSHOT-1111111', '--digest', digest('1'), '--by', 'ci', '--json'];
  const committed = await release(...bump, '--commit');
  expect(committed.code).toBe(0);
  const local = git(dir, 'rev-parse', 'HEAD');
  expect(git(dir, 'rev-parse', 'origin/main')).not.toBe(local);

  const pushed = await release(...bump, '--push');
  expect(pushed.code).toBe(0);
  expect(JSON.parse(pushed.out)).toMatchObject({ changes: [], commit: local, pushed: true, tries: 1 });
  expect(git(path.join(root, 'origin.git'), 'rev-parse', 'main')).toBe(local);

  const again = await release(...bump, '--push');
  expect(JSON.parse(again.out)).toMatchObject({ changes: [], commit: null, pushed: false });
  expect(git(dir, 'rev-parse', 'HEAD')).toBe(local);
});
