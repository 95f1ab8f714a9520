import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandResult, TempRepo } from '../support/repo';

/**
 * `npm run validate`: dist/ passes; planted faults are reported one line each. The pipe from stdin is the real command
 * in a process of its own; the other runs call its entry point in-process (TempRepo.cli).
 */
let repo: TempRepo;
const validate = (...args: string[]): Promise<CommandResult> => repo.cli('validate', args);

beforeAll(() => {
  repo = new TempRepo();
});
afterAll(() => repo.cleanup());

test('the synthesized dist/ validates: schemas, vcluster values, ApplicationSet expansion', async () => {
  const r = await validate();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^validate: dist\/: 327 objects in 69 files, \d+ rules: ok$/m);
  const json = await validate('--format', 'json');
  expect(json.code).toBe(0);
  expect(JSON.parse(json.stdout)).toMatchObject({ dir: 'dist', objects: 327, applicationSets: 3, errors: 0, warnings: 0, findings: [] });
});

test('a directory of hand-written manifests: a plaintext Secret, an invalid custom resource and a YAML error are reported one line each', async () => {
  const dir = repo.path('manifests');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2\n');
  fs.writeFileSync(path.join(dir, 'sealed.yaml'), 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  encryptedDate: {}\n');
  fs.writeFileSync(path.join(dir, 'dup.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
  const r = await validate('manifests');
  expect(r.code).toBe(1);
  const [note, ...lines] = r.stderr.trim().split('\n');
  // Not a dist/ tree: one note first, then the findings.
  expect(note).toBe('note: manifests/: not a dist/ tree: ApplicationSet expansion and cluster placement checks skipped');
  // Every rule runs (labels, namespaces... fire too); these are the planted faults, one line each.
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(/^manifests\/dup\.yaml: .*(duplicate|unique).* \(yaml\/parse\)$/i),
    'manifests/sealed.yaml: SealedSecret shop/s: spec.encryptedData: required key "encryptedData" is missing (schema/custom-resource)',
    'manifests/sealed.yaml: SealedSecret shop/s: spec.encryptedDate: unknown key "encryptedDate" (did you mean "encryptedData"? allowed: data, encryptedData, template) (schema/custom-resource)',
    'manifests/secret.yaml: Secret shop/db: stringData: must not hold values (stringData): they would be in Git in plain text; seal them with npm run seal (secrets/no-plaintext)',
  ]));
  // Grouped by file: all lines of a file are together, a blank line between files.
  const files = lines.filter((l) => l !== '' && !l.startsWith('validate:')).map((l) => l.replace(/^warning: /, '').split(':')[0]);
  expect(files).toEqual([...files].sort());
  expect(lines.filter((l) => l === '').length).toBe(new Set(files).size - 1);
  expect(lines[lines.length - 1]).toMatch(/^validate: manifests\/: 2 objects in 3 files, \d+ rules: \d+ error\(s\)/);
});

test('a vcluster values key the chart does not know, in dist/, is a finding naming the Application and the path', async () => {
  const file = repo.path('dist/argocd/vclusters/dev-us-east-1.yaml');
  const before = fs.readFileSync(file, 'utf8');
  try {
    fs.writeFileSync(file, before.replace('        policies:\n', '        policies:\n          isolation: true\n'));
    const r = await validate();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dist\/argocd\/vclusters\/dev-us-east-1\.yaml: Application argocd\/vcluster-dev-us-east-1: spec\.source\.helm\.valuesObject\.policies(\.isolation)?: .*isolation.* \(schema\/vcluster-values\)$/m);
  } finally {
    fs.writeFileSync(file, before);
  }
});

test('an instance directory that no ApplicationSet generates is reported by the expansion check', async () => {
  const stray = repo.path('dist/apps/qa/us-east-1/echo');
  fs.mkdirSync(stray, { recursive: true });
  fs.writeFileSync(path.join(stray, 'echo.yaml'), '# stray\n');
  try {
    const r = await validate();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^dist\/argocd\/appsets\/[a-z/-]+\.yaml: ApplicationSet argocd\/[a-z-]+: dist\/apps\/qa\/us-east-1\/echo.* \(argocd\/appset-expansion\)$/m);
  } finally {
    fs.rmSync(repo.path('dist/apps/qa'), { recursive: true, force: true });
  }
});

test('a path that does not exist: one error line, exit 1', async () => {
  const r = await validate('nope');
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('error: nope: no such file or directory; expected a directory of YAML, a YAML file, or - for standard input\n');
});

test('stdin through the real command: helm template x | npm run validate -- -', () => {
  repo.write('piped.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2\n');
  const r = repo.run('sh', ['-c', `cat piped.yaml | ${JSON.stringify(process.execPath)} --require ${JSON.stringify(require.resolve('../../bin/ts-register.cjs'))} validate.ts -`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('<stdin>: Secret shop/db: stringData: must not hold values (stringData)');
});
