import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  ApplicationSetError,
  checkExpansion,
  directoryParams,
  expandApplicationSet,
  filterDirectories,
  isDestinationPermitted,
  isSourcePermitted,
  listDirectories,
  normalizeGitURL,
  sanitizeName,
} from '../../lib/policy/appset-expansion';
import { appSet, expected, goodInput, instanceDirs, REPO, useRepos } from '../support/appset-fixtures';

/** The generator and template semantics of the expansion check (the comparison: appset-expansion-check.test.ts). */
const repo = useRepos();

describe('listDirectories', () => {
  test('lists every directory like the repo server: relative, pre-order, hidden/node_modules/empty skipped', () => {
    const root = repo();
    expect(listDirectories(root)).toEqual([
      'apps',
      'dist',
      'dist/apps',
      'dist/apps/dev',
      'dist/apps/dev/us-east-1',
      'dist/apps/dev/us-east-1/book-shop',
      'dist/apps/dev/us-east-1/echo',
      'dist/apps/prod',
      'dist/apps/prod/eu-west-1',
      'dist/apps/prod/eu-west-1/book-shop',
      'dist/apps/prod/eu-west-1/echo',
      'dist/apps/prod/us-east-1',
      'dist/apps/prod/us-east-1/book-shop',
      'dist/apps/prod/us-east-1/echo',
      'dist/argocd',
      'dist/argocd/projects',
    ]);
  });

  test('includeEmpty keeps directories git could not hold', () => {
    const root = repo();
    const all = listDirectories(root, { includeEmpty: true });
    expect(all).toContain('dist/apps/dev/empty-region');
    expect(all).toContain('dist/apps/dev/empty-region/ghost');
    expect(all.some((d) => d.startsWith('.') || d.includes('/.') || d.startsWith('node_modules'))).toBe(false);
  });

  test('a directory holding only a hidden directory with files still exists (git creates it)', () => {
    const root = repo();
    mkdirSync(join(root, 'only-hidden/.cfg'), { recursive: true });
    writeFileSync(join(root, 'only-hidden/.cfg/a'), '');
    const dirs = listDirectories(root);
    expect(dirs).toContain('only-hidden');
    expect(dirs).not.toContain('only-hidden/.cfg');
  });
});

describe('parameters', () => {
  test('directoryParams: path, basename, basenameNormalized, segments (strings.Split)', () => {
    expect(directoryParams('dist/apps/dev/us-east-1/Book_Shop')).toEqual({
      path: { path: 'dist/apps/dev/us-east-1/Book_Shop', basename: 'Book_Shop', basenameNormalized: 'book-shop', segments: ['dist', 'apps', 'dev', 'us-east-1', 'Book_Shop'] },
    });
    expect(directoryParams('a/b', 'app')).toEqual({ app: { path: { path: 'a/b', basename: 'b', basenameNormalized: 'b', segments: ['a', 'b'] } } });
  });

  test.each([
    ['Book_Shop', 'book-shop'],
    ['my.app', 'my.app'],
    ['-weird-', 'weird'],
    ['.x.', 'x'],
    ['ünï', 'n'],
    ['a b', 'a-b'],
  ])('sanitizeName(%j) = %j', (input, out) => {
    expect(sanitizeName(input)).toBe(out);
  });
});

describe('expandApplicationSet', () => {
  test('renders one Application per instance directory of the env, as Argo CD would', () => {
    const root = repo();
    const apps = expandApplicationSet(appSet('dev'), listDirectories(root));
    expect(apps.map((a) => a.name)).toEqual(['dev-us-east-1-book-shop', 'dev-us-east-1-echo']);
    const shop = apps[0];
    expect(shop).toMatchObject({
      appSet: 'dev-services',
      directory: 'dist/apps/dev/us-east-1/book-shop',
      namespace: 'argocd',
      labels: { 'platform.acme.io/env': 'dev', 'platform.acme.io/region': 'us-east-1', 'platform.acme.io/team': 'shop' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      project: 'dev',
      source: { repoURL: REPO, targetRevision: 'main', path: 'dist/apps/dev/us-east-1/book-shop' },
      destination: { name: 'dev-us-east-1', namespace: 'book-shop' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=true'], retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } },
    });
    // Non-strings pass through, the manifest is a complete Application.
    expect(shop.manifest).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'dev-us-east-1-book-shop', namespace: 'argocd' } });
    expect(apps[1].labels['platform.acme.io/team']).toBe('platform');
  });

  test('map keys are rendered as well as values (argo-cd applicationset/utils/utils.go), so dotted keys stay as they are', () => {
    const base = appSet('dev');
    const t = base.spec.template as { metadata: Record<string, unknown> };
    const template = {
      ...t,
      metadata: {
        ...t.metadata,
        annotations: {
          'notifications.argoproj.io/subscribe.on-deployed.slack': '{{ get (dict "book-shop" "shop-deploys" "echo" "deploys") .path.basename }}',
          'team.{{ .path.basename }}/owner': 'x',
        },
      },
    };
    const apps = expandApplicationSet({ ...base, spec: { ...base.spec, template } }, listDirectories(repo()));
    expect(apps.map((a) => a.annotations)).toEqual([
      { 'notifications.argoproj.io/subscribe.on-deployed.slack': 'shop-deploys', 'team.book-shop/owner': 'x' },
      { 'notifications.argoproj.io/subscribe.on-deployed.slack': 'deploys', 'team.echo/owner': 'x' },
    ]);
  });

  test('a deeper prefix works: the segment index comes from the template', () => {
    const root = repo('deploy/dist');
    const apps = expandApplicationSet(appSet('prod', { prefix: 'deploy/dist' }), listDirectories(root));
    expect(apps.map((a) => [a.name, a.destination.name, a.source?.path])).toEqual([
      ['prod-eu-west-1-book-shop', 'prod-eu-west-1', 'deploy/dist/apps/prod/eu-west-1/book-shop'],
      ['prod-eu-west-1-echo', 'prod-eu-west-1', 'deploy/dist/apps/prod/eu-west-1/echo'],
      ['prod-us-east-1-book-shop', 'prod-us-east-1', 'deploy/dist/apps/prod/us-east-1/book-shop'],
      ['prod-us-east-1-echo', 'prod-us-east-1', 'deploy/dist/apps/prod/us-east-1/echo'],
    ]);
    expect(apps.every((a) => a.syncPolicy?.automated === undefined)).toBe(true);
  });

  test('exclude wins over include, whatever the order', () => {
    const dirs = instanceDirs();
    const include = { path: 'dist/apps/prod/*/*' };
    const exclude = { path: 'dist/apps/prod/*/book-shop', exclude: true };
    const want = ['dist/apps/prod/us-east-1/echo', 'dist/apps/prod/eu-west-1/echo'];
    expect(filterDirectories([include, exclude], dirs)).toEqual(want);
    expect(filterDirectories([exclude, include], dirs)).toEqual(want);
    expect(filterDirectories([exclude], dirs)).toEqual([]); // excludes alone include nothing
    const apps = expandApplicationSet(appSet('prod', { directories: [exclude, include] }), dirs);
    expect(apps.map((a) => a.name)).toEqual(['prod-us-east-1-echo', 'prod-eu-west-1-echo']);
  });

  test('git values are rendered with the path params and exposed as .values', () => {
    const set = appSet('dev', {
      template: () => ({ metadata: { name: '{{ .values.prefix }}-{{ .path.basename }}' }, spec: { project: 'dev', destination: { name: 'x', namespace: 'y' } } }),
    });
    (set.spec.generators[0].git as Record<string, unknown>).values = { prefix: 'v-{{ index .path.segments 2 }}' };
    expect(expandApplicationSet(set, ['dist/apps/dev/us-east-1/echo']).map((a) => a.name)).toEqual(['v-dev-echo']);
  });

  type Mutate = (s: ReturnType<typeof appSet>) => void;
  test.each<[string, Mutate, string, RegExp]>([
    ['a list generator', (s) => (s.spec.generators = [{ list: { elements: [] } } as never]), 'spec.generators[0]', /^unsupported generator "list" \(only git.directories is supported\)$/],
    ['a matrix generator', (s) => (s.spec.generators = [{ matrix: { generators: [] } } as never]), 'spec.generators[0]', /^unsupported generator "matrix"/],
    ['a git files generator', (s) => (s.spec.generators = [{ git: { repoURL: REPO, revision: 'main', files: [{ path: 'x.json' }] } } as never]), 'spec.generators[0].git.files', /git files generator is not supported/],
    ['a misspelt git field', (s) => (s.spec.generators = [{ git: { repoUrl: REPO, revision: 'main', directories: [{ path: 'x' }] } } as never]), 'spec.generators[0].git', /^unknown field\(s\) repoUrl$/],
    ['fasttemplate', (s) => ((s.spec as Record<string, unknown>).goTemplate = false), 'spec.goTemplate', /^must be true: only Go templates are supported/],
    ['templatePatch', (s) => ((s.spec as Record<string, unknown>).templatePatch = 'x'), 'spec.templatePatch', /^not supported$/],
    ['a pipe in the template', (s) => ((s.spec.template.metadata as Record<string, unknown>).name = '{{ .path.basename | upper }}'), 'spec.template', /^rendering the template for dist\/apps\/dev\/us-east-1\/book-shop: unsupported template action/],
    ['a missing key', (s) => ((s.spec.template.metadata as Record<string, unknown>).name = '{{ .path.nope }}'), 'spec.template', /map has no entry for key "nope"/],
    ['a malformed pattern', (s) => (s.spec.generators[0].git.directories = [{ path: 'dist/apps/dev/*/*' }, { path: 'dist/apps/dev/[' }]), 'spec.generators[0].git.directories[1].path', /^"dist\/apps\/dev\/\[": syntax error in pattern \(Argo CD would log this and ignore the entry\)$/],
    ['a values template that fails', (s) => ((s.spec.generators[0].git as Record<string, unknown>).values = { x: '{{ .path.nope }}' }), 'spec.generators[0].git.values', /^rendering the values for dist\/apps\/dev\/us-east-1\/book-shop: .*"nope"/],
  ])('refuses %s: an ApplicationSetError naming the field', (_what, mutate, field, detail) => {
    const set = appSet('dev');
    mutate(set);
    let error: unknown;
    try {
      expandApplicationSet(set, instanceDirs());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApplicationSetError);
    const e = error as ApplicationSetError;
    expect([e.appSet, e.field]).toEqual(['dev-services', field]);
    expect(e.detail).toMatch(detail);
    expect(e.message).toBe(`ApplicationSet dev-services: ${field}: ${e.detail}`);
  });

  test('removing an app directory removes exactly its Application', () => {
    const root = repo();
    const sets = [appSet('dev'), appSet('prod')];
    const before = sets.flatMap((s) => expandApplicationSet(s, listDirectories(root)));
    rmSync(join(root, 'dist/apps/prod/eu-west-1/book-shop'), { recursive: true });
    const after = sets.flatMap((s) => expandApplicationSet(s, listDirectories(root)));
    const names = (l: typeof before) => l.map((a) => a.name);
    expect(names(before).filter((n) => !names(after).includes(n))).toEqual(['prod-eu-west-1-book-shop']);
    expect(names(after).filter((n) => !names(before).includes(n))).toEqual([]);
    expect(after).toEqual(before.filter((a) => a.name !== 'prod-eu-west-1-book-shop'));
    // And the check agrees once the instance is no longer expected; it flags it while it still is.
    const input = { ...goodInput(root), expected: expected().filter((e) => e.path !== 'dist/apps/prod/eu-west-1/book-shop') };
    expect(checkExpansion(input)).toEqual([]);
    expect(checkExpansion(goodInput(root))).toEqual([
      {
        rule: 'instance-dir-missing',
        subject: { kind: 'instance', env: 'prod', region: 'eu-west-1', app: 'book-shop', path: 'dist/apps/prod/eu-west-1/book-shop' },
        field: '',
        message: expect.stringMatching(/^dist\/apps\/prod\/eu-west-1\/book-shop: directory of instance prod\/eu-west-1\/book-shop is not in the repository tree/),
      },
    ]);
  });
});

describe('AppProject matching', () => {
  test('normalizeGitURL', () => {
    expect(normalizeGitURL(' https://GitHub.com/Acme/GitOps.git ')).toBe('https://github.com/acme/gitops');
    expect(normalizeGitURL('git@github.com:acme/gitops.git')).toBe('git@github.com/acme/gitops');
    expect(normalizeGitURL('ssh://git@github.com/acme/gitops')).toBe('git@github.com/acme/gitops');
  });

  test('isSourcePermitted: normalized URLs, "/"-separated globs, deny patterns', () => {
    const p = (sourceRepos: string[]) => ({ spec: { sourceRepos } });
    expect(isSourcePermitted(p([REPO]), 'https://github.com/acme/gitops')).toBe(true);
    expect(isSourcePermitted(p(['https://github.com/acme/*']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['https://github.com/*']), REPO)).toBe(false); // * stops at '/'
    expect(isSourcePermitted(p(['https://github.com/**']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['*']), REPO)).toBe(true);
    expect(isSourcePermitted(p(['git@github.com:acme/*']), 'git@github.com:acme/gitops.git')).toBe(true);
    expect(isSourcePermitted(p(['*', '!https://github.com/acme/gitops']), REPO)).toBe(false);
    expect(isSourcePermitted(p([]), REPO)).toBe(false);
  });

  test('isDestinationPermitted: name or server, namespace, no separators, deny', () => {
    const p = (destinations: object[]) => ({ spec: { destinations } });
    expect(isDestinationPermitted(p([{ name: 'dev-us-east-1', namespace: 'echo' }]), { name: 'dev-us-east-1', namespace: 'echo' })).toBe(true);
    expect(isDestinationPermitted(p([{ name: 'dev-us-east-1', namespace: 'echo' }]), { name: 'dev-us-east-1', namespace: 'book-shop' })).toBe(false);
    expect(isDestinationPermitted(p([{ name: 'dev-*', namespace: '*' }]), { name: 'dev-eu/west', namespace: 'a.b' })).toBe(true);
    expect(isDestinationPermitted(p([{ server: '*', namespace: '*' }]), { name: 'dev-us-east-1', namespace: 'echo' })).toBe(false); // server pattern, name destination
    expect(isDestinationPermitted(p([{ server: 'https://kubernetes.default.svc', namespace: 'x' }]), { server: 'https://kubernetes.default.svc', namespace: 'x' })).toBe(true);
    expect(isDestinationPermitted(p([{ name: '*', namespace: '*' }, { name: '*', namespace: '!kube-system' }]), { name: 'c', namespace: 'kube-system' })).toBe(false);
    expect(isDestinationPermitted(p([]), { name: 'c', namespace: 'x' })).toBe(false);
  });
});
