/**
 * The package as a library (issue 13): `npm run build` compiles lib/index.ts (and copies imports/) into build/;
 * a plain cdk8s app then does `require('typed-gitops')` through the package's `exports`, builds a GoldenApp
 * and synthesizes it with Node alone (no TypeScript compiler, no esbuild at run time), and a TypeScript
 * consumer type-checks against the package's `types`. On a temporary copy of the package.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../support/repo';

let tmp: string;
let pkg: string;
let consumer: string;
let build: ReturnType<typeof spawnSync>;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-package-'));
  pkg = path.join(tmp, 'typed-gitops');
  fs.mkdirSync(pkg);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) fs.copyFileSync(path.join(ROOT, f), path.join(pkg, f));
  for (const d of ['lib', 'imports']) fs.cpSync(path.join(ROOT, d), path.join(pkg, d), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  build = spawnSync('npm', ['run', '-s', 'build'], { cwd: pkg, encoding: 'utf8' });

  consumer = path.join(tmp, 'consumer');
  fs.mkdirSync(path.join(consumer, 'node_modules'), { recursive: true });
  fs.symlinkSync(pkg, path.join(consumer, 'node_modules', 'typed-gitops'));
  for (const dep of ['cdk8s', 'constructs']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(consumer, 'node_modules', dep));
  // Fails any attempt to load the TypeScript compiler or esbuild while the app runs.
  fs.writeFileSync(path.join(consumer, 'guard.js'), [
    "const Module = require('module');",
    'const load = Module._load;',
    'Module._load = function (request, ...rest) {',
    "  if (/^(typescript|esbuild)(\\/|$)/.test(request)) throw new Error('loaded ' + request + ' at run time');",
    '  return load.call(this, request, ...rest);',
    '};',
  ].join('\n'));
  fs.writeFileSync(path.join(consumer, 'app.js'), [
    "const { App, Chart } = require('cdk8s');",
    "const { GoldenApp } = require('typed-gitops');",
    "const app = new App({ outdir: 'out' });",
    "const chart = new Chart(app, 'shop');",
    "const api = new GoldenApp(chart, 'api', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, replicas: 2 });",
    "api.addEnv('MODE', 'demo');",
    'app.synth();',
  ].join('\n'));
}, 120_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('npm run build compiles the library into build/ (lib/index.js with its types, imports/ beside it)', () => {
  expect([build.status, build.stderr]).toEqual([0, '']);
  for (const f of ['build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/constructs/golden-app.js', 'build/imports/argoproj.io.js']) {
    expect([f, fs.existsSync(path.join(pkg, f))]).toEqual([f, true]);
  }
  // Neither the CLIs nor the data-file editor (which needs the TypeScript compiler) are in the library.
  expect(fs.existsSync(path.join(pkg, 'build/lib/datafile'))).toBe(false);
  expect(fs.existsSync(path.join(pkg, 'build/lib/cli'))).toBe(false);
});

test('a plain cdk8s app requires the package and synthesizes a GoldenApp with Node alone', () => {
  const r = spawnSync(process.execPath, ['-r', './guard.js', 'app.js'], { cwd: consumer, encoding: 'utf8' });
  expect([r.status, r.stderr]).toEqual([0, '']);
  const yaml = fs.readFileSync(path.join(consumer, 'out', 'shop.k8s.yaml'), 'utf8');
  expect(yaml.match(/^kind: .*$/gm)).toEqual(['kind: Namespace', 'kind: ServiceAccount', 'kind: ConfigMap', 'kind: Service', 'kind: Deployment', 'kind: PodDisruptionBudget', 'kind: NetworkPolicy', 'kind: NetworkPolicy']);
  expect(yaml).toMatch(/- name: MODE\n\s+value: demo/);
});

test('a TypeScript consumer type-checks against the package\'s types (and a wrong prop is a compile error)', () => {
  fs.writeFileSync(path.join(consumer, 'ok.ts'), [
    "import { App, Chart } from 'cdk8s';",
    "import { GoldenApp, GoldenAppProps } from 'typed-gitops';",
    "const props: GoldenAppProps = { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080, ingress: { host: 'api.example.com' }, network: { ingressControllerNamespace: 'traefik' } };",
    "new GoldenApp(new Chart(new App(), 'c'), 'api', props);",
  ].join('\n'));
  fs.writeFileSync(path.join(consumer, 'bad.ts'), [
    "import { GoldenAppProps } from 'typed-gitops';",
    "export const props: GoldenAppProps = { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: '8080' };",
  ].join('\n'));
  // One compiler run over both files (node16 resolution reads the package's `exports`): errors in bad.ts only.
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--esModuleInterop', '--skipLibCheck',
    '--moduleResolution', 'node16', '--module', 'node16', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), 'ok.ts', 'bad.ts'], { cwd: consumer, encoding: 'utf8' });
  expect(r.status).not.toBe(0);
  expect(r.stdout.trim().split('\n').map((l) => l.replace(/: error .*/, ''))).toEqual(['bad.ts(2,86)']); // the port: '8080'
  expect(r.stdout).toMatch(/error TS2322: Type 'string' is not assignable to type 'number'/);
});
