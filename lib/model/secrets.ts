import { AppRegistry } from './app';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED, ENV_NAME, ENV_NAME_ALLOWED } from './check';
import { EnvironmentRegistry, RegionOf } from './environment';
import { joinPath } from './errors';
import { unknownApp, unknownEnvironment, unknownRegion } from './names';
import { RegistryCheck, skipper } from './release-check';

/** Sealed Secrets scope: what the ciphertext is bound to (the OAEP label). */
export type SealScope = 'strict' | 'namespace-wide' | 'cluster-wide';
export const SEAL_SCOPES: readonly SealScope[] = ['strict', 'namespace-wide', 'cluster-wide'];

/** True when `value` is a scope. */
export function isSealScope(value: unknown): value is SealScope {
  return typeof value === 'string' && (SEAL_SCOPES as readonly string[]).includes(value);
}

/**
 * The annotations a SealedSecret's top-level metadata (which the controller reads to build the
 * decryption label) and its template carry for a scope; strict needs none.
 */
export function scopeAnnotations(scope: SealScope): Record<string, string> {
  return scope === 'strict' ? {} : { [`sealedsecrets.bitnami.com/${scope}`]: 'true' };
}

/** One sealed value, as `npm run seal` records it in envs/secrets.ts. */
export interface SealedValue {
  /** The ciphertext (kubeseal format, standard base64). */
  readonly sealed: string;
  /** The scope it was sealed with. */
  readonly scope: SealScope;
  /** Namespace it was sealed for (strict and namespace-wide scopes bind to it). */
  readonly namespace: string;
  /** SealedSecret name it was sealed for (strict scope binds to it). */
  readonly name: string;
  /** `sha256:<hex>` fingerprint of the controller certificate it was sealed with. */
  readonly cert: string;
}

/**
 * The shape of envs/secrets.ts: app -> env -> region -> KEY -> sealed value. Per region, because
 * each region's Sealed Secrets controller has its own key pair, so a value sealed for one region
 * cannot be opened in another. Written only by `npm run seal`.
 */
export type Secrets<A extends AppRegistry, E extends EnvironmentRegistry> = {
  readonly [K in keyof A]?: {
    readonly [En in keyof E]?: { readonly [R in RegionOf<E[En]>]?: { readonly [key: string]: SealedValue } };
  };
};

/** Any secrets object (the runtime view). */
export type AnySecrets = {
  readonly [app: string]: { readonly [env: string]: { readonly [region: string]: { readonly [key: string]: SealedValue } | undefined } | undefined } | undefined;
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FINGERPRINT = /^sha256:[a-f0-9]{64}$/;

/**
 * Where an app's secret values live in every env/region: its SealedSecret (and the Secret it unseals
 * to) is named after the app, in the app's namespace. Sealing binds ciphertexts to this target.
 */
export function secretTarget(app: string): { readonly namespace: string; readonly name: string } {
  return { namespace: app, name: app };
}

/** Structural check of envs/secrets.ts: known apps, envs and regions, valid keys and sealed values. */
export function checkSecrets(secrets: AnySecrets, apps: AppRegistry, envs: EnvironmentRegistry, file: string, opts: RegistryCheck = {}): void {
  const c = new Checker(file);
  const root = c.object(secrets, 'secrets');
  const appNames = Object.keys(apps);
  const skip = skipper(apps, envs, opts);
  // Each app, env, region and key on its own: every mistake of the file in one run.
  for (const [app, perEnv] of Object.entries(root)) c.part(() => {
    if (skip.app(app)) return;
    if (!apps[app]) {
      c.fail(app, unknownApp(app, appNames));
    }
    if (perEnv === undefined) return;
    for (const [envName, perRegion] of Object.entries(c.object(perEnv, app))) c.part(() => {
      if (skip.env(envName)) return;
      const ep = joinPath(app, envName);
      const env = envs[envName];
      if (!env) c.fail(ep, unknownEnvironment(envName, Object.keys(envs)));
      if (perRegion === undefined) return;
      for (const [region, values] of Object.entries(c.object(perRegion, ep))) c.part(() => {
        if (skip.region(env, region)) return;
        const rp = joinPath(ep, region);
        if (!env.regionNames.includes(region)) c.fail(rp, unknownRegion(region, envName, env.regionNames));
        if (values === undefined) return;
        for (const [key, value] of Object.entries(c.object(values, rp))) c.part(() => {
          const kp = joinPath(rp, key);
          if (!ENV_NAME.test(key)) c.fail(kp, `invalid secret key; allowed: environment variable names (${ENV_NAME_ALLOWED})`);
          const v = c.object(value, kp);
          c.keys(v, kp, ['sealed', 'scope', 'namespace', 'name', 'cert']);
          c.string(v.sealed, joinPath(kp, 'sealed'), { pattern: BASE64, allowed: 'a kubeseal ciphertext (standard base64); run npm run seal, never edit by hand' });
          c.oneOf(v.scope, joinPath(kp, 'scope'), SEAL_SCOPES);
          c.string(v.namespace, joinPath(kp, 'namespace'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
          c.string(v.name, joinPath(kp, 'name'), { pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, allowed: 'a Kubernetes object name' });
          c.string(v.cert, joinPath(kp, 'cert'), { pattern: FINGERPRINT, allowed: '"sha256:" followed by 64 lowercase hex characters' });
        });
      });
    });
  });
  c.done();
}
