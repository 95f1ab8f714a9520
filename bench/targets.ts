import { README_FILE } from '../lib/model/layout';

/** What `npm run bench` reports and the targets it holds synth to (issue 17; README "Speed"). */

/** One size of generated repository, measured. Milliseconds are medians of the runs. */
export interface ScaleResult {
  readonly instances: number;
  readonly objects: number;
  readonly files: number;
  /** Wall time of the whole synth from scratch (fresh process, validation included). */
  readonly synthMs: number;
  readonly msPerInstance: number;
  /** The same objects through the `yaml` package (cdk8s's options), stringify + write. */
  readonly floorYamlMs: number;
  /** The same objects as JSON.stringify + write. */
  readonly floorJsonMs: number;
  readonly ratioToYamlFloor: number;
  readonly peakRssMb: number;
  /** startup, load, resolve, construct, serialize, validate, write, total (from `synth --json --timings`). */
  readonly phases: { readonly [phase: string]: number };
  /** Validation per rule group. */
  readonly gate: { readonly [group: string]: number };
  readonly resynthUnchangedMs: number;
  readonly resynthUnchangedWritten: number;
  /** Re-synth after one generated app's dev release changed. */
  readonly resynthOneAppMs: number;
  /** What that re-synth wrote (dist/-relative paths). */
  readonly resynthOneAppWritten: readonly string[];
  readonly resynthOneAppApp: string;
  kustomizeOverlays?: number;
  kustomizeMsPerInstance?: number;
}

/** The whole report: the first size's numbers at the top level, every size in `scaling`. */
export interface BenchResult extends Partial<Omit<ScaleResult, 'resynthOneAppWritten'>> {
  readonly node: string;
  readonly cpus: number;
  readonly runs: number;
  readonly resynthOneAppWritten?: readonly string[];
  readonly exampleSynthMs?: number;
  readonly exampleCheckMs?: number;
  readonly bumpMs?: number;
  readonly scaling: readonly ScaleResult[];
  readonly targets: Target[];
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** The targets that apply to what was measured. */
export function checkTargets(r: BenchResult): Target[] {
  const out: Target[] = [];
  const add = (name: string, target: string, value: number | string, met: boolean) => out.push({ name, target, value: String(value), met });
  if (r.exampleSynthMs !== undefined) add('example repo, npm run synth (ms)', '< 1000', r.exampleSynthMs, r.exampleSynthMs < 1000);
  if (r.bumpMs !== undefined) add('example repo, release bump --commit (ms)', '< 1500', r.bumpMs, r.bumpMs < 1500);
  for (const s of r.scaling) {
    const at = `${s.instances} instances`;
    add(`${at}: synth / yaml floor`, '<= 1.5', s.ratioToYamlFloor, s.ratioToYamlFloor <= 1.5);
    add(`${at}: peak RSS (MB)`, '< 300', s.peakRssMb, s.peakRssMb < 300);
    add(`${at}: re-synth after a one-app bump / full synth`, '< 0.30', (s.resynthOneAppMs / s.synthMs).toFixed(2), s.resynthOneAppMs / s.synthMs < 0.3);
    // dist/README.md is the matrix of every app's image: a release changes it, as it should.
    const others = s.resynthOneAppWritten.filter((f) => f !== README_FILE && !f.split('/').includes(s.resynthOneAppApp));
    add(`${at}: files a one-app bump re-synth writes that are not that app's`, '0', others.length === 0 ? 0 : `${others.length} (${others.slice(0, 3).join(', ')})`, others.length === 0);
  }
  const [small, large] = [r.scaling[0], r.scaling[r.scaling.length - 1]];
  if (small && large && large.instances > small.instances) {
    const growth = large.msPerInstance / small.msPerInstance;
    add(`ms per instance at ${large.instances} / at ${small.instances}`, '<= 1.2', growth.toFixed(2), growth <= 1.2);
  }
  return out;
}
