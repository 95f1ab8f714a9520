import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { AddonCatalogue, AppRegistry, EnvironmentRegistry, isDistTree, PlatformDefinition, repoDirectories } from '../model';
import { formatFinding, GATE_HINT, K8sObject, PolicyFinding } from '../policy/engine';
import { ALL_RULES, appAllows, platformPlacement, runGate } from '../policy/gate';
import { listDirectories } from '../policy/appset-expansion';
import { fail, parseArgs, quietExit } from './command';
import { loadInputs } from './load';
import { UsageError } from './errors';

/**
 * What `validate` needs from the repository: the platform (repo URL, dist path), the envs (sync policy, regions) and the
 * add-on catalogue (what each cluster serves, for the placement checks of a dist/ tree).
 */
export type ValidateLoader = () => { platform: PlatformDefinition; envs: EnvironmentRegistry; apps: AppRegistry; addons?: AddonCatalogue };

/** The name findings give YAML read from standard input. */
export const STDIN_NAME = '<stdin>';

/** The note printed when the input has no dist/ layout. */
export const NOT_DIST_NOTE = 'not a dist/ tree: ApplicationSet expansion and cluster placement checks skipped';

interface Parsed {
  readonly file: string;
  readonly obj: Record<string, unknown>;
}

/** What was given to check: a directory (files relative to it), one file, or standard input. */
type Input =
  | { readonly kind: 'directory'; readonly dir: string; readonly files: readonly string[] }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'stdin' };

/** Every YAML document of one file's text; a parse error or duplicate key is a finding, not a crash. */
function parseYaml(file: string, text: string, findings: PolicyFinding[]): Parsed[] {
  const out: Parsed[] = [];
  for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
    if (doc.errors.length > 0) {
      findings.push({ rule: 'yaml/parse', severity: 'error', file, object: '', path: '', message: doc.errors[0].message.split('\n')[0] });
      continue;
    }
    const v = doc.toJS();
    if (v && typeof v === 'object') out.push({ file, obj: v as Record<string, unknown> });
  }
  return out;
}

/** The .yaml/.yml files below `dir`, relative, POSIX separators, sorted. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (/\.ya?ml$/.test(e.name)) out.push(r);
    }
  };
  walk('');
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const HELP_AFTER = `
Input:
  DIR     every .yaml/.yml file below it. When DIR has the dist/ layout (argocd/appsets/<env>/services.yaml),
          whatever its name, it plays the platform's dist/ and the ApplicationSet expansion checks run too;
          otherwise they are skipped, with a note on stderr.
  FILE    one YAML file (any number of documents).
  -       YAML from standard input; findings name it ${STDIN_NAME}.

Examples:
  npm run validate                                  # dist/
  npm run validate -- /tmp/dist-copy                # a copy of dist/, any name
  npm run validate -- manifests/deploy.yaml
  helm template web ./chart | npm run validate -- -
  npm run validate -- dist --format json
  npm run validate -- --explain images/digest-required
`;

/**
 * `npm run validate [-- INPUT]`: checks YAML offline with every policy rule: YAML parse errors and duplicate keys,
 * schemas (core kinds, custom resources, vcluster values), the security baseline, workload and wiring rules, and, for
 * a directory with the dist/ layout, the ApplicationSets' expansion. INPUT is a directory (dist/ by default, or any
 * Helm/Kustomize output), one file, or `-` for standard input (`stdin`). Human output (grouped by file, colors on a
 * TTY) or `--format json`; exit 1 on errors, 0 with warnings only.
 */
export async function validateCommand(
  argv: readonly string[],
  load: ValidateLoader,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  const program = new Command('validate')
    .description('Check Kubernetes YAML offline with every policy rule (schemas, Pod Security Standards, images, probes, wiring, Argo CD); exit 1 on errors, 0 with warnings only.')
    .argument('[input]', 'a directory of YAML, one YAML file, or - for standard input', 'dist')
    .option('-q, --quiet', 'print nothing but findings')
    .option('--format <format>', 'human or json', 'human')
    .option('--explain [rule]', 'say what a rule checks and why (every rule without an argument)')
    .addHelpText('after', HELP_AFTER);
  const parsed = parseArgs(quietExit(program, out, err), argv, out);
  if (parsed !== undefined) return parsed;
  const arg = program.args[0] ?? 'dist';
  const { quiet, format, explain } = program.opts<{ quiet?: boolean; format: string; explain?: string | boolean }>();
  const io = { out, err, json: format === 'json' };
  if (explain !== undefined) {
    const chosen = typeof explain === 'string' ? ALL_RULES.filter((r) => r.id === explain || r.id.startsWith(`${explain}/`)) : ALL_RULES;
    if (chosen.length === 0) return fail(io, 1, new UsageError(`unknown rule "${String(explain)}"; rules: ${ALL_RULES.map((r) => r.id).join(', ')}`, { field: '--explain' }));
    for (const r of chosen) out.write(`${r.id} (${r.severity}): ${r.reason}\n${typeof explain === 'string' ? `  ${r.explain}\n` : ''}`);
    return 0;
  }
  if (format !== 'human' && format !== 'json') {
    err.write(`error: --format: "${format}" is not a format; allowed: human, json\n`);
    return 2;
  }
  let input: Input;
  if (arg === '-') input = { kind: 'stdin' };
  else if (!fs.existsSync(arg)) {
    return fail(io, 1, new UsageError('no such file or directory; expected a directory of YAML, a YAML file, or - for standard input', { file: arg }));
  } else if (fs.statSync(arg).isDirectory()) input = { kind: 'directory', dir: arg, files: yamlFiles(arg) };
  else input = { kind: 'file', file: arg.split(path.sep).join('/') };

  let repo: ReturnType<ValidateLoader>;
  try {
    repo = loadInputs(load);
  } catch (e) {
    return fail(io, 1, e);
  }

  // Read and parse. Files of a directory are named relative to it (the gate reads the dist/ layout from those names).
  const findings: PolicyFinding[] = [];
  const objects: Parsed[] = [];
  let label: string;
  if (input.kind === 'directory') {
    label = `${input.dir.replace(/\/+$/, '')}/`;
    for (const f of input.files) objects.push(...parseYaml(f, fs.readFileSync(path.join(input.dir, f), 'utf8'), findings));
  } else if (input.kind === 'file') {
    label = input.file;
    objects.push(...parseYaml(input.file, fs.readFileSync(input.file, 'utf8'), findings));
  } else {
    label = STDIN_NAME;
    objects.push(...parseYaml(STDIN_NAME, await readAll(stdin), findings));
  }

  // The Argo CD checks need the repository's directories. A directory with the dist/ layout, whatever its name, plays
  // the platform's dist/: its directories are listed as Argo CD would list them, under the platform's distPath.
  const directories = input.kind === 'directory' && isDistTree(input.files) ? repoDirectories(repo.platform.gitops.distPath, listDirectories(input.dir)) : undefined;
  const distTree = directories !== undefined;
  if (!distTree && !quiet) err.write(`note: ${label}: ${NOT_DIST_NOTE}\n`);

  const manifests = objects.map((o, index) => ({ file: o.file, index, object: o.obj as K8sObject }));
  try {
    // A dist/ tree is placed on the platform's clusters (its envs and add-on catalogue) for the placement checks; a
    // repository without a catalogue says nothing of what its clusters run, so they are skipped.
    const placement = distTree && repo.addons ? platformPlacement(repo.platform, repo.envs, repo.addons) : undefined;
    findings.push(...runGate(manifests, repo.envs, appAllows(repo.apps, [...new Set(objects.map((o) => o.file))]), { directories, platform: repo.platform, placement }));
  } catch (e) {
    return fail(io, 1, e);
  }
  findings.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
  const applicationSets = objects.filter((o) => o.obj.kind === 'ApplicationSet').length;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  // Every file read counts, including one that did not parse.
  const fileCount = input.kind === 'directory' ? input.files.length : 1;
  const summary = `validate: ${label}: ${objects.length} objects in ${fileCount} file${fileCount === 1 ? '' : 's'}, ${ALL_RULES.length} rules`;
  if (format === 'json') {
    const where = input.kind === 'directory' ? { dir: input.dir } : { file: input.kind === 'file' ? input.file : STDIN_NAME };
    // With errors the report is the failure object too (ok, exit, error: the summary; each finding names its file and path).
    const failed = errors ? { exit: 1, error: { message: `${summary}: ${errors} error(s)`, file: null, line: null, field: null } } : {};
    const report = { ok: !errors, ...failed, input: input.kind, ...where, objects: objects.length, applicationSets, expansion: distTree ? 'checked' : 'skipped', errors, warnings, findings };
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    return errors ? 1 : 0;
  }
  const tty = (err as { isTTY?: boolean }).isTTY && !process.env.NO_COLOR;
  const color = (text: string, code: number) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
  // Grouped by file (a blank line between files), one self-contained line per finding.
  const prefix = input.kind === 'directory' ? label : '';
  let previous: string | undefined;
  for (const f of findings) {
    if (previous !== undefined && f.file !== previous) err.write('\n');
    previous = f.file;
    const line = formatFinding(f, prefix);
    const where = `${prefix}${f.file}`; // the line starts with it
    err.write(f.severity === 'warning' ? `${color('warning:', 33)} ${line}\n` : `${tty ? color(where, 31) + line.slice(where.length) : line}\n`);
  }
  if (!quiet) {
    const status = errors ? color(`${errors} error(s)${warnings ? `, ${warnings} warning(s)` : ''}`, 31) : warnings ? `ok, ${warnings} warning(s)` : 'ok';
    (errors ? err : out).write(`${summary}: ${status}${errors ? ` (${GATE_HINT})` : ''}\n`);
  }
  return errors ? 1 : 0;
}
