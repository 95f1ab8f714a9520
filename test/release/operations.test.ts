import * as fs from 'node:fs';
import * as path from 'node:path';
import { apps } from '../fixtures/example/apps';
import { envs } from '../fixtures/example/envs';
import { EXAMPLE } from '../support/repo';
import { refusal } from './fixtures';
import {
  applyBumps,
  applyHold,
  applyPromotion,
  applyRollback,
  applyUnhold,
  formatStatusTable,
  readReleases,
  ReleaseContext,
  releaseStatus,
} from '../../lib/release';

const FILE = 'envs/releases.ts';
const ctx: ReleaseContext = { apps, envs, file: FILE };
const TEXT = fs.readFileSync(path.join(EXAMPLE, 'envs', 'releases.ts'), 'utf8');
const NOW = new Date('2025-03-04T05:06:07Z');

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const data = readReleases(TEXT, FILE);
const ECHO_DEV = data.echo!.dev!;
const ECHO_STAGING = data.echo!.staging!;
const ECHO_PROD = data.echo!.prod!;

/** 1-based numbers of the lines that differ; only for edits that keep the line count. */
function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

/** The 1-based line holding `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** Runs `fn` and returns the ReleaseError it throws (checking code and one-line message). */

describe('readReleases', () => {
  it('reads the real file', () => {
    expect(Object.keys(data)).toEqual(['echo', 'book-shop', 'incident-assistant-backend', 'incident-assistant-frontend']);
    expect(data['book-shop']!.prod!.regions!['eu-west-1']!.tag).toBe('v2.5.0');
  });

  it('refuses unparseable text naming the file and line (code unparseable)', () => {
    const broken = TEXT.replace("tag: 'a41f9c3',", "tag: 'a41f9c3' digest:");
    const err = refusal(() => readReleases(broken, FILE), 'unparseable');
    expect(err.line).toBe(lineOf(TEXT, "tag: 'a41f9c3'"));
    expect(err.message).toMatch(new RegExp(`^envs/releases\\.ts:${err.line}: `));
    // Every operation reads through readReleases.
    refusal(() => applyBumps(broken, ctx, [{ app: 'echo', env: 'dev', tag: 'abcdef1' }]), 'unparseable');
    refusal(() => releaseStatus(broken, ctx), 'unparseable');
  });

  it('refuses code in a data file (a call) naming the line and field', () => {
    const withCall = TEXT.replace("tag: 'v1.2.0',", 'tag: String(1),');
    const err = refusal(() => readReleases(withCall, FILE), 'unparseable');
    expect(err.message).toContain(`envs/releases.ts:${lineOf(TEXT, "tag: 'v1.2.0',")}: echo.prod.tag: a call is not allowed`);
  });

  it('refuses a value of the wrong shape (bad-input, naming the field)', () => {
    const wrong = TEXT.replace("tag: 'a41f9c3',", 'tag: 7,');
    // The same rule and wording as synth's check of releases.ts (lib/model/release-check.ts).
    expect(refusal(() => readReleases(wrong, FILE), 'bad-input').message).toBe('envs/releases.ts: book-shop.dev.tag: must be a non-empty string, got number 7');
    // Unknown keys are refused as synth refuses them.
    const typo = TEXT.replace("tag: 'a41f9c3',", "tga: 'a41f9c3',");
    expect(refusal(() => readReleases(typo, FILE), 'bad-input').message).toMatch(/^envs\/releases\.ts: book-shop\.dev\.tga: unknown key \(did you mean "tag"\?\)/);
  });
});

describe('applyBumps', () => {
  it('changes exactly the line of the entry, keeping everything else', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'dev', tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: D1 }]);
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, ECHO_DEV.tag!)]);
    expect(r.text).toContain(`dev: { tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: '${D1}' },`);
    expect(r.text).toContain('// canary: eu-west-1 runs the next release first');
    expect(r.changes).toEqual([{ app: 'echo', env: 'dev', from: { tag: ECHO_DEV.tag, digest: ECHO_DEV.digest }, to: { tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: D1 } }]);
    expect(r.notes).toEqual([]);
    expect(readReleases(r.text, FILE).echo!.dev).toEqual({ tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: D1 });
  });

  it('changes only the tag line of a multi-line entry', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'book-shop', env: 'prod', tag: 'v2.4.2', digest: data['book-shop']!.prod!.digest }]);
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, "tag: 'v2.4.1'")]);
    expect(r.notes).toEqual(['book-shop prod/eu-west-1 keeps its own region entry v2.5.0 (region entries win)']);
  });

  it('adds a region entry', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'prod', region: 'eu-west-1', tag: 'v1.3.0', digest: D1 }]);
    const after = readReleases(r.text, FILE).echo!.prod!;
    expect(after).toEqual({ ...ECHO_PROD, regions: { 'eu-west-1': { tag: 'v1.3.0', digest: D1 } } });
    expect(r.changes).toEqual([{ app: 'echo', env: 'prod', region: 'eu-west-1', to: { tag: 'v1.3.0', digest: D1 } }]);
    // Only echo's prod entry was touched.
    const added = r.text.split('\n').length - TEXT.split('\n').length;
    expect(r.text.split('\n').slice(lineOf(TEXT, "'book-shop': {") + added)).toEqual(TEXT.split('\n').slice(lineOf(TEXT, "'book-shop': {")));
  });

  it('changes an existing region entry in its own line', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'book-shop', env: 'prod', region: 'eu-west-1', tag: 'v2.5.1', digest: D2 }]);
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, "tag: 'v2.5.0'")]);
    expect(r.changes[0]).toMatchObject({ region: 'eu-west-1', from: { tag: 'v2.5.0' }, to: { tag: 'v2.5.1', digest: D2 } });
  });

  it('removes the old digest when the tag is set without one', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'book-shop', env: 'dev', tag: 'b52e1d4' }]);
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, "tag: 'a41f9c3'")]);
    expect(r.text).toContain("dev: { tag: 'b52e1d4' },");
    expect(readReleases(r.text, FILE)['book-shop']!.dev).toEqual({ tag: 'b52e1d4' });
    expect(r.changes[0].to).toEqual({ tag: 'b52e1d4' });
  });

  it('is idempotent: the same value is no edit and a note', () => {
    const r = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'dev', tag: ECHO_DEV.tag!, digest: ECHO_DEV.digest }]);
    expect(r.text).toBe(TEXT);
    expect(r.changes).toEqual([]);
    expect(r.notes).toEqual(['echo dev already at 1.3.0-SNAPSHOT-7d2a1b4']);
    // A second identical bump after a first one is a no-op as well.
    const once = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'dev', tag: 'abcdef1' }]);
    const twice = applyBumps(once.text, ctx, [{ app: 'echo', env: 'dev', tag: 'abcdef1' }]);
    expect(twice.text).toBe(once.text);
    expect(twice.changes).toEqual([]);
  });

  it('applies several bumps to the same text and returns every change', () => {
    const r = applyBumps(TEXT, ctx, [
      { app: 'echo', env: 'dev', tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: D1 },
      { app: 'book-shop', env: 'dev', tag: 'b52e1d4', digest: D2 },
      { app: 'incident-assistant-frontend', env: 'dev', tag: '5b4a3f2', digest: data['incident-assistant-frontend']!.dev!.digest },
      { app: 'incident-assistant-backend', env: 'staging', tag: '0.9.1-SNAPSHOT-1234567', digest: D3 },
    ]);
    expect(changedLines(TEXT, r.text)).toEqual([
      lineOf(TEXT, ECHO_DEV.tag!),
      lineOf(TEXT, "tag: 'a41f9c3'"),
      lineOf(TEXT, `staging: { tag: '0.9.0-SNAPSHOT-9e8d7c6'`),
    ]);
    expect(r.changes.map((c) => `${c.app} ${c.env} ${c.to.tag}`)).toEqual([
      'echo dev 1.4.0-SNAPSHOT-0a1b2c3',
      'book-shop dev b52e1d4',
      'incident-assistant-backend staging 0.9.1-SNAPSHOT-1234567',
    ]);
    expect(r.notes).toEqual(['incident-assistant-frontend dev already at 5b4a3f2']);
  });

  it('refuses a held app/env unless forced', () => {
    const held = applyHold(TEXT, ctx, { app: 'echo', env: 'prod', reason: 'incident 42', by: 'alice', now: NOW }).text;
    const bump = { app: 'echo', env: 'prod', tag: 'v1.3.0', digest: D1 };
    const err = refusal(() => applyBumps(held, ctx, [bump]), 'held');
    expect(err.message).toBe(
      'envs/releases.ts: echo.prod.hold: echo is held in prod: "incident 42" by alice since 2025-03-04T05:06:07.000Z; changes are refused until `release unhold echo prod` (or --force)',
    );
    // A region of a held env is held too.
    refusal(() => applyBumps(held, ctx, [{ ...bump, region: 'eu-west-1' }]), 'held');
    const forced = applyBumps(held, ctx, [bump], { force: true });
    expect(readReleases(forced.text, FILE).echo!.prod).toMatchObject({ tag: 'v1.3.0', digest: D1, hold: { reason: 'incident 42' } });
    expect(forced.notes[0]).toContain('changed anyway (--force)');
  });
});

describe('applyPromotion', () => {
  it('copies the exact tag and digest from dev to staging (build once, deploy many)', () => {
    const r = applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'dev', to: 'staging' });
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, ECHO_STAGING.tag!)]);
    expect(readReleases(r.text, FILE).echo!.staging).toEqual({ tag: ECHO_DEV.tag, digest: ECHO_DEV.digest });
    expect(r.changes).toEqual([
      { app: 'echo', env: 'staging', from: { tag: ECHO_STAGING.tag, digest: ECHO_STAGING.digest }, to: { tag: ECHO_DEV.tag, digest: ECHO_DEV.digest }, promotedFrom: 'dev' },
    ]);
    // Promoting again changes nothing.
    const again = applyPromotion(r.text, ctx, { apps: ['echo'], from: 'dev', to: 'staging' });
    expect(again.text).toBe(r.text);
    expect(again.notes).toEqual([`echo staging already at ${ECHO_DEV.tag}`]);
  });

  it('refuses a SNAPSHOT tag for prod, suggesting --tag', () => {
    const err = refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'staging', to: 'prod' }), 'bad-input');
    expect(err.field).toBe('echo.prod.tag');
    expect(err.message).toContain('envs/releases.ts: echo.prod.tag: "1.2.0-SNAPSHOT-3c9e0f2" breaks the tag policy; allowed: vX.Y.Z (prod)');
    expect(err.message).toContain('--tag vX.Y.Z');
  });

  it('with --tag keeps the digest and releases it under the new tag', () => {
    const r = applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'v1.3.0' });
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, "prod: { tag: 'v1.2.0'")]);
    expect(readReleases(r.text, FILE).echo!.prod).toEqual({ tag: 'v1.3.0', digest: ECHO_STAGING.digest });
    expect(r.changes[0]).toMatchObject({ to: { tag: 'v1.3.0', digest: ECHO_STAGING.digest }, promotedFrom: 'staging' });
  });

  it('--tag must pass the target policy and needs a digest to retag', () => {
    expect(refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: '1.3.0' }), 'bad-input').field).toBe('echo.prod.tag');
    refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'latest' }), 'bad-input');
    const noDigest = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'staging', tag: '1.3.0-SNAPSHOT-7d2a1b4' }]).text;
    const err = refusal(() => applyPromotion(noDigest, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'v1.3.0' }), 'bad-input');
    expect(err.message).toContain('has no digest');
  });

  it('refuses when prod requires a digest the source lacks', () => {
    // Seed staging only takes SHA/SNAPSHOT tags (refused by prod's policy first): use a staging that also allows vX.Y.Z.
    const stagingAllowsRelease = { ...envs, staging: { ...envs.staging, tags: { allow: [...envs.staging.tags.allow, ...envs.prod.tags.allow] } } };
    const c2: ReleaseContext = { ...ctx, envs: stagingAllowsRelease };
    const src = applyBumps(TEXT, c2, [{ app: 'echo', env: 'staging', tag: 'v1.3.0' }]).text;
    const err = refusal(() => applyPromotion(src, c2, { apps: ['echo'], from: 'staging', to: 'prod' }), 'bad-input');
    expect(err.field).toBe('echo.prod.digest');
    expect(err.message).toContain('is required in prod (its tag policy pins images by digest)');
  });

  it('refuses with no-entry when the source has no release', () => {
    const noStaging = TEXT.replace(/\n    staging: \{ tag: '1\.2\.0-SNAPSHOT-3c9e0f2'[^\n]*/, '');
    const err = refusal(() => applyPromotion(noStaging, ctx, { apps: ['echo'], from: 'staging', to: 'prod', tag: 'v1.3.0' }), 'no-entry');
    expect(err.message).toBe('envs/releases.ts: echo.staging: echo has no release in staging, nothing to promote; released in: dev, prod');
    // An env with region entries only points at --region.
    const regional = refusal(() => applyPromotion(TEXT, ctx, { apps: ['incident-assistant-backend'], from: 'prod', to: 'staging' }), 'no-entry');
    expect(regional.message).toContain('promote with --region');
  });

  it('promotes several apps in one call', () => {
    const r = applyPromotion(TEXT, ctx, { apps: ['echo', 'book-shop', 'incident-assistant-backend'], from: 'dev', to: 'staging' });
    expect(r.changes.map((c) => c.app)).toEqual(['echo', 'book-shop']);
    expect(r.notes).toEqual(['incident-assistant-backend staging already at 0.9.0-SNAPSHOT-9e8d7c6']);
    const after = readReleases(r.text, FILE);
    for (const app of ['echo', 'book-shop'] as const) expect(after[app]!.staging).toEqual(data[app]!.dev);
    expect(changedLines(TEXT, r.text)).toHaveLength(2);
  });

  it('promotes one region: the target region entry gets the source image', () => {
    const r = applyPromotion(TEXT, ctx, { apps: ['book-shop'], from: 'staging', to: 'prod', region: 'eu-west-1', tag: 'v2.6.0' });
    expect(changedLines(TEXT, r.text)).toEqual([lineOf(TEXT, "tag: 'v2.5.0'")]);
    expect(readReleases(r.text, FILE)['book-shop']!.prod!.regions!['eu-west-1']).toEqual({ tag: 'v2.6.0', digest: data['book-shop']!.staging!.digest });
    expect(r.changes[0]).toMatchObject({ region: 'eu-west-1', promotedFrom: 'staging' });
    expect(r.notes).toEqual(['staging has no region eu-west-1: its env-level entries are promoted']);
  });

  it('refuses a held target unless forced', () => {
    const held = applyHold(TEXT, ctx, { app: 'echo', env: 'staging', reason: 'qa run', by: 'bob', now: NOW }).text;
    refusal(() => applyPromotion(held, ctx, { apps: ['echo'], from: 'dev', to: 'staging' }), 'held');
    expect(applyPromotion(held, ctx, { apps: ['echo'], from: 'dev', to: 'staging', force: true }).changes).toHaveLength(1);
  });

  it('refuses bad names and a promotion to the same env', () => {
    expect(refusal(() => applyPromotion(TEXT, ctx, { apps: ['ecko'], from: 'dev', to: 'staging' }), 'bad-input').message).toContain('did you mean "echo"?');
    expect(refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'dev', to: 'stagin' }), 'bad-input').message).toContain('did you mean "staging"?');
    expect(refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'dev', to: 'prod', region: 'eu-west-2', tag: 'v1.3.0' }), 'bad-input').message).toBe(
      'envs/releases.ts: echo.prod.regions.eu-west-2: unknown region "eu-west-2" of prod (did you mean "eu-west-1"?) (allowed: us-east-1, eu-west-1)',
    );
    refusal(() => applyPromotion(TEXT, ctx, { apps: ['echo'], from: 'dev', to: 'dev' }), 'bad-input');
    refusal(() => applyPromotion(TEXT, ctx, { apps: [], from: 'dev', to: 'staging' }), 'bad-input');
  });
});

describe('applyRollback', () => {
  // Synthetic history, built with the operations themselves: v1.2.0 (TEXT) -> v1.2.1 -> v1.3.0 (current).
  const v121 = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.2.1', digest: D1 }]).text;
  const unrelated = applyBumps(v121, ctx, [{ app: 'book-shop', env: 'dev', tag: 'c0ffee1' }]).text;
  const current = applyBumps(unrelated, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.3.0', digest: D2 }]).text;
  const history = [
    { commit: 'cccccccccccccccccccccccccccccccccccccccc', text: unrelated },
    { commit: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', text: v121 },
    { commit: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', text: TEXT },
  ];

  it('restores the previous different value and sets a hold', () => {
    const r = applyRollback(current, ctx, history, { app: 'echo', env: 'prod', by: 'alice', now: NOW });
    const after = readReleases(r.text, FILE);
    expect(after.echo!.prod).toEqual({ tag: 'v1.2.1', digest: D1, hold: { reason: 'rollback to v1.2.1 from v1.3.0', by: 'alice', since: '2025-03-04T05:06:07.000Z' } });
    // Nothing else changed.
    expect({ ...after, echo: { ...after.echo, prod: undefined } }).toEqual({ ...readReleases(current, FILE), echo: { ...readReleases(current, FILE).echo, prod: undefined } });
    expect(r.changes).toEqual([{ app: 'echo', env: 'prod', from: { tag: 'v1.3.0', digest: D2 }, to: { tag: 'v1.2.1', digest: D1 } }]);
    expect(r.notes[0]).toContain('commit ccccccc');
    // The hold makes the next automatic bump refuse.
    refusal(() => applyBumps(r.text, ctx, [{ app: 'echo', env: 'prod', tag: 'v1.3.0', digest: D2 }]), 'held');
  });

  it('restores regions too (the whole env entry but the hold)', () => {
    const canary = applyBumps(TEXT, ctx, [{ app: 'echo', env: 'prod', region: 'eu-west-1', tag: 'v1.3.0', digest: D1 }]).text;
    const r = applyRollback(canary, ctx, [{ commit: 'abcdef0123', text: TEXT }], { app: 'echo', env: 'prod', by: 'bob', now: NOW });
    expect(readReleases(r.text, FILE).echo!.prod).toEqual({ tag: ECHO_PROD.tag, digest: ECHO_PROD.digest, hold: expect.objectContaining({ reason: 'rollback to v1.2.0 from v1.2.0 (eu-west-1: v1.3.0)' }) });
    expect(r.changes).toEqual([{ app: 'echo', env: 'prod', region: 'eu-west-1', from: { tag: 'v1.3.0', digest: D1 }, to: { tag: ECHO_PROD.tag, digest: ECHO_PROD.digest } }]);
  });

  it('--to restores the value at that commit', () => {
    const r = applyRollback(current, ctx, history, { app: 'echo', env: 'prod', to: 'aaaa', by: 'alice', now: NOW });
    expect(readReleases(r.text, FILE).echo!.prod).toMatchObject({ tag: 'v1.2.0', digest: ECHO_PROD.digest, hold: { reason: 'rollback to v1.2.0 from v1.3.0' } });
    expect(refusal(() => applyRollback(current, ctx, history, { app: 'echo', env: 'prod', to: 'dddd', by: 'a', now: NOW }), 'no-history').message).toContain('no commit dddd');
    refusal(() => applyRollback(current, ctx, history, { app: 'echo', env: 'prod', to: 'HEAD~1', by: 'a', now: NOW }), 'bad-input');
    // A commit where the value equals the current one: nothing to do.
    const same = applyRollback(current, ctx, [{ commit: 'eeee1111', text: current }], { app: 'echo', env: 'prod', to: 'eeee', by: 'a', now: NOW });
    expect(same.text).toBe(current);
  });

  it('refuses with no-history when no earlier version differs', () => {
    const err = refusal(() => applyRollback(TEXT, ctx, [], { app: 'echo', env: 'prod', by: 'a', now: NOW }), 'no-history');
    expect(err.message).toBe('envs/releases.ts: echo.prod: no earlier version of envs/releases.ts (0 searched) has another release of echo in prod; nothing to roll back to');
    refusal(() => applyRollback(current, ctx, [{ commit: 'c1', text: current }], { app: 'echo', env: 'prod', by: 'a', now: NOW }), 'no-history');
    // The previous version had no release there: nothing to restore.
    const noDev = TEXT.replace(/\n    dev: \{ tag: '5b4a3f2'[^\n]*/, '');
    refusal(() => applyRollback(TEXT, ctx, [{ commit: 'f00d', text: noDev }], { app: 'incident-assistant-frontend', env: 'dev', by: 'a', now: NOW }), 'no-history');
  });

  it('refuses a restored value that today\'s policy rejects', () => {
    const old = TEXT.replace("prod: { tag: 'v1.2.0'", "prod: { tag: '1.2.0'");
    const err = refusal(() => applyRollback(TEXT, ctx, [{ commit: '0123456789', text: old }], { app: 'echo', env: 'prod', by: 'a', now: NOW }), 'bad-input');
    expect(err.message).toContain('echo.prod.tag: "1.2.0" breaks the tag policy; allowed: vX.Y.Z (prod) (the value at commit 0123456)');
  });
});

describe('applyHold / applyUnhold', () => {
  it('sets and removes a hold', () => {
    const held = applyHold(TEXT, ctx, { app: 'book-shop', env: 'prod', reason: 'freeze for Black Friday', by: 'carol', now: NOW });
    expect(held.changes).toEqual([]);
    expect(readReleases(held.text, FILE)['book-shop']!.prod!.hold).toEqual({ reason: 'freeze for Black Friday', by: 'carol', since: '2025-03-04T05:06:07.000Z' });
    expect(held.text).toContain('// canary: eu-west-1 runs the next release first');
    // Holding again with the same reason is a no-op.
    expect(applyHold(held.text, ctx, { app: 'book-shop', env: 'prod', reason: 'freeze for Black Friday', by: 'dave', now: NOW }).text).toBe(held.text);
    const unheld = applyUnhold(held.text, ctx, { app: 'book-shop', env: 'prod' });
    expect(unheld.text).toBe(TEXT);
    expect(unheld.notes).toEqual(['book-shop prod unheld (was: "freeze for Black Friday")']);
  });

  it('unhold of a non-held entry is a no-op note', () => {
    const r = applyUnhold(TEXT, ctx, { app: 'echo', env: 'dev' });
    expect(r).toEqual({ text: TEXT, changes: [], notes: ['echo dev is not held'] });
  });

  it('holds an env where the app is not released yet, and unhold removes the empty entry', () => {
    const held = applyHold(TEXT, ctx, { app: 'incident-assistant-backend', env: 'staging', reason: 'x', by: 'a', now: NOW });
    expect(readReleases(held.text, FILE)['incident-assistant-backend']!.staging!.hold!.reason).toBe('x');
    const noEntry = TEXT.replace(/\n    dev: \{ tag: '5b4a3f2'[^\n]*/, '');
    const h2 = applyHold(noEntry, ctx, { app: 'incident-assistant-frontend', env: 'dev', reason: 'not yet', by: 'a', now: NOW });
    expect(readReleases(h2.text, FILE)['incident-assistant-frontend']!.dev).toEqual({ hold: { reason: 'not yet', by: 'a', since: '2025-03-04T05:06:07.000Z' } });
    expect(applyUnhold(h2.text, ctx, { app: 'incident-assistant-frontend', env: 'dev' }).text).toBe(noEntry);
  });

  it('refuses bad names and an empty reason', () => {
    refusal(() => applyHold(TEXT, ctx, { app: 'echo', env: 'prd', reason: 'x', by: 'a', now: NOW }), 'bad-input');
    expect(refusal(() => applyHold(TEXT, ctx, { app: 'echo', env: 'prod', reason: ' ', by: 'a', now: NOW }), 'bad-input').field).toBe('echo.prod.hold.reason');
    refusal(() => applyUnhold(TEXT, ctx, { app: 'nope', env: 'prod' }), 'bad-input');
  });
});

describe('releaseStatus / formatStatusTable', () => {
  it('lists every app x env x region in registry order', () => {
    const held = applyHold(TEXT, ctx, { app: 'echo', env: 'prod', reason: 'incident 42', by: 'alice', now: NOW }).text;
    const rows = releaseStatus(held, ctx);
    const regions = Object.values(envs).reduce((n, e) => n + e.regionNames.length, 0);
    expect(rows).toHaveLength(Object.keys(apps).length * regions);
    expect(rows.map((r) => `${r.app}/${r.env}/${r.region}`).slice(0, 4)).toEqual(['echo/dev/us-east-1', 'echo/staging/us-east-1', 'echo/prod/us-east-1', 'echo/prod/eu-west-1']);
    expect(rows.find((r) => r.app === 'book-shop' && r.env === 'prod' && r.region === 'eu-west-1')).toEqual({
      app: 'book-shop',
      env: 'prod',
      region: 'eu-west-1',
      tag: 'v2.5.0',
      digest: data['book-shop']!.prod!.regions!['eu-west-1']!.digest,
      released: true,
    });
    expect(rows.find((r) => r.app === 'incident-assistant-backend' && r.env === 'prod' && r.region === 'eu-west-1')).toEqual({
      app: 'incident-assistant-backend',
      env: 'prod',
      region: 'eu-west-1',
      released: false,
    });
    expect(rows.filter((r) => r.held).map((r) => `${r.app}/${r.env}/${r.region}`)).toEqual(['echo/prod/us-east-1', 'echo/prod/eu-west-1']);

    const table = formatStatusTable(rows);
    const lines = table.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[0]).toMatch(/^APP +ENV +REGION +TAG +DIGEST +HELD$/);
    // Columns are aligned: every column starts at the same offset on every line.
    const digestCol = lines[0].indexOf('DIGEST');
    for (const l of lines.slice(1)) expect(l[digestCol - 1]).toBe(' ');
    expect(lines.find((l) => l.startsWith('echo ') && l.includes(' prod ') && l.includes('us-east-1'))).toMatch(
      /v1\.2\.0 +44b5284b4254 +incident 42 \(alice, 2025-03-04\)$/,
    );
    expect(lines.find((l) => l.startsWith('incident-assistant-backend') && l.includes('eu-west-1'))).toMatch(/ -  +-  +-$/);
    for (const l of lines) expect(l).toBe(l.trimEnd());
  });
});

describe('bad input', () => {
  const bump = (b: Partial<{ app: string; env: string; region: string; tag: string; digest: string }>) =>
    applyBumps(TEXT, ctx, [{ app: 'echo', env: 'dev', tag: 'abcdef1', ...b }]);

  it('unknown app, env and region with did-you-mean', () => {
    expect(refusal(() => bump({ app: 'book-shopp' }), 'bad-input').message).toBe(
      'envs/releases.ts: book-shopp: unknown app "book-shopp" (did you mean "book-shop"?); registered apps: echo, book-shop, incident-assistant-backend, incident-assistant-frontend',
    );
    expect(refusal(() => bump({ env: 'prdo' }), 'bad-input').message).toBe('envs/releases.ts: echo.prdo: unknown environment "prdo" (did you mean "prod"?); allowed: dev, staging, prod');
    expect(refusal(() => bump({ env: 'prod', region: 'eu-west-2', tag: 'v1.3.0', digest: D1 }), 'bad-input').message).toBe(
      'envs/releases.ts: echo.prod.regions.eu-west-2: unknown region "eu-west-2" of prod (did you mean "eu-west-1"?) (allowed: us-east-1, eu-west-1)',
    );
    refusal(() => bump({ app: '__proto__' }), 'bad-input');
  });

  it('a tag breaking the policy', () => {
    expect(refusal(() => bump({ env: 'prod', tag: '1.3.0-SNAPSHOT-7d2a1b4', digest: D1 }), 'bad-input').message).toBe(
      'envs/releases.ts: echo.prod.tag: "1.3.0-SNAPSHOT-7d2a1b4" breaks the tag policy; allowed: vX.Y.Z (prod)',
    );
    expect(refusal(() => bump({ tag: 'v1.3.0' }), 'bad-input').message).toContain('allowed: a git SHA (7-40 hex characters) or X.Y.Z-SNAPSHOT-<sha7> (dev)');
    refusal(() => bump({ tag: 'no spaces allowed' }), 'bad-input');
    refusal(() => bump({ tag: '' }), 'bad-input');
  });

  it('latest', () => {
    expect(refusal(() => bump({ tag: 'latest' }), 'bad-input').message).toBe('envs/releases.ts: echo.dev.tag: "latest" is never allowed: pin a version; allowed: a git SHA (7-40 hex characters) or X.Y.Z-SNAPSHOT-<sha7> (dev)');
    refusal(() => bump({ env: 'prod', tag: 'LATEST', digest: D1 }), 'bad-input');
  });

  it('a malformed digest', () => {
    expect(refusal(() => bump({ digest: 'sha256:abc' }), 'bad-input').message).toBe(
      'envs/releases.ts: echo.dev.digest: "sha256:abc" is not allowed; allowed: "sha256:" followed by 64 lowercase hex characters',
    );
    refusal(() => bump({ digest: D1.toUpperCase() }), 'bad-input');
  });

  it('a missing digest in prod', () => {
    expect(refusal(() => bump({ env: 'prod', tag: 'v1.3.0' }), 'bad-input').message).toBe('envs/releases.ts: echo.prod.digest: is required in prod (its tag policy pins images by digest)');
    refusal(() => bump({ env: 'prod', region: 'eu-west-1', tag: 'v1.3.0' }), 'bad-input');
  });

  it('refuses the whole call when one bump of several is bad', () => {
    refusal(() => applyBumps(TEXT, ctx, [{ app: 'echo', env: 'dev', tag: 'abcdef1' }, { app: 'echo', env: 'prod', tag: 'latest' }]), 'bad-input');
  });
});
