/**
 * An app's workloads besides the web one (issue 13, item 1), per kind, on the frozen example: book-shop's
 * mailer worker and nightly reindex CronJob, echo's journal StatefulSet, incident-assistant-backend's PreSync
 * migration Job. Plus the model's checks (cron syntax, overrides) and a plain Job's name.
 */
import { parseAllDocuments } from 'yaml';
import { App, Chart } from 'cdk8s';
import { GoldenApp } from '../../lib/constructs/golden-app';
import { Checker } from '../../lib/model/check';
import { checkWorkloads, cronError, instanceFile, summarizeWorkload } from '../../lib/model';
import { validateCustomResource } from '../../lib/policy/schemas';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const docs = (env: string, app: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === instanceFile(env, 'us-east-1', app))!.content).map((d) => d.toJS());
const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

test('worker: a Deployment with exec probes, no Service, its own selector (the web Service does not pick it), PDB, NetworkPolicy with the app\'s egress', () => {
  const objects = docs('prod', 'book-shop');
  const worker = find(objects, 'Deployment', 'book-shop-mailer');
  expect(worker.spec.replicas).toBe(2);
  expect(worker.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'book-shop-mailer', 'app.kubernetes.io/instance': 'prod-us-east-1-book-shop' });
  const web = find(objects, 'Service', 'book-shop');
  expect(Object.entries(web.spec.selector).every(([k, v]) => worker.spec.template.metadata.labels[k] === v)).toBe(false);
  const [c] = worker.spec.template.spec.containers;
  expect([c.image, c.command, c.envFrom]).toEqual([find(objects, 'Deployment', 'book-shop').spec.template.spec.containers[0].image, ['python', '-m', 'shop.mailer'], [{ configMapRef: { name: 'book-shop' } }]]);
  expect(c.livenessProbe.exec.command).toEqual(['python', '-m', 'shop.mailer', '--alive']);
  expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
  expect(worker.spec.template.metadata.annotations).not.toHaveProperty(['prometheus.io/scrape']);
  expect(worker.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  expect(find(objects, 'PodDisruptionBudget', 'book-shop-mailer').spec.selector.matchLabels).toEqual(worker.spec.selector.matchLabels);
  const policy = find(objects, 'NetworkPolicy', 'book-shop-mailer');
  expect(policy.spec.egress).toEqual(find(objects, 'NetworkPolicy', 'book-shop').spec.egress);
  expect(policy.spec.ingress ?? []).toEqual([]);
});

test('cron: the schedule, its time zone, no overlapping runs, history limits; dev can suspend it', () => {
  const cron = find(docs('prod', 'book-shop'), 'CronJob', 'book-shop-reindex');
  expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
  expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  expect(validateCustomResource(cron)).toEqual([]);
});

test('stateful: a StatefulSet with a claim per volume and a headless Service; its replicas may talk to each other', () => {
  const objects = docs('prod', 'echo');
  const set = find(objects, 'StatefulSet', 'echo-journal');
  expect(set.spec.serviceName).toBe('echo-journal');
  expect(set.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'entries', labels: set.spec.selector.matchLabels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]);
  expect(set.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'entries', mountPath: '/var/lib/echo' }]);
  expect(find(objects, 'Service', 'echo-journal').spec).toMatchObject({ clusterIP: 'None', selector: set.spec.selector.matchLabels });
  expect(find(objects, 'NetworkPolicy', 'echo-journal').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: set.spec.selector.matchLabels } }], ports: [{ protocol: 'TCP', port: 9090 }] }]);
});

test('job: a PreSync hook (recreated before each sync) that reads the database variables, runs as the default account and does not wait for the ConfigMap', () => {
  const job = find(docs('prod', 'incident-assistant-backend'), 'Job', 'incident-assistant-backend-migrate');
  expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
  const pod = job.spec.template.spec;
  expect(pod.serviceAccountName).toBeUndefined();
  expect(pod.containers[0].envFrom.every((e: any) => (e.configMapRef ?? e.secretRef).optional === true)).toBe(true);
  expect(pod.containers[0].env.map((e: any) => e.name)).toEqual(['DB_HOST', 'DB_PORT', 'DB_NAME', 'DB_USER', 'DB_PASSWORD']);
  expect(pod.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
});

test('a plain Job is named after what it runs: a new image is a new Job (a Job\'s pod template cannot change)', () => {
  const names = ['1.0.0', '1.0.1'].map((tag) => {
    const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c');
    new GoldenApp(chart, 'a', { name: 'api', image: `ghcr.io/acme/api:${tag}`, port: 8080, workloads: { seed: { kind: 'job', command: ['seed'] } } });
    return chart.toJson().find((o: any) => o.kind === 'Job').metadata.name;
  });
  expect(names[0]).toMatch(/^api-seed-[0-9a-f]{8}$/);
  expect(names[1]).not.toBe(names[0]);
});

test.each([
  ['30 2 * * *', undefined], ['*/15 * * * 1-5', undefined], ['@daily', undefined], ['0 0 1 JAN,JUL *', undefined],
  ['30 25 * * *', 'hour field "25": 25 is outside 0-23'], ['* * * *', 'has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly'],
  ['TZ=UTC 0 0 * * *', 'a time zone goes in timeZone, not in the schedule'], ['0 0 x * *', 'day-of-month field "x" is not a number, range, list or step'],
])('cron schedule %s', (schedule, why) => {
  expect(cronError(schedule)).toBe(why);
});

test.each([
  ['web is the app itself', { web: { kind: 'worker' } }, 'workloads.web: "web" is the app itself'],
  ['liveness and readiness the same', { w: { kind: 'worker', health: { liveness: { command: ['x'] }, readiness: { command: ['x'] } } } }, 'workloads.w.health.readiness: is the same as liveness'],
  ['a stateful set without volumes', { s: { kind: 'stateful', port: 80, health: { liveness: '/l', readiness: '/r' }, volumes: {} } }, 'workloads.s.volumes: a stateful workload needs at least one volume'],
  ['a volume on /tmp', { s: { kind: 'stateful', port: 80, health: { liveness: '/l', readiness: '/r' }, volumes: { d: { size: '1Gi', mountPath: '/tmp/d' } } } }, 'workloads.s.volumes.d.mountPath: "/tmp/d" overlaps "/tmp"'],
  ['an unknown kind', { x: { kind: 'daemon' } }, 'workloads.x.kind: must be one of worker, stateful, cron, job'],
  ['an unknown time zone', { r: { kind: 'cron', schedule: '0 3 * * *', timeZone: 'Europe/Berlinn' } }, 'workloads.r.timeZone: "Europe/Berlinn" is not an IANA time zone (did you mean "Europe/Berlin"?)'],
])('refused: %s', (_name, value, message) => {
  const c = new Checker('apps/x.ts');
  expect(() => checkWorkloads(c, value, 'workloads')).toThrow(message);
});

test('an autoscaled worker: an HPA on CPU, no static replicas, a PDB from its minimum; the vcluster then serves the metrics API', () => {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c');
  new GoldenApp(chart, 'a', {
    name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080,
    workloads: { consumer: { kind: 'worker', autoscaling: { minReplicas: 2, maxReplicas: 8 }, health: { liveness: { command: ['alive'] }, readiness: { command: ['ready'] } } } },
  });
  const objects = chart.toJson();
  const deployment = objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'api-consumer');
  expect(deployment.spec.replicas).toBeUndefined();
  expect(objects.find((o: any) => o.kind === 'HorizontalPodAutoscaler').spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'api-consumer' }, minReplicas: 2, maxReplicas: 8 });
  expect(objects.find((o: any) => o.kind === 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
  const instance = { ...plan.resolved.instances.find((i) => i.app === 'echo')!, workloads: [{ name: 'consumer', kind: 'worker', autoscaling: { maxReplicas: 8 }, health: { liveness: { command: ['a'] }, readiness: { command: ['r'] } }, resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] } as any;
  const w = summarizeWorkload([instance]);
  expect([w.autoscaling, w.maxPods]).toEqual([true, instance.replicas + 8]);
});
