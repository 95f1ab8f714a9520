import { spawnSync } from 'node:child_process';

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
 * releases.ts as it was at earlier commits, newest first: the input of `release rollback`.
 * Follows only commits that touched the file.
 */
export function fileHistory(cwd: string, file: string, limit = 200): { commit: string; text: string }[] {
  const shas = git(cwd, ['log', `-n${limit}`, '--format=%H', '--', file]).split('\n').filter(Boolean);
  return shas.map((commit) => ({ commit, text: git(cwd, ['show', `${commit}:${file}`]) + '\n' }));
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
  readonly reapply: () => 'committed' | 'noop';
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

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Pushes HEAD to `remote/branch`. When the push is rejected because someone else pushed first, it
 * fetches, resets to the remote branch, re-applies the *semantic* edit (never merging generated
 * YAML), and tries again, at most `maxTries` times with jittered backoff. The history stays linear.
 */
export function pushWithRetry(opts: PushOptions): PushResult {
  const base = opts.baseDelayMs ?? 200;
  for (let attempt = 1; attempt <= opts.maxTries; attempt++) {
    const r = spawnSync('git', ['push', '--porcelain', opts.remote, `HEAD:refs/heads/${opts.branch}`], { cwd: opts.cwd, encoding: 'utf8' });
    if (r.status === 0) return { pushed: true, tries: attempt, head: git(opts.cwd, ['rev-parse', 'HEAD']) };
    const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    if (!pushRejectedAsStale(output)) throw new GitError(['push', opts.remote, opts.branch], output.trim(), r.status);
    if (attempt === opts.maxTries) break;
    opts.log?.(`push rejected (${opts.remote}/${opts.branch} moved); re-applying the change on the new ${opts.branch} (attempt ${attempt + 1} of ${opts.maxTries})`);
    sleep(Math.round(base * attempt * (0.5 + Math.random())));
    git(opts.cwd, ['fetch', '-q', opts.remote, opts.branch]);
    git(opts.cwd, ['reset', '-q', '--hard', `${opts.remote}/${opts.branch}`]);
    if (opts.reapply() === 'noop') {
      return { pushed: false, tries: attempt, head: git(opts.cwd, ['rev-parse', 'HEAD']) };
    }
  }
  throw new GitError(['push', opts.remote, opts.branch], `still rejected after ${opts.maxTries} attempts; another job keeps pushing first, try again`, 1);
}
