/**
 * The `release` library: bump, promote, roll back, hold and report the images in envs/releases.ts,
 * as pure functions over the file's text (see operations.ts).
 */
export {
  applyBumps,
  applyHold,
  applyPromotion,
  applyRollback,
  applyUnhold,
  formatStatusTable,
  readReleases,
  ReleaseError,
  releaseStatus,
} from './operations';
export type {
  Bump,
  EditResult,
  HistoryVersion,
  HoldRequest,
  ImageRef,
  PromotionRequest,
  ReleaseChange,
  ReleaseContext,
  ReleaseErrorCode,
  ReleasesData,
  RollbackRequest,
  StatusRow,
} from './operations';
