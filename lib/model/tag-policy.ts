/** A named pattern for image tags, e.g. "vX.Y.Z". The name appears in error messages. */
export interface TagPattern {
  /** What the pattern allows, in words (shown in errors). */
  readonly name: string;
  /** The regular expression a tag must match in full. */
  readonly pattern: RegExp;
}

/** The tag patterns used by the seed environments. Add your own as `{ name, pattern }`. */
export const TagPatterns = {
  /** A git commit SHA, 7 to 40 lowercase hex characters. */
  gitSha: { name: 'a git SHA (7-40 hex characters)', pattern: /^[0-9a-f]{7,40}$/ },
  /** A snapshot build of a version: `1.3.0-SNAPSHOT-7d2a1b4`. */
  snapshot: { name: 'X.Y.Z-SNAPSHOT-<sha7>', pattern: /^\d+\.\d+\.\d+-SNAPSHOT-[0-9a-f]{7}$/ },
  /** A release version: `v1.2.0`. */
  release: { name: 'vX.Y.Z', pattern: /^v\d+\.\d+\.\d+$/ },
} as const satisfies Record<string, TagPattern>;

/** Which image tags an environment accepts. */
export interface TagPolicy {
  /** A tag must match at least one of these. */
  readonly allow: readonly TagPattern[];
  /**
   * Whether every release in the environment must pin an image digest.
   * @default false
   */
  readonly requireDigest?: boolean;
}

/** The OCI tag grammar. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A sha256 digest as registries print it. */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** What DIGEST allows, in words (shown in errors). */
export const DIGEST_ALLOWED = '"sha256:" followed by 64 lowercase hex characters';

/** Why `tag` is refused under `policy`, or undefined when it is accepted. `latest` is refused everywhere. */
export function tagViolation(tag: string, policy: TagPolicy): string | undefined {
  const allowed = policy.allow.map((p) => p.name).join(' or ');
  if (tag.toLowerCase() === 'latest') return `"latest" is never allowed: pin a version; allowed: ${allowed}`;
  if (!IMAGE_TAG.test(tag)) return `"${tag}" is not a valid image tag (letters, digits, "_", "." and "-", at most 128 characters)`;
  if (!policy.allow.some((p) => p.pattern.test(tag))) {
    return `"${tag}" breaks the tag policy; allowed: ${allowed}`;
  }
  return undefined;
}
