/**
 * `npm run new-app -- <name> --image REPO --port P --team T [--expose] [--database postgres] [--tag T --digest D]
 * [--kind web|worker|cron --command CMD [--schedule S]] [--template python-service [--out DIR] [--gitops-repo O/N]]`:
 * writes apps/<name>.ts in the house style, registers it in apps/index.ts (lib/datafile/registry.ts, the TypeScript
 * compiler API) and, with --tag, records its first dev release in envs/releases.ts (the data-file editor). It then
 * loads the repository with the new app and runs synth in memory (policy gate included, every env): when that
 * fails, every file is put back as it was and the error is printed. Refused before anything is written: an
 * existing name, a name that is not a DNS label, a port out of range, an image reference that is not a repository.
 * With --template the app spec matches the template (PORT, metrics) and, with --out, the application repository is
 * made from templates/<template> (lib/cli/new-app-template.ts) once the app synthesizes; an --out that exists and is
 * not empty is refused before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { addToRegistry, DataValue, readTextFile, render, setValue, Style, writeFileAtomic } from '../datafile';
import { ConfigError, configErrorsOf, defineApp, ResolveInput, throwAll } from '../model';
import { planSynth } from '../synth';
import { fail, parseArgs, quietExit } from './command';
import { loadInputs } from './load';
import { prepareTemplate, writeAppRepository } from './new-app-template';
import { shown } from './template-files';

/** Loads the repository's inputs fresh (after the new files are written). */
export type NewAppLoader = () => ResolveInput;

interface Options {
  image: string; port: string; team: string; expose?: boolean; database?: string; tag?: string; digest?: string;
  kind: string; command?: string; schedule?: string; template?: string; out?: string; gitopsRepo?: string;
}

/**
 * What `--kind` adds to the web part every app has (it serves the health endpoints, and metrics): a queue `worker`
 * (a Deployment without a Service, probed over HTTP on the app's port like the web part) or a `cron` job, each running
 * `--command` in the app's image. Their names are the workload keys in the app file.
 */
export const APP_KINDS = ['web', 'worker', 'cron'] as const;
type AppKind = (typeof APP_KINDS)[number];

/** The extra workload of a kind, in the app file's words; `command` already split into argv. */
export interface KindWorkload { readonly kind: Exclude<AppKind, 'web'>; readonly command: readonly string[]; readonly schedule?: string }

const APPS_INDEX = 'apps/index.ts';
const RELEASES = 'envs/releases.ts';

/** How apps/ files are written (two-space indent, single quotes, trailing commas). */
const HOUSE_STYLE: Style = { quote: "'", indentUnit: '  ', eol: '\n', trailingComma: true, width: 120 };

/** `book-shop` -> `bookShop`. */
const identifierOf = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** What an app made from a template has in its spec: its port in PORT, and the metrics the template serves. */
const TEMPLATE_SPEC = { portEnv: 'PORT', metrics: { errorRatio: { metric: 'http_requests_total' } } } as const;

/** The app file, in the house style of apps/. */
export function appFileText(name: string, o: { image: string; port: number; team: string; expose?: boolean; database?: boolean; workload?: KindWorkload; template?: string }): string {
  const w = o.workload;
  const workload = w
    ? [
      '  workloads: {',
      w.kind === 'worker'
        ? '    // The queue consumer: the same image, no Service; probed over HTTP on the app port, like the web part.'
        : '    // The scheduled job: the same image, its config and secrets; a run never overlaps the previous one.',
      `    ${w.kind}: ${render(workloadSpec(w, o.port) as DataValue, HOUSE_STYLE, '    ', 4 + w.kind.length + 2, 1)},`,
      '  },',
    ]
    : [];
  return [
    "import { defineApp } from '../lib/model';",
    '',
    `/** ${name}: a service of team ${o.team} (made by \`npm run new-app\`${o.template ? ` from templates/${o.template}` : ''}; describe what it does here). */`,
    `export const ${identifierOf(name)} = defineApp({`,
    `  name: '${name}',`,
    `  team: '${o.team}',`,
    `  image: '${o.image}',`,
    `  port: ${o.port},`,
    ...(o.template ? [`  portEnv: '${TEMPLATE_SPEC.portEnv}',`] : []),
    "  health: { liveness: '/healthz', readiness: '/readyz' },",
    ...(o.template ? [`  metrics: { errorRatio: { metric: '${TEMPLATE_SPEC.metrics.errorRatio.metric}' } },`] : []),
    ...(o.expose ? ['  expose: true,'] : []),
    ...(o.database ? ["  database: { engine: 'postgres', size: 'small' },"] : []),
    ...workload,
    '});',
    '',
  ].join('\n');
}

export async function newAppCommand(argv: readonly string[], load: NewAppLoader, io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream; cwd?: string } = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  let name = '';
  let opts: Options | undefined;
  const cmd = quietExit(new Command('new-app'), out, err)
    .description('Add an app: apps/<name>.ts, its entry in apps/index.ts, and (with --tag) its first dev release')
    .argument('<name>', 'the app name (a DNS label, e.g. payments)')
    .requiredOption('--image <repository>', 'image repository without tag, e.g. ghcr.io/acme/payments')
    .requiredOption('--port <port>', 'the port the container listens on')
    .requiredOption('--team <team>', 'the owning team')
    .option('--expose', 'expose it (an Ingress or HTTPRoute per env)')
    .option('--database <engine>', 'a database per instance (postgres)')
    .option('--tag <tag>', 'record a first dev release with this tag')
    .option('--digest <digest>', 'its digest (sha256:...)')
    .option('--kind <kind>', `web, or web plus a queue worker or a cron job running --command (${APP_KINDS.join(', ')})`, 'web')
    .option('--command <command>', 'what the worker or cron job runs, split on spaces, e.g. "python -m payments.worker"')
    .option('--schedule <cron>', 'the cron job\'s schedule (5 fields, or @hourly, @daily, ...)', '@hourly')
    .option('--template <template>', 'the app is made from templates/<template> (python-service): its spec reads PORT and has metrics')
    .option('--out <dir>', 'with --template: also write the application repository there (a new or empty directory)')
    .option('--gitops-repo <owner/name>', 'with --out: the GitOps repository its CI dispatches releases to (default: envs/platform.ts gitops.repoURL)')
    .addHelpText('after', [
      '',
      'Examples:',
      '  npm run new-app -- payments --image ghcr.io/acme/payments --port 8080 --team checkout --expose',
      '  npm run new-app -- mailer --image ghcr.io/acme/mailer --port 8080 --team growth --kind worker --command "python -m mailer.worker"',
      '  npm run new-app -- reports --image ghcr.io/acme/reports --port 8080 --team data --kind cron --command "python -m reports.nightly" --schedule "0 3 * * *"',
      '  npm run new-app -- payments --image ghcr.io/acme/payments --port 8080 --team checkout --template python-service --out ../payments',
      '',
      'With --out, the application repository (a Flask service: health, readiness, metrics, JSON logs, a Dockerfile for',
      'uid 10001 and a read-only root filesystem, tests, and a CI workflow that dispatches its dev releases here) is',
      'written once the app synthesizes; templates/README.md lists the templates and their placeholders.',
      '',
    ].join('\n'))
    .action((n: string, o: Options) => { name = n; opts = o; });
  const usage = parseArgs(cmd, argv, out);
  if (usage !== undefined) return usage;
  const o = opts!;
  try {
    const port = Number(o.port);
    if (o.database !== undefined && o.database !== 'postgres') throw new ConfigError(undefined, '--database', `"${o.database}" is not offered; allowed: postgres`);
    if (o.digest !== undefined && o.tag === undefined) throw new ConfigError(undefined, '--digest', 'needs --tag');
    const workload = kindWorkload(o);
    const appFile = `apps/${name}.ts`;
    if (fs.existsSync(path.join(cwd, appFile))) throw new ConfigError(undefined, '<name>', `"${name}" exists already (${appFile})`);
    // The spec's own checks (name, team, image, port), as apps/<name>.ts will run them: refused before anything is written.
    const spec = {
      name, team: o.team, image: o.image, port, health: { liveness: '/healthz', readiness: '/readyz' },
      ...(o.template !== undefined ? TEMPLATE_SPEC : {}),
      ...(workload ? { workloads: { [workload.kind]: workloadSpec(workload, port) } } : {}),
    };
    asOptions(() => defineApp(spec as never));
    const template = prepareTemplate({ ...o, ...(o.out !== undefined ? { out: path.resolve(cwd, o.out) } : {}) }, { name, image: o.image, port });
    const index = readTextFile(path.join(cwd, APPS_INDEX));
    const files = new Map<string, string | undefined>([[appFile, undefined], [APPS_INDEX, index]]);
    const next = new Map<string, string>([
      [appFile, appFileText(name, { image: o.image, port, team: o.team, expose: o.expose, database: o.database !== undefined, workload, template: o.template })],
      [APPS_INDEX, addToRegistry(index, { file: APPS_INDEX, call: 'registerApps', identifier: identifierOf(name), module: `./${name}` })],
    ]);
    if (o.tag !== undefined) {
      const releases = readTextFile(path.join(cwd, RELEASES));
      files.set(RELEASES, releases);
      next.set(RELEASES, setValue(releases, 'releases', [name, 'dev'], { tag: o.tag, ...(o.digest ? { digest: o.digest } : {}) }, { fileName: RELEASES }).text);
    }
    for (const [file, text] of next) writeFileAtomic(path.join(cwd, file), text);
    try {
      const inputs = loadInputs(load);
      const plan = planSynth(inputs);
      const dev = plan.resolved.instances.filter((i) => i.app === name).map((i) => `${i.env}/${i.region}`);
      // Last: the application repository (all of it, or nothing; a failure puts the spec files back too).
      const repository = template ? writeAppRepository(template, inputs.platform) : [];
      out.write(`new-app: wrote ${[...next.keys()].join(', ')}\n`);
      out.write(`  ${name} synthesizes and passes the policy gate; ${dev.length > 0 ? `deployed to ${dev.join(', ')}` : 'not released anywhere yet (add a release to envs/releases.ts, or run again with --tag)'}\n`);
      if (template?.out !== undefined) {
        out.write(`new-app: wrote ${shown(cwd, template.out)}/: ${repository.length} files from templates/${template.name}\n`);
        out.write(`  there: git init, make setup test; push it with the secret GITOPS_DISPATCH_TOKEN (docs/app-repo-ci.md)\n`);
      } else if (template) {
        out.write(`  its repository: npm run template -- ${template.name} --name ${name} --image ${o.image} --port ${port} --out DIR\n`);
      }
      out.write('  next: npm run synth, review dist/, commit\n');
      return 0;
    } catch (e) {
      // Put every file back as it was: nothing of a refused app stays behind.
      for (const [file, before] of files) {
        if (before === undefined) fs.rmSync(path.join(cwd, file), { force: true });
        else writeFileAtomic(path.join(cwd, file), before);
      }
      throw e;
    }
  } catch (e) {
    return fail({ err, out, json: false, cwd, gateLabel: 'new-app' }, 1, e);
  }
}

/** The workload `--kind` asks for, or undefined for a web app; refuses a kind without its command. */
function kindWorkload(o: Options): KindWorkload | undefined {
  if (!(APP_KINDS as readonly string[]).includes(o.kind)) throw new ConfigError(undefined, '--kind', `"${o.kind}" is not offered; allowed: ${APP_KINDS.join(', ')}`);
  const kind = o.kind as AppKind;
  if (kind === 'web') {
    if (o.command !== undefined) throw new ConfigError(undefined, '--command', 'goes with --kind worker or cron (a web app runs its image\'s entrypoint)');
    return undefined;
  }
  const command = (o.command ?? '').split(/\s+/).filter((a) => a !== '');
  if (command.length === 0) throw new ConfigError(undefined, '--command', `is required with --kind ${kind}: what it runs in the image, e.g. "python -m app.${kind}"`);
  return kind === 'cron' ? { kind, command, schedule: o.schedule } : { kind, command };
}

/** The spec of that workload, as the app file writes it (checked by defineApp before anything is written). */
function workloadSpec(w: KindWorkload, port: number): object {
  if (w.kind === 'cron') return { kind: 'cron', schedule: w.schedule, command: w.command };
  const probe = (p: string) => ({ httpGet: { path: p, port } });
  return { kind: 'worker', command: w.command, health: { liveness: probe('/healthz'), readiness: probe('/readyz') } };
}

/** The option each checked field of the spec comes from. */
const OPTION_OF: readonly (readonly [RegExp, string])[] = [
  [/^name$/, '<name>'], [/^team$/, '--team'], [/^image$/, '--image'], [/^port$/, '--port'],
  [/^workloads\.\w+\.schedule$/, '--schedule'], [/^workloads\.\w+\.command/, '--command'],
];

/** Runs the spec's own checks; their errors name the option the bad value came from (not this file). */
function asOptions(check: () => void): void {
  try {
    check();
  } catch (e) {
    const errors = configErrorsOf(e);
    if (!errors) throw e;
    throwAll(errors.map((x) => new ConfigError(undefined, OPTION_OF.find(([field]) => field.test(x.field))?.[1] ?? x.field, x.reason)));
  }
}
