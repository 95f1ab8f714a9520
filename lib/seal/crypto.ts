import {
  constants, createCipheriv, createDecipheriv, createPrivateKey, KeyObject, privateDecrypt, publicEncrypt, randomBytes,
} from 'node:crypto';
import { isSealScope, SEAL_SCOPES, scopeAnnotations as modelScopeAnnotations, SealScope } from '../model/secrets';

/**
 * Sealed Secrets encryption, byte for byte what kubeseal does (sealed-secrets v0.36.6 pkg/crypto/crypto.go
 * `HybridEncrypt` / `HybridDecrypt`; shared/research/gitops-formats.md section 1.2):
 *
 * ```
 * blob = uint16 BE len(rsa) || rsa || aes-gcm ciphertext || 16-byte tag
 *   rsa   RSA-OAEP(SHA-256, MGF1-SHA-256, label = scope label) of a fresh 32-byte session key
 *   aes   AES-256-GCM(session key, nonce = 12 zero bytes, no AAD) of the plaintext
 * encryptedData[key] = standard base64 (with padding) of blob
 * ```
 */

/** What can go wrong while loading a certificate or sealing/unsealing a value. */
export type SealErrorCode =
  | 'not-a-certificate' // the PEM holds no (parseable) CERTIFICATE block
  | 'contains-private-key' // the certificate file also holds a private key
  | 'expired'
  | 'not-yet-valid'
  | 'not-rsa'
  | 'weak-key'
  | 'invalid-key' // a private key that cannot be read
  | 'invalid-scope' // unknown scope, or a namespace/name the scope needs is missing
  | 'decrypt-failed' // wrong key, wrong label, or a tampered ciphertext
  | 'malformed'; // not a sealed blob at all (bad base64, too short, inconsistent length prefix)

/** The one error type of lib/seal: a single line naming the file (when there is one), what is wrong and what is expected. */
export class SealError extends Error {
  public readonly code: SealErrorCode;
  /** The certificate/key file the error is about, when known. */
  public readonly file: string | undefined;

  constructor(code: SealErrorCode, message: string, file?: string) {
    super(`${file ? `${file}: ` : ''}${message.replace(/\s*\n\s*/g, ' ')}`);
    this.name = 'SealError';
    this.code = code;
    this.file = file;
  }
}

// The scope vocabulary is the model's (envs/secrets.ts records it; the SealedSecret construct uses it).
export { isSealScope, SEAL_SCOPES } from '../model/secrets';
export type { SealScope } from '../model/secrets';

/** Annotation prefix of the scope annotations (only honoured with the value "true"). */
export const SEALED_SECRETS_ANNOTATION_PREFIX = 'sealedsecrets.bitnami.com/';

/**
 * The OAEP label a value is sealed with (upstream `EncryptionLabel`): strict `<ns>/<name>`,
 * namespace-wide `<ns>`, cluster-wide `''`. The namespace must be the one the SealedSecret is applied
 * into (for a manifest without `metadata.namespace`, the Argo CD destination namespace).
 */
export function scopeLabel(scope: SealScope, namespace: string, name: string): string {
  switch (scope) {
    case 'strict':
      requireNonEmpty(scope, 'namespace', namespace);
      requireNonEmpty(scope, 'name', name);
      return `${namespace}/${name}`;
    case 'namespace-wide':
      requireNonEmpty(scope, 'namespace', namespace);
      return namespace;
    case 'cluster-wide':
      return '';
    default:
      throw new SealError('invalid-scope', `unknown scope ${JSON.stringify(scope)} (allowed: ${SEAL_SCOPES.join(', ')})`);
  }
}

function requireNonEmpty(scope: SealScope, what: 'namespace' | 'name', value: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new SealError('invalid-scope', `scope ${scope} needs a ${what} (the SealedSecret's metadata.${what}); got ${JSON.stringify(value)}`);
  }
}

/**
 * The annotations the SealedSecret's top-level `metadata.annotations` (and its template) must carry for
 * the controller to use the same label when it unseals (the model's; refuses an unknown scope).
 */
export function scopeAnnotations(scope: SealScope): Record<string, string> {
  if (!isSealScope(scope)) throw new SealError('invalid-scope', `unknown scope ${JSON.stringify(scope)} (allowed: ${SEAL_SCOPES.join(', ')})`);
  return modelScopeAnnotations(scope);
}

const SESSION_KEY_BYTES = 32;
const GCM_NONCE = Buffer.alloc(12); // zero nonce: every value gets a fresh session key
const GCM_TAG_BYTES = 16;

function oaep(key: KeyObject, label: string) {
  return { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label, 'utf8') };
}

function requireRsa(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new SealError('not-rsa', `${what} is ${key.asymmetricKeyType ?? key.type}, expected an RSA key (the sealed-secrets controller key)`);
  }
}

/**
 * Seals one Secret value (raw bytes, not base64) for the controller whose certificate holds `publicKey`.
 * Returns the `spec.encryptedData[key]` string. Randomised: sealing the same value twice gives different
 * strings, both valid.
 */
export function sealValue(publicKey: KeyObject, plaintext: Buffer, label: string): string {
  if (!(publicKey instanceof KeyObject) || publicKey.type === 'secret') {
    throw new SealError('invalid-key', 'sealValue needs the public key of the controller certificate (a KeyObject)');
  }
  requireRsa(publicKey, 'the sealing key');
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsa = publicEncrypt(oaep(publicKey, label), sessionKey);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(rsa.length);
  return Buffer.concat([prefix, rsa, body]).toString('base64');
}

/** Standard base64 with padding; like Go's `base64.StdEncoding`, CR and LF are ignored. */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function toPrivateKey(privateKey: KeyObject | string): KeyObject {
  if (typeof privateKey !== 'string') {
    if (!(privateKey instanceof KeyObject) || privateKey.type !== 'private') {
      throw new SealError('invalid-key', 'opening a sealed value needs the controller private key (tls.key), not a public key or certificate');
    }
    return privateKey;
  }
  try {
    return createPrivateKey(privateKey);
  } catch (e) {
    throw new SealError('invalid-key', `cannot read the private key (expected a PEM "RSA PRIVATE KEY" or "PRIVATE KEY", e.g. the controller's tls.key): ${(e as Error).message}`);
  }
}

/**
 * The inverse of {@link sealValue} (upstream `HybridDecrypt` with one key): for tests and verification.
 * Throws a {@link SealError} `decrypt-failed` on a wrong key or label and `malformed` on something that is
 * not a sealed blob.
 */
export function openValue(privateKey: KeyObject | string, sealed: string, label: string): Buffer {
  const key = toPrivateKey(privateKey);
  requireRsa(key, 'the private key');
  const text = typeof sealed === 'string' ? sealed.replace(/[\r\n]/g, '') : '';
  if (text === '' || !STD_BASE64.test(text)) {
    throw new SealError('malformed', 'sealed value is not standard base64 with padding (expected the spec.encryptedData value kubeseal writes, "Ag...")');
  }
  const blob = Buffer.from(text, 'base64');
  if (blob.length < 2) {
    throw new SealError('malformed', `sealed value is ${blob.length} byte(s) long, too short for the 2-byte length prefix`);
  }
  const rsaLen = blob.readUInt16BE(0);
  if (blob.length < 2 + rsaLen) {
    throw new SealError('malformed', `sealed value's length prefix says ${rsaLen} bytes of RSA ciphertext but only ${blob.length - 2} follow`);
  }
  if (blob.length < 2 + rsaLen + GCM_TAG_BYTES) {
    throw new SealError('malformed', `sealed value is too short: ${blob.length - 2 - rsaLen} byte(s) after the RSA part, expected at least the ${GCM_TAG_BYTES}-byte AES-GCM tag`);
  }
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (rsaLen !== modulusBytes) {
    throw new SealError('decrypt-failed', `cannot decrypt: the RSA part is ${rsaLen} bytes but this key's modulus is ${modulusBytes} bytes (sealed for another key?)`);
  }
  let sessionKey: Buffer;
  try {
    sessionKey = privateDecrypt(oaep(key, label), blob.subarray(2, 2 + rsaLen));
  } catch {
    throw new SealError('decrypt-failed', `cannot decrypt with label ${JSON.stringify(label)}: wrong key, or sealed for another scope/namespace/name`);
  }
  if (sessionKey.length !== SESSION_KEY_BYTES) {
    throw new SealError('malformed', `the RSA part holds a ${sessionKey.length}-byte key, expected a ${SESSION_KEY_BYTES}-byte AES-256 session key`);
  }
  const body = blob.subarray(2 + rsaLen);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, GCM_NONCE);
  decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealError('decrypt-failed', 'cannot decrypt: the AES-GCM tag does not match (the ciphertext was altered or truncated)');
  }
}
