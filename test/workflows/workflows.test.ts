/**
 * The GitHub Actions workflows: schema-valid (action-validator, offline), plus what a reviewer checks
 * by eye (triggers, permissions, concurrency, no script injection, the approval gate), plus the shell
 * and summary steps of release.yml / promote.yml run here against a stub `npm`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { envs } from '../fixtures/example/envs';
import { ROOT } from '../support/repo';
import { actionValidator } from '../support/workflow';
import type { Job, Step, Workflow } from '../support/workflow';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();


function load(file: string): Workflow {
  return parse(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')) as Workflow;
}
function onlyJob(w: Workflow): Job {
  const jobs = Object.values(w.jobs);
  expect(jobs).toHaveLength(1);
  return jobs[0];
}
function step(job: Job, idOrName: string): Step {
  const s = job.steps.find((x) => x.id === idOrName || x.name === idOrName);
  if (!s) throw new Error(`no step ${idOrName}`);
  return s;
}

const envNames = Object.keys(envs);
const release = load('release.yml');
const promote = load('promote.yml');

describe('every workflow', () => {
  const cli = require.resolve('@action-validator/cli/cli.mjs');

  test('action-validator catches a broken workflow (the check is not a no-op)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflows-'));
    try {
      const bad = path.join(dir, 'bad.yml');
      fs.writeFileSync(bad, 'on: pushh\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
      const r = spawnSync(process.execPath, [cli, bad], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("Additional property 'stepz' is not allowed");
      // The same check in-process (what the tests below use) refuses it too, with the CLI's report.
      expect(actionValidator(bad)).toEqual({ status: 1, errors: r.stderr.trim() });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(files)('%s passes action-validator', (file) => {
    expect(actionValidator(path.join(WORKFLOWS, file))).toEqual({ status: 0, errors: '' });
  });

  test.each(files)('%s: no ${{ }} expression inside a run: script (inputs go through env:)', (file) => {
    const w = load(file);
    const offenders: string[] = [];
    for (const [jobId, job] of Object.entries(w.jobs)) {
      for (const [i, s] of (job.steps ?? []).entries()) {
        if (s.run?.includes('${{')) offenders.push(`${jobId}.steps[${i}] ${s.name ?? s.run.split('\n')[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('release.yml', () => {
  const job = onlyJob(release);

  test('triggered by repository_dispatch (type release) and workflow_dispatch, never by a push', () => {
    expect(Object.keys(release.on).sort()).toEqual(['repository_dispatch', 'workflow_dispatch']);
    expect(release.on.repository_dispatch?.types).toEqual(['release']);
    const inputs = release.on.workflow_dispatch!.inputs!;
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['app', 'env', 'tag', 'digest', 'source_commit', 'run_url']));
    for (const name of ['app', 'env', 'tag']) expect(inputs[name].required).toBe(true);
    for (const name of ['digest', 'source_commit', 'run_url', 'region']) expect(inputs[name].required).toBe(false);
  });

  test('env choices are real envs, and prod is not one of them (prod is reached by promotion)', () => {
    const options = release.on.workflow_dispatch!.inputs!.env.options!;
    for (const o of options) expect(envNames).toContain(o);
    expect(options).not.toContain('prod');
  });

  test('least privilege: contents: write only', () => {
    expect(release.permissions).toEqual({ contents: 'write' });
  });

  test('queued per repository (release-<repo>...), never cancelled in progress', () => {
    expect(release.concurrency.group.startsWith('release-${{ github.repository }}')).toBe(true);
    expect(release.concurrency['cancel-in-progress']).toBe(false);
  });

  test('loop guard: the job skips [release-bot] commits', () => {
    expect(job.if).toContain("contains(github.event.head_commit.message, '[release-bot]')");
    expect(job.if).toMatch(/^\$\{\{\s*!/);
  });

  test('checkout with full history and a pushing token; node 20 with the npm cache; npm ci', () => {
    const checkout = job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    expect(String(checkout.with?.token)).toContain('secrets.RELEASE_TOKEN');
    const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with).toMatchObject({ 'node-version': 20, cache: 'npm' });
    expect(job.steps.some((s) => /^npm ci\b/.test(s.run ?? ''))).toBe(true);
    expect(job.steps.some((s) => /git config user\.name/.test(s.run ?? ''))).toBe(true);
  });

  test('the render cache is restored after npm ci (which empties node_modules) and saved under a new key per run', () => {
    for (const j of [job, onlyJob(promote)]) {
      const at = j.steps.findIndex((s) => s.uses?.startsWith('actions/cache@'));
      const npmCi = j.steps.findIndex((s) => /^npm ci\b/.test(s.run ?? ''));
      expect(at).toBeGreaterThan(npmCi);
      expect(npmCi).toBeGreaterThanOrEqual(0);
      expect(j.steps[at].with).toEqual({
        path: 'node_modules/.cache/typed-gitops/render',
        key: 'typed-gitops-render-${{ runner.os }}-${{ github.run_id }}',
        'restore-keys': 'typed-gitops-render-${{ runner.os }}-',
      });
    }
  });

  test('provenance is passed: source commit and this run\'s URL', () => {
    expect(job.env?.RUN_URL).toBe('${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}');
    expect(job.env?.SOURCE_COMMIT).toContain('client_payload.source_commit');
    expect(step(job, 'bump').run).toContain('--source-commit');
    expect(step(job, 'bump').run).toContain('--run-url "$RUN_URL"');
  });
});

describe('promote.yml', () => {
  const job = onlyJob(promote);

  test('manual only, gated by the GitHub Environment named by the target', () => {
    expect(Object.keys(promote.on)).toEqual(['workflow_dispatch']);
    expect(job.environment).toBe('${{ inputs.to }}');
  });

  test('inputs: apps, from, to (staging|prod), optional tag and region', () => {
    const inputs = promote.on.workflow_dispatch!.inputs!;
    expect(inputs.apps).toMatchObject({ type: 'string', required: true });
    expect(inputs.to).toMatchObject({ type: 'choice', required: true, options: ['staging', 'prod'] });
    expect(inputs.from.type).toBe('choice');
    for (const o of [...inputs.from.options!, ...inputs.to.options!]) expect(envNames).toContain(o);
    expect(inputs.tag.required).toBe(false);
    expect(inputs.region.required).toBe(false);
  });

  test('least privilege: nothing at the workflow level; the job may push (contents) and write the release tag (packages); same concurrency key as release.yml', () => {
    expect(promote.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'write', packages: 'write' });
    expect(promote.concurrency.group.startsWith('release-${{ github.repository }}')).toBe(true);
    expect(promote.concurrency['cancel-in-progress']).toBe(false);
    expect(job.if).toContain('[release-bot]');
  });
});

// ---------------------------------------------------------------------------------------------------
// The scripts themselves, run as the runner runs them (bash --noprofile --norc -eo pipefail; node for
// `shell: node {0}`), with `npm` replaced by a stub that records its arguments.

interface Run {
  code: number;
  stdout: string;
  output: string;
  summary: string;
  npmArgs: string[] | null;
  /** What the promote step left for the Push step to re-run ($RUNNER_TEMP/release.args), if anything. */
  releaseArgs: string[] | null;
}

function runStep(
  s: Step,
  env: Record<string, string>,
  npm: { rc?: number; json?: string; stderr?: string } = {},
  temp: Record<string, string> = {},
): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-step-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, 'npm'),
      '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > "$STUB_DIR/npm-args"\nprintf "%s" "$STUB_JSON"\nprintf "%s" "$STUB_ERR" >&2\nexit "$STUB_RC"\n',
      { mode: 0o755 },
    );
    // What earlier steps left in $RUNNER_TEMP (release.json, release.err).
    for (const [name, content] of Object.entries(temp)) fs.writeFileSync(path.join(dir, name), content);
    const script = path.join(dir, 'script');
    fs.writeFileSync(script, s.run!);
    const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary') };
    for (const f of Object.values(files)) fs.writeFileSync(f, '');
    const [cmd, args] = s.shell === 'node {0}' ? [process.execPath, [script]] : ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]];
    const r = spawnSync(cmd, args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        RUNNER_TEMP: dir,
        STUB_DIR: dir,
        STUB_RC: String(npm.rc ?? 0),
        STUB_JSON: npm.json ?? '{}',
        STUB_ERR: npm.stderr ?? '',
        ...files,
        ...env,
      },
    });
    const argsFile = path.join(dir, 'npm-args');
    const releaseArgs = path.join(dir, 'release.args');
    return {
      releaseArgs: fs.existsSync(releaseArgs) ? fs.readFileSync(releaseArgs, 'utf8').replace(/\0$/, '').split('\0') : null,
      code: r.status ?? -1,
      stdout: r.stdout + r.stderr,
      output: fs.readFileSync(files.GITHUB_OUTPUT, 'utf8'),
      summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      npmArgs: fs.existsSync(argsFile) ? fs.readFileSync(argsFile, 'utf8').trimEnd().split('\n') : null,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const RUN_URL = 'https://github.com/acme/gitops/actions/runs/42';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const releaseEnv = {
  APP: 'echo',
  TARGET_ENV: 'dev',
  TAG: '1.4.0-SNAPSHOT-0a1b2c3',
  DIGEST,
  REGION: '',
  SOURCE_COMMIT: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
  BUILD_RUN_URL: 'https://github.com/acme/echo/actions/runs/7',
  DRY_RUN: 'false',
  RUN_URL,
};

describe('release.yml scripts', () => {
  const job = onlyJob(release);
  const check = step(job, 'Check the request');
  const bump = step(job, 'bump');
  const summary = step(job, 'Summary');

  test('a good request passes the check', () => {
    expect(runStep(check, releaseEnv).code).toBe(0);
  });

  test.each([
    ['an injected app name', { APP: 'echo"; touch pwned; "' }, 'app must be'],
    ['prod', { TARGET_ENV: 'prod' }, 'prod is reached by promotion only'],
    ['a bad digest', { DIGEST: 'sha256:nothex' }, 'digest must be'],
    ['a tag with a newline', { TAG: '1.0\n::set-output name=x::y' }, 'tag must be'],
    ['a non-https run URL', { BUILD_RUN_URL: 'javascript:alert(1)' }, 'run_url must be'],
  ])('the check refuses %s', (_what, patch, message) => {
    const r = runStep(check, { ...releaseEnv, ...patch });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(message);
  });

  test('bump passes every value as its own argument, with provenance, --commit (no push yet) and --json', () => {
    const r = runStep(bump, releaseEnv);
    expect(r.code).toBe(0);
    expect(r.npmArgs).toEqual([
      'run', '-s', 'release', '--',
      'bump', 'echo', 'dev', '--tag', releaseEnv.TAG, '--run-url', RUN_URL, '--json',
      '--digest', DIGEST, '--source-commit', releaseEnv.SOURCE_COMMIT, '--commit',
    ]);
    expect(r.output).toContain('rc=0');
  });

  test('dry_run: --dry-run instead of --commit', () => {
    const r = runStep(bump, { ...releaseEnv, DIGEST: '', SOURCE_COMMIT: '', REGION: 'us-east-1', DRY_RUN: 'true' });
    expect(r.npmArgs).toEqual(['run', '-s', 'release', '--', 'bump', 'echo', 'dev', '--tag', releaseEnv.TAG, '--run-url', RUN_URL, '--json', '--region', 'us-east-1', '--dry-run']);
  });

  test('exit code 3 (held) succeeds with a notice', () => {
    const r = runStep(bump, releaseEnv, { rc: 3 });
    expect(r.code).toBe(0);
    expect(r.output).toContain('rc=3');
    expect(r.stdout).toContain('::notice title=Held, not released::echo is held in dev');
  });

  test('any other failure fails the run', () => {
    const r = runStep(bump, releaseEnv, { rc: 1 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error');
  });

  test('the summary shows old -> new from the --json output, and the build run', () => {
    const json = JSON.stringify({
      changes: [{ app: 'echo', env: 'dev', from: { tag: '1.3.0-SNAPSHOT-7d2a1b4', digest: `sha256:${'cd'.repeat(32)}` }, to: { tag: releaseEnv.TAG, digest: DIGEST } }],
      notes: [],
      commit: 'f00dfeed',
      pushed: true,
    });
    // The summary step reads what the bump step wrote to $RUNNER_TEMP/release.json.
    const r = runStep(summary, { ...releaseEnv, RC: '0', TITLE: 'release' }, {}, { 'release.json': json });
    expect(r.code).toBe(0);
    expect(r.summary).toContain('## release: done');
    expect(r.summary).toContain(`| echo | dev | all | 1.3.0-SNAPSHOT-7d2a1b4 @ sha256:cdcdcdcdcdcd… | ${releaseEnv.TAG} @ sha256:abababababab… |`);
    expect(r.summary).toContain('Commit: f00dfeed');
    expect(r.summary).toContain(releaseEnv.BUILD_RUN_URL);
  });

  test('bump keeps the CLI\'s stderr for the summary; a held summary shows why and how to resume', () => {
    const why = 'refused: envs/releases.ts: echo.dev.hold: echo is held in dev: "rolled back"';
    const bumped = runStep(bump, releaseEnv, { rc: 3, json: '', stderr: why });
    expect(bumped.stdout).toContain(why);
    const r = runStep(summary, { ...releaseEnv, RC: '3', TITLE: 'release' }, {}, { 'release.err': why });
    expect(r.code).toBe(0);
    expect(r.summary).toContain('## release: held: not applied');
    expect(r.summary).toContain(why);
    expect(r.summary).toContain('npm run release -- unhold echo dev');
  });

  test('the summary still writes when the CLI printed nothing (held / failed before output)', () => {
    const r = runStep(summary, { ...releaseEnv, RC: '3', TITLE: 'release' });
    expect(r.code).toBe(0);
    expect(r.summary).toContain('## release: held: not applied');
    expect(r.summary).toContain('npm run release -- unhold echo dev');
  });
});

describe('promote.yml scripts', () => {
  const job = onlyJob(promote);
  const check = step(job, 'Check the request');
  const run = step(job, 'promote');
  const base = { APPS: 'echo', FROM_ENV: 'staging', TO_ENV: 'prod', TAG: 'v1.3.0', REGION: '', NEXT_REGION: 'false', FORCE: 'false', SKIP_ORDER: 'false', REASON: '', RUN_URL };

  test('the check accepts the inputs and refuses a bad tag; the promotion order is left to the CLI (one home)', () => {
    expect(runStep(check, base).code).toBe(0);
    // dev -> prod is the CLI's call (allowed once staging runs the digest), not the workflow's.
    expect(runStep(check, { ...base, FROM_ENV: 'dev' }).code).toBe(0);
    expect(runStep(check, { ...base, TAG: '1.3.0' }).stdout).toContain('tag must be vX.Y.Z');
    expect(runStep(check, { ...base, APPS: 'echo $(id)' }).code).toBe(1);
    expect(runStep(check, { ...base, APPS: 'echo book-shop' }).stdout).toContain('tag names one app');
    expect(runStep(check, { ...base, APPS: 'echo book-shop', FROM_ENV: 'dev', TO_ENV: 'staging', TAG: '' }).code).toBe(0);
  });

  test('promote passes the apps as separate arguments, with --tag, --force and --commit (no push yet)', () => {
    const r = runStep(run, { ...base, APPS: 'echo,book-shop', FORCE: 'true' });
    expect(r.code).toBe(0);
    expect(r.npmArgs).toEqual([
      'run', '-s', 'release', '--',
      'promote', 'echo', 'book-shop', '--from', 'staging', '--to', 'prod', '--run-url', RUN_URL, '--json',
      '--tag', 'v1.3.0', '--force', '--commit',
    ]);
  });

  test('skip_order: the check lets dev -> prod through only with a one-line reason; promote passes --skip-order --reason', () => {
    const skip = { ...base, FROM_ENV: 'dev', SKIP_ORDER: 'true', REASON: 'hotfix; approved in INC-42' };
    expect(runStep(check, skip).code).toBe(0);
    expect(runStep(check, { ...skip, REASON: ' ' }).stdout).toContain('skip_order needs a reason');
    expect(runStep(check, { ...skip, REASON: 'a\nb' }).stdout).toContain('reason must be on one line');
    const r = runStep(run, { ...skip, REASON: 'hotfix"; touch pwned; "' });
    expect(r.npmArgs).toEqual([
      'run', '-s', 'release', '--',
      'promote', 'echo', '--from', 'dev', '--to', 'prod', '--run-url', RUN_URL, '--json',
      '--tag', 'v1.3.0', '--skip-order', '--reason', 'hotfix"; touch pwned; "', '--commit',
    ]);
  });

  test('the Argo CD status file, when the status step wrote one, is passed with --status; force with a reason passes --reason', () => {
    const r = runStep(run, { ...base, FORCE: 'true', REASON: 'staging probe flaky, INC-7' }, {}, { 'argocd-status.json': '{"items": []}' });
    expect(r.code).toBe(0);
    const args = r.npmArgs!;
    expect(args.slice(args.indexOf('--force'), args.indexOf('--force') + 3)).toEqual(['--force', '--reason', 'staging probe flaky, INC-7']);
    expect(args[args.indexOf('--status') + 1]).toMatch(/argocd-status\.json$/);
    // A reason alone (no skip_order, no force) is not passed: the CLI would refuse it.
    expect(runStep(run, { ...base, REASON: 'why not' }).npmArgs).not.toContain('--reason');
  });

  test('the status step skips (with a notice) when no Argo CD server is configured', () => {
    const status = step(job, 'Argo CD status (for the promotion gate)');
    expect(status.env).toEqual({ ARGOCD_SERVER: '${{ vars.ARGOCD_SERVER }}', ARGOCD_AUTH_TOKEN: '${{ secrets.ARGOCD_AUTH_TOKEN }}' });
    const r = runStep(status, { ...base, ARGOCD_SERVER: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('::notice title=No Argo CD status::');
  });

  test('next_region: one app, no region; promote passes --next-region, and the pushed re-run names the region it chose', () => {
    const next = { ...base, NEXT_REGION: 'true' };
    expect(runStep(check, next).code).toBe(0);
    expect(runStep(check, { ...next, REGION: 'eu-west-1' }).stdout).toContain('give region or next_region, not both');
    expect(runStep(check, { ...next, APPS: 'echo book-shop', TAG: '' }).stdout).toContain("next_region moves one app's rollout at a time");
    const json = JSON.stringify({ ok: true, changes: [{ app: 'echo', env: 'prod', region: 'eu-west-1', to: { tag: 'v1.3.0' } }] });
    const r = runStep(run, next, { json });
    expect(r.npmArgs).toEqual(['run', '-s', 'release', '--', 'promote', 'echo', '--from', 'staging', '--to', 'prod', '--run-url', RUN_URL, '--json', '--tag', 'v1.3.0', '--next-region', '--commit']);
    expect(r.releaseArgs).toEqual(['promote', 'echo', '--from', 'staging', '--to', 'prod', '--run-url', RUN_URL, '--json', '--tag', 'v1.3.0', '--region', 'eu-west-1']);
    // Nothing moved (the rollout was complete): the re-run keeps --next-region, which again changes nothing.
    expect(runStep(run, next, { json: '{"ok": true, "changes": []}' }).releaseArgs).toContain('--next-region');
  });

  test('held (exit 3) succeeds with a notice; other failures fail', () => {
    const held = runStep(run, base, { rc: 3 });
    expect(held.code).toBe(0);
    expect(held.stdout).toContain('::notice title=Held, not promoted::');
    expect(runStep(run, base, { rc: 2 }).code).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// What is pushed has passed the checks CI runs: the release/promote step commits, then
// `npm run synth -- --check` and `npm run validate` run on that commit, then a step pushes it.

describe.each([
  ['release.yml', release, 'bump'],
  ['promote.yml', promote, 'promote'],
])('%s: checked before pushed', (file, workflow, commitStep) => {
  const job = onlyJob(workflow);
  const index = (pred: (s: Step) => boolean) => job.steps.findIndex(pred);
  const runs = (s: Step, pattern: RegExp) => (s.run ?? '').split('\n').some((l) => pattern.test(l.trim()));

  test('order: commit, then synth --check and validate, then push; only the push step pushes', () => {
    const commit = index((s) => s.id === commitStep);
    // From scratch (--no-cache): what is pushed is compared with a synth that does not trust the restored render cache.
    const synthCheck = index((s) => runs(s, /^npm run synth -- --check --no-cache$/));
    const validate = index((s) => runs(s, /^npm run validate$/));
    const pushers = job.steps.flatMap((s, i) => (runs(s, /^[^#]*(--push\b|git push\b)/) ? [i] : []));
    expect(commit).toBeGreaterThanOrEqual(0);
    expect(synthCheck).toBeGreaterThan(commit);
    expect(validate).toBeGreaterThan(commit);
    expect(pushers).toEqual([index((s) => s.id === 'push')]);
    expect(pushers[0]).toBeGreaterThan(Math.max(synthCheck, validate));
    expect(runs(step(job, commitStep), /^[^#]*--push\b/)).toBe(false);
    expect(step(job, commitStep).run).toMatch(/--commit/);
  });

  test('checks and push run only after a successful commit step (not when held or failed); a failed check stops the push', () => {
    for (const id of ['check', 'push']) {
      expect(step(job, id).if).toContain(`steps.${commitStep}.outputs.rc == '0'`);
      expect(step(job, id).if).not.toMatch(/always\(\)|failure\(\)|continue-on-error/);
    }
    expect((step(job, 'check') as Step & { 'continue-on-error'?: boolean })['continue-on-error']).toBeUndefined();
  });

  test('the push step re-runs the recorded command with --push and fails the run when the push fails', () => {
    const push = step(job, 'push');
    const args = ['bump', 'echo', 'dev', '--tag', 'a b"c', '--json'];
    const ok = runStep(push, {}, { json: '{"commit":"f00d","pushed":true}' }, { 'release.args': args.map((a) => `${a}\0`).join('') });
    expect(ok.code).toBe(0);
    expect(ok.npmArgs).toEqual(['run', '-s', 'release', '--', ...args, '--push']);
    expect(ok.output).toContain('rc=0');
    const failed = runStep(push, {}, { rc: 1 }, { 'release.args': args.map((a) => `${a}\0`).join('') });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('::error title=Push failed::');
  });

  test('the summary says when checks or the push failed, and shows the pushed commit', () => {
    const summary = step(job, 'Summary');
    const json = JSON.stringify({ changes: [], notes: [], commit: 'local1' });
    const env = { ...releaseEnv, APPS: 'echo', FROM_ENV: 'staging', TO_ENV: 'prod', TITLE: 'release', RC: '0' };
    expect(runStep(summary, { ...env, CHECK: 'failure' }, {}, { 'release.json': json }).summary).toContain('checks failed: not pushed');
    expect(runStep(summary, { ...env, CHECK: 'success', PUSH_RC: '1' }, {}, { 'release.json': json, 'push.err': 'error: still rejected' }).summary).toMatch(/push failed \(exit 1\)[\s\S]*still rejected/);
    const done = runStep(summary, { ...env, CHECK: 'success', PUSH_RC: '0' }, {}, { 'release.json': json, 'push.json': '{"commit":"pushed2","pushed":true,"tries":2}' });
    expect(done.summary).toContain(': done');
    expect(done.summary).toContain('Commit: pushed2');
    expect(done.summary).toContain('Pushed to main (2 attempt(s)).');
  });

  test('actions are pinned by commit SHA, with the tag in a comment', () => {
    const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
    const uses = text.split('\n').filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const l of uses) expect(l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
  });
});

test('every workflow pins its actions by commit SHA, with the tag in a comment, and declares permissions', () => {
  const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
  expect(files).toEqual(expect.arrayContaining(['ci.yml', 'pr.yml', 'release.yml', 'promote.yml']));
  for (const f of files) {
    const text = fs.readFileSync(path.join(WORKFLOWS, f), 'utf8');
    for (const l of text.split('\n').filter((x) => /^\s*-?\s*uses:/.test(x))) {
      expect({ file: f, line: l.trim() }).toEqual({ file: f, line: expect.stringMatching(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/) });
    }
    expect({ file: f, permissions: (parse(text) as { permissions?: unknown }).permissions }).toEqual({ file: f, permissions: expect.anything() });
  }
});

test('packages: write only where a release tag is written (the promote job), nowhere else', () => {
  const writers: string[] = [];
  for (const f of files) {
    const w = load(f);
    if (w.permissions?.packages) writers.push(`${f} (workflow)`);
    for (const [id, job] of Object.entries(w.jobs)) if (job.permissions?.packages) writers.push(`${f} ${id}: ${job.permissions.packages}`);
  }
  expect(writers).toEqual(['promote.yml promote: write']);
});

describe('pr.yml', () => {
  const pr = load('pr.yml');
  const job = onlyJob(pr);

  test('runs on pull_request only, never pull_request_target; may read code and write one comment', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
    expect(pr.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(pr.concurrency['cancel-in-progress']).toBe(true);
  });

  test('the checks, then the diff against the base commit (passed through env:), in markdown', () => {
    const runs = job.steps.map((s) => s.run ?? '').filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm run synth -- --check', 'npm run validate']));
    const diff = step(job, 'diff against the base branch');
    expect(diff.env).toEqual({ BASE_SHA: '${{ github.event.pull_request.base.sha }}' });
    expect(diff.run).toMatch(/npm run -s diff -- --against "\$BASE_SHA" --format markdown/);
    expect(job.steps[0].with).toEqual({ 'fetch-depth': 0 });
  });

  test('one comment, updated in place (found by its marker), skipped for forks, capped under GitHub\'s limit', () => {
    const comment = step(job, 'post or update the comment');
    expect(comment.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    const script = String(comment.with?.script);
    expect(script).toContain("const marker = '<!-- typed-gitops-diff -->'");
    expect(script).toMatch(/updateComment[\s\S]*createComment/);
    expect(script).toContain('const limit = 60000');
  });
});
