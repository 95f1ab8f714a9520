import { createHash, KeyObject, X509Certificate } from 'node:crypto';
import { SealError } from './crypto';

/** A controller certificate that passed the checks kubeseal makes before sealing with it. */
export interface SealingCertificate {
  /** The RSA public key to seal with (pass it to `sealValue`). */
  readonly publicKey: KeyObject;
  /** `sha256:` + lowercase hex SHA-256 of the DER certificate (`openssl x509 -fingerprint -sha256`, no colons). */
  readonly fingerprint: string;
  /** Subject DN, RDNs joined with `, ` (e.g. `CN=sealed-secret`; empty when the certificate has none). */
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The file it was read from (as given by the caller), used in error messages. */
  readonly file: string;
}

export interface LoadSealingCertificateOptions {
  /** The file the PEM came from: every error names it. */
  readonly file: string;
  /** The time the validity period is checked against. @default new Date() */
  readonly now?: Date;
}

/** Smallest RSA modulus accepted (the controller default is 4096). */
export const MIN_RSA_BITS = 2048;

const FETCH_HINT = 'fetch the current one with kubeseal --fetch-cert';
const EXPECTED = `expected the controller's public certificate (PEM "-----BEGIN CERTIFICATE-----", as printed by kubeseal --fetch-cert)`;

interface PemBlock {
  readonly type: string;
  readonly text: string;
}

function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) blocks.push({ type: m[1], text: m[0] });
  return blocks;
}

function describeNonCertificate(raw: Buffer, text: string, blocks: PemBlock[]): string {
  if (raw.length === 0 || text.trim() === '') return 'the file is empty';
  if (blocks.length > 0) return `found ${blocks.map((b) => b.type).join(', ')} but no CERTIFICATE`;
  if (raw[0] === 0x30) return 'looks like binary DER, not PEM (convert with openssl x509 -inform der -outform pem)';
  return 'no PEM block found';
}

/**
 * Reads the sealed-secrets controller certificate the way kubeseal's `ParseKey` does: the FIRST
 * `CERTIFICATE` block of the PEM, an RSA key, not expired. Also refuses certificates that are not yet
 * valid, RSA keys under 2048 bits, and files that contain a private key (a sealing certificate is
 * committed to Git; the controller's private key must never be).
 */
export function loadSealingCertificate(pem: string | Buffer, opts: LoadSealingCertificateOptions): SealingCertificate {
  const { file } = opts;
  const now = opts.now ?? new Date();
  const raw = typeof pem === 'string' ? Buffer.from(pem, 'utf8') : pem;
  const text = typeof pem === 'string' ? pem : pem.toString('latin1');
  const blocks = pemBlocks(text);

  const privateBlock = blocks.find((b) => /PRIVATE KEY/.test(b.type));
  if (privateBlock) {
    const hasCert = blocks.some((b) => b.type === 'CERTIFICATE');
    throw new SealError(
      hasCert ? 'contains-private-key' : 'not-a-certificate',
      `${hasCert ? 'contains' : 'is'} a private key (${privateBlock.type}); ${EXPECTED} and never the controller's private key`,
      file,
    );
  }
  const certBlock = blocks.find((b) => b.type === 'CERTIFICATE');
  if (!certBlock) {
    throw new SealError('not-a-certificate', `not a PEM certificate: ${describeNonCertificate(raw, text, blocks)}; ${EXPECTED}`, file);
  }

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certBlock.text);
  } catch (e) {
    throw new SealError('not-a-certificate', `the first CERTIFICATE block cannot be parsed (${(e as Error).message}); ${EXPECTED}`, file);
  }

  const publicKey = cert.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new SealError(
      'not-rsa',
      `certificate has a ${publicKey.asymmetricKeyType ?? 'non-RSA'} key; sealed-secrets needs an RSA key (the controller generates 4096-bit RSA keys)`,
      file,
    );
  }
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new SealError('weak-key', `certificate has a ${bits}-bit RSA key; expected at least ${MIN_RSA_BITS} bits (the controller default is 4096)`, file);
  }

  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new SealError('not-a-certificate', `cannot read the certificate's validity period (${cert.validFrom} .. ${cert.validTo})`, file);
  }
  if (notAfter.getTime() < now.getTime()) {
    throw new SealError('expired', `certificate expired on ${notAfter.toISOString()}; ${FETCH_HINT}`, file);
  }
  if (notBefore.getTime() > now.getTime()) {
    throw new SealError(
      'not-yet-valid',
      `certificate is not valid before ${notBefore.toISOString()} (now ${now.toISOString()}); check the clock, or ${FETCH_HINT}`,
      file,
    );
  }

  return {
    publicKey,
    fingerprint: `sha256:${createHash('sha256').update(cert.raw).digest('hex')}`,
    // Node leaves `subject` undefined (despite its type) for an empty subject, as in upstream's testCert
    subject: ((cert.subject as string | undefined) ?? '').split('\n').filter((s) => s !== '').join(', '),
    notBefore,
    notAfter,
    file,
  };
}
