/**
 * Promotion follows the env order of the registry (dev, staging, prod here): the target must be
 * the env after the source, or a later one when every env in between already runs the digest;
 * `--skip-order` needs a reason, which the commit records. Inline registry: test/release/fixtures.ts.
 */
import {
  applyPromotion,
  parseCommitMessage,
  PromotionRequest,
  readReleases,
  releaseCommitMessage,
  TRAILER,
  trailerValues,
} from '../../lib/release';
import { ctx, digest, FILE, refusal, releasesText } from './fixtures';

const D1 = digest('1');
const D2 = digest('2');
const D0 = digest('0');

/** dev runs D1; staging `staging` (default: an older D2); prod v1.0.0 (D0). */
function text(staging: [string, string?] = ['1.1.0-SNAPSHOT-2222222', D2]): string {
  return releasesText({ echo: { dev: ['1.2.0-SNAPSHOT-1111111', D1], staging, prod: ['v1.0.0', D0] } });
}

const promote = (t: string, req: Partial<PromotionRequest>) => applyPromotion(t, ctx, { apps: ['echo'], from: 'dev', to: 'prod', tag: 'v1.2.0', ...req });


describe('promotion order', () => {
  test('one step forward is allowed (dev -> staging, staging -> prod)', () => {
    const staged = promote(text(), { to: 'staging', tag: undefined });
    expect(readReleases(staged.text, FILE).echo?.staging).toEqual({ tag: '1.2.0-SNAPSHOT-1111111', digest: D1 });
    expect(staged.notes).toEqual([]);
    expect(readReleases(promote(staged.text, { from: 'staging' }).text, FILE).echo?.prod).toEqual({ tag: 'v1.2.0', digest: D1 });
  });

  test('dev -> prod is refused while staging does not run the digest: the field, what is allowed, the ways out', () => {
    const err = refusal(() => promote(text(), {}));
    expect(err.code).toBe('bad-input');
    expect(err.field).toBe('echo.prod');
    expect(err.message).toBe(
      'envs/releases.ts: echo.prod: promote to prod must come from staging (the env before it in envs/index.ts), not dev; ' +
        'staging does not run sha256:111111111111… yet; use --from staging, or --skip-order --reason "..."',
    );
    // Nothing without a digest can be shown to run in between.
    const noDigest = releasesText({ echo: { dev: ['1.2.0-SNAPSHOT-1111111'], staging: ['1.1.0-SNAPSHOT-2222222', D2], prod: ['v1.0.0', D0] } });
    expect(refusal(() => promote(noDigest, { tag: undefined })).message).toContain('echo dev (1.2.0-SNAPSHOT-1111111) has no digest, so staging cannot be shown to run it');
  });

  test('dev -> prod is allowed when staging already runs the digest (its env-level entry, or all its region entries)', () => {
    const r = promote(text(['1.2.0-SNAPSHOT-1111111', D1]), {});
    expect(readReleases(r.text, FILE).echo?.prod).toEqual({ tag: 'v1.2.0', digest: D1 });
    expect(r.notes).toEqual(['echo prod: promoted from dev; staging already runs sha256:111111111111…']);

    const regional = text().replace(
      `staging: { tag: '1.1.0-SNAPSHOT-2222222', digest: '${D2}' },`,
      `staging: { regions: { 'us-east-1': { tag: '1.2.0-SNAPSHOT-1111111', digest: '${D1}' }, 'eu-west-1': { tag: '1.2.0-SNAPSHOT-1111111', digest: '${D1}' } } },`,
    );
    expect(readReleases(promote(regional, {}).text, FILE).echo?.prod?.digest).toBe(D1);
    // One region of staging on it is not enough.
    const canary = regional.replace(`'eu-west-1': { tag: '1.2.0-SNAPSHOT-1111111', digest: '${D1}' }`, `'eu-west-1': { tag: '1.1.0-SNAPSHOT-2222222', digest: '${D2}' }`);
    expect(refusal(() => promote(canary, {})).message).toContain('staging does not run sha256:111111111111… yet');
  });

  test('backwards, and into the first env, is refused', () => {
    expect(refusal(() => promote(text(), { from: 'prod', to: 'staging', tag: undefined })).message).toBe(
      'envs/releases.ts: echo.staging: promote to staging must come from dev (the env before it in envs/index.ts), not prod; promotions go forward; use --from dev, or --skip-order --reason "..."',
    );
    expect(refusal(() => promote(text(), { from: 'staging', to: 'dev', tag: undefined })).message).toContain(
      'dev is the first env in envs/index.ts: it gets images by bump, not by promotion (not from staging); use bump, or --skip-order',
    );
  });

  test('--skip-order needs --reason (bad input); --reason alone is refused too', () => {
    for (const reason of [undefined, '', '  ']) {
      const err = refusal(() => promote(text(), { skipOrder: true, ...(reason !== undefined ? { reason } : {}) }));
      expect(err.code).toBe('bad-input');
      expect(err.message).toBe('envs/releases.ts: echo.prod: --skip-order needs --reason "..." (why this promotion leaves the env order; it is recorded in the commit)');
    }
    expect(refusal(() => promote(text(['1.2.0-SNAPSHOT-1111111', D1]), { reason: 'why not' })).message).toContain('--reason goes with --skip-order');
  });

  test('--skip-order --reason promotes out of order, notes it, and the commit records the reason as a trailer', () => {
    const r = promote(text(), { skipOrder: true, reason: 'hotfix for INC-42,\napproved by the on-call lead' });
    expect(readReleases(r.text, FILE).echo?.prod).toEqual({ tag: 'v1.2.0', digest: D1 });
    expect(r.notes).toEqual(['echo prod: env order skipped (from dev): hotfix for INC-42, approved by the on-call lead']);
    expect(r.skippedOrder).toBe('hotfix for INC-42, approved by the on-call lead');
    // In order anyway: nothing was skipped, nothing to record.
    expect(promote(text(), { to: 'staging', tag: undefined, skipOrder: true, reason: 'habit' }).skippedOrder).toBeUndefined();
    const message = releaseCommitMessage('promote', r.changes, { by: 'alice', skipOrderReason: r.skippedOrder });
    const { trailers } = parseCommitMessage(message);
    expect(trailerValues(trailers, TRAILER.skipOrderReason)).toEqual(['hotfix for INC-42, approved by the on-call lead']);
    expect(trailerValues(trailers, TRAILER.promotedFrom)).toEqual(['dev']);
  });
});
