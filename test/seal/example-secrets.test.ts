import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { secrets } from '../fixtures/example/envs/secrets';
import { AnySecrets } from '../../lib/model';
import { loadSealingCertificate, openValue, scopeLabel } from '../../lib/seal';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { EXAMPLE, ROOT } from '../support/repo';

/**
 * The example repo's sealed values are real: each decrypts with the test-only private key of the
 * certificate it was sealed for (envs/certs/<env>-<region>.pem), and every deployed instance of an
 * app that declares secrets gets them from a SealedSecret.
 */
const all = secrets as AnySecrets;
const entries = Object.entries(all).flatMap(([app, perEnv]) =>
  Object.entries(perEnv ?? {}).flatMap(([env, perRegion]) =>
    Object.entries(perRegion ?? {}).flatMap(([region, values]) =>
      Object.entries(values ?? {}).map(([key, value]) => ({ app, env, region, key, value })))));

test('the example repo has sealed values', () => {
  expect(entries.length).toBeGreaterThanOrEqual(4);
});

test.each(entries.map((e) => [`${e.app} ${e.env}/${e.region} ${e.key}`, e] as const))('%s decrypts with its region\'s key and was sealed with the current certificate', (_, e) => {
  const key = fs.readFileSync(path.join(ROOT, 'test/fixtures/sealed-secrets', `TEST-ONLY-${e.env}-${e.region}.key`), 'utf8');
  const plain = openValue(key, e.value.sealed, scopeLabel(e.value.scope, e.value.namespace, e.value.name));
  expect(plain.toString('utf8')).toMatch(/^sk-test-.*-not-a-real-key$/);
  const certFile = path.join(EXAMPLE, 'envs/certs', `${e.env}-${e.region}.pem`);
  expect(loadSealingCertificate(fs.readFileSync(certFile), { file: certFile }).fingerprint).toBe(e.value.cert);
});

test('the incident-assistant backend gets OPENAI_API_KEY from a SealedSecret in every env, and dist/ has no plaintext Secret', () => {
  const plan = planSynth(exampleInput);
  const backend = plan.resolved.instances.filter((i) => i.app === 'incident-assistant-backend');
  expect(new Set(backend.map((i) => i.env))).toEqual(new Set(['dev', 'staging', 'prod']));
  for (const i of backend) {
    const file = plan.files.find((f) => f.path === `apps/${i.env}/${i.region}/${i.app}/${i.app}.yaml`)!;
    const objects = parseAllDocuments(file.content).map((d) => d.toJS());
    const sealedSecret = objects.find((o) => o.kind === 'SealedSecret');
    expect(Object.keys(sealedSecret.spec.encryptedData)).toEqual(['OPENAI_API_KEY']);
    const container = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(container.envFrom).toContainEqual({ secretRef: { name: sealedSecret.metadata.name } });
  }
  for (const f of plan.files) expect([f.path, /^kind: Secret$/m.test(f.content)]).toEqual([f.path, false]);
});
