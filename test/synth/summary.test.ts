/**
 * The synth summary counts envs and env-regions from the registries, not from the instances: an env
 * (or region) where no app is released yet still counts. In-process, inline registries, outdir in a
 * temp dir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { synthCommand } from '../../lib/cli/synth';
import { defineEnvironment, registerApps, registerEnvironments, ResolveInput, TagPatterns } from '../../lib/model';
import { app, DIGEST_A, platform } from '../support/fixtures';

/** A stream that keeps what is written. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return Object.assign(w, { text: () => chunks.join('') });
}

function input(): ResolveInput {
  const apps = registerApps(app('echo'));
  const env = (name: string, regions: string[], automated: boolean) => defineEnvironment(apps, {
    name,
    regions: Object.fromEntries(regions.map((r) => [r, {}])),
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'info' },
    sync: { automated },
    ingress: { domain: `${name}.test.io` },
    tags: { allow: [TagPatterns.gitSha, TagPatterns.snapshot, TagPatterns.release] },
  } as never);
  // 4 envs, 6 env-regions; echo is released in dev and prod/us-east-1 only (qa and staging have no app yet).
  const envs = registerEnvironments(
    env('dev', ['us-east-1'], true),
    env('qa', ['us-east-1', 'eu-west-1'], false),
    env('staging', ['us-east-1'], false),
    env('prod', ['us-east-1', 'eu-west-1'], false),
  );
  const releases = { echo: { dev: { tag: 'abcdef0' }, prod: { regions: { 'us-east-1': { tag: 'v1.0.0', digest: DIGEST_A } } } } };
  return { platform, apps, envs, releases };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-summary-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('counts every env and env-region of the registry, released apps or not', async () => {
  const out = sink();
  const err = sink();
  const code = await synthCommand(['--outdir', path.join(tmp, 'dist')], input, out, err);
  expect({ code, err: err.text() }).toEqual({ code: 0, err: '' });
  const first = out.text().split('\n')[0];
  expect(first).toMatch(/^synth: 2 instances \(4 envs, 6 env-regions\), \d+ objects -> .*dist\/ in \d+\.\d\d s$/);
  // The envs without an instance still get their control plane (what the counts describe).
  expect(fs.readdirSync(path.join(tmp, 'dist', 'argocd', 'vclusters')).sort()).toEqual([
    'dev-us-east-1.yaml', 'prod-eu-west-1.yaml', 'prod-us-east-1.yaml', 'qa-eu-west-1.yaml', 'qa-us-east-1.yaml', 'staging-us-east-1.yaml',
  ]);
});
