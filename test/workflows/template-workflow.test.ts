/**
 * The application template's CI workflow (templates/python-service/.github/workflows/build.yml), held to the same
 * rules as this repository's workflows (workflows.test.ts): schema-valid under action-validator, actions pinned by
 * commit SHA with the tag in a comment, least-privilege permissions, values reaching scripts only through env:. Then
 * its scripts, run here as the runner runs them with `docker`, `gh` stubbed: the tags, the digest check, and the
 * release dispatch, whose payload must pass this repository's release.yml request check.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { readTemplate, readTree } from '../../lib/cli/template-files';
import { tagViolation } from '../../lib/model/tag-policy';
import { renderTemplate } from '../../lib/template';
import { envs } from '../fixtures/example/envs';
import { ROOT } from '../support/repo';
import { actionValidator } from '../support/workflow';
import type { Step, Workflow } from '../support/workflow';

const WORKFLOW = '.github/workflows/build.yml';


/**
 * The actions the template uses, each at the commit its release tag points to. Checked against the actions'
 * repositories (`git rev-parse <tag>^{commit}` in a clone of each); actions/checkout is the commit this repository's
 * own workflows pin.
 */
const PINS: Record<string, [string, string]> = {
  'actions/checkout': ['11d5960a326750d5838078e36cf38b85af677262', 'v4.4.0'],
  'actions/setup-python': ['5fda3b95a4ea91299a34e894583c3862153e4b97', 'v7.0.0'],
  'docker/setup-buildx-action': ['37fe631027851001ddb9b187196cc803df7f5f0e', 'v4.3.0'],
  'docker/login-action': ['4907a6ddec9925e35a0a9e82d7399ccc52663121', 'v4.1.0'],
  'docker/build-push-action': ['53b7df96c91f9c12dcc8a07bcb9ccacbed38856a', 'v7.3.0'],
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'template-workflow-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Another app on another registry: what the placeholders become must stay valid too. */
const other = path.join(tmp, 'other-build.yml');
fs.writeFileSync(other, renderTemplate(readTemplate('python-service'), { name: 'book-shop', image: 'registry.example.com:5000/shop/book-shop', port: 9000, gitopsRepository: 'acme-corp/gitops.live' }).get(WORKFLOW)!);

const FILES: Record<string, string> = {
  'the template (placeholders unfilled)': path.join(ROOT, 'templates', 'python-service', WORKFLOW),
  'examples/echo': path.join(ROOT, 'examples', 'echo', WORKFLOW),
  'a generation for book-shop on another registry': other,
};
const text = (file: string) => fs.readFileSync(file, 'utf8');
const load = (file: string) => parse(text(file)) as Workflow;
const echo = load(FILES['examples/echo']);

describe.each(Object.entries(FILES))('%s', (_what, file) => {
  test('passes action-validator', () => {
    // In-process (test/support/workflow.ts); workflows.test.ts checks it against the CLI on a broken workflow.
    expect(actionValidator(file)).toEqual({ status: 0, errors: '' });
  });

  test('no ${{ }} expression inside a run: script (values go through env:)', () => {
    const offenders = Object.entries(load(file).jobs).flatMap(([id, job]) => job.steps.filter((s) => s.run?.includes('${{')).map((s) => `${id}: ${s.name ?? s.run}`));
    expect(offenders).toEqual([]);
  });

  test('actions pinned by commit SHA with the tag in a comment, at the verified commits', () => {
    const uses = text(file).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l)).map((l) => l.trim().replace(/^-\s*/, ''));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) {
      expect(l).toMatch(/^uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
      const [, action, sha, tag] = /^uses: (\S+)@(\S+) # (\S+)$/.exec(l)!;
      expect({ action, pin: [sha, tag] }).toEqual({ action, pin: PINS[action] });
    }
  });

  test('least privilege: read-only by default, packages: write only where the image is pushed, nothing for the dispatch', () => {
    const w = load(file);
    expect(w.permissions).toEqual({ contents: 'read' });
    expect(w.jobs.test.permissions).toBeUndefined();
    expect(w.jobs.image.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(w.jobs.release.permissions).toEqual({});
    for (const job of Object.values(w.jobs)) {
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
    }
  });

  test('triggers: push and pull_request only (never pull_request_target: no secrets for code from forks)', () => {
    expect(Object.keys(load(file).on).sort()).toEqual(['pull_request', 'push']);
  });
});

test('the checkout pin is the one this repository\'s workflows use', () => {
  const dir = path.join(ROOT, '.github', 'workflows');
  for (const f of fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x))) {
    for (const m of text(path.join(dir, f)).matchAll(/uses: (actions\/checkout)@([0-9a-f]{40}) # (\S+)/g)) expect([m[2], m[3]]).toEqual(PINS[m[1]]);
  }
});

describe('the jobs', () => {
  test('test (make setup, lint, test) -> image (pushes on push events only) -> release (main only)', () => {
    expect(echo.jobs.test.steps.map((s) => s.run).filter(Boolean)).toEqual(['make setup', 'make lint', 'make test']);
    expect(echo.jobs.image.needs).toBe('test');
    expect(echo.jobs.release.needs).toBe('image');
    expect(echo.jobs.release.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const build = echo.jobs.image.steps.find((s) => s.id === 'build')!;
    expect(build.with).toMatchObject({ push: "${{ github.event_name == 'push' }}", tags: '${{ steps.tags.outputs.tags }}' });
    expect(echo.jobs.image.steps.find((s) => s.uses?.startsWith('docker/login-action@'))!.if).toBe("github.event_name == 'push'");
    expect(echo.jobs.image.outputs).toEqual({ tag: '${{ steps.tags.outputs.release_tag }}', digest: '${{ steps.digest.outputs.digest }}' });
  });

  test('the app, image and GitOps repository are the example\'s', () => {
    expect(echo.env).toEqual({ APP: 'echo', IMAGE: 'ghcr.io/acme/echo', GITOPS_REPOSITORY: 'acme/gitops' });
    expect(echo.jobs.image.steps.find((s) => s.uses?.startsWith('docker/login-action@'))!.with?.registry).toBe('ghcr.io');
  });
});

// ---------------------------------------------------------------------------------------------------
// The scripts, run as the runner runs them (bash --noprofile --norc -eo pipefail), with stub commands.

interface Run { code: number; stdout: string; output: Record<string, string>; calls: string[][] }

function runStep(s: Step, env: Record<string, string>, files: Record<string, string> = {}, stubs: Record<string, string> = {}): Run {
  const dir = fs.mkdtempSync(path.join(tmp, 'step-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const [name, body] of Object.entries(stubs)) {
    fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\nprintf '%s\\0' ${name} "$@" >> "$STUB_CALLS"; printf '\\n' >> "$STUB_CALLS"\n${body}\n`, { mode: 0o755 });
  }
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const script = path.join(dir, 'script');
  fs.writeFileSync(script, s.run!);
  const outputFile = path.join(dir, 'output');
  const calls = path.join(dir, 'calls');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(calls, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: outputFile, STUB_CALLS: calls, ...echo.env, ...env },
  });
  const output = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const recorded = fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0').slice(0, -1));
  return { code: r.status ?? -1, stdout: r.stdout + r.stderr, output, calls: recorded };
}

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const step = (job: string, id: string) => echo.jobs[job].steps.find((s) => s.id === id || s.name === id)!;

describe('the Tags step', () => {
  const tags = step('image', 'tags');

  test('on main: <sha> and X.Y.Z-SNAPSHOT-<sha7> from VERSION; the snapshot tag is the release tag, and dev\'s tag policy allows it', () => {
    const r = runStep(tags, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA }, { VERSION: '1.4.0\n' });
    expect(r.code).toBe(0);
    expect(r.output).toEqual({ tags: `ghcr.io/acme/echo:${SHA},ghcr.io/acme/echo:1.4.0-SNAPSHOT-0123456`, release_tag: '1.4.0-SNAPSHOT-0123456' });
    expect(tagViolation(r.output.release_tag, envs.dev.tags)).toBeUndefined();
  });

  test.each([
    ['a push to another branch', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/feature' }],
    ['a pull request', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' }],
  ])('%s: the <sha> tag only, no release', (_what, env) => {
    const r = runStep(tags, { ...env, GITHUB_SHA: SHA }, { VERSION: '1.4.0' });
    expect(r.output).toEqual({ tags: `ghcr.io/acme/echo:${SHA}`, release_tag: '' });
  });

  test('a VERSION that is not X.Y.Z fails the build', () => {
    const r = runStep(tags, { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA }, { VERSION: 'v1.4\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error title=Bad VERSION::VERSION must hold X.Y.Z, not 'v1.4'");
  });
});

describe('the Read the pushed digest step', () => {
  const read = step('image', 'digest');
  const docker = (digest: string) => `printf '{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"%s","size":1609}\\n' '${digest}'`;

  test('asks the registry what <sha> points at and outputs it when it is what the build pushed', () => {
    const r = runStep(read, { GITHUB_SHA: SHA, BUILT: DIGEST }, {}, { docker: docker(DIGEST) });
    expect(r.code).toBe(0);
    expect(r.output).toEqual({ digest: DIGEST });
    expect(r.calls).toEqual([['docker', 'buildx', 'imagetools', 'inspect', `ghcr.io/acme/echo:${SHA}`, '--format', '{{json .Manifest}}']]);
  });

  test('refuses a digest other than the one built, and no digest at all', () => {
    const other = runStep(read, { GITHUB_SHA: SHA, BUILT: DIGEST }, {}, { docker: docker(`sha256:${'cd'.repeat(32)}`) });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('::error title=Digest mismatch::');
    expect(other.output).toEqual({});
    const none = runStep(read, { GITHUB_SHA: SHA, BUILT: DIGEST }, {}, { docker: 'exit 1' });
    expect(none.code).toBe(1);
  });
});

describe('the Release to dev step', () => {
  const dispatch = step('release', 'Release to dev');
  const RUN_URL = 'https://github.com/acme/echo/actions/runs/42';
  const env = { GH_TOKEN: 'token', TAG: '1.4.0-SNAPSHOT-0123456', DIGEST, RUN_URL, GITHUB_SHA: SHA };

  test('takes the token, tag, digest and run URL through env:', () => {
    expect(dispatch.env).toEqual({
      GH_TOKEN: '${{ secrets.GITOPS_DISPATCH_TOKEN }}',
      TAG: '${{ needs.image.outputs.tag }}',
      DIGEST: '${{ needs.image.outputs.digest }}',
      RUN_URL: '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}',
    });
  });

  test('dispatches `release` to the GitOps repository with app, env=dev, tag, digest, source_commit and run_url (raw strings: -f)', () => {
    const r = runStep(dispatch, env, {}, { gh: '' });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([[
      'gh', 'api', 'repos/acme/gitops/dispatches', '-f', 'event_type=release',
      '-f', 'client_payload[app]=echo', '-f', 'client_payload[env]=dev', '-f', `client_payload[tag]=${env.TAG}`,
      '-f', `client_payload[digest]=${DIGEST}`, '-f', `client_payload[source_commit]=${SHA}`, '-f', `client_payload[run_url]=${RUN_URL}`,
    ]]);
  });

  test('the payload is what release.yml takes: every key it sends is one release.yml reads, and release.yml\'s request check accepts it', () => {
    const r = runStep(dispatch, env, {}, { gh: '' });
    const payload = Object.fromEntries(r.calls[0].flatMap((a) => {
      const m = /^client_payload\[(\w+)\]=(.*)$/.exec(a);
      return m ? [[m[1], m[2]]] : [];
    }));
    expect(r.calls[0]).toContain('event_type=release');
    const release = parse(fs.readFileSync(path.join(ROOT, '.github', 'workflows', 'release.yml'), 'utf8')) as Workflow & { on: { repository_dispatch: { types: string[] } } };
    expect(release.on.repository_dispatch.types).toEqual(['release']);
    const job = Object.values(release.jobs)[0];
    // release.yml's job env: NAME: ${{ github.event.client_payload.KEY || inputs.KEY }}
    const fromPayload = Object.entries(job.env!).flatMap(([name, value]) => {
      const m = /github\.event\.client_payload\.(\w+)/.exec(value);
      return m ? [[name, m[1]] as const] : [];
    });
    const read = new Set(fromPayload.map(([, key]) => key));
    expect(Object.keys(payload).filter((k) => !read.has(k))).toEqual([]);
    expect(payload).toEqual({ app: 'echo', env: 'dev', tag: env.TAG, digest: DIGEST, source_commit: SHA, run_url: RUN_URL });
    const check = job.steps.find((s) => s.name === 'Check the request')!;
    const checkEnv = Object.fromEntries(fromPayload.map(([name, key]) => [name, payload[key] ?? '']));
    const checked = runStep(check, checkEnv);
    expect({ code: checked.code, out: checked.stdout.trim() }).toEqual({ code: 0, out: `release echo dev -> ${env.TAG} ${DIGEST}` });
  });

  test('without the token it fails, saying which secret to set', () => {
    const r = runStep(dispatch, { ...env, GH_TOKEN: '' }, {}, { gh: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error title=No dispatch token::set the GITOPS_DISPATCH_TOKEN secret');
    expect(r.calls).toEqual([]);
  });
});

test('examples/echo\'s workflow is the template\'s, rendered (the examples test checks every file; this one names it)', () => {
  expect(readTree(path.join(ROOT, 'examples', 'echo')).get(WORKFLOW)).toBe(renderTemplate(readTemplate('python-service'), { name: 'echo', image: 'ghcr.io/acme/echo', port: 8080, gitopsRepository: 'acme/gitops' }).get(WORKFLOW));
});
