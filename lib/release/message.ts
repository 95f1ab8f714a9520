import type { ReleaseChange } from './operations';

/** Marker in every release commit's subject, so automation can recognise (and skip) its own commits. */
export const RELEASE_BOT_MARKER = '[release-bot]';

export interface Provenance {
  /** Commit of the app repository that built the image. */
  readonly sourceCommit?: string;
  /** CI run that built or promoted it. */
  readonly runUrl?: string;
  /** Who released. */
  readonly by?: string;
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
 * per change (with digests), and trailers (Source-Commit, Run-Url, Promoted-From, Released-By).
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
  const trailers = [
    prov.sourceCommit ? `Source-Commit: ${prov.sourceCommit}` : undefined,
    prov.runUrl ? `Run-Url: ${prov.runUrl}` : undefined,
    promotedFrom.length ? `Promoted-From: ${promotedFrom.join(', ')}` : undefined,
    prov.by ? `Released-By: ${prov.by}` : undefined,
  ].filter((x): x is string => !!x);
  return [`${subject} ${RELEASE_BOT_MARKER}`, '', ...(body.length ? [...body, ''] : []), ...trailers, ''].join('\n');
}
