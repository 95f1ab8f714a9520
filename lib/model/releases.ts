import { AppRegistry } from './app';
import { EnvironmentRegistry, RegionOf } from './environment';

/** One image: a tag and, where known, its digest (`sha256:<64 hex>`). */
export interface ImageRelease {
  /** Image tag, checked against the environment's tag policy. */
  readonly tag: string;
  /** Image digest; required where the environment's policy says so (prod). */
  readonly digest?: string;
}

/**
 * A hold on an app in an environment: automatic bumps are refused until `release unhold`
 * (set by `release rollback` so the next CI bump does not undo the rollback).
 */
export interface ReleaseHold {
  /** Why (shown by `release status` and in refusals). */
  readonly reason: string;
  /** Who set it. */
  readonly by?: string;
  /** When it was set (ISO 8601). */
  readonly since?: string;
}

/** What one app runs in one environment, optionally per region (a region entry wins). */
export interface ReleaseEntry<R extends string = string> {
  /** Set by `release hold`/`rollback`: automatic bumps are refused while it is there. */
  readonly hold?: ReleaseHold;
  /** Image tag for every region of the environment (unless a region says otherwise). */
  readonly tag?: string;
  /** Digest of that tag. */
  readonly digest?: string;
  /** Per-region releases (e.g. a canary region). Each names its own tag (and digest). */
  readonly regions?: { readonly [K in R]?: ImageRelease };
}

/**
 * The shape of envs/releases.ts: app -> env -> release. Used with `satisfies`, so a release for an
 * unknown app, env or region is a compile error:
 * `export const releases = { ... } satisfies Releases<typeof apps, typeof envs>;`
 */
export type Releases<A extends AppRegistry, E extends EnvironmentRegistry> = {
  readonly [K in keyof A]?: { readonly [En in keyof E]?: ReleaseEntry<RegionOf<E[En]>> };
};

/** Any releases object (the runtime view). */
export type AnyReleases = { readonly [app: string]: { readonly [env: string]: ReleaseEntry } | undefined };
