import { spawnSync } from 'node:child_process';
import { parseCommitMessage } from './message';
import type { HistoryVersion } from './rollback';

/** A git command that failed: the command and git's own first error line. */
export class GitError extends Error {
  constructor(
    public readonly args: readonly string[],
    public readonly stderr: string,
    public readonly status: number | null,
  ) {
    super(`git ${args.join(' ')}: ${stderr.split('\n').find((l) => l.trim()) ?? `exit ${status}`}`);
    this.name = 'GitError';
  }
}

/** Runs git in `cwd` and returns stdout (trailing newline trimmed); throws GitError on failure. */
export function git(cwd: string, args: readonly string[], input?: string): string {
  const r = spawnSync('git', args as string[], { cwd, encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new GitError(args, String(r.error.message), null);
  if (r.status !== 0) throw new GitError(args, r.stderr ?? '', r.status);
  return (r.stdout ?? '').replace(/\n$/, '');
}

/** True when `cwd` is inside a git work tree. */
export function isGitRepo(cwd: string): boolean {
  return spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd, encoding: 'utf8' }).status === 0;
}

/** Paths with uncommitted changes (staged, unstaged or untracked), relative to the repo root. */
export function dirtyPaths(cwd: string): string[] {
  return git(cwd, ['status', '--porcelain', '--untracked-files=all'])
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(3));
}

/**
 * releases.ts as it was at the commits that touched it, newest first (HEAD's version included): the
 * input of `release rollback`; `file` is relative to `cwd`. Each version carries its commit's trailers and, for a `git revert`,
 * the commit it reverts (see parseCommitMessage). Two git processes whatever the depth: one
 * `git log` for the commits and messages, one `git cat-file --batch` for the file's contents.
 * Commits that deleted the file are left out (there is no version to restore). Each version carries
 * its commit's committer date (`time`, seconds), from which the promotion soak counts.
 */
export function fileHistory(cwd: string, file: string, limit = 200): HistoryVersion[] {
  const log = git(cwd, ['log', '-z', `-n${limit}`, '--format=%H%x00%ct%x00%B', '--', file]).split('\0');
  const commits: { commit: string; time: number; message: string }[] = [];
  for (let i = 0; i + 2 < log.length; i += 3) commits.push({ commit: log[i].trim(), time: Number(log[i + 1]), message: log[i + 2] });
  if (commits.length === 0) return [];
  const rel = `./${file}`; // relative to cwd, as for git log
  const r = spawnSync('git', ['cat-file', '--batch'], { cwd, input: commits.map((c) => `${c.commit}:${rel}\n`).join(''), maxBuffer: 1024 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new GitError(['cat-file', '--batch'], String(r.error?.message ?? r.stderr), r.status);
  const out = r.stdout;
  const versions: HistoryVersion[] = [];
  let pos = 0;
  for (const c of commits) {
    const eol = out.indexOf(10, pos);
    const header = out.subarray(pos, eol).toString('utf8');
    pos = eol + 1;
    const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!m) continue; // "<object> missing": the commit deleted the file
    const size = Number(m[1]);
    const text = out.subarray(pos, pos + size).toString('utf8');
    pos += size + 1;
    const parsed = parseCommitMessage(c.message);
    versions.push({ commit: c.commit, time: c.time, text, trailers: parsed.trailers, ...(parsed.reverts ? { reverts: parsed.reverts } : {}) });
  }
  return versions;
}

/**
 * The text of `file` (relative to `cwd`) at `commit`, or undefined when the commit is not in this
 * repository or has no such file. `commit` must be a hex object name (never an option or a ref
 * expression: it comes from a status file).
 */
export function fileAt(cwd: string, commit: string, file: string): string | undefined {
  if (!/^[0-9a-f]{4,64}$/.test(commit)) return undefined;
  const r = spawnSync('git', ['cat-file', 'blob', `${commit}:./${file}`], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : undefined;
}

/**
 * How many commits HEAD has that `remote/branch` (as last fetched) lacks; undefined when that
 * remote branch is unknown here.
 */
export function unpushedCommits(cwd: string, remote: string, branch: string): number | undefined {
  const r = spawnSync('git', ['rev-list', '--count', `refs/remotes/${remote}/${branch}..HEAD`], { cwd, encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** Who is releasing: $GITHUB_ACTOR in CI, else git's user.name, else $USER. */
export function releaser(cwd: string): string {
  if (process.env.GITHUB_ACTOR) return process.env.GITHUB_ACTOR;
  try {
    const name = git(cwd, ['config', 'user.name']);
    if (name) return name;
  } catch {
    // no git identity configured
  }
  return process.env.USER ?? 'unknown';
}

/**
 * Stages `paths` (new, changed and deleted files) and commits them with `message`. Returns the new
 * commit's SHA, or undefined when nothing changed (never an empty commit).
 */
export function commitPaths(cwd: string, paths: readonly string[], message: string): string | undefined {
  git(cwd, ['add', '-A', '--', ...paths]);
  const staged = spawnSync('git', ['diff', '--cached', '--quiet', '--', ...paths], { cwd });
  if (staged.status === 0) return undefined;
  git(cwd, ['commit', '-q', '--no-verify', '-F', '-', '--', ...paths], message);
  return git(cwd, ['rev-parse', 'HEAD']);
}

/** Why a push failed: rejected because the remote moved (retry) or anything else (stop). */
function pushRejectedAsStale(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|remote rejected.*(stale|lock)/i.test(stderr);
}

export interface PushOptions {
  readonly cwd: string;
  readonly remote: string;
  readonly branch: string;
  /** Total attempts, the first push included. */
  readonly maxTries: number;
  /**
   * Called after the work tree was reset to the fresh remote branch: re-applies the same semantic
   * edit, re-synthesizes and commits. Returns 'committed', or 'noop' when the change is already there.
   * Throws when the edit no longer applies (e.g. the app was removed).
   */
  readonly reapply: () => Promise<'committed' | 'noop'>;
  /** Base delay of the jittered backoff between attempts. @default 200 */
  readonly baseDelayMs?: number;
  /** Progress lines (stderr). */
  readonly log?: (line: string) => void;
}

export interface PushResult {
  readonly pushed: boolean;
  readonly tries: number;
  /** The commit on the remote branch afterwards. */
  readonly head: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Pushes HEAD to `remote/branch`. When the push is rejected because someone else pushed first, it
 * fetches, resets to the remote branch, re-applies the *semantic* edit (never merging generated
 * YAML), and tries again, at most `maxTries` times with jittered backoff. The history stays linear.
 */
export async function pushWithRetry(opts: PushOptions): Promise<PushResult> {
  const base = opts.baseDelayMs ?? 200;
  for (let attempt = 1; attempt <= opts.maxTries; attempt++) {
    const r = spawnSync('git', ['push', '--porcelain', opts.remote, `HEAD:refs/heads/${opts.branch}`], { cwd: opts.cwd, encoding: 'utf8' });
    if (r.status === 0) return { pushed: true, tries: attempt, head: git(opts.cwd, ['rev-parse', 'HEAD']) };
    const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    if (!pushRejectedAsStale(output)) throw new GitError(['push', opts.remote, opts.branch], output.trim(), r.status);
    if (attempt === opts.maxTries) break;
    opts.log?.(`push rejected (${opts.remote}/${opts.branch} moved); re-applying the change on the new ${opts.branch} (attempt ${attempt + 1} of ${opts.maxTries})`);
    await sleep(Math.round(base * attempt * (0.5 + Math.random())));
    git(opts.cwd, ['fetch', '-q', opts.remote, opts.branch]);
    git(opts.cwd, ['reset', '-q', '--hard', `${opts.remote}/${opts.branch}`]);
    if ((await opts.reapply()) === 'noop') {
      return { pushed: false, tries: attempt, head: git(opts.cwd, ['rev-parse', 'HEAD']) };
    }
  }
  throw new GitError(['push', opts.remote, opts.branch], `still rejected after ${opts.maxTries} attempts; another job keeps pushing first, try again`, 1);
}
