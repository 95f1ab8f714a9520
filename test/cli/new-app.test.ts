/**
 * `npm run new-app` (issue 14, item 2): writes apps/<name>.ts and registers it through the AST editor; with --tag
 * the first dev release; the result synthesizes and passes the gate in every env. Refusals write nothing.
 */
import { parseAllDocuments } from 'yaml';
import { TempRepo } from '../support/repo';

let repo: TempRepo;
beforeEach(() => {
  repo = new TempRepo();
});
afterEach(() => repo.cleanup());

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('writes the app in the house style, registers it, records its first dev release; synth then deploys it to dev only', async () => {
  const r = await repo.cli('new-app', ['payments', '--image', 'ghcr.io/acme/payments', '--port', '8080', '--team', 'checkout', '--expose', '--database', 'postgres', '--tag', '0.1.0-SNAPSHOT-1a2b3c4', '--digest', DIGEST]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toContain('new-app: wrote apps/payments.ts, apps/index.ts, envs/releases.ts');
  expect(r.stdout).toContain('deployed to dev/us-east-1');
  expect(repo.read('apps/payments.ts')).toContain("export const payments = defineApp({\n  name: 'payments',\n  team: 'checkout',\n  image: 'ghcr.io/acme/payments',\n  port: 8080,");
  expect(repo.read('apps/index.ts')).toMatch(/import \{ payments \} from '\.\/payments';\n/);
  expect(repo.read('apps/index.ts')).toMatch(/registerApps\([^)]*, payments\)/);
  expect(repo.read('envs/releases.ts')).toContain("  payments: {\n    dev: { tag: '0.1.0-SNAPSHOT-1a2b3c4', digest: 'sha256:");
  const synth = await repo.cli('synth', []);
  expect([synth.code, synth.stderr]).toEqual([0, '']);
  expect(repo.read('dist/apps/dev/us-east-1/payments/payments.yaml')).toContain('kind: Deployment');
  expect(repo.read('dist/databases/dev/us-east-1/payments.yaml')).toContain('kind: PostgresInstance');
});

test.each([
  ['an existing name', ['echo', '--image', 'ghcr.io/acme/echo2', '--port', '8080', '--team', 't'], /^error: <name>: "echo" exists already \(apps\/echo\.ts\)$/],
  ['a name that is not a DNS label', ['Payments_Svc', '--image', 'ghcr.io/acme/p', '--port', '8080', '--team', 't'], /^error: <name>: "Payments_Svc" is not allowed/],
  ['a port out of range', ['payments', '--image', 'ghcr.io/acme/p', '--port', '70000', '--team', 't'], /^error: --port: must be an integer from 1 to 65535, got number 70000$/],
  ['an image with a tag', ['payments', '--image', 'ghcr.io/acme/p:1.0', '--port', '8080', '--team', 't'], /^error: --image: "ghcr\.io\/acme\/p:1\.0" must be a repository without tag or digest/],
  ['a tag the dev env does not allow (synth refuses, files put back)', ['payments', '--image', 'ghcr.io/acme/p', '--port', '8080', '--team', 't', '--tag', 'latest'], /latest/],
])('refused: %s, with one error line and nothing changed', async (_name, args, message) => {
  const before = ['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f));
  const r = await repo.cli('new-app', args as string[]);
  expect(r.code).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f))).toEqual(before);
  expect(() => repo.read('apps/payments.ts')).toThrow();
});

test('--kind worker adds a queue worker running --command beside the web part; synth renders it as a Deployment without a Service', async () => {
  const r = await repo.cli('new-app', ['mailer', '--image', 'ghcr.io/acme/mailer', '--port', '8080', '--team', 'growth', '--kind', 'worker', '--command', 'python -m mailer.worker', '--tag', '0.1.0-SNAPSHOT-1a2b3c4', '--digest', DIGEST]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(repo.read('apps/mailer.ts')).toContain(
    "  workloads: {\n    // The queue consumer: the same image, no Service; probed over HTTP on the app port, like the web part.\n"
    + "    worker: {\n      kind: 'worker',\n      command: ['python', '-m', 'mailer.worker'],\n",
  );
  const synth = await repo.cli('synth', []);
  expect([synth.code, synth.stderr]).toEqual([0, '']);
  const objects = parseAllDocuments(repo.read('dist/apps/dev/us-east-1/mailer/mailer.yaml')).map((d) => d.toJS());
  const worker = objects.filter((o) => o.metadata?.name === 'mailer-worker');
  expect(worker.map((o) => o.kind)).toContain('Deployment');
  expect(worker.map((o) => o.kind)).not.toContain('Service');
  const deployment = worker.find((o) => o.kind === 'Deployment');
  expect(deployment.spec.template.spec.containers[0].command).toEqual(['python', '-m', 'mailer.worker']);
});

test('--kind cron adds a CronJob on --schedule', async () => {
  const r = await repo.cli('new-app', ['reports', '--image', 'ghcr.io/acme/reports', '--port', '8080', '--team', 'data', '--kind', 'cron', '--command', 'python -m reports.nightly', '--schedule', '0 3 * * *', '--tag', '0.1.0-SNAPSHOT-1a2b3c4', '--digest', DIGEST]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(repo.read('apps/reports.ts')).toContain("    cron: { kind: 'cron', schedule: '0 3 * * *', command: ['python', '-m', 'reports.nightly'] },\n");
  const synth = await repo.cli('synth', []);
  expect([synth.code, synth.stderr]).toEqual([0, '']);
  expect(repo.read('dist/apps/dev/us-east-1/reports/reports.yaml')).toMatch(/kind: CronJob\n(.*\n)*?  schedule: 0 3 \* \* \*\n/);
});

test.each([
  ['an unknown kind', ['--kind', 'daemon'], /^error: --kind: "daemon" is not offered; allowed: web, worker, cron$/],
  ['a worker without its command', ['--kind', 'worker'], /^error: --command: is required with --kind worker/],
  ['a command for a web app', ['--command', 'python app.py'], /^error: --command: goes with --kind worker or cron/],
  ['a cron schedule that is not one', ['--kind', 'cron', '--command', 'run', '--schedule', 'nightly'], /^error: --schedule: "nightly" has 1 fields; expected 5/],
])('refused: %s, nothing written', async (_name, extra, message) => {
  const before = repo.read('apps/index.ts');
  const r = await repo.cli('new-app', ['jobs', '--image', 'ghcr.io/acme/jobs', '--port', '8080', '--team', 't', ...(extra as string[])]);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(message)]);
  expect(repo.read('apps/index.ts')).toBe(before);
  expect(() => repo.read('apps/jobs.ts')).toThrow();
});
