import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { stringify } from 'yaml';
import {
  checkExpansion, ExpansionFinding, ExpectedInstance, formatExpansionFinding, listDirectories, readYamlObjects, runExpansionCheck, splitArgoObjects,
} from '../../lib/policy/appset-expansion';
import { appProject, appSet, expected, goodInput, rules, useRepos } from '../support/appset-fixtures';

/**
 * The comparison of the expansion with the expected instances and the AppProjects. Findings are data (rule, subject,
 * field, message); `line` is how they print on their own (formatExpansionFinding).
 */
const repo = useRepos();
const line = (f: ExpansionFinding): string => `${f.rule}: ${formatExpansionFinding(f)}`;
const lines = (findings: ExpansionFinding[]): string[] => findings.map(line);

describe('checkExpansion', () => {
  test('the synthesizer format expands exactly to the instances', () => {
    const root = repo();
    const result = runExpansionCheck({ ...goodInput(root), repoURL: 'https://github.com/acme/gitops', clusters: ['dev-us-east-1', 'prod-us-east-1', 'prod-eu-west-1'] });
    expect(result.findings).toEqual([]);
    expect(result.applications.map((a) => a.name).sort()).toEqual(expected().map((e) => `${e.env}-${e.region}-${e.app}`).sort());
  });

  test('works with a deeper dist prefix', () => {
    const root = repo('deploy/dist');
    expect(
      checkExpansion({ repoRoot: root, appSets: [appSet('dev', { prefix: 'deploy/dist' }), appSet('prod', { prefix: 'deploy/dist' })], appProjects: [appProject('dev'), appProject('prod')], expected: expected('deploy/dist') }),
    ).toEqual([]);
  });

  test('a dev project with wildcards allows everything in dev', () => {
    const input = { directories: listDirectories(repo()), appSets: [appSet('dev')], appProjects: [appProject('dev', [{ name: 'dev-*', namespace: '*' }])], expected: expected().filter((e) => e.env === 'dev') };
    expect(checkExpansion(input)).toEqual([]);
  });

  test('catches a wrong name template, on the ApplicationSet at the template field', () => {
    const set = appSet('prod');
    (set.spec.template.metadata as Record<string, unknown>).name = 'prod-{{ .path.basename }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), set] });
    expect(rules(findings)).toEqual(['app-name', 'app-name-duplicate']);
    expect(findings).toContainEqual({
      rule: 'app-name',
      subject: { kind: 'ApplicationSet', name: 'prod-services' },
      field: 'spec.template.metadata.name',
      message: 'Application prod-echo (dist/apps/prod/us-east-1/echo): name is "prod-echo", expected "prod-us-east-1-echo"',
    });
    expect(lines(findings)).toContainEqual(
      'app-name-duplicate: ApplicationSet prod-services: spec.template.metadata.name: Application name "prod-echo" is generated 2 times: dist/apps/prod/eu-west-1/echo (ApplicationSet prod-services), dist/apps/prod/us-east-1/echo (ApplicationSet prod-services)',
    );
  });

  test('catches a directory matched twice by two ApplicationSets', () => {
    const extra = appSet('dev', { name: 'dev-extra', directories: [{ path: 'dist/apps/dev/us-east-1/*' }] });
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), appSet('prod'), extra] });
    expect(rules(findings)).toEqual(['app-name-duplicate', 'instance-generated-twice']);
    expect(lines(findings)).toContainEqual(
      'instance-generated-twice: dist/apps/dev/us-east-1/echo: 2 Applications are generated for instance dev/us-east-1/echo: dev-us-east-1-echo (ApplicationSet dev-services), dev-us-east-1-echo (ApplicationSet dev-extra)',
    );
  });

  test('catches an extra matched directory (a stray dir, or the env dir itself)', () => {
    const root = repo();
    mkdirSync(join(root, 'dist/apps/dev/us-east-1/echo-old'), { recursive: true });
    writeFileSync(join(root, 'dist/apps/dev/us-east-1/echo-old/echo-old.yaml'), '');
    let findings = checkExpansion(goodInput(root));
    expect(findings).toHaveLength(3); // the stray dir; its team label (not in the dict); its namespace (not in the project)
    expect(line(findings[0])).toBe(
      'app-unexpected-directory: ApplicationSet dev-services: spec.generators[0].git.directories: Application dev-us-east-1-echo-old: dist/apps/dev/us-east-1/echo-old is not an app instance directory, yet the ApplicationSet generates an Application for it',
    );
    expect(findings[1]).toMatchObject({ rule: 'app-label-value', field: 'spec.template.metadata.labels', message: expect.stringContaining('label platform.acme.io/team renders to ""') });
    expect(findings[2]).toMatchObject({ rule: 'app-destination-not-permitted', field: 'spec.template.spec.destination' });

    // A pattern one level too shallow also matches the region directories.
    const wide = appSet('dev', { directories: [{ path: 'dist/apps/dev/*/*' }, { path: 'dist/apps/dev/*' }] });
    findings = checkExpansion({ ...goodInput(repo()), appSets: [wide, appSet('prod')] });
    expect(findings.filter((f) => f.rule === 'app-unexpected-directory').map((f) => f.message)).toEqual([
      'Application dev-us-east-1-us-east-1: dist/apps/dev/us-east-1 is not an app instance directory, yet the ApplicationSet generates an Application for it',
    ]);

    // Matching dist/apps/dev itself: its template cannot even render (index 3 out of range).
    const shallow = appSet('dev', { directories: [{ path: 'dist/apps/dev/*/*' }, { path: 'dist/apps/*' }] });
    findings = checkExpansion({ ...goodInput(repo()), appSets: [shallow, appSet('prod')] });
    expect(findings[0]).toEqual({
      rule: 'appset-invalid',
      subject: { kind: 'ApplicationSet', name: 'dev-services' },
      field: 'spec.template',
      message: 'rendering the template for dist/apps/dev: template "{{ index .path.segments 3 }}": error calling index: index out of range: 3',
    });
  });

  test('catches a destination the project does not allow', () => {
    const narrow = appProject('prod', [
      { name: 'prod-us-east-1', namespace: 'echo' },
      { name: 'prod-us-east-1', namespace: 'book-shop' },
      { name: 'prod-eu-west-1', namespace: 'echo' },
    ]);
    const findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev'), narrow] });
    expect(lines(findings)).toEqual([
      'app-destination-not-permitted: ApplicationSet prod-services: spec.template.spec.destination: Application prod-eu-west-1-book-shop (dist/apps/prod/eu-west-1/book-shop): AppProject prod does not allow destination prod-eu-west-1/book-shop',
    ]);
    // A deny entry wins even when another entry allows.
    const deny = appProject('prod', [{ name: 'prod-*', namespace: '*' }, { name: 'prod-*', namespace: '!book-shop' }]);
    expect(rules(checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev'), deny] }))).toEqual(['app-destination-not-permitted']);
  });

  test('catches automated sync in an env that should be manual (and a manual one that should be automated)', () => {
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev', { automated: false }), appSet('prod', { automated: true })] });
    expect(rules(findings)).toEqual(['app-sync-automated']);
    expect(findings).toHaveLength(6);
    expect(lines(findings)).toContainEqual(
      'app-sync-automated: ApplicationSet prod-services: spec.template.spec.syncPolicy.automated: Application prod-us-east-1-echo (dist/apps/prod/us-east-1/echo): prod syncs manually but syncPolicy.automated is set',
    );
    expect(lines(findings)).toContainEqual(
      'app-sync-automated: ApplicationSet dev-services: spec.template.spec.syncPolicy: Application dev-us-east-1-echo (dist/apps/dev/us-east-1/echo): dev syncs automatically but syncPolicy.automated is missing',
    );
  });

  test('automated sync needs prune and selfHeal; enabled: false means manual', () => {
    const set = appSet('dev');
    (set.spec.template.spec as Record<string, any>).syncPolicy.automated = { prune: true };
    expect(checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')] }).map((f) => f.message)).toContainEqual(expect.stringContaining('must have prune: true and selfHeal: true (got prune: true, selfHeal: null)'));
    const off = appSet('prod');
    (off.spec.template.spec as Record<string, any>).syncPolicy.automated = { enabled: false, prune: true, selfHeal: true };
    expect(checkExpansion({ ...goodInput(repo()), appSets: [appSet('dev'), off] })).toEqual([]);
  });

  test('catches a missing instance: no directory, or a directory no ApplicationSet matches; the instance is the subject', () => {
    const root = repo();
    const more: ExpectedInstance[] = [...expected(), { env: 'prod', region: 'eu-west-1', app: 'payments', automated: false, path: 'dist/apps/prod/eu-west-1/payments' }];
    expect(checkExpansion({ ...goodInput(root), expected: more })).toEqual([
      {
        rule: 'instance-dir-missing',
        subject: { kind: 'instance', env: 'prod', region: 'eu-west-1', app: 'payments', path: 'dist/apps/prod/eu-west-1/payments' },
        field: '',
        message: 'dist/apps/prod/eu-west-1/payments: directory of instance prod/eu-west-1/payments is not in the repository tree (Argo CD cannot generate its Application)',
      },
    ]);
    const excluding = appSet('prod', { directories: [{ path: 'dist/apps/prod/*/*' }, { path: 'dist/apps/prod/eu-west-1/*', exclude: true }] });
    const findings = checkExpansion({ ...goodInput(root), appSets: [appSet('dev'), excluding] });
    expect(lines(findings)).toEqual([
      'instance-not-generated: dist/apps/prod/eu-west-1/book-shop: no ApplicationSet generates an Application for instance prod/eu-west-1/book-shop (expected prod-eu-west-1-book-shop)',
      'instance-not-generated: dist/apps/prod/eu-west-1/echo: no ApplicationSet generates an Application for instance prod/eu-west-1/echo (expected prod-eu-west-1-echo)',
    ]);
  });

  test('catches wrong destination and source fields', () => {
    const set = appSet('dev');
    const spec = set.spec.template.spec as Record<string, any>;
    spec.destination = { server: 'https://kubernetes.default.svc', namespace: 'apps' };
    spec.source.path = '{{ .path.basename }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')] });
    expect(rules(findings)).toEqual(['app-destination', 'app-destination-not-permitted', 'app-source-path']);
    expect([...new Set(findings.filter((f) => f.rule === 'app-destination').map((f) => f.field))].sort()).toEqual([
      'spec.template.spec.destination.name', 'spec.template.spec.destination.namespace', 'spec.template.spec.destination.server',
    ]);
    expect(lines(findings)).toContainEqual(
      'app-source-path: ApplicationSet dev-services: spec.template.spec.source.path: Application dev-us-east-1-echo (dist/apps/dev/us-east-1/echo): source.path is "echo", expected "dist/apps/dev/us-east-1/echo"',
    );
  });

  test('catches a missing project and a source repository the project does not allow', () => {
    let findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('prod')] });
    expect(rules(findings)).toEqual(['app-project-missing']);
    expect(findings[0]).toMatchObject({ field: 'spec.template.spec.project', message: expect.stringMatching(/project "dev" is not among the AppProjects \(prod\)$/) });
    findings = checkExpansion({ ...goodInput(repo()), appProjects: [appProject('dev', undefined, ['https://github.com/other/*']), appProject('prod')] });
    expect(rules(findings)).toEqual(['app-source-not-permitted']);
    expect(findings[0].field).toBe('spec.template.spec.source.repoURL');
  });

  test('catches a generator or source pointing at another repository or revision', () => {
    const set = appSet('dev');
    (set.spec.template.spec as Record<string, any>).source.targetRevision = 'HEAD';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [set, appSet('prod')], repoURL: 'https://github.com/acme/other' });
    expect(rules(findings)).toEqual(['app-source-repo', 'appset-repo-url']);
    expect(findings.filter((f) => f.rule === 'appset-repo-url').map(line)).toEqual([
      'appset-repo-url: ApplicationSet dev-services: spec.generators[0].git.repoURL: "https://github.com/acme/gitops.git" is not the platform\'s repository; expected "https://github.com/acme/other"',
      'appset-repo-url: ApplicationSet prod-services: spec.generators[0].git.repoURL: "https://github.com/acme/gitops.git" is not the platform\'s repository; expected "https://github.com/acme/other"',
    ]); // once per generator
  });

  test('an unsupported ApplicationSet is a finding, and so are the instances it leaves out', () => {
    const bad = appSet('dev');
    (bad.spec.template.metadata as Record<string, unknown>).name = '{{ .path.basename | upper }}';
    const findings = checkExpansion({ ...goodInput(repo()), appSets: [bad, appSet('prod')] });
    expect(rules(findings)).toEqual(['appset-invalid', 'instance-not-generated']);
    expect(line(findings[0])).toMatch(/^appset-invalid: ApplicationSet dev-services: spec\.template: rendering the template for dist\/apps\/dev\/us-east-1\/book-shop: unsupported template action: /);
  });

  test('project patterns that cannot be evaluated are findings on the AppProject, at the field', () => {
    const p = appProject('dev', [{ name: 'dev-{a', namespace: '*' }], ['https://github.com/acme/gitops.git', 'https://github.com/[']);
    (p.spec as Record<string, unknown>).permitOnlyProjectScopedClusters = true;
    const findings = checkExpansion({ ...goodInput(repo()), appProjects: [p, appProject('prod')] }).filter((f) => f.rule === 'project-unverifiable');
    expect(lines(findings)).toEqual([
      'project-unverifiable: AppProject dev: spec.sourceRepos[1]: "https://github.com/[" is not a valid glob (Argo CD treats it as matching nothing)',
      'project-unverifiable: AppProject dev: spec.destinations[0].name: "dev-{a" is not a valid glob (Argo CD treats it as matching nothing)',
      "project-unverifiable: AppProject dev: spec.permitOnlyProjectScopedClusters: needs the project's cluster secrets and cannot be checked offline",
    ]);
  });

  test('unknown destination clusters', () => {
    const findings = checkExpansion({ ...goodInput(repo()), clusters: ['dev-us-east-1', 'prod-us-east-1'] });
    expect(rules(findings)).toEqual(['app-destination-unknown-cluster']);
    expect(findings).toHaveLength(2);
  });

  test('reads the Argo CD objects from YAML files', () => {
    const root = repo();
    const write = (rel: string, docs: unknown[]): void => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), docs.map((d) => stringify(d)).join('---\n'));
    };
    write('dist/argocd/appsets/dev/services.yaml', [appSet('dev')]);
    write('dist/argocd/appsets/prod/services.yaml', [appSet('prod')]);
    write('dist/argocd/projects/dev.yaml', [appProject('dev'), appProject('prod')]);
    write('dist/argocd/root.yaml', [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'root' } }, { apiVersion: 'v1', kind: 'Secret' }]);
    const { appSets, appProjects, applications } = splitArgoObjects(readYamlObjects(join(root, 'dist/argocd')));
    expect([appSets.length, appProjects.length, applications.length]).toEqual([2, 2, 1]);
    expect(checkExpansion({ repoRoot: root, appSets, appProjects, expected: expected() })).toEqual([]);
  });
});
