/**
 * The `release` library: bump, promote, roll back, hold and report the images in envs/releases.ts,
 * as pure functions over the file's text (no file system, no git, no clock: callers pass `now` and
 * `by`), plus the git plumbing (git.ts) and the commit message with its trailers (message.ts).
 *
 * entries.ts reads, validates (lib/model's rules) and edits entries; bump.ts, promote.ts,
 * rollback.ts and hold.ts (hold, unhold, status) are the operations.
 */
export { applyBumps } from './bump';
export { readReleases } from './entries';
export { applyHold, applyUnhold, formatStatusTable, releaseStatus } from './hold';
export { parseCommitMessage, parseRolledBackFrom, RELEASE_BOT_MARKER, releaseCommitMessage, TRAILER, trailerValues } from './message';
export { applyPromotion } from './promote';
export { applyRollback } from './rollback';
export { ReleaseError } from './types';
export type { Bump } from './bump';
export type { HoldRequest, StatusRow } from './hold';
export type { ParsedMessage, Provenance, RolledBackImage, Trailer } from './message';
export type { PromotionRequest } from './promote';
export type { HistoryVersion, RollbackRequest } from './rollback';
export type {
  EditResult,
  ImageRef,
  ReleaseChange,
  ReleaseContext,
  ReleaseErrorCode,
  ReleasesData,
  RollbackChoice,
  SkippedVersion,
} from './types';
