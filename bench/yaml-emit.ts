/**
 * Measures lib/synth/yaml-emit.ts against the writer it replaced, cdk8s's `Yaml.stringify`, on every
 * object a synth of a repository produces (and checks that the bytes are the same):
 *
 *   npm run -s bench -- --instances 1000 --runs 1 --keep     # prints a kept generated repo's path
 *   node --require ./bin/ts-register.cjs bench/yaml-emit.ts /tmp/typed-gitops-bench-XXXX
 *   node --require ./bin/ts-register.cjs bench/yaml-emit.ts  # the example fixture (test/fixtures/example)
 *
 * Prints the first pass of each (yaml-emit's first pass fills its memo of delegated strings, as in a
 * synth) and the median of 5 further alternating passes. This machine is noisy: treat numbers as +-30%.
 */
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import type { ResolveInput } from '../lib/model';
import type { planSynth as PlanSynth } from '../lib/synth';
import { stringifyDocs } from '../lib/synth/yaml-emit';

/* eslint-disable @typescript-eslint/no-require-imports */
function loadDocs(repo: string): (readonly object[])[] {
  const { apps } = require(path.join(repo, 'apps'));
  const { addons, envs, platform } = require(path.join(repo, 'envs'));
  const { releases } = require(path.join(repo, 'envs/releases'));
  const { secrets } = require(path.join(repo, 'envs/secrets'));
  const { planSynth } = require(path.join(repo, 'lib/synth')) as { planSynth: typeof PlanSynth };
  const input: ResolveInput = { addons, apps, envs, platform, releases, secrets };
  return planSynth(input).files.flatMap((f) => (f.docs && f.docs.length > 0 ? [f.docs] : []));
}

function time(write: (...docs: unknown[]) => string, files: (readonly object[])[]): { ms: number; out: string[] } {
  const t0 = performance.now();
  const out = files.map((docs) => write(...docs));
  return { ms: performance.now() - t0, out };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const repo = path.resolve(process.argv[2] ?? path.join(__dirname, '../test/fixtures/example'));
  const files = loadDocs(repo);
  const objects = files.reduce((n, docs) => n + docs.length, 0);
  const first = { ours: time(stringifyDocs, files), reference: time(Yaml.stringify, files) };
  const differing = first.ours.out.filter((s, i) => s !== first.reference.out[i]).length;
  const ours: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < 5; i++) {
    reference.push(time(Yaml.stringify, files).ms);
    ours.push(time(stringifyDocs, files).ms);
  }
  const ms = (n: number): string => `${n.toFixed(0)} ms`;
  console.log(`${repo}: ${files.length} files, ${objects} objects`);
  console.log(`  cdk8s Yaml.stringify: first pass ${ms(first.reference.ms)}, median of 5 ${ms(median(reference))}`);
  console.log(`  yaml-emit:            first pass ${ms(first.ours.ms)}, median of 5 ${ms(median(ours))}`);
  console.log(`  speed-up (median): ${(median(reference) / median(ours)).toFixed(1)}x; files with different bytes: ${differing}`);
  if (differing > 0) process.exitCode = 1;
}

main();
