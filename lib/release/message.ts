import type { ImageRef, ReleaseChange } from './types';

/** Marker in every release commit's subject, so automation can recognise (and skip) its own commits. */
export const RELEASE_BOT_MARKER = '[release-bot]';

export interface Provenance {
  /** Commit of the app repository that built the image. */
  readonly sourceCommit?: string;
  /** CI run that built or promoted it. */
  readonly runUrl?: string;
  /** Who released. */
  readonly by?: string;
  /** Why a promotion left the env order (`promote --skip-order --reason`). */
  readonly skipOrderReason?: string;
  /** Why a promotion overrode the promotion gate (`promote --force --reason`). */
  readonly gateOverrideReason?: string;
}

/** Trailer keys the release commits write; history is read back through them (see parseCommitMessage). */
export const TRAILER = {
  sourceCommit: 'Source-Commit',
  runUrl: 'Run-Url',
  promotedFrom: 'Promoted-From',
  releasedBy: 'Released-By',
  /** One per image a rollback replaced: `<app> <env>[/<region>] <tag>[@<digest>]`. */
  rolledBackFrom: 'Rolled-Back-From',
  skipOrderReason: 'Skip-Order-Reason',
  gateOverrideReason: 'Gate-Override-Reason',
} as const;

/** A trailer value on one line (trailers are one line each). */
function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').trim();
}

function ref(i: { tag: string; digest?: string } | undefined): string {
  return i ? i.tag : '(none)';
}

function where(c: ReleaseChange): string {
  return c.region ? `${c.env}/${c.region}` : c.env;
}

/**
 * The structured commit message of a release:
 * `release(echo): dev 1.2.0-SNAPSHOT-3c9e0f2 -> 1.3.0-SNAPSHOT-7d2a1b4 [release-bot]`, one body line
 * per change (with digests), and trailers (Source-Commit, Run-Url, Promoted-From, Rolled-Back-From,
 * Skip-Order-Reason, Gate-Override-Reason, Released-By).
 */
export function releaseCommitMessage(
  kind: string,
  changes: readonly ReleaseChange[],
  prov: Provenance,
  holdNote?: string,
  target?: { readonly app: string; readonly env: string },
): string {
  const apps = target ? [target.app] : [...new Set(changes.map((c) => c.app))];
  const scope = apps.length === 1 ? `release(${apps[0]})` : 'release';
  let subject: string;
  if (changes.length === 1) {
    const c = changes[0];
    const verb = kind === 'promote' ? `promote ${c.promotedFrom} -> ` : kind === 'rollback' ? 'roll back ' : '';
    subject = `${scope}: ${verb}${where(c)} ${ref(c.from)} -> ${ref(c.to)}`;
  } else if (changes.length === 0) {
    subject = `${scope}: ${holdNote ?? kind}`;
  } else {
    subject = `${scope}: ${kind} ${changes.length} changes (${changes.map((c) => `${c.app} ${where(c)}`).join(', ')})`;
  }
  const body = changes.map((c) => {
    const digest = c.to.digest ? ` (${c.to.digest.slice(0, 19)})` : '';
    return `- ${c.app} ${where(c)}: ${ref(c.from)} -> ${c.to.tag}${digest}${c.promotedFrom ? `, promoted from ${c.promotedFrom}` : ''}`;
  });
  if (holdNote && changes.length > 0) body.push(`- ${holdNote}`);
  const promotedFrom = [...new Set(changes.map((c) => c.promotedFrom).filter((x): x is string => !!x))];
  const rolledBackFrom = kind === 'rollback' ? changes.filter((c) => c.from).map((c) => `${TRAILER.rolledBackFrom}: ${formatRolledBackFrom(c)}`) : [];
  const trailers = [
    prov.sourceCommit ? `${TRAILER.sourceCommit}: ${prov.sourceCommit}` : undefined,
    prov.runUrl ? `${TRAILER.runUrl}: ${prov.runUrl}` : undefined,
    promotedFrom.length ? `${TRAILER.promotedFrom}: ${promotedFrom.join(', ')}` : undefined,
    ...rolledBackFrom,
    prov.skipOrderReason ? `${TRAILER.skipOrderReason}: ${oneLine(prov.skipOrderReason)}` : undefined,
    prov.gateOverrideReason ? `${TRAILER.gateOverrideReason}: ${oneLine(prov.gateOverrideReason)}` : undefined,
    prov.by ? `${TRAILER.releasedBy}: ${prov.by}` : undefined,
  ].filter((x): x is string => !!x);
  return [`${subject} ${RELEASE_BOT_MARKER}`, '', ...(body.length ? [...body, ''] : []), ...trailers, ''].join('\n');
}

/**
 * The commit message of `seal --commit`: `seal(app): KEY for env (region, ...) [release-bot]` with a
 * Released-By trailer. The value never appears in it (only its key, size and scope).
 */
export function sealCommitMessage(s: { app: string; env: string; key: string; regions: readonly string[]; scope: string; bytes: number }, by: string | undefined): string {
  const subject = `seal(${s.app}): ${s.key} for ${s.env} (${s.regions.join(', ')}) ${RELEASE_BOT_MARKER}`;
  const body = `- ${s.app} ${s.env}: ${s.key} sealed for ${s.regions.join(', ')}, scope ${s.scope}, ${s.bytes} bytes`;
  return [subject, '', body, '', ...(by ? [`${TRAILER.releasedBy}: ${by}`] : []), ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Reading history back: trailers (ours) and `git revert`'s line (git's)

/** One `Key: value` trailer of a commit message. */
export interface Trailer {
  readonly key: string;
  readonly value: string;
}

/** What a commit message says as data. */
export interface ParsedMessage {
  /** The trailers: the lines of the message's last paragraph, when every one is `Key: value` (or continues the previous one). */
  readonly trailers: readonly Trailer[];
  /** The commit this one reverts, from git's `This reverts commit <sha>.` line (`git revert`). */
  readonly reverts?: string;
}

/**
 * Parses a commit message the way `git interpret-trailers --parse` reads trailers (the last
 * paragraph, after the subject, made only of `Key: value` lines and indented continuation lines),
 * and finds the line `git revert` writes: `This reverts commit <sha>.`.
 */
export function parseCommitMessage(message: string): ParsedMessage {
  const text = message.replace(/\r\n/g, '\n').trim();
  const paragraphs = text.split(/\n[ \t]*\n/);
  const trailers: { key: string; value: string }[] = [];
  if (paragraphs.length > 1) {
    for (const line of paragraphs[paragraphs.length - 1].split('\n')) {
      const m = /^([A-Za-z0-9][A-Za-z0-9-]*):[ \t]*(.*)$/.exec(line);
      if (m) trailers.push({ key: m[1], value: m[2].trim() });
      else if (/^[ \t]/.test(line) && trailers.length > 0) trailers[trailers.length - 1].value += ` ${line.trim()}`;
      else {
        trailers.length = 0;
        break;
      }
    }
  }
  const reverts = /^This reverts commit ([0-9a-f]{7,40})\b/m.exec(text)?.[1];
  return { trailers, ...(reverts ? { reverts } : {}) };
}

/** The values of the trailers named `key` (keys compare case-insensitively, as git's do). */
export function trailerValues(trailers: readonly Trailer[] | undefined, key: string): string[] {
  return (trailers ?? []).filter((t) => t.key.toLowerCase() === key.toLowerCase()).map((t) => t.value);
}

/** An image a rollback replaced, as its Rolled-Back-From trailer names it. */
export interface RolledBackImage {
  readonly app: string;
  readonly env: string;
  readonly region?: string;
  readonly image: ImageRef;
}

/** `echo prod v1.3.0@sha256:...` or `echo prod/eu-west-1 v1.4.0`: the value of a Rolled-Back-From trailer. */
export function formatRolledBackFrom(c: ReleaseChange): string {
  const img = c.from ?? c.to;
  return `${c.app} ${where(c)} ${img.tag}${img.digest ? `@${img.digest}` : ''}`;
}

/** Reads a Rolled-Back-From value back (undefined when it is not one: three fields, tag[@digest] last). */
export function parseRolledBackFrom(value: string): RolledBackImage | undefined {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 3) return undefined;
  const [app, place, ref] = parts;
  const slash = place.indexOf('/');
  const at = ref.indexOf('@');
  const tag = at < 0 ? ref : ref.slice(0, at);
  if (!app || !tag || slash === 0 || slash === place.length - 1) return undefined;
  return {
    app,
    env: slash < 0 ? place : place.slice(0, slash),
    ...(slash < 0 ? {} : { region: place.slice(slash + 1) }),
    image: at < 0 ? { tag } : { tag, digest: ref.slice(at + 1) },
  };
}
