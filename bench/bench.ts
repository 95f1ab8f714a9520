/**
 * `npm run bench`: synth speed and memory, measured the way users run it (a fresh process per run).
 *
 *   npm run bench                                   # the example repo, then 1,000 generated instances
 *   npm run bench -- --instances 1000,5000 --runs 3 --json
 *   npm run bench -- --instances 1000 --kustomize   # also the Kustomize anchor
 *
 * What it reports (human lines, or one JSON object with --json) and the targets it checks are in {@link report}
 * and bench/targets.ts; it exits 1 when a target is missed. Timings are medians of --runs runs; this machine is
 * noisy, so treat single numbers as +-30%.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { progressLine } from '../lib/cli/progress';
import { RENDER_CACHE_ENV } from '../lib/synth/render-cache';
import { bumpGeneratedApp, generateRepo, ROOT } from './generate';
import { KustomizeInstance, kustomizeMsPerInstance } from './kustomize';
import { measure, median, medianOf, repeat, Run } from './measure';
import { BenchResult, checkTargets, ScaleResult } from './targets';

const TS = ['--require', require.resolve('../bin/ts-register.cjs')];
/** The example repo's instances (the generated apps add 4 each: dev, staging and prod's two regions). */
const EXAMPLE_INSTANCES = 14;

interface Options {
  readonly instances: string;
  readonly runs: string;
  readonly json?: boolean;
  readonly keep?: boolean;
  readonly example: boolean;
  readonly kustomize?: boolean;
  readonly from: string;
}

const progress = progressLine(process.stderr, 'bench');
const step = (label: string, runs: number) => (i: number) => progress.update(label, i + 1, runs);

/** `node main.ts --json --timings` in `dir`: the synth's own report (instances, objects, files, phases). */
function synth(dir: string, cache: string): Run & { report: SynthReport } {
  const run = measure([process.execPath, ...TS, 'main.ts', '--json', '--timings'], dir, { [RENDER_CACHE_ENV]: cache });
  return { ...run, report: JSON.parse(run.stdout) as SynthReport };
}

interface SynthReport {
  readonly instances: number;
  readonly objects: number;
  readonly files: { readonly written: string[]; readonly unchanged: number; readonly removed: string[] };
  readonly rendered: { readonly cached: number; readonly built: number };
  readonly timings: { readonly [phase: string]: number } & { readonly gate: { readonly [group: string]: number } };
}

/** One size: a generated repo of about `instances` instances, synthesized `runs` times from scratch, then again. */
function scale(instances: number, runs: number, opts: Options): ScaleResult & { dir: string } {
  const extra = Math.max(0, Math.ceil((instances - EXAMPLE_INSTANCES) / 4));
  progress.update(`generating ${EXAMPLE_INSTANCES + extra * 4} instances`);
  const dir = generateRepo(extra, path.resolve(opts.from));
  // A full synth: no dist/ and an empty render cache (as on a fresh clone); it fills the cache the re-synths use.
  const cache = path.join(dir, '.render-cache');
  const fresh = repeat(runs, () => {
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
    return synth(dir, cache);
  }, step(`synth, ${EXAMPLE_INSTANCES + extra * 4} instances`, runs));
  const report = fresh[0].report;
  progress.update('floors');
  const floor = JSON.parse(measure([process.execPath, ...TS, path.join(ROOT, 'bench', 'floor.ts'), path.join(dir, 'dist'), String(runs)], dir).stdout) as { yamlMs: number; jsonMs: number };
  const unchanged = repeat(runs, () => synth(dir, cache), step('re-synth, nothing changed', runs));
  const oneApp = repeat(runs, (i) => {
    const app = bumpGeneratedApp(dir, i + 1);
    const run = synth(dir, cache);
    return { ...run, app };
  }, step('re-synth after a one-app bump', runs));
  const phases = medianOf(fresh.map((r) => { const { gate: _gate, ...rest } = r.report.timings; return rest; }));
  const synthMs = median(fresh.map((r) => r.ms));
  const result: ScaleResult & { dir: string } = {
    dir,
    instances: report.instances,
    objects: report.objects,
    files: report.files.written.length + report.files.unchanged,
    synthMs: Math.round(synthMs),
    msPerInstance: Number((synthMs / report.instances).toFixed(2)),
    floorYamlMs: Math.round(floor.yamlMs),
    floorJsonMs: Math.round(floor.jsonMs),
    ratioToYamlFloor: Number((synthMs / floor.yamlMs).toFixed(2)),
    peakRssMb: Math.round(median(fresh.map((r) => r.rssMb))),
    phases: roundAll(phases),
    gate: roundAll(medianOf(fresh.map((r) => r.report.timings.gate))),
    resynthUnchangedMs: Math.round(median(unchanged.map((r) => r.ms))),
    resynthUnchangedWritten: Math.max(...unchanged.map((r) => r.report.files.written.length)),
    resynthOneAppMs: Math.round(median(oneApp.map((r) => r.ms))),
    resynthOneAppWritten: oneApp[0].report.files.written,
    resynthOneAppApp: oneApp[0].app,
  };
  if (opts.kustomize) {
    progress.update('kustomize overlays');
    result.kustomizeOverlays = Math.min(report.instances, 300);
    result.kustomizeMsPerInstance = Math.round(kustomize(dir, result.kustomizeOverlays));
  }
  return result;
}

/** The Kustomize anchor over the first `count` instance files of `dir`'s dist/ (see bench/kustomize.ts). */
function kustomize(dir: string, count: number): number {
  const dist = path.join(dir, 'dist');
  const files = fs.readdirSync(path.join(dist, 'apps'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /^[^/]+\/[^/]+\/([^/]+)\/\1\.yaml$/.test(f)).sort().slice(0, count);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const instances: KustomizeInstance[] = files.map((f): KustomizeInstance => {
    const [env, region, app] = f.split('/');
    const docs = parseAllDocuments(fs.readFileSync(path.join(dist, 'apps', f), 'utf8')).map((d) => d.toJS());
    const deployment = docs.find((d) => d?.kind === 'Deployment' && d.metadata?.name === app);
    const config = docs.find((d) => d?.kind === 'ConfigMap');
    const [image, tag] = String(deployment?.spec?.template?.spec?.containers?.[0]?.image ?? `${app}:latest`).split(/[:@](?=[^/]*$)/);
    return { app, env, region, image, tag: tag ?? 'latest', replicas: deployment?.spec?.replicas ?? 1, config: config?.data ?? {} };
  });
  const first = instances[0];
  return kustomizeMsPerInstance(fs.readFileSync(path.join(dist, 'apps', files[0]), 'utf8'), instances, { app: first.app, image: first.image, labelDomain: 'acme.io' });
}

/** The example repo (a copy of this checkout): `npm run synth` from scratch, and `release bump --commit`. */
function example(runs: number): Pick<BenchResult, 'exampleSynthMs' | 'exampleCheckMs' | 'bumpMs'> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-bench-example-'));
  fs.rmSync(dir, { recursive: true });
  fs.cpSync(ROOT, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|\.git|dist)$/.test(src) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  try {
    // Each run starts with an empty render cache, as on a fresh clone (CI's case).
    const cache = path.join(dir, '.render-cache');
    const npm = (args: string[]) => {
      fs.rmSync(cache, { recursive: true, force: true });
      return measure(['npm', 'run', '-s', ...args], dir, { [RENDER_CACHE_ENV]: cache });
    };
    const synthRuns = repeat(runs, () => {
      fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
      return npm(['synth', '--', '--quiet']);
    }, step('example repo, npm run synth', runs));
    const check = repeat(runs, () => npm(['synth', '--', '--check', '--quiet']), step('example repo, synth --check', runs));
    // bump + synth + commit, as the release workflow runs it.
    const git = (args: string[]) => measure(['git', ...args], dir);
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.render-cache\n');
    git(['init', '-q', '-b', 'main']);
    git(['config', 'user.name', 'bench']);
    git(['config', 'user.email', 'bench@example.invalid']);
    git(['add', '-A']);
    git(['commit', '-qm', 'init']);
    const bump = repeat(runs, (i) => npm(['release', '--', 'bump', 'echo', 'dev', '--tag', `1.9.${i + 1}-SNAPSHOT-${(0xabc0000 + i).toString(16)}`, '--commit']), step('example repo, release bump --commit', runs));
    return { exampleSynthMs: Math.round(median(synthRuns.map((r) => r.ms))), exampleCheckMs: Math.round(median(check.map((r) => r.ms))), bumpMs: Math.round(median(bump.map((r) => r.ms))) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function roundAll(o: { readonly [k: string]: number }): { [k: string]: number } {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
}

/** The human report: one line per measurement, then the targets. */
function report(r: BenchResult): string[] {
  const lines = [`node ${r.node}, ${r.cpus} CPUs, ${r.runs} run(s) per measurement (medians); each run is a fresh process`];
  if (r.exampleSynthMs !== undefined) {
    lines.push(`example repo: npm run synth ${r.exampleSynthMs} ms, synth --check ${r.exampleCheckMs} ms, release bump --commit ${r.bumpMs} ms`);
  }
  for (const s of r.scaling) {
    lines.push(`${s.instances} instances, ${s.objects} objects, ${s.files} files: synth ${s.synthMs} ms (${s.msPerInstance} ms/instance), peak RSS ${s.peakRssMb} MB`);
    lines.push(`  floors (same objects, stringify + write): yaml ${s.floorYamlMs} ms, JSON ${s.floorJsonMs} ms; synth / yaml floor = ${s.ratioToYamlFloor}`);
    lines.push(`  phases (ms): ${Object.entries(s.phases).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    lines.push(`  validate by rule group (ms): ${Object.entries(s.gate).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    lines.push(`  re-synth, nothing changed: ${s.resynthUnchangedMs} ms (${s.resynthUnchangedWritten} files written)`);
    lines.push(`  re-synth after bumping ${s.resynthOneAppApp} in dev: ${s.resynthOneAppMs} ms, ${s.resynthOneAppWritten.length} files written (${s.resynthOneAppWritten.slice(0, 3).join(', ')}${s.resynthOneAppWritten.length > 3 ? ', ...' : ''})`);
    if (s.kustomizeMsPerInstance !== undefined) lines.push(`  kustomize: ${s.kustomizeMsPerInstance} ms per instance (one kubectl kustomize per overlay, ${s.kustomizeOverlays} overlays)`);
  }
  for (const t of r.targets) lines.push(`${t.met ? 'target met' : 'MISSED target'}: ${t.name}: ${t.value} (target ${t.target})`);
  return lines;
}

export function main(argv: readonly string[]): number {
  const opts = new Command('bench')
    .description('Measure synth: wall time, phases, serialization floors, peak memory, incremental re-synth (medians of fresh processes).')
    .option('--instances <n[,n...]>', 'instances in the generated repo; a list measures each size (0 to skip)', '1000')
    .option('--runs <n>', 'runs per measurement', '3')
    .option('--json', 'print one JSON object on stdout (human lines otherwise)')
    .option('--no-example', 'skip the example repo (npm run synth, release bump --commit)')
    .option('--kustomize', 'also render up to 300 instances as Kustomize overlays, one `kubectl kustomize` each')
    .option('--keep', 'keep the generated repos and print their paths (to profile or inspect them)')
    .option('--from <dir>', 'the repository whose apps/ and envs/ the generated repos start from', ROOT)
    .addHelpText('after', '\nExamples:\n  npm run bench\n  npm run bench -- --instances 1000,5000 --runs 1 --json\n  npm run bench -- --instances 1000 --kustomize --no-example\n')
    .parse(argv, { from: 'user' })
    .opts<Options>();
  const runs = Number(opts.runs);
  const asked = opts.instances.split(',').map((n) => (/^\d+$/.test(n.trim()) ? Number(n) : NaN));
  const sizes = asked.filter((n) => n > 0); // 0 skips the generated repositories
  if (!Number.isInteger(runs) || runs < 1 || asked.some((n) => !Number.isInteger(n))) {
    process.stderr.write('bench: --runs must be a positive integer and --instances a comma-separated list of integers\n');
    return 2;
  }
  const scaling = sizes.map((n) => scale(n, runs, opts));
  const result: BenchResult = {
    node: process.version, cpus: os.cpus().length, runs,
    ...(scaling[0] ? (({ dir: _dir, ...first }) => first)(scaling[0]) : {}),
    ...(opts.example ? example(runs) : {}),
    scaling: scaling.map(({ dir: _dir, ...s }) => s),
    targets: [],
  };
  result.targets.push(...checkTargets(result));
  progress.end();
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${report(result).join('\n')}\n`);
  for (const s of scaling) {
    if (opts.keep) process.stderr.write(`bench: generated repo (${s.instances} instances) kept in ${s.dir}\n`);
    else fs.rmSync(s.dir, { recursive: true, force: true });
  }
  return result.targets.every((t) => t.met) ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
