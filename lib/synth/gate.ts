import { findPlaintextSecrets } from '../policy/plaintext-secrets';

/** The gate against plaintext Secrets in dist/ (rule no-plaintext-secret), run before anything is written. */
export function assertNoPlaintextSecrets(file: string, objects: readonly unknown[]): void {
  const [finding] = findPlaintextSecrets(file, objects);
  if (finding) throw new Error(`dist/${finding.file}: ${finding.object}: ${finding.message}`);
}
