/**
 * A fake `crane` (go-containerregistry's CLI) for the retag tests: the registry is a JSON file,
 * $FAKE_REGISTRY, and only what scripts/retag.sh uses is implemented, with crane's exit codes and
 * error shapes (`Error: ...` on stderr, exit 1):
 *
 *   crane digest IMAGE:TAG | IMAGE@DIGEST   prints the digest
 *   crane ls IMAGE                          prints the tags, one a line
 *   crane tag IMAGE@DIGEST TAG              points TAG at DIGEST (overwrites, as a registry does)
 *   crane auth login HOST -u USER --password-stdin
 *
 * State: { repos: { "<image>": { manifests: ["sha256:..."], tags: { "<tag>": "sha256:..." } } },
 *          fail?: { "<command>": "<message>" }   // that command fails (e.g. UNAUTHORIZED)
 *          tagWrites?: "sha256:..."              // `tag` writes this digest instead (another writer won)
 *          calls: [["digest", "..."], ...] }     // every call, appended
 */
'use strict';
const fs = require('node:fs');

const file = process.env.FAKE_REGISTRY;
if (!file) {
  process.stderr.write('fake crane: FAKE_REGISTRY is not set\n');
  process.exit(99);
}
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
state.calls = [...(state.calls ?? []), args];
const save = () => fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
const fail = (message) => {
  save();
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
};

/** `ghcr.io/acme/echo:v1` -> { repo, tag }; `ghcr.io/acme/echo@sha256:...` -> { repo, digest }. */
function parse(ref) {
  const at = ref.indexOf('@');
  if (at >= 0) return { repo: ref.slice(0, at), digest: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { repo: ref, tag: 'latest' };
}
const host = (repo) => repo.split('/')[0];
const path = (repo) => repo.split('/').slice(1).join('/');
function repoOf(name) {
  const r = state.repos?.[name];
  if (!r) fail(`GET https://${host(name)}/v2/${path(name)}/tags/list: NAME_UNKNOWN: repository name not known to registry`);
  return r;
}

const [command, ...rest] = args;
if (state.fail?.[command]) fail(state.fail[command]);
switch (command) {
  case 'digest': {
    const ref = parse(rest[0]);
    const repo = repoOf(ref.repo);
    const digest = ref.digest ?? repo.tags[ref.tag];
    if (!digest || !repo.manifests.includes(digest)) {
      fail(`GET https://${host(ref.repo)}/v2/${path(ref.repo)}/manifests/${ref.tag ?? ref.digest}: MANIFEST_UNKNOWN: manifest unknown; map[Tag:${ref.tag ?? ''}]`);
    }
    process.stdout.write(`${digest}\n`);
    break;
  }
  case 'ls':
    process.stdout.write(Object.keys(repoOf(rest[0]).tags).map((t) => `${t}\n`).join(''));
    break;
  case 'tag': {
    const ref = parse(rest[0]);
    const repo = repoOf(ref.repo);
    const digest = ref.digest ?? repo.tags[ref.tag];
    if (!digest || !repo.manifests.includes(digest)) fail(`HEAD https://${host(ref.repo)}/v2/${path(ref.repo)}/manifests/${ref.digest ?? ref.tag}: MANIFEST_UNKNOWN: manifest unknown`);
    repo.tags[rest[1]] = state.tagWrites ?? digest;
    process.stderr.write(`${ref.repo}:${rest[1]}: digest: ${digest} size: 1234\n`);
    break;
  }
  case 'auth':
    if (rest[0] !== 'login') fail(`unknown command "auth ${rest[0]}"`);
    fs.readFileSync(0); // the password, from stdin
    process.stderr.write(`logged in via ${process.env.HOME}/.docker/config.json\n`);
    break;
  case 'version':
    process.stdout.write('v0.21.9\n');
    break;
  default:
    fail(`unknown command "${command}" for "crane"`);
}
save();
