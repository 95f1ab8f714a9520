/**
 * The escape hatch in synth (lib/synth/escape-hatch.ts): extra objects join the instance's file, patches change its
 * objects through ApiObject.addJsonPatch, both before the policy gate judges them; what does not apply fails with a
 * ConfigError naming the file and field that declared it. In-process: the example (test/fixtures/example) and small
 * inline repositories (test/support/fixtures.ts).
 */
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envProjectWhitelist } from '../../lib/constructs/argocd/env-project';
import { ConfigError, ExtraObject, ObjectPatch, registerApps } from '../../lib/model';
import { PolicyGateError } from '../../lib/policy/gate';
import { planSynth, SynthPlan } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { app, configError, DIGEST_A, DIGEST_B, envsFor, platform } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
const FIXTURES = path.resolve(__dirname, '..', 'support', 'fixtures.ts');
const docs = (plan: SynthPlan, file: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === file)!.content).map((d) => d.toJS());

describe('the example', () => {
  const plan = planSynth(exampleInput);
  const files = plan.files.filter((f) => /^apps\/[^/]+\/[^/]+\/book-shop\//.test(f.path)).map((f) => f.path);

  test('book-shop\'s patch gives its web Deployment a minute to drain, in every env and region; the mailer keeps the default', () => {
    expect(files).toHaveLength(4);
    for (const file of files) {
      const deployments = docs(plan, file).filter((o) => o.kind === 'Deployment');
      expect([file, deployments.map((d) => [d.metadata.name, d.spec.template.spec.terminationGracePeriodSeconds])])
        .toEqual([file, [['book-shop', 60], ['book-shop-mailer', undefined]]]);
    }
  });

  test('staging\'s extra NetworkPolicy is in staging\'s book-shop file only: the app\'s namespace, the instance\'s labels, after the golden policies', () => {
    const extra = (file: string) => docs(plan, file).filter((o) => o.metadata.name === 'book-shop-load-test');
    for (const file of files.filter((f) => !f.startsWith('apps/staging/'))) expect([file, extra(file)]).toEqual([file, []]);
    const file = 'apps/staging/us-east-1/book-shop/book-shop.yaml';
    const objects = docs(plan, file);
    const [policy] = extra(file);
    expect(policy.metadata.namespace).toBe('book-shop');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'book-shop');
    expect(policy.metadata.labels).toEqual(deployment.metadata.labels);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['default-deny', 'book-shop', 'book-shop-smoke-test', 'book-shop-from-smoke-test', 'book-shop-mailer', 'book-shop-reindex', 'book-shop-load-test']);
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'load-test' } } }]);
  });

  test('the AppProjects are not widened: they still permit exactly the golden app\'s kinds', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const [project] = docs(plan, `argocd/projects/${env}.yaml`);
      expect(project.spec.namespaceResourceWhitelist).toEqual(envProjectWhitelist(false));
      expect(project.spec.clusterResourceWhitelist).toEqual(envProjectWhitelist(true));
    }
  });
});

const worker = { queue: { kind: 'worker', command: ['svc', 'work'], health: { liveness: { command: ['svc', 'alive'] }, readiness: { command: ['svc', 'ready'] } } } };
const releases = { svc: { dev: { tag: 'abcdef0', digest: DIGEST_A }, prod: { tag: 'v1.0.0', digest: DIGEST_B } } };

/** svc (a web workload and a worker) in dev (us-east-1) and prod (us-east-1, eu-west-1), with the given app spec and per-env overrides. */
function synth(spec: object = {}, overrides: { dev?: object; prod?: object } = {}): SynthPlan {
  const apps = registerApps(app('svc', { workloads: worker, ...spec } as never));
  const envs = envsFor(apps, overrides.dev ? { apps: { svc: overrides.dev } } : {}, overrides.prod ? { apps: { svc: overrides.prod } } : {});
  return planSynth({ platform, apps, envs, releases });
}
const objectsOf = (plan: SynthPlan, env: string, region: string) => docs(plan, `apps/${env}/${region}/svc/svc.yaml`);
const one = (objects: any[], kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name)[0];
const configMap = (name: string, extra: object = {}): ExtraObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { A: 'base' }, ...extra });
/** A patch adding (or replacing) the pod annotation example.com/layer. */
const layer = (op: 'add' | 'replace', value: string): ObjectPatch => ({ target: { kind: 'Deployment', name: 'svc' }, ops: [{ op, path: '/spec/template/metadata/annotations/example.com~1layer', value }] });
function gateError(fn: () => unknown): PolicyGateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PolicyGateError) return e;
    throw e;
  }
  throw new Error('expected a PolicyGateError, nothing was thrown');
}

describe('patches', () => {
  test('without a name a patch changes every object of its kind (the web Deployment and the worker\'s); with one, that object only', () => {
    const plan = synth({
      patches: [
        { target: { kind: 'Deployment' }, ops: [{ op: 'add', path: '/metadata/labels/example.com~1tier', value: 'backend' }] },
        { target: { kind: 'Deployment', name: 'svc' }, ops: [{ op: 'add', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 60 }] },
      ],
    });
    const objects = objectsOf(plan, 'dev', 'us-east-1');
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => [d.metadata.name, d.metadata.labels['example.com/tier'], d.spec.template.spec.terminationGracePeriodSeconds]))
      .toEqual([['svc', 'backend', 60], ['svc-queue', 'backend', undefined]]);
    // Nothing else is touched.
    expect(objects.filter((o) => o.kind !== 'Deployment' && o.metadata.labels['example.com/tier'] !== undefined)).toEqual([]);
  });

  test('layers apply in order: the app\'s, then the env\'s, then the region\'s', () => {
    const plan = synth({ patches: [layer('add', 'app')] }, { prod: { patches: [layer('replace', 'prod')], regions: { 'eu-west-1': { patches: [layer('replace', 'eu')] } } } });
    const annotation = (env: string, region: string) => one(objectsOf(plan, env, region), 'Deployment', 'svc').spec.template.metadata.annotations['example.com/layer'];
    expect([annotation('dev', 'us-east-1'), annotation('prod', 'us-east-1'), annotation('prod', 'eu-west-1')]).toEqual(['app', 'prod', 'eu']);
  });

  test('the ops of a patch apply in sequence: a later op sees what an earlier one did', () => {
    const plan = synth({ patches: [{ target: { kind: 'Service', name: 'svc' }, ops: [
      { op: 'copy', from: '/spec/ports/0', path: '/spec/ports/-' },
      { op: 'replace', path: '/spec/ports/1/name', value: 'http-alt' },
      { op: 'replace', path: '/spec/ports/1/port', value: 8081 },
      { op: 'test', path: '/spec/ports/0/name', value: 'http' },
    ] }] });
    expect(one(objectsOf(plan, 'dev', 'us-east-1'), 'Service', 'svc').spec.ports.map((p: any) => `${p.name}:${p.port}`)).toEqual(['http:80', 'http-alt:8081']);
  });

  test('the gate judges the patched objects: a patch that makes the container privileged stops synth', () => {
    const error = gateError(() => synth({ patches: [{ target: { kind: 'Deployment', name: 'svc' }, ops: [{ op: 'replace', path: '/spec/template/spec/containers/0/securityContext/privileged', value: true }] }] }));
    expect(error.findings.map((f) => `${f.rule} ${f.file} ${f.object} ${f.path}`)).toEqual(expect.arrayContaining([
      'pss-baseline/privileged apps/dev/us-east-1/svc/svc.yaml Deployment svc/svc spec.template.spec.containers[0].securityContext.privileged',
    ]));
  });

  test('a patch that targets nothing fails, naming the declaring file and field, the instance and what is there', () => {
    const byName = configError(() => synth({}, { dev: { patches: [{ target: { kind: 'Deployment', name: 'svc-worker' }, ops: [{ op: 'remove', path: '/spec/replicas' }] }] } }));
    expect([byName.file, byName.field]).toEqual([FIXTURES, 'apps.svc.patches[0].target']);
    expect(byName.reason).toBe('matches no object of svc in dev/us-east-1: no Deployment named "svc-worker" (its Deployment objects: svc, svc-queue)');
    // An HPA exists only where the app autoscales; the host-side objects (HTTPRoute, monitors, database claims) are not the instance's.
    const byKind = configError(() => synth({ patches: [{ target: { kind: 'HorizontalPodAutoscaler' }, ops: [{ op: 'remove', path: '/spec/minReplicas' }] }] }));
    expect([byKind.field, byKind.reason]).toEqual(['patches[0].target', expect.stringMatching(/^matches no object of svc in dev\/us-east-1: no HorizontalPodAutoscaler \(its kinds: ConfigMap, Deployment, Job, Namespace, NetworkPolicy, Service, ServiceAccount\)$/)]);
  });

  test('an op that does not apply fails, naming the op\'s field, the object and the instance (here: the path an earlier op removed)', () => {
    const e = configError(() => synth({}, { prod: { regions: { 'eu-west-1': { patches: [{ target: { kind: 'Deployment', name: 'svc-queue' }, ops: [
      { op: 'remove', path: '/spec/revisionHistoryLimit' },
      { op: 'replace', path: '/spec/revisionHistoryLimit', value: 2 },
    ] }] } } } }));
    expect([e.file, e.field, e.reason]).toEqual([FIXTURES, 'apps.svc.regions.eu-west-1.patches[0].ops[1].path',
      'replace: /spec/revisionHistoryLimit does not exist, in Deployment svc-queue of svc in prod/eu-west-1']);
  });

  test('a failing test op stops synth: the guard for an assumption about the golden app', () => {
    const e = configError(() => synth({ patches: [{ target: { kind: 'Deployment', name: 'svc' }, ops: [{ op: 'test', path: '/spec/strategy/type', value: 'Recreate' }] }] }));
    expect([e.field, e.reason]).toEqual(['patches[0].ops[0].path', 'test: /spec/strategy/type is "RollingUpdate", not "Recreate", in Deployment svc of svc in dev/us-east-1']);
  });
});

describe('extraObjects', () => {
  test('join the instance\'s file after the golden objects of their kind: the app\'s namespace by default, the instance\'s labels merged in, then the patches', () => {
    const plan = synth(
      { extraObjects: [configMap('svc-extra', { metadata: { name: 'svc-extra', labels: { 'example.com/purpose': 'fixtures', 'app.kubernetes.io/name': 'svc' } } })] },
      { prod: { regions: { 'eu-west-1': { patches: [{ target: { kind: 'ConfigMap', name: 'svc-extra' }, ops: [{ op: 'replace', path: '/data/A', value: 'eu' }] }] } } } },
    );
    const objects = objectsOf(plan, 'prod', 'us-east-1');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).slice(0, 4)).toEqual(['Namespace/svc', 'ServiceAccount/svc', 'ConfigMap/svc', 'ConfigMap/svc-extra']);
    const extra = one(objects, 'ConfigMap', 'svc-extra');
    expect(extra.metadata.namespace).toBe('svc');
    expect(extra.metadata.labels).toEqual({ ...one(objects, 'ServiceAccount', 'svc').metadata.labels, 'example.com/purpose': 'fixtures' });
    expect([extra.data.A, one(objectsOf(plan, 'prod', 'eu-west-1'), 'ConfigMap', 'svc-extra').data.A]).toEqual(['base', 'eu']);
  });

  test('are schema-checked by the gate like any object', () => {
    const error = gateError(() => synth({}, { dev: { extraObjects: [configMap('svc-extra', { data: { A: 1 } })] } }));
    expect(error.findings.map((f) => `${f.rule} ${f.file} ${f.object} ${f.path}`)).toEqual(['schema/core apps/dev/us-east-1/svc/svc.yaml ConfigMap svc/svc-extra data.A']);
  });

  test('are under the gate\'s rules, and the app\'s opt-outs (with their reasons) apply to them', () => {
    const admin = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc-admin' }, spec: { selector: { 'app.kubernetes.io/name': 'svc-admin' }, ports: [{ name: 'http', port: 80, targetPort: 9000 }] } };
    const error = gateError(() => synth({}, { dev: { extraObjects: [admin] } }));
    expect(error.findings.map((f) => `${f.rule} ${f.object}`)).toEqual(['services/selects-pods Service svc/svc-admin']);
    const plan = synth({ policy: { allow: [{ rule: 'services/selects-pods', reason: 'the admin pods are started by the vendor\'s operator' }] } }, { dev: { extraObjects: [admin] } });
    expect(one(objectsOf(plan, 'dev', 'us-east-1'), 'Service', 'svc-admin').spec.selector).toEqual({ 'app.kubernetes.io/name': 'svc-admin' });
  });

  test('a kind the env\'s AppProject does not permit fails synth (the project is not widened for it)', () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'svc' }, spec: { hard: { pods: '10' } } };
    const e = configError(() => synth({ extraObjects: [quota] }));
    expect([e.file, e.field]).toEqual([FIXTURES, 'extraObjects[0].kind']);
    expect(e.reason).toMatch(/^v1 ResourceQuota is not permitted by AppProject dev, which permits the kinds the golden app emits: ConfigMap, .*NetworkPolicy \(networking\.k8s\.io\), .*; an app's extra objects do not widen it$/);
    // The group counts: an Ingress of the retired extensions API is not networking.k8s.io's.
    const old = configError(() => synth({ extraObjects: [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'svc-old' } }] }));
    expect(old.reason).toMatch(/^extensions\/v1beta1 Ingress is not permitted by AppProject dev/);
  });

  test.each<[string, object, string, string]>([
    ['another namespace', configMap('x', { metadata: { name: 'x', namespace: 'kube-system' } }), 'extraObjects[0].metadata.namespace', '"kube-system" is not the app\'s namespace "svc", the only one AppProject dev lets svc deploy to; leave it unset'],
    ['a namespace on a cluster-scoped kind', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'svc-scratch', namespace: 'svc' } }, 'extraObjects[0].metadata.namespace', 'Namespace is cluster-scoped: it has no namespace; remove it'],
    ['a label that contradicts the instance\'s', configMap('x', { metadata: { name: 'x', labels: { 'app.kubernetes.io/part-of': 'other' } } }), 'extraObjects[0].metadata.labels.app.kubernetes.io/part-of', '"other" contradicts the instance\'s label app.kubernetes.io/part-of="svc", which every object of svc carries; remove it'],
  ])('refused: %s', (_name, extra, field, reason) => {
    const e: ConfigError = configError(() => synth({ extraObjects: [extra] }));
    expect([e.file, e.field, e.reason]).toEqual([FIXTURES, field, reason]);
  });
});
