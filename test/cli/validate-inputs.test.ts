import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { NOT_DIST_NOTE, STDIN_NAME, validateCommand } from '../../lib/cli/validate';
import { ALL_RULES } from '../../lib/policy/gate';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/**
 * `validate` takes any input, in-process: a directory of any name (with the dist/ layout: every check, the directory
 * playing dist/; without: the ApplicationSet checks skipped with a note), one file, or `-` for standard input.
 */
const plan = planSynth(exampleInput);
const load = () => ({ addons: exampleInput.addons, apps: exampleInput.apps, envs: exampleInput.envs, platform: exampleInput.platform });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
async function validate(args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) => ({ write: (s: string) => (append(s), true) }) as unknown as NodeJS.WritableStream;
  const code = await validateCommand(args, load, sink((s) => (stdout += s)), sink((s) => (stderr += s)), Readable.from([stdin]));
  return { code, stdout, stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-inputs-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes the example's dist/ files (as synth plans them, in memory) to `tmp/<name>`. */
function writeDist(name: string, filter: (p: string) => boolean = () => true): string {
  const dir = path.join(tmp, name);
  for (const f of plan.files.filter((x) => filter(x.path))) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.content);
  }
  return dir;
}

const SERVICE_TYPO = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selctor:\n    app: web\n  ports:\n    - port: 80\n';
const TYPO_LINE = /: Service shop\/web: spec\.selctor: unknown key "selctor" \(did you mean "selector"\?.*\(schema\/core\)$/m;

describe('a directory', () => {
  test('a copy of dist/ under another name passes every check, the ApplicationSet expansion included', async () => {
    const dir = writeDist('out-copy');
    const r = await validate([dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`validate: ${dir}/: ${plan.objects} objects in ${plan.files.length - 1} files, ${ALL_RULES.length} rules: ok\n`);
    const json = await validate([dir, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ input: 'directory', dir, objects: plan.objects, applicationSets: 3, expansion: 'checked', errors: 0, findings: [] });
  });

  test('the expansion checks do run in a copy: an instance directory no ApplicationSet generates is reported', async () => {
    const dir = writeDist('copy-with-stray');
    fs.mkdirSync(path.join(dir, 'apps/qa/us-east-1/echo'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'apps/qa/us-east-1/echo/echo.yaml'), '# stray\n');
    const r = await validate([dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { rule: string; file: string; object: string; message: string }[];
    expect(findings.map((f) => [f.rule, f.file, f.object, f.message.split(':')[0]])).toEqual([
      ['argocd/appset-expansion', 'argocd/appsets/dev/services.yaml', 'ApplicationSet argocd/dev-services', 'dist/apps/qa/us-east-1/echo'],
    ]);
  });

  test('the placement checks run in a copy, with the repository\'s add-ons: a vcluster without metrics-server integration is reported', async () => {
    const dir = writeDist('copy-metrics-off');
    const file = path.join(dir, 'argocd/vclusters/prod-eu-west-1.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/(metricsServer:\n[\s\S]*?)enabled: true/, '$1enabled: false'));
    const r = await validate([dir, '--format', 'json']);
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { rule: string; file: string; object: string; message: string }[];
    expect(findings.map((f) => [f.rule, f.file, f.object, f.message])).toEqual([
      ['cluster/metrics-api', 'apps/prod/eu-west-1/book-shop/book-shop.yaml', 'HorizontalPodAutoscaler book-shop/book-shop', 'vcluster prod-eu-west-1 does not serve metrics.k8s.io: integrations.metricsServer.enabled is not true in its values (argocd/vclusters/prod-eu-west-1.yaml)'],
    ]);
  });

  test('a directory without the dist/ layout: every other rule runs, the ApplicationSet checks are skipped with one note', async () => {
    // The ApplicationSets are there, but not where synth writes them: no dist/ tree.
    const dir = writeDist('flat', (p) => p.startsWith('apps/dev/'));
    fs.copyFileSync(path.join(writeDist('flat-src', (p) => p === 'argocd/appsets/dev/services.yaml'), 'argocd/appsets/dev/services.yaml'), path.join(dir, 'appset.yaml'));
    fs.writeFileSync(path.join(dir, 'svc.yaml'), SERVICE_TYPO);
    const r = await validate([dir]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`note: ${dir}/: ${NOT_DIST_NOTE}`);
    expect(lines.filter((l) => l.startsWith('note:'))).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${dir}/svc\\.yaml${TYPO_LINE.source.slice(0, -1)}`, 'm'));
    expect(r.stderr).not.toMatch(/argocd\/appset-(expansion|paths-exist)/);
    const quiet = await validate([dir, '-q']);
    expect(quiet.stderr).not.toMatch(/^note:/m);
  });
});

describe('one file', () => {
  test('a planted fault is reported, the file named as given', async () => {
    const file = path.join(tmp, 'deploy.yaml');
    fs.writeFileSync(file, SERVICE_TYPO);
    const r = await validate([file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${file}${TYPO_LINE.source.slice(0, -1)}`, 'm'));
    expect(r.stderr).toContain(`note: ${file}: ${NOT_DIST_NOTE}\n`);
    expect(r.stderr).toMatch(new RegExp(`^validate: ${file}: 1 objects in 1 file, \\d+ rules: \\d+ error\\(s\\)`, 'm'));
    const json = JSON.parse((await validate([file, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ input: 'file', file, objects: 1, expansion: 'skipped' });
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: 'schema/core', file, object: 'Service shop/web', path: 'spec.selctor' }));
  });

  test('a clean instance manifest of the example passes', async () => {
    const file = path.join(writeDist('one', (p) => p === 'apps/dev/us-east-1/echo/echo.yaml'), 'apps/dev/us-east-1/echo/echo.yaml');
    const r = await validate([file, '-q']);
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', '']);
  });
});

describe('standard input', () => {
  test('- reads YAML from stdin; findings name it <stdin>', async () => {
    const r = await validate(['-'], SERVICE_TYPO);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${STDIN_NAME}${TYPO_LINE.source.slice(0, -1)}`, 'm'));
    expect(r.stderr).toMatch(/^validate: <stdin>: 1 objects in 1 file, \d+ rules: \d+ error\(s\)/m);
    const json = JSON.parse((await validate(['-', '--format', 'json'], SERVICE_TYPO)).stdout);
    expect(json).toMatchObject({ input: 'stdin', file: '<stdin>', expansion: 'skipped' });
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: 'schema/core', file: '<stdin>', path: 'spec.selctor' }));
  });

  test('a YAML error on stdin is a finding, not a crash', async () => {
    const r = await validate(['-', '--format', 'json'], 'a: [1\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({ rule: 'yaml/parse', file: '<stdin>' })]);
  });
});

test('a path that does not exist: one error line naming it and what is allowed, exit 1', async () => {
  const r = await validate([path.join(tmp, 'nope')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`error: ${path.join(tmp, 'nope')}: no such file or directory; expected a directory of YAML, a YAML file, or - for standard input\n`);
});

test('--help documents the three inputs', async () => {
  const r = await validate(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/DIR .*\n[\s\S]*FILE .*\n[\s\S]*- +YAML from standard input/);
  expect(r.stdout).toContain('helm template web ./chart | npm run validate -- -');
});
