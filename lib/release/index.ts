/**
 * The `release` library: bump, promote, roll back, hold and report the images in envs/releases.ts,
 * as pure functions over the file's text (no file system, no git, no clock: callers pass `now` and
 * `by`), plus the git plumbing (git.ts) and the commit message with its trailers (message.ts).
 *
 * entries.ts reads, validates (lib/model's rules) and edits entries; bump.ts, promote.ts,
 * rollback.ts and hold.ts (hold, unhold, status) are the operations; gate.ts (with argocd-status.ts
 * and json-lines.ts) is the promotion gate, rollout.ts the region-by-region rollout of a promotion.
 */
export { DEFAULT_STATUS_FILE, readStatusFile } from './argocd-status';
export { applyBumps } from './bump';
export { readReleases } from './entries';
export { applyHold, applyUnhold, formatStatusTable, releaseStatus } from './hold';
export { parseCommitMessage, parseRolledBackFrom, RELEASE_BOT_MARKER, releaseCommitMessage, TRAILER, trailerValues } from './message';
export { checkGate, hasGate } from './gate';
export { applyPromotion } from './promote';
export { rolloutStep } from './rollout';
export { applyRollback } from './rollback';
export { ReleaseError } from './types';
export type { ApplicationStatus, StatusFile } from './argocd-status';
export type { Bump } from './bump';
export type { GateEvidence, GateResult } from './gate';
export type { HoldRequest, StatusRow } from './hold';
export type { ParsedMessage, Provenance, RolledBackImage, Trailer } from './message';
export type { PromotionRequest } from './promote';
export type { RolloutRequest, RolloutResult } from './rollout';
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
