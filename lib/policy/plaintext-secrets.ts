/**
 * What rule `secrets/no-plaintext` looks for (lib/policy/rules/secrets.ts words the finding): dist/ is committed to Git,
 * so it must never hold a `kind: Secret` with `data` or `stringData` (base64 is not encryption). Secrets reach the
 * cluster as SealedSecrets (`npm run seal`) or ExternalSecrets. Pure.
 */

/** The fields of a Secret that hold values. */
export type SecretValueField = 'data' | 'stringData';

/** The fields of `object` that hold values in plain text, in that order; empty unless it is a v1 Secret with values. */
export function plaintextFields(object: unknown): SecretValueField[] {
  if (!object || typeof object !== 'object') return [];
  const obj = object as { apiVersion?: string; kind?: string; data?: object; stringData?: object };
  if (obj.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1') return [];
  return (['data', 'stringData'] as const).filter((f) => obj[f] && Object.keys(obj[f]!).length > 0);
}
