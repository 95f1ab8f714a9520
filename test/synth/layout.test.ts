import { parseAllDocuments } from 'yaml';
import { addonApplicationName, clusterName, parseDistPath } from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/** Every file synth writes for the example is a file of the dist/ layout, and holds what its path says. */
const plan = planSynth(exampleInput);

interface Obj {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}
const objectsOf = (content: string): Obj[] => parseAllDocuments(content).map((d) => d.toJS() as Obj);

test('every file synth writes parses as a dist/ path', () => {
  expect(plan.files.filter((f) => parseDistPath(f.path) === undefined).map((f) => f.path)).toEqual([]);
  const kinds = plan.files.map((f) => parseDistPath(f.path)!.kind);
  expect(kinds.filter((k) => k === 'instance')).toHaveLength(plan.resolved.instances.length);
  expect(new Set(kinds)).toEqual(new Set(['instance', 'project', 'appset', 'vcluster', 'vcluster-host', 'addon', 'database-api', 'database-api-app', 'database-claim', 'databases-app', 'root', 'notifications', 'readme']));
});

test('each file holds what its path says: the instance, the env\'s AppProject and ApplicationSet, the region\'s vcluster, an add-on\'s Application', () => {
  const wrong: string[] = [];
  for (const f of plan.files) {
    const p = parseDistPath(f.path)!;
    const objects = p.kind === 'readme' ? [] : objectsOf(f.content);
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    const ok = (() => {
      switch (p.kind) {
        case 'instance':
          return p.file === `${p.app}.yaml` && objects.every((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === `${p.env}-${p.region}-${p.app}`);
        case 'project':
          return names.includes(`AppProject/${p.env}`);
        case 'appset':
          return names.includes(`ApplicationSet/${p.env}-services`);
        case 'vcluster':
          return names.includes(`Application/vcluster-${clusterName(p.env, p.region)}`);
        case 'vcluster-host':
          if (p.part === 'monitoring') {
            // One app's monitor, alerts and dashboard, every object labelled with the app's instance.
            return /^(ServiceMonitor|PodMonitor)\//.test(names[0]) && names.includes(`PrometheusRule/${p.app}`) && names.includes(`ConfigMap/${p.app}-dashboard`)
              && objects.every((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === `${p.env}-${p.region}-${p.app}`);
          }
          if (p.part === 'route') return names.length === 1 && names[0] === `HTTPRoute/${p.app}`;
          return p.part === 'registration' ? names.includes('PushSecret/argocd-registration') : names.length > 0 && names.every((n) => n.startsWith('NetworkPolicy/'));
        case 'addon':
          return names.length === 1 && names[0] === `Application/${addonApplicationName(p.cluster, p.addon)}`;
        case 'database-api':
          return names.includes('CompositeResourceDefinition/xpostgresinstances.platform.acme.io') && names.includes('Composition/xpostgresinstances.aws');
        case 'database-api-app':
          return names.length === 1 && names[0] === `Application/crossplane-${p.host}`;
        case 'database-claim':
          return names.length === 1 && names[0] === `PostgresInstance/${p.app}`;
        case 'databases-app':
          return names.length === 1 && names[0] === `Application/databases-${clusterName(p.env, p.region)}`;
        case 'root':
          return names.includes('Application/root');
        case 'notifications':
          return names.join(', ') === 'SecretStore/argocd-notifications, ExternalSecret/argocd-notifications-secret';
        case 'readme':
          return f.content.startsWith('# dist/');
      }
    })();
    if (!ok) wrong.push(`${f.path}: ${names.join(', ')}`);
  }
  expect(wrong).toEqual([]);
});
