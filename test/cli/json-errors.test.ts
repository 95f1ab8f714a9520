/**
 * `--json` on failure: every command that takes `--json` (release, seal; validate's `--format json`)
 * prints exactly one `{ ok: false, exit, error: { message, file, line, field } }` object on stdout
 * when it refuses (exit 3), fails (exit 1) or is misused (exit 2), built from the error's data; the
 * human line stays on stderr. In-process, on temp directories and inline registries.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { TextSink, wantsJson } from '../../lib/cli/command';
import { describeError, UsageError } from '../../lib/cli/errors';
import { releaseCommand } from '../../lib/cli/release';
import { sealCommand } from '../../lib/cli/seal';
import { validateCommand } from '../../lib/cli/validate';
import { DataFileError } from '../../lib/datafile';
import { defineApp, registerApps } from '../../lib/model';
import { ReleaseError } from '../../lib/release';
import { app, envsFor, platform } from '../support/fixtures';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The one JSON failure object of a run (fails when stdout is anything else), with the run's exit code and stderr checked. */
function failure(r: Run, exit: number): { message: string; file: string | null; line: number | null; field: string | null } {
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: exit, stderr: expect.stringMatching(/^(error|refused): .+\n$/) });
  const parsed = JSON.parse(r.stdout) as { ok: boolean; exit: number; error: Record<string, unknown> };
  expect(Object.keys(parsed)).toEqual(['ok', 'exit', 'error']);
  expect(parsed.ok).toBe(false);
  expect(parsed.exit).toBe(exit);
  expect(Object.keys(parsed.error)).toEqual(['message', 'file', 'line', 'field']);
  // The human line is the same message, with its label.
  expect(r.stderr.replace(/^(error|refused): /, '').trim()).toBe(parsed.error.message);
  return parsed.error as never;
}

/** Paths in messages: relative inside the working directory (the repository), absolute elsewhere (the temp dirs). */
const rel = (p: string) => (p.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), p) : p);

const apps = registerApps(app('echo'), app('book-shop'));
const envs = envsFor(apps);

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-json-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------

describe('release --json', () => {
  const RELEASES = [
    'export const releases = {',
    '  echo: {',
    "    dev: { tag: 'abcdef0', hold: { reason: 'incident 7', by: 'alice', since: '2025-01-02' } },",
    '  },',
    "  'book-shop': { dev: { tag: 'abcdef0' } },",
    '};',
    '',
  ].join('\n');

  async function release(...argv: string[]): Promise<Run & { releases: string }> {
    fs.mkdirSync(path.join(tmp, 'envs'), { recursive: true });
    if (!fs.existsSync(path.join(tmp, 'envs', 'releases.ts'))) fs.writeFileSync(path.join(tmp, 'envs', 'releases.ts'), RELEASES);
    const out = new TextSink();
    const err = new TextSink();
    const code = await releaseCommand(argv, () => ({ platform, apps, envs }), { out, err, cwd: tmp });
    return { code, stdout: out.text, stderr: err.text, releases: fs.readFileSync(path.join(tmp, 'envs', 'releases.ts'), 'utf8') };
  }

  test('refused (held, exit 3): the hold\'s file, line and field', async () => {
    const r = await release('bump', 'echo', 'dev', '--tag', 'abcdef1', '--json');
    expect(r.stderr).toMatch(/^refused: /);
    expect(failure(r, 3)).toEqual({
      message: expect.stringContaining('echo is held in dev: "incident 7"'), file: 'envs/releases.ts', line: 3, field: 'echo.dev.hold',
    });
    expect(r.releases).toBe(RELEASES);
  });

  test('failure (a tag the env refuses, exit 1): file, field and the line of the entry', async () => {
    const r = await release('bump', 'echo', 'prod', '--tag', 'latest', '--json');
    const e = failure(r, 1);
    expect(e).toMatchObject({ file: 'envs/releases.ts', field: 'echo.prod.tag', line: 2 });
    expect(e.message).toMatch(/^envs\/releases\.ts:2: echo\.prod\.tag: .*latest/);
  });

  test('a file that does not parse (exit 1): its line, from the data-file reader', async () => {
    fs.mkdirSync(path.join(tmp, 'envs'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'envs', 'releases.ts'), 'export const releases = {\n  echo: {\n    dev: tagOf(),\n  },\n};\n');
    const r = await release('status', '--json');
    expect(failure(r, 1)).toMatchObject({ file: 'envs/releases.ts', line: 3 });
  });

  test('usage errors (exit 2): the command\'s own and commander\'s', async () => {
    const own = await release('bump', 'echo', '--json');
    expect(failure(own, 2)).toEqual({ message: expect.stringContaining('bump needs <app> <env> --tag T'), file: null, line: null, field: null });
    const unknown = await release('bump', 'echo', 'dev', '--json', '--bogus');
    expect(failure(unknown, 2)).toEqual({ message: "unknown option '--bogus'", file: null, line: null, field: null });
    const missing = await release('promote', 'echo', '--to', 'prod', '--json');
    expect(failure(missing, 2).message).toMatch(/required option '--from <env>' not specified/);
  });

  test('without --json stdout stays empty on failure; success objects say ok: true', async () => {
    const r = await release('bump', 'echo', 'prod', '--tag', 'latest');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    const unchanged = await release('bump', 'book-shop', 'dev', '--tag', 'abcdef0', '--json');
    expect(unchanged.code).toBe(0);
    expect(JSON.parse(unchanged.stdout)).toMatchObject({ ok: true, changes: [] });
  });
});

// ---------------------------------------------------------------------------------------------

describe('seal --json', () => {
  const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sealed-secrets');

  async function seal(argv: string[], setup: { cert?: string; secrets?: string } = {}): Promise<Run> {
    const certsDir = path.join(tmp, 'certs');
    const secretsFile = path.join(tmp, 'secrets.ts');
    fs.mkdirSync(certsDir, { recursive: true });
    if (setup.cert) fs.writeFileSync(path.join(certsDir, 'dev-us-east-1.pem'), setup.cert);
    fs.writeFileSync(secretsFile, setup.secrets ?? 'export const secrets = {};\n');
    const out = new TextSink();
    const err = new TextSink();
    const stdin = Object.assign(Readable.from([Buffer.from('s3cret')]), { isTTY: false });
    const code = await sealCommand(argv, () => ({ apps, envs }), { out, err, stdin, now: new Date('2026-01-01T00:00:00Z') }, { secretsFile, certsDir, dist: 'dist' });
    return { code, stdout: out.text, stderr: err.text };
  }
  const cert = () => fs.readFileSync(path.join(FIXTURES, 'TEST-ONLY-fixture-tls.crt'), 'utf8');

  test('bad arguments (exit 1): the option as field', async () => {
    expect(failure(await seal(['echo', 'dev', 'KEY', '--region', 'mars', '--json']), 1)).toEqual({
      message: '--region: unknown region "mars" of dev (allowed: us-east-1)', file: null, line: null, field: '--region',
    });
    expect(failure(await seal(['echo', 'qa', 'KEY', '--json']), 1).message).toMatch(/^unknown environment "qa"/);
  });

  test('a missing certificate (exit 1) names its file', async () => {
    const e = failure(await seal(['echo', 'dev', 'KEY', '--json']), 1);
    expect(e).toMatchObject({ file: rel(path.join(tmp, 'certs', 'dev-us-east-1.pem')), field: null, line: null });
    expect(e.message).toContain('kubeseal --fetch-cert');
  });

  test('a private key instead of a certificate (SealError, exit 1) names the file', async () => {
    const key = fs.readFileSync(path.join(FIXTURES, 'TEST-ONLY-fixture-tls.key'), 'utf8');
    const e = failure(await seal(['echo', 'dev', 'KEY', '--json'], { cert: key }), 1);
    expect(e).toMatchObject({ file: rel(path.join(tmp, 'certs', 'dev-us-east-1.pem')), line: null, field: null });
    expect(e.message).toMatch(/private key/);
  });

  test('a secrets file the editor cannot read (DataFileError, exit 1): file and line', async () => {
    const e = failure(await seal(['echo', 'dev', 'KEY', '--json'], { cert: cert(), secrets: 'export const secrets = {\n  echo: sealedElsewhere(),\n};\n' }), 1);
    expect(e).toMatchObject({ file: rel(path.join(tmp, 'secrets.ts')), line: 2 });
  });

  test('commander usage error (exit 2)', async () => {
    expect(failure(await seal(['echo', 'dev', 'KEY', '--json', '--scope']), 2).message).toMatch(/option '--scope <scope>' argument missing/);
  });

  test('success: one object with ok: true and what was sealed', async () => {
    const r = await seal(['echo', 'dev', 'KEY', '--json'], { cert: cert() });
    // stdout is the one JSON object; echo declares no secrets, so the warning goes to stderr.
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^warning: KEY is not one of echo's secrets \(none\)/) });
    expect(JSON.parse(r.stdout)).toEqual({
      ok: true, sealed: { app: 'echo', env: 'dev', key: 'KEY', regions: ['us-east-1'], scope: 'strict', bytes: 6 }, file: path.join(tmp, 'secrets.ts'),
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('validate --format json', () => {
  async function validate(argv: string[], load = () => ({ platform, envs, apps })): Promise<Run> {
    const out = new TextSink();
    const err = new TextSink();
    const code = await validateCommand(argv, load, out as never, err as never);
    return { code, stdout: out.text, stderr: err.text };
  }

  test('an input that does not exist (exit 1): the path as file', async () => {
    const dir = path.join(tmp, 'nope');
    expect(failure(await validate([dir, '--format', 'json']), 1)).toEqual({
      message: `${rel(dir)}: no such file or directory; expected a directory of YAML, a YAML file, or - for standard input`, file: rel(dir), line: null, field: null,
    });
  });

  test('an unknown rule for --explain (exit 1); an unknown option (exit 2)', async () => {
    expect(failure(await validate(['--format=json', '--explain', 'no/such-rule']), 1)).toMatchObject({ field: '--explain', file: null });
    expect(failure(await validate(['--format', 'json', '--bogus']), 2).message).toBe("unknown option '--bogus'");
  });

  test('bad input while loading the repository (exit 1): the defining file, the line and the field', async () => {
    const badApp = () => defineApp({ name: 'echo', team: 't', image: 'ghcr.io/x/echo', port: 8080, health: { liveness: '/l', readiness: '/r' },
      replica: 2 } as never); // ^ the line located below
    const line = fs.readFileSync(__filename, 'utf8').split('\n').findIndex((l) => /^\s+replica: 2 \}/.test(l)) + 1;
    const r = await validate([tmp, '--format', 'json'], () => {
      badApp();
      return { platform, envs, apps };
    });
    expect(failure(r, 1)).toMatchObject({ file: rel(__filename), line, field: 'replica' });
  });

  test('error findings (exit 1): the report is the failure object, with the findings', async () => {
    fs.writeFileSync(path.join(tmp, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\nstringData:\n  password: hunter2\n');
    const r = await validate([tmp, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, exit: 1, error: { message: expect.stringMatching(/: \d+ error\(s\)$/), file: null, line: null, field: null } });
    expect(report.findings).toContainEqual(expect.objectContaining({ rule: 'secrets/no-plaintext', file: 'secret.yaml' }));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the pieces', () => {
  test('wantsJson: --json, --format json, --format=json, not after --', () => {
    expect(wantsJson(['bump', '--json'])).toBe(true);
    expect(wantsJson(['--format', 'json'])).toBe(true);
    expect(wantsJson(['--format=json'])).toBe(true);
    expect(wantsJson(['--format', 'human'])).toBe(false);
    expect(wantsJson(['--', '--json'])).toBe(false);
  });

  test('describeError reads the errors\' fields, not their messages', () => {
    const cwd = path.join(os.tmpdir(), 'repo');
    expect(describeError(new DataFileError('envs/secrets.ts', 4, 'a call is not allowed', 'echo.dev'), cwd))
      .toEqual({ message: 'envs/secrets.ts:4: echo.dev: a call is not allowed', file: 'envs/secrets.ts', line: 4, field: 'echo.dev' });
    expect(describeError(new ReleaseError('no-history', 'envs/releases.ts@abc1234', 'echo.prod', 'nothing to roll back to'), cwd))
      .toEqual({ message: 'envs/releases.ts@abc1234: echo.prod: nothing to roll back to', file: 'envs/releases.ts@abc1234', line: null, field: 'echo.prod' });
    expect(describeError(new UsageError('no such file', { file: path.join(cwd, 'v.txt'), field: '--from-file' }), cwd))
      .toEqual({ message: 'v.txt: --from-file: no such file', file: 'v.txt', line: null, field: '--from-file' });
    // esbuild's transform failure carries its location as data.
    const syntax = Object.assign(new Error('Transform failed with 1 error'), { errors: [{ text: 'Unexpected ";"', location: { file: path.join(cwd, 'apps', 'x.ts'), line: 8, column: 12 } }] });
    expect(describeError(syntax, cwd)).toEqual({ message: 'apps/x.ts:8:12: syntax error: Unexpected ";"', file: 'apps/x.ts', line: 8, field: null });
    expect(describeError(new Error('boom\nmore'), cwd)).toEqual({ message: 'boom', file: null, line: null, field: null });
  });
});
