/**
 * Image rules: a version tag (never `latest`, never none), a digest where the env requires one, and an allowed
 * registry. Anchored on kube-score container-image-tag, kube-linter latest-tag and Polaris tagNotSpecified.
 */
import { defineRule, ManifestObject, PolicyContext, PolicyFinding, Rule } from '../../engine';
import { containers } from './objects';

/** An image reference split into its parts. */
export interface ImageRef {
  /** Registry host, when the reference names one (else Docker Hub). */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repo = colon > slash ? name.slice(0, colon) : name;
  const first = repo.split('/')[0];
  const hasHost = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return { registry: hasHost ? first : undefined, repository: hasHost ? repo.slice(first.length + 1) : repo, tag, digest };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The fully qualified name (`docker.io/library/nginx` for `nginx`). */
function qualified(image: string): string {
  const ref = parseImage(image);
  if (ref.registry) return image;
  return `docker.io/${ref.repository.includes('/') ? '' : 'library/'}${image}`;
}

/** A rule over every container image: `test` says what is wrong with one, or returns undefined. */
function imageRule(id: string, reason: string, explain: string, test: (image: string, ref: ImageRef, m: ManifestObject, ctx: PolicyContext) => string | undefined): Rule {
  return defineRule({
    id,
    severity: 'error',
    reason,
    explain,
    check(ctx, report) {
      const out: PolicyFinding[] = [];
      for (const c of containers(ctx)) {
        const image = c.container.image;
        if (typeof image !== 'string' || image === '') continue;
        const message = test(image, parseImage(image), c.m, ctx);
        if (message) out.push(report(c.m, `${c.path}.image`, message));
      }
      return out;
    },
  });
}

const noLatest = imageRule(
  'images/no-latest',
  'images must not use the `latest` tag',
  'Flags a container image whose tag is explicitly `latest` and that is not pinned by a digest. `latest` moves: ' +
    'two pods of the same Deployment can run different code, a rollback does not roll back and nothing records what ran. ' +
    'Release a version tag (and a digest) through envs/releases.ts.',
  (image, ref) => (ref.tag === 'latest' && !ref.digest ? `image "${image}" uses the tag "latest"; expected a version tag (and an @sha256: digest)` : undefined),
);

const untagged = imageRule(
  'images/untagged',
  'images must name a tag or a digest',
  'Flags a container image with neither a tag nor a digest (e.g. `nginx`), which the runtime resolves to `latest`: ' +
    'what runs changes whenever the registry changes. Give a version tag and, ideally, an `@sha256:` digest.',
  (image, ref) => (!ref.tag && !ref.digest ? `image "${image}" has no tag and no digest; expected <image>:<version>[@sha256:<digest>]` : undefined),
);

const digestRequired = imageRule(
  'images/digest-required',
  'images must be pinned by an @sha256: digest in environments that require it',
  'In environments whose policy requires digests (prod), every container image must end in `@sha256:<64 hex>`: ' +
    'a tag can be re-pushed, a digest cannot, so the digest is what was tested and what will run. ' +
    'envs/releases.ts records the digest next to the tag.',
  (image, ref, m, ctx) => {
    const env = ctx.envOf(m.file);
    if (!env?.requireDigest) return undefined;
    if (ref.digest !== undefined && DIGEST.test(ref.digest)) return undefined;
    return ref.digest !== undefined
      ? `image "${image}" has a malformed digest; expected @sha256:<64 lowercase hex> (required in ${env.env})`
      : `image "${image}" is not pinned by digest; expected <image>:<tag>@sha256:<digest> (required in ${env.env})`;
  },
);

const registry = imageRule(
  'images/registry',
  'images must come from an allowed registry',
  "When an environment lists the registries images may come from (prefixes such as `ghcr.io/acme/`), every container image must start with one of them " +
    '(images without a registry host are Docker Hub images, `docker.io/library/<name>`). Pulling from elsewhere bypasses scanning, signing and mirroring.',
  (image, _ref, m, ctx) => {
    const allowed = ctx.envOf(m.file)?.registries;
    if (!allowed) return undefined;
    const q = qualified(image);
    if (allowed.some((p) => image.startsWith(p) || q.startsWith(p))) return undefined;
    return `image "${image}" is not from an allowed registry; expected a prefix of: ${allowed.join(', ') || '(none)'}`;
  },
);

export const imageRules: Rule[] = [noLatest, untagged, digestRequired, registry];
