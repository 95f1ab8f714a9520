import { App, Chart } from 'cdk8s';
import { SealedSecret, scopeAnnotations } from '../../lib/constructs/sealed-secret';
import { validateCustomResource } from '../../lib/policy/schemas';

function synth(props: ConstructorParameters<typeof SealedSecret>[2]) {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true });
  new SealedSecret(chart, 's', props);
  return chart.toJson();
}

const base = { name: 'api', namespace: 'api', encryptedData: { B: 'AgBbbb', A: 'AgBaaa' }, labels: { team: 'x' } };

test('strict: no scope annotation; template carries name, namespace, labels and type; keys sorted', () => {
  const [o] = synth({ ...base, scope: 'strict' });
  expect(o).toEqual({
    apiVersion: 'bitnami.com/v1alpha1',
    kind: 'SealedSecret',
    metadata: { name: 'api', namespace: 'api', labels: { team: 'x' } },
    spec: {
      encryptedData: { A: 'AgBaaa', B: 'AgBbbb' },
      template: { type: 'Opaque', metadata: { name: 'api', namespace: 'api', labels: { team: 'x' } } },
    },
  });
  expect(Object.keys(o.spec.encryptedData)).toEqual(['A', 'B']);
  expect(validateCustomResource(o)).toEqual([]);
});

test.each([['namespace-wide'], ['cluster-wide']] as const)('%s: the scope annotation is on the top-level metadata (what the controller reads) and the template', (scope) => {
  const [o] = synth({ ...base, scope, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } });
  const annotation = { [`sealedsecrets.bitnami.com/${scope}`]: 'true' };
  expect(o.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-1', ...annotation });
  expect(o.spec.template.metadata.annotations).toEqual(annotation);
  expect(scopeAnnotations(scope)).toEqual(annotation);
  expect(validateCustomResource(o)).toEqual([]);
});

test('refuses an empty secret and invalid keys', () => {
  expect(() => synth({ ...base, scope: 'strict', encryptedData: {} })).toThrow(/at least one key/);
  expect(() => synth({ ...base, scope: 'strict', encryptedData: { 'a b': 'x' } })).toThrow(/not a valid Secret key/);
});
