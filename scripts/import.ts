/**
 * `npm run import [-- --from DIR | --from-urls]`: regenerates imports/ from the pinned sources in cdk8s.yaml.
 *
 * - `imports:` (CRD URLs) -> per API group, `cdk8s import` into a temporary directory, then the generated
 *   TypeScript is compiled to imports/<group>.js (CommonJS, ES2022) + imports/<group>.d.ts; the .ts is not kept
 *   (3.5 MB for argoproj.io: loading it through tsx at every synth would cost ~0.2 s).
 * - the same CRDs -> imports/schemas/<group>/<Kind>_<version>.json (JSON Schema 2020-12, one per served version).
 * - `schemas:` (JSON schema URLs) -> imports/schemas/<repository>/<file name>, as is plus a `$comment`.
 * - `kubernetes:` (the Kubernetes OpenAPI definitions of the clusters' version) -> imports/schemas/kubernetes/: strict
 *   definitions, an index and precompiled validators per kind (scripts/kubernetes-schemas.ts), for `schema/core`.
 * - each CRD schema and the vcluster values schema -> a precompiled Ajv validator next to it (standalone code,
 *   CommonJS): <Kind>_<version>.validate.js, vcluster/values.validate.js. lib/policy/schemas.ts loads these instead
 *   of compiling the JSON schemas (0.08-0.23 s per kind) at every synth.
 *
 * Sources are read by file name from --from (default ../shared/crds, relative to the project root), or
 * downloaded with --from-urls. Output is deterministic. Everything is generated in a temporary directory and
 * swapped in at the end: on any error imports/ is left as it was and the command prints one `error:` line.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import Ajv2020 from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import * as YAML from 'yaml';
import { enumsFromKubernetesModels, kubernetesSchemas } from './kubernetes-schemas';

const ROOT = path.resolve(__dirname, '..');
const IMPORTS = path.join(ROOT, 'imports');
const DEFAULT_FROM = '../shared/crds';
const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';
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

interface Crd {
  readonly url: string;
  readonly group: string;
  readonly kind: string;
  readonly doc: Record<string, any>;
}

// ---------------------------------------------------------------------------------------------------------------
// Command line and cdk8s.yaml

function parseArgs(argv: readonly string[]): Options {
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
  return { from: path.resolve(ROOT, from), fromUrls };
}

function readConfig(): { imports: string[]; schemas: string[]; kubernetes: string } {
  const file = path.join(ROOT, 'cdk8s.yaml');
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
  const kubernetes = (config as Record<string, unknown> | null)?.kubernetes;
  if (typeof kubernetes !== 'string' || !/^https:\/\/\S+\/v\d+\.\d+\.\d+\/_definitions\.json$/.test(kubernetes)) {
    fail('cdk8s.yaml: kubernetes: must be the https URL of the Kubernetes definitions, .../v<major>.<minor>.<patch>/_definitions.json');
  }
  return { imports, schemas: list('schemas'), kubernetes };
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

const DO_NOT_EDIT = 'Do not edit: change cdk8s.yaml and run `npm run import`.';

/** The header comment of a generated .js/.d.ts file. */
function tsHeader(urls: readonly string[]): string {
  const lines = ['Generated by `npm run import` (scripts/import.ts) from:', ...urls.map((u) => `  ${u}`), DO_NOT_EDIT];
  return lines.map((l) => `// ${l}\n`).join('');
}

/** The `$comment` of a generated JSON schema. */
const jsonHeader = (url: string): string => `Generated by \`npm run import\` (scripts/import.ts) from ${url}. ${DO_NOT_EDIT}`;

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
  const outDir = path.join(dir, 'out');
  await run(cli, ['import', input, '-l', 'typescript', '-o', outDir, '--no-save', '--no-check-upgrade'], dir);
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

// ---------------------------------------------------------------------------------------------------------------
// CRDs -> JSON schemas

const OBJECT_META = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/**
 * OpenAPI v3 (structural CRD schema) -> JSON Schema, with the x-kubernetes-* extensions translated or removed:
 * int-or-string -> integer or string; preserve-unknown-fields -> unknown keys allowed; an object with
 * `properties` otherwise refuses unknown keys (as `kubectl apply` with strict field validation does);
 * embedded-resource -> apiVersion/kind/metadata allowed; list-type, map-type, validations (CEL) are dropped.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(n)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(key)) {
      out[key] = typeof value === 'boolean' ? value : toJsonSchema(value);
    } else {
      out[key] = value; // type, format, enum, pattern, required, description, default, nullable, min*/max* ...
    }
  }
  if (n['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    if (!out.anyOf && !out.oneOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (n['x-kubernetes-embedded-resource'] === true && out.properties) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(out.properties as object) };
  }
  if (out.properties && out.additionalProperties === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

/** imports/schemas/<group>/<Kind>_<version>.json for each served version of the CRD. */
function crdSchemas(crd: Crd): Map<string, string> {
  const files = new Map<string, string>();
  for (const version of crd.doc.spec.versions ?? []) {
    const openApi = version?.schema?.openAPIV3Schema;
    if (version?.served === false || !openApi) continue;
    if (typeof version.name !== 'string' || !/^v[0-9a-z]+$/.test(version.name)) fail(`${crd.url}: bad version name`);
    const apiVersion = `${crd.group}/${version.name}`;
    const root = toJsonSchema(openApi) as Record<string, any>;
    const schema = {
      ...root,
      $schema: JSON_SCHEMA_2020,
      $comment: jsonHeader(crd.url),
      title: `${crd.kind} (${apiVersion})`,
      type: 'object',
      properties: {
        ...(root.properties ?? {}),
        apiVersion: { type: 'string', const: apiVersion },
        kind: { type: 'string', const: crd.kind },
        metadata: OBJECT_META,
      },
      required: [...new Set(['apiVersion', 'kind', 'metadata', ...(root.required ?? [])])],
      additionalProperties: root.additionalProperties ?? false,
    };
    files.set(`schemas/${crd.group}/${crd.kind}_${version.name}.json`, stableJson(shareRepeatedSubschemas(schema)));
  }
  if (files.size === 0) fail(`${crd.url}: ${crd.kind} has no served version with a schema`);
  return files;
}

/** Where a schema keeps its subschemas: key -> 'map' (a map of schemas), 'one' (a schema) or 'list' (schemas). */
const SUBSCHEMAS: Record<string, 'map' | 'one' | 'list'> = {
  properties: 'map', patternProperties: 'map', items: 'one', additionalProperties: 'one', not: 'one', allOf: 'list', anyOf: 'list', oneOf: 'list',
};

/** The (key path, subschema) children of a schema, in sorted key order. */
function subschemas(node: Record<string, unknown>): Array<[string[], Record<string, unknown>]> {
  const out: Array<[string[], Record<string, unknown>]> = [];
  const isSchema = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const key of Object.keys(node).sort()) {
    const value = node[key];
    if (SUBSCHEMAS[key] === 'one' && isSchema(value)) out.push([[key], value]);
    else if (SUBSCHEMAS[key] === 'list' && Array.isArray(value)) value.forEach((v, i) => isSchema(v) && out.push([[key, String(i)], v]));
    else if (SUBSCHEMAS[key] === 'map' && isSchema(value)) {
      for (const k of Object.keys(value).sort()) if (isSchema(value[k])) out.push([[key, k], value[k] as Record<string, unknown>]);
    }
  }
  return out;
}

/** Minimum size (JSON characters, roughly) of a repeated subschema worth sharing through $defs. */
const SHARE_MIN_SIZE = 400;

/**
 * Moves each subschema that occurs more than once (and is not tiny) into `$defs` and replaces its copies with a
 * `$ref`. The ApplicationSet CRD repeats the Application template spec in every generator: without sharing its
 * schema is 2 MB and Ajv needs ~3 s (13 MB of generated code) to compile it.
 */
export function shareRepeatedSubschemas(root: Record<string, unknown>): Record<string, unknown> {
  interface Info { hash: string; size: number; path: string[]; children: Array<[string[], Record<string, unknown>]> }
  const infos = new Map<object, Info>();
  const byHash = new Map<string, { node: Record<string, unknown>; info: Info; effective: number }>();
  const order: string[] = []; // hashes in document order of first occurrence
  const analyse = (node: Record<string, unknown>, at: string[]): Info => {
    const children = subschemas(node);
    const childInfos = children.map(([p, child]) => [p, analyse(child, [...at, ...p])] as const);
    const own = Object.fromEntries(Object.keys(node).sort().filter((k) => !SUBSCHEMAS[k]).map((k) => [k, node[k]]));
    const ownJson = JSON.stringify(stableValue(own));
    const canonical = JSON.stringify([ownJson, childInfos.map(([p, i]) => [p, i.hash])]);
    const info: Info = {
      hash: createHash('sha256').update(canonical).digest('hex'),
      size: ownJson.length + childInfos.reduce((sum, [p, i]) => sum + p.join('').length + i.size, 0),
      path: at,
      children,
    };
    infos.set(node, info);
    if (!byHash.has(info.hash)) {
      byHash.set(info.hash, { node, info, effective: 0 });
      order.push(info.hash);
    }
    return info;
  };
  const rootHash = analyse(root, []).hash;
  // How often each distinct subschema is written out once shared ones are written once: parents are larger than
  // their children, so walking by decreasing size settles every parent before its children.
  const shared = new Set<string>();
  byHash.get(rootHash)!.effective = 1;
  const bySize = [...byHash.keys()].sort((a, b) => byHash.get(b)!.info.size - byHash.get(a)!.info.size || (a < b ? -1 : 1));
  for (const hash of bySize) {
    const entry = byHash.get(hash)!;
    const share = hash !== rootHash && entry.effective >= 2 && entry.info.size >= SHARE_MIN_SIZE;
    if (share) shared.add(hash);
    for (const [, child] of entry.info.children) byHash.get(infos.get(child)!.hash)!.effective += share ? 1 : entry.effective;
  }
  if (shared.size === 0) return root;
  // Names from the first occurrence: the property's name, then items/values/anyOf... suffixes; numbered on clashes.
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const hash of order.filter((h) => shared.has(h))) {
    let base = 'schema';
    const at = byHash.get(hash)!.info.path;
    for (let i = 0; i < at.length; i++) {
      if (SUBSCHEMAS[at[i]] === 'map') base = at[++i];
      else if (at[i] === 'items') base += 'Item';
      else if (at[i] === 'additionalProperties') base += 'Value';
      else if (SUBSCHEMAS[at[i]] === 'list') base += `${at[i][0].toUpperCase()}${at[i].slice(1)}${at[++i]}`;
      else base += at[i][0].toUpperCase() + at[i].slice(1);
    }
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    names.set(hash, name);
  }
  const defs: Record<string, unknown> = {};
  const rebuild = (node: Record<string, unknown>, isRoot = false): Record<string, unknown> => {
    const hash = infos.get(node)!.hash;
    if (!isRoot && shared.has(hash)) {
      const name = names.get(hash)!;
      if (!(name in defs)) {
        defs[name] = {}; // placeholder against cycles (there are none in a tree)
        defs[name] = rebuildChildren(node);
      }
      return { $ref: `#/$defs/${name}` };
    }
    return rebuildChildren(node);
  };
  const rebuildChildren = (node: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...node };
    for (const [key, kind] of Object.entries(SUBSCHEMAS)) {
      const value = node[key];
      if (value === null || typeof value !== 'object') continue;
      if (kind === 'one' && !Array.isArray(value)) out[key] = rebuild(value as Record<string, unknown>);
      else if (kind === 'list' && Array.isArray(value)) out[key] = value.map((v) => (v !== null && typeof v === 'object' ? rebuild(v) : v));
      else if (kind === 'map' && !Array.isArray(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v !== null && typeof v === 'object' ? rebuild(v) : v]));
      }
    }
    return out;
  };
  const result = rebuild(root, true);
  return { ...result, $defs: defs };
}

// ---------------------------------------------------------------------------------------------------------------
// JSON schemas -> precompiled validators (Ajv standalone code)

/** Subschemas larger than this (JSON characters) get their own validation function in the generated code. */
const SPLIT_MIN_SIZE = 4000;

/**
 * For code generation only: moves each large subschema reached through properties/patternProperties/items/
 * additionalProperties (not under $defs or a combinator) into `$defs` as a `$ref`, so that Ajv generates one function
 * per such subschema instead of one huge validation function. V8 compiles a function at its first call, so only
 * the parts an object uses are compiled (SecretStore: ~0.05 s at first use instead of ~0.16 s). What the schema
 * accepts, and the errors' paths, keywords and (parent) schemas, do not change; combinators are left alone, so
 * errors under anyOf/oneOf keep their schema paths.
 */
export function splitForCodegen(schema: Record<string, unknown>): Record<string, unknown> {
  const defs: Record<string, unknown> = { ...((schema.$defs as Record<string, unknown> | undefined) ?? {}) };
  let count = 0;
  const isSchema = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const visit = (node: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...node };
    for (const key of Object.keys(node).sort()) {
      const value = node[key];
      if ((key === 'properties' || key === 'patternProperties') && isSchema(value)) {
        out[key] = Object.fromEntries(Object.keys(value).map((k) => [k, isSchema(value[k]) ? hoist(value[k] as Record<string, unknown>) : value[k]]));
      } else if ((key === 'items' || key === 'additionalProperties') && isSchema(value)) {
        out[key] = hoist(value);
      }
    }
    return out;
  };
  const hoist = (node: Record<string, unknown>): Record<string, unknown> => {
    const out = visit(node);
    if (JSON.stringify(out).length < SPLIT_MIN_SIZE) return out;
    let name: string;
    do name = `codegenSplit${++count}`;
    while (name in defs);
    defs[name] = out;
    return { $ref: `#/$defs/${name}` };
  };
  const root = visit(schema);
  return count === 0 ? schema : { ...root, $defs: defs };
}

/**
 * The standalone validator module of a JSON schema. The Ajv options must be those of lib/policy/schemas.ts (which
 * compiles the JSON schema itself when there is no module), apart from code generation: code.source, and Ajv's
 * code optimization (smaller output; compile time does not matter here).
 */
function validatorModule(rel: string, schemaJson: string, url: string, split: boolean): [string, string] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, logger: false, inlineRefs: false, code: { source: true } });
  // Same formats as lib/policy/schemas.ts; ajv-formats makes the generated code require("ajv-formats/dist/formats").
  addFormats(ajv, ['date-time', 'date', 'time', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'int32', 'int64', 'byte', 'float', 'double']);
  let code: string;
  try {
    const schema = JSON.parse(schemaJson) as Record<string, unknown>;
    code = standaloneCode(ajv, ajv.compile(split ? splitForCodegen(schema) : schema));
  } catch (e) {
    fail(`imports/${rel}: cannot generate its validator: ${oneLine(e)}`);
  }
  return [rel.replace(/(\.schema)?\.json$/, '.validate.js'), `${tsHeader([url])}${code}\n`];
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

/** A copy of `v` with the keys of every object sorted. */
function stableValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stableValue);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, stableValue((v as Record<string, unknown>)[k])]));
}

/** 2-space JSON, keys sorted at every level, trailing newline. */
const stableJson = (value: unknown): string => `${JSON.stringify(stableValue(value), null, 2)}\n`;

// ---------------------------------------------------------------------------------------------------------------
// Writing: build the new imports/ next to the old one, then swap directories

/** Files in imports/ that the import owns (everything else, e.g. README.md, is carried over). */
const isGenerated = (name: string): boolean => name === 'schemas' || /\.(js|d\.ts|ts)$/.test(name);

function swapIn(files: Map<string, string>): void {
  const stage = path.join(ROOT, `.imports-tmp-${process.pid}`);
  const old = path.join(ROOT, `.imports-old-${process.pid}`);
  fs.rmSync(stage, { recursive: true, force: true });
  try {
    fs.mkdirSync(stage);
    if (fs.existsSync(IMPORTS)) {
      for (const entry of fs.readdirSync(IMPORTS)) {
        if (!isGenerated(entry)) fs.cpSync(path.join(IMPORTS, entry), path.join(stage, entry), { recursive: true });
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
  if (fs.existsSync(IMPORTS)) fs.renameSync(IMPORTS, old);
  fs.renameSync(stage, IMPORTS);
  fs.rmSync(old, { recursive: true, force: true });
}

/** A run killed between the two renames leaves .imports-old-<pid> and no imports/: put it back. */
function recover(): void {
  for (const entry of fs.readdirSync(ROOT)) {
    const m = /^\.imports-(tmp|old)-(\d+)$/.exec(entry);
    if (!m || isAlive(Number(m[2]))) continue;
    const p = path.join(ROOT, entry);
    if (m[1] === 'old' && !fs.existsSync(IMPORTS)) fs.renameSync(p, IMPORTS);
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

export async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-import-'));
  try {
    const options = parseArgs(argv);
    const config = readConfig();
    recover();
    const urls = [...config.imports, ...config.schemas, config.kubernetes];
    const sources = options.fromUrls ? await downloadSources(urls) : readLocalSources(urls, options.from);
    const crdSources = sources.slice(0, config.imports.length);
    const schemaSources = sources.slice(config.imports.length, config.imports.length + config.schemas.length);
    const kubernetesSource = sources[sources.length - 1];

    const byGroup = new Map<string, Crd[]>();
    for (const crd of crdSources.flatMap(parseCrds)) byGroup.set(crd.group, [...(byGroup.get(crd.group) ?? []), crd]);
    const groups = [...byGroup.keys()].sort();

    const files = new Map<string, string>();
    let kubernetes = '';
    const add = (rel: string, content: string): void => {
      if (files.has(rel)) fail(`two sources generate imports/${rel}`);
      files.set(rel, content);
    };
    const modules = await Promise.all(groups.map((g) => importGroup(g, byGroup.get(g)!, work)));
    for (const m of modules) for (const [rel, content] of m) add(rel, content);
    // Each schema the policy validates with also gets its precompiled validator (<name>.validate.js).
    const validators: Array<[rel: string, schema: string, url: string, split: boolean]> = [];
    for (const g of groups) {
      for (const crd of byGroup.get(g)!) {
        for (const [rel, content] of crdSchemas(crd)) {
          add(rel, content);
          validators.push([rel, content, crd.url, true]);
        }
      }
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

    swapIn(files);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`import: ${groups.length} API groups (${groups.join(', ')}), ${kubernetes}, ${files.size} files -> imports/ in ${seconds} s`);
    return 0;
  } catch (e) {
    console.error(`error: ${oneLine(e)}`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
