/**
 * `npm run examples [-- --check]`: regenerates each example repository under examples/ from its template, its
 * parameters and its overlay (lib/template/examples.ts): writes what differs and removes files the generation does not
 * have (tool leftovers such as .venv/ and __pycache__/ are left alone). `--check` only compares and exits 1 when an
 * example is not what a fresh generation gives, listing the files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTemplate, readTree } from '../lib/cli/template-files';
import { diffTrees } from '../lib/template';
import { EXAMPLES, generateExample } from '../lib/template/examples';

const ROOT = path.resolve(__dirname, '..');

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`error: unknown argument ${unknown[0]}; usage: npm run examples [-- --check]\n`);
    return 2;
  }
  let stale = 0;
  for (const ex of EXAMPLES) {
    const dir = path.join(ROOT, ex.dir);
    const want = generateExample(readTemplate(ex.template), readTree(path.join(ROOT, ex.overlay)), ex.params);
    const have = fs.existsSync(dir) ? readTree(dir) : new Map<string, string>();
    const d = diffTrees(want, have);
    const changes = [...d.missing.map((f) => `missing: ${f}`), ...d.changed.map((f) => `changed: ${f}`), ...d.extra.map((f) => `extra: ${f}`)];
    if (check) {
      if (changes.length > 0) {
        stale++;
        process.stderr.write(`examples: ${ex.dir} is not a fresh generation of templates/${ex.template} + ${ex.overlay} (run npm run examples)\n`);
        for (const c of changes) process.stderr.write(`  ${c}\n`);
      }
      continue;
    }
    for (const f of [...d.missing, ...d.changed]) {
      const file = path.join(dir, ...f.split('/'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, want.get(f)!);
    }
    for (const f of d.extra) fs.rmSync(path.join(dir, ...f.split('/')));
    process.stdout.write(`examples: ${ex.dir}: ${want.size} files (${d.missing.length} added, ${d.changed.length} changed, ${d.extra.length} removed)\n`);
  }
  if (check && stale === 0) process.stdout.write(`examples: ${EXAMPLES.map((e) => e.dir).join(', ')} up to date\n`);
  return stale > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
