/**
 * Rule `no-plaintext-secret`: dist/ is committed to Git, so it must never hold a `kind: Secret` with
 * `data` or `stringData` (base64 is not encryption). Secrets reach the cluster as SealedSecrets
 * (`npm run seal`) or ExternalSecrets. Pure: runs over synthesized objects.
 */
export interface PlaintextSecretFinding {
  /** The dist/ file the object was going to be written to. */
  readonly file: string;
  /** `Secret <namespace>/<name>`. */
  readonly object: string;
  readonly message: string;
}

export function findPlaintextSecrets(file: string, objects: readonly unknown[]): PlaintextSecretFinding[] {
  const findings: PlaintextSecretFinding[] = [];
  for (const o of objects) {
    if (!o || typeof o !== 'object') continue;
    const obj = o as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; data?: object; stringData?: object };
    if (obj.kind !== 'Secret' || (obj.apiVersion ?? 'v1') !== 'v1') continue;
    const fields = (['data', 'stringData'] as const).filter((f) => obj[f] && Object.keys(obj[f]!).length > 0);
    if (fields.length === 0) continue;
    const name = `${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? '(no name)'}`;
    findings.push({
      file,
      object: `Secret ${name}`,
      message: `${fields.join(' and ')} would put secret values in Git in plain text; seal them with npm run seal (no-plaintext-secret)`,
    });
  }
  return findings;
}
