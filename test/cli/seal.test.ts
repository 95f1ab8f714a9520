/**
 * `npm run seal` end to end: the real command (`node --require tsx/cjs seal.ts`) on throwaway copies
 * of the repository. What it writes to envs/secrets.ts must decrypt with the test-only private keys
 * by the upstream algorithm, synth must carry it into the SealedSecret, edits must be one line per
 * value, and bad input must fail with one `error:` line and change nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readDataFile } from '../../lib/datafile';
import { openValue, scopeLabel } from '../../lib/seal';
import { CommandResult, ROOT, TempRepo } from '../support/repo';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'sealed-secrets');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const FIXTURE_CRT = fixture('TEST-ONLY-fixture-tls.crt');
const FIXTURE_KEY = fixture('TEST-ONLY-fixture-tls.key');
const regionKey = (env: string, region: string) => fixture(`TEST-ONLY-${env}-${region}.key`);

const APP = 'incident-assistant-backend';
const STRICT = scopeLabel('strict', APP, APP);
const SECRETS = 'envs/secrets.ts';

/** `sha256:<hex>` of the DER certificate, computed independently of lib/seal. */
function fingerprintOf(pem: string): string {
  return `sha256:${createHash('sha256').update(new X509Certificate(pem).raw).digest('hex')}`;
}

interface Sealed {
  sealed: string;
  scope: string;
  namespace: string;
  name: string;
  cert: string;
}
type SecretsData = Record<string, Record<string, Record<string, Record<string, Sealed>>>>;

/** A TempRepo with seal.ts (TempRepo does not copy it). */
function newRepo(): TempRepo {
  const repo = new TempRepo();
  fs.copyFileSync(path.join(ROOT, 'seal.ts'), repo.path('seal.ts'));
  return repo;
}

/** Runs `npm run seal -- ...args` in the repo with `input` piped on stdin (empty stdin when omitted). */
function seal(repo: TempRepo, args: readonly string[], input: Buffer | string = ''): CommandResult {
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'seal.ts', ...args], {
    cwd: repo.dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEBUG: '' },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function secretsOf(repo: TempRepo): SecretsData {
  return readDataFile(repo.read(SECRETS), 'secrets', SECRETS) as unknown as SecretsData;
}

function ok(r: CommandResult): void {
  if (r.code !== 0) throw new Error(`expected exit 0, got ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

/** Every file of the repo (node_modules excluded) whose bytes contain `needle`. */
function filesContaining(repo: TempRepo, needle: Buffer): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.readFileSync(p).includes(needle)) hits.push(path.relative(repo.dir, p));
    }
  };
  walk(repo.dir);
  return hits;
}

/** The SealedSecret of an instance in dist/. */
function sealedSecretIn(repo: TempRepo, env: string, region: string, app: string): {
  metadata: { annotations?: Record<string, string>; name: string; namespace: string };
  spec: { encryptedData: Record<string, string>; template: { metadata: { annotations?: Record<string, string> } } };
} {
  const file = `dist/apps/${env}/${region}/${app}/${app}.yaml`;
  const docs = parseAllDocuments(repo.read(file)).map((d) => d.toJSON());
  const found = docs.filter((d) => d?.kind === 'SealedSecret');
  if (found.length !== 1) throw new Error(`${file}: expected one SealedSecret, found ${found.length}`);
  return found[0];
}

/** The lines inserted into `before` to give `after`, or undefined when `after` is not a pure insertion. */
function insertedLines(before: readonly string[], after: readonly string[]): string[] | undefined {
  if (after.length <= before.length) return undefined;
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return p + s === before.length ? after.slice(p, after.length - s) : undefined;
}

const lines = (text: string) => text.split('\n');

// ---------------------------------------------------------------------------------------------

describe('seal end to end with the upstream fixture certificate, and scopes through synth', () => {
  let repo: TempRepo;
  const value = `sk-e2e-${randomBytes(12).toString('hex')}`;
  const nsValue = `ns-wide-${randomBytes(8).toString('hex')}`;
  const clusterValue = `cluster-wide-${randomBytes(8).toString('hex')}`;
  let devSeal: CommandResult;
  let nsSeal: CommandResult;
  let clusterSeal: CommandResult;
  let synth: CommandResult;

  beforeAll(() => {
    repo = newRepo();
    repo.write('envs/certs/dev-us-east-1.pem', FIXTURE_CRT);
    devSeal = seal(repo, [APP, 'dev', 'OPENAI_API_KEY'], value);
    nsSeal = seal(repo, [APP, 'staging', 'OPENAI_API_KEY', '--scope', 'namespace-wide'], nsValue);
    clusterSeal = seal(repo, [APP, 'prod', 'OPENAI_API_KEY', '--region', 'us-east-1', '--scope', 'cluster-wide'], clusterValue);
    synth = repo.synth();
  });
  afterAll(() => repo?.cleanup());

  test('npm run seal output decrypts with the fixture key and the strict label (upstream algorithm)', () => {
    ok(devSeal);
    expect(devSeal.stdout).toContain(`sealed OPENAI_API_KEY of ${APP} for dev (us-east-1), scope strict, ${value.length} bytes`);
    const entry = secretsOf(repo)[APP].dev['us-east-1'].OPENAI_API_KEY;
    expect(entry).toEqual({
      sealed: expect.stringMatching(/^[A-Za-z0-9+/]+={0,2}$/),
      scope: 'strict',
      namespace: APP,
      name: APP,
      cert: fingerprintOf(FIXTURE_CRT),
    });
    expect(entry.cert).toBe('sha256:54b1a9694edb759fa65951232efbbbac8f414b4c10ac8e2d708d4f584839a682');
    expect(openValue(FIXTURE_KEY, entry.sealed, `${APP}/${APP}`).toString('utf8')).toBe(value);
    // bound to namespace and name: other labels do not open it
    expect(() => openValue(FIXTURE_KEY, entry.sealed, APP)).toThrow(/cannot decrypt/);
    expect(() => openValue(FIXTURE_KEY, entry.sealed, '')).toThrow(/cannot decrypt/);
    // the value is nowhere but in the ciphertext
    expect(devSeal.stdout + devSeal.stderr).not.toContain(value);
    expect(filesContaining(repo, Buffer.from(value))).toEqual([]);
  });

  test('npm run synth exits 0 and the SealedSecret carries that ciphertext', () => {
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    const entry = secretsOf(repo)[APP].dev['us-east-1'].OPENAI_API_KEY;
    const ss = sealedSecretIn(repo, 'dev', 'us-east-1', APP);
    expect(ss.metadata).toMatchObject({ name: APP, namespace: APP });
    expect(ss.spec.encryptedData.OPENAI_API_KEY).toBe(entry.sealed);
    // strict: no scope annotation
    expect(Object.keys(ss.metadata.annotations ?? {}).filter((k) => k.startsWith('sealedsecrets.bitnami.com/'))).toEqual([]);
    expect(filesContaining(repo, Buffer.from(value))).toEqual([]);
  });

  test('--scope namespace-wide: recorded, decrypts with the namespace label only, annotated by synth', () => {
    ok(nsSeal);
    const entry = secretsOf(repo)[APP].staging['us-east-1'].OPENAI_API_KEY;
    expect(entry).toMatchObject({ scope: 'namespace-wide', namespace: APP, cert: fingerprintOf(repo.read('envs/certs/staging-us-east-1.pem')) });
    const key = regionKey('staging', 'us-east-1');
    expect(openValue(key, entry.sealed, scopeLabel('namespace-wide', APP, APP)).toString()).toBe(nsValue);
    expect(openValue(key, entry.sealed, APP).toString()).toBe(nsValue);
    expect(() => openValue(key, entry.sealed, STRICT)).toThrow(/cannot decrypt/);
    expect(() => openValue(key, entry.sealed, '')).toThrow(/cannot decrypt/);
    expect(synth.code).toBe(0);
    const ss = sealedSecretIn(repo, 'staging', 'us-east-1', APP);
    expect(ss.spec.encryptedData.OPENAI_API_KEY).toBe(entry.sealed);
    expect(ss.metadata.annotations).toMatchObject({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(ss.metadata.annotations?.['sealedsecrets.bitnami.com/cluster-wide']).toBeUndefined();
  });

  test('--scope cluster-wide: recorded, decrypts with the empty label, annotated by synth', () => {
    ok(clusterSeal);
    const data = secretsOf(repo)[APP].prod;
    const entry = data['us-east-1'].OPENAI_API_KEY;
    expect(entry.scope).toBe('cluster-wide');
    expect(entry.cert).toBe(fingerprintOf(repo.read('envs/certs/prod-us-east-1.pem')));
    const key = regionKey('prod', 'us-east-1');
    expect(openValue(key, entry.sealed, scopeLabel('cluster-wide', APP, APP)).toString()).toBe(clusterValue);
    expect(openValue(key, entry.sealed, '').toString()).toBe(clusterValue);
    expect(() => openValue(key, entry.sealed, STRICT)).toThrow(/cannot decrypt/);
    // --region us-east-1 left eu-west-1 alone
    expect(data['eu-west-1'].OPENAI_API_KEY.scope).toBe('strict');
    expect(synth.code).toBe(0);
    const ss = sealedSecretIn(repo, 'prod', 'us-east-1', APP);
    expect(ss.spec.encryptedData.OPENAI_API_KEY).toBe(entry.sealed);
    expect(ss.metadata.annotations).toMatchObject({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(ss.metadata.annotations?.['sealedsecrets.bitnami.com/namespace-wide']).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe('seal: binary values, every region, editing style', () => {
  let repo: TempRepo;
  let tmp: string;

  beforeAll(() => {
    repo = newRepo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-test-'));
  });
  afterAll(() => {
    repo?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('--from-file is binary-safe (zero bytes, 0xff, 10 KB) and the value is nowhere in output or repo', () => {
    const binary = Buffer.concat([Buffer.from([0x00, 0xff, 0x00, 0x0a, 0xff, 0xfe, 0x0d]), randomBytes(57), Buffer.from([0x00, 0xff])]);
    const big = randomBytes(10 * 1024);
    fs.writeFileSync(path.join(tmp, 'binary.bin'), binary);
    fs.writeFileSync(path.join(tmp, 'big.bin'), big);
    const r1 = seal(repo, [APP, 'dev', 'BINARY_VALUE', '--from-file', path.join(tmp, 'binary.bin')]);
    const r2 = seal(repo, [APP, 'dev', 'BIG_VALUE', '--from-file', path.join(tmp, 'big.bin')]);
    ok(r1);
    ok(r2);
    expect(r1.stdout).toContain(`${binary.length} bytes`);
    expect(r2.stdout).toContain('10240 bytes');
    const region = secretsOf(repo)[APP].dev['us-east-1'];
    const key = regionKey('dev', 'us-east-1');
    expect(openValue(key, region.BINARY_VALUE.sealed, STRICT).equals(binary)).toBe(true);
    expect(openValue(key, region.BIG_VALUE.sealed, STRICT).equals(big)).toBe(true);
    for (const r of [r1, r2]) {
      expect(Buffer.from(r.stdout + r.stderr, 'latin1').includes(binary.subarray(7, 40))).toBe(false);
      expect(r.stdout + r.stderr).not.toContain(binary.toString('utf8'));
    }
    expect(filesContaining(repo, binary)).toEqual([]);
    expect(filesContaining(repo, big.subarray(0, 64))).toEqual([]);
  });

  test('without --region, every region is sealed with its own certificate', () => {
    const value = `per-region-${randomBytes(8).toString('hex')}`;
    const r = seal(repo, [APP, 'prod', 'REGION_KEY'], value);
    ok(r);
    expect(r.stdout).toContain('for prod (us-east-1, eu-west-1)');
    const prod = secretsOf(repo)[APP].prod;
    const us = prod['us-east-1'].REGION_KEY;
    const eu = prod['eu-west-1'].REGION_KEY;
    expect(us.cert).toBe(fingerprintOf(repo.read('envs/certs/prod-us-east-1.pem')));
    expect(eu.cert).toBe(fingerprintOf(repo.read('envs/certs/prod-eu-west-1.pem')));
    expect(us.cert).not.toBe(eu.cert);
    expect(us.sealed).not.toBe(eu.sealed);
    const usKey = regionKey('prod', 'us-east-1');
    const euKey = regionKey('prod', 'eu-west-1');
    expect(openValue(usKey, us.sealed, STRICT).toString()).toBe(value);
    expect(openValue(euKey, eu.sealed, STRICT).toString()).toBe(value);
    expect(() => openValue(euKey, us.sealed, STRICT)).toThrow(/cannot decrypt/);
    expect(() => openValue(usKey, eu.sealed, STRICT)).toThrow(/cannot decrypt/);
    expect(filesContaining(repo, Buffer.from(value))).toEqual([]);
  });

  describe('editing style', () => {
    const COMMENT_BLOCK = '    // staging: sealed for the staging controller (test comment)';
    const COMMENT_INLINE = "      'eu-west-1': { // second prod region (test comment)";

    beforeAll(() => {
      repo.edit(SECRETS, '    staging: {\n', `${COMMENT_BLOCK}\n    staging: {\n`);
      repo.edit(SECRETS, "      'eu-west-1': {\n", `${COMMENT_INLINE}\n`);
    });

    test('re-sealing an existing key changes only the sealed: line of that entry', () => {
      const before = lines(repo.read(SECRETS));
      const oldEntry = secretsOf(repo)[APP].prod['eu-west-1'].OPENAI_API_KEY;
      ok(seal(repo, [APP, 'prod', 'OPENAI_API_KEY', '--region', 'eu-west-1'], 'rotated-openai-key'));
      const after = lines(repo.read(SECRETS));
      expect(after.length).toBe(before.length);
      const changed = before.map((l, i) => (l === after[i] ? -1 : i)).filter((i) => i >= 0);
      expect(changed).toHaveLength(1);
      const [i] = changed;
      expect(after[i]).toMatch(/^ {10}sealed: '[A-Za-z0-9+/]+={0,2}',$/);
      // the line belongs to prod/eu-west-1 OPENAI_API_KEY (after the eu-west-1 line, within its entry)
      const euLine = after.indexOf(COMMENT_INLINE);
      expect(euLine).toBeGreaterThan(-1);
      expect(i).toBe(euLine + 2);
      expect(after[euLine + 1]).toBe('        OPENAI_API_KEY: {');
      const entry = secretsOf(repo)[APP].prod['eu-west-1'].OPENAI_API_KEY;
      expect({ ...entry, sealed: oldEntry.sealed }).toEqual(oldEntry);
      expect(openValue(regionKey('prod', 'eu-west-1'), entry.sealed, STRICT).toString()).toBe('rotated-openai-key');
    });

    test('a new key in an existing region is inserted without touching other lines; comments survive', () => {
      const before = lines(repo.read(SECRETS));
      ok(seal(repo, [APP, 'staging', 'NEW_KEY'], 'new-value'));
      const after = lines(repo.read(SECRETS));
      const inserted = insertedLines(before, after);
      expect(inserted).toBeDefined();
      expect(inserted!.join('\n')).toMatch(/NEW_KEY: \{/);
      expect(inserted!.filter((l) => /^\s+(sealed|scope|namespace|name|cert): /.test(l))).toHaveLength(5);
      expect(after).toContain(COMMENT_BLOCK);
      expect(after).toContain(COMMENT_INLINE);
      const staging = secretsOf(repo)[APP].staging['us-east-1'];
      expect(Object.keys(staging).sort()).toEqual(['NEW_KEY', 'OPENAI_API_KEY']);
      expect(openValue(regionKey('staging', 'us-east-1'), staging.NEW_KEY.sealed, STRICT).toString()).toBe('new-value');
    });

    test('a key for an app with no secrets yet is inserted without touching other lines; comments survive', () => {
      const before = lines(repo.read(SECRETS));
      ok(seal(repo, ['book-shop', 'dev', 'DB_PASSWORD'], 'book-shop-db'));
      const after = lines(repo.read(SECRETS));
      const inserted = insertedLines(before, after);
      expect(inserted).toBeDefined();
      const block = inserted!.join('\n');
      expect(block).toMatch(/'book-shop': \{/);
      expect(block).toMatch(/DB_PASSWORD: \{/);
      expect(block).toContain("namespace: 'book-shop'");
      expect(after).toContain(COMMENT_BLOCK);
      expect(after).toContain(COMMENT_INLINE);
      const entry = secretsOf(repo)['book-shop'].dev['us-east-1'].DB_PASSWORD;
      expect(entry).toMatchObject({ scope: 'strict', namespace: 'book-shop', name: 'book-shop' });
      expect(openValue(regionKey('dev', 'us-east-1'), entry.sealed, 'book-shop/book-shop').toString()).toBe('book-shop-db');
    });
  });
});

// ---------------------------------------------------------------------------------------------

const HAVE_OPENSSL = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

/** An expired RSA certificate and an EC certificate, made with openssl (undefined without openssl). */
function makeBadCerts(dir: string): { expired: string; ec: string } | undefined {
  if (!HAVE_OPENSSL) return undefined;
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  // Expired: `openssl ca` takes explicit -startdate/-enddate (x509 -not_after needs OpenSSL >= 3.4).
  fs.mkdirSync(path.join(dir, 'db'));
  fs.writeFileSync(path.join(dir, 'db', 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'db', 'serial'), '01\n');
  fs.writeFileSync(
    path.join(dir, 'ca.cnf'),
    [
      '[ca]', 'default_ca = CA_default', '[CA_default]', 'dir = .', 'database = ./db/index.txt', 'new_certs_dir = ./db',
      'serial = ./db/serial', 'default_md = sha256', 'policy = pol', 'email_in_dn = no', '[pol]', 'commonName = supplied', '',
    ].join('\n'),
  );
  run(['genrsa', '-out', 'expired.key', '2048']);
  run(['req', '-new', '-key', 'expired.key', '-subj', '/CN=sealed-secret', '-out', 'expired.csr']);
  run(['ca', '-batch', '-notext', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'expired.key', '-in', 'expired.csr',
    '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-out', 'expired.crt']);
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ec.key',
    '-subj', '/CN=sealed-secret', '-days', '30', '-out', 'ec.crt']);
  return { expired: fs.readFileSync(path.join(dir, 'expired.crt'), 'utf8'), ec: fs.readFileSync(path.join(dir, 'ec.crt'), 'utf8') };
}

describe('seal: bad input fails with one error line and changes nothing', () => {
  let repo: TempRepo;
  let tmp: string;
  let certs: { expired: string; ec: string } | undefined;
  let secretsBefore: string;
  let distBefore: Map<string, string>;
  const STAGING_CERT = 'envs/certs/staging-us-east-1.pem';
  const VALUE = `bad-input-value-${randomBytes(6).toString('hex')}`;

  beforeAll(() => {
    repo = newRepo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-test-'));
    certs = makeBadCerts(tmp);
    // for the scope clash: KEY_A sealed strict for book-shop dev/us-east-1
    ok(seal(repo, ['book-shop', 'dev', 'KEY_A'], 'value-a'));
    secretsBefore = repo.read(SECRETS);
    distBefore = repo.snapshotTree('dist');
  });
  afterAll(() => {
    repo?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs seal, expects exit 1 with one `error:` line matching `says`, and nothing written. */
  function fails(args: readonly string[], says: readonly (string | RegExp)[], input: string = VALUE): string {
    const r = seal(repo, args, input);
    const stderrLines = r.stderr.split('\n').filter((l) => l !== '');
    expect({ code: r.code, stderrLines: stderrLines.length }).toEqual({ code: 1, stderrLines: 1 });
    expect(stderrLines[0]).toMatch(/^error: /);
    for (const s of says) {
      if (typeof s === 'string') expect(stderrLines[0]).toContain(s);
      else expect(stderrLines[0]).toMatch(s);
    }
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toMatch(/^sealed /m);
    if (input !== '') expect(r.stdout + r.stderr).not.toContain(input);
    expect(repo.read(SECRETS)).toBe(secretsBefore);
    expect(repo.snapshotTree('dist')).toEqual(distBefore);
    return stderrLines[0];
  }

  /** Runs `fn` with envs/certs/staging-us-east-1.pem replaced by `content` (removed when undefined). */
  function withStagingCert(content: string | undefined, fn: () => void): void {
    const original = repo.read(STAGING_CERT);
    try {
      if (content === undefined) fs.rmSync(repo.path(STAGING_CERT));
      else repo.write(STAGING_CERT, content);
      fn();
    } finally {
      repo.write(STAGING_CERT, original);
    }
  }

  test('unknown app, with a did-you-mean for a near miss', () => {
    fails(['incident-assistant-backnd', 'dev', 'OPENAI_API_KEY'], [
      'unknown app "incident-assistant-backnd"', 'did you mean "incident-assistant-backend"', /registered apps: .*\bbook-shop\b/,
    ]);
  });

  test('unknown env', () => {
    fails([APP, 'qa', 'OPENAI_API_KEY'], ['unknown environment "qa"', /allowed: .*dev.*staging.*prod/]);
  });

  test('unknown --region', () => {
    fails([APP, 'prod', 'OPENAI_API_KEY', '--region', 'eu-west-2'], ['--region', 'unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1']);
  });

  test.each(['openai-key', '1KEY'])('an invalid KEY (%s)', (key) => {
    fails([APP, 'dev', key], [`"${key}"`, 'not a valid environment variable name', /letters, digits and "_"/]);
  });

  test('an empty value without --allow-empty', () => {
    fails([APP, 'dev', 'EMPTY_KEY'], ['empty', '--allow-empty'], '');
  });

  test('a missing --from-file', () => {
    const missing = path.join(tmp, 'no-such-file.txt');
    fails([APP, 'dev', 'OPENAI_API_KEY', '--from-file', missing], ['--from-file', missing, 'no such file']);
  });

  test('an invalid --scope', () => {
    fails([APP, 'dev', 'OPENAI_API_KEY', '--scope', 'everywhere'], ['--scope', '"everywhere"', 'allowed: strict, namespace-wide, cluster-wide']);
  });

  test('a scope clash with another key of the same SealedSecret', () => {
    fails(['book-shop', 'dev', 'KEY_B', '--scope', 'cluster-wide', '--region', 'us-east-1'], ['KEY_A', 'scope strict', '--scope strict']);
  });

  test('a missing certificate file', () => {
    withStagingCert(undefined, () => {
      fails([APP, 'staging', 'NEW_KEY'], [STAGING_CERT, 'no certificate for staging/us-east-1', 'kubeseal --fetch-cert']);
    });
  });

  test('a private key instead of a certificate', () => {
    withStagingCert(regionKey('staging', 'us-east-1'), () => {
      fails([APP, 'staging', 'NEW_KEY'], [STAGING_CERT, 'private key', 'BEGIN CERTIFICATE']);
    });
  });

  test('a file that is no PEM at all', () => {
    withStagingCert('hello, not a certificate\n', () => {
      fails([APP, 'staging', 'NEW_KEY'], [STAGING_CERT, 'not a PEM certificate', 'BEGIN CERTIFICATE']);
    });
  });

  (HAVE_OPENSSL ? test : test.skip)(`an expired certificate${HAVE_OPENSSL ? '' : ' (SKIPPED: no openssl to make one)'}`, () => {
    withStagingCert(certs!.expired, () => {
      fails([APP, 'staging', 'NEW_KEY'], [STAGING_CERT, 'expired on 2020-01-02', 'kubeseal --fetch-cert']);
    });
  });

  (HAVE_OPENSSL ? test : test.skip)(`a non-RSA (EC) certificate${HAVE_OPENSSL ? '' : ' (SKIPPED: no openssl to make one)'}`, () => {
    withStagingCert(certs!.ec, () => {
      fails([APP, 'staging', 'NEW_KEY'], [STAGING_CERT, 'ec key', 'needs an RSA key']);
    });
  });

  test('a value on the command line: refused, not sealed, not echoed', () => {
    const argvValue = `sk-live-ARGV-${randomBytes(6).toString('hex')}`;
    const line = fails([APP, 'dev', 'OPENAI_API_KEY', argvValue], [/argument|stdin|command line/i], '');
    expect(line).not.toContain(argvValue);
  });

  test('an empty value with --allow-empty is sealed', () => {
    const r = seal(repo, [APP, 'dev', 'EMPTY_KEY', '--allow-empty'], '');
    ok(r);
    expect(r.stdout).toContain('0 bytes');
    const entry = secretsOf(repo)[APP].dev['us-east-1'].EMPTY_KEY;
    expect(openValue(regionKey('dev', 'us-east-1'), entry.sealed, STRICT)).toEqual(Buffer.alloc(0));
  });
});

// ---------------------------------------------------------------------------------------------

describe('seal --rotate-cert', () => {
  let repo: TempRepo;

  beforeAll(() => {
    repo = newRepo();
    ok(seal(repo, [APP, 'prod', 'ROTATE_KEY'], 'rotate-me'));
    ok(seal(repo, [APP, 'prod', 'US_ONLY_KEY', '--region', 'us-east-1'], 'us-only'));
  });
  afterAll(() => repo?.cleanup());

  test('right after sealing, nothing needs re-sealing', () => {
    const r = seal(repo, ['--rotate-cert', 'prod', 'eu-west-1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(fingerprintOf(repo.read('envs/certs/prod-eu-west-1.pem')));
    expect(r.stdout).toMatch(/all 2 value\(s\) of prod\/eu-west-1 are sealed with this certificate; nothing to re-seal/);
  });

  test('after the certificate changes, lists the entries of that region with a re-seal command', () => {
    repo.write('envs/certs/prod-eu-west-1.pem', FIXTURE_CRT);
    const before = repo.read(SECRETS);
    const r = seal(repo, ['--rotate-cert', 'prod', 'eu-west-1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(fingerprintOf(FIXTURE_CRT));
    expect(r.stdout).toContain('2 of 2 value(s) of prod/eu-west-1 were sealed with another certificate');
    for (const key of ['OPENAI_API_KEY', 'ROTATE_KEY']) {
      expect(r.stdout).toContain(`printf %s "$VALUE" | npm run seal -- ${APP} prod ${key} --region eu-west-1 --scope strict`);
    }
    expect(r.stdout).not.toContain('US_ONLY_KEY');
    expect(r.stdout).not.toContain('us-east-1');
    expect(repo.read(SECRETS)).toBe(before);
    // the other region is unaffected
    const us = seal(repo, ['--rotate-cert', 'prod', 'us-east-1']);
    expect(us.code).toBe(0);
    expect(us.stdout).toContain('all 3 value(s) of prod/us-east-1 are sealed with this certificate; nothing to re-seal');
  });

  test.each([
    [['qa', 'us-east-1'], ['unknown environment "qa"', /allowed: .*prod/]],
    [['prod', 'eu-west-2'], ['unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1']],
  ] as const)('bad env/region %j: exit 1, one error line', (args, says) => {
    const r = seal(repo, ['--rotate-cert', ...args]);
    expect(r.code).toBe(1);
    const errLines = r.stderr.split('\n').filter((l) => l !== '');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^error: /);
    for (const s of says) {
      if (typeof s === 'string') expect(errLines[0]).toContain(s);
      else expect(errLines[0]).toMatch(s);
    }
    expect(r.stdout).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------

describe('seal --help', () => {
  test('exits 0 and shows the usage, every option and a printf example', () => {
    const repo = newRepo();
    try {
      const r = seal(repo, ['--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: seal \[options\] \[app\] \[env\] \[key\]/m);
      for (const opt of ['--region', '--scope', '--from-file', '--allow-empty', '--rotate-cert']) expect(r.stdout).toContain(opt);
      expect(r.stdout).toMatch(/printf %s "\$\w+" \| npm run seal -- \S+ \S+ [A-Z_]+/);
      expect(r.stdout).toMatch(/stdin/);
    } finally {
      repo.cleanup();
    }
  });
});
