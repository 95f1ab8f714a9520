/**
 * `npm run template -- <template> --name N --image REPO --port P --out DIR [--gitops-repo OWNER/NAME]`: writes an
 * application repository made from templates/<template>, placeholders filled in, into DIR (new or empty; all files
 * or none). For an app that exists already; `npm run new-app -- ... --template T --out DIR` does both at once.
 * --gitops-repo defaults to this repository (envs/platform.ts gitops.repoURL, on GitHub).
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { ConfigError, PlatformDefinition, throwAll } from '../model';
import { checkParams, githubRepositoryOf, PLACEHOLDERS, renderTemplate, TemplateParams, TEMPLATES } from '../template';
import { CommandIo, fail, parseArgs, quietExit } from './command';
import { readTemplate, shown, TEMPLATES_DIR, writeTree } from './template-files';

interface Options { name: string; image: string; port: string; out: string; gitopsRepo?: string }

const OPTION_OF: Record<keyof TemplateParams, string> = { name: '--name', image: '--image', port: '--port', gitopsRepository: '--gitops-repo' };

export async function templateCommand(argv: readonly string[], platform: () => PlatformDefinition, io: CommandIo & { templatesDir?: string } = {}): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const cwd = process.cwd();
  let template = '';
  let opts: Options | undefined;
  const cmd = quietExit(new Command('template'), out, err)
    .description('Write an application repository made from a template')
    .argument('<template>', `the template (${TEMPLATES.join(', ')})`)
    .requiredOption('--name <name>', 'the app name, as in apps/<name>.ts')
    .requiredOption('--image <repository>', 'image repository without tag, e.g. ghcr.io/acme/payments')
    .requiredOption('--port <port>', 'the port the app listens on')
    .requiredOption('--out <dir>', 'where to write it (a new or empty directory)')
    .option('--gitops-repo <owner/name>', 'the GitOps repository its CI dispatches releases to (default: envs/platform.ts gitops.repoURL)')
    .addHelpText('after', [
      '',
      'Placeholders:',
      ...Object.entries(PLACEHOLDERS).map(([k, v]) => `  {{${k}}}  ${v.means}`),
      '',
      'Example:',
      '  npm run template -- python-service --name payments --image ghcr.io/acme/payments --port 8080 --out ../payments',
      '',
    ].join('\n'))
    .action((t: string, o: Options) => { template = t; opts = o; });
  const usage = parseArgs(cmd, argv, out);
  if (usage !== undefined) return usage;
  const o = opts!;
  try {
    const files = readTemplate(template, io.templatesDir ?? TEMPLATES_DIR, '<template>');
    let gitopsRepository = o.gitopsRepo;
    if (gitopsRepository === undefined) {
      const repoURL = platform().gitops.repoURL;
      gitopsRepository = githubRepositoryOf(repoURL);
      if (gitopsRepository === undefined) throw new ConfigError(undefined, '--gitops-repo', `is needed: envs/platform.ts gitops.repoURL (${repoURL}) is not on GitHub`);
    }
    const params: TemplateParams = { name: o.name, image: o.image, port: Number(o.port), gitopsRepository };
    throwAll(checkParams(params).map((p) => new ConfigError(undefined, OPTION_OF[p.field], p.reason)));
    const dir = path.resolve(cwd, o.out);
    const written = writeTree(dir, renderTemplate(files, params));
    out.write(`template: wrote ${shown(cwd, dir)}/: ${written.length} files from templates/${template} (${o.name}, ${o.image}, releases to ${gitopsRepository})\n`);
    return 0;
  } catch (e) {
    return fail({ err, out, json: false, cwd, gateLabel: 'template' }, 1, e);
  }
}
