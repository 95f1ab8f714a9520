/**
 * The README's "Add an environment" tour, run as written on a copy of the example repository: the
 * env file from the README, registered between dev and staging, then certificates, sealed values,
 * releases by promotion, synth and validate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TempRepo } from '../support/repo';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block after a heading. */
function codeAfter(heading: string): string {
  const at = README.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const m = /```ts\n([\s\S]*?)```/.exec(README.slice(at));
  if (!m) throw new Error(`no ts block after "${heading}"`);
  return m[1];
}

let repo: TempRepo;
beforeAll(() => {
  repo = new TempRepo();
  repo.write('envs/qa.ts', codeAfter('### Add an environment'));
  repo.edit('envs/index.ts', "import { prod } from './prod';", "import { prod } from './prod';\nimport { qa } from './qa';");
  repo.edit('envs/index.ts', 'registerEnvironments(dev, staging, prod)', 'registerEnvironments(dev, qa, staging, prod)');
});
afterAll(() => repo?.cleanup());

test('synth: the new env starts empty, and the summary counts it and its regions', async () => {
  const r = await repo.cli('synth', []);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^synth: 14 instances \(4 envs, 6 env-regions\)/);
  expect(r.stdout).toMatch(/not released \(not deployed\): .*echo in qa\/us-east-1, qa\/eu-west-1/);
  for (const f of ['argocd/projects/qa.yaml', 'argocd/appsets/qa/services.yaml', 'argocd/vclusters/qa-us-east-1.yaml', 'argocd/vclusters/qa-eu-west-1.yaml']) {
    expect(fs.existsSync(repo.path(`dist/${f}`))).toBe(true);
  }
});

test('certificates: seal refuses a region without one; with it, the value is sealed', async () => {
  const refused = await repo.cli('seal', ['incident-assistant-backend', 'qa', 'OPENAI_API_KEY'], { stdin: 'sk-test-qa-not-a-real-key' });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/envs\/certs\/qa-us-east-1\.pem.*no certificate for qa\/us-east-1; fetch it from that cluster: kubeseal --fetch-cert/);
  for (const region of ['us-east-1', 'eu-west-1']) fs.copyFileSync(repo.path('envs/certs/dev-us-east-1.pem'), repo.path(`envs/certs/qa-${region}.pem`));
  const sealed = await repo.cli('seal', ['incident-assistant-backend', 'qa', 'OPENAI_API_KEY'], { stdin: 'sk-test-qa-not-a-real-key' });
  expect(sealed.stderr).toBe('');
  expect(sealed.stdout).toContain('sealed OPENAI_API_KEY of incident-assistant-backend for qa (us-east-1, eu-west-1)');
});

test('releases: promotion follows the new order (dev -> qa -> staging), and synth deploys what was promoted', async () => {
  const skip = await repo.cli('release', ['promote', 'echo', '--from', 'dev', '--to', 'staging']);
  expect(skip.code).toBe(1);
  expect(skip.stderr).toMatch(/qa/);
  const r = await repo.cli('release', ['promote', 'echo', '--from', 'dev', '--to', 'qa']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(fs.existsSync(repo.path('dist/apps/qa/eu-west-1/echo/echo.yaml'))).toBe(true);
  // Now that qa runs dev's digest, dev -> staging is allowed (nothing in between lacks it).
  expect((await repo.cli('release', ['promote', 'echo', '--from', 'dev', '--to', 'staging', '--dry-run'])).code).toBe(0);
});

test('synth --check and validate pass on the result', async () => {
  expect((await repo.cli('synth', ['--check'])).code).toBe(0);
  const v = await repo.cli('validate', []);
  expect(v.stderr).toBe('');
  expect(v.code).toBe(0);
});
