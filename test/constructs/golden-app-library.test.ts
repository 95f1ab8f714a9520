/**
 * GoldenApp as a library construct: built in a plain cdk8s Chart from its own small props, without apps/,
 * envs/ or the resolver; defaults documented with @default; mutators; one-line errors naming the field.
 */
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { GoldenApp, GoldenAppProps } from '../../lib/constructs/golden-app';
import { validateCustomResource } from '../../lib/policy/schemas';

/* eslint-disable @typescript-eslint/no-explicit-any */
function synth(props: GoldenAppProps, mutate?: (app: GoldenApp) => void): any[] {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'plain');
  const app = new GoldenApp(chart, 'api', props);
  mutate?.(app);
  return chart.toJson();
}
const kind = (objects: any[], k: string) => objects.filter((o) => o.kind === k);
const podOf = (objects: any[]) => kind(objects, 'Deployment')[0].spec.template.spec;

test('three props make a working app: PSS-restricted Deployment, Service, ConfigMap, NetworkPolicies, with the defaults', () => {
  const objects = synth({ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 });
  expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'ConfigMap', 'Service', 'Deployment', 'NetworkPolicy', 'NetworkPolicy']);
  const deployment = kind(objects, 'Deployment')[0];
  expect(deployment.metadata).toMatchObject({ name: 'api', namespace: 'api' });
  expect(deployment.spec.replicas).toBe(1);
  expect(deployment.metadata.labels).toEqual({
    'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/version': '1.4.2',
    'app.kubernetes.io/component': 'server', 'app.kubernetes.io/part-of': 'api', 'app.kubernetes.io/managed-by': 'typed-gitops',
  });
  const [c] = podOf(objects).containers;
  expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  expect(c.livenessProbe.httpGet.path).toBe('/healthz');
  expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  expect(c.env).toBeUndefined();
  expect(podOf(objects).initContainers).toBeUndefined();
  // A plain cluster's DNS (kube-system/kube-dns:53) unless told otherwise.
  const policy = kind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'api');
  expect(policy.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  expect(kind(objects, 'Service')[0].spec.ports[0].port).toBe(80);
});

test('mutators: addEnv, addVolume, addSidecar, addInitContainer change the pod before synthesis', () => {
  const objects = synth({ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080, config: { LOG_LEVEL: 'info' } }, (app) => {
    app.addEnv('FEATURE_X', 'on');
    app.addEnv('TOKEN', { secretKeyRef: { name: 'api-token', key: 'token' } });
    app.addVolume({ name: 'templates', mountPath: '/etc/api/templates', source: { configMap: { name: 'api-templates' } } });
    app.addVolume({ name: 'cache', mountPath: '/var/cache/api', readOnly: false, source: { emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } } });
    app.addSidecar({ name: 'proxy', image: 'ghcr.io/acme/proxy:2.0.0', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } } });
    app.addInitContainer({ name: 'migrate', image: 'ghcr.io/acme/api:1.4.2', args: ['migrate'], resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } }, volumeMounts: [{ name: 'cache', mountPath: '/cache' }] });
  });
  const pod = podOf(objects);
  expect(pod.containers[0].env).toEqual([{ name: 'FEATURE_X', value: 'on' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'token' } } }]);
  expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp', 'templates', 'cache']);
  expect(pod.containers[0].volumeMounts).toEqual([
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'templates', mountPath: '/etc/api/templates', readOnly: true },
    { name: 'cache', mountPath: '/var/cache/api', readOnly: false },
  ]);
  expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['migrate', undefined]]);
  for (const c of pod.initContainers) expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
});

test.each([
  ['an overlapping mount', (a: GoldenApp) => a.addVolume({ name: 'x', mountPath: '/tmp/x', source: { emptyDir: {} } }), /addVolume x: mountPath: "\/tmp\/x" overlaps "\/tmp" \(volume tmp\)/],
  ['a mount around another', (a: GoldenApp) => { a.addVolume({ name: 'a', mountPath: '/data/a', source: { emptyDir: {} } }); a.addVolume({ name: 'b', mountPath: '/data', source: { emptyDir: {} } }); }, /addVolume b: mountPath: "\/data" overlaps "\/data\/a"/],
  ['an env var set twice (config included)', (a: GoldenApp) => a.addEnv('LOG_LEVEL', 'debug'), /addEnv: "LOG_LEVEL" is already set/],
  ['a sidecar mounting a volume nobody added', (a: GoldenApp) => a.addSidecar({ name: 's', image: 'x:1', resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m', memory: '1Mi' } }, volumeMounts: [{ name: 'nope', mountPath: '/n' }] }), /addSidecar s: volumeMounts: no volume "nope"/],
])('refused: %s', (_name, mutate, message) => {
  expect(() => synth({ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080, config: { LOG_LEVEL: 'info' } }, mutate)).toThrow(message);
});

test.each([
  ['port', { port: 0 }, 'GoldenApp api: port: must be 1-65535, got 0'],
  ['image without a tag', { image: 'ghcr.io/acme/api' }, 'GoldenApp api: image: "ghcr.io/acme/api" must be a reference with a tag or digest, e.g. "ghcr.io/acme/api:1.0.0"'],
  ['autoscaling', { autoscaling: { minReplicas: 5, maxReplicas: 2 } }, 'GoldenApp api: autoscaling: minReplicas above maxReplicas'],
  ['ingress without the controller namespace', { ingress: { host: 'api.example.com' } }, 'GoldenApp api: network.ingressControllerNamespace: is required when the app is exposed (its NetworkPolicy must let the controller in)'],
])('props are validated in the constructor, naming the field: %s', (_name, bad, message) => {
  expect(() => synth({ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080, ...(bad as object) })).toThrow(message);
});

test('the custom resources it emits validate (a SealedSecret from sealedSecret)', () => {
  const objects = synth({ name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080, sealedSecret: { scope: 'strict', encryptedData: { TOKEN: 'AgB' } } });
  const sealed = kind(objects, 'SealedSecret')[0];
  expect(validateCustomResource(sealed)).toEqual([]);
  expect(podOf(objects).containers[0].envFrom).toEqual([{ configMapRef: { name: 'api' } }, { secretRef: { name: 'api' } }]);
});
