import { parseAllDocuments } from 'yaml';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/**
 * Promises of the output contract checked over every synthesized object of the example repo
 * (DESIGN.md section 4): PSS restricted, PDB for multi-replica, HPA without static replicas,
 * recommended labels, stable names, no cdk8s address labels, unique objects.
 */
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const plan = planSynth(exampleInput);
/** The app instance files (dist/argocd, the control plane, is tested in test/argocd). */
const files = plan.files.filter((f) => f.path.startsWith('apps/') && f.path.endsWith('.yaml')).map((f) => ({
  path: f.path,
  objects: parseAllDocuments(f.content).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as K8sObject;
  }),
}));
const all = files.flatMap((f) => f.objects.map((o) => ({ file: f.path, o })));
/** The app an instance file belongs to (apps/<env>/<region>/<app>/<app>.yaml). */
const appOf = (file: string) => file.split('/')[3];
/** Every long-running workload: the web Deployments, the workers' Deployments, the StatefulSets. */
const deployments = all.filter(({ o }) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
/** Every pod template: those of the long-running workloads, the CronJobs' and the Jobs'. */
const podTemplates = all.flatMap(({ file, o }) => {
  const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : ['Deployment', 'StatefulSet', 'Job'].includes(o.kind) ? o.spec.template : undefined;
  return template ? [{ file, o, pod: template.spec, longRunning: o.kind === 'Deployment' || o.kind === 'StatefulSet' }] : [];
});

test('there is one file per instance and every object parses', () => {
  expect(files).toHaveLength(plan.resolved.instances.length);
  expect(all.length).toBe(plan.files.filter((f) => f.path.startsWith('apps/')).reduce((n, f) => n + f.objects, 0));
  // One web Deployment per instance (named after the app), one object per other workload, and one smoke-test Job per
  // instance that has its smoke test on.
  expect(all.filter(({ file, o }) => o.kind === 'Deployment' && o.metadata.name === appOf(file))).toHaveLength(plan.resolved.instances.length);
  const workloads = plan.resolved.instances.flatMap((i) => [
    ...i.workloads.map((w) => `${i.env}/${i.region}/${i.app}-${w.name} ${w.kind}`),
    ...(i.smokeTest ? [`${i.env}/${i.region}/${i.app}-smoke-test job`] : []),
  ]).sort();
  const kindOf: Record<string, string> = { Deployment: 'worker', StatefulSet: 'stateful', CronJob: 'cron', Job: 'job' };
  expect(all.filter(({ file, o }) => kindOf[o.kind] && o.metadata.name !== appOf(file))
    .map(({ file, o }) => `${file.split('/').slice(1, 3).join('/')}/${o.metadata.labels!['app.kubernetes.io/name']} ${kindOf[o.kind]}`).sort()).toEqual(workloads);
  expect(new Set(workloads.map((w) => w.split(' ')[1]))).toEqual(new Set(['worker', 'stateful', 'cron', 'job']));
});

test('every pod spec meets Pod Security Standards "restricted"', () => {
  for (const { file, o, pod, longRunning } of podTemplates) {
    const where = `${file}: ${o.kind} ${o.metadata.name}`;
    expect([where, pod.securityContext.runAsNonRoot]).toEqual([where, true]);
    expect([where, pod.securityContext.seccompProfile.type]).toEqual([where, 'RuntimeDefault']);
    expect([where, pod.hostNetwork ?? false, pod.hostPID ?? false, pod.hostIPC ?? false]).toEqual([where, false, false, false]);
    expect([where, pod.automountServiceAccountToken]).toEqual([where, false]);
    for (const v of pod.volumes ?? []) expect([where, v.hostPath]).toEqual([where, undefined]);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const sc = c.securityContext;
      expect([where, sc.allowPrivilegeEscalation, sc.privileged ?? false, sc.capabilities.drop]).toEqual([where, false, false, ['ALL']]);
      expect([where, sc.runAsNonRoot ?? pod.securityContext.runAsNonRoot]).toEqual([where, true]);
      expect([where, (sc.runAsUser ?? pod.securityContext.runAsUser) > 0]).toEqual([where, true]);
      expect([where, sc.readOnlyRootFilesystem]).toEqual([where, true]);
      expect([where, c.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp')]).toEqual([where, true]);
      expect([where, c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory])
        .toEqual([where, expect.any(String)]);
      if (longRunning) expect([where, c.readinessProbe && c.livenessProbe]).toEqual([where, expect.anything()]);
    }
  }
  for (const { o } of all.filter(({ o }) => o.kind === 'Namespace')) {
    expect(o.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  }
});

test('every multi-replica Deployment and StatefulSet has a PDB; autoscaled ones have an HPA and no static replicas', () => {
  for (const f of files) {
    for (const deploy of f.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      const where = `${f.path}: ${deploy.kind} ${deploy.metadata.name}`;
      const hpa = f.objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === deploy.metadata.name);
      const pdb = f.objects.find((o) => o.kind === 'PodDisruptionBudget' && JSON.stringify(o.spec.selector.matchLabels) === JSON.stringify(deploy.spec.selector.matchLabels));
      const minReplicas = hpa ? hpa.spec.minReplicas : deploy.spec.replicas;
      if (hpa) {
        expect([where, deploy.spec.replicas]).toEqual([where, undefined]);
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name });
      }
      expect([where, minReplicas > 1 ? 'pdb' : 'none']).toEqual([where, pdb ? 'pdb' : 'none']);
    }
  }
  // the example repo exercises both sides
  expect(deployments.some(({ o }) => o.spec.replicas > 1)).toBe(true);
  expect(deployments.some(({ o }) => o.spec.replicas === 1)).toBe(true);
});

test('every object carries the recommended labels; names are stable; no cdk8s address labels', () => {
  // The escape hatch's extra objects carry the instance's labels but are named by whoever declared them.
  const extra = new Set(plan.resolved.instances.flatMap((i) => (i.extraObjects ?? []).map((x) => `apps/${i.env}/${i.region}/${i.app}/${i.app}.yaml ${x.value.kind} ${x.value.metadata.name}`)));
  expect(extra.size).toBeGreaterThan(0);
  const required = [
    'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/component',
    'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'platform.acme.io/team', 'platform.acme.io/env', 'platform.acme.io/region',
  ];
  for (const { file, o } of all) {
    for (const label of required) expect([file, o.kind, label, typeof o.metadata.labels?.[label]]).toEqual([file, o.kind, label, 'string']);
    // Named after the app, or after the app and one of its workloads (`<app>-<workload>`, the name label too).
    const name = o.metadata.labels!['app.kubernetes.io/name'];
    expect([file, o.kind, name === appOf(file) || name.startsWith(`${appOf(file)}-`)]).toEqual([file, o.kind, true]);
    // ... or, for an app's own ConfigMap of files or claim, `<app>-<volume>`; a plain Job carries a hash of what it runs; extra objects are the app's.
    const named = [name, 'default-deny'].includes(o.metadata.name) || o.metadata.name.startsWith(`${name}-`);
    expect([file, o.kind, o.metadata.name, named || extra.has(`${file} ${o.kind} ${o.metadata.name}`)]).toEqual([file, o.kind, o.metadata.name, true]);
    if (o.kind !== 'Namespace') expect([file, o.kind, o.metadata.namespace]).toEqual([file, o.kind, appOf(file)]);
  }
  expect(plan.files.map((f) => f.content).join('\n')).not.toMatch(/cdk8s\.io\/metadata\.addr/);
});

test('kind/namespace/name is unique within every file', () => {
  for (const f of files) {
    const ids = f.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  }
});

test('prod images are pinned by digest and no image uses latest', () => {
  for (const { file, o } of deployments) {
    for (const c of o.spec.template.spec.containers) {
      expect(c.image).not.toMatch(/:latest(@|$)/);
      if (file.startsWith('apps/prod/')) expect(c.image).toMatch(/:v\d+\.\d+\.\d+@sha256:[a-f0-9]{64}$/);
    }
  }
});

test('prod spreads long-running pods over zones; dev does not', () => {
  for (const { file, o } of deployments) {
    const keys = (o.spec.template.spec.topologySpreadConstraints ?? []).map((t: { topologyKey: string }) => t.topologyKey);
    if (file.startsWith('apps/prod/')) expect(keys).toContain('topology.kubernetes.io/zone');
    else expect(keys).toEqual([]);
  }
});
