/**
 * `npm run new-app -- <name> ... --template python-service --out DIR` (issue 16, item 3): the app spec as new-app
 * writes it, matching the template (PORT, metrics), and the application repository made from the template, whose
 * tests pass. Refusals (a non-empty --out, --out without --template, a name that cannot name the package) write
 * nothing. `npm run template` writes the repository alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TextSink } from '../../lib/cli/command';
import { readTemplate, readTree } from '../../lib/cli/template-files';
import { templateCommand } from '../../lib/cli/template';
import { renderTemplate } from '../../lib/template';
import { platform } from '../fixtures/example/envs/platform';
import { pytest } from '../support/python';
import { TempRepo } from '../support/repo';

let repo: TempRepo;
beforeEach(() => {
  repo = new TempRepo();
});
afterEach(() => repo.cleanup());

const DIGEST = `sha256:${'a'.repeat(64)}`;
const ARGS = ['gift-shop', '--image', 'ghcr.io/acme/gift-shop', '--port', '9000', '--team', 'shop', '--template', 'python-service'];

test('writes the spec for the template and, with --out, the repository from the template; its tests pass and the app synthesizes with its metrics and smoke test', async () => {
  const r = await repo.cli('new-app', [...ARGS, '--out', 'out/gift-shop', '--tag', '0.1.0-SNAPSHOT-1a2b3c4', '--digest', DIGEST]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toContain('new-app: wrote apps/gift-shop.ts, apps/index.ts, envs/releases.ts\n');
  expect(r.stdout).toContain(`new-app: wrote out/gift-shop/: ${readTemplate('python-service').size} files from templates/python-service\n`);

  const spec = repo.read('apps/gift-shop.ts');
  expect(spec).toContain('made by `npm run new-app` from templates/python-service');
  expect(spec).toContain("  port: 9000,\n  portEnv: 'PORT',\n  health: { liveness: '/healthz', readiness: '/readyz' },\n  metrics: { errorRatio: { metric: 'http_requests_total' } },\n");

  // The repository is the template rendered for this app, with the platform's repository as the dispatch target.
  const want = renderTemplate(readTemplate('python-service'), { name: 'gift-shop', image: 'ghcr.io/acme/gift-shop', port: 9000, gitopsRepository: 'acme/gitops' });
  expect(readTree(repo.path('out/gift-shop'))).toEqual(want);
  expect(repo.read('out/gift-shop/.github/workflows/build.yml')).toContain("GITOPS_REPOSITORY: 'acme/gitops'");
  expect(fs.existsSync(repo.path('out/gift-shop/src/gift_shop/routes.py'))).toBe(true);

  const tests = pytest(repo.path('out/gift-shop'));
  if (tests.code !== 0) throw new Error(tests.output);
  expect(tests.summary).toMatch(/^\d+ passed in /);

  const synth = await repo.cli('synth', []);
  expect([synth.code, synth.stderr]).toEqual([0, '']);
  const objects = parseAllDocuments(repo.read('dist/apps/dev/us-east-1/gift-shop/gift-shop.yaml')).map((d) => d.toJS());
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gift-shop');
  const container = deployment.spec.template.spec.containers[0];
  expect(container.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: '9000' }]));
  expect(container.securityContext).toMatchObject({ runAsUser: 10001, readOnlyRootFilesystem: true });
  expect(container.readinessProbe.httpGet.path).toBe('/readyz');
  // The PostSync smoke test asks /readyz and /metrics (a "# TYPE " line): both served by the template.
  const smoke = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'gift-shop-smoke-test');
  const args: string[] = smoke.spec.template.spec.containers[0].command;
  expect(args.filter((a) => a.startsWith('http://'))).toEqual([expect.stringMatching(/\/readyz$/), expect.stringMatching(/\/metrics$/)]);
});

test('--template without --out writes the spec only and says how to write the repository', async () => {
  const r = await repo.cli('new-app', ARGS);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toContain('its repository: npm run template -- python-service --name gift-shop --image ghcr.io/acme/gift-shop --port 9000 --out DIR');
  expect(repo.read('apps/gift-shop.ts')).toContain("portEnv: 'PORT'");
});

test('--gitops-repo names the repository the CI dispatches to', async () => {
  const r = await repo.cli('new-app', [...ARGS, '--out', 'out/gift-shop', '--gitops-repo', 'acme/platform-gitops']);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(repo.read('out/gift-shop/.github/workflows/build.yml')).toContain("GITOPS_REPOSITORY: 'acme/platform-gitops'");
});

test.each([
  ['an --out directory that is not empty', [...ARGS, '--out', 'taken'], /^error: --out: .*taken exists and is not empty; nothing written$/],
  ['--out without --template', ['gift-shop', '--image', 'ghcr.io/acme/gift-shop', '--port', '9000', '--team', 'shop', '--out', 'out/x'], /^error: --out: goes with --template/],
  ['an unknown template', ['gift-shop', '--image', 'ghcr.io/acme/gift-shop', '--port', '9000', '--team', 'shop', '--template', 'nodejs', '--out', 'out/x'], /^error: --template: "nodejs" is not a template; allowed: python-service$/],
  ['a name that would shadow a Python module', ['logging', '--image', 'ghcr.io/acme/logging', '--port', '9000', '--team', 'shop', '--template', 'python-service', '--out', 'out/x'], /^error: <name>: "logging" would name the Python package "logging"/],
  ['a bad --gitops-repo', [...ARGS, '--out', 'out/x', '--gitops-repo', 'https://github.com/acme/gitops'], /^error: --gitops-repo: "https:\/\/github\.com\/acme\/gitops" must be a GitHub repository as owner\/name/],
])('refused: %s; nothing written', async (_what, args, message) => {
  repo.write('taken/README.md', 'mine\n');
  const before = ['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f));
  const r = await repo.cli('new-app', args);
  expect(r.code).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
  expect(['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f))).toEqual(before);
  expect(fs.existsSync(repo.path(`apps/${args[0]}.ts`))).toBe(false);
  expect(fs.existsSync(repo.path('out'))).toBe(false);
  expect(fs.readdirSync(repo.path('taken'))).toEqual(['README.md']);
});

test('a platform repository that is not on GitHub needs --gitops-repo: refused after the synth, every file put back', async () => {
  repo.edit('envs/platform.ts', "repoURL: 'https://github.com/acme/gitops.git'", "repoURL: 'https://gitlab.example.com/acme/gitops.git'");
  const before = ['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f));
  const r = await repo.cli('new-app', [...ARGS, '--out', 'out/gift-shop']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe("error: --gitops-repo: is needed: envs/platform.ts gitops.repoURL (https://gitlab.example.com/acme/gitops.git) is not a GitHub repository the app's CI can dispatch releases to\n");
  expect(['apps/index.ts', 'envs/releases.ts'].map((f) => repo.read(f))).toEqual(before);
  expect(fs.existsSync(repo.path('apps/gift-shop.ts'))).toBe(false);
  expect(fs.existsSync(repo.path('out'))).toBe(false);
});

test('--help shows the template options and an example', async () => {
  const r = await repo.cli('new-app', ['--help']);
  expect(r.code).toBe(0);
  for (const s of ['--template <template>', '--out <dir>', '--gitops-repo <owner/name>', '--template python-service --out ../payments']) expect(r.stdout).toContain(s);
});

describe('npm run template', () => {
  const run = async (args: string[]) => {
    const out = new TextSink();
    const err = new TextSink();
    const code = await templateCommand(args, () => platform, { out, err });
    return { code, stdout: out.text, stderr: err.text };
  };

  test('writes the repository alone, the GitOps repository from the platform', async () => {
    const dir = repo.path('alone');
    const r = await run(['python-service', '--name', 'echo', '--image', 'ghcr.io/acme/echo', '--port', '8080', '--out', dir]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('files from templates/python-service (echo, ghcr.io/acme/echo, releases to acme/gitops)');
    // The example without its overlay: what the template alone makes for echo.
    const example = readTree(path.join(__dirname, '..', '..', 'examples', 'echo'));
    const alone = readTree(dir);
    expect([...alone.keys()]).toEqual([...example.keys()]);
    expect(alone.get('Dockerfile')).toBe(example.get('Dockerfile'));
  });

  test('refuses a non-empty --out and bad parameters, one line each, writing nothing', async () => {
    repo.write('full/x', 'x');
    const taken = await run(['python-service', '--name', 'echo', '--image', 'ghcr.io/acme/echo', '--port', '8080', '--out', repo.path('full')]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^error: --out: .*full exists and is not empty; nothing written\n$/);
    const bad = await run(['python-service', '--name', '9lives', '--image', 'ghcr.io/acme/x:1', '--port', '0', '--out', repo.path('new')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n').filter(Boolean)).toEqual([
      'error: --name: "9lives" must start with a letter: it names the Python package "9lives"',
      'error: --image: "ghcr.io/acme/x:1" must be an image repository without tag or digest, e.g. ghcr.io/acme/9lives',
      'error: --port: must be an integer from 1 to 65535, got 0',
    ]);
    expect(fs.existsSync(repo.path('new'))).toBe(false);
  });
});
