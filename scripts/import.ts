/**
 * `npm run import [-- --from DIR | --from-urls]`: regenerates imports/ from the pinned sources in cdk8s.yaml.
 *
 * - `imports:` (CRD URLs) -> per API group, `cdk8s import` into a temporary directory, then the generated
 *   TypeScript is compiled to imports/<group>.js (CommonJS, ES2022) + imports/<group>.d.ts; the .ts is not kept
 *   (3.5 MB for argoproj.io: loading it through tsx at every synth would cost ~0.2 s).
 * - the same CRDs -> imports/schemas/<group>/<Kind>_<version>.json (JSON Schema 2020-12, one per served version).
 * - `schemaOnly:` (CRD URLs) -> only those schemas (and validators), no module: for CRDs that are validated but never
 *   constructed (provider-upjet-aws v2.6.0's rds.aws.upbound.io would add 0.86 MB of .js + .d.ts nothing imports).
 * - `schemas:` (JSON schema URLs) -> imports/schemas/<repository>/<file name>, as is plus a `$comment`.
 * - `xrdGroup:` (our own XRD, built by lib/model/database-platform.ts `databaseXrd(databaseApi(<xrdGroup>))`) -> the
 *   claim CRD Crossplane generates from it (lib/policy/xrd-crds.ts), through `cdk8s import` like the `imports:` CRDs,
 *   into imports/<xrdGroup>.{js,d.ts}: the claim's typed spec (PostgresInstanceSpec); and the claim's JSON schema as
 *   the gate derives it from that XRD, precompiled (imports/schemas/xrd/<xrdGroup>/), which the gate uses instead of
 *   compiling when the set's XRD is byte for byte this one.
 * - `kubernetes:` (the Kubernetes OpenAPI definitions of the clusters' version) -> imports/schemas/kubernetes/: strict
 *   definitions, an index and precompiled validators per kind (scripts/kubernetes-schemas.ts), for `schema/core`.
 * - each CRD schema and the vcluster values schema -> a precompiled Ajv validator next to it (standalone code,
 *   CommonJS): <Kind>_<version>.validate.js, vcluster/values.validate.js. lib/policy/schemas.ts loads these instead
 *   of compiling the JSON schemas (0.08-0.23 s per kind) at every synth.
 *
 * The JSON schemas and validators are made by scripts/import-schemas.ts.
 *
 * Sources are read by file name from --from (default ../shared/crds, relative to the project root), or
 * downloaded with --from-urls. Output is deterministic. Everything is generated in a temporary directory and
 * swapped in at the end: on any error imports/ is left as it was and the command prints one `error:` line.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { Crd, crdSchemas, jsonHeader, ourClaimCrd, tsHeader, validatorModule } from './import-schemas';
import { enumsFromKubernetesModels, kubernetesSchemas } from './kubernetes-schemas';

export { shareRepeatedSubschemas, splitForCodegen, toJsonSchema } from './import-schemas';

/** The project this script belongs to: the default root, and where the cdk8s CLI is installed. */
const HOME = path.resolve(__dirname, '..');
const CDK8S_CLI = path.join(HOME, 'node_modules', '.bin', 'cdk8s');
const DEFAULT_FROM = '../shared/crds';
/** The `schemas:` entry that lib/policy/schemas.ts validates with (and that gets a precompiled validator). */
const VCLUSTER_VALUES_SCHEMA = 'schemas/vcluster/values.schema.json';

class ImportError extends Error {}

function fail(message: string): never {
  throw new ImportError(message);
}

interface Options {
  readonly from: string;
  readonly fromUrls: boolean;
}

interface Source {
  readonly url: string;
  readonly text: string;
  /** Where the text came from (a local path or the URL), for error messages. */
  readonly origin: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Command line and cdk8s.yaml

function parseArgs(argv: readonly string[], root: string): Options {
  let from = DEFAULT_FROM;
  let fromUrls = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--from-urls') fromUrls = true;
    else if (arg === '--from') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) fail('--from needs a directory');
      from = value;
    } else if (arg.startsWith('--from=')) from = arg.slice('--from='.length);
    else fail(`unknown argument "${arg}" (usage: npm run import [-- --from DIR | --from-urls])`);
  }
  return { from: path.resolve(root, from), fromUrls };
}

function readConfig(root: string): { imports: string[]; schemaOnly: string[]; schemas: string[]; kubernetes: string; xrdGroup?: string } {
  const file = path.join(root, 'cdk8s.yaml');
  let config: unknown;
  try {
    config = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`cdk8s.yaml: ${oneLine(e)}`);
  }
  const list = (key: string): string[] => {
    const value = (config as Record<string, unknown> | null)?.[key] ?? [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !/^https:\/\/\S+$/.test(v))) {
      fail(`cdk8s.yaml: ${key}: must be a list of https URLs`);
    }
    return value as string[];
  };
  const imports = list('imports');
  if (imports.length === 0) fail('cdk8s.yaml: imports: is empty, nothing to import');
  const schemaOnly = list('schemaOnly');
  const twice = schemaOnly.find((url) => imports.includes(url));
  if (twice) fail(`cdk8s.yaml: ${twice} is in both imports: and schemaOnly:`);
  const kubernetes = (config as Record<string, unknown> | null)?.kubernetes;
  if (typeof kubernetes !== 'string' || !/^https:\/\/\S+\/v\d+\.\d+\.\d+\/_definitions\.json$/.test(kubernetes)) {
    fail('cdk8s.yaml: kubernetes: must be the https URL of the Kubernetes definitions, .../v<major>.<minor>.<patch>/_definitions.json');
  }
  const xrdGroup = (config as Record<string, unknown> | null)?.xrdGroup;
  if (xrdGroup !== undefined && (typeof xrdGroup !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(xrdGroup))) {
    fail('cdk8s.yaml: xrdGroup: must be an API group (a DNS subdomain such as platform.acme.io)');
  }
  return { imports, schemaOnly, schemas: list('schemas'), kubernetes, ...(xrdGroup ? { xrdGroup } : {}) };
}

const fileNameOf = (url: string): string => decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');

// ---------------------------------------------------------------------------------------------------------------
// Sources: local files (default) or downloads (--from-urls)

/** Maps each URL to the file of the same name under `dir` (layout <dir>/<project>/<file name>; any depth works). */
function readLocalSources(urls: readonly string[], dir: string): Source[] {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) fail(`--from ${dir}: not a directory`);
  const byName = new Map<string, string[]>();
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) byName.set(entry.name, [...(byName.get(entry.name) ?? []), p]);
    }
  };
  walk(dir);
  return urls.map((url) => {
    const name = fileNameOf(url);
    const found = (byName.get(name) ?? []).sort();
    // <dir>/<project>/<name> wins over deeper copies (e.g. crossplane/v1.20.11/<name>).
    const shallow = found.filter((p) => path.relative(dir, p).split(path.sep).length <= 2);
    const candidates = shallow.length > 0 ? shallow : found;
    if (candidates.length === 0) fail(`${name} not found under ${dir} (source ${url})`);
    if (candidates.length > 1) fail(`${name} is ambiguous under ${dir}: ${candidates.join(', ')}`);
    return { url, text: fs.readFileSync(candidates[0], 'utf8'), origin: candidates[0] };
  });
}

/** --from-urls: downloads each URL (not exercised by the tests, which run offline). */
async function downloadSources(urls: readonly string[]): Promise<Source[]> {
  const sources: Source[] = [];
  for (const url of urls) {
    let res: Response;
    try {
      res = await fetch(url, { redirect: 'follow' });
    } catch (e) {
      fail(`${url}: ${oneLine((e as { cause?: unknown }).cause ?? e)}`);
    }
    if (!res.ok) fail(`${url}: HTTP ${res.status} ${res.statusText}`);
    sources.push({ url, text: await res.text(), origin: url });
  }
  return sources;
}

// ---------------------------------------------------------------------------------------------------------------
// CRDs -> typed constructs (cdk8s import + TypeScript compiler)

function parseCrds(source: Source): Crd[] {
  const docs = YAML.parseAllDocuments(source.text);
  const crds: Crd[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) fail(`${source.origin}: ${oneLine(doc.errors[0].message)}`);
    const value = doc.toJS() as Record<string, any> | null;
    if (value === null) continue;
    if (value.kind !== 'CustomResourceDefinition' || value.apiVersion !== 'apiextensions.k8s.io/v1') {
      fail(`${source.origin}: expected an apiextensions.k8s.io/v1 CustomResourceDefinition, got ${value.apiVersion}/${value.kind}`);
    }
    const group = value.spec?.group;
    const kind = value.spec?.names?.kind;
    if (typeof group !== 'string' || !/^[a-z0-9.-]+$/.test(group) || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind)) {
      fail(`${source.origin}: CRD without a valid spec.group and spec.names.kind`);
    }
    crds.push({ url: source.url, group, kind, doc: value });
  }
  if (crds.length === 0) fail(`${source.origin}: no CustomResourceDefinition found`);
  return crds;
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // cdk8s-cli checks npm for a newer version first; offline that prints a stack trace (CDK8S_CHECK_UPGRADE turns it off).
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (e) => reject(new ImportError(`${path.basename(cmd)}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const last = output.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? `exit code ${code}`;
      reject(new ImportError(`${path.basename(cmd)} ${args[0]} failed: ${last}`));
    });
  });
}

/** `cdk8s import` of one API group's CRDs, compiled to .js + .d.ts (returned as file name -> content). */
async function importGroup(group: string, crds: readonly Crd[], work: string): Promise<Map<string, string>> {
  const dir = path.join(work, group);
  fs.mkdirSync(dir);
  // One multi-document file; every document must start with `---` or cdk8s import keeps only one of them.
  const input = path.join(dir, `${group}.yaml`);
  fs.writeFileSync(input, crds.map((c) => `---\n${JSON.stringify(c.doc)}\n`).join(''));
  const outDir = path.join(dir, 'out');
  await run(CDK8S_CLI, ['import', input, '-l', 'typescript', '-o', outDir, '--no-save', '--no-check-upgrade'], dir);
  const generated = path.join(outDir, `${group}.ts`);
  if (!fs.existsSync(generated)) fail(`cdk8s import did not write ${group}.ts`);
  const source = fs.readFileSync(generated, 'utf8');

  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    newLine: ts.NewLineKind.LineFeed,
  };
  const fileName = `${group}.ts`;
  // Comments are dropped from the .js (the docs live in the .d.ts): 1.4 MB instead of 1.9 MB for argoproj.io.
  const js = ts.transpileModule(source, { fileName, reportDiagnostics: true, compilerOptions: { ...compilerOptions, removeComments: true } });
  const dts = ts.transpileDeclaration(source, { fileName, reportDiagnostics: true, compilerOptions });
  const diagnostics = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])];
  if (diagnostics.length > 0) fail(`${fileName}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, ' ')}`);
  const head = tsHeader([...new Set(crds.map((c) => c.url))]);
  return new Map([
    [`${group}.js`, head + js.outputText],
    [`${group}.d.ts`, head + dts.outputText],
  ]);
}

/** A `schemas:` entry: kept as is under imports/schemas/<repository>/, with a `$comment` naming its source. */
function copiedSchema(source: Source): [string, string] {
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch (e) {
    fail(`${source.origin}: ${oneLine(e)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${source.origin}: not a JSON schema object`);
  const url = new URL(source.url);
  const parts = url.pathname.split('/').filter(Boolean);
  // raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>: the directory is the repository's name.
  const dir = url.hostname === 'raw.githubusercontent.com' && parts.length >= 4 ? parts[1] : url.hostname;
  const withSource = { $comment: jsonHeader(source.url), ...(value as object) };
  return [`schemas/${dir}/${fileNameOf(source.url)}`, `${JSON.stringify(withSource, null, 2)}\n`];
}

// ---------------------------------------------------------------------------------------------------------------
// Writing: build the new imports/ next to the old one, then swap directories

/** Files in imports/ that the import owns (everything else, e.g. README.md, is carried over). */
const isGenerated = (name: string): boolean => name === 'schemas' || /\.(js|d\.ts|ts)$/.test(name);

function swapIn(root: string, files: Map<string, string>): void {
  const imports = path.join(root, 'imports');
  const stage = path.join(root, `.imports-tmp-${process.pid}`);
  const old = path.join(root, `.imports-old-${process.pid}`);
  fs.rmSync(stage, { recursive: true, force: true });
  try {
    fs.mkdirSync(stage);
    if (fs.existsSync(imports)) {
      for (const entry of fs.readdirSync(imports)) {
        if (!isGenerated(entry)) fs.cpSync(path.join(imports, entry), path.join(stage, entry), { recursive: true });
      }
    }
    for (const [rel, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = path.join(stage, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw e;
  }
  if (fs.existsSync(imports)) fs.renameSync(imports, old);
  fs.renameSync(stage, imports);
  fs.rmSync(old, { recursive: true, force: true });
}

/** A run killed between the two renames leaves .imports-old-<pid> and no imports/: put it back. */
function recover(root: string): void {
  const imports = path.join(root, 'imports');
  for (const entry of fs.readdirSync(root)) {
    const m = /^\.imports-(tmp|old)-(\d+)$/.exec(entry);
    if (!m || isAlive(Number(m[2]))) continue;
    const p = path.join(root, entry);
    if (m[1] === 'old' && !fs.existsSync(imports)) fs.renameSync(p, imports);
    else fs.rmSync(p, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

/**
 * The project to import into and the output streams: tests run the command in-process on a copy of the project.
 * (Not lib/cli's CommandIo: the script stays independent of the CLI; it uses only pure parts of lib/.)
 */
export interface ImportIo {
  /** The project: its cdk8s.yaml is read, its imports/ replaced; --from is relative to it. @default the project of this script */
  readonly root?: string;
  /** @default process.stdout */
  readonly out?: NodeJS.WritableStream;
  /** @default process.stderr */
  readonly err?: NodeJS.WritableStream;
}

/** The command with its own project and streams: tests call it in-process; the process runs it when this file is the entry point. */
export async function main(argv: readonly string[], io: ImportIo = {}): Promise<number> {
  const { root = HOME, out = process.stdout, err = process.stderr } = io;
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-import-'));
  try {
    const options = parseArgs(argv, root);
    const config = readConfig(root);
    recover(root);
    const urls = [...config.imports, ...config.schemaOnly, ...config.schemas, config.kubernetes];
    const sources = options.fromUrls ? await downloadSources(urls) : readLocalSources(urls, options.from);
    let taken = 0;
    const take = (n: number): Source[] => sources.slice(taken, (taken += n));
    const typed = take(config.imports.length).flatMap(parseCrds);
    const schemaOnly = take(config.schemaOnly.length).flatMap(parseCrds);
    const schemaSources = take(config.schemas.length);
    const [kubernetesSource] = take(1);

    // Modules for the `imports:` CRDs; schemas for those and the `schemaOnly:` ones, by group (stable sort).
    const byGroup = new Map<string, Crd[]>();
    for (const crd of typed) byGroup.set(crd.group, [...(byGroup.get(crd.group) ?? []), crd]);
    const ours = config.xrdGroup ? ourClaimCrd(config.xrdGroup) : undefined;
    if (ours && byGroup.has(ours.group)) fail(`cdk8s.yaml: xrdGroup: ${ours.group} is also the group of CRDs in imports:`);
    if (ours) byGroup.set(ours.group, [ours]);
    const groups = [...byGroup.keys()].filter((g) => g !== ours?.group).sort();
    const crds = [...typed, ...schemaOnly].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));

    const files = new Map<string, string>();
    let kubernetes = '';
    const add = (rel: string, content: string): void => {
      if (files.has(rel)) fail(`two sources generate imports/${rel}`);
      files.set(rel, content);
    };
    const modules = await Promise.all([...groups, ...(ours ? [ours.group] : [])].map((g) => importGroup(g, byGroup.get(g)!, work)));
    for (const m of modules) for (const [rel, content] of m) add(rel, content);
    // Each schema the policy validates with also gets its precompiled validator (<name>.validate.js).
    const validators: Array<[rel: string, schema: string, url: string, split: boolean]> = [];
    for (const crd of crds) {
      for (const [rel, content] of crdSchemas(crd)) {
        add(rel, content);
        validators.push([rel, content, crd.url, true]);
      }
    }
    for (const [rel, content] of ours?.schemas ?? []) {
      add(rel, content);
      validators.push([rel, content, ours!.url, false]);
    }
    for (const s of schemaSources) {
      const [rel, content] = copiedSchema(s);
      add(rel, content);
      // The vcluster chart's values schema is precompiled as is (its code is already fast to load).
      if (rel === VCLUSTER_VALUES_SCHEMA) validators.push([rel, content, s.url, false]);
    }
    for (const [rel, content, url, split] of validators) add(...validatorModule(rel, content, url, split));
    // The core kinds: strict schemas and precompiled validators for the pinned Kubernetes version (schema/core).
    try {
      const enums = enumsFromKubernetesModels(path.dirname(require.resolve('kubernetes-models/package.json')));
      for (const [rel, content] of kubernetesSchemas(kubernetesSource.text, kubernetesSource.url, tsHeader, enums)) add(rel, content);
      const index = JSON.parse(files.get('schemas/kubernetes/index.json')!) as { kubernetesVersion: string; kinds: Record<string, { module?: string }> };
      kubernetes = `Kubernetes ${index.kubernetesVersion} (${Object.values(index.kinds).filter((k) => k.module).length} kinds)`;
    } catch (e) {
      fail(`${kubernetesSource.origin}: ${oneLine(e)}`);
    }

    swapIn(root, files);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const schemasOnly = schemaOnly.length > 0 ? `, schemas only: ${schemaOnly.map((c) => `${c.kind}.${c.group}`).join(', ')}` : '';
    const claims = ours ? `, our XRD's claim: ${ours.kind}.${ours.group}` : '';
    out.write(`import: ${groups.length} API groups (${groups.join(', ')})${claims}${schemasOnly}, ${kubernetes}, ${files.size} files -> imports/ in ${seconds} s\n`);
    return 0;
  } catch (e) {
    err.write(`error: ${oneLine(e)}\n`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
