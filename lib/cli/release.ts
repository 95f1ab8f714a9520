import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { readTextFile, writeFileAtomic } from '../datafile';
import { ConfigError, ResolveInput, unknownApp, unknownEnvironment } from '../model';
import {
  applyBumps, applyHold, applyPromotion, applyRollback, applyUnhold, EditResult, formatStatusTable, readReleases,
  ReleaseContext, ReleaseError, releaseStatus,
} from '../release';
import { DEFAULT_STATUS_FILE, readStatusFile, StatusFile } from '../release/argocd-status';
import type { GateEvidence } from '../release/gate';
import { commitPaths, dirtyPaths, fileAt, fileHistory, GitError, isGitRepo, pushWithRetry, releaser, unpushedCommits } from '../release/git';
import type { HistoryVersion } from '../release/rollback';
import { releaseCommitMessage } from '../release/message';
import { diffTree, planSynth, repoRenderCache, writeTree } from '../synth';
import { commanderExit, fail, JsonFailure, quietExit, TextSink } from './command';
import { loadInputs } from './load';

/** Exit code when a bump is refused because the app/env is held (distinct from errors). */
export const EXIT_HELD = 3;

/** Loads the repository (apps, envs, platform, secrets) for validation and synth. */
export type ReleaseLoader = () => Omit<ResolveInput, 'releases'>;

export interface ReleasePaths {
  readonly releasesFile: string;
  readonly dist: string;
  /** The environment registry, named in messages about the promotion order. */
  readonly envsFile?: string;
  /** The entry point that exports `main` (the push retry re-runs the command through it). @default 'release.ts' */
  readonly entry?: string;
}
const DEFAULT_PATHS: ReleasePaths = { releasesFile: 'envs/releases.ts', dist: 'dist', envsFile: 'envs/index.ts', entry: 'release.ts' };

interface CommonOptions {
  dryRun?: boolean;
  commit?: boolean;
  push?: boolean;
  json?: boolean;
  force?: boolean;
  sourceCommit?: string;
  runUrl?: string;
  by?: string;
  skipOrder?: boolean;
  reason?: string;
  remote: string;
  branch: string;
  maxTries: string;
}

class UsageError extends Error {}

function addCommon(cmd: Command, mutating = true): Command {
  cmd.option('--json', 'machine-readable output');
  if (!mutating) return cmd;
  return cmd
    .option('--dry-run', 'print the releases.ts diff and the dist/ files that would change; write nothing')
    .option('--commit', 're-synthesize dist/ and commit releases.ts + dist/ with a structured message')
    .option('--push', 'commit and push; when the push is rejected, re-apply the change on the new main and retry')
    .option('--force', 'apply even if the app/env is held (promote: with --reason, also past a refusing promotion gate)')
    .option('--source-commit <sha>', 'app repository commit that built the image (Source-Commit trailer)')
    .option('--run-url <url>', 'CI run URL (Run-Url trailer)')
    .option('--by <name>', 'who releases (default: $GITHUB_ACTOR, git user.name, $USER)')
    .option('--remote <name>', 'remote to push to', 'origin')
    .option('--branch <name>', 'branch to push to', 'main')
    .option('--max-tries <n>', 'push attempts before giving up', '10');
}

/** Parses `--set app=env[/region]:tag[@digest]`. */
function parseSet(s: string): { app: string; env: string; region?: string; tag: string; digest?: string } {
  const m = /^([^=]+)=([^:/]+)(?:\/([^:]+))?:([^@]+)(?:@(.+))?$/.exec(s);
  if (!m) throw new UsageError(`--set "${s}": expected app=env[/region]:tag[@sha256:digest]`);
  return { app: m[1], env: m[2], ...(m[3] ? { region: m[3] } : {}), tag: m[4], ...(m[5] ? { digest: m[5] } : {}) };
}

/**
 * `npm run release -- <bump|promote|rollback|hold|unhold|status> ...`: edits envs/releases.ts
 * through the TypeScript AST, re-synthesizes dist/, and optionally commits and pushes.
 */
export async function releaseCommand(argv: readonly string[], load: ReleaseLoader, io: { out?: NodeJS.WritableStream; err?: NodeJS.WritableStream; cwd?: string; now?: Date } = {}, paths: ReleasePaths = DEFAULT_PATHS): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const now = io.now ?? new Date();
  let result: Promise<number> | undefined;

  type Target = { app: string; env: string };
  const run = (kind: string, opts: CommonOptions, edit: (text: string, ctx: ReleaseContext) => EditResult, t?: Target) => {
    result = mutate(kind, opts, edit, t);
  };

  const mutate = async (kind: string, opts: CommonOptions, edit: (text: string, ctx: ReleaseContext) => EditResult, t?: Target): Promise<number> => {
    const json = (o: object) => opts.json && out.write(`${JSON.stringify({ ok: true, ...o }, null, 2)}\n`);
    const push = async () => {
      const r = await pushWithRetry({
        cwd,
        remote: opts.remote,
        branch: opts.branch,
        maxTries: Math.max(1, Number(opts.maxTries) || 10),
        log: (l) => err.write(`${l}\n`),
        reapply: () => reapply(argv, cwd, paths.entry ?? 'release.ts'),
      });
      if (!opts.json) out.write(r.pushed ? `pushed to ${opts.remote}/${opts.branch} (${r.tries} attempt${r.tries > 1 ? 's' : ''})\n` : `${opts.remote}/${opts.branch} already has this change; nothing pushed\n`);
      return r;
    };
    try {
      if (opts.push) opts.commit = true;
      if (opts.commit && opts.dryRun) throw new UsageError('--dry-run cannot be combined with --commit or --push');
      if (opts.commit) {
        if (!isGitRepo(cwd)) throw new UsageError('--commit/--push need a git repository');
        const dirty = dirtyPaths(cwd);
        if (opts.push && dirty.length > 0) {
          throw new UsageError(`--push needs a clean work tree (it may reset to ${opts.remote}/${opts.branch} and retry); uncommitted: ${dirty.slice(0, 5).join(', ')}`);
        }
      }
      const repo = loadInputs(load);
      const ctx: ReleaseContext = { apps: repo.apps, envs: repo.envs, file: paths.releasesFile, ...(paths.envsFile ? { envsFile: paths.envsFile } : {}) };
      const before = readTextFile(path.join(cwd, paths.releasesFile));
      const res = edit(before, ctx);
      const choice = res.rollback ? { rollback: res.rollback } : {};
      // --json: each change also names the app's image repository (apps/<app>.ts `image`), so a workflow can act on
      // the registry (promote.yml gives a promoted digest its release tag there) without loading the app specs.
      const jsonChanges = res.changes.map((c) => ({ ...c, image: ctx.apps[c.app]?.image }));
      for (const n of res.notes) if (!opts.json) out.write(`${n}\n`);
      if (res.text === before) {
        // The change is already there. With --push, commits of it not yet on the remote (e.g. made by an
        // earlier --commit run, then checked) are pushed, with the same retry.
        const unpushed = opts.push ? unpushedCommits(cwd, opts.remote, opts.branch) ?? 0 : 0;
        if (unpushed > 0) {
          const r = await push();
          json({ changes: [], notes: res.notes, ...choice, commit: r.head, pushed: r.pushed, tries: r.tries });
          return 0;
        }
        json({ changes: [], notes: res.notes, ...choice, commit: null, pushed: false });
        return 0;
      }
      const plan = planSynth({ ...repo, releases: readReleases(res.text, paths.releasesFile) as never }, { cache: repoRenderCache(cwd) });
      const distDir = path.join(cwd, paths.dist);
      const diff = diffTree(distDir, plan.files);
      const distChanges = [...diff.written, ...diff.removed].sort();
      if (opts.dryRun) {
        if (opts.json) json({ dryRun: true, changes: jsonChanges, notes: res.notes, ...choice, dist: { written: diff.written, removed: diff.removed } });
        else {
          out.write(createTwoFilesPatch(paths.releasesFile, paths.releasesFile, before, res.text, '', '', { context: 1 }));
          out.write(`dist/ files that would change (${distChanges.length}):\n${distChanges.map((p) => `  ${paths.dist}/${p}`).join('\n')}\n`);
        }
        return 0;
      }
      writeTree(distDir, plan.files);
      writeFileAtomic(path.join(cwd, paths.releasesFile), res.text);
      for (const c of res.changes) {
        if (!opts.json) out.write(`${c.app} ${c.region ? `${c.env}/${c.region}` : c.env}: ${c.from?.tag ?? '(none)'} -> ${c.to.tag}${c.to.digest ? ` (${c.to.digest.slice(0, 19)})` : ''}\n`);
      }
      if (!opts.json) out.write(`synth: ${distChanges.length} dist/ file(s) changed\n`);
      let commit: string | undefined;
      let pushed = false;
      let tries = 0;
      if (opts.commit) {
        const by = opts.by ?? releaser(cwd);
        const holdNote = kind === 'rollback'
          ? `hold set on ${res.changes[0]?.app} ${res.changes[0]?.env}`
          : kind === 'hold' ? `hold ${t?.env}: ${(opts as CommonOptions & { reason?: string }).reason ?? ''}`
            : kind === 'unhold' ? `unhold ${t?.env}` : undefined;
        const prov = {
          sourceCommit: opts.sourceCommit, runUrl: opts.runUrl, by,
          ...(res.skippedOrder ? { skipOrderReason: res.skippedOrder } : {}), ...(res.gateOverridden ? { gateOverrideReason: res.gateOverridden } : {}),
        };
        const message = releaseCommitMessage(kind, res.changes, prov, holdNote, kind === 'hold' || kind === 'unhold' ? t : undefined);
        commit = commitPaths(cwd, [paths.releasesFile, paths.dist], message);
        if (!opts.json && commit) out.write(`committed ${commit.slice(0, 12)}: ${message.split('\n')[0]}\n`);
      }
      if (opts.push) {
        const r = await push();
        pushed = r.pushed;
        tries = r.tries;
        commit = r.head;
      }
      json({ changes: jsonChanges, notes: res.notes, ...choice, commit: commit ?? null, pushed, tries, dist: { written: diff.written, removed: diff.removed } });
      return 0;
    } catch (e) {
      // One line on stderr naming file:line: field (and with --json the failure object on stdout).
      const io = { out, err, json: opts.json === true, cwd, outdir: paths.dist };
      if (e instanceof ReleaseError && e.code === 'held') return fail(io, EXIT_HELD, e, 'refused');
      return fail(io, e instanceof UsageError ? 2 : 1, e);
    }
  };

  /**
   * What the promotion gate reads (lib/release/gate.ts), each read once and only when a gated env asks:
   * the Argo CD status file, releases.ts at a commit, the history of releases.ts (with commit times).
   */
  const gateEvidence = (statusFile: string): GateEvidence => {
    let status: StatusFile | undefined | null = null;
    let history: HistoryVersion[] | undefined;
    const needGit = () => {
      if (!isGitRepo(cwd)) throw new UsageError(`the promotion gate reads the git history of ${paths.releasesFile}: run promote in the git repository`);
    };
    return {
      statusFile,
      status: () => {
        const file = path.resolve(cwd, statusFile);
        if (status === null) status = fs.existsSync(file) ? readStatusFile(readTextFile(file), statusFile) : undefined;
        return status;
      },
      releasesAt: (commit) => (needGit(), fileAt(cwd, commit, paths.releasesFile)),
      history: () => (needGit(), (history ??= fileHistory(cwd, paths.releasesFile))),
      now,
    };
  };

  const program = new Command('release')
    .description('Move images between environments by editing envs/releases.ts (through the TypeScript AST), re-synthesizing dist/, and committing.')
    .addHelpText('after', [
      '',
      'Exit codes: 0 done (or already at that version), 1 error or refusal (bad input, promotion out of env order, nothing to roll back to), 2 usage, 3 refused: the app/env is held (see unhold).',
      '',
      'Examples:',
      '  npm run release -- bump echo dev --tag 1.3.0-SNAPSHOT-7d2a1b4 --digest sha256:... --commit --push',
      '  npm run release -- promote echo --from dev --to staging --commit',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --commit',
      '  npm run release -- promote echo --from dev --to prod --tag v1.3.0 --skip-order --reason "hotfix, approved in INC-42" --commit',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --next-region --commit   # prod rolls out region by region',
      '  npm run release -- rollback echo prod --dry-run',
      '  npm run release -- rollback echo prod --to v1.2.0 --commit',
      '  npm run release -- status',
      '',
    ].join('\n'));
  quietExit(program, out, err); // before the subcommands: they inherit it

  addCommon(program.command('bump').description('Set the image (tag, digest) an app runs in an env (or one region); idempotent'))
    .argument('[app]').argument('[env]')
    .option('--tag <tag>', 'image tag (checked against the env\'s tag policy)')
    .option('--digest <digest>', 'image digest, sha256:<64 hex> (required where the env pins digests)')
    .option('--region <region>', 'set a region entry instead of the env entry')
    .option('--set <app=env[/region]:tag[@digest]>', 'one change; repeat for several changes in one commit', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .action((app: string | undefined, env: string | undefined, opts: CommonOptions & { tag?: string; digest?: string; region?: string; set: string[] }) => {
      run('bump', opts, (text, ctx) => {
        const bumps = opts.set.map(parseSet);
        if (app || env || opts.tag) {
          if (!app || !env || !opts.tag) throw new UsageError('bump needs <app> <env> --tag T (or --set app=env:tag@digest)');
          bumps.push({ app, env, tag: opts.tag, ...(opts.digest ? { digest: opts.digest } : {}), ...(opts.region ? { region: opts.region } : {}) });
        }
        if (bumps.length === 0) throw new UsageError('nothing to bump: give <app> <env> --tag T or --set app=env:tag@digest');
        return applyBumps(text, ctx, bumps, { force: opts.force });
      });
    });

  addCommon(program.command('promote').description('Copy the exact image (tag and digest) of apps from one env to the next: build once, deploy many'))
    .argument('<apps...>')
    .requiredOption('--from <env>', 'source environment')
    .requiredOption('--to <env>', 'target environment: the env after --from in envs/index.ts (or a later one that the envs in between already run the digest in)')
    .option('--region <region>', 'promote one region\'s entry')
    .option('--tag <tag>', 're-tag the same digest for the target (e.g. v1.3.0 for prod)')
    .option('--next-region', 'a target that rolls out region by region (promotion.regionByRegion): give the image to the next region that does not run it yet')
    .option('--status <file>', 'Argo CD status file for the promotion gate of a source env with promotion.requireHealthy: JSON of `argocd app get <name> -o json` (one Application, an array of them, or a list with items)', DEFAULT_STATUS_FILE)
    .option('--skip-order', 'promote out of the env order (needs --reason)')
    .option('--reason <text>', 'why the env order is skipped (--skip-order) or the promotion gate overridden (--force); recorded as the Skip-Order-Reason / Gate-Override-Reason trailer')
    .addHelpText('after', [
      '',
      'Promotion gate: a source env with `promotion: { requireHealthy: true }` needs each of its Argo CD Applications',
      'of the app (<env>-<region>-<app>) Healthy and Synced, at a commit where envs/releases.ts gives that region the',
      'promoted image, as the --status file says; with `soak: \'1h\'` the image must have been in the source entry that',
      'long (from its commit). --force --reason "..." overrides a refusal (Gate-Override-Reason trailer).',
      'Region by region: a target with `promotion: { regionByRegion: true }` gets the image in its first region (in the',
      'order of its regions); --next-region moves on; when every region runs it, the env-level entry takes it.',
      '',
      'Examples:',
      '  argocd app get staging-us-east-1-echo -o json > .argocd-status.json',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --commit                 # gate, then prod/us-east-1',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --next-region --commit   # then eu-west-1',
      '  argocd app list -o json > "$RUNNER_TEMP/argocd.json"',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --status "$RUNNER_TEMP/argocd.json" --commit',
      '  npm run release -- promote echo --from staging --to prod --tag v1.3.0 --force --reason "INC-42: staging probe flaky" --commit',
      '',
    ].join('\n'))
    .action((apps: string[], opts: CommonOptions & { from: string; to: string; region?: string; tag?: string; nextRegion?: boolean; status: string }) => {
      run('promote', opts, (text, ctx) => applyPromotion(text, ctx, {
        apps, from: opts.from, to: opts.to, region: opts.region, tag: opts.tag, force: opts.force,
        ...(opts.skipOrder ? { skipOrder: true } : {}), ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
        ...(opts.nextRegion ? { nextRegion: true } : {}), gate: gateEvidence(opts.status),
      }));
    });

  addCommon(program.command('rollback').description('Restore the last known-good image of an app in an env (from the git history of releases.ts: skips values rolled back or reverted before) and hold it'))
    .argument('<app>').argument('<env>')
    .option('--to <commit|tag>', 'restore the value at this commit, or the value that had this tag, instead of the last known-good one')
    .action((app: string, env: string, opts: CommonOptions & { to?: string }) => {
      run('rollback', opts, (text, ctx) => {
        if (!isGitRepo(cwd)) throw new UsageError('rollback reads the history of releases.ts: run it in the git repository');
        const history = fileHistory(cwd, paths.releasesFile);
        return applyRollback(text, ctx, history, { app, env, ...(opts.to ? { to: opts.to } : {}), by: opts.by ?? releaser(cwd), now });
      });
    });

  addCommon(program.command('hold').description('Refuse automatic bumps of an app in an env until unhold'))
    .argument('<app>').argument('<env>')
    .option('--reason <text>', 'why', 'held by hand')
    .action((app: string, env: string, opts: CommonOptions & { reason: string }) => {
      run('hold', opts, (text, ctx) => applyHold(text, ctx, { app, env, reason: opts.reason, by: opts.by ?? releaser(cwd), now }), { app, env });
    });

  addCommon(program.command('unhold').description('Allow automatic bumps again'))
    .argument('<app>').argument('<env>')
    .action((app: string, env: string, opts: CommonOptions) => {
      run('unhold', opts, (text, ctx) => applyUnhold(text, ctx, { app, env }), { app, env });
    });

  addCommon(program.command('status').description('Table: app x env x region -> tag, digest, held (of one app, one env, or both)')
    .argument('[app]', 'only this app').argument('[env]', 'only this env'), false)
    .action((app: string | undefined, env: string | undefined, opts: { json?: boolean }) => {
      result = (async () => {
        try {
          const repo = loadInputs(load);
          if (app !== undefined && !(app in repo.apps)) throw new ConfigError(undefined, 'app', unknownApp(app, Object.keys(repo.apps)));
          if (env !== undefined && !(env in repo.envs)) throw new ConfigError(undefined, 'env', unknownEnvironment(env, Object.keys(repo.envs)));
          const rows = releaseStatus(readTextFile(path.join(cwd, paths.releasesFile)), { apps: repo.apps, envs: repo.envs, file: paths.releasesFile })
            .filter((r) => (app === undefined || r.app === app) && (env === undefined || r.env === env));
          out.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatStatusTable(rows)}\n`);
          return 0;
        } catch (e) {
          return fail({ out, err, json: opts.json === true, cwd }, 1, e);
        }
      })();
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    return commanderExit(e, argv, out);
  }
  if (!result) {
    out.write(program.helpInformation());
    return 2;
  }
  return result;
}

/**
 * After a rejected push and a reset to the fresh remote branch: re-run this same command without
 * --push in a new process (the fresh apps/ and envs/ are loaded, the semantic edit is re-applied,
 * dist/ re-synthesized and committed). Generated YAML is never merged.
 */
/**
 * Re-runs the same command with `--commit --json` on the fresh checkout (after pushWithRetry reset the
 * work tree to the remote branch), in this process, through the entry point's exported `main`. The
 * repository's own modules (the entry point, apps/, envs/ and lib/ when it is in the repository) are
 * dropped from the require cache first, so the new checkout's code and data load, as in a new
 * process; node_modules (cdk8s, the TypeScript compiler) stay loaded, which is what makes a retry
 * cheap (~1 s less than a process start under the 8-job race).
 */
async function reapply(argv: readonly string[], cwd: string, entry: string): Promise<'committed' | 'noop'> {
  const args = [...argv.filter((a) => a !== '--push' && a !== '--json'), '--commit', '--json'];
  const root = fs.realpathSync(cwd);
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(`${root}${path.sep}`) && !key.slice(root.length).includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require(path.resolve(cwd, entry)) as { main: (argv: readonly string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }) => Promise<number> };
  const out = new TextSink();
  const err = new TextSink();
  const code = await main(args, { out, err });
  if (code !== 0) {
    // It ran with --json: its failure is a JSON object on stdout (stderr only if it died before printing one).
    let failure: JsonFailure | undefined;
    try {
      failure = JSON.parse(out.text) as JsonFailure;
    } catch {
      failure = undefined;
    }
    throw new Error(`after fetching, the change no longer applies: ${failure?.error?.message ?? err.text.trim().split('\n')[0]}`);
  }
  const parsed = JSON.parse(out.text) as { commit: string | null };
  return parsed.commit ? 'committed' : 'noop';
}

export { GitError };
