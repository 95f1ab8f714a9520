import { envs, platform } from '../../fixtures/example/envs';
import { directoriesOf, repoDirectories } from '../../../lib/model';
import { K8sObject, ManifestObject } from '../../../lib/policy/engine';
import { policyContext } from '../../../lib/policy/gate';
import { appsetExpansion } from '../../../lib/policy/rules/argocd-expansion';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

/** The example repository's objects and the directories synth writes (as the gate sees them). */
const plan = planSynth(exampleInput);
const objects: ManifestObject[] = plan.files.flatMap((f) => (f.docs ?? []).map((object, index) => ({ file: f.path, index, object: object as K8sObject })));
const directories = repoDirectories(platform.gitops.distPath, directoriesOf(plan.files.map((f) => f.path)));
const check = (objs: readonly ManifestObject[], dirs: readonly string[] | undefined = directories, withPlatform = true) =>
  appsetExpansion.check(policyContext(objs, envs, dirs, withPlatform ? platform : undefined));

describe('argocd/appset-expansion', () => {
  it('is an error rule with a one-line reason and an explanation', () => {
    expect(appsetExpansion.severity).toBe('error');
    expect(appsetExpansion.reason).not.toMatch(/\n/);
    // Its findings are on argocd/ files, which no app's policy.allow covers: no opt-out is offered.
    expect(appsetExpansion.explain).toMatch(/There is no opt-out\.$/);
  });

  it('passes on the example repository: every instance directory yields one correct Application', () => {
    expect(objects.filter((m) => m.object.kind === 'ApplicationSet')).toHaveLength(3);
    expect(check(objects)).toEqual([]);
  });

  it('reports an instance directory no ApplicationSet generates, on the ApplicationSet it concerns', () => {
    const found = check(objects, [...directories, 'dist/apps/qa', 'dist/apps/qa/us-east-1', 'dist/apps/qa/us-east-1/echo']);
    expect(found.map((f) => [f.file, f.object, f.message])).toEqual([
      ['argocd/appsets/dev/services.yaml', 'ApplicationSet argocd/dev-services', expect.stringMatching(/^dist\/apps\/qa\/us-east-1\/echo: no ApplicationSet generates an Application for instance qa\/us-east-1\/echo/)],
    ]);
  });

  it('reports a template that names the Applications wrongly, on that ApplicationSet', () => {
    const broken = objects.map((m) => {
      if (m.object.kind !== 'ApplicationSet' || (m.object.metadata as { name: string }).name !== 'staging-services') return m;
      const o = JSON.parse(JSON.stringify(m.object));
      o.spec.template.metadata.name = 'staging-{{ index .path.segments 4 }}';
      return { ...m, object: o };
    });
    const found = check(broken);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect([f.file, f.object, f.path]).toEqual(['argocd/appsets/staging/services.yaml', 'ApplicationSet argocd/staging-services', 'spec.template.metadata.name']);
      expect(f.message).toMatch(/^Application staging-[a-z-]+ \(dist\/apps\/staging\/us-east-1\/[a-z-]+\): name is "staging-([a-z-]+)", expected "staging-us-east-1-\1"$/);
    }
  });

  it('reports a project that does not allow a destination on the ApplicationSet, and a permitOnlyProjectScopedClusters on the AppProject', () => {
    const edited = objects.map((m) => {
      if (m.object.kind !== 'AppProject' || m.object.metadata?.name !== 'prod') return m;
      const o = JSON.parse(JSON.stringify(m.object));
      o.spec.destinations = o.spec.destinations.slice(1);
      o.spec.permitOnlyProjectScopedClusters = true;
      return { ...m, object: o };
    });
    const found = check(edited).map((f) => [f.file, f.object, f.path]);
    expect(found).toContainEqual(['argocd/appsets/prod/services.yaml', 'ApplicationSet argocd/prod-services', 'spec.template.spec.destination']);
    expect(found).toContainEqual(['argocd/projects/prod.yaml', 'AppProject argocd/prod', 'spec.permitOnlyProjectScopedClusters']);
  });

  it('needs the repository tree and the platform: without them (a plain directory of YAML) it does not run', () => {
    expect(check(objects, undefined)).toEqual([]);
    expect(check(objects, directories, false)).toEqual([]);
  });
});
