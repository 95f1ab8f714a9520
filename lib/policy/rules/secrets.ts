import { defineRule, finding, ManifestObject, PolicyFinding, Report, Rule } from '../engine';
import { plaintextFields } from '../plaintext-secrets';

/** `secrets/no-plaintext`: no `kind: Secret` with data in Git (synth's pre-write gate reports it the same way). */
export const noPlaintextSecret: Rule = defineRule({
  id: 'secrets/no-plaintext',
  scope: 'object',
  severity: 'error',
  reason: 'no Secret with data or stringData: the YAML is committed to Git',
  explain:
    'dist/ is committed, so a Secret with data or stringData would put its values in Git in plain text (base64 is an ' +
    'encoding, not encryption). Seal values with `npm run seal` (SealedSecret) or reference an external store ' +
    '(ExternalSecret).',
  optOut: false,
  check: (ctx, report) => ctx.objects.flatMap((m) => plaintextSecret(m, report)),
});

/** The finding of `m` when it is a Secret holding values in plain text (none otherwise). */
export function plaintextSecret(m: ManifestObject, report: Report = (o, path, message) => finding(noPlaintextSecret, o, path, message)): PolicyFinding[] {
  const fields = plaintextFields(m.object);
  if (fields.length === 0) return [];
  const path = fields.includes('data') ? 'data' : 'stringData';
  return [report(m, path, `must not hold values (${fields.join(' and ')}): they would be in Git in plain text; seal them with npm run seal`)];
}

export const secretRules: Rule[] = [noPlaintextSecret];
