/**
 * The template's own pytest suite, run by `npm test` (and so by .ci/run, which installs the Python packages from
 * Debian): on a fresh generation of templates/python-service for another app, and on examples/echo in place. Then the
 * container contract, read from the template's files: the golden app's uid, probes and /tmp, a digest-pinned base,
 * and an exec-form CMD that runs gunicorn with the config the pytest suite runs the server with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTemplate, readTree, writeTree } from '../../lib/cli/template-files';
import { GOLDEN_APP_DEFAULTS } from '../../lib/constructs/golden-app-props';
import { PROMETHEUS_TEXT_MARK } from '../../lib/model/smoke-test';
import { renderTemplate } from '../../lib/template';
import { pyflakes, python, pytest } from '../support/python';
import { ROOT } from '../support/repo';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'python-service-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the Python packages the template needs are installed (.ci/run installs them; this fails rather than skips)', () => {
  expect(() => python()).not.toThrow();
});

test('a fresh generation for another app (book-shop, port 9000) passes its own tests', () => {
  const dir = path.join(tmp, 'book-shop');
  writeTree(dir, renderTemplate(readTemplate('python-service'), { name: 'book-shop', image: 'ghcr.io/acme/book-shop', port: 9000, gitopsRepository: 'acme/gitops' }));
  const r = pytest(dir);
  expect({ code: r.code, summary: r.summary }).toEqual({ code: 0, summary: expect.stringMatching(/^\d+ passed in /) });
  // pytest left nothing behind (no caches): the generated tree is what was written.
  expect([...readTree(dir).keys()].some((f) => f.includes('__pycache__'))).toBe(false);
});

test('examples/echo passes its tests (the template\'s and echo\'s own), leaving nothing behind', () => {
  const dir = path.join(ROOT, 'examples', 'echo');
  const r = pytest(dir);
  if (r.code !== 0) throw new Error(r.output);
  expect(r.summary).toMatch(/^\d+ passed in /);
  expect(fs.existsSync(path.join(dir, '.pytest_cache'))).toBe(false);
  expect(fs.existsSync(path.join(dir, 'src', 'echo', '__pycache__'))).toBe(false);
});

test('examples/echo and a fresh generation are lint-clean (make lint: pyflakes)', () => {
  for (const dir of [path.join(ROOT, 'examples', 'echo'), path.join(tmp, 'book-shop')]) expect({ dir, ...pyflakes(dir) }).toEqual({ dir, code: 0, output: '' });
});

describe('the container contract (templates/python-service)', () => {
  const t = readTemplate('python-service');
  const dockerfile = t.get('Dockerfile')!;
  const instructions = dockerfile.replace(/\\\n\s*/g, ' ').split('\n').filter((l) => /^[A-Z]+\s/.test(l));
  const module = (f: string) => t.get(`src/{{APP_MODULE}}/${f}`)!;

  test('every base image is pinned by digest (or is an earlier stage)', () => {
    const stages = new Set<string>();
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const [, image, , stage] = from.split(/\s+/);
      expect({ from, pinned: stages.has(image) || /^[\w./-]+(:[\w.-]+)?@sha256:[0-9a-f]{64}$/.test(image) }).toEqual({ from, pinned: true });
      if (stage) stages.add(stage);
    }
  });

  test(`runs as uid ${GOLDEN_APP_DEFAULTS.runAsUser} (the golden app's runAsUser), set after the last FROM`, () => {
    const lastFrom = instructions.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
    const users = instructions.slice(lastFrom).filter((l) => l.startsWith('USER '));
    expect(users).toEqual([`USER ${GOLDEN_APP_DEFAULTS.runAsUser}:${GOLDEN_APP_DEFAULTS.runAsUser}`]);
  });

  test('CMD is exec form (a JSON array: no shell at run time), gunicorn with the config the tests run; no ENTRYPOINT, no HEALTHCHECK', () => {
    const cmd = instructions.filter((l) => l.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].slice(4))).toEqual(['gunicorn', '--config', 'python:{{APP_MODULE}}.gunicorn_conf', '{{APP_MODULE}}.wsgi:app']);
    expect(t.get('tests/conftest.py')).toContain('sys.argv = ["gunicorn", "--config", "python:{{APP_MODULE}}.gunicorn_conf", "{{APP_MODULE}}.wsgi:app"]');
    expect(instructions.filter((l) => /^(ENTRYPOINT|HEALTHCHECK) /.test(l))).toEqual([]);
  });

  test('nothing is written at run time outside /tmp: no bytecode, HOME and the worker heartbeat in /tmp', () => {
    expect(dockerfile).toMatch(/PYTHONDONTWRITEBYTECODE=1/);
    expect(dockerfile).toMatch(/HOME=\/tmp/);
    expect(module('gunicorn_conf.py')).toMatch(/^worker_tmp_dir = "\/tmp"$/m);
    expect(module('gunicorn_conf.py')).toMatch(/^accesslog = None$/m);
    // The suite's server test runs under an audit hook that reports any write outside /tmp.
    expect(t.get('tests/conftest.py')).toContain('ALLOWED = ("/tmp/", "/dev/")');
  });

  test('probes, metrics and port are where the golden app and new-app expect them', () => {
    const app = module('app.py');
    expect(app).toContain(`@app.get("${GOLDEN_APP_DEFAULTS.health.liveness}")`);
    expect(app).toContain(`@app.get("${GOLDEN_APP_DEFAULTS.health.readiness}")`);
    expect(app).toContain(`@app.get("${GOLDEN_APP_DEFAULTS.metricsPath}")`);
    expect(t.get('tests/test_metrics.py')).toContain(`"${PROMETHEUS_TEXT_MARK}" in text`);
    expect(module('config.py')).toContain('e["PORT"]');
    expect(dockerfile).toMatch(/PORT=\{\{PORT\}\}/);
    expect(dockerfile).toMatch(/^EXPOSE \{\{PORT\}\}$/m);
    expect(module('metrics.py')).toContain('"http_requests_total"');
  });
});
