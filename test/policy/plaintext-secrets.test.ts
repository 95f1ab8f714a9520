import { findPlaintextSecrets } from '../../lib/policy/plaintext-secrets';
import { assertNoPlaintextSecrets } from '../../lib/synth/gate';

const secret = (extra: object) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, ...extra });

test('a Secret with data or stringData is a finding naming the file and the object', () => {
  expect(findPlaintextSecrets('apps/x.yaml', [secret({ data: { a: 'YQ==' } })])).toEqual([
    { file: 'apps/x.yaml', object: 'Secret ns/s', message: expect.stringMatching(/^data would put secret values in Git in plain text; seal them with npm run seal \(no-plaintext-secret\)$/) },
  ]);
  expect(findPlaintextSecrets('f', [secret({ stringData: { a: 'b' }, data: { c: 'ZA==' } })])[0].message).toMatch(/^data and stringData /);
});

test('an empty Secret, SealedSecrets and other kinds pass', () => {
  expect(findPlaintextSecrets('f', [
    secret({}),
    secret({ data: {} }),
    { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { a: 'AgB' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
  ])).toEqual([]);
});

test('synth stops before writing when an object would be a plaintext Secret', () => {
  expect(() => assertNoPlaintextSecrets('apps/dev/r/a/a.yaml', [secret({ data: { a: 'YQ==' } })]))
    .toThrow('dist/apps/dev/r/a/a.yaml: Secret ns/s: data would put secret values in Git in plain text; seal them with npm run seal (no-plaintext-secret)');
});
