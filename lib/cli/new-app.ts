/**
 * `npm run new-app -- <name> --image REPO --port P --team T [--expose] [--database postgres] [--tag T --digest D]`:
 * writes apps/<name>.ts in the house style, registers it in apps/index.ts (lib/datafile/registry.ts, the TypeScript
 * compiler API) and, with --tag, records its first dev release in envs/releases.ts (the data-file editor). It then
 * loads the repository with the new app and runs synth in memory (policy gate included, every env): when that
 * fails, every file is put back as it was and the error is printed. Refused before anything is written: an
 * existing name, a name that is not a DNS label, a port out of range, an image reference that is not a repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { addToRegistry, readTextFile, setValue, writeFileAtomic } from '../datafile';
import { ConfigError, defineApp, ResolveInput } from '../model';
import { planSynth } from '../synth';
import { fail, parseArgs, quietExit } from './command';
import { loadInputs } from './load';

/** Loads the repository's inputs fresh (after the new files are written). */
export type NewAppLoader = () => ResolveInput;

interface Options { image: string; port: string; team: string; expose?: boolean; database?: string; tag?: string; digest?: string }

const APPS_INDEX = 'apps/index.ts';
const RELEASES = 'envs/releases.ts';

/** `book-shop` -> `bookShop`. */
const identifierOf = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The app file, in the house style of apps/. */
export function appFileText(name: string, o: { image: string; port: number; team: string; expose?: boolean; database?: boolean }): string {
  return [
    "import { defineApp } from '../lib/model';",
    '',
    `/** ${name}: a service of team ${o.team} (made by \`npm run new-app\`; describe what it does here). */`,
    `export const ${identifierOf(name)} = defineApp({`,
    `  name: '${name}',`,
    `  team: '${o.team}',`,
    `  image: '${o.image}',`,
    `  port: ${o.port},`,
    "  health: { liveness: '/healthz', readiness: '/readyz' },",
    ...(o.expose ? ['  expose: true,'] : []),
    ...(o.database ? ["  database: { engine: 'postgres', size: 'small' },"] : []),
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
    .action((n: string, o: Options) => { name = n; opts = o; });
  const usage = parseArgs(cmd, argv, out);
  if (usage !== undefined) return usage;
  const o = opts!;
  try {
    const port = Number(o.port);
    if (o.database !== undefined && o.database !== 'postgres') throw new ConfigError(undefined, '--database', `"${o.database}" is not offered; allowed: postgres`);
    if (o.digest !== undefined && o.tag === undefined) throw new ConfigError(undefined, '--digest', 'needs --tag');
    const appFile = `apps/${name}.ts`;
    if (fs.existsSync(path.join(cwd, appFile))) throw new ConfigError(undefined, 'name', `"${name}" exists already (${appFile})`);
    // The spec's own checks (name, team, image, port), as apps/<name>.ts will run them: refused before anything is written.
    const spec = { name, team: o.team, image: o.image, port, health: { liveness: '/healthz', readiness: '/readyz' } };
    defineApp(spec as never);
    const index = readTextFile(path.join(cwd, APPS_INDEX));
    const files = new Map<string, string | undefined>([[appFile, undefined], [APPS_INDEX, index]]);
    const next = new Map<string, string>([
      [appFile, appFileText(name, { image: o.image, port, team: o.team, expose: o.expose, database: o.database !== undefined })],
      [APPS_INDEX, addToRegistry(index, { file: APPS_INDEX, call: 'registerApps', identifier: identifierOf(name), module: `./${name}` })],
    ]);
    if (o.tag !== undefined) {
      const releases = readTextFile(path.join(cwd, RELEASES));
      files.set(RELEASES, releases);
      next.set(RELEASES, setValue(releases, 'releases', [name, 'dev'], { tag: o.tag, ...(o.digest ? { digest: o.digest } : {}) }, { fileName: RELEASES }).text);
    }
    for (const [file, text] of next) writeFileAtomic(path.join(cwd, file), text);
    try {
      const plan = planSynth(loadInputs(load));
      const dev = plan.resolved.instances.filter((i) => i.app === name).map((i) => `${i.env}/${i.region}`);
      out.write(`new-app: wrote ${[...next.keys()].join(', ')}\n`);
      out.write(`  ${name} synthesizes and passes the policy gate; ${dev.length > 0 ? `deployed to ${dev.join(', ')}` : 'not released anywhere yet (add a release to envs/releases.ts, or run again with --tag)'}\n`);
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
