/**
 * Promotion into an env that rolls out region by region (lib/release/rollout.ts): prod here, regions
 * us-east-1 then eu-west-1 (the order of its `regions`). Inline registry (test/release/fixtures.ts);
 * the CLI end to end: test/cli/release-gate.test.ts.
 */
import { registerEnvironments, TagPatterns } from '../../lib/model';
import { applyHold, applyPromotion, PromotionRequest, readReleases, ReleaseContext, releaseCommitMessage } from '../../lib/release';
import { apps, digest, env, FILE, NOW, refusal, releasesText } from './fixtures';

const envs = registerEnvironments(
  env('dev', ['us-east-1'], [TagPatterns.gitSha, TagPatterns.snapshot]),
  env('staging', ['us-east-1', 'eu-west-1'], [TagPatterns.gitSha, TagPatterns.snapshot]),
  env('prod', ['us-east-1', 'eu-west-1'], [TagPatterns.release], true, { regionByRegion: true }),
);
const ctx: ReleaseContext = { apps, envs, file: FILE, envsFile: 'envs/index.ts' };
const D0 = digest('0');
const D1 = digest('1');
const START = releasesText({ echo: { staging: ['1.2.0-SNAPSHOT-1111111', D1], prod: ['v1.0.0', D0] } });
const NEXT = 'npm run release -- promote echo --from staging --to prod --tag v1.2.0 --next-region';

const promote = (text: string, req: Partial<PromotionRequest> = {}) => applyPromotion(text, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'v1.2.0', ...req });
const prod = (text: string) => readReleases(text, FILE).echo?.prod;

describe('region by region', () => {
  test('first region, then --next-region, then the env-level entry takes the image', () => {
    const first = promote(START);
    expect(prod(first.text)).toEqual({ tag: 'v1.0.0', digest: D0, regions: { 'us-east-1': { tag: 'v1.2.0', digest: D1 } } });
    expect(first.changes).toEqual([{ app: 'echo', env: 'prod', region: 'us-east-1', from: { tag: 'v1.0.0', digest: D0 }, to: { tag: 'v1.2.0', digest: D1 }, promotedFrom: 'staging' }]);
    expect(first.notes).toEqual([`echo prod: rolling out v1.2.0 region by region (us-east-1, eu-west-1): us-east-1 runs it, eu-west-1 next (now v1.0.0); continue with: ${NEXT}`]);
    expect(releaseCommitMessage('promote', first.changes, {}).split('\n')[0]).toBe('release(echo): promote staging -> prod/us-east-1 v1.0.0 -> v1.2.0 [release-bot]');

    // Again without --next-region: nothing moves.
    const again = promote(first.text);
    expect(again.text).toBe(first.text);
    expect(again.notes[0]).toBe('echo prod/us-east-1 already at v1.2.0');

    const last = promote(first.text, { nextRegion: true });
    expect(prod(last.text)).toEqual({ tag: 'v1.2.0', digest: D1 });
    expect(last.text).toBe(START.replace(`prod: { tag: 'v1.0.0', digest: '${D0}' }`, `prod: { tag: 'v1.2.0', digest: '${D1}' }`));
    expect(last.changes).toMatchObject([{ region: 'eu-west-1', from: { tag: 'v1.0.0' }, to: { tag: 'v1.2.0' } }]);
    expect(last.notes).toEqual(['echo prod: every region runs v1.2.0 now: the env-level entry has it and the region entries are removed (rollout complete)']);

    const done = promote(last.text, { nextRegion: true });
    expect(done.text).toBe(last.text);
    expect(done.notes).toEqual(['echo prod already at v1.2.0 in every region (us-east-1, eu-west-1)']);
  });

  test('--next-region with no rollout in progress is refused, saying how to start one', () => {
    const e = refusal(() => promote(START, { nextRegion: true }), 'bad-input');
    expect(e.message).toBe('envs/releases.ts: echo.prod: --next-region: no rollout of v1.2.0 in progress in prod (no region runs it yet); start it with the same command without --next-region (us-east-1 first)');
    expect(refusal(() => applyPromotion(START, ctx, { apps: ['echo'], from: 'dev', to: 'staging', nextRegion: true }), 'bad-input').reason).toMatch(/^--next-region: staging does not roll out region by region \(promotion\.regionByRegion in .* is not true\)/);
  });

  test('--region picks a region out of the order; the rollout completes when the other one follows', () => {
    const eu = promote(START, { region: 'eu-west-1' });
    expect(prod(eu.text)?.regions).toEqual({ 'eu-west-1': { tag: 'v1.2.0', digest: D1 } });
    expect(eu.notes[0]).toContain('eu-west-1 runs it, us-east-1 next (now v1.0.0)');
    expect(prod(promote(eu.text).text)).toEqual({ tag: 'v1.2.0', digest: D1 });
  });

  test('a canary region entry of another image is replaced in its turn; a new image starts a new rollout', () => {
    const canary = START.replace(`prod: { tag: 'v1.0.0', digest: '${D0}' }`, `prod: { tag: 'v1.0.0', digest: '${D0}', regions: { 'eu-west-1': { tag: 'v1.1.0', digest: '${digest('9')}' } } }`);
    const first = promote(canary);
    expect(prod(first.text)?.regions).toEqual({ 'us-east-1': { tag: 'v1.2.0', digest: D1 }, 'eu-west-1': { tag: 'v1.1.0', digest: digest('9') } });
    expect(first.notes[0]).toContain('eu-west-1 next (now v1.1.0)');
    expect(prod(promote(first.text, { nextRegion: true }).text)).toEqual({ tag: 'v1.2.0', digest: D1 });
  });

  test('a hold on prod stops every step (and --force passes it)', () => {
    const held = applyHold(START, ctx, { app: 'echo', env: 'prod', reason: 'incident', by: 'ops', now: NOW }).text;
    expect(refusal(() => promote(held), 'held').field).toBe('echo.prod.hold');
    const forced = promote(held, { force: true });
    expect(prod(forced.text)).toMatchObject({ tag: 'v1.0.0', regions: { 'us-east-1': { tag: 'v1.2.0' } }, hold: { reason: 'incident' } });
    // The collapse keeps the hold.
    expect(prod(promote(forced.text, { force: true, nextRegion: true }).text)).toMatchObject({ tag: 'v1.2.0', digest: D1, hold: { reason: 'incident' } });
  });
});
