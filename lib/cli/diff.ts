import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { GitError } from '../release/git';
import { planSynth, readTree, repoRenderCache } from '../synth';
import { compareEnvs, DiffGroup, diffTrees, objectLabel } from '../synth/diff';
import { fail, parseArgs, quietExit } from './command';
import { loadInputs } from './load';
import { InputLoader } from './synth';
import { UsageError } from './errors';
import { unknownApp } from '../model';

type Format = 'text' | 'markdown' | 'json';

interface DiffOptions {
  readonly env?: string;
  readonly app?: string;
  readonly against?: string;
  readonly format: Format;
  readonly outdir: string;
}

/** Runs git in `cwd`, stdout as bytes; throws GitError on failure. */
function gitBytes(cwd: string, args: readonly string[], input?: string): Buffer {
  const r = spawnSync('git', args as string[], { cwd, input, maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw new GitError(args, String(r.error.message), null);
  if (r.status !== 0) throw new GitError(args, r.stderr?.toString() ?? '', r.status);
  return r.stdout;
}

/**
 * The files below `dir` (relative to `cwd`) at a git ref, as paths below `dir`: one `git ls-tree`
 * and one `git cat-file --batch` whatever the number of files. Empty when the ref has no such directory.
 */
export function readTreeAt(cwd: string, ref: string, dir: string): Map<string, string> {
  gitBytes(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  const prefix = `${path.posix.normalize(dir.split(path.sep).join('/')).replace(/\/$/, '')}/`;
  const entries = gitBytes(cwd, ['ls-tree', '-r', '-z', ref, '--', prefix]).toString('utf8').split('\0').filter((l) => l !== '');
  const blobs: { oid: string; rel: string }[] = [];
  for (const e of entries) {
    const tab = e.indexOf('\t');
    const [, type, oid] = e.slice(0, tab).split(' ');
    const p = e.slice(tab + 1);
    if (type === 'blob' && p.startsWith(prefix)) blobs.push({ oid, rel: p.slice(prefix.length) });
  }
  const out = new Map<string, string>();
  if (blobs.length === 0) return out;
  const buf = gitBytes(cwd, ['cat-file', '--batch'], `${blobs.map((b) => b.oid).join('\n')}\n`);
  let at = 0;
  for (const b of blobs) {
    const nl = buf.indexOf(0x0a, at);
    const size = Number(buf.subarray(at, nl).toString('utf8').split(' ')[2]);
    out.set(b.rel, buf.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    at = nl + 1 + size + 1;
  }
  return out;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', bold: '\x1b[1m', reset: '\x1b[0m' };
type Color = keyof typeof ANSI;

const count = (g: DiffGroup) => `${g.added.length} added, ${g.removed.length} removed, ${g.changed.length} changed`;

function renderText(groups: readonly DiffGroup[], what: string, color: boolean): string {
  const c = (k: Color, s: string) => (color ? `${ANSI[k]}${s}${ANSI.reset}` : s);
  if (groups.length === 0) return `diff: no differences (${what})\n`;
  const lines = [`diff: ${groups.length} group(s) differ (${what})`];
  for (const g of groups) {
    lines.push(c('bold', `${g.label}: ${count(g)}`));
    for (const o of g.added) lines.push(c('green', `  + ${objectLabel(o)}`));
    for (const o of g.removed) lines.push(c('red', `  - ${objectLabel(o)}`));
    for (const o of g.changed) lines.push(c('yellow', `  ~ ${objectLabel(o)}`));
  }
  const patches = groups.flatMap((g) => g.changed.map((o) => o.patch ?? ''));
  if (patches.length > 0) lines.push('');
  for (const p of patches) {
    for (const l of p.replace(/\n$/, '').split('\n')) {
      if (l.startsWith('===')) continue;
      lines.push(l.startsWith('+++') || l.startsWith('---') ? c('bold', l) : l.startsWith('+') ? c('green', l) : l.startsWith('-') ? c('red', l) : l.startsWith('@@') ? c('cyan', l) : l);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One `<details>` section per env (prod first), and `prod: no change` when prod is untouched. */
function renderMarkdown(groups: readonly DiffGroup[], what: string, envs: readonly string[]): string {
  const lines = [`### dist/ diff (${what})`, ''];
  if (groups.length === 0) lines.push('No differences.', '');
  if (envs.includes('prod') && !groups.some((g) => g.env === 'prod')) lines.push('prod: no change', '');
  const byEnv = new Map<string | undefined, DiffGroup[]>();
  for (const g of groups) byEnv.set(g.env, [...(byEnv.get(g.env) ?? []), g]);
  for (const env of [...byEnv.keys()].sort(compareEnvs)) {
    const list = byEnv.get(env) ?? [];
    const n = (k: 'added' | 'removed' | 'changed') => list.reduce((s, g) => s + g[k].length, 0);
    lines.push('<details>', `<summary><b>${env ?? 'control plane'}</b>: ${n('added')} added, ${n('removed')} removed, ${n('changed')} changed</summary>`, '');
    for (const g of list) {
      lines.push(`- \`${g.label}\`: ${count(g)}`);
      for (const o of g.added) lines.push(`  - added \`${objectLabel(o)}\``);
      for (const o of g.removed) lines.push(`  - removed \`${objectLabel(o)}\``);
      for (const o of g.changed) lines.push(`  - changed \`${objectLabel(o)}\``);
    }
    const patches = list.flatMap((g) => g.changed.map((o) => o.patch ?? ''));
    if (patches.length > 0) lines.push('', '```diff', ...patches.map((p) => p.replace(/^=+\n/m, '').replace(/\n$/, '')), '```');
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/**
 * `npm run diff [-- --env E] [--app A] [--against REF] [--format text|markdown|json]`: what a change
 * to apps/ or envs/ does to dist/, object by object. Compares a fresh in-memory synth with dist/ on
 * disk (or dist/ at a git ref). A report: exit 0 whether or not anything differs; 1 bad input, 2 usage.
 */
export async function diffCommand(argv: readonly string[], load: InputLoader, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const program = new Command('diff')
    .description('Show what a fresh synth changes in dist/: objects added, removed and changed per env/region/app, with a unified diff of each changed object.')
    .option('--env <env>', 'only this env')
    .option('--app <app>', 'only this app')
    .option('--against <ref>', 'compare with dist/ at this git ref instead of dist/ on disk')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .option('-o, --outdir <dir>', 'output directory', process.env.CDK8S_OUTDIR || 'dist')
    .addHelpText('after', '\nExamples:\n  npm run diff\n  npm run diff -- --env prod\n  npm run diff -- --against origin/main --format markdown\n');
  const parsed = parseArgs(quietExit(program, out, err), argv, out);
  if (parsed !== undefined) return parsed;
  const opts = program.opts<DiffOptions>();
  const json = opts.format === 'json';
  const rel = path.relative(process.cwd(), path.resolve(opts.outdir)) || '.';
  let groups: DiffGroup[];
  let envs: string[];
  try {
    const input = await loadInputs(load);
    envs = Object.keys(input.envs);
    if (opts.env !== undefined && !envs.includes(opts.env)) throw new Error(`--env ${opts.env}: no such env (envs: ${envs.join(', ')})`);
    if (opts.app !== undefined && !(opts.app in input.apps)) throw new UsageError(unknownApp(opts.app, Object.keys(input.apps)), { field: '--app' });
    const plan = planSynth(input, { cache: repoRenderCache(process.cwd()) });
    const after = new Map(plan.files.map((f) => [f.path, f.content]));
    const before = opts.against !== undefined
      ? readTreeAt(process.cwd(), opts.against, opts.outdir)
      : new Map([...readTree(opts.outdir)].map(([p, b]) => [p, b.toString('utf8')]));
    groups = diffTrees(before, after, { env: opts.env, app: opts.app, beforeName: opts.against ?? rel, afterName: 'synth' });
  } catch (e) {
    return fail({ out, err, json, gateLabel: 'diff' }, 1, e);
  }
  const what = `fresh synth vs ${opts.against !== undefined ? `${opts.against}:${rel}/` : `${rel}/`}${opts.env ? `, env ${opts.env}` : ''}${opts.app ? `, app ${opts.app}` : ''}`;
  if (json) {
    out.write(`${JSON.stringify({ ok: true, against: opts.against ?? null, outdir: rel, env: opts.env ?? null, app: opts.app ?? null, differences: groups.length > 0, groups }, null, 2)}\n`);
  } else if (opts.format === 'markdown') {
    out.write(renderMarkdown(groups, what, opts.env === undefined || opts.env === 'prod' ? envs : []));
  } else {
    const color = (out as NodeJS.WriteStream).isTTY === true && !process.env.NO_COLOR;
    out.write(renderText(groups, what, color));
  }
  return 0;
}
