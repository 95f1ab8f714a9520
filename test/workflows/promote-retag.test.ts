/**
 * promote.yml's registry retag: crane installed pinned and checksum-verified, the Retag step (which
 * changes get a tag, the login, scripts/retag.sh) between the checks and the push, and the Verify
 * step after the push. The steps run as the runner runs them (bash -eo pipefail), with `crane` the
 * fake of test/support/fake-crane.cjs, and stubs for `npm` and `curl`.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FakeRegistry } from '../support/fake-registry';
import { ROOT } from '../support/repo';
import type { Job, Step } from '../support/workflow';


const FILE = path.join(ROOT, '.github', 'workflows', 'promote.yml');
const job = Object.values((parse(fs.readFileSync(FILE, 'utf8')) as { jobs: Record<string, Job> }).jobs)[0];
const step = (id: string): Step => {
  const s = job.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};
const index = (id: string) => job.steps.findIndex((x) => x.id === id);

const IMAGE = 'ghcr.io/acme/echo';
const D = `sha256:${'d'.repeat(64)}`;
const OTHER = `sha256:${'0'.repeat(64)}`;
const BASE = { APPS: 'echo', FROM_ENV: 'staging', TO_ENV: 'prod', TAG: 'v1.3.0', GITHUB_ACTOR: 'octocat', GITHUB_TOKEN: 'ghs_run_token', REGISTRY_USERNAME: '', REGISTRY_PASSWORD: '' };
/** What `release promote --tag v1.3.0 --commit --json` prints (lib/cli/release.ts). */
const promoted = (changes: object[]) => JSON.stringify({ ok: true, changes, notes: [], commit: 'f00d', pushed: false, tries: 0 });
const change = (patch: object = {}) => ({ app: 'echo', env: 'prod', from: { tag: 'v1.2.0', digest: OTHER }, to: { tag: 'v1.3.0', digest: D }, promotedFrom: 'staging', image: IMAGE, ...patch });

interface Run {
  code: number | null;
  stdout: string;
  output: string;
  path: string;
  summary: string;
  temp: (name: string) => string | null;
}

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/**
 * Runs one step's script in a fresh directory (the workspace: `scripts/` of this checkout) with
 * `$RUNNER_TEMP` holding `temp`; `npm` prints $STUB_JSON; `curl -o FILE URL` copies $STUB_ARCHIVE.
 */
function runStep(s: Step, env: Record<string, string>, temp: Record<string, string> = {}, registry?: FakeRegistry): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-retag-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const work = path.join(dir, 'work');
  const runnerTemp = path.join(dir, 'temp');
  const bin = path.join(dir, 'bin');
  for (const d of [work, runnerTemp, bin]) fs.mkdirSync(d);
  fs.symlinkSync(path.join(ROOT, 'scripts'), path.join(work, 'scripts'));
  fs.writeFileSync(path.join(bin, 'npm'), '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$RUNNER_TEMP/npm-args"\nprintf "%s" "$STUB_JSON"\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(bin, 'curl'),
    '#!/usr/bin/env bash\nwhile (( $# )); do case $1 in -o) out=$2; shift 2 ;; -*) shift ;; *) url=$1; shift ;; esac; done\necho "$url" > "$RUNNER_TEMP/curl-url"\ncp "$STUB_ARCHIVE" "$out"\n',
    { mode: 0o755 },
  );
  for (const [name, content] of Object.entries(temp)) fs.writeFileSync(path.join(runnerTemp, name), content);
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_PATH: path.join(dir, 'path'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
  for (const f of Object.values(files)) fs.writeFileSync(f, '');
  const script = path.join(dir, 'script');
  fs.writeFileSync(script, s.run!);
  const reg = registry?.env ?? {};
  const [cmd, args] = s.shell === 'node {0}' ? [process.execPath, [script]] : ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]];
  const r = spawnSync(cmd, args, {
    cwd: work,
    encoding: 'utf8',
    env: { ...reg, PATH: `${bin}:${reg.PATH ?? process.env.PATH}`, HOME: reg.HOME ?? dir, RUNNER_TEMP: runnerTemp, STUB_JSON: '{}', ...files, ...env },
  });
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  return {
    code: r.status,
    stdout: r.stdout + r.stderr,
    output: read(files.GITHUB_OUTPUT),
    path: read(files.GITHUB_PATH),
    summary: read(files.GITHUB_STEP_SUMMARY),
    temp: (name) => (fs.existsSync(path.join(runnerTemp, name)) ? read(path.join(runnerTemp, name)) : null),
  };
}

function registry(tags: Record<string, string> = {}): FakeRegistry {
  const r = new FakeRegistry({ repos: { [IMAGE]: { manifests: [D, OTHER], tags: { '1.3.0-SNAPSHOT-7d2a1b4': D, 'v1.2.0': OTHER, ...tags } } } });
  cleanups.push(() => r.cleanup());
  return r;
}

describe('order and permissions', () => {
  test('commit, checks, install crane, retag, then push, then verify against main', () => {
    const order = ['promote', 'check', 'crane', 'retag', 'push', 'verify'].map(index);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test('install and retag run only after a successful commit (and passed checks: no always()); verify only after a successful push', () => {
    for (const id of ['crane', 'retag']) {
      expect(step(id).if).toContain("steps.promote.outputs.rc == '0'");
      expect(step(id).if).not.toMatch(/always\(\)|failure\(\)/);
    }
    expect(step('crane').if).toContain("env.TAG != ''");
    expect(step('verify').if).toContain("steps.push.outputs.rc == '0'");
    expect(step('verify').if).toContain("steps.retag.outputs.retagged != '0'");
  });

  test('inputs and secrets reach the scripts through env: only; the registry password is a secret, the token this run\'s', () => {
    for (const id of ['crane', 'retag', 'verify']) expect(step(id).run).not.toContain('${{');
    expect(step('retag').env).toEqual({ REGISTRY_USERNAME: '${{ vars.REGISTRY_USERNAME }}', REGISTRY_PASSWORD: '${{ secrets.REGISTRY_PASSWORD }}', GITHUB_TOKEN: '${{ github.token }}' });
    expect(job.env?.TAG).toBe('${{ inputs.tag }}');
    // The password goes to crane on stdin, never as an argument (it would show in the process list).
    expect(step('retag').run).not.toMatch(/crane auth login[^\n]*(-p |--password )/);
    expect(job.permissions?.packages).toBe('write');
  });

  test('crane is pinned: a release version, its archive, and the archive\'s sha256, checked before it is unpacked; no unpinned action', () => {
    const s = step('crane');
    expect(s.uses).toBeUndefined();
    expect(s.env).toEqual({ CRANE_VERSION: expect.stringMatching(/^v\d+\.\d+\.\d+$/), CRANE_ARCHIVE: 'go-containerregistry_Linux_x86_64.tar.gz', CRANE_SHA256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(s.run).toContain('https://github.com/google/go-containerregistry/releases/download/$CRANE_VERSION/$CRANE_ARCHIVE');
    const lines = s.run!.split('\n');
    const check = lines.findIndex((l) => /sha256sum --check/.test(l));
    const untar = lines.findIndex((l) => /^tar /.test(l));
    expect(check).toBeGreaterThan(0);
    expect(untar).toBeGreaterThan(check);
  });
});

describe('Install crane', () => {
  const s = step('crane');
  /** A .tar.gz holding an executable `crane` that prints a version. */
  function archive(): { file: string; sha256: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crane-archive-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'crane'), '#!/bin/sh\necho v0.21.9\n', { mode: 0o755 });
    const file = path.join(dir, 'crane.tar.gz');
    expect(spawnSync('tar', ['-czf', file, '-C', dir, 'crane']).status).toBe(0);
    return { file, sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') };
  }

  test('an archive whose sha256 is not the pinned one is refused: nothing unpacked, nothing on PATH', () => {
    const a = archive();
    const r = runStep(s, { ...BASE, ...s.env, STUB_ARCHIVE: a.file });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/FAILED/);
    expect(r.path).toBe('');
    expect(r.temp('curl-url')).toBe(`https://github.com/google/go-containerregistry/releases/download/${s.env!.CRANE_VERSION}/go-containerregistry_Linux_x86_64.tar.gz\n`);
  });

  test('the archive with the pinned sha256 is unpacked and crane put on PATH', () => {
    const a = archive();
    const r = runStep(s, { ...BASE, ...s.env, CRANE_SHA256: a.sha256, STUB_ARCHIVE: a.file });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('v0.21.9');
    expect(r.path).toMatch(/\/temp\/crane\n$/);
  });
});

describe('Retag in the registry', () => {
  const s = step('retag');

  test('a promotion with a new tag: login to ghcr.io with the run\'s token, tag, read back; the summary file records it', () => {
    const reg = registry();
    const r = runStep(s, BASE, { 'release.json': promoted([change()]) }, reg);
    expect(r.code).toBe(0);
    expect(reg.repos()[IMAGE].tags['v1.3.0']).toBe(D);
    expect(reg.read().calls[0]).toEqual(['auth', 'login', 'ghcr.io', '-u', 'octocat', '--password-stdin']);
    expect(reg.commands().slice(1)).toEqual(['digest', 'ls', 'tag', 'digest']);
    expect(r.temp('retag.txt')).toBe(`retag: ${IMAGE}:v1.3.0 -> ${D} (tagged, verified)\n`);
    expect(r.output).toContain('retagged=1');
  });

  test('the tag already at the digest (a re-run): a no-op that passes', () => {
    const reg = registry({ 'v1.3.0': D });
    const r = runStep(s, BASE, { 'release.json': promoted([change()]) }, reg);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('already points at');
    expect(reg.commands()).not.toContain('tag');
  });

  test('the tag taken by another digest: the run fails with one error naming both, nothing tagged (so nothing is pushed)', () => {
    const reg = registry({ 'v1.3.0': OTHER });
    const r = runStep(s, BASE, { 'release.json': promoted([change()]) }, reg);
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([
      `::error title=Retag refused, nothing pushed::echo: retag: refused: ${IMAGE}:v1.3.0 already points at ${OTHER}, not the promoted ${D}: a release tag is immutable; release this digest under a new tag (nothing was changed)`,
    ]);
    expect(reg.repos()[IMAGE].tags['v1.3.0']).toBe(OTHER);
    expect(reg.commands()).not.toContain('tag');
  });

  test('region by region: the changes of one digest under one tag are retagged once', () => {
    const reg = registry();
    const changes = [change({ region: 'us-east-1' }), change({ region: 'eu-west-1' })];
    const r = runStep(s, BASE, { 'release.json': promoted(changes) }, reg);
    expect(r.code).toBe(0);
    expect(reg.commands().filter((c) => c === 'tag')).toHaveLength(1);
    expect(r.output).toContain('retagged=1');
  });

  test('no tag input, or nothing promoted: no registry call at all', () => {
    const reg = registry();
    const untagged = runStep(s, { ...BASE, TAG: '' }, { 'release.json': promoted([change({ env: 'staging', to: { tag: '1.3.0-SNAPSHOT-7d2a1b4', digest: D } })]) }, reg);
    expect(untagged.code).toBe(0);
    expect(untagged.stdout).toContain('nothing to retag');
    const nothing = runStep(s, BASE, { 'release.json': promoted([]) }, reg);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('Nothing promoted; nothing to retag.');
    expect(reg.read().calls).toEqual([]);
    expect(nothing.output).toContain('retagged=0');
  });

  test('REGISTRY_PASSWORD, when set, is the login (with REGISTRY_USERNAME); a change without an image repository fails', () => {
    const reg = registry();
    const r = runStep(s, { ...BASE, REGISTRY_USERNAME: 'release-bot', REGISTRY_PASSWORD: 'pat' }, { 'release.json': promoted([change()]) }, reg);
    expect(r.code).toBe(0);
    expect(reg.read().calls[0]).toEqual(['auth', 'login', 'ghcr.io', '-u', 'release-bot', '--password-stdin']);
    const bad = runStep(s, BASE, { 'release.json': promoted([change({ image: undefined })]) }, registry());
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toContain('echo prod: the --json output names no image repository or digest');
  });

  test('another registry without REGISTRY_PASSWORD: no login, a notice, crane uses the runner\'s docker config', () => {
    const ecr = '123456789012.dkr.ecr.us-east-1.amazonaws.com/echo';
    const reg = new FakeRegistry({ repos: { [ecr]: { manifests: [D], tags: {} } } });
    cleanups.push(() => reg.cleanup());
    const r = runStep(s, BASE, { 'release.json': promoted([change({ image: ecr })]) }, reg);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::notice title=No registry credentials::no REGISTRY_PASSWORD for 123456789012.dkr.ecr.us-east-1.amazonaws.com');
    expect(reg.commands()).not.toContain('auth');
    expect(reg.repos()[ecr].tags['v1.3.0']).toBe(D);
  });
});

describe('Verify the release tag against main', () => {
  const s = step('verify');
  const list = `echo ${IMAGE} ${D} v1.3.0\n`;
  const status = (digest: string) => JSON.stringify([
    { app: 'echo', env: 'staging', region: 'us-east-1', tag: '1.4.0-SNAPSHOT-0a1b2c3', digest: OTHER },
    { app: 'echo', env: 'prod', region: 'us-east-1', tag: 'v1.3.0', digest },
    { app: 'echo', env: 'prod', region: 'eu-west-1', tag: 'v1.2.0', digest: OTHER },
  ]);

  test('main gives the tag the digest the registry has: passes, a no-op', () => {
    const reg = registry({ 'v1.3.0': D });
    const r = runStep(s, { ...BASE, STUB_JSON: status(D) }, { 'retag.list': list }, reg);
    expect(r.code).toBe(0);
    expect(r.temp('npm-args')).toBe('run\n-s\nrelease\n--\nstatus\n--json\n');
    expect(reg.commands()).toEqual(['digest']);
  });

  test('the push re-applied the promotion on a main where staging had moved: fails loudly, says how to recover', () => {
    const reg = registry({ 'v1.3.0': D });
    const r = runStep(s, { ...BASE, STUB_JSON: status(OTHER) }, { 'retag.list': list }, reg);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`::error title=Release tag and main disagree::main gives echo prod v1.3.0@${OTHER}: retag: refused: ${IMAGE}:v1.3.0 already points at ${D}, not the promoted ${OTHER}`);
    expect(r.stdout).toContain('npm run release -- rollback echo prod');
    expect(reg.repos()[IMAGE].tags['v1.3.0']).toBe(D);
  });
});

test('the summary says when the retag refused (nothing pushed), and lists what the registry step did', () => {
  const s = job.steps.find((x) => x.name === 'Summary')!;
  const env = { ...BASE, RC: '0', CHECK: 'success', GIT_AUTHOR_NAME: 'octocat' };
  const refused = runStep(s, { ...env, RETAG: 'failure' }, { 'release.json': promoted([change()]), 'retag.txt': 'retag: refused: ghcr.io/acme/echo:v1.3.0 already points at sha256:000…\n' });
  expect(refused.summary).toContain('## promote staging -> prod: registry retag refused: not pushed');
  expect(refused.summary).toContain('Registry: retag: refused: ghcr.io/acme/echo:v1.3.0 already points at');
  const done = runStep(s, { ...env, RETAG: 'success', PUSH_RC: '0', VERIFY: 'success' }, { 'release.json': promoted([change()]), 'retag.txt': `retag: ${IMAGE}:v1.3.0 -> ${D} (tagged, verified)\n`, 'push.json': '{"commit":"abc","pushed":true,"tries":1}' });
  expect(done.summary).toContain(': done');
  expect(done.summary).toContain(`Registry: retag: ${IMAGE}:v1.3.0 -> ${D} (tagged, verified)`);
  expect(runStep(s, { ...env, RETAG: 'success', PUSH_RC: '0', VERIFY: 'failure' }, { 'release.json': promoted([change()]) }).summary).toContain('pushed, but main and the registry disagree on the release tag');
});
