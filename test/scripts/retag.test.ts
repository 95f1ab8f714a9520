/**
 * scripts/retag.sh, the registry step of promote.yml, run for real against a fake registry: a fake
 * `crane` first on PATH (test/support/fake-crane.cjs) whose registry is a JSON file.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { FakeRegistry, RegistryState } from '../support/fake-registry';
import { ROOT } from '../support/repo';

const SCRIPT = path.join(ROOT, 'scripts', 'retag.sh');
const IMAGE = 'ghcr.io/acme/echo';
const D = `sha256:${'d'.repeat(64)}`; // the promoted digest
const OTHER = `sha256:${'0'.repeat(64)}`;
const OLD = `sha256:${'1'.repeat(64)}`;

const registries: FakeRegistry[] = [];
afterAll(() => registries.forEach((r) => r.cleanup()));

/** A registry where echo holds D (as 1.3.0-SNAPSHOT-7d2a1b4), OTHER and OLD (as v1.2.0), plus `patch`. */
function registry(patch: Partial<RegistryState> = {}, tags: Record<string, string> = {}): FakeRegistry {
  const r = new FakeRegistry({
    repos: { [IMAGE]: { manifests: [D, OTHER, OLD], tags: { '1.3.0-SNAPSHOT-7d2a1b4': D, 'v1.2.0': OLD, ...tags } } },
    ...patch,
  });
  registries.push(r);
  return r;
}

function retag(reg: FakeRegistry, ...args: string[]) {
  const r = spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8', env: { ...reg.env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, errLines: r.stderr.trim().split('\n').filter(Boolean) };
}

test('a new tag: the digest is tagged, read back, and the run says so', () => {
  const reg = registry();
  const r = retag(reg, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`retag: ${IMAGE}:v1.3.0 -> ${D} (tagged, verified)\n`);
  expect(reg.repos()[IMAGE].tags['v1.3.0']).toBe(D);
  // Read (missing), list (really missing), tag by digest, read back.
  expect(reg.read().calls).toEqual([['digest', `${IMAGE}:v1.3.0`], ['ls', IMAGE], ['tag', `${IMAGE}@${D}`, 'v1.3.0'], ['digest', `${IMAGE}:v1.3.0`]]);
});

test('the tag already points at the digest: nothing is done (idempotent), and it says so', () => {
  const reg = registry({}, { 'v1.3.0': D });
  const before = reg.repos();
  const r = retag(reg, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`retag: ${IMAGE}:v1.3.0 already points at ${D}; nothing to do\n`);
  expect(reg.commands()).toEqual(['digest']);
  expect(reg.repos()).toEqual(before);
  // And the run after a successful tag is the same no-op.
  const fresh = registry();
  expect(retag(fresh, IMAGE, D, 'v1.3.0').code).toBe(0);
  expect(retag(fresh, IMAGE, D, 'v1.3.0').stdout).toContain('nothing to do');
});

test('the tag is taken by another digest: refused in one line naming both digests; nothing changes', () => {
  const reg = registry({}, { 'v1.3.0': OTHER });
  const before = reg.repos();
  const r = retag(reg, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.errLines).toEqual([
    `retag: refused: ${IMAGE}:v1.3.0 already points at ${OTHER}, not the promoted ${D}: a release tag is immutable; release this digest under a new tag (nothing was changed)`,
  ]);
  expect(reg.commands()).toEqual(['digest']);
  expect(reg.repos()).toEqual(before);
});

test('the tag read back after tagging is another digest (another writer): refused, naming both', () => {
  const reg = registry({ tagWrites: OTHER });
  const r = retag(reg, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(1);
  expect(r.errLines).toEqual([`retag: refused: after tagging, ${IMAGE}:v1.3.0 points at ${OTHER}, not the promoted ${D} (another writer?); not releasing it`]);
  expect(reg.commands()).toEqual(['digest', 'ls', 'tag', 'digest']);
});

test('a registry that cannot be read is a refusal, never a reason to tag', () => {
  // Reads fail (no login): the tag list cannot tell "missing", so nothing is tagged.
  const reg = registry({ fail: { digest: 'GET https://ghcr.io/token: UNAUTHORIZED: authentication required', ls: 'GET https://ghcr.io/token: UNAUTHORIZED: authentication required' } });
  const r = retag(reg, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(1);
  expect(r.errLines).toEqual([`retag: refused: cannot read the tags of ${IMAGE} (GET https://ghcr.io/token: UNAUTHORIZED: authentication required); check the registry login and its permissions (nothing was changed)`]);
  expect(reg.commands()).not.toContain('tag');
  // The tag is listed but its manifest cannot be read: not tagged over.
  const listed = registry({ fail: { digest: 'GET https://ghcr.io/v2/acme/echo/manifests/v1.3.0: unexpected status code 500' } }, { 'v1.3.0': OTHER });
  const l = retag(listed, IMAGE, D, 'v1.3.0');
  expect(l.code).toBe(1);
  expect(l.errLines).toEqual([`retag: refused: ${IMAGE}:v1.3.0 exists but its digest cannot be read (GET https://ghcr.io/v2/acme/echo/manifests/v1.3.0: unexpected status code 500); not tagging over it`]);
  expect(listed.commands()).toEqual(['digest', 'ls']);
});

test('tagging fails (no push rights, or the digest is not in the repository): refused with crane\'s reason', () => {
  const denied = registry({ fail: { tag: 'PUT https://ghcr.io/v2/acme/echo/manifests/v1.3.0: DENIED: permission_denied: write_package' } });
  const r = retag(denied, IMAGE, D, 'v1.3.0');
  expect(r.code).toBe(1);
  expect(r.errLines).toHaveLength(1);
  expect(r.errLines[0]).toBe(`retag: refused: could not tag ${IMAGE}@${D} as v1.3.0 (PUT https://ghcr.io/v2/acme/echo/manifests/v1.3.0: DENIED: permission_denied: write_package); the login needs push rights (GHCR: packages: write and write access to the package)`);
  const unknown = registry();
  const u = retag(unknown, IMAGE, `sha256:${'e'.repeat(64)}`, 'v1.3.0');
  expect(u.code).toBe(1);
  expect(u.errLines[0]).toMatch(/^retag: refused: could not tag .* \(HEAD .*MANIFEST_UNKNOWN: manifest unknown\)/);
  expect(unknown.repos()[IMAGE].tags['v1.3.0']).toBeUndefined();
});

test.each([
  ['a tag in IMAGE', [`${IMAGE}:v1`, D, 'v1.3.0'], 'IMAGE must be a repository without tag or digest'],
  ['a short digest', [IMAGE, 'sha256:abc', 'v1.3.0'], 'DIGEST must be sha256:<64 hex>'],
  ['a tag with a space', [IMAGE, D, 'v1.3.0; rm -rf /'], 'TAG is not a valid tag'],
  ['two arguments', [IMAGE, D], 'expected 3 arguments, got 2'],
])('usage: %s exits 2 before any registry call', (_what, args, message) => {
  const reg = registry();
  const r = retag(reg, ...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
  expect(reg.commands()).toEqual([]);
});
