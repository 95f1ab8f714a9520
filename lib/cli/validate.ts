import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { AppRegistry, EnvironmentRegistry, PlatformDefinition } from '../model';
import { formatFinding, K8sObject, PolicyFinding } from '../policy/engine';
import { ALL_RULES, appAllows, runGate } from '../policy/gate';
import { ExpectedInstance, runExpansionCheck, splitArgoObjects } from '../policy/appset-expansion';
import { validateVclusterValues } from '../policy/schemas';
import { parseArgs, quietExit } from './command';
import { formatError } from './errors';

/** What `validate` needs from the repository: the platform (repo URL, dist path) and the envs (sync policy). */
export type ValidateLoader = () => { platform: PlatformDefinition; envs: EnvironmentRegistry; apps: AppRegistry };

interface Parsed {
  readonly file: string;
  readonly obj: Record<string, unknown>;
}

/** Reads every YAML document below `dir`; a parse error or duplicate key is a finding, not a crash. */
function readObjects(dir: string, findings: string[]): Parsed[] {
  const out: Parsed[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (/\.ya?ml$/.test(e.name)) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, r), 'utf8'), { uniqueKeys: true })) {
          if (doc.errors.length > 0) {
            findings.push(`${r}: ${doc.errors[0].message.split('\n')[0]} (yaml)`);
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

function describe(o: Record<string, unknown>): string {
  const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(o.kind)} ${m.namespace ? `${m.namespace}/` : ''}${m.name ?? '(no name)'}`;
}

/**
 * `npm run validate [-- DIR]`: checks a directory of synthesized YAML offline: no plaintext Secret, custom resources
 * against the CRD schemas in imports/schemas, vcluster chart values against the chart's schema, and
 * the ApplicationSets' expansion (each app instance directory yields exactly one correct Application,
 * allowed by its AppProject). Exit 1 with one line per finding.
 */
export async function validateCommand(argv: readonly string[], load: ValidateLoader, out = process.stdout, err = process.stderr): Promise<number> {
  const program = new Command('validate')
    .description('Validate synthesized manifests offline: CRD schemas, vcluster values, ApplicationSet expansion.')
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

  const findings: string[] = [];
  const objects = readObjects(dir, findings);
  const structured: PolicyFinding[] = [];
  for (const { file, obj } of objects) {
    const source = ((obj.spec as Record<string, unknown> | undefined)?.source ?? {}) as { chart?: string; helm?: { valuesObject?: unknown } };
    if (obj.kind === 'Application' && source.chart === 'vcluster' && source.helm?.valuesObject !== undefined) {
      for (const f of validateVclusterValues(source.helm.valuesObject)) {
        findings.push(`${file}: ${describe(obj)}: spec.source.helm.valuesObject.${f.path}: ${f.message} (vcluster values schema)`);
      }
    }
  }

  let applications = 0;
  const { appSets, appProjects } = splitArgoObjects(objects.map((o) => o.obj));
  if (appSets.length > 0) {
    const { gitops } = repo.platform;
    // The repository root is where dist/ lives: the check lists directories as Argo CD's repo server does.
    const absDir = path.resolve(dir);
    const distSegments = gitops.distPath.split('/').length;
    const repoRoot = path.resolve(absDir, ...Array<string>(distSegments).fill('..'));
    const expected: ExpectedInstance[] = [];
    const appsDir = path.join(dir, 'apps');
    if (fs.existsSync(appsDir)) {
      for (const env of fs.readdirSync(appsDir).sort()) {
        const envDef = repo.envs[env];
        for (const region of fs.readdirSync(path.join(appsDir, env)).sort()) {
          for (const app of fs.readdirSync(path.join(appsDir, env, region)).sort()) {
            expected.push({ env, region, app, automated: envDef?.sync.automated ?? false, path: `${gitops.distPath}/apps/${env}/${region}/${app}` });
          }
        }
      }
    }
    const clusters = Object.values(repo.envs).flatMap((e) => e.regionNames.map((r) => `${e.name}-${r}`));
    try {
      const result = runExpansionCheck({ repoRoot, appSets, appProjects, expected, repoURL: gitops.repoURL, clusters });
      applications = result.applications.length;
      for (const f of result.findings) findings.push(`${f.message} (${f.rule})`);
    } catch (e) {
      findings.push(`${formatError(e).replace(/^error: /, '')} (expansion)`);
    }
  }

  // The policy rules over the whole object set, with the apps' opt-outs.
  let directories: string[] | undefined;
  try {
    const { listDirectories } = await import('../policy/appset-expansion');
    const root = path.resolve(dir, ...Array<string>(repo.platform.gitops.distPath.split('/').length).fill('..'));
    directories = fs.existsSync(path.join(dir, 'argocd')) ? listDirectories(root) : undefined;
  } catch {
    directories = undefined;
  }
  const manifests = objects.map((o, index) => ({ file: o.file, index, object: o.obj as K8sObject }));
  let policy: PolicyFinding[] = [];
  try {
    policy = runGate(manifests, repo.envs, appAllows(repo.apps, [...new Set(objects.map((o) => o.file))]), directories);
  } catch (e) {
    err.write(`${formatError(e)}\n`);
    return 1;
  }
  structured.push(...policy);
  const errors = findings.length + structured.filter((f) => f.severity === 'error').length;
  const warnings = structured.filter((f) => f.severity === 'warning').length;
  const summary = `validate: ${dir}/: ${objects.length} objects, ${appSets.length} ApplicationSets -> ${applications} Applications`;
  if (format === 'json') {
    out.write(`${JSON.stringify({ dir, objects: objects.length, applications, errors, warnings, findings: [...findings.map((message) => ({ severity: 'error', message })), ...structured] }, null, 2)}\n`);
    return errors ? 1 : 0;
  }
  const color = (s: string, code: number) => ((err as { isTTY?: boolean }).isTTY && !process.env.NO_COLOR ? `\u001b[${code}m${s}\u001b[0m` : s);
  for (const f of findings) err.write(`${f}\n`);
  for (const f of structured) err.write(`${f.severity === 'warning' ? color('warning: ', 33) : ''}${formatFinding(f)}\n`);
  if (!quiet) {
    const status = errors ? color(`${errors} finding(s)`, 31) : warnings ? `ok, ${warnings} warning(s)` : 'ok';
    (errors ? err : out).write(`${summary}: ${status}\n`);
  }
  return errors ? 1 : 0;
}
