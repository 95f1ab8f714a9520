/**
 * The serialization floors, run as its own process on a synthesized dist/: the same objects, stringified and written
 * to a fresh directory, (1) through the `yaml` package with the options cdk8s's `Yaml.stringify` uses, (2) as JSON.
 * Reading and parsing dist/ is not timed. Prints one JSON object: { objects, files, yamlMs, jsonMs } (medians).
 *
 *   node --require ./bin/ts-register.cjs bench/floor.ts DIST_DIR RUNS
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { readTree } from '../lib/synth/tree';
import { median } from './measure';

/** The options cdk8s 2.x passes to the yaml package (node_modules/cdk8s/lib/yaml.js): YAML 1.1 output, no folding. */
const CDK8S_YAML = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

interface Parsed {
  readonly path: string;
  readonly docs: unknown[];
}

/** Writes each file's objects as `serialize` renders them under a new directory; returns the wall time in ms. */
function timeWrite(files: readonly Parsed[], serialize: (docs: unknown[]) => string): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-floor-'));
  try {
    const started = performance.now();
    const made = new Set<string>();
    for (const f of files) {
      const target = path.join(out, f.path);
      const dir = path.dirname(target);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(target, serialize(f.docs));
    }
    return performance.now() - started;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function main(dist: string, runs: number): void {
  const files: Parsed[] = [];
  for (const [p, bytes] of readTree(dist)) {
    if (!p.endsWith('.yaml')) continue;
    const docs = parseAllDocuments(bytes.toString('utf8')).map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
    files.push({ path: p, docs });
  }
  const yamlMs: number[] = [];
  const jsonMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    yamlMs.push(timeWrite(files, (docs) => docs.map((d) => stringify(d, CDK8S_YAML)).join('---\n')));
    jsonMs.push(timeWrite(files, (docs) => JSON.stringify(docs)));
  }
  const objects = files.reduce((n, f) => n + f.docs.length, 0);
  process.stdout.write(`${JSON.stringify({ objects, files: files.length, yamlMs: median(yamlMs), jsonMs: median(jsonMs) })}\n`);
}

main(process.argv[2], Number(process.argv[3] ?? 3));
