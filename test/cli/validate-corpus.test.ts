import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../lib/policy/gate';
import { CORPUS, ExpectedFinding, readExpectations } from '../support/policy-corpus';
import { ROOT, TempRepo } from '../support/repo';

/**
 * Issue 6's "done when": the real `npm run validate` on the hand-written corpus (test/fixtures/policy/)
 * reports every planted fault and nothing else. Each corpus file declares its expected findings in
 * `# expect:` lines (see test/fixtures/policy/README.md); the findings must equal them as a multiset
 * of (file, rule, object, path).
 */

interface JsonFinding {
  readonly rule?: string;
  readonly severity: string;
  readonly file?: string;
  readonly object?: string;
  readonly path?: string;
  readonly message: string;
}

interface JsonReport {
  readonly dir: string;
  readonly objects: number;
  readonly applicationSets: number;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: readonly JsonFinding[];
}

const CORPUS_ARG = path.relative(ROOT, CORPUS).split(path.sep).join('/');
let code: number | null;
let stderr: string;
let report: JsonReport;
let expected: ExpectedFinding[];

let repo: TempRepo;

beforeAll(async () => {
  // `npm run validate` in a repository with the frozen example's apps/ and envs/ (never the live ones),
  // the corpus at the same relative path as in this checkout.
  repo = new TempRepo();
  fs.mkdirSync(path.dirname(repo.path(CORPUS_ARG)), { recursive: true });
  fs.symlinkSync(CORPUS, repo.path(CORPUS_ARG), 'dir');
  const r = await repo.cli('validate', [CORPUS_ARG, '--format', 'json']);
  code = r.code;
  stderr = r.stderr;
  try {
    report = JSON.parse(r.stdout) as JsonReport;
  } catch {
    throw new Error(`validate ${CORPUS_ARG} --format json did not print JSON (exit ${String(r.code)}):\n${r.stdout}\n${r.stderr}`);
  }
  expected = readExpectations();
});
afterAll(() => repo?.cleanup());

const isStructured = (f: JsonFinding): boolean => typeof f.rule === 'string' && typeof f.file === 'string' && typeof f.object === 'string';

/** A finding as the `# expect:` line that declares it, prefixed with its file. */
const declaration = (f: { file?: string; rule?: string; object?: string; path?: string }): string =>
  `${f.file}: # expect: ${f.rule} ${f.object}${f.path ? ` ${f.path}` : ''}`;

test('validate exits 1 and prints the JSON report only', () => {
  expect(stderr).toBe('');
  expect(code).toBe(1);
  expect(report.dir).toBe(CORPUS_ARG);
  expect(report.objects).toBeGreaterThan(100);
});

test('the findings are exactly the declared ones (file, rule, object, path)', () => {
  const open = new Map<string, ExpectedFinding[]>();
  for (const e of expected) open.set(declaration(e), [...(open.get(declaration(e)) ?? []), e]);
  const unexpected: string[] = [];
  for (const f of report.findings.filter(isStructured)) {
    const left = open.get(declaration(f));
    if (left && left.length > 0) left.shift();
    else unexpected.push(`${declaration(f)}    <- ${f.severity}: ${f.message}`);
  }
  const missing = [...open.values()].flat().map((e) => `${declaration(e)}    (line ${e.line})`);
  // On failure: "missing" were declared but not reported; "unexpected" were reported but not declared
  // (each printed as the line that would declare it, followed by what validate said).
  expect({ missing: missing.sort(), unexpected: unexpected.sort() }).toEqual({ missing: [], unexpected: [] });
});

test('every finding is structured (rule id, file, object): an unstructured one cannot be declared', () => {
  const unstructured = report.findings.filter((f) => !isStructured(f)).map((f) => `${f.severity}: ${f.message}`);
  expect(unstructured).toEqual([]);
});

test('every rule of the gate has at least one declared finding in the corpus', () => {
  const declared = new Set(expected.map((e) => e.rule));
  const ids = ALL_RULES.map((r) => r.id);
  expect(ids.filter((id) => !declared.has(id)).map((id) => `${id}: no fixture declares a finding of it`)).toEqual([]);
});

test('pass files declare nothing', () => {
  expect(expected.filter((e) => /(^|\/|\.)pass\.ya?ml$/.test(e.file)).map(declaration)).toEqual([]);
});
