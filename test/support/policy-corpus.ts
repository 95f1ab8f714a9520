import * as fs from 'node:fs';
import * as path from 'node:path';
import { instanceOf, repoDirectories } from '../../lib/model';
import { listDirectories } from '../../lib/policy/appset-expansion';

/**
 * The policy fixture corpus (test/fixtures/policy/, see its README.md): hand-written manifests whose
 * expected findings are declared in the files themselves, one `# expect:` line each.
 */
export const CORPUS = path.resolve(__dirname, '..', 'fixtures', 'policy');

/** One declared finding: `# expect: <rule> <Kind> [<namespace>/]<name> [<field path>]`. */
export interface ExpectedFinding {
  /** File relative to the corpus, POSIX separators (as `npm run validate` reports it). */
  readonly file: string;
  /** 1-based line of the declaration. */
  readonly line: number;
  readonly rule: string;
  /** `Kind namespace/name` or `Kind name` (cluster-scoped), as in a finding. */
  readonly object: string;
  /** '' when the finding is about the whole object. */
  readonly path: string;
}

const EXPECT = /^# expect:(.*)$/;
// The name may be "(no name)" (an object without metadata.name); the field path is the rest of the line (it may hold spaces).
const FIELDS = /^ (\S+) (\S+) ((?:[^\s/]+\/)?\(no name\)|\S+)(?: (\S.*))?$/;

/** The `# expect:` line as a finding declaration, or undefined when it is not one (malformed lines throw). */
export function parseExpectLine(file: string, line: number, text: string): ExpectedFinding | undefined {
  const m = EXPECT.exec(text);
  if (!m) return undefined;
  const f = FIELDS.exec(m[1].trimEnd());
  if (!f) throw new Error(`${file}:${line}: malformed expectation "${text}"; expected "# expect: <rule> <Kind> [<namespace>/]<name> [<field path>]"`);
  return { file, line, rule: f[1], object: `${f[2]} ${f[3]}`, path: f[4] ?? '' };
}

/** Every YAML file of the corpus, relative, sorted. */
export function corpusFiles(dir = CORPUS): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (/\.ya?ml$/.test(e.name)) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/**
 * The declared findings of every corpus file. Declarations belong to the comment block at the top of
 * a file; one further down is an error (it would be easy to overlook).
 */
export function readExpectations(dir = CORPUS): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  for (const file of corpusFiles(dir)) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    let top = true;
    lines.forEach((text, i) => {
      if (!text.startsWith('#')) top = false;
      const e = parseExpectLine(file, i + 1, text);
      if (!e) return;
      if (!top) throw new Error(`${file}:${i + 1}: "# expect:" lines belong to the comment block at the top of the file`);
      out.push(e);
    });
  }
  return out;
}

/**
 * The namespace a corpus file's objects live in: the app directory for `apps/<env>/<region>/<app>/...`
 * (as in dist/), else the file's path without `.yaml`, `/` and `.` turned into `-`
 * (`pss/pass.yaml` -> `pss-pass`, `wiring/names-unique.fail.yaml` -> `wiring-names-unique-fail`).
 * A second namespace of the same file is this one plus `-other`.
 */
export function corpusNamespace(file: string): string {
  const instance = instanceOf(file);
  if (instance) return instance.app;
  return file.replace(/\.ya?ml$/, '').replace(/[/.]/g, '-');
}

/**
 * The repository directories npm run validate gives the Argo CD checks for the corpus: the corpus has the dist/
 * layout (argocd/appsets/<env>/services.yaml), so it plays dist/ and its directories are listed under the
 * platform's distPath, "dist" (dist, dist/apps, dist/apps/prod, ...).
 */
export const CORPUS_DIRECTORIES: readonly string[] = repoDirectories('dist', listDirectories(CORPUS));
