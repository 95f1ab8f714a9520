/**
 * The promotion gate (lib/release/gate.ts) as a pure function of its evidence: the status file
 * (argocd-status.ts), releases.ts at the Applications' revisions, the history with commit times, and
 * the clock. Inline registry: staging (two regions) gates promotions out of it with requireHealthy and
 * a soak of 1h. The CLI end to end (real git, files): test/cli/release-gate.test.ts.
 */
import { registerEnvironments, TagPatterns } from '../../lib/model';
import { applyPromotion, GateEvidence, PromotionRequest, readReleases, readStatusFile, ReleaseContext } from '../../lib/release';
import { jsonLines } from '../../lib/release/json-lines';
import { apps, digest, env, FILE, History, NOW, refusal, releasesText } from './fixtures';

const envs = registerEnvironments(
  env('dev', ['us-east-1'], [TagPatterns.gitSha, TagPatterns.snapshot]),
  env('staging', ['us-east-1', 'eu-west-1'], [TagPatterns.gitSha, TagPatterns.snapshot], false, { requireHealthy: true, soak: '1h' }),
  env('prod', ['us-east-1', 'eu-west-1'], [TagPatterns.release], true),
);
const ctx: ReleaseContext = { apps, envs, file: FILE, envsFile: 'envs/index.ts' };
const STATUS = '.argocd-status.json';
const D1 = digest('1');
const D2 = digest('2');
const SNAP = '1.2.0-SNAPSHOT-1111111';
const OLD: [string, string] = ['1.1.0-SNAPSHOT-2222222', D2];
const BEFORE = releasesText({ echo: { dev: [SNAP, D1], staging: OLD, prod: ['v1.0.0', digest('0')] } });
const STAGED = releasesText({ echo: { dev: [SNAP, D1], staging: [SNAP, D1], prod: ['v1.0.0', digest('0')] } });
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** releases.ts history: BEFORE, then `staged` committed `ago` minutes before NOW. */
function history(staged = STAGED, ago = 120): History {
  const h = new History();
  h.commit(BEFORE, 'init', seconds(NOW) - 86_400);
  h.commit(staged, 'release(echo): promote dev -> staging', seconds(NOW) - ago * 60);
  return h;
}

function application(name: string, s: { health?: string; sync?: string; revision?: string; phase?: string } = {}) {
  return {
    metadata: { name, namespace: 'argocd' },
    status: { sync: { status: s.sync ?? 'Synced', revision: s.revision }, health: { status: s.health ?? 'Healthy' }, ...(s.phase ? { operationState: { phase: s.phase } } : {}) },
  };
}

/** Evidence from memory: the Applications (undefined: no file), the history, releases.ts by commit. */
function evidence(applications: object[] | undefined, h: History = history()): GateEvidence {
  const text = applications && `${JSON.stringify(applications, null, 2)}\n`;
  return {
    statusFile: STATUS,
    status: () => (text === undefined ? undefined : readStatusFile(text, STATUS)),
    releasesAt: (commit) => h.versions.find((v) => v.commit === commit)?.text,
    history: () => h.versions,
    now: NOW,
  };
}

const staged = () => history().versions[0].commit;
const healthy = (...regions: string[]) => regions.map((r) => application(`staging-${r}-echo`, { revision: staged() }));
const promote = (text: string, gate: GateEvidence | undefined, req: Partial<PromotionRequest> = {}) =>
  applyPromotion(text, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'v1.2.0', ...(gate ? { gate } : {}), ...req });

describe('the gate of staging', () => {
  test('every region Healthy and Synced at a commit giving it the image, soaked 2h of 1h: promoted, the notes say why', () => {
    const r = promote(STAGED, evidence(healthy('us-east-1', 'eu-west-1')));
    expect(readReleases(r.text, FILE).echo?.prod).toEqual({ tag: 'v1.2.0', digest: D1 });
    const sha = staged().slice(0, 7);
    expect(r.notes).toEqual([
      `echo staging: staging-us-east-1-echo, staging-eu-west-1-echo Healthy and Synced at ${sha} (runs ${SNAP} (sha256:111111111111…))`,
      `echo staging: ${SNAP} (sha256:111111111111…) since ${sha} (2025-03-04T03:06:07Z), 2h (soak 1h)`,
    ]);
  });

  test('one region missing from the status file is enough to refuse', () => {
    const e = refusal(() => promote(STAGED, evidence(healthy('us-east-1'))), 'gated');
    expect(e.message).toMatch(/^\.argocd-status\.json: staging-eu-west-1-echo: no Application staging-eu-west-1-echo in the status file \(it has staging-us-east-1-echo\)/);
  });

  test('a sync in progress is refused at the line of its phase', () => {
    const apps = [application('staging-us-east-1-echo', { revision: staged(), phase: 'Running' }), ...healthy('eu-west-1')];
    const e = refusal(() => promote(STAGED, evidence(apps)), 'gated');
    expect(e.field).toBe('staging-us-east-1-echo.status.operationState.phase');
    expect(e.line).toBe(jsonLines(`${JSON.stringify(apps, null, 2)}\n`)([0, 'status', 'operationState', 'phase']));
    expect(e.reason).toMatch(/^Running: a sync is in progress; promoting out of staging needs staging-us-east-1-echo Healthy and Synced at echo/);
  });

  test('a region promotion checks that region only; a region with its own other image is not asked', () => {
    expect(promote(STAGED, evidence(healthy('eu-west-1')), { region: 'eu-west-1' }).changes).toMatchObject([{ env: 'prod', region: 'eu-west-1' }]);
    // staging/eu-west-1 runs another image (its own region entry): only us-east-1 vouches for the env-level image.
    const split = STAGED.replace(`staging: { tag: '${SNAP}', digest: '${D1}' },`, `staging: { tag: '${SNAP}', digest: '${D1}', regions: { 'eu-west-1': { tag: '${OLD[0]}', digest: '${D2}' } } },`);
    const h = history(split);
    const r = promote(split, evidence([application('staging-us-east-1-echo', { revision: h.versions[0].commit })], h));
    expect(r.notes[0]).toContain('echo staging: staging-us-east-1-echo Healthy and Synced');
    // No region runs the env-level image: nothing vouches for it.
    const none = split.replace("regions: { 'eu-west-1'", `regions: { 'us-east-1': { tag: '${OLD[0]}', digest: '${D2}' }, 'eu-west-1'`);
    expect(refusal(() => promote(none, evidence([], history(none))), 'gated').message).toContain('echo staging runs 1.2.0-SNAPSHOT-1111111 (sha256:111111111111…) in none of its regions');
  });

  test('the soak counts from the commit that put the image there: uncommitted or 59 minutes is not enough', () => {
    const e = refusal(() => promote(STAGED, evidence(healthy('us-east-1', 'eu-west-1'), history(STAGED, 59))), 'gated');
    expect(e.message).toContain('echo.staging: staging soaks images 1h before they are promoted out of it');
    expect(e.message).toContain(', 59m; 1m left: promote after 2025-03-04T05:07:07Z');
    // The history has only BEFORE (the promotion to staging is not committed yet).
    const h = new History();
    h.commit(BEFORE, 'init', seconds(NOW) - 86_400);
    const apps = [application('staging-us-east-1-echo', { revision: h.versions[0].commit })];
    expect(refusal(() => promote(STAGED, evidence(apps, h), { region: 'us-east-1' }), 'gated').reason).toMatch(/where envs\/releases\.ts gives echo staging\/us-east-1 1\.1\.0-SNAPSHOT-2222222/);
  });

  test('without evidence, a gated env refuses', () => {
    expect(refusal(() => promote(STAGED, undefined), 'gated').reason).toContain('staging gates promotions out of it, but no evidence');
  });

  test('dev -> prod past staging: staging vouches for the image, so its gate applies; --skip-order leaves it out', () => {
    const e = refusal(() => promote(STAGED, evidence(undefined), { from: 'dev' }), 'gated');
    expect(e.message).toMatch(/^\.argocd-status\.json: no Argo CD status file: promoting out of staging needs staging-us-east-1-echo, staging-eu-west-1-echo Healthy and Synced/);
    const r = promote(STAGED, evidence(undefined), { from: 'dev', skipOrder: true, reason: 'hotfix INC-1' });
    expect(r.skippedOrder).toBe('hotfix INC-1');
    expect(r.gateOverridden).toBeUndefined();
  });

  test('--force needs --reason; with it the refusal becomes a note and the reason is returned for the commit', () => {
    expect(refusal(() => promote(STAGED, evidence(undefined), { force: true }), 'gated').reason).toMatch(/^--force overrides the promotion gate only with --reason/);
    const r = promote(STAGED, evidence(undefined), { force: true, reason: 'Argo CD is down, INC-9' });
    expect(r.gateOverridden).toBe('Argo CD is down, INC-9');
    expect(r.notes[0]).toMatch(/^echo staging: promotion gate overridden \(--force: Argo CD is down, INC-9\): \.argocd-status\.json: no Argo CD status file/);
    // A promotion that passes the gate records no override.
    expect(promote(STAGED, evidence(healthy('us-east-1', 'eu-west-1')), { force: true, reason: 'just in case' }).gateOverridden).toBeUndefined();
  });
});

describe('the status file', () => {
  const one = application('staging-us-east-1-echo', { revision: 'abc1234' });

  test('one Application, an array of them, or a list with items', () => {
    expect([...readStatusFile(JSON.stringify(one), STATUS).apps.keys()]).toEqual(['staging-us-east-1-echo']);
    expect(readStatusFile(JSON.stringify([one, application('x')]), STATUS).apps.get('staging-us-east-1-echo')).toMatchObject({ health: 'Healthy', sync: 'Synced', revision: 'abc1234' });
    const list = readStatusFile(JSON.stringify({ metadata: {}, items: [one] }, null, 2), STATUS);
    expect(list.apps.get('staging-us-east-1-echo')?.lineOf(['status', 'sync', 'revision'])).toBe(12); // "revision": "abc1234"
  });

  test('not JSON, or not an Application: one line naming the line and what is expected', () => {
    const broken = refusal(() => readStatusFile('[\n  {\n    "metadata": {,\n', STATUS), 'bad-input');
    expect(broken.line).toBe(3);
    expect(broken.reason).toMatch(/^not JSON \(.*\); expected an Argo CD Application as `argocd app get <name> -o json` prints it/);
    const noName = refusal(() => readStatusFile(JSON.stringify([one, { status: {} }], null, 2), STATUS), 'bad-input');
    expect(noName.message).toMatch(/^\.argocd-status\.json:17: \[1\]\.metadata\.name: no metadata\.name: not an Application/);
    const kind = refusal(() => readStatusFile(JSON.stringify({ kind: 'Deployment', metadata: { name: 'echo' } }), STATUS), 'bad-input');
    expect(kind.message).toContain('kind: kind "Deployment": not an Application');
  });
});
