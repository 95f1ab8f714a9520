/**
 * `npm run release` as a user and CI run it: the command's entry point in-process (TempRepo.cli) on
 * throwaway git copies of the repo, with real git; test/release/race.test.ts runs it as 8 real processes.
 * One repository is shared by the sequential scenarios (bump, commit, promote, rollback, hold,
 * status, usage refusals); bad input and --help run concurrently on pristine copies.
 */
import { diffLines } from 'diff';
import { readReleases } from '../../lib/release';
import { CommandResult, TempRepo } from '../support/repo';

const FILE = 'envs/releases.ts';
const ENV = { GITHUB_ACTOR: '' };
const digest = (c: string) => `sha256:${c.repeat(64)}`;

const repos: TempRepo[] = [];
afterAll(() => {
  for (const r of repos) r.cleanup();
});

/** A TempRepo made a git repository with one commit and a local identity. */
function gitRepo(): TempRepo {
  const repo = new TempRepo();
  repos.push(repo);
  repo.write('.gitignore', 'node_modules\n');
  for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Release Tester'], ['config', 'user.email', 'tester@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) {
    git(repo, ...args);
  }
  return repo;
}

function git(repo: TempRepo, ...args: string[]): string {
  const r = repo.run('git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** `npm run release -- ...args` in-process (TempRepo.cli: the same entry point, no process start). */
const release = (repo: TempRepo, ...args: string[]): Promise<CommandResult> => repo.cli('release', args, { env: ENV });

/** Fails with the command's output when the exit code is not `code`. */
function expectCode(r: CommandResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

const noStack = (r: CommandResult) => expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^ {4}at |\n\s+at .+:\d+:\d+\)?$/m);

interface State {
  readonly releases: string;
  readonly dist: Map<string, string>;
}
const state = (repo: TempRepo): State => ({ releases: repo.read(FILE), dist: repo.snapshotTree() });

/** dist/ files whose bytes differ between two snapshots, or exist in only one of them. */
function changedDist(a: State, b: State): string[] {
  const keys = new Set([...a.dist.keys(), ...b.dist.keys()]);
  return [...keys].filter((k) => a.dist.get(k) !== b.dist.get(k)).sort();
}

function expectUnchanged(repo: TempRepo, before: State): void {
  const after = state(repo);
  expect(after.releases).toBe(before.releases);
  expect(changedDist(before, after)).toEqual([]);
}

/** The removed and added lines between two texts. */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const out = { removed: [] as string[], added: [] as string[] };
  for (const part of diffLines(a, b)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.removed) out.removed.push(...lines);
    else if (part.added) out.added.push(...lines);
  }
  return out;
}

/** 1-based line of the first line containing `needle` after the first line containing `after`. */
function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle));
  if (start < 0 || i < 0) throw new Error(`"${needle}" not found in ${FILE}`);
  return i + 1;
}

const data = (repo: TempRepo) => readReleases(repo.read(FILE), FILE);
const head = (repo: TempRepo) => git(repo, 'rev-parse', 'HEAD');
const commitFiles = (repo: TempRepo, rev = 'HEAD') => git(repo, 'show', '--name-only', '--format=', rev).split('\n').filter(Boolean);
const trailers = (repo: TempRepo, rev = 'HEAD') => git(repo, 'log', '-1', '--format=%(trailers)', rev);
const imageOf = (repo: TempRepo, env: string, region: string, app: string) => /^\s+image: (\S+)$/m.exec(repo.read(`dist/apps/${env}/${region}/${app}/${app}.yaml`))?.[1];

/** Discards uncommitted changes (the scenarios that follow start from a clean HEAD). */
function reset(repo: TempRepo): void {
  git(repo, 'reset', '-q', '--hard');
  git(repo, 'clean', '-fdq');
}

const SNAP = '1.4.0-SNAPSHOT-abcdef1';
const D = digest('a');

interface BadCase {
  readonly name: string;
  readonly args: readonly string[];
  /** Exit code (1 unless said). */
  readonly code?: number;
  /** The field in the message. */
  readonly field: string;
  /** The line the message must name: [needle, after] in the pristine releases.ts; undefined: no line (the field does not exist). */
  readonly line?: readonly [string, string?];
  /** Fragments of the reason: what is wrong and what is allowed. */
  readonly says: readonly (string | RegExp)[];
}

const BAD: readonly BadCase[] = [
  { name: 'unknown app (did you mean)', args: ['bump', 'ecoh', 'dev', '--tag', SNAP, '--digest', D], field: 'ecoh', says: ['unknown app "ecoh"', 'did you mean "echo"', /registered apps: .*\becho\b/] },
  { name: 'unknown env', args: ['bump', 'echo', 'dve', '--tag', SNAP, '--digest', D], field: 'echo.dve', line: ['  echo: {'], says: ['unknown environment "dve"', 'did you mean "dev"', 'allowed: dev, staging, prod'] },
  { name: 'unknown region', args: ['bump', 'echo', 'prod', '--region', 'eu-west-2', '--tag', 'v1.4.0', '--digest', D], field: 'echo.prod.regions.eu-west-2', line: ['prod:', '  echo: {'], says: ['unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1'] },
  { name: 'a tag violating the env policy', args: ['bump', 'echo', 'prod', '--tag', SNAP, '--digest', D], field: 'echo.prod.tag', line: ['prod:', '  echo: {'], says: [`"${SNAP}" breaks the tag policy`, 'allowed: vX.Y.Z'] },
  { name: '`latest`', args: ['bump', 'echo', 'dev', '--tag', 'latest', '--digest', D], field: 'echo.dev.tag', line: ['dev:', '  echo: {'], says: ['"latest" is never allowed'] },
  { name: 'a malformed digest', args: ['bump', 'echo', 'dev', '--tag', SNAP, '--digest', 'sha256:abc'], field: 'echo.dev.digest', line: ['dev:', '  echo: {'], says: ['"sha256:abc"', 'allowed: "sha256:" followed by 64 lowercase hex characters'] },
  { name: 'prod without digest', args: ['bump', 'echo', 'prod', '--tag', 'v1.4.0'], field: 'echo.prod.digest', line: ['prod:', '  echo: {'], says: ['is required in prod'] },
  { name: 'promote from an env with no entry', args: ['promote', 'incident-assistant-frontend', '--from', 'prod', '--to', 'staging'], field: 'incident-assistant-frontend.prod', line: ['prod:', "  'incident-assistant-frontend': {"], says: ['no release in prod', 'nothing to promote', /--region/] },
  { name: 'rollback with no history', args: ['rollback', 'echo', 'staging'], field: 'echo.staging', line: ['staging:', '  echo: {'], says: ['nothing to roll back to'] },
];

/**
 * Independent read-only runs (bad input, --help) on pristine copies, started in the background at
 * once: they run between the sequential scenarios' commands (in-process commands take turns).
 */
let pristine: TempRepo;
let pristineBefore: State;
let broken: TempRepo;
let brokenBefore: State;
const badResults = new Map<string, CommandResult>();
let brokenResults: CommandResult[] = [];
const HELP = [[], ['bump'], ['promote'], ['rollback'], ['hold'], ['unhold'], ['status']];
let helpResults: CommandResult[] = [];
let background: Promise<void>;

beforeAll(() => {
  pristine = gitRepo();
  pristineBefore = state(pristine);
  broken = new TempRepo();
  repos.push(broken);
  broken.edit(FILE, "    dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4',", "    dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4',,");
  brokenBefore = state(broken);
  background = (async () => {
    for (const c of BAD) badResults.set(c.name, await release(pristine, ...c.args));
    brokenResults = [await release(broken, 'bump', 'echo', 'dev', '--tag', SNAP, '--digest', D), await release(broken, 'status')];
    for (const c of HELP) helpResults.push(await release(pristine, ...c, '--help'));
  })();
  background.catch(() => undefined); // awaited (and reported) by the tests below
});

describe('release (sequential scenarios on one git repository)', () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = gitRepo();
  });

  describe('bump', () => {
    test('changes exactly one line of envs/releases.ts and the image in dist/; synth --check passes', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', SNAP, '--digest', D);
      expectCode(r, 0);
      expect(r.stdout).toContain(`echo dev: 1.3.0-SNAPSHOT-7d2a1b4 -> ${SNAP}`);
      const after = state(repo);
      const d = lineDiff(before.releases, after.releases);
      expect(d.removed).toEqual(["    dev: { tag: '1.3.0-SNAPSHOT-7d2a1b4', digest: 'sha256:46a2d457588577c9fab2f9b4272f22879ca1c09c456d9fb17aa49b7465eb6ef0' },"]);
      expect(d.added).toEqual([`    dev: { tag: '${SNAP}', digest: '${D}' },`]);
      const changed = changedDist(before, after);
      expect(changed).toContain('apps/dev/us-east-1/echo/echo.yaml');
      // Only the instance and the dist/ index (which lists what runs where) change.
      expect(changed.filter((f) => f !== 'README.md')).toEqual(['apps/dev/us-east-1/echo/echo.yaml']);
      expect(imageOf(repo, 'dev', 'us-east-1', 'echo')).toBe(`ghcr.io/acme/echo:${SNAP}@${D}`);
      expect(imageOf(repo, 'staging', 'us-east-1', 'echo')).toBe('ghcr.io/acme/echo:1.2.0-SNAPSHOT-3c9e0f2@sha256:c870ca8f82d6c2b656395fda96b1ed64a307e7c89804a70f12bd6ec5677c7c20');
      expectCode(await repo.cli('synth', ['--check']), 0);
    });

    test('running it again: exit 0, "already at", no file changes', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', SNAP, '--digest', D);
      expectCode(r, 0);
      expect(r.stdout).toContain(`echo dev already at ${SNAP}`);
      expectUnchanged(repo, before);
    });

    let wouldChange: string[];
    test('--dry-run prints the unified diff of envs/releases.ts and the dist/ files that would change; changes nothing', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'staging', '--tag', SNAP, '--digest', D, '--dry-run');
      expectCode(r, 0);
      expect(r.stdout).toContain(`--- ${FILE}`);
      expect(r.stdout).toContain(`+++ ${FILE}`);
      expect(r.stdout).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@/m);
      expect(r.stdout).toContain("\n-    staging: { tag: '1.2.0-SNAPSHOT-3c9e0f2', digest: 'sha256:c870ca8f82d6c2b656395fda96b1ed64a307e7c89804a70f12bd6ec5677c7c20' },\n");
      expect(r.stdout).toContain(`\n+    staging: { tag: '${SNAP}', digest: '${D}' },\n`);
      const list = /dist\/ files that would change \((\d+)\):\n((?: {2}\S+\n)*)/.exec(r.stdout);
      expect(list).not.toBeNull();
      wouldChange = list![2].split('\n').filter(Boolean).map((l) => l.trim().replace(/^dist\//, '')).sort();
      expect(wouldChange).toHaveLength(Number(list![1]));
      expect(wouldChange).toContain('apps/staging/us-east-1/echo/echo.yaml');
      expectUnchanged(repo, before);
    });

    test('--json output parses; the change applied is the one the dry run announced', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'staging', '--tag', SNAP, '--digest', D, '--json');
      expectCode(r, 0);
      const out = JSON.parse(r.stdout) as { changes: { app: string; env: string; from?: { tag: string }; to: { tag: string; digest?: string }; image?: string }[]; commit: string | null; dist: { written: string[]; removed: string[] } };
      expect(out.changes).toEqual([{ app: 'echo', env: 'staging', from: { tag: '1.2.0-SNAPSHOT-3c9e0f2', digest: 'sha256:c870ca8f82d6c2b656395fda96b1ed64a307e7c89804a70f12bd6ec5677c7c20' }, to: { tag: SNAP, digest: D }, image: 'ghcr.io/acme/echo' }]);
      expect(out.commit).toBeNull();
      expect([...out.dist.written, ...out.dist.removed].sort()).toEqual(wouldChange);
      expect(changedDist(before, state(repo))).toEqual(wouldChange);
      // An idempotent --json run parses too.
      const again = await release(repo, 'bump', 'echo', 'staging', '--tag', SNAP, '--digest', D, '--json');
      expectCode(again, 0);
      expect(JSON.parse(again.stdout)).toMatchObject({ changes: [] });
    });

    test('--set twice applies both changes in exactly one commit touching releases.ts and dist/', async () => {
      reset(repo);
      const before = state(repo);
      const base = head(repo);
      const r = await release(repo, 'bump', '--set', `echo=dev:1.5.0-SNAPSHOT-abcdef2@${digest('b')}`, '--set', `book-shop=staging:2.6.0-SNAPSHOT-abcdef2@${digest('c')}`, '--commit');
      expectCode(r, 0);
      expect(git(repo, 'rev-list', '--count', `${base}..HEAD`)).toBe('1');
      expect(git(repo, 'status', '--porcelain')).toBe('');
      const d = data(repo);
      expect(d.echo?.dev).toEqual({ tag: '1.5.0-SNAPSHOT-abcdef2', digest: digest('b') });
      expect(d['book-shop']?.staging).toEqual({ tag: '2.6.0-SNAPSHOT-abcdef2', digest: digest('c') });
      expect(lineDiff(before.releases, repo.read(FILE)).added).toHaveLength(2);
      const files = commitFiles(repo);
      expect(files).toContain(FILE);
      expect(files).toContain('dist/apps/dev/us-east-1/echo/echo.yaml');
      expect(files).toContain('dist/apps/staging/us-east-1/book-shop/book-shop.yaml');
      for (const f of files) expect(f === FILE || f.startsWith('dist/')).toBe(true);
      expect(git(repo, 'log', '-1', '--format=%s')).toMatch(/^release: .*echo dev.*book-shop staging.* \[release-bot\]$/);
    });

    test('--region eu-west-1 on prod writes a region entry', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'prod', '--region', 'eu-west-1', '--tag', 'v1.5.0', '--digest', digest('d'));
      expectCode(r, 0);
      const prod = data(repo).echo?.prod;
      expect(prod).toEqual({
        tag: 'v1.2.0',
        digest: 'sha256:44b5284b4254e4268cee826c30f86642ddd59e444edf4e225882820221963fe4',
        regions: { 'eu-west-1': { tag: 'v1.5.0', digest: digest('d') } },
      });
      const changed = changedDist(before, state(repo));
      expect(changed).toContain('apps/prod/eu-west-1/echo/echo.yaml');
      expect(changed).not.toContain('apps/prod/us-east-1/echo/echo.yaml');
      expect(imageOf(repo, 'prod', 'eu-west-1', 'echo')).toBe(`ghcr.io/acme/echo:v1.5.0@${digest('d')}`);
    });

    test('a bump of the region entry it wrote is a one-line change too (releases.ts: "each value is one line")', async () => {
      const before = repo.read(FILE);
      const r = await release(repo, 'bump', 'echo', 'prod', '--region', 'eu-west-1', '--tag', 'v1.5.1', '--digest', digest('9'));
      const after = repo.read(FILE);
      reset(repo);
      expectCode(r, 0);
      expect(readReleases(after, FILE).echo?.prod?.regions?.['eu-west-1']).toEqual({ tag: 'v1.5.1', digest: digest('9') });
      // Like the canary entry of book-shop prod (`'eu-west-1': { tag: 'v2.5.0', digest: 'sha256:...' },`),
      // so that this bump changes one line.
      const d = lineDiff(before, after);
      expect({ removed: d.removed.length, added: d.added.length }).toEqual({ removed: 1, added: 1 });
    });
  });

  describe('--commit', () => {
    test('one commit: structured subject, Source-Commit/Run-Url/Released-By trailers, only releases.ts and dist/', async () => {
      const base = head(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', '1.6.0-SNAPSHOT-abcdef3', '--digest', digest('e'), '--commit', '--source-commit', '0123456789abcdef0123456789abcdef01234567', '--run-url', 'https://ci.example.com/runs/42');
      expectCode(r, 0);
      expect(git(repo, 'rev-list', '--count', `${base}..HEAD`)).toBe('1');
      const subject = git(repo, 'log', '-1', '--format=%s');
      expect(subject.startsWith('release(echo): dev ')).toBe(true);
      expect(subject.endsWith('[release-bot]')).toBe(true);
      expect(subject).toBe('release(echo): dev 1.5.0-SNAPSHOT-abcdef2 -> 1.6.0-SNAPSHOT-abcdef3 [release-bot]');
      const t = trailers(repo);
      expect(t).toContain('Source-Commit: 0123456789abcdef0123456789abcdef01234567\n');
      expect(t).toContain('Run-Url: https://ci.example.com/runs/42\n');
      expect(t).toContain('Released-By: Release Tester\n');
      const stat = git(repo, 'show', '--stat', '--format=', 'HEAD');
      expect(stat).toContain(FILE);
      const files = commitFiles(repo);
      expect(files).toContain(FILE);
      expect(files).toContain('dist/apps/dev/us-east-1/echo/echo.yaml');
      for (const f of files) expect(f === FILE || f.startsWith('dist/')).toBe(true);
      expect(git(repo, 'status', '--porcelain')).toBe('');
    });

    test('a no-op bump makes no commit', async () => {
      const base = head(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', '1.6.0-SNAPSHOT-abcdef3', '--digest', digest('e'), '--commit');
      expectCode(r, 0);
      expect(r.stdout).toContain('already at');
      expect(head(repo)).toBe(base);
      expect(git(repo, 'status', '--porcelain')).toBe('');
    });
  });

  describe('promote', () => {
    test('dev -> staging copies tag and digest exactly; the commit says Promoted-From: dev', async () => {
      const r = await release(repo, 'promote', 'echo', '--from', 'dev', '--to', 'staging', '--commit');
      expectCode(r, 0);
      const d = data(repo);
      expect(d.echo?.staging).toEqual(d.echo?.dev);
      expect(d.echo?.staging).toEqual({ tag: '1.6.0-SNAPSHOT-abcdef3', digest: digest('e') });
      expect(imageOf(repo, 'staging', 'us-east-1', 'echo')).toBe(imageOf(repo, 'dev', 'us-east-1', 'echo'));
      expect(git(repo, 'log', '-1', '--format=%s')).toMatch(/^release\(echo\): .*staging.* \[release-bot\]$/);
      expect(trailers(repo)).toContain('Promoted-From: dev\n');
      expect(git(repo, 'status', '--porcelain')).toBe('');
    });

    test('staging -> prod without --tag is refused with one line suggesting --tag', async () => {
      const before = state(repo);
      const r = await release(repo, 'promote', 'echo', '--from', 'staging', '--to', 'prod');
      expectCode(r, 1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: envs/releases\\.ts:${lineOf(before.releases, 'prod:', '  echo: {')}: echo\\.prod\\.tag: .*allowed: vX\\.Y\\.Z.*--tag`));
      noStack(r);
      expectUnchanged(repo, before);
    });

    test('staging -> prod with --tag v1.3.0 keeps the digest; --json names the image repository (promote.yml retags it)', async () => {
      const dry = await release(repo, 'promote', 'echo', '--from', 'staging', '--to', 'prod', '--tag', 'v1.3.0', '--dry-run', '--json');
      expectCode(dry, 0);
      expect(JSON.parse(dry.stdout).changes).toEqual([
        { app: 'echo', env: 'prod', from: { tag: 'v1.2.0', digest: expect.stringMatching(/^sha256:/) }, to: { tag: 'v1.3.0', digest: digest('e') }, promotedFrom: 'staging', image: 'ghcr.io/acme/echo' },
      ]);
      const r = await release(repo, 'promote', 'echo', '--from', 'staging', '--to', 'prod', '--tag', 'v1.3.0', '--json');
      expectCode(r, 0);
      expect(JSON.parse(r.stdout).changes).toEqual(JSON.parse(dry.stdout).changes);
      expect(data(repo).echo?.prod).toEqual({ tag: 'v1.3.0', digest: digest('e') });
      expect(imageOf(repo, 'prod', 'us-east-1', 'echo')).toBe(`ghcr.io/acme/echo:v1.3.0@${digest('e')}`);
      reset(repo);
    });

    test('from an env with no entry for the app (a region-only prod app to staging) fails', async () => {
      const before = state(repo);
      const r = await release(repo, 'promote', 'incident-assistant-backend', '--from', 'prod', '--to', 'staging');
      expectCode(r, 1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: envs\/releases\.ts:\d+: incident-assistant-backend\.prod: .*no release in prod/);
      expectUnchanged(repo, before);
    });
  });

  describe('rollback, hold', () => {
    test('after v1.2.0 -> v1.3.0 -> v1.4.0 in prod, rollback restores v1.3.0 and its digest and holds', async () => {
      expect(data(repo).echo?.prod?.tag).toBe('v1.2.0');
      expectCode(await release(repo, 'bump', 'echo', 'prod', '--tag', 'v1.3.0', '--digest', digest('3'), '--commit'), 0);
      expectCode(await release(repo, 'bump', 'echo', 'prod', '--tag', 'v1.4.0', '--digest', digest('4'), '--commit'), 0);
      const base = head(repo);
      const r = await release(repo, 'rollback', 'echo', 'prod', '--commit');
      expectCode(r, 0);
      expect(git(repo, 'rev-list', '--count', `${base}..HEAD`)).toBe('1');
      const prod = data(repo).echo?.prod;
      expect({ tag: prod?.tag, digest: prod?.digest }).toEqual({ tag: 'v1.3.0', digest: digest('3') });
      expect(prod?.hold?.reason).toBe('rollback to v1.3.0 from v1.4.0');
      expect(imageOf(repo, 'prod', 'us-east-1', 'echo')).toBe(`ghcr.io/acme/echo:v1.3.0@${digest('3')}`);
      expect(imageOf(repo, 'prod', 'eu-west-1', 'echo')).toBe(`ghcr.io/acme/echo:v1.3.0@${digest('3')}`);
      expect(git(repo, 'log', '-1', '--format=%s')).toBe('release(echo): roll back prod v1.4.0 -> v1.3.0 [release-bot]');
      expect(git(repo, 'status', '--porcelain')).toBe('');
      const status = await release(repo, 'status');
      expectCode(status, 0);
      const rows = status.stdout.split('\n').filter((l) => /^echo\s+prod\s/.test(l));
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toMatch(/\sv1\.3\.0\s+333333333333\s+rollback to v1\.3\.0 from v1\.4\.0/);
    });

    test('a bump of the held entry exits 3 naming the hold and changes nothing; --force applies it', async () => {
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'prod', '--tag', 'v1.5.0', '--digest', digest('5'));
      expectCode(r, 3);
      expect(r.stderr).toMatch(/held/);
      expect(r.stderr).toContain('rollback to v1.3.0 from v1.4.0');
      expect(r.stderr).toContain('unhold echo prod');
      noStack(r);
      expectUnchanged(repo, before);

      const forced = await release(repo, 'bump', 'echo', 'prod', '--tag', 'v1.5.0', '--digest', digest('5'), '--force', '--commit');
      expectCode(forced, 0);
      const prod = data(repo).echo?.prod;
      expect({ tag: prod?.tag, digest: prod?.digest }).toEqual({ tag: 'v1.5.0', digest: digest('5') });
      expect(prod?.hold?.reason).toBe('rollback to v1.3.0 from v1.4.0');
    });

    test('unhold removes the hold', async () => {
      const r = await release(repo, 'unhold', 'echo', 'prod', '--commit');
      expectCode(r, 0);
      const prod = data(repo).echo?.prod;
      expect(prod?.hold).toBeUndefined();
      expect({ tag: prod?.tag, digest: prod?.digest }).toEqual({ tag: 'v1.5.0', digest: digest('5') });
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expectCode(await release(repo, 'bump', 'echo', 'prod', '--tag', 'v1.5.1', '--digest', digest('6')), 0);
      reset(repo);
    });

    test('rollback of an entry without history fails with one line (exit 1)', async () => {
      const before = state(repo);
      const r = await release(repo, 'rollback', 'incident-assistant-frontend', 'staging');
      expectCode(r, 1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: envs\/releases\.ts:\d+: incident-assistant-frontend\.staging: .*nothing to roll back to/);
      expectUnchanged(repo, before);
    });

    test('hold, status (table and --json), unhold', async () => {
      expectCode(await release(repo, 'hold', 'book-shop', 'dev', '--reason', 'incident 123'), 0);
      expect(data(repo)['book-shop']?.dev?.hold?.reason).toBe('incident 123');

      const table = await release(repo, 'status');
      expectCode(table, 0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^APP\s+ENV\s+REGION\s+TAG\s+DIGEST\s+HELD$/);
      expect(lines).toHaveLength(1 + 4 * 4); // 4 apps x (dev, staging, prod/us-east-1, prod/eu-west-1)
      expect(lines.find((l) => /^book-shop\s+dev\s+us-east-1\s/.test(l))).toMatch(/\sa41f9c3\s+622e0adbf3e8\s+incident 123 \(Release Tester, \d{4}-\d\d-\d\d\)$/);
      expect(lines.find((l) => /^book-shop\s+staging\s/.test(l))).toMatch(/\s-$/);
      expect(lines.find((l) => /^incident-assistant-backend\s+prod\s+eu-west-1\s/.test(l))).toMatch(/^incident-assistant-backend\s+prod\s+eu-west-1\s+-\s+-\s+-$/);

      const json = await release(repo, 'status', '--json');
      expectCode(json, 0);
      const rows = JSON.parse(json.stdout) as { app: string; env: string; region: string; tag?: string; digest?: string; held?: { reason: string; by?: string }; released: boolean }[];
      expect(rows).toHaveLength(16);
      expect(rows.find((x) => x.app === 'book-shop' && x.env === 'dev')).toMatchObject({ region: 'us-east-1', tag: 'a41f9c3', released: true, held: { reason: 'incident 123', by: 'Release Tester' } });
      expect(rows.find((x) => x.app === 'book-shop' && x.env === 'prod' && x.region === 'eu-west-1')).toMatchObject({ tag: 'v2.5.0', released: true });
      expect(rows.find((x) => x.app === 'incident-assistant-backend' && x.env === 'prod' && x.region === 'eu-west-1')).toMatchObject({ released: false });

      const held = await release(repo, 'bump', 'book-shop', 'dev', '--tag', 'b0b0b01');
      expectCode(held, 3);
      expect(held.stderr).toContain('incident 123');

    });

    test('unhold removes the hold; unhold again is a no-op; hold + unhold leaves releases.ts as it was', async () => {
      const r = await release(repo, 'unhold', 'book-shop', 'dev');
      expectCode(r, 0);
      expect(data(repo)['book-shop']?.dev).toEqual({ tag: 'a41f9c3', digest: 'sha256:622e0adbf3e8bc95e300172120fd60ee8daa5a10b81a95bdb3c9bab3a45826aa' });
      const text = repo.read(FILE);
      const again = await release(repo, 'unhold', 'book-shop', 'dev');
      expectCode(again, 0);
      expect(again.stdout).toContain('book-shop dev is not held');
      expect(repo.read(FILE)).toBe(text);
      // The entry was one line before the hold; it should be one line again (releases.ts: "each value is one line").
      expect(text).toBe(git(repo, 'show', `HEAD:${FILE}`) + '\n');
    });
  });

  describe('usage refusals', () => {
    test('--push without a clean work tree is refused (exit 2), nothing changes', async () => {
      reset(repo);
      repo.write('notes.txt', 'uncommitted\n');
      const before = state(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', '1.7.0-SNAPSHOT-abcdef4', '--digest', digest('f'), '--push');
      expectCode(r, 2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: --push needs a clean work tree.*notes\.txt/);
      expectUnchanged(repo, before);
      reset(repo);
    });

    test('--dry-run with --commit is refused (exit 2)', async () => {
      const before = state(repo);
      const base = head(repo);
      const r = await release(repo, 'bump', 'echo', 'dev', '--tag', '1.7.0-SNAPSHOT-abcdef4', '--digest', digest('f'), '--dry-run', '--commit');
      expectCode(r, 2);
      expect(r.stderr).toMatch(/^error: --dry-run cannot be combined with --commit/);
      expectUnchanged(repo, before);
      expect(head(repo)).toBe(base);
    });
  });
});

describe('bad input: exit 1, one error line naming envs/releases.ts, the field and what is allowed; nothing written', () => {
  beforeAll(() => background, 120_000);

  test.each(BAD.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = badResults.get(c.name)!;
    expectCode(r, c.code ?? 1);
    noStack(r);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const where = c.line ? `${FILE}:${lineOf(pristineBefore.releases, c.line[0], c.line[1])}` : FILE;
    expect(lines[0].startsWith(`error: ${where}: ${c.field}: `)).toBe(true);
    for (const s of c.says) expect(lines[0]).toMatch(typeof s === 'string' ? new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : s);
  });

  test('releases.ts and dist/ stay byte-identical', async () => {
    expectUnchanged(pristine, pristineBefore);
    expect(git(pristine, 'status', '--porcelain')).toBe('');
  });

  test('a releases.ts that no longer parses (bump, status): one line naming the file and line, nothing written', async () => {
    const line = lineOf(brokenBefore.releases, ',,');
    expect(brokenResults).toHaveLength(2);
    for (const r of brokenResults) {
      expectCode(r, 1);
      noStack(r);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: envs/releases\\.ts:${line}(:\\d+)?: syntax error: \\S`));
    }
    expectUnchanged(broken, brokenBefore);
  });
});

describe('--help', () => {
  beforeAll(() => background, 120_000);

  test('for the program and each subcommand: exit 0', async () => {
    expect(helpResults).toHaveLength(HELP.length);
    helpResults.forEach((r, i) => {
      expectCode(r, 0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: release${HELP[i].length ? ` ${HELP[i][0]}` : ''} `));
    });
    expect(helpResults[0].stdout).toMatch(/Exit codes: 0 .*3 /);
  });
});
