import { AnyReleases, AppRegistry, ConfigError, EnvironmentRegistry } from '../model';

/** What the operations need from the repository. */
export interface ReleaseContext {
  /** The app registry (apps/index.ts). */
  apps: AppRegistry;
  /** The environment registry, in promotion order (`Object.keys(envs)`). */
  envs: EnvironmentRegistry;
  /** The releases file as named in errors, e.g. `envs/releases.ts`. */
  file: string;
  /** The file of the environment registry as named in messages about the env order, e.g. `envs/index.ts`. */
  envsFile?: string;
}

/** One image: a tag and, where known, its digest (`sha256:<64 hex>`). */
export interface ImageRef {
  /** Image tag. */
  tag: string;
  /** Image digest. */
  digest?: string;
}

/** One image change made by an operation (what a commit message or a summary lists). */
export interface ReleaseChange {
  /** The app. */
  app: string;
  /** The environment. */
  env: string;
  /** The region, when a region entry changed (absent: the env-level entry). */
  region?: string;
  /** The image before (absent when there was no release there). */
  from?: ImageRef;
  /** The image after. */
  to: ImageRef;
  /** The environment the image was promoted from (promotions only). */
  promotedFrom?: string;
}

/** Why a rollback skipped an earlier value. */
export interface SkippedVersion {
  /** The commit where the value was found (the newest one holding it). */
  commit: string;
  /** The value, e.g. `v1.3.0` or `v2.4.1 (eu-west-1: v2.5.0)`. */
  label: string;
  /** `rolled-back`: an earlier rollback replaced it; `reverted`: `git revert` undid the commit that introduced it. */
  why: 'rolled-back' | 'reverted';
  /** The rollback commit, or the revert commit. */
  by: string;
}

/** What a rollback chose and why (shown by --dry-run and in --json output). */
export interface RollbackChoice {
  /** The commit whose value is restored. */
  commit: string;
  /** The restored value (as in the hold reason). */
  label: string;
  /** How many versions of releases.ts back from the current text that commit is (1: the previous version). */
  back: number;
  /** `previous`: the newest earlier value not rolled back or reverted; `commit`/`tag`: named by --to. */
  by: 'previous' | 'commit' | 'tag';
  /** Newer values passed over, newest first. */
  skipped: SkippedVersion[];
}

/**
 * The result of an operation. `text` is identical to the input when nothing changed (idempotent
 * calls, unhold of a non-held entry...): callers commit only when it differs.
 */
export interface EditResult {
  /** The new text of releases.ts. */
  text: string;
  /** The image changes, in the order they were applied (hold and unhold change no image: empty). */
  changes: ReleaseChange[];
  /** One-line remarks for the user, e.g. `echo dev already at 1.3.0-SNAPSHOT-7d2a1b4`. */
  notes: string[];
  /** Rollbacks: which earlier value was chosen and which were skipped. */
  rollback?: RollbackChoice;
  /** Promotions that left the env order (`skipOrder`): the reason given (the commit records it). */
  skippedOrder?: string;
  /** Promotions that overrode a refusing promotion gate (`force` with a reason): the reason (the commit records it). */
  gateOverridden?: string;
}

/**
 * Why an operation refused: bad input, a hold, nothing to promote, nothing to roll back to, a broken
 * file, or the promotion gate (the source env's Applications not known Healthy and Synced at the
 * image, or its soak not over).
 */
export type ReleaseErrorCode = 'bad-input' | 'held' | 'no-entry' | 'no-history' | 'unparseable' | 'gated';

/**
 * The one error of the release operations. Its message is one line,
 * `<file>[:<line>]: <field>: <reason with what is allowed>`, e.g.
 * `envs/releases.ts: echo.prod.tag: "1.3.0-SNAPSHOT-7d2a1b4" breaks the tag policy; allowed: vX.Y.Z (prod)`.
 */
export class ReleaseError extends Error {
  /** What kind of refusal this is (the CLI may map codes to exit statuses). */
  public readonly code: ReleaseErrorCode;
  /** The file the error is about (`ctx.file`, or `<file>@<commit>` for a version from history). */
  public readonly file: string;
  /** Dotted field path inside `releases`, e.g. `echo.prod.tag` (may be empty). */
  public readonly field: string;
  /** What is wrong and what is allowed (one line). */
  public readonly reason: string;
  /** 1-based line, when known (unparseable files). */
  public readonly line?: number;

  /** Builds the error; newlines in `reason` are folded so the message stays on one line. */
  constructor(code: ReleaseErrorCode, file: string, field: string, reason: string, line?: number) {
    const oneLine = reason.replace(/\s*\r?\n\s*/g, ' ');
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${oneLine}`);
    this.name = 'ReleaseError';
    this.code = code;
    this.file = file;
    this.field = field;
    this.reason = oneLine;
    if (line !== undefined) this.line = line;
  }

  /** A model validation error as a 'bad-input' refusal (same file, field and reason; `suffix` appended). */
  static fromConfig(e: ConfigError, file: string, suffix = ''): ReleaseError {
    return new ReleaseError('bad-input', e.file ?? file, e.field, `${e.reason}${suffix}`);
  }
}

/** envs/releases.ts as data: app -> env -> { tag, digest?, regions?, hold? }. */
export type ReleasesData = AnyReleases;
