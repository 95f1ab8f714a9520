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
const deployments = all.filter(({ o }) => o.kind === 'Deployment');

test('there is one file per instance and every object parses', () => {
  expect(files).toHaveLength(plan.resolved.instances.length);
  expect(all.length).toBe(plan.files.filter((f) => f.path.startsWith('apps/')).reduce((n, f) => n + f.objects, 0));
  expect(deployments).toHaveLength(plan.resolved.instances.length);
});

test('every pod spec meets Pod Security Standards "restricted"', () => {
  for (const { file, o } of deployments) {
    const pod = o.spec.template.spec;
    const where = `${file}: Deployment ${o.metadata.name}`;
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
      expect([where, c.readinessProbe && c.livenessProbe]).toEqual([where, expect.anything()]);
    }
  }
  for (const { o } of all.filter(({ o }) => o.kind === 'Namespace')) {
    expect(o.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  }
});

test('every multi-replica Deployment has a PDB; autoscaled ones have an HPA and no static replicas', () => {
  for (const f of files) {
    const deploy = f.objects.find((o) => o.kind === 'Deployment')!;
    const hpa = f.objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    const pdb = f.objects.find((o) => o.kind === 'PodDisruptionBudget');
    const minReplicas = hpa ? hpa.spec.minReplicas : deploy.spec.replicas;
    if (hpa) {
      expect([f.path, deploy.spec.replicas]).toEqual([f.path, undefined]);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deploy.metadata.name });
    }
    expect([f.path, minReplicas > 1 ? 'pdb' : 'none']).toEqual([f.path, pdb ? 'pdb' : 'none']);
    if (pdb) expect(pdb.spec.selector.matchLabels).toEqual(deploy.spec.selector.matchLabels);
  }
  // the example repo exercises both sides
  expect(deployments.some(({ o }) => o.spec.replicas > 1)).toBe(true);
  expect(deployments.some(({ o }) => o.spec.replicas === 1)).toBe(true);
});

test('every object carries the recommended labels; names are stable; no cdk8s address labels', () => {
  const required = [
    'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/component',
    'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'platform.acme.io/team', 'platform.acme.io/env', 'platform.acme.io/region',
  ];
  for (const { file, o } of all) {
    for (const label of required) expect([file, o.kind, label, typeof o.metadata.labels?.[label]]).toEqual([file, o.kind, label, 'string']);
    const app = o.metadata.labels!['app.kubernetes.io/name'];
    expect([file, o.kind, [app, 'default-deny'].includes(o.metadata.name)]).toEqual([file, o.kind, true]);
    if (o.kind !== 'Namespace') expect([file, o.kind, o.metadata.namespace]).toEqual([file, o.kind, app]);
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

test('prod spreads pods over zones; dev does not', () => {
  for (const { file, o } of deployments) {
    const keys = (o.spec.template.spec.topologySpreadConstraints ?? []).map((t: { topologyKey: string }) => t.topologyKey);
    if (file.startsWith('apps/prod/')) expect(keys).toContain('topology.kubernetes.io/zone');
    else expect(keys).toEqual([]);
  }
});
