import { defineEnvironment, PromotionSpec, registerApps, registerEnvironments, TagPattern, TagPatterns } from '../../lib/model';
import { HistoryVersion, parseCommitMessage, ReleaseError, ReleaseErrorCode } from '../../lib/release';
import type { ReleaseContext } from '../../lib/release';
import { app } from '../support/fixtures';

/**
 * A small inline repository for the release tests: apps echo and shop; envs dev (one region),
 * staging and prod (two regions each), in that order; prod takes vX.Y.Z with a digest.
 */
export const apps = registerApps(app('echo'), app('shop'));

export function env(name: string, regions: string[], allow: TagPattern[], requireDigest = false, promotion?: PromotionSpec) {
  return defineEnvironment(apps, {
    name,
    regions: Object.fromEntries(regions.map((r) => [r, {}])),
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'info' },
    sync: { automated: name === 'dev' },
    ingress: { domain: `${name}.test.io` },
    tags: { allow, requireDigest },
    ...(promotion ? { promotion } : {}),
  } as never);
}

export const envs = registerEnvironments(
  env('dev', ['us-east-1'], [TagPatterns.gitSha, TagPatterns.snapshot]),
  env('staging', ['us-east-1', 'eu-west-1'], [TagPatterns.gitSha, TagPatterns.snapshot]),
  env('prod', ['us-east-1', 'eu-west-1'], [TagPatterns.release], true),
);

export const FILE = 'envs/releases.ts';
export const ctx: ReleaseContext = { apps, envs, file: FILE, envsFile: 'envs/index.ts' };
export const NOW = new Date('2025-03-04T05:06:07Z');

/** `sha256:` + 64 times `c`. */
export const digest = (c: string): string => `sha256:${c.repeat(64)}`;

/** An entry on one line, as the release tools write them. */
function entry(tag: string, d?: string): string {
  return `{ tag: '${tag}'${d ? `, digest: '${d}'` : ''} }`;
}

/** envs/releases.ts with the given one-line entries: app -> env -> [tag, digest?]. */
export function releasesText(data: Record<string, Record<string, [string, string?]>>): string {
  const lines = ['export const releases = {'];
  for (const [a, perEnv] of Object.entries(data)) {
    lines.push(`  ${a}: {`);
    for (const [e, [tag, d]] of Object.entries(perEnv)) lines.push(`    ${e}: ${entry(tag, d)},`);
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

/**
 * A history of releases.ts built by the tests, newest first, as fileHistory returns it: each version
 * carries what its commit message says (parsed with the same parser).
 */
export class History {
  readonly versions: HistoryVersion[] = [];
  private n = 0;

  /** Records a commit of `text` with `message` (made at `time`, seconds, when given); returns its (fake, unique) sha. */
  commit(text: string, message: string, time?: number): string {
    const sha = (++this.n).toString(16).padStart(2, '0').repeat(20);
    const parsed = parseCommitMessage(message);
    this.versions.unshift({ commit: sha, text, trailers: parsed.trailers, ...(parsed.reverts ? { reverts: parsed.reverts } : {}), ...(time !== undefined ? { time } : {}) });
    return sha;
  }

  /** Records `git revert <sha>`: the text before that commit, and git's message. */
  revert(sha: string): string {
    const i = this.versions.findIndex((v) => v.commit === sha);
    const before = this.versions[i + 1].text;
    return this.commit(before, `Revert "release"\n\nThis reverts commit ${sha}.\n`);
  }

  /** The current text (the newest version). */
  get head(): string {
    return this.versions[0].text;
  }
}

/**
 * The ReleaseError `fn` throws (fails the test when it throws nothing or something else); with
 * `code`, also checks its code and that its message is one line starting with the file.
 */
export function refusal(fn: () => unknown, code?: ReleaseErrorCode): ReleaseError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    if (code !== undefined) {
      expect(e.code).toBe(code);
      expect(e.message).not.toContain('\n');
      expect(e.message.startsWith(`${e.file}`)).toBe(true);
    }
    return e;
  }
  throw new Error(`expected a ReleaseError${code ? ` (${code})` : ''}`);
}
