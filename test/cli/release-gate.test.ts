/**
 * `npm run release -- promote` with the delivery guards, as a user and CI run it (in-process, on a git
 * copy of the example repository): staging gates promotions out of it (`promotion: { requireHealthy:
 * true, soak: '1h' }`: Argo CD status file + soak from the entry's commit), prod rolls out region by
 * region (`promotion: { regionByRegion: true }`). One repository, sequential scenarios.
 */
import { readReleases, TRAILER } from '../../lib/release';
import { CommandResult, TempRepo } from '../support/repo';

jest.setTimeout(120_000);

const FILE = 'envs/releases.ts';
const STATUS = '.argocd-status.json';
const ENV = { GITHUB_ACTOR: '' };
const SNAP = '1.3.0-SNAPSHOT-7d2a1b4'; // what dev runs in the example, promoted to staging below
const DIGEST = 'sha256:46a2d457588577c9fab2f9b4272f22879ca1c09c456d9fb17aa49b7465eb6ef0';
const PROD_BEFORE = 'ghcr.io/acme/echo:v1.2.0@sha256:44b5284b4254e4268cee826c30f86642ddd59e444edf4e225882820221963fe4';
const STAGED_AT = '2025-03-04T05:00:00Z';
const after = (minutes: number) => new Date(Date.parse(STAGED_AT) + minutes * 60_000);
const PROMOTE = ['promote', 'echo', '--from', 'staging', '--to', 'prod', '--tag', 'v1.3.0'];

let repo: TempRepo;
let init: string;
let staged: string;

function git(...args: string[]): string {
  const r = repo.run('git', args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

const release = (args: readonly string[], opts: { now?: Date } = {}): Promise<CommandResult> =>
  repo.cli('release', args, { env: ENV, now: opts.now ?? after(120) });

function expectCode(r: CommandResult, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}

/** An Application as `argocd app get <name> -o json` prints it (the fields the gate reads, and some it ignores). */
function application(name: string, s: { health?: string; message?: string; sync?: string; revision?: string; phase?: string }) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'staging', source: { repoURL: 'https://github.com/acme/gitops.git', path: `dist/apps/${name}`, targetRevision: 'main' } },
    status: {
      sync: { status: s.sync ?? 'Synced', revision: s.revision ?? staged, comparedTo: { source: { targetRevision: 'main' } } },
      health: { status: s.health ?? 'Healthy', ...(s.message ? { message: s.message } : {}) },
      operationState: { phase: s.phase ?? 'Succeeded', syncResult: { revision: s.revision ?? staged } },
      summary: { images: [`ghcr.io/acme/echo:${SNAP}@${DIGEST}`] },
    },
  };
}

/** Writes the status file: an array of Applications, as `argocd app list -o json` prints them. */
function status(...apps: object[]): string {
  const text = `${JSON.stringify(apps, null, 2)}\n`;
  repo.write(STATUS, text);
  return text;
}
const bookShop = () => application('staging-us-east-1-book-shop', {});

/** 1-based line of the first line of `text` containing `needle` (after the first line containing `after`). */
function lineOf(text: string, needle: string, after = ''): number {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i >= start && l.includes(needle)) + 1;
}
/** `envs/releases.ts:<line>` of an entry of the pristine file (prod's and staging's entries keep their lines here). */
const at = (env: string, app = 'echo') => `${FILE}:${lineOf(repo.read(FILE), `    ${env}: {`, `  ${app}: {`)}`;
const releases = () => readReleases(repo.read(FILE), FILE);
const imageOf = (region: string) => /^\s+image: (\S+)$/m.exec(repo.read(`dist/apps/prod/${region}/echo/echo.yaml`))?.[1];
const state = () => ({ releases: repo.read(FILE), dist: [...repo.snapshotTree().entries()].join('\n'), head: git('rev-parse', 'HEAD') });

/** A refusal: exit 1, one line on stderr starting with `error: <start>`, nothing changed or committed. */
async function refused(args: readonly string[], start: string, opts: { now?: Date } = {}): Promise<string> {
  const before = state();
  const r = await release(args, opts);
  expectCode(r, 1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith(`error: ${start}`)).toBe(true);
  expect(state()).toEqual(before);
  return lines[0];
}

beforeAll(async () => {
  repo = new TempRepo();
  repo.write('.gitignore', `node_modules\n/${STATUS}\n`);
  // The plan's settings: promotions out of staging need healthy Applications and an hour; prod goes region by region.
  repo.edit('envs/staging.ts', '  sync: { automated: false },\n', "  sync: { automated: false },\n  promotion: { requireHealthy: true, soak: '1h' },\n");
  repo.edit('envs/prod.ts', '  sync: { automated: false },\n', '  sync: { automated: false },\n  promotion: { regionByRegion: true },\n');
  for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 'Release Tester'], ['config', 'user.email', 'tester@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) git(...args);
  init = git('rev-parse', 'HEAD');
  // dev's image reaches staging (dev has no gate) in a commit made at STAGED_AT (git's own date variables,
  // given to this one commit only).
  expectCode(await release(['promote', 'echo', '--from', 'dev', '--to', 'staging']), 0);
  const r = repo.run('git', ['commit', '-qam', 'release(echo): promote dev -> staging'], { GIT_COMMITTER_DATE: STAGED_AT, GIT_AUTHOR_DATE: STAGED_AT });
  if (r.code !== 0) throw new Error(r.stderr);
  staged = git('rev-parse', 'HEAD');
});

afterAll(() => repo?.cleanup());

describe('the promotion gate of staging (requireHealthy, soak 1h)', () => {
  test('no status file: refused, saying how to write one', async () => {
    const line = await refused(PROMOTE, `${STATUS}: no Argo CD status file: promoting out of staging needs staging-us-east-1-echo Healthy and Synced (promotion.requireHealthy in envs/staging.ts)`);
    expect(line).toContain(`write it with \`argocd app get staging-us-east-1-echo -o json > ${STATUS}\` (or give --status FILE), or override with --force --reason "..."`);
  });

  test('the Application is missing from the file: refused, naming what the file has', async () => {
    status(bookShop());
    await refused(PROMOTE, `${STATUS}: staging-us-east-1-echo: no Application staging-us-east-1-echo in the status file (it has staging-us-east-1-book-shop); add \`argocd app get staging-us-east-1-echo -o json\` to it`);
  });

  test('Degraded: refused at the line of its health', async () => {
    const text = status(bookShop(), application('staging-us-east-1-echo', { health: 'Degraded', message: 'Deployment echo: progress deadline exceeded' }));
    const line = await refused(PROMOTE, `${STATUS}:${lineOf(text, '"Degraded"')}: staging-us-east-1-echo.status.health.status: Degraded (Deployment echo: progress deadline exceeded), not Healthy; `
      + `promoting out of staging needs staging-us-east-1-echo Healthy and Synced at echo ${SNAP} (sha256:46a2d4575885…) (promotion.requireHealthy in envs/staging.ts)`);
    expect(line).toContain('fix it or wait until it is Healthy, then refresh the status file, or override with --force --reason "..."');
  });

  test('Progressing while a sync runs: refused', async () => {
    status(application('staging-us-east-1-echo', { health: 'Progressing' }));
    await refused(PROMOTE, `${STATUS}:`, {});
  });

  test('the last sync failed (its PostSync smoke test), though Healthy and Synced: refused at the line of its phase', async () => {
    const text = status(application('staging-us-east-1-echo', { phase: 'Failed' }));
    await refused(PROMOTE, `${STATUS}:${lineOf(text, '"Failed"')}: staging-us-east-1-echo.status.operationState.phase: Failed: the last sync failed (an apply, or a hook such as the smoke test)`)
      .then((l) => expect(l).toContain('read its message in Argo CD, fix it and sync again, then refresh the status file'));
  });

  test('OutOfSync: refused, saying to sync', async () => {
    const text = status(application('staging-us-east-1-echo', { sync: 'OutOfSync' }));
    await refused(PROMOTE, `${STATUS}:${lineOf(text, '"OutOfSync"')}: staging-us-east-1-echo.status.sync.status: OutOfSync, not Synced: it does not run what git says`)
      .then((l) => expect(l).toContain('sync it in Argo CD, then refresh the status file'));
  });

  test('Healthy and Synced, but at a commit where staging ran another image: refused (wrong revision)', async () => {
    const text = status(application('staging-us-east-1-echo', { revision: init }));
    const line = await refused(PROMOTE, `${STATUS}:${lineOf(text, `"revision": "${init}"`)}: staging-us-east-1-echo.status.sync.revision: ${init.slice(0, 7)}, where envs/releases.ts gives echo staging/us-east-1 1.2.0-SNAPSHOT-3c9e0f2 (sha256:c870ca8f82d6…): it does not run the promoted image yet`);
    expect(line).toContain(`Healthy and Synced at echo ${SNAP} (sha256:46a2d4575885…)`);
    status(application('staging-us-east-1-echo', { revision: 'f'.repeat(40) }));
    await refused(PROMOTE, `${STATUS}:`).then((l) => expect(l).toContain(`${'f'.repeat(7)} is not a commit of this repository`));
  });

  test('healthy, but staging got the image 20 minutes ago: refused until the soak is over, saying how long is left', async () => {
    status(bookShop(), application('staging-us-east-1-echo', {}));
    const line = await refused(PROMOTE, `${at('staging')}: echo.staging: staging soaks images 1h before they are promoted out of it (promotion.soak in envs/staging.ts)`, { now: after(20) });
    expect(line).toContain(`echo staging has run ${SNAP} (sha256:46a2d4575885…) since ${staged.slice(0, 7)} (${STAGED_AT}), 20m; 40m left: promote after 2025-03-04T06:00:00Z`);
  });

  test('--force needs a reason; --force --reason overrides and the commit records it as Gate-Override-Reason', async () => {
    await refused([...PROMOTE, '--force'], `${at('staging')}: echo.staging: --force overrides the promotion gate only with --reason "..." (why; recorded in the commit as Gate-Override-Reason); `
      + 'the gate says: staging soaks images 1h', { now: after(20) });
    const r = await release([...PROMOTE, '--force', '--reason', 'INC-42: fix must ship now', '--commit'], { now: after(20) });
    expectCode(r, 0);
    expect(r.stdout).toContain('echo staging: promotion gate overridden (--force: INC-42: fix must ship now)');
    const trailer = git('log', '-1', `--format=%(trailers:key=${TRAILER.gateOverrideReason},valueonly)`).trim();
    git('reset', '-q', '--hard', 'HEAD~1'); // undone: the scenario goes on through the gate
    expect(trailer).toBe('INC-42: fix must ship now');
  });
});

describe('prod rolls out region by region (us-east-1, then eu-west-1)', () => {
  test('healthy and soaked: the first region gets the image; the notes say what is next', async () => {
    status(bookShop(), application('staging-us-east-1-echo', {}));
    const r = await release([...PROMOTE, '--commit']);
    expectCode(r, 0);
    expect(r.stdout).toContain(`echo staging: staging-us-east-1-echo Healthy and Synced at ${staged.slice(0, 7)}`);
    expect(r.stdout).toContain(`echo staging: ${SNAP} (sha256:46a2d4575885…) since ${staged.slice(0, 7)} (${STAGED_AT}), 2h (soak 1h)`);
    expect(r.stdout).toContain('echo prod/us-east-1: v1.2.0 -> v1.3.0');
    expect(r.stdout).toContain('echo prod: rolling out v1.3.0 region by region (us-east-1, eu-west-1): us-east-1 runs it, eu-west-1 next (now v1.2.0); '
      + 'continue with: npm run release -- promote echo --from staging --to prod --tag v1.3.0 --next-region');
    expect(releases().echo?.prod).toEqual({ tag: 'v1.2.0', digest: PROD_BEFORE.split('@')[1], regions: { 'us-east-1': { tag: 'v1.3.0', digest: DIGEST } } });
    expect(imageOf('us-east-1')).toBe(`ghcr.io/acme/echo:v1.3.0@${DIGEST}`);
    expect(imageOf('eu-west-1')).toBe(PROD_BEFORE);
    expect(git('log', '-1', '--format=%s')).toBe('release(echo): promote staging -> prod/us-east-1 v1.2.0 -> v1.3.0 [release-bot]');
  });

  test('the same command again changes nothing and points at --next-region', async () => {
    const before = state();
    const r = await release([...PROMOTE, '--commit']);
    expectCode(r, 0);
    expect(r.stdout).toContain('echo prod/us-east-1 already at v1.3.0');
    expect(r.stdout).toContain('eu-west-1 next (now v1.2.0)');
    expect(state()).toEqual(before);
  });

  test('--next-region: eu-west-1 gets it; every region runs it, so the env-level entry takes it and the region entries go', async () => {
    const r = await release([...PROMOTE, '--next-region', '--commit']);
    expectCode(r, 0);
    expect(r.stdout).toContain('echo prod/eu-west-1: v1.2.0 -> v1.3.0');
    expect(r.stdout).toContain('echo prod: every region runs v1.3.0 now: the env-level entry has it and the region entries are removed (rollout complete)');
    expect(releases().echo?.prod).toEqual({ tag: 'v1.3.0', digest: DIGEST });
    expect(repo.read(FILE)).toContain(`    prod: { tag: 'v1.3.0', digest: '${DIGEST}' },\n`);
    expect(imageOf('us-east-1')).toBe(`ghcr.io/acme/echo:v1.3.0@${DIGEST}`);
    expect(imageOf('eu-west-1')).toBe(`ghcr.io/acme/echo:v1.3.0@${DIGEST}`);
    expect(git('log', '-1', '--format=%s')).toBe('release(echo): promote staging -> prod/eu-west-1 v1.2.0 -> v1.3.0 [release-bot]');
    expect(git('status', '--porcelain')).toBe('');
    expectCode(await repo.cli('synth', ['--check']), 0);
  });

  test('--next-region after the rollout: nothing to do (exit 0)', async () => {
    const before = state();
    const r = await release([...PROMOTE, '--next-region']);
    expectCode(r, 0);
    expect(r.stdout).toContain('echo prod already at v1.3.0 in every region (us-east-1, eu-west-1)');
    expect(state()).toEqual(before);
  });

  test('--next-region into an env that does not roll out region by region, or with --region: refused', async () => {
    await refused(['promote', 'echo', '--from', 'dev', '--to', 'staging', '--next-region'], `${at('staging')}: echo.staging: --next-region: staging does not roll out region by region`);
    await refused([...PROMOTE, '--next-region', '--region', 'eu-west-1'], `${at('prod')}: echo.prod.regions.eu-west-1: --next-region picks the region itself`);
  });

  test('promote --help documents the gate, the status file and --next-region with examples', async () => {
    const r = await release(['promote', '--help']);
    expectCode(r, 0);
    for (const s of ['--next-region', '--status <file>', '.argocd-status.json', 'argocd app get staging-us-east-1-echo -o json', '--force --reason', 'Gate-Override-Reason', 'regionByRegion']) {
      expect(r.stdout).toContain(s);
    }
  });
});
