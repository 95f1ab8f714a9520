/**
 * The template generator (lib/template, pure): placeholders in paths and contents, other braces left alone, unknown
 * placeholders and bad parameters refused; and the examples: each is exactly a fresh generation.
 */
import * as path from 'node:path';
import { readTemplate, readTree } from '../../lib/cli/template-files';
import { checkParams, diffTrees, githubRepositoryOf, overlay, PLACEHOLDERS, registryOf, renderTemplate, TemplateError, TemplateParams } from '../../lib/template';
import { EXAMPLES, generateExample } from '../../lib/template/examples';
import { ROOT } from '../support/repo';

const PARAMS: TemplateParams = { name: 'book-shop', image: 'ghcr.io/acme/book-shop', port: 9000, gitopsRepository: 'acme/gitops' };
const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('renderTemplate', () => {
  test('fills the placeholders in paths and contents; sorted by path', () => {
    const out = renderTemplate(files({
      'src/{{APP_MODULE}}/__init__.py': '"""{{APP_NAME}} on {{PORT}}"""\n',
      'Dockerfile': 'EXPOSE {{PORT}}\n',
      'ci.yml': "image: '{{IMAGE}}'\nregistry: '{{REGISTRY}}'\nrepo: '{{GITOPS_REPO}}'\n",
    }), PARAMS);
    expect([...out]).toEqual([
      ['Dockerfile', 'EXPOSE 9000\n'],
      ['ci.yml', "image: 'ghcr.io/acme/book-shop'\nregistry: 'ghcr.io'\nrepo: 'acme/gitops'\n"],
      ['src/book_shop/__init__.py', '"""book-shop on 9000"""\n'],
    ]);
  });

  test('GitHub expressions, Go templates and other braces are not placeholders', () => {
    const text = "a: ${{ github.sha }}\nb: --format '{{json .Manifest}}'\nc: {{ APP_NAME }}\nd: {{app_name}}\n";
    expect(renderTemplate(files({ 'x.yml': text }), PARAMS).get('x.yml')).toBe(text);
  });

  test('an unknown placeholder is refused with its file and line (all of them at once)', () => {
    const run = () => renderTemplate(files({ 'a.txt': 'ok\n{{APP_NAME}} {{APP_NAM}}\n', '{{TEAM}}/b.txt': '' }), PARAMS);
    expect(run).toThrow(TemplateError);
    expect(run).toThrow(/a\.txt:2: unknown placeholder \{\{APP_NAM\}\}; path \{\{TEAM\}\}\/b\.txt: unknown placeholder \{\{TEAM\}\} \(known: APP_NAME, APP_MODULE, IMAGE, REGISTRY, PORT, GITOPS_REPO\)/);
  });

  test('two files that render to one path are refused', () => {
    expect(() => renderTemplate(files({ 'book_shop/a': '', '{{APP_MODULE}}/a': '' }), PARAMS)).toThrow(/renders to book_shop\/a, like another file/);
  });

  test.each([
    [{ name: '3d-printer' }, 'name: "3d-printer" must start with a letter: it names the Python package "3d_printer"'],
    [{ name: 'logging' }, 'name: "logging" would name the Python package "logging", which is a Python keyword or shadows a module'],
    [{ name: 'flask' }, 'shadows a module'],
    [{ name: 'import' }, 'Python keyword'],
    [{ image: 'ghcr.io/acme/shop:1.0' }, 'image: "ghcr.io/acme/shop:1.0" must be an image repository without tag or digest'],
    [{ port: 0 }, 'port: must be an integer from 1 to 65535, got 0'],
    [{ gitopsRepository: 'https://github.com/acme/gitops' }, 'gitopsRepository: "https://github.com/acme/gitops" must be a GitHub repository as owner/name'],
  ])('refuses %j', (patch, message) => {
    expect(() => renderTemplate(files({ a: '' }), { ...PARAMS, ...patch })).toThrow(message);
  });

  test('checkParams accepts a usual service', () => {
    expect(checkParams(PARAMS)).toEqual([]);
    expect(checkParams({ ...PARAMS, name: 'echo', image: 'acme/echo' })).toEqual([]);
  });

  test('registryOf and githubRepositoryOf', () => {
    expect(['ghcr.io/acme/a', 'registry.example.com:5000/a/b', 'localhost/a', 'acme/a'].map(registryOf)).toEqual(['ghcr.io', 'registry.example.com:5000', 'localhost', 'docker.io']);
    expect(['https://github.com/acme/gitops.git', 'https://github.com/acme/gitops', 'git@github.com:acme/gitops.git', 'ssh://git@github.com/acme/gitops.git', 'https://gitlab.com/acme/gitops.git']
      .map(githubRepositoryOf)).toEqual(['acme/gitops', 'acme/gitops', 'acme/gitops', 'acme/gitops', undefined]);
  });

  test('overlay replaces and adds; diffTrees names missing, extra and changed files', () => {
    const merged = overlay(files({ a: '1', b: '2' }), files({ b: 'two', c: '3' }));
    expect([...merged]).toEqual([['a', '1'], ['b', 'two'], ['c', '3']]);
    expect(diffTrees(merged, files({ a: '1', b: '2', d: '4' }))).toEqual({ missing: ['c'], extra: ['d'], changed: ['b'] });
  });
});

describe('templates/python-service', () => {
  const template = readTemplate('python-service');

  test('renders (no unknown placeholder) and uses every placeholder it defines', () => {
    const out = renderTemplate(template, PARAMS);
    expect(out.size).toBe(template.size);
    const all = [...template].map(([p, t]) => `${p}\n${t}`).join('\n');
    for (const key of Object.keys(PLACEHOLDERS)) expect({ key, used: all.includes(`{{${key}}}`) }).toEqual({ key, used: true });
    expect([...out.values()].some((t) => /\{\{[A-Z][A-Z0-9_]*\}\}/.test(t))).toBe(false);
  });
});

describe.each(EXAMPLES.map((e) => [e.dir, e] as const))('%s', (_dir, example) => {
  test('equals a fresh generation: templates/<template> rendered with its parameters, plus its overlay (npm run examples)', () => {
    const want = generateExample(readTemplate(example.template), readTree(path.join(ROOT, example.overlay)), example.params);
    const have = readTree(path.join(ROOT, example.dir));
    expect(diffTrees(want, have)).toEqual({ missing: [], extra: [], changed: [] });
  });

  test('its overlay only adds to the template\'s extension point and tests (it does not fork the platform code)', () => {
    const own = [...readTree(path.join(ROOT, example.overlay)).keys()];
    for (const f of own) expect(f).toMatch(/^(src\/[a-z_]+\/routes\.py|tests\/test_[a-z_]+\.py)$/);
  });
});
