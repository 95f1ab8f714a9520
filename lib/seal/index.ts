/**
 * Sealing Secret values for the Bitnami sealed-secrets controller without kubeseal (DESIGN.md section 6).
 * `loadSealingCertificate` checks a controller certificate (from `envs/certs/`), `sealValue` encrypts one
 * value with it for a scope label, `openValue` decrypts (tests and verification with a test key).
 */
export {
  SealError, SEAL_SCOPES, isSealScope, SEALED_SECRETS_ANNOTATION_PREFIX, scopeLabel, scopeAnnotations, sealValue, openValue,
} from './crypto';
export type { SealErrorCode, SealScope } from './crypto';
export { MIN_RSA_BITS, loadSealingCertificate } from './certificate';
export type { SealingCertificate, LoadSealingCertificateOptions } from './certificate';
