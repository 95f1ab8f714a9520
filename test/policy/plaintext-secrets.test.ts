import { K8sObject } from '../../lib/policy/engine';
import { plaintextFields } from '../../lib/policy/plaintext-secrets';
import { plaintextSecret } from '../../lib/policy/rules/secrets';
import { assertNoPlaintextSecrets } from '../../lib/synth/gate';

const secret = (extra: object) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, ...extra });

test('a Secret with data or stringData: the fields holding values, as data', () => {
  expect(plaintextFields(secret({ data: { a: 'YQ==' } }))).toEqual(['data']);
  expect(plaintextFields(secret({ stringData: { a: 'b' } }))).toEqual(['stringData']);
  expect(plaintextFields(secret({ stringData: { a: 'b' }, data: { c: 'ZA==' } }))).toEqual(['data', 'stringData']);
});

test('an empty Secret, SealedSecrets and other kinds pass', () => {
  for (const o of [
    secret({}),
    secret({ data: {} }),
    { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 's' }, spec: { encryptedData: { a: 'AgB' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
  ]) expect(plaintextFields(o)).toEqual([]);
});

test('the rule reports the object and the field from those fields (stringData only when data holds nothing)', () => {
  const at = (o: object) => plaintextSecret({ file: 'f.yaml', index: 0, object: o as K8sObject }).map((f) => [f.rule, f.object, f.path, f.message]);
  expect(at(secret({ stringData: { a: 'b' } }))).toEqual([
    ['secrets/no-plaintext', 'Secret ns/s', 'stringData', 'must not hold values (stringData): they would be in Git in plain text; seal them with npm run seal'],
  ]);
  expect(at(secret({ stringData: { a: 'b' }, data: { c: 'ZA==' } }))).toEqual([
    ['secrets/no-plaintext', 'Secret ns/s', 'data', 'must not hold values (data and stringData): they would be in Git in plain text; seal them with npm run seal'],
  ]);
});

test('synth stops before writing when an object would be a plaintext Secret, naming the rule as the gate does', () => {
  expect(() => assertNoPlaintextSecrets('apps/dev/r/a/a.yaml', [{ kind: 'ConfigMap' }, secret({ data: { a: 'YQ==' } })]))
    .toThrow('dist/apps/dev/r/a/a.yaml: Secret ns/s: data: must not hold values (data): they would be in Git in plain text; seal them with npm run seal (secrets/no-plaintext)');
});
