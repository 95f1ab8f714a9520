/**
 * Bad input fails `npm run synth` with exit 1 and one `error: file:line: field: reason` line, and
 * never touches dist/.
 */
import * as fs from 'node:fs';
import { CommandResult, TempRepo } from '../support/repo';

interface Case {
  readonly name: string;
  /** Repo-relative file to edit. */
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** A string on the line the error must point at (found in the edited file). */
  readonly lineOf: string;
  /** The field path in the message; undefined for errors that have none (syntax errors). */
  readonly field?: string;
  /** Fragments of the reason (what is wrong, what is allowed). */
  readonly says: readonly (string | RegExp)[];
}

const CASES: readonly Case[] = [
  {
    name: 'a typo in an app key (replica)',
    file: 'apps/echo.ts',
    from: '  port: 8080,\n',
    to: '  port: 8080,\n  replica: 2,\n',
    lineOf: 'replica: 2',
    field: 'replica',
    says: ['unknown key', 'did you mean "replicas"', /allowed: .*\breplicas\b/],
  },
  {
    name: 'an override for an unknown app in envs/dev.ts',
    file: 'envs/dev.ts',
    from: "'book-shop': { featureFlags",
    to: "'book-shopp': { featureFlags",
    lineOf: "'book-shopp'",
    field: 'apps.book-shopp',
    says: ['unknown app "book-shopp"', 'did you mean "book-shop"', /registered apps: .*\bbook-shop\b/],
  },
  {
    name: 'an override for an unknown region in envs/prod.ts',
    file: 'envs/prod.ts',
    from: "'eu-west-1': { autoscaling",
    to: "'eu-west-2': { autoscaling",
    lineOf: "'eu-west-2'",
    field: 'apps.book-shop.regions.eu-west-2',
    says: ['unknown region "eu-west-2"', 'allowed: us-east-1, eu-west-1'],
  },
  {
    name: 'a release for an unknown env',
    file: 'envs/releases.ts',
    from: "    staging: { tag: '1.2.0-SNAPSHOT-3c9e0f2'",
    to: "    qa: { tag: '1.2.0-SNAPSHOT-3c9e0f2'",
    lineOf: "    qa: { tag: '1.2.0-SNAPSHOT-3c9e0f2'",
    field: 'echo.qa',
    says: ['unknown environment "qa"', 'allowed: dev, staging, prod'],
  },
  {
    name: 'a SNAPSHOT tag in prod (breaks the tag policy)',
    file: 'envs/releases.ts',
    from: "tag: 'v1.2.0'",
    to: "tag: '1.2.0-SNAPSHOT-3c9e0f2'",
    lineOf: "prod: { tag: '1.2.0-SNAPSHOT-3c9e0f2'",
    field: 'echo.prod.tag',
    says: ['"1.2.0-SNAPSHOT-3c9e0f2"', 'tag policy', 'allowed: vX.Y.Z'],
  },
  {
    name: '`latest` as a tag',
    file: 'envs/releases.ts',
    from: "tag: 'a41f9c3'",
    to: "tag: 'latest'",
    lineOf: "tag: 'latest'",
    field: 'book-shop.dev.tag',
    says: ['"latest" is never allowed'],
  },
  {
    name: 'a negative replica count in an env profile',
    file: 'envs/prod.ts',
    from: 'replicas: 3,',
    to: 'replicas: -3,',
    lineOf: 'replicas: -3,',
    field: 'profile.replicas',
    says: ['-3', /from 0 to \d+/],
  },
  {
    name: 'an image reference with a tag in an app',
    file: 'apps/echo.ts',
    from: "image: 'ghcr.io/acme/echo',",
    to: "image: 'ghcr.io/acme/echo:1.0',",
    lineOf: "image: 'ghcr.io/acme/echo:1.0'",
    field: 'image',
    says: ['"ghcr.io/acme/echo:1.0"', 'without tag or digest', 'envs/releases.ts'],
  },
  {
    name: 'a malformed image repository in an app',
    file: 'apps/book-shop.ts',
    from: "image: 'ghcr.io/acme/book-shop',",
    to: "image: 'Not An Image',",
    lineOf: "image: 'Not An Image'",
    field: 'image',
    says: ['"Not An Image"', 'not a valid image repository', /allowed: .*ghcr\.io/],
  },
  {
    name: 'a malformed digest',
    file: 'envs/releases.ts',
    from: 'sha256:44b5284b4254e4268cee826c30f86642ddd59e444edf4e225882820221963fe4',
    to: 'sha256:44b5284b4254',
    lineOf: "digest: 'sha256:44b5284b4254'",
    field: 'echo.prod.digest',
    says: ['"sha256:44b5284b4254"', '"sha256:" followed by 64 lowercase hex characters'],
  },
  {
    name: 'a vcluster values key the chart does not know',
    file: 'envs/prod.ts',
    from: '  tags: { allow: [TagPatterns.release], requireDigest: true },\n',
    to: '  tags: { allow: [TagPatterns.release], requireDigest: true },\n  vcluster: { values: { policies: { isolation: true } } },\n',
    lineOf: 'isolation: true',
    field: 'vcluster.values.policies.isolation',
    says: ['unknown key "isolation"', 'vcluster chart values schema'],
  },
  {
    name: 'a repo URL that is not a URL',
    file: 'envs/platform.ts',
    from: "repoURL: 'https://github.com/acme/gitops.git',",
    to: "repoURL: 'github.com/acme/gitops',",
    lineOf: "repoURL: 'github.com/acme/gitops'",
    field: 'gitops.repoURL',
    says: ['"github.com/acme/gitops"', 'a Git URL such as'],
  },
  {
    name: 'an env without regions',
    file: 'envs/staging.ts',
    from: "regions: { 'us-east-1': {} },",
    to: 'regions: {},',
    lineOf: 'regions: {},',
    field: 'regions',
    says: ['at least one region'],
  },
  {
    name: 'a region name that is not DNS-1123',
    file: 'envs/prod.ts',
    from: "    'eu-west-1': {},\n",
    to: "    'EU_West_1': {},\n",
    lineOf: "'EU_West_1'",
    field: 'regions.EU_West_1',
    says: ['lowercase letters, digits and "-"'],
  },
  {
    name: 'two envs with the same name',
    file: 'envs/staging.ts',
    from: "name: 'staging',",
    to: "name: 'dev',",
    lineOf: "name: 'dev',",
    field: 'name',
    says: ['environment "dev" is defined twice', 'envs/dev.ts'],
  },
  {
    name: 'a database storage size out of range',
    file: 'apps/incident-assistant-backend.ts',
    from: "size: 'small' }",
    to: "size: 'small', storageGiB: 5000 }",
    lineOf: 'storageGiB: 5000',
    field: 'database.storageGiB',
    says: ['5000', 'from 20 to 1024'],
  },
  {
    name: 'a database variable set by hand in the app\'s config',
    file: 'apps/incident-assistant-backend.ts',
    from: "OPENAI_MODEL: 'gpt-4o-mini',",
    to: "OPENAI_MODEL: 'gpt-4o-mini',\n    DB_HOST: 'localhost',",
    lineOf: "DB_HOST: 'localhost'",
    field: 'config.DB_HOST',
    says: ["set from the database's connection Secret", 'pick another name'],
  },
  {
    name: 'a misspelt databases key on a host',
    file: 'envs/platform.ts',
    from: "      databases: {\n        subnetIds: ['subnet-0a1b2c3d4e5f60711'",
    to: "      databasez: {\n        subnetIds: ['subnet-0a1b2c3d4e5f60711'",
    lineOf: 'databasez: {',
    field: 'hosts.host-us-east-1.databasez',
    says: ['unknown key', 'did you mean "databases"'],
  },
  {
    name: 'replicas next to autoscaling (the HPA owns the count)',
    file: 'apps/book-shop.ts',
    from: "  autoscaling: { maxReplicas: 6, cpuUtilization: 70 },",
    to: "  replicas: 3,\n  autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 },",
    lineOf: '  replicas: 3,',
    field: 'replicas',
    says: ['is ignored next to autoscaling.minReplicas', 'keep one of them'],
  },
  {
    name: 'overlapping mounts',
    file: 'apps/echo.ts',
    from: "mountPath: '/etc/echo', files:",
    to: "mountPath: '/tmp/echo', files:",
    lineOf: "mountPath: '/tmp/echo'",
    field: 'volumes.templates.mountPath',
    says: ['"/tmp/echo" overlaps "/tmp"', "the app's scratch space"],
  },
  {
    name: 'a cron schedule that does not parse',
    file: 'apps/book-shop.ts',
    from: "schedule: '30 2 * * *'",
    to: "schedule: '30 25 * * *'",
    lineOf: "schedule: '30 25 * * *'",
    field: 'workloads.reindex.schedule',
    says: ['"30 25 * * *"', 'hour field "25": 25 is outside 0-23'],
  },
  {
    name: 'an env override for a workload the app does not have',
    file: 'envs/dev.ts',
    from: "'book-shop': { featureFlags",
    to: "'book-shop': { workloads: { reindx: { suspend: true } }, featureFlags",
    lineOf: 'reindx',
    field: 'apps.book-shop.workloads.reindx',
    says: ['unknown workload "reindx"', "the app's workloads: mailer, reindex"],
  },
  {
    name: 'an unknown ingress.kind in envs/dev.ts',
    file: 'envs/dev.ts',
    from: "ingress: { domain: 'dev.acme.io',",
    to: "ingress: { kind: 'gateways', domain: 'dev.acme.io',",
    lineOf: "kind: 'gateways'",
    field: 'ingress.kind',
    says: ['must be one of ingress, gateway, got "gateways"'],
  },
  {
    name: 'an unknown expose.kind in an env\'s per-app override',
    file: 'envs/prod.ts',
    from: "expose: { kind: 'gateway' },",
    to: "expose: { kind: 'httproute' },",
    lineOf: "expose: { kind: 'httproute' },",
    field: 'apps.book-shop.expose.kind',
    says: ['must be one of ingress, gateway, got "httproute"'],
  },
  {
    name: 'a Gateway listener name that is not one',
    file: 'envs/prod.ts',
    from: "sectionName: 'websecure' }",
    to: "sectionName: 'Web Secure' }",
    lineOf: "sectionName: 'Web Secure'",
    field: 'ingress.gateway.sectionName',
    says: ['"Web Secure" is not allowed', 'allowed: a listener name'],
  },
  {
    name: 'a patch to a path the object does not have',
    file: 'apps/book-shop.ts',
    from: "ops: [{ op: 'add', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 60 }],",
    to: "ops: [{ op: 'replace', path: '/spec/template/spec/priorityClassName', value: 'high' }],",
    lineOf: "path: '/spec/template/spec/priorityClassName'",
    field: 'patches[0].ops[0].path',
    says: ['replace: /spec/template/spec/priorityClassName does not exist', 'in Deployment book-shop of book-shop in dev/us-east-1'],
  },
  {
    name: 'a patch that targets nothing',
    file: 'apps/book-shop.ts',
    from: "target: { kind: 'Deployment', name: 'book-shop' },",
    to: "target: { kind: 'Deployment', name: 'bookshop' },",
    lineOf: "name: 'bookshop'",
    field: 'patches[0].target',
    says: ['matches no object of book-shop in dev/us-east-1', 'no Deployment named "bookshop"', 'book-shop, book-shop-mailer'],
  },
  {
    name: 'a region\'s patch removing what is not there',
    file: 'envs/prod.ts',
    from: "'eu-west-1': { autoscaling: { minReplicas: 2, maxReplicas: 8 } },",
    to: "'eu-west-1': { autoscaling: { minReplicas: 2, maxReplicas: 8 },\n          patches: [{ target: { kind: 'HorizontalPodAutoscaler' }, ops: [{ op: 'remove', path: '/spec/behavior' }] }] },",
    lineOf: "path: '/spec/behavior'",
    field: 'apps.book-shop.regions.eu-west-1.patches[0].ops[0].path',
    says: ['remove: /spec/behavior does not exist', 'HorizontalPodAutoscaler book-shop of book-shop in prod/eu-west-1'],
  },
  {
    name: 'an extra object of a kind the env\'s AppProject does not permit',
    file: 'envs/staging.ts',
    from: "apiVersion: 'networking.k8s.io/v1',\n        kind: 'NetworkPolicy',",
    to: "apiVersion: 'v1',\n        kind: 'ResourceQuota',",
    lineOf: "kind: 'ResourceQuota'",
    field: 'apps.book-shop.extraObjects[0].kind',
    says: ['v1 ResourceQuota is not permitted by AppProject staging', 'the kinds the golden app emits: ConfigMap,', "an app's extra objects do not widen it"],
  },
  {
    name: 'a smoke-test check with an unknown HTTP method',
    file: 'apps/echo.ts',
    from: "smokeTest: { checks: [{ method: 'POST',",
    to: "smokeTest: { checks: [{ method: 'FETCH',",
    lineOf: "method: 'FETCH'",
    field: 'smokeTest.checks[0].method',
    says: ['must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', 'got "FETCH"'],
  },
  {
    name: 'a smoke-test image not pinned by digest',
    file: 'envs/platform.ts',
    from: "smokeTestImage: 'ghcr.io/acme/mirror/curl:8.11.1@sha256:c1fe1679c34d9784c1b0d1e5f62ac0a79fca01fb6377cdd33e90473c6f9f9a69',",
    to: "smokeTestImage: 'ghcr.io/acme/mirror/curl:8.11.1',",
    lineOf: "smokeTestImage: 'ghcr.io/acme/mirror/curl:8.11.1',",
    field: 'smokeTestImage',
    says: ['"ghcr.io/acme/mirror/curl:8.11.1" is not allowed', 'an image pinned by digest'],
  },
  {
    name: 'a misspelled identifier in an app (thrown while loading apps/)',
    file: 'apps/echo.ts',
    from: "team: 'platform',",
    to: 'team: platfrom,',
    lineOf: 'team: platfrom,',
    says: ['platfrom is not defined'],
  },
  {
    name: 'a TypeScript syntax error',
    file: 'envs/prod.ts',
    from: 'spreadAcrossZones: true,\n',
    to: 'spreadAcrossZones: true,,\n',
    lineOf: 'spreadAcrossZones: true,,',
    says: [],
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of the only line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const hits = lines.map((l, i) => (l.includes(needle) ? i + 1 : 0)).filter((n) => n > 0);
  if (hits.length !== 1) throw new Error(`expected "${needle}" on exactly one line, found ${hits.length}`);
  return hits[0];
}

describe.each(CASES)('bad input: $name', (c) => {
  let repo: TempRepo;
  let before: Map<string, string>;
  let line: number;
  let r: CommandResult;

  beforeAll(async () => {
    repo = new TempRepo();
    before = repo.snapshotTree();
    repo.edit(c.file, c.from, c.to);
    line = lineOf(repo.read(c.file), c.lineOf);
    r = await repo.cli('synth', []);
  });
  afterAll(() => repo?.cleanup());

  test('exits 1 with exactly one error line naming the file and line, the field and what is allowed', () => {
    expect(r.code).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toMatch(new RegExp(`^error: ${escape(c.file)}:${line}(:\\d+)?: `));
    if (c.field !== undefined) expect(error).toMatch(new RegExp(`^error: ${escape(c.file)}:${line}: ${escape(c.field)}: \\S`));
    for (const s of c.says) expect(error).toMatch(typeof s === 'string' ? new RegExp(escape(s)) : s);
    // The repo's absolute path is not shown.
    expect(r.stderr).not.toContain(repo.dir);
  });

  test('prints no stack trace and no summary', () => {
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    expect(r.stdout).not.toMatch(/^ {4}at /m);
    expect(r.stdout).not.toMatch(/files: .* written/);
  });

  test('leaves dist/ byte-identical, with no temporary siblings', () => {
    expect(repo.snapshotTree()).toEqual(before);
    expect(fs.readdirSync(repo.dir).filter((n) => n.startsWith('.dist-'))).toEqual([]);
  });
});

test('--check on bad input also exits 1 with one error line (not a stale-file report)', async () => {
  const repo = new TempRepo();
  try {
    repo.edit('envs/prod.ts', 'replicas: 3,', 'replicas: -3,');
    const r = await repo.cli('synth', ['--check']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(new RegExp(`^error: envs/prod\\.ts:${lineOf(repo.read('envs/prod.ts'), 'replicas: -3,')}: profile\\.replicas: `)),
    ]);
    expect(r.stderr).not.toMatch(/stale:|out of date/);
  } finally {
    repo.cleanup();
  }
});
