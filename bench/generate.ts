/** The benchmark's repositories: a copy of this one, with generated apps added (each released to every env-region). */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The checkout the benchmark runs from. */
export const ROOT = path.resolve(__dirname, '..');

/** What a repository copy takes from the data repository (`from`): its apps and envs. */
const DATA = ['apps', 'envs'];
/** What it takes from this checkout, to synthesize (node_modules is linked, not copied). */
const CODE = ['lib', 'imports', 'bin', 'main.ts', 'release.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml'];

/** The name of the generated app number `n`. */
export function generatedApp(n: number): string {
  return `svc-${String(n).padStart(4, '0')}`;
}

/**
 * A copy of the repository in a new temporary directory, with `extraApps` generated apps: apps/ and envs/ from `from`
 * (this checkout, or a frozen fixture such as test/fixtures/example), the code from this checkout.
 */
export function generateRepo(extraApps: number, from: string = ROOT): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-bench-'));
  for (const entry of DATA) fs.cpSync(path.join(from, entry), path.join(dir, entry), { recursive: true });
  for (const entry of CODE) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const names: string[] = [];
  for (let n = 0; n < extraApps; n++) {
    const name = generatedApp(n);
    names.push(name);
    fs.writeFileSync(path.join(dir, 'apps', `${name}.ts`), [
      `import { defineApp } from '../lib/model';`,
      `export const svc${n} = defineApp({`,
      `  name: '${name}', team: 'team-${n % 7}', image: 'ghcr.io/acme/${name}', port: ${8000 + (n % 100)},`,
      `  health: { liveness: '/healthz', readiness: '/readyz' },`,
      n % 3 === 0 ? `  expose: true,` : '',
      n % 4 === 0 ? `  metrics: true,` : '',
      n % 5 === 0 ? `  autoscaling: { maxReplicas: 10 },` : '',
      `  config: { GREETING: 'hello ${n}', POOL_SIZE: '${n % 16}' },`,
      `});`,
      '',
    ].filter((l) => l !== '').join('\n'));
  }
  const index = fs.readFileSync(path.join(dir, 'apps', 'index.ts'), 'utf8')
    .replace('export const apps = registerApps(', `${names.map((n, i) => `import { svc${i} } from './${n}';`).join('\n')}\nexport const apps = registerApps(${names.map((_, i) => `svc${i}, `).join('')}`);
  fs.writeFileSync(path.join(dir, 'apps', 'index.ts'), index);
  const digest = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  const rel = fs.readFileSync(path.join(dir, 'envs', 'releases.ts'), 'utf8').replace(
    'export const releases = {',
    `export const releases = {\n${names.map((n) => `  '${n}': { dev: { tag: '1.0.0-SNAPSHOT-abcdef1' }, staging: { tag: 'abcdef1' }, prod: { tag: 'v1.0.0', digest: '${digest(n)}' } },`).join('\n')}`,
  );
  fs.writeFileSync(path.join(dir, 'envs', 'releases.ts'), rel);
  return dir;
}

/**
 * A one-app release in the generated repository, as the release workflow makes it: generated app 0's dev tag
 * changes (the `n`th time). Returns the app's name.
 */
export function bumpGeneratedApp(dir: string, n: number): string {
  const file = path.join(dir, 'envs', 'releases.ts');
  const name = generatedApp(0);
  const text = fs.readFileSync(file, 'utf8');
  const line = new RegExp(`^  '${name}': \\{ dev: \\{ tag: '[^']*' \\}`, 'm');
  if (!line.test(text)) throw new Error(`bench: ${file}: no dev release of ${name} to bump`);
  fs.writeFileSync(file, text.replace(line, `  '${name}': { dev: { tag: '1.0.${n}-SNAPSHOT-abcdef1' }`));
  return name;
}
