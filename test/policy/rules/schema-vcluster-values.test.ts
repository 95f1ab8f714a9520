import { K8sObject, ManifestObject, PolicyContext } from '../../../lib/policy/engine';
import { vclusterValuesSchema } from '../../../lib/policy/rules/schema-crd';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

const plan = planSynth(exampleInput);
const objects: ManifestObject[] = plan.files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: object as K8sObject })));
const context = (objs: readonly ManifestObject[]): PolicyContext => ({ objects: objs, envOf: () => undefined, envNamed: () => undefined, kubernetesVersion: '1.28' });
// the vcluster chart's Applications (a vcluster on another host also has its registration Application there)
const vclusters = objects.filter((m) => m.file.startsWith('argocd/vclusters/') && m.object.kind === 'Application' && (m.object as { spec?: { source?: { chart?: string } } }).spec?.source?.chart === 'vcluster');

describe('schema/vcluster-values', () => {
  it('is an error rule with a one-line reason and an explanation', () => {
    expect(vclusterValuesSchema.severity).toBe('error');
    expect(vclusterValuesSchema.reason).not.toMatch(/\n/);
    expect(vclusterValuesSchema.explain).toContain('values.schema.json');
  });

  it("passes on the example repository's vclusters", () => {
    expect(vclusters).toHaveLength(4);
    expect(vclusterValuesSchema.check(context(objects))).toEqual([]);
  });

  it('reports an unknown or mistyped value with its path under spec.source.helm.valuesObject', () => {
    const app = JSON.parse(JSON.stringify(vclusters[0].object));
    app.spec.source.helm.valuesObject.controlPlane.distro = { k8s: { enabeld: true } };
    app.spec.source.helm.valuesObject.sync = 'yes';
    const found = vclusterValuesSchema.check(context([{ ...vclusters[0], object: app }]));
    expect(found.map((f) => [f.file, f.object, f.path])).toEqual([
      ['argocd/vclusters/dev-us-east-1.yaml', 'Application argocd/vcluster-dev-us-east-1', 'spec.source.helm.valuesObject.sync'],
      ['argocd/vclusters/dev-us-east-1.yaml', 'Application argocd/vcluster-dev-us-east-1', 'spec.source.helm.valuesObject.controlPlane.distro.k8s.enabeld'],
    ]);
    expect(found[1].message).toMatch(/^unknown key "enabeld" \(did you mean "enabled"\?/);
  });

  it('ignores Applications of other charts and vclusters without values', () => {
    const other = JSON.parse(JSON.stringify(vclusters[0].object));
    other.spec.source.chart = 'ingress-nginx';
    other.spec.source.helm.valuesObject = { anything: true };
    const bare = JSON.parse(JSON.stringify(vclusters[0].object));
    delete bare.spec.source.helm.valuesObject;
    expect(vclusterValuesSchema.check(context([{ ...vclusters[0], object: other }, { ...vclusters[0], object: bare }]))).toEqual([]);
  });
});
