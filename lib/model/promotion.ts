import { Checker } from './check';
import { joinPath } from './errors';
import { DURATION_ALLOWED, parseDuration } from './duration';

/**
 * How images are promoted out of and into an environment (`promotion` in envs/<env>.ts). Read by
 * `release promote` (lib/release): the gate on the env a promotion reads from, the rollout in the env
 * it writes to. Nothing here changes what synth renders.
 */
export interface PromotionSpec {
  /**
   * Promoting *out of* this env needs each of its Argo CD Applications of the app (`<env>-<region>-<app>`)
   * to be Healthy and Synced at a commit where envs/releases.ts gives this env the promoted image,
   * as the status file (`release promote --status FILE`, written from `argocd app get -o json`) says.
   * @default false
   */
  readonly requireHealthy?: boolean;
  /**
   * Promoting *out of* this env waits until the image has run here this long: counted from the commit
   * that gave this env's entry the image. A duration such as `30m`, `1h`, `2h30m` or `1d`.
   * @default no soak
   */
  readonly soak?: string;
  /**
   * Promotions *into* this env go one region at a time, in the order of `regions`: the first region
   * gets a region entry, `promote --next-region` extends it to the next region, and when every region
   * runs the image the env-level entry takes it (the region entries are removed).
   * @default false
   */
  readonly regionByRegion?: boolean;
}

/** The keys of {@link PromotionSpec}. */
export const PROMOTION_KEYS = ['requireHealthy', 'soak', 'regionByRegion'] as const;


/** Validates an environment's `promotion` (at `path`): known keys, booleans, a soak duration. */
export function checkPromotionSpec(c: Checker, value: unknown, path: string): void {
  const p = c.object(value, path);
  c.keys(p, path, PROMOTION_KEYS);
  c.optionalBoolean(p.requireHealthy, joinPath(path, 'requireHealthy'));
  c.optionalBoolean(p.regionByRegion, joinPath(path, 'regionByRegion'));
  const soak = c.optionalString(p.soak, joinPath(path, 'soak'));
  if (soak !== undefined && parseDuration(soak) === undefined) c.fail(joinPath(path, 'soak'), `"${soak}" is not allowed; allowed: ${DURATION_ALLOWED}`);
}
