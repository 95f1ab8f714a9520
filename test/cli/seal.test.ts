/**
 * `npm run seal` end to end: the real command (`node --require ./bin/ts-register.cjs seal.ts`) on throwaway copies
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

/** Runs `npm run seal -- ...args` in a process of its own with `input` piped on stdin (empty stdin when omitted). */
function sealProcess(repo: TempRepo, args: readonly string[], input: Buffer | string = ''): CommandResult {
  const r = spawnSync(process.execPath, ['--require', require.resolve('../../bin/ts-register.cjs'), 'seal.ts', ...args], {
    cwd: repo.dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DEBUG: '' },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `npm run seal -- ...args` in-process (TempRepo.cli) with `input` on stdin (empty when omitted). */
function seal(repo: TempRepo, args: readonly string[], input: Buffer | string = ''): Promise<CommandResult> {
  return repo.cli('seal', args, { stdin: input, env: { DEBUG: '' } });
}

/** Runs the tasks at most `n` at a time. */
async function inPool(tasks: readonly (() => Promise<void>)[], n: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
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

  beforeAll(async () => {
    repo = newRepo();
    repo.write('envs/certs/dev-us-east-1.pem', FIXTURE_CRT);
    devSeal = sealProcess(repo, [APP, 'dev', 'OPENAI_API_KEY'], value);
    nsSeal = await seal(repo, [APP, 'staging', 'OPENAI_API_KEY', '--scope', 'namespace-wide'], nsValue);
    clusterSeal = await seal(repo, [APP, 'prod', 'OPENAI_API_KEY', '--region', 'us-east-1', '--scope', 'cluster-wide'], clusterValue);
    synth = await repo.cli('synth', []);
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

  test('--from-file is binary-safe (zero bytes, 0xff, 10 KB) and the value is nowhere in output or repo', async () => {
    const binary = Buffer.concat([Buffer.from([0x00, 0xff, 0x00, 0x0a, 0xff, 0xfe, 0x0d]), randomBytes(57), Buffer.from([0x00, 0xff])]);
    const big = randomBytes(10 * 1024);
    fs.writeFileSync(path.join(tmp, 'binary.bin'), binary);
    fs.writeFileSync(path.join(tmp, 'big.bin'), big);
    const r1 = await seal(repo, [APP, 'dev', 'BINARY_VALUE', '--from-file', path.join(tmp, 'binary.bin')]);
    const r2 = await seal(repo, [APP, 'dev', 'BIG_VALUE', '--from-file', path.join(tmp, 'big.bin')]);
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

  test('without --region, every region is sealed with its own certificate', async () => {
    const value = `per-region-${randomBytes(8).toString('hex')}`;
    const r = await seal(repo, [APP, 'prod', 'REGION_KEY'], value);
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

    test('re-sealing an existing key changes only the sealed: line of that entry', async () => {
      const before = lines(repo.read(SECRETS));
      const oldEntry = secretsOf(repo)[APP].prod['eu-west-1'].OPENAI_API_KEY;
      ok(await seal(repo, [APP, 'prod', 'OPENAI_API_KEY', '--region', 'eu-west-1'], 'rotated-openai-key'));
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

    test('a new key in an existing region is inserted without touching other lines; comments survive', async () => {
      const before = lines(repo.read(SECRETS));
      ok(await seal(repo, [APP, 'staging', 'NEW_KEY'], 'new-value'));
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

    test('a key for an app with no secrets yet is inserted without touching other lines; comments survive', async () => {
      const before = lines(repo.read(SECRETS));
      ok(await seal(repo, ['book-shop', 'dev', 'DB_PASSWORD'], 'book-shop-db'));
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

type CertSwap = 'missing' | 'private-key' | 'expired' | 'ec';

interface BadCase {
  readonly name: string;
  readonly args: readonly string[];
  /** stdin (default: a distinctive value that must never be echoed). */
  readonly input?: string;
  /** Fragments of the one error line: what is wrong and what is allowed. */
  readonly says: readonly (string | RegExp)[];
  /** Replace envs/certs/staging-us-east-1.pem first. */
  readonly cert?: CertSwap;
  /** Seal these first (e.g. for a scope clash); the snapshot is taken afterwards. */
  readonly setup?: readonly (readonly string[])[];
  /** Never in stdout/stderr (besides the piped input). */
  readonly secret?: string;
  readonly needsOpenssl?: boolean;
}

const STAGING_CERT = 'envs/certs/staging-us-east-1.pem';
const BAD_VALUE = `bad-input-value-${randomBytes(6).toString('hex')}`;
const ARGV_VALUE = `sk-live-ARGV-${randomBytes(6).toString('hex')}`;
const MISSING_FILE = path.join(os.tmpdir(), `seal-test-no-such-file-${randomBytes(4).toString('hex')}.txt`);

const BAD_CASES: readonly BadCase[] = [
  {
    name: 'unknown app, with a did-you-mean for a near miss',
    args: ['incident-assistant-backnd', 'dev', 'OPENAI_API_KEY'],
    says: ['unknown app "incident-assistant-backnd"', 'did you mean "incident-assistant-backend"', /registered apps: .*\bbook-shop\b/],
  },
  { name: 'unknown env', args: [APP, 'qa', 'OPENAI_API_KEY'], says: ['unknown environment "qa"', /allowed: .*dev.*staging.*prod/] },
  {
    name: 'unknown --region',
    args: [APP, 'prod', 'OPENAI_API_KEY', '--region', 'eu-west-2'],
    says: ['--region', 'unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1'],
  },
  ...['openai-key', '1KEY'].map((key) => ({
    name: `an invalid KEY (${key})`,
    args: [APP, 'dev', key],
    says: [`"${key}"`, 'not a valid environment variable name', /letters, digits and "_"/],
  })),
  { name: 'an empty value without --allow-empty', args: [APP, 'dev', 'EMPTY_KEY'], input: '', says: ['empty', '--allow-empty'] },
  {
    name: 'a missing --from-file',
    args: [APP, 'dev', 'OPENAI_API_KEY', '--from-file', MISSING_FILE],
    says: ['--from-file', MISSING_FILE, 'no such file'],
  },
  {
    name: 'an invalid --scope',
    args: [APP, 'dev', 'OPENAI_API_KEY', '--scope', 'everywhere'],
    says: ['--scope', '"everywhere"', 'allowed: strict, namespace-wide, cluster-wide'],
  },
  {
    name: 'a scope clash with another key of the same SealedSecret (KEY_A strict, KEY_B cluster-wide)',
    setup: [['book-shop', 'dev', 'KEY_A']],
    args: ['book-shop', 'dev', 'KEY_B', '--scope', 'cluster-wide', '--region', 'us-east-1'],
    says: ['KEY_A', 'scope strict', '--scope strict'],
  },
  {
    name: 'a missing certificate file',
    cert: 'missing',
    args: [APP, 'staging', 'NEW_KEY'],
    says: [STAGING_CERT, 'no certificate for staging/us-east-1', 'kubeseal --fetch-cert'],
  },
  {
    name: 'a private key instead of a certificate',
    cert: 'private-key',
    args: [APP, 'staging', 'NEW_KEY'],
    says: [STAGING_CERT, 'private key', 'BEGIN CERTIFICATE'],
  },
  {
    name: 'an expired certificate',
    cert: 'expired',
    needsOpenssl: true,
    args: [APP, 'staging', 'NEW_KEY'],
    says: [STAGING_CERT, 'expired on 2020-01-02', 'kubeseal --fetch-cert'],
  },
  {
    name: 'a non-RSA (EC) certificate',
    cert: 'ec',
    needsOpenssl: true,
    args: [APP, 'staging', 'NEW_KEY'],
    says: [STAGING_CERT, 'ec key', 'needs an RSA key'],
  },
  {
    name: 'a value on the command line instead of stdin: refused, not sealed, not echoed',
    args: [APP, 'dev', 'OPENAI_API_KEY', ARGV_VALUE],
    input: '',
    secret: ARGV_VALUE,
    says: [/argument|stdin|command line/i],
  },
];

interface BadOutcome {
  readonly r: CommandResult;
  readonly secretsBefore: string;
  readonly secretsAfter: string;
  readonly distBefore: Map<string, string>;
  readonly distAfter: Map<string, string>;
}

describe('seal: bad input fails with one error line and changes nothing', () => {
  const repos: TempRepo[] = [];
  const outcomes = new Map<string, BadOutcome>();
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seal-test-'));
    const made = makeBadCerts(tmp);
    const certFor = (swap: CertSwap): string | undefined =>
      swap === 'private-key' ? regionKey('staging', 'us-east-1') : swap === 'expired' ? made!.expired : swap === 'ec' ? made!.ec : undefined;
    const runnable = BAD_CASES.filter((c) => !c.needsOpenssl || made);
    // Each case on its own repo, a few at a time: every run is a separate node process.
    await inPool(runnable.map((c) => async () => {
      const repo = newRepo();
      repos.push(repo);
      if (c.cert === 'missing') fs.rmSync(repo.path(STAGING_CERT));
      else if (c.cert) repo.write(STAGING_CERT, certFor(c.cert)!);
      for (const args of c.setup ?? []) ok(await seal(repo, args, 'setup-value'));
      const secretsBefore = repo.read(SECRETS);
      const distBefore = repo.snapshotTree('dist');
      const r = await seal(repo, c.args, c.input ?? BAD_VALUE);
      outcomes.set(c.name, { r, secretsBefore, secretsAfter: repo.read(SECRETS), distBefore, distAfter: repo.snapshotTree('dist') });
    }), 3);
  }, 120_000);
  afterAll(() => {
    for (const repo of repos) repo.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const runnable = BAD_CASES.filter((c) => !c.needsOpenssl || HAVE_OPENSSL);
  test.each(runnable.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const o = outcomes.get(c.name)!;
    const { r } = o;
    const stderrLines = r.stderr.split('\n').filter((l) => l !== '');
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/^error: /);
    for (const s of c.says) {
      if (typeof s === 'string') expect(stderrLines[0]).toContain(s);
      else expect(stderrLines[0]).toMatch(s);
    }
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toMatch(/^sealed /m);
    for (const secret of [c.input ?? BAD_VALUE, c.secret ?? '']) {
      if (secret !== '') expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(o.secretsAfter).toBe(o.secretsBefore);
    expect(o.distAfter).toEqual(o.distBefore);
    expect(r.code).toBe(1);
  });
  for (const c of BAD_CASES.filter((x) => x.needsOpenssl && !HAVE_OPENSSL)) {
    test.skip(`${c.name} (SKIPPED: openssl is not installed, and node:crypto cannot make certificates)`, () => undefined);
  }

  test('an empty value with --allow-empty is sealed', async () => {
    const repo = newRepo();
    repos.push(repo);
    const r = await seal(repo, [APP, 'dev', 'EMPTY_KEY', '--allow-empty'], '');
    ok(r);
    expect(r.stdout).toContain('0 bytes');
    const entry = secretsOf(repo)[APP].dev['us-east-1'].EMPTY_KEY;
    expect(openValue(regionKey('dev', 'us-east-1'), entry.sealed, STRICT)).toEqual(Buffer.alloc(0));
  });
});
// ---------------------------------------------------------------------------------------------

describe('seal --rotate-cert', () => {
  let repo: TempRepo;
  const BAD = [
    { args: ['qa', 'us-east-1'], says: ['unknown environment "qa"', /allowed: .*prod/] },
    { args: ['prod', 'eu-west-2'], says: ['unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1'] },
  ] as const;
  let badResults: CommandResult[];

  beforeAll(async () => {
    repo = newRepo();
    // the bad-argument runs read nothing the seals write: overlap them with the seals
    const sealing = (async () => {
      ok(await seal(repo, [APP, 'prod', 'ROTATE_KEY'], 'rotate-me'));
      ok(await seal(repo, [APP, 'prod', 'US_ONLY_KEY', '--region', 'us-east-1'], 'us-only'));
    })();
    [, ...badResults] = await Promise.all([sealing, ...BAD.map((b) => seal(repo, ['--rotate-cert', ...b.args]))]);
  }, 60_000);
  afterAll(() => repo?.cleanup());

  test('right after sealing, nothing needs re-sealing', async () => {
    const r = await seal(repo, ['--rotate-cert', 'prod', 'eu-west-1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(fingerprintOf(repo.read('envs/certs/prod-eu-west-1.pem')));
    expect(r.stdout).toMatch(/all 2 value\(s\) of prod\/eu-west-1 are sealed with this certificate; nothing to re-seal/);
  });

  test('after the certificate changes, lists the entries of that region with a re-seal command', async () => {
    repo.write('envs/certs/prod-eu-west-1.pem', FIXTURE_CRT);
    const before = repo.read(SECRETS);
    const r = await seal(repo, ['--rotate-cert', 'prod', 'eu-west-1']);
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
    const us = await seal(repo, ['--rotate-cert', 'prod', 'us-east-1']);
    expect(us.code).toBe(0);
    expect(us.stdout).toContain('all 3 value(s) of prod/us-east-1 are sealed with this certificate; nothing to re-seal');
  });

  test.each(BAD.map((b, i) => [b.args.join(' '), i] as const))('bad env/region (%s): exit 1, one error line', (_args, i) => {
    const r = badResults[i];
    expect(r.code).toBe(1);
    const errLines = r.stderr.split('\n').filter((l) => l !== '');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^error: /);
    for (const s of BAD[i].says) {
      if (typeof s === 'string') expect(errLines[0]).toContain(s);
      else expect(errLines[0]).toMatch(s);
    }
    expect(r.stdout).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------

describe('seal --help', () => {
  test('exits 0 and shows the usage, every option and a printf example', async () => {
    const repo = newRepo();
    try {
      const r = await seal(repo, ['--help']);
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

describe('seal --commit refuses when the synth after it would fail', () => {
  test('a policy error in the re-synth: exit 1, the gate findings on stderr, secrets.ts, dist/ and HEAD unchanged', async () => {
    const repo = newRepo();
    try {
      repo.write('.gitignore', 'node_modules\n');
      for (const args of [['init', '-q', '-b', 'main'], ['config', 'user.name', 't'], ['config', 'user.email', 't@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) {
        expect(repo.run('git', args).code).toBe(0);
      }
      // prod allows images from ghcr.io/acme/ only (images/registry): the next synth fails the gate.
      repo.edit('apps/echo.ts', "image: 'ghcr.io/acme/echo'", "image: 'quay.io/acme/echo'");
      const before = { secrets: repo.read(SECRETS), dist: repo.snapshotTree(), head: repo.run('git', ['rev-parse', 'HEAD']).stdout };
      const r = await seal(repo, [APP, 'dev', 'OPENAI_API_KEY', '--commit'], 'sk-test-commit-refused-not-a-real-key');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/images\/registry/);
      expect(r.stdout).not.toMatch(/committed/);
      expect({ secrets: repo.read(SECRETS), dist: repo.snapshotTree(), head: repo.run('git', ['rev-parse', 'HEAD']).stdout }).toEqual(before);
    } finally {
      repo.cleanup();
    }
  });
});

test('sealing a key the app does not declare warns and says how to declare it (the value is still sealed)', async () => {
  const repo = newRepo();
  try {
    const r = await seal(repo, [APP, 'staging', 'NOT_DECLARED'], 'x');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`warning: NOT_DECLARED is not one of ${APP}'s secrets (OPENAI_API_KEY); declare it in apps/${APP}.ts (secrets: [..., 'NOT_DECLARED']) or the app never reads it\n`);
    expect(repo.read('envs/secrets.ts')).toContain('NOT_DECLARED');
  } finally {
    repo.cleanup();
  }
});
