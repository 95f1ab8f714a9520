/**
 * `npm run bench`: synth speed and memory, measured the way users run it (a fresh process per run).
 *
 *   npm run bench                         # example repo via `npm run synth`, then 1000 generated instances
 *   npm run bench -- --instances 3000 --runs 5
 *
 * Targets (exit 1 when missed): the example repo synthesizes in under 1.5 s wall from `npm run synth`; validation
 * (the policy gate, from `synth --timings`) adds under 30% to it; `release bump --commit` takes under 2 s.
 * Timings are medians of --runs runs; this machine is noisy, so treat single numbers as +-30%.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { progressLine } from '../lib/cli/progress';

const ROOT = path.resolve(__dirname, '..');
const TIME = '/usr/bin/time';

interface Run {
  wall: number;
  rssMb: number;
  /** From `synth --timings`: ms spent validating (the policy gate), when printed. */
  validateMs?: number;
  /** Median share validation adds to the rest of the run (series of runs with --timings only). */
  share?: number;
}

function measure(cmd: string[], cwd: string): Run {
  const hasTime = fs.existsSync(TIME);
  const argv = hasTime ? [TIME, '-f', 'BENCH %e %M', ...cmd] : cmd;
  const started = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '' } });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.stderr}`);
  const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr);
  const v = /timings \(ms\):.* validate (\d+)/.exec(r.stderr);
  const validateMs = v ? { validateMs: Number(v[1]) } : {};
  return m ? { wall: Number(m[1]), rssMb: Number(m[2]) / 1024, ...validateMs } : { wall: elapsed, rssMb: NaN, ...validateMs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function series(label: string, runs: number, fn: () => Run): Run {
  const results: Run[] = [];
  // On a terminal, which measurement and run is going on (each takes seconds); nothing in CI or a log.
  const progress = progressLine(process.stderr, 'bench');
  for (let i = 0; i < runs; i++) {
    progress.update(`${label}: run`, i + 1, runs);
    results.push(fn());
  }
  progress.end();
  const wall = median(results.map((r) => r.wall));
  const rssMb = median(results.map((r) => r.rssMb));
  console.log(`${label}: wall ${wall.toFixed(2)} s (runs: ${results.map((r) => r.wall.toFixed(2)).join(', ')}), peak RSS ${rssMb.toFixed(0)} MB`);
  const validations = results.map((r) => r.validateMs).filter((v): v is number => v !== undefined);
  if (validations.length === results.length) {
    // The share validation adds: its time over the rest of the run (what synth would take without it).
    const shares = results.map((r) => r.validateMs! / (r.wall * 1000 - r.validateMs!));
    const validateMs = median(validations);
    console.log(`  validation (policy gate, schemas included): ${validateMs.toFixed(0)} ms (runs: ${validations.join(', ')}), adds ${(median(shares) * 100).toFixed(0)}% to synth (runs: ${shares.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')})`);
    return { wall, rssMb, validateMs, share: median(shares) };
  }
  return { wall, rssMb };
}

/** A copy of the repo with `extraApps` generated apps (each released to every env-region). */
function generateRepo(extraApps: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-bench-'));
  for (const entry of ['apps', 'envs', 'lib', 'imports', 'bin', 'main.ts', 'package.json', 'tsconfig.json', 'cdk8s.yaml']) {
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const names: string[] = [];
  for (let n = 0; n < extraApps; n++) {
    const name = `svc-${String(n).padStart(4, '0')}`;
    names.push(name);
    const id = `svc${n}`;
    fs.writeFileSync(path.join(dir, 'apps', `${name}.ts`), [
      `import { defineApp } from '../lib/model';`,
      `export const ${id} = defineApp({`,
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
  const digest = (s: string) => `sha256:${require('node:crypto').createHash('sha256').update(s).digest('hex')}`;
  const rel = fs.readFileSync(path.join(dir, 'envs', 'releases.ts'), 'utf8').replace(
    'export const releases = {',
    `export const releases = {\n${names.map((n) => `  '${n}': { dev: { tag: '1.0.0-SNAPSHOT-abcdef1' }, staging: { tag: 'abcdef1' }, prod: { tag: 'v1.0.0', digest: '${digest(n)}' } },`).join('\n')}`,
  );
  fs.writeFileSync(path.join(dir, 'envs', 'releases.ts'), rel);
  return dir;
}

function main(): number {
  const opts = new Command('bench')
    .description('Measure synth wall time and peak memory (median of several fresh processes).')
    .option('--instances <n>', 'instances in the generated large repo (0 to skip)', '1000')
    .option('--runs <n>', 'runs per measurement', '3')
    .option('--keep', 'keep the generated repo and print its path (to profile or inspect it)')
    .parse(process.argv)
    .opts<{ instances: string; runs: string; keep?: boolean }>();
  const runs = Number(opts.runs);
  const instances = Number(opts.instances);
  let ok = true;

  console.log(`node ${process.version}, ${os.cpus().length} CPUs; each run is a fresh process writing a fresh dist/`);
  const example = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-bench-example-'));
  fs.rmSync(example, { recursive: true });
  fs.cpSync(ROOT, example, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git|dist)$/.test(src) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(example, 'node_modules'), 'dir');
  const exampleRun = series('example repo (14 instances + control plane), `npm run synth`', runs, () => {
    fs.rmSync(path.join(example, 'dist'), { recursive: true, force: true });
    return measure(['npm', 'run', '-s', 'synth', '--', '--quiet', '--timings'], example);
  });
  if (exampleRun.wall >= 1.5) {
    console.log('  MISSED target: under 1.5 s');
    ok = false;
  } else console.log('  target met: under 1.5 s');
  const share = exampleRun.share;
  if (share === undefined || share >= 0.3) {
    console.log('  MISSED target: validation adds under 30% to synth');
    ok = false;
  } else console.log('  target met: validation adds under 30% to synth');
  series('example repo, `npm run synth -- --check` (no writes)', runs, () => measure(['npm', 'run', '-s', 'synth', '--', '--check', '--quiet'], example));

  // bump + synth + commit, as the release workflow runs it (target: under 2 s).
  const gitIn = (args: string[]) => spawnSync('git', args, { cwd: example, encoding: 'utf8' });
  fs.writeFileSync(path.join(example, '.gitignore'), 'node_modules\n');
  gitIn(['init', '-q', '-b', 'main']);
  gitIn(['config', 'user.name', 'bench']);
  gitIn(['config', 'user.email', 'bench@example.invalid']);
  fs.rmSync(path.join(example, 'dist'), { recursive: true, force: true });
  measure(['npm', 'run', '-s', 'synth', '--', '--quiet'], example);
  gitIn(['add', '-A']);
  gitIn(['commit', '-qm', 'init']);
  let n = 0;
  const bump = series('example repo, `npm run release -- bump echo dev --tag ... --commit`', runs, () => {
    n += 1;
    const sha = (0xabc0000 + n).toString(16);
    return measure(['npm', 'run', '-s', 'release', '--', 'bump', 'echo', 'dev', '--tag', `1.9.${n}-SNAPSHOT-${sha}`, '--commit'], example);
  });
  if (bump.wall >= 2) {
    console.log('  MISSED target: under 2 s');
    ok = false;
  } else console.log('  target met: under 2 s');
  fs.rmSync(example, { recursive: true, force: true });

  if (instances > 0) {
    const extra = Math.max(0, Math.ceil((instances - 14) / 4));
    const dir = generateRepo(extra);
    const total = 14 + extra * 4;
    const big = series(`generated repo (${total} instances), node main.ts`, runs, () => {
      fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
      return measure([process.execPath, '--require', require.resolve('../bin/ts-register.cjs'), 'main.ts', '--quiet', '--timings'], dir);
    });
    console.log(`  ${((big.wall * 1000) / total).toFixed(2)} ms per instance (including process start-up)`);
    series(`generated repo (${total} instances), re-synth with nothing changed`, runs, () =>
      measure([process.execPath, '--require', require.resolve('../bin/ts-register.cjs'), 'main.ts', '--quiet'], dir));
    if (opts.keep) console.log(`  generated repo kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  return ok ? 0 : 1;
}

process.exitCode = main();
