import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { AppRegistry, EnvironmentRegistry, PlatformDefinition } from '../model';
import { formatFinding, K8sObject, PolicyFinding } from '../policy/engine';
import { ALL_RULES, appAllows, runGate } from '../policy/gate';
import { listDirectories } from '../policy/appset-expansion';
import { parseArgs, quietExit } from './command';
import { formatError } from './errors';

/** What `validate` needs from the repository: the platform (repo URL, dist path) and the envs (sync policy). */
export type ValidateLoader = () => { platform: PlatformDefinition; envs: EnvironmentRegistry; apps: AppRegistry };

interface Parsed {
  readonly file: string;
  readonly obj: Record<string, unknown>;
}

/** Reads every YAML document below `dir`; a parse error or duplicate key is a finding, not a crash. */
function readObjects(dir: string, findings: PolicyFinding[]): Parsed[] {
  const out: Parsed[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (/\.ya?ml$/.test(e.name)) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, r), 'utf8'), { uniqueKeys: true })) {
          if (doc.errors.length > 0) {
            findings.push({ rule: 'yaml/parse', severity: 'error', file: r, object: '', path: '', message: doc.errors[0].message.split('\n')[0] });
            continue;
          }
          const v = doc.toJS();
          if (v && typeof v === 'object') out.push({ file: r, obj: v as Record<string, unknown> });
        }
      }
    }
  };
  walk('');
  return out;
}

/**
 * `npm run validate [-- DIR]`: checks a directory of YAML (dist/ by default, or any Helm/Kustomize output) offline with
 * every policy rule: YAML parse errors and duplicate keys, schemas (core kinds, custom resources, vcluster values),
 * the security baseline, workload and wiring rules, and, for a dist/ directory, the ApplicationSets' expansion.
 * Human output (grouped by file, colors on a TTY) or `--format json`; exit 1 on errors, 0 with warnings only.
 */
export async function validateCommand(argv: readonly string[], load: ValidateLoader, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const program = new Command('validate')
    .description('Check a directory of Kubernetes YAML offline with every policy rule (schemas, Pod Security Standards, images, probes, wiring, Argo CD); exit 1 on errors, 0 with warnings only.')
    .argument('[dir]', 'directory of YAML to check', 'dist')
    .option('-q, --quiet', 'print nothing but findings')
    .option('--format <format>', 'human or json', 'human')
    .option('--explain [rule]', 'say what a rule checks and why (every rule without an argument)');
  const parsed = parseArgs(quietExit(program, out, err), argv);
  if (parsed !== undefined) return parsed;
  const dir = program.args[0] ?? 'dist';
  const { quiet, format, explain } = program.opts<{ quiet?: boolean; format: string; explain?: string | boolean }>();
  if (explain !== undefined) {
    const chosen = typeof explain === 'string' ? ALL_RULES.filter((r) => r.id === explain || r.id.startsWith(`${explain}/`)) : ALL_RULES;
    if (chosen.length === 0) {
      err.write(`error: --explain: unknown rule "${String(explain)}"; rules: ${ALL_RULES.map((r) => r.id).join(', ')}\n`);
      return 1;
    }
    for (const r of chosen) out.write(`${r.id} (${r.severity}): ${r.reason}\n${typeof explain === 'string' ? `  ${r.explain}\n` : ''}`);
    return 0;
  }
  if (format !== 'human' && format !== 'json') {
    err.write(`error: --format: "${format}" is not a format; allowed: human, json\n`);
    return 2;
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    err.write(`error: ${dir}: not a directory\n`);
    return 1;
  }
  let repo: ReturnType<ValidateLoader>;
  try {
    repo = load();
  } catch (e) {
    err.write(`${formatError(e)}\n`);
    return 1;
  }

  const findings: PolicyFinding[] = [];
  const objects = readObjects(dir, findings);

  // The policy rules over the whole object set, with the apps' opt-outs. With an argocd/ directory, dir is a dist/:
  // the repository's directories (as Argo CD lists them) feed the ApplicationSet checks.
  let directories: string[] | undefined;
  let platform = repo.platform;
  if (fs.existsSync(path.join(dir, 'argocd'))) {
    const root = path.resolve(dir, ...Array<string>(repo.platform.gitops.distPath.split('/').length).fill('..'));
    directories = listDirectories(root);
    // The directory checked plays dist/: its path in the tree is what the ApplicationSets must match.
    const distPath = path.relative(root, path.resolve(dir)).split(path.sep).join('/');
    platform = { ...platform, gitops: { ...platform.gitops, distPath } };
  }
  const manifests = objects.map((o, index) => ({ file: o.file, index, object: o.obj as K8sObject }));
  try {
    findings.push(...runGate(manifests, repo.envs, appAllows(repo.apps, [...new Set(objects.map((o) => o.file))]), { directories, platform }));
  } catch (e) {
    err.write(`${formatError(e)}\n`);
    return 1;
  }
  findings.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
  const applicationSets = objects.filter((o) => o.obj.kind === 'ApplicationSet').length;
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const summary = `validate: ${dir}/: ${objects.length} objects in ${new Set(objects.map((o) => o.file)).size} files, ${ALL_RULES.length} rules`;
  if (format === 'json') {
    out.write(`${JSON.stringify({ dir, objects: objects.length, applicationSets, errors, warnings, findings }, null, 2)}\n`);
    return errors ? 1 : 0;
  }
  const tty = (err as { isTTY?: boolean }).isTTY && !process.env.NO_COLOR;
  const color = (text: string, code: number) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);
  // Grouped by file (a blank line between files), one self-contained line per finding.
  let previous: string | undefined;
  for (const f of findings) {
    if (previous !== undefined && f.file !== previous) err.write('\n');
    previous = f.file;
    const line = formatFinding(f, `${dir.replace(/\/+$/, '')}/`);
    err.write(f.severity === 'warning' ? `${color('warning:', 33)} ${line}\n` : `${tty ? line.replace(/^[^:]+/, (file) => color(file, 31)) : line}\n`);
  }
  if (!quiet) {
    const status = errors ? color(`${errors} error(s)${warnings ? `, ${warnings} warning(s)` : ''}`, 31) : warnings ? `ok, ${warnings} warning(s)` : 'ok';
    (errors ? err : out).write(`${summary}: ${status}\n`);
  }
  return errors ? 1 : 0;
}
