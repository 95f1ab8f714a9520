import { finding, Rule } from '../engine';
import { findPlaintextSecrets } from '../plaintext-secrets';

/** `secrets/no-plaintext`: no `kind: Secret` with data in Git (synth also stops on it before writing). */
export const noPlaintextSecret: Rule = {
  id: 'secrets/no-plaintext',
  severity: 'error',
  reason: 'no Secret with data or stringData: the YAML is committed to Git',
  explain:
    'dist/ is committed, so a Secret with data or stringData would put its values in Git in plain text (base64 is an ' +
    'encoding, not encryption). Seal values with `npm run seal` (SealedSecret) or reference an external store ' +
    '(ExternalSecret). There is no opt-out.',
  check: (ctx) =>
    ctx.objects.flatMap((m) =>
      findPlaintextSecrets(m.file, [m.object]).map((f) => {
        const fields = /^(data and stringData|data|stringData) /.exec(f.message)?.[1] ?? 'data';
        return finding(noPlaintextSecret, m, fields === 'stringData' ? 'stringData' : 'data', `must not hold values (${fields}): they would be in Git in plain text; seal them with npm run seal`);
      })),
};

export const secretRules: Rule[] = [noPlaintextSecret];
