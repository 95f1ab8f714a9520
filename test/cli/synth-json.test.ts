/**
 * `npm run synth -- --json`: one JSON object on stdout, on success, on a stale --check, on bad input
 * and on policy errors (then with the findings as data); the human lines stay on stderr.
 */
import { TempRepo } from '../support/repo';

let repo: TempRepo;
beforeEach(() => {
  repo = new TempRepo();
});
afterEach(() => repo.cleanup());

const parse = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

test('success: what was written, counted from the registries', async () => {
  repo.edit('envs/prod.ts', 'replicas: 3,', 'replicas: 4,');
  const r = await repo.cli('synth', ['--json']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  const o = parse(r.stdout);
  expect(o).toMatchObject({ ok: true, outdir: 'dist', instances: 14, envs: 3, envRegions: 4 });
  expect((o.files as { written: string[] }).written).toContain('apps/prod/us-east-1/echo/echo.yaml');
  expect((o.files as { written: string[] }).written.every((p) => !p.startsWith('apps/dev/'))).toBe(true);
  expect(o.notReleased).toEqual([
    { app: 'incident-assistant-backend', env: 'prod', region: 'eu-west-1' },
    { app: 'incident-assistant-frontend', env: 'prod', region: 'eu-west-1' },
  ]);
});

test('--check: up to date is ok: true; stale is the failure object with the stale, missing and extra files', async () => {
  expect(parse((await repo.cli('synth', ['--check', '--json'])).stdout)).toMatchObject({ ok: true, check: true, files: 70 });
  repo.edit('envs/prod.ts', 'replicas: 3,', 'replicas: 4,');
  const r = await repo.cli('synth', ['--check', '--json']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^synth --check: dist\/ is out of date/);
  const o = parse(r.stdout);
  expect(o).toMatchObject({ ok: false, exit: 1, error: { message: expect.stringContaining('out of date'), file: 'dist', line: null, field: null }, missing: [], extra: [] });
  expect(o.stale).toContain('apps/prod/eu-west-1/echo/echo.yaml');
});

test('bad input: the failure object names the file, line and field', async () => {
  repo.edit('apps/echo.ts', '  port: 8080,\n', '  port: 8080,\n  replica: 2,\n');
  const r = await repo.cli('synth', ['--json']);
  expect(r.code).toBe(1);
  expect(parse(r.stdout)).toEqual({ ok: false, exit: 1, error: { message: expect.stringMatching(/^apps\/echo\.ts:10: replica: unknown key/), file: 'apps/echo.ts', line: 10, field: 'replica' } });
});

test('bad input in metrics.errorRatio: one line naming the app file, its line and the field', async () => {
  repo.edit('apps/book-shop.ts', 'threshold: 0.05', 'threshold: 5');
  const r = await repo.cli('synth', ['--json']);
  expect(r.code).toBe(1);
  expect(parse(r.stdout)).toEqual({
    ok: false, exit: 1,
    error: { message: 'apps/book-shop.ts:13: metrics.errorRatio.threshold: must be a number between 0 and 1 (exclusive), e.g. 0.05 for 5%, got 5', file: 'apps/book-shop.ts', line: 13, field: 'metrics.errorRatio.threshold' },
  });
  repo.edit('apps/book-shop.ts', 'threshold: 5', 'threshold: 0.05');
});

test('policy errors: the failure object carries every finding as data; nothing is written', async () => {
  const before = repo.snapshotTree();
  // prod allows images from ghcr.io/acme/ only (images/registry)
  repo.edit('apps/echo.ts', "image: 'ghcr.io/acme/echo'", "image: 'quay.io/acme/echo'");
  const r = await repo.cli('synth', ['--json']);
  expect(r.code).toBe(1);
  const o = parse(r.stdout) as { ok: boolean; error: { message: string }; findings: { rule: string; file: string; object: string; path: string }[] };
  expect(o.ok).toBe(false);
  expect(o.error.message).toMatch(/policy error\(s\); nothing written/);
  expect(o.findings.length).toBeGreaterThan(0);
  expect(o.findings.map((f) => `${f.rule} ${f.file} ${f.object} ${f.path}`).sort()).toEqual([
    'images/registry apps/prod/eu-west-1/echo/echo.yaml Deployment echo/echo spec.template.spec.containers[0].image',
    'images/registry apps/prod/eu-west-1/echo/echo.yaml StatefulSet echo/echo-journal spec.template.spec.containers[0].image',
    'images/registry apps/prod/us-east-1/echo/echo.yaml Deployment echo/echo spec.template.spec.containers[0].image',
    'images/registry apps/prod/us-east-1/echo/echo.yaml StatefulSet echo/echo-journal spec.template.spec.containers[0].image',
  ]);
  expect(repo.snapshotTree()).toEqual(before);
});

test('a usage error under --json is the failure object too (exit 2)', async () => {
  const r = await repo.cli('synth', ['--json', '--chekc']);
  expect(r.code).toBe(2);
  expect(parse(r.stdout)).toMatchObject({ ok: false, exit: 2, error: { message: expect.stringContaining('--chekc') } });
});
