import * as path from 'node:path';
import { Command } from 'commander';
import { ResolveInput } from '../model';
import { diffTree, planSynth, repoRenderCache, SynthPlan, writeTree } from '../synth';
import { fail, parseArgs, quietExit, writeJsonFailure } from './command';
import { loadInputs } from './load';
import { progressLine } from './progress';

/** Loads the repository's inputs (apps, envs, platform, releases); errors thrown here are bad input too. */
export type InputLoader = () => Promise<ResolveInput> | ResolveInput;

interface SynthOptions {
  readonly check?: boolean;
  readonly outdir: string;
  readonly quiet?: boolean;
  readonly timings?: boolean;
  readonly json?: boolean;
  /** False with --no-cache. */
  readonly cache: boolean;
}

/**
 * `npm run synth [-- --check] [--outdir DIR]`: resolve, render and atomically write dist/.
 * Returns the exit code (0 ok, 1 bad input or stale output).
 */
export async function synthCommand(argv: readonly string[], load: InputLoader, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const program = new Command('synth')
    .description('Synthesize apps/ and envs/ (with envs/releases.ts) into dist/: one YAML file per app instance.')
    .option('--check', 'render in memory and compare with the output directory; exit 1 listing stale, missing and extra files; write nothing')
    .option('-o, --outdir <dir>', 'output directory', process.env.CDK8S_OUTDIR || 'dist')
    .option('-q, --quiet', 'print nothing but errors (and no progress line, which a terminal shows outside CI)')
    .option('--no-cache', 'render every instance again instead of taking unchanged ones from the render cache (node_modules/.cache/typed-gitops/render, or $TYPED_GITOPS_RENDER_CACHE; `off` there disables it)')
    .option('--timings', 'print how long each phase took (start-up, load, resolve, render and its parts, validate and each rule group, write) to stderr; with --json, also as `timings`')
    .option('--json', 'print the result as one JSON object on stdout (on failure too: { ok: false, exit, error, ... }); human lines stay on stderr')
    .addHelpText('after', '\nExamples:\n  npm run synth\n  npm run synth -- --check\n  npm run synth -- --check --json\n');
  const parsed = parseArgs(quietExit(program, out, err), argv, out);
  if (parsed !== undefined) return parsed;
  const opts = program.opts<SynthOptions>();
  const json = opts.json === true;
  const emit = (o: object) => out.write(`${JSON.stringify({ ok: true, ...o }, null, 2)}\n`);
  const started = performance.now();
  let plan: SynthPlan;
  let input: ResolveInput;
  let loaded = started;
  try {
    input = await loadInputs(load);
    loaded = performance.now();
    // On a terminal, where the run is (rewritten in place, cleared before any output); nothing in CI or a log.
    const progress = progressLine(err, 'synth', { quiet: opts.quiet || json });
    try {
      const cache = opts.cache ? repoRenderCache(process.cwd()) : undefined;
      plan = planSynth(input, { progress: (phase, done, total) => progress.update(phase, done, total), cache });
    } finally {
      progress.end();
    }
  } catch (e) {
    return fail({ out, err, json, outdir: path.relative(process.cwd(), path.resolve(opts.outdir)) || '.', gateLabel: 'synth' }, 1, e);
  }
  const outdir = opts.outdir;
  const rel = path.relative(process.cwd(), path.resolve(outdir)) || '.';

  if (opts.check) {
    const d = diffTree(outdir, plan.files);
    const stale = d.written.filter((p) => !d.missing.includes(p));
    if (stale.length + d.missing.length + d.removed.length === 0) {
      if (json) emit({ check: true, outdir: rel, files: plan.files.length, instances: plan.resolved.instances.length });
      else if (!opts.quiet) out.write(`synth --check: ${rel}/ is up to date (${plan.files.length} files, ${plan.resolved.instances.length} instances)\n`);
      return 0;
    }
    const message = `${rel}/ is out of date; run \`npm run synth\` and commit the result`;
    err.write(`synth --check: ${message}\n`);
    for (const p of stale) err.write(`  stale:   ${rel}/${p}\n`);
    for (const p of d.missing) err.write(`  missing: ${rel}/${p}\n`);
    for (const p of d.removed) err.write(`  extra:   ${rel}/${p}\n`);
    if (json) writeJsonFailure(out, 1, { message, file: rel, line: null, field: null }, { outdir: rel, stale, missing: d.missing, extra: d.removed });
    return 1;
  }

  let diff;
  try {
    diff = writeTree(outdir, plan.files);
  } catch (e) {
    return fail({ out, err, json }, 1, e);
  }
  const finished = performance.now();
  const seconds = ((finished - started) / 1000).toFixed(2);
  // From the registries, not the instances: an env or region with no released app counts too.
  const envs = Object.values(input.envs);
  const regions = envs.reduce((n, env) => n + env.regionNames.length, 0);
  const t = plan.timings;
  // Phases in ms: start-up is the process's time before this command ran (node, module loading). Render is wall time;
  // construct, serialize, cache and check (the gate's object-scoped rules) are its parts summed over the threads that
  // rendered (more than render with workers).
  const phases = {
    startup: started, load: loaded - started, resolve: t.resolve, render: t.render, construct: t.construct, serialize: t.serialize, cache: t.cache, check: t.check,
    validate: t.validate, write: finished - loaded - t.resolve - t.render - t.validate, total: finished,
  };
  if (json) {
    const r = plan.resolved;
    emit({
      ...(opts.timings ? { timings: { ...roundAll(phases), gate: roundAll(t.gate) } } : {}),
      rendered: plan.rendered,
      outdir: rel, instances: r.instances.length, envs: envs.length, envRegions: regions, objects: plan.objects, seconds: Number(seconds),
      files: { written: diff.written, unchanged: diff.unchanged.length, removed: diff.removed },
      warnings: plan.warnings, notReleased: r.notReleased,
    });
  } else if (!opts.quiet) {
    const r = plan.resolved;
    out.write(`synth: ${r.instances.length} instances (${envs.length} envs, ${regions} env-regions), ${plan.objects} objects -> ${rel}/ in ${seconds} s\n`);
    out.write(`  files: ${diff.written.length} written, ${diff.unchanged.length} unchanged, ${diff.removed.length} removed\n`);
    const show = (label: string, list: string[]) => {
      if (list.length === 0) return;
      const shown = list.slice(0, 10).map((p) => `${rel}/${p}`);
      out.write(`  ${label}: ${shown.join(', ')}${list.length > 10 ? `, ... (${list.length - 10} more)` : ''}\n`);
    };
    show('written', diff.written);
    show('removed', diff.removed);
    if (plan.warnings.length > 0) out.write(`  policy warnings: ${plan.warnings.length} (npm run validate shows them)\n`);
    if (r.notReleased.length > 0) {
      const byApp = new Map<string, string[]>();
      for (const n of r.notReleased) byApp.set(n.app, [...(byApp.get(n.app) ?? []), `${n.env}/${n.region}`]);
      out.write(`  not released (not deployed): ${[...byApp].map(([a, w]) => `${a} in ${w.join(', ')}`).join('; ')}\n`);
    }
  }
  if (opts.timings) {
    const line = (o: { [k: string]: number }) => Object.entries(o).map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ');
    const { total, ...shown } = phases;
    err.write(`timings (ms): ${line(shown)}; total ${total.toFixed(0)}\n`);
    err.write(`  validate by rule group (ms): ${line(t.gate)}\n`);
    const r = plan.rendered;
    const threads = r.workers > 0 ? ` (${r.onWorkers} on ${r.workers} worker thread${r.workers === 1 ? '' : 's'})` : '';
    err.write(`  instances: ${r.built} rendered${threads}, ${r.cached} from the render cache; control plane ${r.controlPlane === 'cached' ? 'from the render cache' : 'rendered'}\n`);
  }
  return 0;
}

/** The same keys, each value rounded to a whole millisecond (timings in --json). */
function roundAll(o: { readonly [k: string]: number }): { [k: string]: number } {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
}
