import { parseAllDocuments } from 'yaml';
import { GOLDEN_APP_KINDS } from '../../lib/constructs/golden-app-kinds';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;
type Entry = { group: string; kind: string };

const plan = planSynth(exampleInput);
const docs = (prefix: string): { file: string; obj: Obj }[] =>
  plan.files
    .filter((f) => f.path.startsWith(prefix) && f.path.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => ({ file: f.path, obj: d.toJS() as Obj })));
const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const envs = Object.keys(exampleInput.envs);
const projectOf = (env: string): Obj => {
  const [project] = docs(`argocd/projects/${env}.yaml`).map((d) => d.obj).filter((o) => o.kind === 'AppProject');
  return project;
};

/** What `project` does not permit of the objects: cluster-scoped ones (no namespace) need clusterResourceWhitelist, the others namespaceResourceWhitelist. */
function notPermitted(project: Obj, objects: { file: string; obj: Obj }[]): string[] {
  const has = (list: Entry[] | undefined, o: Obj) => (list ?? []).some((w) => w.group === groupOf(o.apiVersion) && w.kind === o.kind);
  return objects
    .filter(({ obj }) => !(obj.metadata.namespace ? has(project.spec.namespaceResourceWhitelist, obj) : has(project.spec.clusterResourceWhitelist, obj)))
    .map(({ file, obj }) => `${file}: ${obj.apiVersion} ${obj.kind} (${obj.metadata.namespace ? 'namespaced' : 'cluster-scoped'}) is not permitted by AppProject ${project.metadata.name}`);
}

test.each(envs)('every kind synth emits under apps/%s/ is permitted by that env\'s AppProject, in its scope', (env) => {
  const objects = docs(`apps/${env}/`);
  expect(objects.length).toBeGreaterThan(0);
  expect(notPermitted(projectOf(env), objects)).toEqual([]);
});

test('the check catches a kind the AppProject leaves out', () => {
  const project = projectOf('prod');
  const without = { ...project, spec: { ...project.spec, namespaceResourceWhitelist: project.spec.namespaceResourceWhitelist.filter((w: Entry) => w.kind !== 'ConfigMap') } };
  const missing = notPermitted(without, docs('apps/prod/'));
  expect(missing.length).toBeGreaterThan(0);
  for (const m of missing) expect(m).toMatch(/: v1 ConfigMap \(namespaced\) is not permitted by AppProject prod$/);
});

test('the AppProjects permit exactly the golden app\'s kinds, and the example emits every one of them in its scope', () => {
  const entries = (clusterScoped: boolean): Entry[] =>
    [...new Map(GOLDEN_APP_KINDS.filter((k) => k.clusterScoped === clusterScoped).map((k) => [`${k.group}/${k.kind}`, { group: k.group, kind: k.kind }])).values()]
      .sort((a, b) => (`${a.group}/${a.kind}` < `${b.group}/${b.kind}` ? -1 : 1));
  for (const env of envs) {
    const { spec } = projectOf(env);
    expect(spec.clusterResourceWhitelist).toEqual(entries(true));
    expect(spec.namespaceResourceWhitelist).toEqual(entries(false));
  }
  const emitted = new Set(docs('apps/').map(({ obj }) => `${groupOf(obj.apiVersion)}/${obj.kind}/${obj.metadata.namespace ? 'namespaced' : 'cluster'}`));
  const listed = new Set(GOLDEN_APP_KINDS.map((k) => `${k.group}/${k.kind}/${k.clusterScoped ? 'cluster' : 'namespaced'}`));
  expect([...emitted].sort()).toEqual([...listed].sort());
});

test('each instance\'s objects come in the order of GOLDEN_APP_KINDS (the golden app constructs through that list)', () => {
  const position = (o: Obj) => GOLDEN_APP_KINDS.findIndex((k) => k.group === groupOf(o.apiVersion) && k.kind === o.kind);
  const byFile = new Map<string, number[]>();
  for (const { file, obj } of docs('apps/')) byFile.set(file, [...(byFile.get(file) ?? []), position(obj)]);
  expect(byFile.size).toBe(plan.resolved.instances.length);
  for (const [file, positions] of byFile) {
    expect([file, positions.every((p, i) => p >= 0 && (i === 0 || p >= positions[i - 1]))]).toEqual([file, true]);
  }
});
