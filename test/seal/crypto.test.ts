import {
  constants, createCipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes,
} from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  isSealScope, loadSealingCertificate, openValue, scopeAnnotations, scopeLabel, SEAL_SCOPES, SealError, SealScope, sealValue,
} from '../../lib/seal';

/** Project copies of the test-only key pair and upstream vectors (always present). */
const LOCAL = path.resolve(__dirname, '../fixtures/sealed-secrets');
/** The shared fixtures directory (read-only, next to the project); optional. */
const SHARED = process.env.SEALED_SECRETS_FIXTURES
  ? path.resolve(process.env.SEALED_SECRETS_FIXTURES)
  : path.resolve(__dirname, '../../../shared/crds/sealed-secrets/fixtures');
const HAVE_SHARED = fs.existsSync(SHARED);
const describeShared = HAVE_SHARED ? describe : describe.skip;
const SHARED_TITLE = HAVE_SHARED
  ? `shared fixtures (${SHARED})`
  : `shared fixtures: SKIPPED, ${SHARED} not found (set SEALED_SECRETS_FIXTURES to run these)`;

interface Vector {
  id: string;
  scope: SealScope;
  namespace: string;
  name: string;
  oaepLabel: string;
  plaintextBase64: string;
  encryptedDataValue: string;
  lengthPrefixHex: string;
  sessionKeyHex: string;
  aesGcmCiphertextAndTagHex: string;
}

const PRIVATE_PEM = fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.key'), 'utf8');
const PRIVATE_KEY = createPrivateKey(PRIVATE_PEM);
const CERT = loadSealingCertificate(fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.crt')), {
  file: 'TEST-ONLY-fixture-tls.crt',
  now: new Date('2026-06-01T00:00:00Z'),
});
const VECTORS: Vector[] = JSON.parse(fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-vectors.json'), 'utf8'));

/** Runs `fn` and returns the SealError it throws. */
function sealError(fn: () => unknown): SealError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SealError) return e;
    throw new Error(`expected a SealError, got: ${String(e)}`);
  }
  throw new Error('expected a SealError, nothing was thrown');
}

describe('scope labels and annotations', () => {
  test('labels as upstream EncryptionLabel (TestEncryptionLabel)', () => {
    expect(scopeLabel('strict', 'myns', 'myname')).toBe('myns/myname');
    expect(scopeLabel('namespace-wide', 'myns', 'myname')).toBe('myns');
    expect(scopeLabel('cluster-wide', 'myns', 'myname')).toBe('');
    expect(scopeLabel('cluster-wide', '', '')).toBe('');
  });

  test('annotations', () => {
    expect(scopeAnnotations('strict')).toEqual({});
    expect(scopeAnnotations('namespace-wide')).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(scopeAnnotations('cluster-wide')).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
  });

  test('SEAL_SCOPES and isSealScope', () => {
    expect([...SEAL_SCOPES]).toEqual(['strict', 'namespace-wide', 'cluster-wide']);
    expect(isSealScope('namespace-wide')).toBe(true);
    expect(isSealScope('namespace')).toBe(false);
    expect(isSealScope(undefined)).toBe(false);
  });

  test('a namespace or name the scope needs is required; unknown scopes are refused', () => {
    expect(sealError(() => scopeLabel('strict', 'ns', '')).code).toBe('invalid-scope');
    expect(sealError(() => scopeLabel('strict', '', 'name')).message).toMatch(/strict needs a namespace/);
    expect(sealError(() => scopeLabel('namespace-wide', '', 'x')).code).toBe('invalid-scope');
    expect(sealError(() => scopeLabel('namespace' as SealScope, 'ns', 'x')).message).toMatch(/unknown scope "namespace" \(allowed: strict, namespace-wide, cluster-wide\)/);
    expect(sealError(() => scopeAnnotations('nope' as SealScope)).code).toBe('invalid-scope');
  });
});

describe('upstream vectors (TEST-ONLY-vectors.json, made by sealed-secrets v0.36.6 HybridEncrypt)', () => {
  test('there are 8 vectors covering all scopes', () => {
    expect(VECTORS).toHaveLength(8);
    expect(new Set(VECTORS.map((v) => v.scope))).toEqual(new Set(SEAL_SCOPES));
  });

  test.each(VECTORS.map((v) => [v.id, v] as const))('%s decrypts to the plaintext', (_id, v) => {
    expect(scopeLabel(v.scope, v.namespace, v.name)).toBe(v.oaepLabel);
    expect(openValue(PRIVATE_KEY, v.encryptedDataValue, v.oaepLabel).toString('base64')).toBe(v.plaintextBase64);
    // the PEM string form of the key works too
    expect(openValue(PRIVATE_PEM, v.encryptedDataValue, v.oaepLabel).toString('base64')).toBe(v.plaintextBase64);
  });

  test.each(VECTORS.map((v) => [v.id, v] as const))('%s: layout (prefix, session key, deterministic AES-GCM part)', (_id, v) => {
    const blob = Buffer.from(v.encryptedDataValue, 'base64');
    expect(blob.subarray(0, 2).toString('hex')).toBe(v.lengthPrefixHex);
    const rsaLen = blob.readUInt16BE(0);
    expect(rsaLen).toBe(512);
    const plaintext = Buffer.from(v.plaintextBase64, 'base64');
    expect(blob.length).toBe(2 + 512 + plaintext.length + 16);

    const sessionKey = privateDecrypt(
      { key: PRIVATE_KEY, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(v.oaepLabel, 'utf8') },
      blob.subarray(2, 2 + rsaLen),
    );
    expect(sessionKey.toString('hex')).toBe(v.sessionKeyHex);
    expect(blob.subarray(2 + rsaLen).toString('hex')).toBe(v.aesGcmCiphertextAndTagHex);

    const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
    const again = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    expect(again.toString('hex')).toBe(v.aesGcmCiphertextAndTagHex);
  });

  test.each(VECTORS.map((v) => [v.id, v] as const))('%s fails with the wrong label', (_id, v) => {
    for (const label of ['wrong/label', `${v.oaepLabel}x`, v.oaepLabel === '' ? 'myns' : '']) {
      expect(sealError(() => openValue(PRIVATE_KEY, v.encryptedDataValue, label)).code).toBe('decrypt-failed');
    }
  });
});

describe('sealValue', () => {
  const plaintexts: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['UTF-8 with non-ASCII', Buffer.from('pässwörd 🔑 秘密 \u0000 end', 'utf8')],
    ['random binary with zero bytes', Buffer.concat([Buffer.from([0, 0, 0xff, 0]), randomBytes(253), Buffer.from([0])])],
    ['10 KB', randomBytes(10 * 1024)],
  ];
  const targets: [SealScope, string, string][] = [
    ['strict', 'team-a', 'db-credentials'],
    ['namespace-wide', 'team-a', 'db-credentials'],
    ['cluster-wide', 'team-a', 'db-credentials'],
  ];

  describe.each(targets)('%s (%s/%s)', (scope, ns, name) => {
    test.each(plaintexts)('%s round-trips; blob layout and length', (_what, plaintext) => {
      const label = scopeLabel(scope, ns, name);
      const sealed = sealValue(CERT.publicKey, plaintext, label);
      expect(sealed).toMatch(/^Ag[A-Za-z0-9+/]*={0,2}$/); // 0x02 0x00: 512-byte RSA part
      expect(sealed.length % 4).toBe(0);
      const blob = Buffer.from(sealed, 'base64');
      expect(blob.length).toBe(2 + 512 + plaintext.length + 16);
      expect(blob.readUInt16BE(0)).toBe(512);
      expect(openValue(PRIVATE_KEY, sealed, label).equals(plaintext)).toBe(true);
    });
  });

  test('two seals of the same value differ, both open', () => {
    const label = scopeLabel('strict', 'ns', 'name');
    const a = sealValue(CERT.publicKey, Buffer.from('same'), label);
    const b = sealValue(CERT.publicKey, Buffer.from('same'), label);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').subarray(2 + 512)).not.toEqual(Buffer.from(b, 'base64').subarray(2 + 512)); // fresh session key
    expect(openValue(PRIVATE_KEY, a, label).toString()).toBe('same');
    expect(openValue(PRIVATE_KEY, b, label).toString()).toBe('same');
  });

  test('a wrong label fails: other name, other namespace, other scope', () => {
    const sealed = sealValue(CERT.publicKey, Buffer.from('s3cret'), scopeLabel('strict', 'team-a', 'db'));
    const wrong = [
      scopeLabel('strict', 'team-a', 'db2'),
      scopeLabel('strict', 'team-b', 'db'),
      scopeLabel('namespace-wide', 'team-a', 'db'),
      scopeLabel('cluster-wide', 'team-a', 'db'),
    ];
    for (const label of wrong) {
      const err = sealError(() => openValue(PRIVATE_KEY, sealed, label));
      expect(err.code).toBe('decrypt-failed');
      expect(err.message).not.toMatch(/\n/);
    }
    const nsWide = sealValue(CERT.publicKey, Buffer.from('s3cret'), scopeLabel('namespace-wide', 'team-a', 'db'));
    expect(sealError(() => openValue(PRIVATE_KEY, nsWide, scopeLabel('namespace-wide', 'team-b', 'db'))).code).toBe('decrypt-failed');
    expect(sealError(() => openValue(PRIVATE_KEY, nsWide, scopeLabel('cluster-wide', 'team-a', 'db'))).code).toBe('decrypt-failed');
    const clusterWide = sealValue(CERT.publicKey, Buffer.from('s3cret'), scopeLabel('cluster-wide', 'team-a', 'db'));
    expect(sealError(() => openValue(PRIVATE_KEY, clusterWide, 'team-a')).code).toBe('decrypt-failed');
  });

  test('a different key fails (same size and other size)', () => {
    const sealed = sealValue(CERT.publicKey, Buffer.from('s3cret'), 'ns/name');
    const other4096 = generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey;
    expect(sealError(() => openValue(other4096, sealed, 'ns/name')).message).toMatch(/wrong key/);
    const other2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(sealError(() => openValue(other2048.privateKey, sealed, 'ns/name')).message).toMatch(/RSA part is 512 bytes but this key's modulus is 256 bytes/);
    // and a 2048-bit key works end to end (blob = 2 + 256 + n + 16)
    const small = sealValue(other2048.publicKey, Buffer.from('x'), '');
    expect(Buffer.from(small, 'base64').length).toBe(2 + 256 + 1 + 16);
    expect(openValue(other2048.privateKey, small, '').toString()).toBe('x');
  });

  test('a tampered ciphertext fails the GCM tag', () => {
    const blob = Buffer.from(sealValue(CERT.publicKey, Buffer.from('tamper me'), 'ns/name'), 'base64');
    blob[2 + 512] ^= 1;
    expect(sealError(() => openValue(PRIVATE_KEY, blob.toString('base64'), 'ns/name')).message).toMatch(/AES-GCM tag does not match/);
  });

  test('refuses non-RSA keys', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(sealError(() => sealValue(ec.publicKey, Buffer.from('x'), '')).code).toBe('not-rsa');
    expect(sealError(() => openValue(ec.privateKey, 'AgA=', '')).code).toBe('not-rsa');
  });
});

describe('openValue: malformed input fails cleanly', () => {
  const cases: [string, string, RegExp][] = [
    ['empty string', '', /not standard base64/],
    ['not base64', 'not base64!', /not standard base64/],
    ['URL-safe alphabet', 'Ag-_', /not standard base64/],
    ['missing padding', 'AgA', /not standard base64/],
    ['one byte', Buffer.from([2]).toString('base64'), /1 byte\(s\) long, too short for the 2-byte length prefix/],
    ['length prefix larger than the blob', Buffer.from([0x02, 0x00, 1, 2, 3]).toString('base64'), /length prefix says 512 bytes of RSA ciphertext but only 3 follow/],
    ['length prefix 0xffff', Buffer.from([0xff, 0xff]).toString('base64'), /says 65535 bytes/],
    ['no room for the tag', Buffer.concat([Buffer.from([0x02, 0x00]), Buffer.alloc(512), Buffer.alloc(15)]).toString('base64'), /expected at least the 16-byte AES-GCM tag/],
    ['zero RSA bytes', Buffer.concat([Buffer.from([0, 0]), Buffer.alloc(16)]).toString('base64'), /RSA part is 0 bytes/],
    ['random RSA part', Buffer.concat([Buffer.from([0x02, 0x00]), randomBytes(512 + 16)]).toString('base64'), /cannot decrypt/],
  ];
  test.each(cases)('%s', (_what, sealed, message) => {
    const err = sealError(() => openValue(PRIVATE_KEY, sealed, 'ns/name'));
    expect(['malformed', 'decrypt-failed']).toContain(err.code);
    expect(err.message).toMatch(message);
    expect(err.message).not.toMatch(/\n/);
  });

  test('line breaks inside the base64 are ignored (like Go StdEncoding)', () => {
    const sealed = sealValue(CERT.publicKey, Buffer.from('wrapped'), 'ns/name');
    const wrapped = sealed.replace(/(.{76})/g, '$1\n');
    expect(openValue(PRIVATE_KEY, wrapped, 'ns/name').toString()).toBe('wrapped');
  });

  test('a bad private key is refused', () => {
    expect(sealError(() => openValue('not a key', 'AgA=', '')).code).toBe('invalid-key');
    expect(sealError(() => openValue(createPublicKey(PRIVATE_KEY), 'AgA=', '')).code).toBe('invalid-key');
  });
});

describeShared(SHARED_TITLE, () => {
  test('the project copies equal the shared fixtures', () => {
    expect(fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.key'))).toEqual(fs.readFileSync(path.join(SHARED, 'tls.key')));
    expect(fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-fixture-tls.crt'))).toEqual(fs.readFileSync(path.join(SHARED, 'tls.crt')));
    expect(fs.readFileSync(path.join(LOCAL, 'TEST-ONLY-vectors.json'))).toEqual(fs.readFileSync(path.join(SHARED, 'vectors.json')));
  });

  test('cross-check-vectors.json (Node crypto and @linode/kubeseal-encrypt) decrypt with the scope label', () => {
    const vectors: Omit<Vector, 'oaepLabel'>[] = JSON.parse(fs.readFileSync(path.join(SHARED, 'cross-check-vectors.json'), 'utf8'));
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors) {
      const label = scopeLabel(v.scope, v.namespace, v.name);
      expect(openValue(PRIVATE_KEY, v.encryptedDataValue, label).toString('base64')).toBe(v.plaintextBase64);
      expect(sealError(() => openValue(PRIVATE_KEY, v.encryptedDataValue, 'wrong/label')).code).toBe('decrypt-failed');
    }
  });

  test('public-key-spki.pem seals values the fixture key opens', () => {
    const spki = createPublicKey(fs.readFileSync(path.join(SHARED, 'public-key-spki.pem')));
    expect(openValue(PRIVATE_KEY, sealValue(spki, Buffer.from('spki'), 'a/b'), 'a/b').toString()).toBe('spki');
  });

  test('sealedsecrets.yaml: every value opens with the label its metadata implies (annotations as scopeAnnotations)', () => {
    const docs = parseAllDocuments(fs.readFileSync(path.join(SHARED, 'sealedsecrets.yaml'), 'utf8')).map((d) => d.toJS());
    expect(docs).toHaveLength(4);
    for (const doc of docs) {
      const annotations: Record<string, string> = doc.metadata.annotations ?? {};
      // upstream SecretScope: cluster-wide wins over namespace-wide; only "true" counts
      const scope: SealScope =
        annotations['sealedsecrets.bitnami.com/cluster-wide'] === 'true' ? 'cluster-wide'
          : annotations['sealedsecrets.bitnami.com/namespace-wide'] === 'true' ? 'namespace-wide' : 'strict';
      expect(annotations).toEqual(expect.objectContaining(scopeAnnotations(scope)));
      const label = scopeLabel(scope, doc.metadata.namespace, doc.metadata.name);
      for (const value of Object.values(doc.spec.encryptedData as Record<string, string>)) {
        const vector = VECTORS.find((v) => v.encryptedDataValue === value);
        expect(vector?.oaepLabel).toBe(label);
        expect(openValue(PRIVATE_KEY, value, label).toString('base64')).toBe(vector?.plaintextBase64);
      }
    }
  });
});
