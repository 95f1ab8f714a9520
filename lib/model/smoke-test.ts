import { Checker } from './check';
import { joinPath } from './errors';

/**
 * The smoke test run after every sync (pure): an Argo CD PostSync hook Job that calls the app through its Service
 * (its readiness path, the app's typed HTTP checks, and its metrics endpoint when it serves metrics) and fails the
 * sync when a check fails. The golden app renders it (lib/constructs/smoke-test.ts).
 */

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One request to the app and what its answer must be. */
export interface HttpCheck {
  /** The path (and query) requested, e.g. `/api/books?limit=1`. */
  readonly path: string;
  /** @default 'GET' */
  readonly method?: HttpMethod;
  /** The status the answer must have. @default 200 */
  readonly status?: number;
  /** A piece of text the answer's body must contain. @default none */
  readonly bodyContains?: string;
}

/** The smoke test of an app: on by default; `false` switches it off (e.g. in an env's profile). */
export interface SmokeTestSpec {
  /** How long the whole test may run before its Job is stopped and the sync fails. @default 120 */
  readonly timeoutSeconds?: number;
  /** Requests beyond the readiness path (which is always checked), in order. @default [] */
  readonly checks?: readonly HttpCheck[];
}

export const SMOKE_TEST_DEFAULTS = { timeoutSeconds: 120 } as const;

/**
 * curl 8.11.1 (Alpine: curl, busybox sh and grep), by the digest of its multi-arch index as public repositories pin
 * it; runs as any user and needs no writable root (the answer goes to /tmp). The platform's `smokeTestImage` default.
 */
export const SMOKE_TEST_IMAGE = 'curlimages/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69';

/** An image reference pinned by digest (with or without its tag). */
export const DIGEST_PINNED = /^[a-z0-9]([-a-z0-9._/:]*[a-z0-9])?@sha256:[0-9a-f]{64}$/;

/** The suffix of the smoke test's objects (`<app>-smoke-test`): no workload of the app may take it. */
export const SMOKE_TEST_NAME = 'smoke-test';

/** A check as the Job runs it: on the app's port or on its metrics port (both through the app's Service). */
export interface ResolvedCheck {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  readonly bodyContains?: string;
  readonly port: 'http' | 'metrics';
}

/** What an instance's smoke test runs (AppInstance.smokeTest). */
export interface ResolvedSmokeTest {
  /** The platform's smokeTestImage. */
  readonly image: string;
  readonly timeoutSeconds: number;
  readonly checks: readonly ResolvedCheck[];
}

/**
 * What every answer in the Prometheus text exposition format has: a `# TYPE` line per metric family
 * (prometheus_client and the Go client write one for every family, and Prometheus's own parser reads it).
 */
export const PROMETHEUS_TEXT_MARK = '# TYPE ';

const PATH = /^\/[A-Za-z0-9/._~%!$&'()*+,;=:@?-]*$/;

/** Validates `smokeTest` on a settings layer (an app, an env profile, an override). */
export function checkSmokeTest(c: Checker, value: unknown, path: string): void {
  if (typeof value === 'boolean') return;
  const s = c.object(value, path);
  c.keys(s, path, ['timeoutSeconds', 'checks']);
  c.optionalInteger(s.timeoutSeconds, joinPath(path, 'timeoutSeconds'), 10, 3600);
  if (s.checks === undefined) return;
  if (!Array.isArray(s.checks)) c.fail(joinPath(path, 'checks'), 'must be a list of { path, method?, status?, bodyContains? }');
  (s.checks as unknown[]).forEach((raw, i) => {
    const p = joinPath(path, 'checks', i);
    const check = c.object(raw, p);
    c.keys(check, p, ['path', 'method', 'status', 'bodyContains']);
    c.string(check.path, joinPath(p, 'path'), { pattern: PATH, allowed: 'an absolute URL path, with a query if need be, such as "/api/books?limit=1"' });
    if (check.method !== undefined) c.oneOf(check.method, joinPath(p, 'method'), HTTP_METHODS);
    c.optionalInteger(check.status, joinPath(p, 'status'), 100, 599);
    c.optionalString(check.bodyContains, joinPath(p, 'bodyContains'), { maxLength: 1024 });
  });
}

/**
 * Merges two layers: `false` switches off, `true` switches on again keeping what an earlier layer said, an object
 * tunes (key by key, checks replace) without switching on: an env profile's timeout does not undo an app's `false`.
 */
export function mergeSmokeTest(earlier: SmokeTestSpec | boolean | undefined, layer: SmokeTestSpec | boolean): SmokeTestSpec | boolean {
  if (typeof layer === 'boolean') return layer ? (typeof earlier === 'object' ? earlier : true) : false;
  if (earlier === false) return false;
  return { ...(typeof earlier === 'object' ? earlier : {}), ...layer };
}

/**
 * The smoke test of an instance: undefined when switched off; else the readiness path first, the app's checks, then
 * the metrics endpoint (answering in the Prometheus text format) when the app serves metrics.
 */
export function resolveSmokeTest(
  spec: SmokeTestSpec | boolean | undefined,
  readiness: string,
  metrics: { readonly port: number; readonly path: string } | undefined,
  appPort: number,
  image: string,
): ResolvedSmokeTest | undefined {
  if (spec === false) return undefined;
  const s = typeof spec === 'object' ? spec : {};
  const checks: ResolvedCheck[] = [
    { method: 'GET', path: readiness, status: 200, port: 'http' },
    ...(s.checks ?? []).map((c) => ({
      method: c.method ?? 'GET', path: c.path, status: c.status ?? 200, ...(c.bodyContains !== undefined ? { bodyContains: c.bodyContains } : {}), port: 'http' as const,
    })),
    ...(metrics ? [{ method: 'GET' as const, path: metrics.path, status: 200, bodyContains: PROMETHEUS_TEXT_MARK, port: metrics.port === appPort ? 'http' as const : 'metrics' as const }] : []),
  ];
  return { image, timeoutSeconds: s.timeoutSeconds ?? SMOKE_TEST_DEFAULTS.timeoutSeconds, checks };
}
