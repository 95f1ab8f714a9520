/**
 * An app's volumes, init containers and sidecars (issue 13, items 2-3), on the frozen example (echo's
 * template files, book-shop's shared covers claim) and through the model's checks.
 */
import { parseAllDocuments } from 'yaml';
import { App, Chart } from 'cdk8s';
import { GoldenApp } from '../../lib/constructs/golden-app';
import { Checker } from '../../lib/model/check';
import { checkExtraContainers, checkVolumes, instanceFile } from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (env: string, region: string, app: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === instanceFile(env, region, app))!.content).map((d) => d.toJS());
const web = (objects: any[], app: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === app);

test('config files: a ConfigMap of its own, mounted read-only, its content in the pod checksums (a change rolls the pods)', () => {
  const objects = docs('dev', 'us-east-1', 'echo');
  const files = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'echo-templates');
  expect(Object.keys(files.data)).toEqual(['banner.txt', 'limits.toml']);
  const pod = web(objects, 'echo').spec.template;
  expect(pod.spec.volumes).toContainEqual({ name: 'templates', configMap: { name: 'echo-templates' } });
  expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'templates', mountPath: '/etc/echo', readOnly: true });
  expect(pod.metadata.annotations['checksum/files-templates']).toMatch(/^[0-9a-f]{64}$/);
});

test('a claim: sized per env (5Gi, 50Gi in prod), its storage class, mounted read-write; ReadWriteMany keeps the rolling update', () => {
  const claim = (env: string) => docs(env, 'us-east-1', 'book-shop').find((o) => o.kind === 'PersistentVolumeClaim');
  expect(claim('dev').spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'efs', resources: { requests: { storage: '5Gi' } } });
  expect(claim('prod').spec.resources.requests.storage).toBe('50Gi');
  const deployment = web(docs('prod', 'us-east-1', 'book-shop'), 'book-shop');
  expect(deployment.spec.strategy.type).toBe('RollingUpdate');
  expect(deployment.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'covers', mountPath: '/srv/covers', readOnly: false });
});

test('a ReadWriteOnce claim makes a single-replica Deployment roll out by Recreate, and is refused with more replicas', () => {
  const build = (replicas: number) => {
    const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c');
    new GoldenApp(chart, 'a', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, replicas, volumes: { data: { kind: 'pvc', mountPath: '/data', size: '1Gi' } } });
    return chart.toJson();
  };
  expect(build(1).find((o: any) => o.kind === 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
  expect(() => build(2)).toThrow(/addPersistentVolume data: accessMode: a ReadWriteOnce claim needs one replica and no autoscaling/);
});

test('secret files and sidecars from props: the SealedSecret\'s keys as files, a native sidecar and an init container, PSS restricted', () => {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c');
  new GoldenApp(chart, 'a', {
    name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080,
    sealedSecret: { scope: 'strict', encryptedData: { TLS_KEY: 'AgB' } },
    volumes: { tls: { kind: 'secretFiles', mountPath: '/etc/tls', keys: ['TLS_KEY'] } },
    sidecars: { proxy: { image: 'ghcr.io/acme/proxy:2.0.0', resources: { cpu: '50m', memory: '64Mi' }, volumeMounts: { tls: '/etc/tls' } } },
    initContainers: { wait: { image: 'ghcr.io/acme/wait:1.0.0', args: ['db'], resources: { cpu: '10m', memory: '16Mi' } } },
  });
  const pod = chart.toJson().find((o: any) => o.kind === 'Deployment').spec.template.spec;
  expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'api', items: [{ key: 'TLS_KEY', path: 'TLS_KEY' }] } });
  expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['wait', undefined], ['proxy', 'Always']]);
  for (const c of pod.initContainers) expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
});

test.each([
  ['two mounts, one inside the other', () => checkVolumes(new Checker('apps/x.ts'), { a: { kind: 'emptyDir', mountPath: '/data' }, b: { kind: 'emptyDir', mountPath: '/data/b' } }, 'volumes', []), 'volumes.b.mountPath: "/data/b" overlaps "/data" (volume a)'],
  ['secret files of a key the app does not declare', () => checkVolumes(new Checker('apps/x.ts'), { s: { kind: 'secretFiles', mountPath: '/s', keys: ['NOPE'] } }, 'volumes', ['TOKEN']), 'volumes.s.keys[0]: "NOPE" is not one of the app\'s secrets (TOKEN)'],
  ['a sidecar image without a tag', () => checkExtraContainers(new Checker('apps/x.ts'), { p: { image: 'ghcr.io/acme/proxy', resources: { cpu: '1m', memory: '1Mi' } } }, 'sidecars', [], 'x'), 'sidecars.p.image: "ghcr.io/acme/proxy" needs a tag or digest'],
  ['a sidecar mounting a volume the app lacks', () => checkExtraContainers(new Checker('apps/x.ts'), { p: { image: 'p:1', resources: { cpu: '1m', memory: '1Mi' }, volumeMounts: { data: '/d' } } }, 'sidecars', [], 'x'), 'sidecars.p.volumeMounts.data: no volume "data"'],
])('refused: %s', (_name, run, message) => {
  expect(run).toThrow(message);
});
