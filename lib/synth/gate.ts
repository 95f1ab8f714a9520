import { formatFinding, K8sObject } from '../policy/engine';
import { plaintextSecret } from '../policy/rules/secrets';

/** The gate against plaintext Secrets in dist/ (rule secrets/no-plaintext), run on each file before anything is written. */
export function assertNoPlaintextSecrets(file: string, objects: readonly unknown[]): void {
  objects.forEach((object, index) => {
    const [found] = plaintextSecret({ file, index, object: object as K8sObject });
    if (found) throw new Error(formatFinding(found, 'dist/'));
  });
}
