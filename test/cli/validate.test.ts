import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandResult, TempRepo } from '../support/repo';

/** `npm run validate` on the real command: dist/ passes; planted faults are reported one line each. */
let repo: TempRepo;
const validate = (...args: string[]): CommandResult => repo.run(process.execPath, ['--require', require.resolve('../../bin/ts-register.cjs'), 'validate.ts', ...args]);

beforeAll(() => {
  repo = new TempRepo();
});
afterAll(() => repo.cleanup());

test('the synthesized dist/ validates: schemas, vcluster values, ApplicationSet expansion', () => {
  const r = validate();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^validate: dist\/: \d+ objects, 3 ApplicationSets -> 14 Applications: ok$/m);
});

test('a directory of hand-written manifests: a plaintext Secret, an invalid custom resource and a YAML error are reported one line each', () => {
  const dir = repo.path('manifests');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2\n');
  fs.writeFileSync(path.join(dir, 'sealed.yaml'), 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  encryptedDate: {}\n');
  fs.writeFileSync(path.join(dir, 'dup.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
  const r = validate('manifests');
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(/^dup\.yaml: .*(duplicate|unique).* \(yaml\)$/i),
    'sealed.yaml: SealedSecret shop/s: spec.encryptedData: required key "encryptedData" is missing (schema/custom-resource)',
    'sealed.yaml: SealedSecret shop/s: spec.encryptedDate: unknown key "encryptedDate" (did you mean "encryptedData"? allowed: data, encryptedData, template) (schema/custom-resource)',
    'secret.yaml: Secret shop/db: stringData: must not hold values (stringData): they would be in Git in plain text; seal them with npm run seal (secrets/no-plaintext)',
    'validate: manifests/: 2 objects, 0 ApplicationSets -> 0 Applications: 4 finding(s)',
  ]);
});

test('a vcluster values key the chart does not know, in dist/, is a finding naming the Application and the path', () => {
  const file = repo.path('dist/argocd/vclusters/dev-us-east-1.yaml');
  const before = fs.readFileSync(file, 'utf8');
  try {
    fs.writeFileSync(file, before.replace('        policies:\n', '        policies:\n          isolation: true\n'));
    const r = validate();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^argocd\/vclusters\/dev-us-east-1\.yaml: Application argocd\/vcluster-dev-us-east-1: spec\.source\.helm\.valuesObject\.policies(\.isolation)?: .*isolation.* \(vcluster values schema\)$/m);
  } finally {
    fs.writeFileSync(file, before);
  }
});

test('an instance directory that no ApplicationSet generates is reported by the expansion check', () => {
  const stray = repo.path('dist/apps/qa/us-east-1/echo');
  fs.mkdirSync(stray, { recursive: true });
  fs.writeFileSync(path.join(stray, 'echo.yaml'), '# stray\n');
  try {
    const r = validate();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dist\/apps\/qa\/us-east-1\/echo.*\((instance-not-generated|instance-dir-missing|app-unexpected-directory)\)/);
  } finally {
    fs.rmSync(repo.path('dist/apps/qa'), { recursive: true, force: true });
  }
});

test('a path that is not a directory: one error line, exit 1', () => {
  const r = validate('nope');
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('error: nope: not a directory\n');
});
