import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { Composition, CompositionSpecMode, CompositeResourceDefinitionV2 } from '../../imports/apiextensions.crossplane.io';
import { ApplicationSet } from '../../imports/argoproj.io';
import { DeploymentRuntimeConfig, Function as CrossplaneFunction, FunctionV1Beta1, Provider } from '../../imports/pkg.crossplane.io';
import { hasCustomResourceSchema, validateCustomResource } from '../../lib/policy';
import { main, shareRepeatedSubschemas, toJsonSchema } from '../../scripts/import';

const ROOT = path.resolve(__dirname, '..', '..');
/** The pinned upstream files (outside the project); the tests that need them are skipped without them. */
const CRDS = process.env.CRDS_DIR ?? path.resolve(ROOT, '..', 'shared', 'crds');
const withCrds = fs.existsSync(CRDS) ? describe : describe.skip;

/** Every file under `dir` (relative path -> bytes). */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

let committed: Map<string, Buffer> | undefined;

/** `dir`/imports holds exactly the committed imports/, byte for byte. */
function expectCommittedImports(dir: string) {
  const a = tree(path.join(dir, 'imports'));
  const b = (committed ??= tree(path.join(ROOT, 'imports')));
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [rel, bytes] of b) expect({ rel, same: a.get(rel)!.equals(bytes) }).toEqual({ rel, same: true });
}

/**
 * A copy of the project's import inputs and imports/ (node_modules symlinked) in a temporary directory; lib/ too: the
 * import shares the CRD -> JSON Schema translation with the gate (lib/policy/crd-json-schema.ts).
 */
function projectCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-import-test-'));
  for (const p of ['package.json', 'cdk8s.yaml', 'scripts', 'lib', 'imports']) fs.cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** `npm run import` in the project copy `dir`, as a process. */
function runImport(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--require', require.resolve('../../bin/ts-register.cjs'), 'scripts/import.ts', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in-process (its main() with the project copy `dir` as root): no node start, no compiler load. */
async function importInProcess(dir: string, args: string[]) {
  const text = { out: '', err: '' };
  const sink = (key: keyof typeof text) =>
    new Writable({
      write(chunk, _encoding, done) {
        text[key] += String(chunk);
        done();
      },
    });
  const status = await main(args, { root: dir, out: sink('out'), err: sink('err') });
  return { status, stdout: text.out, stderr: text.err };
}

const copies: string[] = [];
afterAll(() => copies.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

withCrds('npm run import', () => {
  it('regenerates the committed imports/ byte for byte (deterministic, up to date)', () => {
    const dir = projectCopy();
    copies.push(dir);
    fs.rmSync(path.join(dir, 'imports', 'schemas'), { recursive: true }); // must come back as it was
    fs.writeFileSync(path.join(dir, 'imports', 'stale.ts'), '// an old cdk8s import output\n'); // must go
    const r = runImport(dir, ['--from', CRDS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^import: 7 API groups \(apiextensions\.crossplane\.io, argoproj\.io, bitnami\.com, external-secrets\.io, gateway\.networking\.k8s\.io, monitoring\.coreos\.com, pkg\.crossplane\.io\), our XRD's claim: PostgresInstance\.platform\.acme\.io, schemas only: Instance\.rds\.aws\.upbound\.io, SubnetGroup\.rds\.aws\.upbound\.io, Gateway\.gateway\.networking\.k8s\.io, GatewayClass\.gateway\.networking\.k8s\.io, ReferenceGrant\.gateway\.networking\.k8s\.io, Kubernetes 1\.28\.0 \(\d+ kinds\), 146 files -> imports\/ in [\d.]+ s\n$/);
    expectCommittedImports(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdk8s.yaml', 'imports', 'lib', 'node_modules', 'package.json', 'scripts']);
  });

  describe('on bad input', () => {
    // One project copy for all the failures: each must leave it as it was (checked after each), so the next
    // starts from the committed imports/; each writes the cdk8s.yaml it needs.
    let dir: string;
    let empty: string;
    const config = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
    beforeAll(() => {
      dir = projectCopy();
      empty = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-empty-'));
      copies.push(dir, empty);
    });
    beforeEach(() => fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), config));

    /** What a failure must leave: imports/ as committed, no `.imports-*` temporaries. */
    const expectUntouched = () => {
      expectCommittedImports(dir);
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('.imports-'))).toEqual([]);
    };

    it.each([
      ['a --from directory without the files', () => ['--from', empty], /^error: application-crd\.yaml not found under .* \(source https:\/\/raw\.githubusercontent\.com\/argoproj\/argo-cd\/v3\.5\.1\/manifests\/crds\/application-crd\.yaml\)$/],
      ['a --from directory that does not exist', () => ['--from', path.join(empty, 'nope')], /^error: --from .*nope: not a directory$/],
      ['an unknown argument', () => ['--form', CRDS], /^error: unknown argument "--form"/],
    ])('fails on %s with one line, exit 1, imports/ unchanged', async (_what, args, message) => {
      const r = await importInProcess(dir, args());
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toEqual([expect.stringMatching(message), '']);
      expectUntouched();
    });

    it('exits with status 1 as a process too (the entry point passes on main()\'s code)', () => {
      const r = runImport(dir, ['--form', CRDS]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^error: unknown argument "--form"[^\n]*\n$/);
      expectUntouched();
    });

    it.each([
      ['missing', (text: string) => text.replace(/^kubernetes: .*\n/m, '')],
      ['not a definitions URL', (text: string) => text.replace(/^kubernetes: .*$/m, 'kubernetes: https://example.com/k8s.json')],
    ])('refuses a cdk8s.yaml whose kubernetes: is %s with one line naming the field, imports/ unchanged', async (_what, edit) => {
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), edit(config));
      const r = await importInProcess(dir, ['--from', CRDS]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('error: cdk8s.yaml: kubernetes: must be the https URL of the Kubernetes definitions, .../v<major>.<minor>.<patch>/_definitions.json\n');
      expectUntouched();
    });

    it('refuses a CRD listed in both imports: and schemaOnly: with one line naming it, imports/ unchanged', async () => {
      const doc = YAML.parseDocument(config);
      const url = (doc.get('schemaOnly') as YAML.YAMLSeq<YAML.Scalar<string>>).items[0].value;
      (doc.get('imports') as YAML.YAMLSeq).add(url);
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), doc.toString());
      const r = await importInProcess(dir, ['--from', CRDS]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`error: cdk8s.yaml: ${url} is in both imports: and schemaOnly:\n`);
      expectUntouched();
    });

    it('refuses a cdk8s.yaml whose xrdGroup: is not an API group with one line naming the field, imports/ unchanged', async () => {
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), config.replace(/^xrdGroup: .*$/m, 'xrdGroup: Platform_Acme'));
      const r = await importInProcess(dir, ['--from', CRDS]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('error: cdk8s.yaml: xrdGroup: must be an API group (a DNS subdomain such as platform.acme.io)\n');
      expectUntouched();
    });

    it('fails late (after cdk8s import ran) without touching imports/', async () => {
      // A corrupt vcluster values schema is read after cdk8s import and the TypeScript compiler ran. One API group
      // (Sealed Secrets, the smallest) is enough for that: the step that fails and what it must leave are the same.
      const from = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-crds-'));
      copies.push(from);
      fs.cpSync(CRDS, from, { recursive: true });
      fs.chmodSync(path.join(from, 'vcluster'), 0o755);
      fs.rmSync(path.join(from, 'vcluster', 'values.schema.json'), { force: true });
      fs.writeFileSync(path.join(from, 'vcluster', 'values.schema.json'), '{ not json');
      const doc = YAML.parseDocument(config);
      const imports = (doc.get('imports') as YAML.YAMLSeq<YAML.Scalar<string>>).items.filter((i) => i.value.includes('/sealed-secrets/'));
      expect(imports).toHaveLength(1);
      doc.set('imports', imports);
      doc.delete('xrdGroup'); // one cdk8s import run
      fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), doc.toString());
      // node:child_process itself (not a copy): the import calls its spawn at run time.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const spawn = jest.spyOn(require('node:child_process') as typeof import('node:child_process'), 'spawn');
      try {
        const r = await importInProcess(dir, ['--from', from]);
        expect(r.status).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/^error: .*values\.schema\.json: .*JSON.*\n$/);
        expect(r.stderr.split('\n')).toHaveLength(2);
        // cdk8s import did run, to its end, before the failure.
        expect(spawn.mock.calls.map(([cmd, args]) => [path.basename(cmd), args?.[0]])).toEqual([['cdk8s', 'import']]);
        expect(spawn.mock.results.map((res) => (res.value as import('node:child_process').ChildProcess).exitCode)).toEqual([0]);
      } finally {
        spawn.mockRestore();
      }
      expectUntouched();
    });
  });

  it('shares repeated subschemas through $defs without changing what they say', () => {
    const crd = YAML.parse(fs.readFileSync(path.join(CRDS, 'argo-cd', 'applicationset-crd.yaml'), 'utf8'));
    const plain = toJsonSchema(crd.spec.versions[0].schema.openAPIV3Schema) as Record<string, unknown>;
    const shared = shareRepeatedSubschemas(plain);
    const defs = shared.$defs as Record<string, unknown>;
    expect(Object.keys(defs).length).toBeGreaterThan(5);
    expect(JSON.stringify(shared).length).toBeLessThan(JSON.stringify(plain).length / 10);
    const inline = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(inline);
      if (v === null || typeof v !== 'object') return v;
      const ref = (v as { $ref?: string }).$ref;
      if (ref) return inline(defs[ref.replace('#/$defs/', '')]);
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$defs').map(([k, x]) => [k, inline(x)]));
    };
    expect(inline(shared)).toEqual(plain);
  });
});

describe('the committed imports/', () => {
  it('imports/argoproj.io exports ApplicationSet, Application and AppProject constructs', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const argo = require('../../imports/argoproj.io');
    for (const kind of ['ApplicationSet', 'Application', 'AppProject']) {
      expect(typeof argo[kind]).toBe('function');
      expect(argo[kind].GVK).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind });
    }
    expect(fs.existsSync(path.join(ROOT, 'imports', 'argoproj.io.ts'))).toBe(false);
  });

  it('maps repoUrl to repoURL, and the result passes the generated schema', () => {
    const chart = new Chart(new App(), 'test');
    const json = new ApplicationSet(chart, 'x', {
      metadata: { name: 'dev-services' },
      spec: {
        generators: [{ git: { repoUrl: 'https://github.com/acme/gitops.git', revision: 'main', directories: [{ path: 'dist/apps/dev/*/*' }] } }],
        template: { metadata: { name: '{{path.basename}}' }, spec: { project: 'dev', destination: { name: 'dev-us-east-1' } } },
      },
    }).toJson();
    expect(json.spec.generators[0].git).toEqual({ repoURL: 'https://github.com/acme/gitops.git', revision: 'main', directories: [{ path: 'dist/apps/dev/*/*' }] });
    expect(validateCustomResource(json)).toEqual([]);
  });

  it('builds Crossplane objects with the generated classes; they pass their generated schemas', () => {
    expect(Composition.GVK).toEqual({ apiVersion: 'apiextensions.crossplane.io/v1', kind: 'Composition' });
    expect(CompositeResourceDefinitionV2.GVK).toEqual({ apiVersion: 'apiextensions.crossplane.io/v2', kind: 'CompositeResourceDefinition' });
    expect(Provider.GVK).toEqual({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Provider' });
    expect(CrossplaneFunction.GVK).toEqual({ apiVersion: 'pkg.crossplane.io/v1', kind: 'Function' });
    expect(FunctionV1Beta1.GVK).toEqual({ apiVersion: 'pkg.crossplane.io/v1beta1', kind: 'Function' });
    expect(DeploymentRuntimeConfig.GVK).toEqual({ apiVersion: 'pkg.crossplane.io/v1beta1', kind: 'DeploymentRuntimeConfig' });
    const chart = new Chart(new App(), 'test');
    const composition = new Composition(chart, 'composition', {
      metadata: { name: 'xpostgres.aws.platform.example.com' },
      spec: {
        compositeTypeRef: { apiVersion: 'platform.example.com/v1alpha1', kind: 'XPostgres' },
        mode: CompositionSpecMode.PIPELINE,
        pipeline: [{
          step: 'patch-and-transform',
          functionRef: { name: 'function-patch-and-transform' },
          // An embedded resource that keeps unknown fields (x-kubernetes-preserve-unknown-fields): the function's input.
          input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: [{ name: 'db', base: { apiVersion: 'rds.aws.upbound.io/v1beta3', kind: 'Instance' } }] },
        }],
      },
    }).toJson();
    expect(composition.spec.pipeline[0].functionRef).toEqual({ name: 'function-patch-and-transform' });
    expect(validateCustomResource(composition)).toEqual([]);
    // Crossplane v2 removed `mode: Resources` (patch-and-transform without functions): the CRD's enum is [Pipeline].
    expect(validateCustomResource({ ...composition, spec: { ...composition.spec, mode: 'Resources' } })).toEqual([
      { path: 'spec.mode', message: 'must be one of "Pipeline" (got "Resources")' },
    ]);
    const provider = new Provider(chart, 'provider', {
      metadata: { name: 'provider-aws-rds' },
      spec: { package: 'xpkg.upbound.io/crossplane-contrib/provider-aws-rds:v2.6.0' },
    }).toJson();
    expect(validateCustomResource(provider)).toEqual([]);
    expect(validateCustomResource({ ...provider, spec: { packge: provider.spec.package } })).toEqual([
      { path: 'spec.package', message: 'required key "package" is missing' },
      { path: 'spec.packge', message: expect.stringMatching(/^unknown key "packge" \(did you mean "package"\? allowed: /) },
    ]);
  });

  it('has schemas, not constructs, for the schemaOnly: CRDs: an RDS Instance v1beta3 validates, ill-typed or unknown fields do not', () => {
    expect(fs.readdirSync(path.join(ROOT, 'imports')).filter((f) => f.startsWith('rds.aws.upbound.io'))).toEqual([]);
    for (const version of ['v1beta1', 'v1beta2', 'v1beta3']) expect(hasCustomResourceSchema(`rds.aws.upbound.io/${version}`, 'Instance')).toBe(true);
    expect(hasCustomResourceSchema('rds.aws.upbound.io/v1beta1', 'SubnetGroup')).toBe(true);
    const instance = (forProvider: Record<string, unknown>) => ({
      apiVersion: 'rds.aws.upbound.io/v1beta3',
      kind: 'Instance',
      metadata: { name: 'orders-db' },
      spec: { forProvider: { region: 'us-east-1', engine: 'postgres', instanceClass: 'db.t4g.micro', ...forProvider } },
    });
    expect(validateCustomResource(instance({}))).toEqual([]);
    expect(validateCustomResource(instance({ allocatedStorage: 20 }))).toEqual([]);
    expect(validateCustomResource(instance({ allocatedStorage: 'twenty' }))).toEqual([
      { path: 'spec.forProvider.allocatedStorage', message: 'must be number (got "twenty")' },
    ]);
    expect(validateCustomResource(instance({ instanceClas: 'db.t4g.small' }))).toEqual([
      { path: 'spec.forProvider.instanceClas', message: expect.stringMatching(/^unknown key "instanceClas" \(did you mean "instanceClass"\? allowed: /) },
    ]);
  });

  it('every generated file carries the do-not-edit header', () => {
    const modules = fs.readdirSync(path.join(ROOT, 'imports')).filter((f) => /\.(js|d\.ts)$/.test(f));
    expect(modules.length).toBeGreaterThanOrEqual(12);
    for (const f of modules) {
      // Upstream CRDs name their URL; our XRD's claim names the builder it comes from.
      const source = f.startsWith('platform.acme.io.') ? "lib/model/database-platform\\.ts databaseXrd\\(databaseApi\\('platform\\.acme\\.io'\\)\\)" : 'https://';
      expect(fs.readFileSync(path.join(ROOT, 'imports', f), 'utf8')).toMatch(new RegExp(`^// Generated by \`npm run import\` \\(scripts/import\\.ts\\) from:\n//   ${source}`));
    }
    const values = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports', 'schemas', 'vcluster', 'values.schema.json'), 'utf8'));
    expect(values.$comment).toContain('https://raw.githubusercontent.com/loft-sh/vcluster/v0.36.1/chart/values.schema.json');
    const k8s = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports', 'schemas', 'kubernetes', 'index.json'), 'utf8'));
    expect(k8s.$comment).toContain('kubernetes-schemas/v1.28.0/_definitions.json');
    const workloads = fs.readFileSync(path.join(ROOT, 'imports', 'schemas', 'kubernetes', 'workloads.validate.js'), 'utf8');
    expect(workloads).toMatch(/^\/\/ Generated by `npm run import` \(scripts\/import\.ts\) from:\n\/\/   https:\/\/raw\.githubusercontent\.com\/cdk8s-team\/cdk8s\//);
  });
});
