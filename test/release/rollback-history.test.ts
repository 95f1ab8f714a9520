/**
 * Rollback restores the last known-good build: it walks the history of the entry and skips every
 * value an earlier rollback replaced (Rolled-Back-From trailers) or that `git revert` undid. The
 * history is built with the operations and the commit messages they produce, parsed back as
 * fileHistory does; the registry is inline (test/release/fixtures.ts).
 */
import {
  applyBumps,
  applyRollback,
  EditResult,
  parseCommitMessage,
  parseRolledBackFrom,
  readReleases,
  releaseCommitMessage,
  TRAILER,
  trailerValues,
} from '../../lib/release';
import { ctx, digest, FILE, History, NOW, refusal, releasesText } from './fixtures';

/** A history starting at echo prod v1.0.0 (digest 0), then bumps to each of `tags` (digest = the tag's minor). */
function bumped(...minors: number[]): History {
  const h = new History();
  h.commit(releasesText({ echo: { dev: ['abcdef0'], prod: ['v1.0.0', digest('0')] } }), 'init');
  for (const m of minors) bump(h, m);
  return h;
}

/** Bumps echo prod to v1.<m>.0 (digest m), over a hold if there is one, and commits it. */
function bump(h: History, m: number): string {
  const r = applyBumps(h.head, ctx, [{ app: 'echo', env: 'prod', tag: `v1.${m}.0`, digest: digest(String(m)) }], { force: true });
  return h.commit(r.text, releaseCommitMessage('bump', r.changes, { by: 'ci' }));
}

/** `release rollback echo prod` on the history's head (the result is not committed). */
function plan(h: History, to?: string): EditResult {
  return applyRollback(h.head, ctx, h.versions, { app: 'echo', env: 'prod', by: 'alice', now: NOW, ...(to !== undefined ? { to } : {}) });
}

/** `release rollback echo prod --commit`: returns the result and the rollback commit. */
function rollback(h: History, to?: string): { r: EditResult; sha: string } {
  const r = plan(h, to);
  return { r, sha: h.commit(r.text, releaseCommitMessage('rollback', r.changes, { by: 'alice' }, 'hold set on echo prod')) };
}

const prodTag = (text: string) => readReleases(text, FILE).echo?.prod?.tag;


describe('the history data rollback reads', () => {
  test('a rollback commit names each image it replaced in a Rolled-Back-From trailer, read back as data', () => {
    const message = releaseCommitMessage(
      'rollback',
      [
        { app: 'echo', env: 'prod', from: { tag: 'v1.3.0', digest: digest('3') }, to: { tag: 'v1.2.0', digest: digest('2') } },
        { app: 'echo', env: 'prod', region: 'eu-west-1', from: { tag: 'v1.4.0' }, to: { tag: 'v1.2.0', digest: digest('2') } },
      ],
      { by: 'alice', runUrl: 'https://ci.example.com/1' },
      'hold set on echo prod',
    );
    const { trailers, reverts } = parseCommitMessage(message);
    expect(reverts).toBeUndefined();
    expect(trailerValues(trailers, TRAILER.rolledBackFrom)).toEqual([`echo prod v1.3.0@${digest('3')}`, 'echo prod/eu-west-1 v1.4.0']);
    expect(trailerValues(trailers, 'released-by')).toEqual(['alice']); // keys compare case-insensitively, as git's
    expect(trailerValues(trailers, TRAILER.rolledBackFrom).map(parseRolledBackFrom)).toEqual([
      { app: 'echo', env: 'prod', image: { tag: 'v1.3.0', digest: digest('3') } },
      { app: 'echo', env: 'prod', region: 'eu-west-1', image: { tag: 'v1.4.0' } },
    ]);
  });

  test('git revert\'s line names the reverted commit; a last paragraph that is not all trailers has none', () => {
    const sha = 'ab'.repeat(20);
    expect(parseCommitMessage(`Revert "release(echo): prod v1.2.0 -> v1.3.0"\n\nThis reverts commit ${sha}.\n`)).toEqual({ trailers: [], reverts: sha });
    expect(parseCommitMessage('fix: something\n\nJust prose: not a trailer block\nsecond line\n').trailers).toEqual([]);
    expect(parseCommitMessage('Subject: only a subject\n').trailers).toEqual([]);
    expect(parseRolledBackFrom('not a trailer value')).toBeUndefined();
  });
});

describe('applyRollback: the last known-good value', () => {
  test('a second rollback goes further back instead of returning to the value just rolled away from', () => {
    const h = bumped(1, 2, 3);
    const first = rollback(h);
    expect(prodTag(first.r.text)).toBe('v1.2.0');
    expect(first.r.rollback).toMatchObject({ label: 'v1.2.0', by: 'previous', back: 1, skipped: [] });
    expect(first.r.notes[0]).toContain('1 version back');

    const second = rollback(h);
    expect(readReleases(second.r.text, FILE).echo?.prod).toMatchObject({ tag: 'v1.1.0', digest: digest('1'), hold: { reason: 'rollback to v1.1.0 from v1.2.0' } });
    expect(second.r.rollback?.skipped).toEqual([{ commit: expect.any(String), label: 'v1.3.0', why: 'rolled-back', by: first.sha }]);
    expect(second.r.notes).toContain(`skipped v1.3.0 (rolled back in ${first.sha.slice(0, 7)})`);

    expect(prodTag(rollback(h).r.text)).toBe('v1.0.0');
  });

  test('after git revert of a bump, rollback skips the reverted build', () => {
    const h = bumped(1);
    const bad = bump(h, 2);
    const revert = h.revert(bad);
    expect(prodTag(h.head)).toBe('v1.1.0');
    const r = plan(h);
    expect(prodTag(r.text)).toBe('v1.0.0');
    expect(r.rollback?.skipped).toEqual([{ commit: bad, label: 'v1.2.0', why: 'reverted', by: revert }]);
    expect(r.notes).toContain(`skipped v1.2.0 (reverted by ${revert.slice(0, 7)})`);
    // The same build under another tag is the same bad build.
    const retagged = applyBumps(h.head, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.2.1', digest: digest('2') }]);
    h.commit(retagged.text, 'bump');
    h.commit(applyBumps(h.head, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.5.0', digest: digest('5') }]).text, 'bump');
    expect(plan(h).rollback).toMatchObject({ label: 'v1.1.0', skipped: [{ label: 'v1.2.1', why: 'reverted', by: revert }] });
  });

  test('reverting a rollback withdraws what it said: the value it rolled away from counts again', () => {
    const h = bumped(1, 2, 3);
    const { sha } = rollback(h);
    h.revert(sha);
    expect(prodTag(h.head)).toBe('v1.3.0');
    expect(plan(h).rollback).toMatchObject({ label: 'v1.2.0', skipped: [] });
  });

  test('refuses when every earlier value was rolled back or reverted, saying which and why', () => {
    const h = bumped(1);
    const b2 = bump(h, 2);
    const rev = h.revert(b2);
    bump(h, 3);
    const rb = rollback(h).sha; // v1.3.0 -> v1.1.0
    const again = rollback(h).sha; // v1.1.0 -> v1.0.0
    expect(prodTag(h.head)).toBe('v1.0.0');
    const err = refusal(() => plan(h));
    expect(err.code).toBe('no-history');
    expect(err.message).toBe(
      `envs/releases.ts: echo.prod: every earlier release of echo in prod was rolled back or reverted: v1.1.0 (rolled back in ${again.slice(0, 7)}), ` +
        `v1.3.0 (rolled back in ${rb.slice(0, 7)}), v1.2.0 (reverted by ${rev.slice(0, 7)}); nothing to roll back to (--to <commit or tag> restores one anyway)`,
    );
  });
});

describe('applyRollback --to', () => {
  test('a tag the entry had restores that value (even one rolled back, with a note)', () => {
    const h = bumped(1, 2, 3);
    const r = plan(h, 'v1.1.0');
    expect(readReleases(r.text, FILE).echo?.prod).toMatchObject({ tag: 'v1.1.0', digest: digest('1') });
    expect(r.rollback).toMatchObject({ label: 'v1.1.0', by: 'tag', back: 2 });
    rollback(h); // v1.3.0 -> v1.2.0, rolled back
    const back = plan(h, 'v1.3.0');
    expect(prodTag(back.text)).toBe('v1.3.0');
    expect(back.notes.some((n) => /^restoring it although it was rolled back in [0-9a-f]{7} \(named by --to\)$/.test(n))).toBe(true);
  });

  test('a commit prefix still works; unknown, malformed and ambiguous names are refused clearly', () => {
    const h = bumped(1, 2);
    const initial = h.versions[h.versions.length - 1].commit;
    expect(prodTag(plan(h, initial.slice(0, 6)).text)).toBe('v1.0.0');
    const missing = refusal(() => plan(h, 'v9.9.9'));
    expect(missing.code).toBe('no-history');
    expect(missing.message).toContain('echo never had the tag v9.9.9 in prod (tags found: v1.2.0, v1.1.0, v1.0.0)');
    expect(refusal(() => plan(h, 'HEAD~1')).code).toBe('bad-input');
    // The same tag with two different digests: which one is meant?
    h.commit(applyBumps(h.head, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.1.0', digest: digest('9') }]).text, 'rebuild');
    bump(h, 4);
    const ambiguous = refusal(() => plan(h, 'v1.1.0'));
    expect(ambiguous.code).toBe('bad-input');
    expect(ambiguous.message).toMatch(/--to v1\.1\.0 is ambiguous: echo had it in prod with different values \(v1\.1\.0 sha256:999999999999… at [0-9a-f]{7}, v1\.1\.0 sha256:111111111111… at [0-9a-f]{7}\); give the commit with --to <sha>$/);
  });
});
