import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSealingCertificate, openValue, SealError, sealValue } from '../../lib/seal';

const LOCAL = path.resolve(__dirname, '../fixtures/sealed-secrets');
const SHARED = process.env.SEALED_SECRETS_FIXTURES
  ? path.resolve(process.env.SEALED_SECRETS_FIXTURES)
  : path.resolve(__dirname, '../../../shared/crds/sealed-secrets/fixtures');
const HAVE_SHARED = fs.existsSync(SHARED);
const describeShared = HAVE_SHARED ? describe : describe.skip;

const HAVE_OPENSSL = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const describeOpenssl = HAVE_OPENSSL ? describe : describe.skip;

const CRT_FILE = 'envs/certs/dev.pem';
const CRT = fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.crt'), 'utf8');
const KEY = fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.key'), 'utf8');
/** Inside the fixture certificate's validity (2026-01-01 .. 2125-12-08). */
const NOW = new Date('2026-06-01T00:00:00Z');
/** From shared/crds/sealed-secrets/fixtures/README.md, lowercased, without colons. */
const FIXTURE_FINGERPRINT = 'sha256:' + '54:B1:A9:69:4E:DB:75:9F:A6:59:51:23:2E:FB:BB:AC:8F:41:4B:4C:10:AC:8E:2D:70:8D:4F:58:48:39:A6:82'.replace(/:/g, '').toLowerCase();

function sealError(fn: () => unknown): SealError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SealError) return e;
    throw new Error(`expected a SealError, got: ${String(e)}`);
  }
  throw new Error('expected a SealError, nothing was thrown');
}

/** The SealError loading `pem` throws; checks it is one line naming the file. */
function refusal(pem: string | Buffer, now: Date = NOW): SealError {
  const err = sealError(() => loadSealingCertificate(pem, { file: CRT_FILE, now }));
  expect(err.message.startsWith(`${CRT_FILE}: `)).toBe(true);
  expect(err.message).not.toMatch(/\n/);
  expect(err.file).toBe(CRT_FILE);
  return err;
}

describe('the fixture certificate (TEST-ONLY-fixture-tls.crt)', () => {
  const cert = loadSealingCertificate(CRT, { file: CRT_FILE, now: NOW });

  test('loads with the README fingerprint, subject and validity', () => {
    expect(cert.fingerprint).toBe(FIXTURE_FINGERPRINT);
    expect(cert.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(cert.subject).toBe('CN=sealed-secret');
    expect(cert.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(cert.notAfter.toISOString()).toBe('2125-12-08T00:00:00.000Z');
    expect(cert.file).toBe(CRT_FILE);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
  });

  test('its public key is the one of the fixture private key, and seals what the key opens', () => {
    const fromKey = createPublicKey(createPrivateKey(KEY)).export({ type: 'spki', format: 'der' });
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(fromKey);
    expect(openValue(KEY, sealValue(cert.publicKey, Buffer.from('hi'), 'a/b'), 'a/b').toString()).toBe('hi');
  });

  test('a Buffer, CRLF line ends and text around the PEM are fine', () => {
    expect(loadSealingCertificate(Buffer.from(CRT), { file: CRT_FILE, now: NOW }).fingerprint).toBe(FIXTURE_FINGERPRINT);
    const crlf = `# fetched with kubeseal --fetch-cert\r\n${CRT.replace(/\n/g, '\r\n')}`;
    expect(loadSealingCertificate(crlf, { file: CRT_FILE, now: NOW }).fingerprint).toBe(FIXTURE_FINGERPRINT);
  });

  test('the validity bounds themselves are accepted', () => {
    expect(() => loadSealingCertificate(CRT, { file: CRT_FILE, now: new Date('2026-01-01T00:00:00Z') })).not.toThrow();
    expect(() => loadSealingCertificate(CRT, { file: CRT_FILE, now: new Date('2125-12-08T00:00:00Z') })).not.toThrow();
  });
});

describe('refusals', () => {
  test('expired', () => {
    const err = refusal(CRT, new Date('2125-12-08T00:00:01Z'));
    expect(err.code).toBe('expired');
    expect(err.message).toBe(
      `${CRT_FILE}: certificate expired on 2125-12-08T00:00:00.000Z; fetch the current one with kubeseal --fetch-cert`,
    );
  });

  test('not yet valid', () => {
    const err = refusal(CRT, new Date('2025-12-31T23:59:59Z'));
    expect(err.code).toBe('not-yet-valid');
    expect(err.message).toMatch(/not valid before 2026-01-01T00:00:00\.000Z \(now 2025-12-31T23:59:59\.000Z\)/);
  });

  test('a private key (the controller tls.key)', () => {
    const err = refusal(KEY);
    expect(err.code).toBe('not-a-certificate');
    expect(err.message).toMatch(/is a private key \(RSA PRIVATE KEY\); expected the controller's public certificate \(PEM "-----BEGIN CERTIFICATE-----"/);
    const pkcs8 = createPrivateKey(KEY).export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(refusal(pkcs8).message).toMatch(/is a private key \(PRIVATE KEY\)/);
  });

  test('a certificate file that also holds the private key', () => {
    for (const pem of [`${CRT}${KEY}`, `${KEY}${CRT}`]) {
      const err = refusal(pem);
      expect(err.code).toBe('contains-private-key');
      expect(err.message).toMatch(/contains a private key \(RSA PRIVATE KEY\);.*never the controller's private key/);
    }
  });

  test('a public key PEM (SPKI and PKCS#1)', () => {
    const pub = createPublicKey(createPrivateKey(KEY));
    const spki = refusal(pub.export({ type: 'spki', format: 'pem' }) as string);
    expect(spki.code).toBe('not-a-certificate');
    expect(spki.message).toMatch(/not a PEM certificate: found PUBLIC KEY but no CERTIFICATE; expected the controller's public certificate/);
    expect(refusal(pub.export({ type: 'pkcs1', format: 'pem' }) as string).message).toMatch(/found RSA PUBLIC KEY but no CERTIFICATE/);
  });

  test('empty, garbage, DER, a corrupt CERTIFICATE block', () => {
    for (const empty of ['', '  \n', Buffer.alloc(0)]) {
      const err = refusal(empty);
      expect(err.code).toBe('not-a-certificate');
      expect(err.message).toMatch(/not a PEM certificate: the file is empty; expected/);
    }
    expect(refusal('hello world').message).toMatch(/not a PEM certificate: no PEM block found; expected/);
    const der = new X509Certificate(CRT).raw;
    expect(refusal(der).message).toMatch(/looks like binary DER, not PEM \(convert with openssl x509 -inform der -outform pem\)/);
    const corrupt = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    const err = refusal(corrupt);
    expect(err.code).toBe('not-a-certificate');
    expect(err.message).toMatch(/the first CERTIFICATE block cannot be parsed/);
    // an unterminated block is not a PEM block at all
    expect(refusal(CRT.replace('-----END CERTIFICATE-----', '')).code).toBe('not-a-certificate');
  });
});

describeOpenssl('certificates generated with openssl', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-cert-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A throwaway self-signed certificate; returns its PEM. */
  function makeCert(id: string, newkey: string[], days = 30): string {
    const key = path.join(dir, `${id}.key`);
    const crt = path.join(dir, `${id}.crt`);
    const r = spawnSync(
      'openssl',
      ['req', '-x509', ...newkey, '-nodes', '-keyout', key, '-out', crt, '-days', String(days), '-subj', `/CN=${id}/O=test`],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    return fs.readFileSync(crt, 'utf8');
  }

  test('an EC certificate is refused (not-rsa)', () => {
    const err = refusal(makeCert('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), new Date());
    expect(err.code).toBe('not-rsa');
    expect(err.message).toMatch(/certificate has a ec key; sealed-secrets needs an RSA key/);
  });

  test('an Ed25519 certificate is refused (not-rsa)', () => {
    expect(refusal(makeCert('ed', ['-newkey', 'ed25519']), new Date()).code).toBe('not-rsa');
  });

  test('an RSA-PSS certificate is refused (not-rsa)', () => {
    const err = refusal(makeCert('pss', ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048']), new Date());
    expect(err.code).toBe('not-rsa');
    expect(err.message).toMatch(/rsa-pss/);
  });

  test('an RSA key under 2048 bits is refused (weak-key)', () => {
    const err = refusal(makeCert('rsa1024', ['-newkey', 'rsa:1024']), new Date());
    expect(err.code).toBe('weak-key');
    expect(err.message).toMatch(/1024-bit RSA key; expected at least 2048 bits/);
  });

  test('a 2048-bit RSA certificate loads with the default now; fingerprint and subject as openssl prints them', () => {
    const pem = makeCert('rsa2048', ['-newkey', 'rsa:2048']);
    const cert = loadSealingCertificate(pem, { file: CRT_FILE });
    const fp = spawnSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem, encoding: 'utf8' }).stdout;
    expect(cert.fingerprint).toBe(`sha256:${fp.trim().split('=')[1].replace(/:/g, '').toLowerCase()}`);
    expect(cert.subject).toBe('CN=rsa2048, O=test');
    expect(cert.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(30 * 24 * 3600 * 1000);
  });

  test('the FIRST certificate of a bundle is used (as kubeseal does)', () => {
    const other = makeCert('second', ['-newkey', 'rsa:2048']);
    const now = new Date(); // inside both validity periods (the fixture one starts 2026-01-01)
    expect(loadSealingCertificate(`${CRT}${other}`, { file: CRT_FILE, now }).fingerprint).toBe(FIXTURE_FINGERPRINT);
    const second = loadSealingCertificate(`${other}${CRT}`, { file: CRT_FILE, now });
    expect(second.fingerprint).not.toBe(FIXTURE_FINGERPRINT);
    expect(second.subject).toBe('CN=second, O=test');
    // the first one decides: a weak first certificate is refused even if a good one follows
    expect(refusal(`${makeCert('weak-first', ['-newkey', 'rsa:1024'])}${CRT}`, now).code).toBe('weak-key');
  });
});

describeShared(
  HAVE_SHARED
    ? `upstream kubeseal testCert (${SHARED})`
    : `upstream kubeseal testCert: SKIPPED, ${SHARED} not found (set SEALED_SECRETS_FIXTURES to run these)`,
  () => {
    const file = 'upstream-kubeseal_test-testCert.pem';

    test('loads (inside its validity) and its modulus equals upstream-kubeseal_test-testModulus.txt', () => {
      const pem = fs.readFileSync(path.join(SHARED, file));
      const cert = loadSealingCertificate(pem, { file, now: new Date('2020-01-01T00:00:00Z') });
      const jwk = cert.publicKey.export({ format: 'jwk' });
      const modulus = BigInt(`0x${Buffer.from(jwk.n as string, 'base64url').toString('hex')}`);
      const expected = fs.readFileSync(path.join(SHARED, 'upstream-kubeseal_test-testModulus.txt'), 'utf8').trim();
      expect(modulus.toString()).toBe(expected);
      expect(cert.publicKey.asymmetricKeyDetails?.publicExponent).toBe(65537n);
      expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
      expect(cert.notAfter.toISOString()).toBe('2027-06-18T04:32:45.000Z');
      expect(cert.subject).toBe('');
    });

    test('is refused as expired after 2027-06-18', () => {
      const err = sealError(() => loadSealingCertificate(fs.readFileSync(path.join(SHARED, file)), { file, now: new Date('2027-06-19T00:00:00Z') }));
      expect(err.code).toBe('expired');
      expect(err.message).toBe(`${file}: certificate expired on 2027-06-18T04:32:45.000Z; fetch the current one with kubeseal --fetch-cert`);
    });

    test('the shared tls.crt loads with the README fingerprint', () => {
      expect(loadSealingCertificate(fs.readFileSync(path.join(SHARED, 'tls.crt')), { file: 'tls.crt', now: NOW }).fingerprint).toBe(FIXTURE_FINGERPRINT);
    });
  },
);
