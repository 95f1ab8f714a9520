/**
 * The benchmark's verdicts (bench/targets.ts) and its Kustomize anchor (bench/kustomize.ts): what `npm run bench`
 * reports as met or missed, and overlays that `kubectl kustomize` really builds into the instance they stand for.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { main as bench } from '../../bench/bench';
import { overlayOf } from '../../bench/kustomize';
import { BenchResult, checkTargets, ScaleResult } from '../../bench/targets';

const size = (over: Partial<ScaleResult>): ScaleResult => ({
  instances: 1002, objects: 11000, files: 1100, synthMs: 3000, msPerInstance: 2.99, floorYamlMs: 2500, floorJsonMs: 300, ratioToYamlFloor: 1.2,
  peakRssMb: 200, phases: {}, gate: {}, resynthUnchangedMs: 800, resynthUnchangedWritten: 0, resynthOneAppMs: 850,
  resynthOneAppWritten: ['README.md', 'apps/dev/us-east-1/svc-0000/svc-0000.yaml'], resynthOneAppApp: 'svc-0000', ...over,
});
const result = (scaling: ScaleResult[], over: Partial<BenchResult> = {}): BenchResult => ({ node: 'v20', cpus: 2, runs: 1, scaling, targets: [], ...over });
const verdicts = (r: BenchResult) => Object.fromEntries(checkTargets(r).map((t) => [t.name, t.met]));

test('a run within every target meets them all', () => {
  const r = result([size({}), size({ instances: 5002, synthMs: 15500, msPerInstance: 3.1 })], { exampleSynthMs: 900, bumpMs: 1400 });
  const targets = checkTargets(r);
  expect(targets.map((t) => t.name)).toEqual([
    'example repo, npm run synth (ms)', 'example repo, release bump --commit (ms)',
    '1002 instances: synth / yaml floor', '1002 instances: peak RSS (MB)', '1002 instances: re-synth after a one-app bump / full synth',
    "1002 instances: files a one-app bump re-synth writes that are not that app's",
    '5002 instances: synth / yaml floor', '5002 instances: peak RSS (MB)', '5002 instances: re-synth after a one-app bump / full synth',
    "5002 instances: files a one-app bump re-synth writes that are not that app's",
    'ms per instance at 5002 / at 1002',
  ]);
  expect(targets.every((t) => t.met)).toBe(true);
});

test('each target is missed on its own, with the value that missed it', () => {
  expect(verdicts(result([size({ ratioToYamlFloor: 1.6 })]))['1002 instances: synth / yaml floor']).toBe(false);
  expect(verdicts(result([size({ peakRssMb: 300 })]))['1002 instances: peak RSS (MB)']).toBe(false);
  expect(verdicts(result([size({ resynthOneAppMs: 900 })]))['1002 instances: re-synth after a one-app bump / full synth']).toBe(false);
  const other = checkTargets(result([size({ resynthOneAppWritten: ['apps/dev/us-east-1/svc-0001/svc-0001.yaml', 'argocd/projects/dev.yaml'] })]))
    .find((t) => t.name.includes('not that app'));
  expect(other).toMatchObject({ met: false, value: '2 (apps/dev/us-east-1/svc-0001/svc-0001.yaml, argocd/projects/dev.yaml)' });
  expect(verdicts(result([size({}), size({ instances: 5002, msPerInstance: 3.6 })]))['ms per instance at 5002 / at 1002']).toBe(false);
  expect(verdicts(result([size({})], { exampleSynthMs: 1000 }))['example repo, npm run synth (ms)']).toBe(false);
  expect(verdicts(result([size({})], { bumpMs: 1500 }))['example repo, release bump --commit (ms)']).toBe(false);
});

test('an overlay builds, with kubectl kustomize, into the instance it stands for', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kustomize-'));
  try {
    const base = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'svc-0000', namespace: 'svc-0000' }, data: { GREETING: 'hello 0' } },
      {
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'svc-0000', namespace: 'svc-0000' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'svc-0000' } }, template: { metadata: { labels: { app: 'svc-0000' } }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/svc-0000:1.0.0' }] } } },
      },
    ];
    fs.mkdirSync(path.join(dir, 'base'));
    fs.writeFileSync(path.join(dir, 'base', 'objects.yaml'), base.map((o) => stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), stringify({ resources: ['objects.yaml'] }));
    fs.mkdirSync(path.join(dir, 'overlays', 'x'), { recursive: true });
    const instance = { app: 'svc-0007', env: 'prod', region: 'eu-west-1', image: 'ghcr.io/acme/svc-0007', tag: 'v1.0.0', replicas: 3, config: { GREETING: 'hello 7' } };
    fs.writeFileSync(path.join(dir, 'overlays', 'x', 'kustomization.yaml'), overlayOf(instance, 'svc-0000', 'ghcr.io/acme/svc-0000', 'acme.io'));
    const r = spawnSync('kubectl', ['kustomize', path.join(dir, 'overlays', 'x')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [config, deployment] = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(config.data).toEqual({ GREETING: 'hello 7' });
    expect(deployment.metadata.namespace).toBe('svc-0007');
    expect(deployment.metadata.labels).toEqual({ 'acme.io/env': 'prod', 'acme.io/region': 'eu-west-1' });
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/svc-0007:v1.0.0');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad --runs or --instances: one line saying what is allowed, exit 2, nothing generated or measured', () => {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    for (const argv of [['--runs', '0'], ['--runs', 'x'], ['--instances', '1000,lots']]) {
      lines.length = 0;
      expect(bench(argv)).toBe(2);
      expect(lines).toEqual(['bench: --runs must be a positive integer and --instances a comma-separated list of integers\n']);
    }
  } finally {
    spy.mockRestore();
  }
});
