/**
 * Same inputs, same bytes: whatever the output directory, the other apps or the caller's environment.
 */
import { parseAllDocuments } from 'yaml';
import { TempRepo } from '../support/repo';

/** The kind order of objects inside an instance file (DESIGN.md section 4). */
const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'SealedSecret',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'Job',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'NetworkPolicy',
  'Ingress',
];

let repo: TempRepo;
/** dist/ as synthesized in the temp repo (from scratch, into `out-a`). */
let base: Map<string, string>;

beforeAll(() => {
  repo = new TempRepo();
  const r = repo.synth('--outdir', 'out-a');
  expect(r.code).toBe(0);
  base = repo.snapshotTree('out-a');
});
afterAll(() => repo?.cleanup());

/** Instance manifests (dist/apps/...); dist/argocd holds the control plane. */
const yamlFiles = (tree: Map<string, string>) => [...tree.keys()].filter((p) => p.startsWith('apps/') && p.endsWith('.yaml')).sort();

test('two synths into two different output directories are byte-identical', async () => {
  expect(yamlFiles(base).length).toBeGreaterThan(1);
  // The first in a process of its own (beforeAll), this one in-process: no state of a process leaks into the bytes.
  const r = await repo.cli('synth', ['--outdir', 'nested/out-b']);
  expect(r.code).toBe(0);
  const b = repo.snapshotTree('nested/out-b');
  expect([...b.keys()].sort()).toEqual([...base.keys()].sort());
  for (const [p, content] of base) expect({ p, content: b.get(p) }).toEqual({ p, content });
  // The output directory's name does not leak into the files.
  for (const content of b.values()) expect(content).not.toMatch(/out-b|out-a/);
});

test('CDK8S_DISABLE_SORT=1 in the environment does not change the output', async () => {
  const r = await repo.cli('synth', ['--outdir', 'out-unsorted'], { env: { CDK8S_DISABLE_SORT: '1' } });
  expect(r.code).toBe(0);
  const u = repo.snapshotTree('out-unsorted');
  expect([...u.keys()].sort()).toEqual([...base.keys()].sort());
  for (const [p, content] of base) expect({ p, content: u.get(p) }).toEqual({ p, content });
});

test('objects in every file follow the kind order Namespace, ServiceAccount, ConfigMap, SealedSecret, PersistentVolumeClaim, Service, Deployment, StatefulSet, CronJob, Job, PDB, HPA, NetworkPolicy, Ingress', () => {
  const seen = new Set<string>();
  for (const p of yamlFiles(base)) {
    const docs = parseAllDocuments(base.get(p)!);
    const kinds = docs.map((d) => {
      expect(d.errors).toEqual([]);
      return (d.toJS() as { kind: string }).kind;
    });
    kinds.forEach((k) => seen.add(k));
    for (const k of kinds) expect({ file: p, kind: k, known: KIND_ORDER.includes(k) }).toEqual({ file: p, kind: k, known: true });
    const sorted = [...kinds].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
    expect({ file: p, kinds }).toEqual({ file: p, kinds: sorted });
    expect(kinds[0]).toBe('Namespace');
  }
  // The repo's apps exercise (nearly) every kind, so the order is actually tested.
  expect(seen.size).toBeGreaterThanOrEqual(8);
});

test("an instance's file does not depend on the other apps: with echo alone, echo's files are byte-identical", async () => {
  const echoFiles = yamlFiles(base).filter((p) => p.endsWith('/echo/echo.yaml'));
  expect(echoFiles.length).toBeGreaterThanOrEqual(3);
  expect(yamlFiles(base).length).toBeGreaterThan(echoFiles.length);

  const solo = new TempRepo();
  try {
    solo.write(
      'apps/index.ts',
      "import { registerApps } from '../lib/model';\nimport { echo } from './echo';\n\nexport const apps = registerApps(echo);\n",
    );
    // releases.ts: keep only echo's block.
    const rel = solo.read('envs/releases.ts');
    const start = rel.indexOf("  'book-shop': {");
    const end = rel.indexOf('} satisfies Releases');
    if (start < 0 || end < start) throw new Error('envs/releases.ts: layout changed; update this test');
    solo.write('envs/releases.ts', rel.slice(0, start) + rel.slice(end));
    // secrets.ts: only the removed apps have sealed values.
    const sec = solo.read('envs/secrets.ts');
    const open = sec.indexOf('export const secrets = {');
    const close = sec.indexOf('} satisfies Secrets');
    if (open < 0 || close < open) throw new Error('envs/secrets.ts: layout changed; update this test');
    solo.write('envs/secrets.ts', `${sec.slice(0, open)}export const secrets = {\n${sec.slice(close)}`);
    // Overrides of the removed apps in envs/ (echo's own override in prod stays).
    const dropBlock = (file: string, re: RegExp) => {
      const text = solo.read(file);
      if (!re.test(text)) throw new Error(`${file}: override block not found; update this test`);
      solo.write(file, text.replace(re, ''));
    };
    dropBlock('envs/dev.ts', /^ {2}apps: \{\n {4}'book-shop': [^\n]*\n {2}\},\n/m);
    dropBlock('envs/prod.ts', /^ {4}'book-shop': \{\n[\s\S]*?^ {4}\},\n/m);
    dropBlock('envs/staging.ts', /^ {2}apps: \{\n {4}'book-shop': \{\n[\s\S]*?^ {4}\},\n {2}\},\n/m);
    // The Slack channels of the removed apps' teams (a team no app has is refused).
    dropBlock('envs/platform.ts', /^ {6}teams: \{[^\n]*\},\n/m);
    expect(solo.read('envs/prod.ts')).toMatch(/^ {4}echo: \{$/m);

    const r = await solo.cli('synth', ['--outdir', 'out-solo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const after = solo.snapshotTree('out-solo');
    expect(yamlFiles(after)).toEqual(echoFiles); // only echo is left
    for (const p of echoFiles) expect({ p, content: after.get(p) }).toEqual({ p, content: base.get(p) });
    expect(after.get('README.md')).not.toEqual(base.get('README.md')); // the matrix did change
  } finally {
    solo.cleanup();
  }
});
