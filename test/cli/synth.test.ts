/**
 * `npm run synth` and `npm run synth -- --check` as a user runs them, on a throwaway copy of the repo.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommandResult, ROOT, TempRepo } from '../support/repo';

const repos: TempRepo[] = [];
function newRepo(): TempRepo {
  const r = new TempRepo();
  repos.push(r);
  return r;
}
afterAll(() => {
  for (const r of repos) r.cleanup();
});

/** `  stale:   dist/x` lines of a --check report, by kind. */
function report(r: CommandResult): { stale: string[]; missing: string[]; extra: string[] } {
  const out = { stale: [] as string[], missing: [] as string[], extra: [] as string[] };
  for (const line of r.stderr.split('\n')) {
    const m = /^\s+(stale|missing|extra):\s+(\S+)\s*$/.exec(line);
    if (m) out[m[1] as keyof typeof out].push(m[2]);
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** Files whose bytes differ between two snapshots, or exist in only one of them. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort();
}

const noStack = (r: CommandResult) => expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^ {4}at /m);

/** Leftover temporary siblings of dist/ in the repo root. */
const leftovers = (repo: TempRepo) => fs.readdirSync(repo.dir).filter((n) => n.startsWith('.dist-'));

/** Removes the incident-assistant-frontend app from the registry and from releases.ts. */
function removeFrontend(repo: TempRepo): void {
  repo.edit('apps/index.ts', "import { incidentAssistantFrontend } from './incident-assistant-frontend';\n", '');
  repo.edit('apps/index.ts', ', incidentAssistantFrontend)', ')');
  const rel = repo.read('envs/releases.ts');
  const start = rel.indexOf("  'incident-assistant-frontend': {");
  const end = rel.indexOf('} satisfies Releases');
  if (start < 0 || end < start) throw new Error('envs/releases.ts: incident-assistant-frontend block not found');
  repo.write('envs/releases.ts', rel.slice(0, start) + rel.slice(end));
  expect(repo.read('apps/index.ts')).not.toContain('incidentAssistantFrontend');
}

describe('synth from scratch, then again', () => {
  let repo: TempRepo;
  let first: CommandResult;
  let afterFirst: Map<string, string>;

  beforeAll(async () => {
    repo = newRepo();
    fs.rmSync(repo.path('dist'), { recursive: true });
    first = repo.synth();
    afterFirst = repo.snapshotTree();
  });

  test('exits 0 and prints a one-screen summary that matches what it wrote', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(20);

    // instance files (dist/argocd holds the control plane)
    const yamls = [...afterFirst.keys()].filter((p) => p.startsWith('apps/') && p.endsWith('.yaml'));
    expect(yamls.length).toBeGreaterThan(0);
    expect(afterFirst.has('README.md')).toBe(true);
    const envs = new Set(yamls.map((p) => p.split('/')[1]));
    const envRegions = new Set(yamls.map((p) => p.split('/').slice(1, 3).join('/')));
    const allYamls = [...afterFirst.keys()].filter((p) => p.endsWith('.yaml'));
    const objects = allYamls.reduce((n, p) => n + (afterFirst.get(p)!.match(/^kind: /gm) ?? []).length, 0);

    const m = /^synth: (\d+) instances \((\d+) envs, (\d+) env-regions\), (\d+) objects -> dist\/ in (\d+(?:\.\d+)?) s$/m.exec(first.stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(yamls.length);
    expect(Number(m![2])).toBe(envs.size);
    expect(Number(m![3])).toBe(envRegions.size);
    expect(Number(m![4])).toBe(objects);
    expect(Number(m![5])).toBeLessThan(60);
    expect(first.stdout).toMatch(new RegExp(`^  files: ${afterFirst.size} written, 0 unchanged, 0 removed$`, 'm'));
    noStack(first);
    expect(leftovers(repo)).toEqual([]);
  });

  test('a second synth writes 0 files and leaves every byte and inode as it was', async () => {
    const inodes = [...afterFirst.keys()].map((p) => fs.statSync(repo.path(`dist/${p}`)).ino);
    const r = await repo.cli('synth', []);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^  files: 0 written, ${afterFirst.size} unchanged, 0 removed$`, 'm'));
    expect(r.stdout).not.toMatch(/^ {2}written:/m);
    expect(repo.snapshotTree()).toEqual(afterFirst);
    expect([...afterFirst.keys()].map((p) => fs.statSync(repo.path(`dist/${p}`)).ino)).toEqual(inodes);
  });

  test('--timings reports every phase and each rule group of the gate, on stderr and in --json', async () => {
    const human = await repo.cli('synth', ['--timings', '--quiet']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^timings \(ms\): startup \d+, load \d+, resolve \d+, render \d+, construct \d+, serialize \d+, cache \d+, check \d+, validate \d+, write \d+; total \d+$/m);
    expect(human.stderr).toMatch(/^ {2}validate by rule group \(ms\): schema \d+, .*cluster \d+/m);
    // The first synth rendered every instance; this one takes them all from the render cache, --no-cache none.
    const instances = [...afterFirst.keys()].filter((p) => /^apps\/[^/]+\/[^/]+\/([^/]+)\/\1\.yaml$/.test(p)).length;
    expect(human.stderr).toMatch(new RegExp(`^  instances: 0 rendered, ${instances} from the render cache; control plane from the render cache$`, 'm'));
    const fresh = await repo.cli('synth', ['--timings', '--quiet', '--no-cache']);
    expect(fresh.stderr).toMatch(new RegExp(`^  instances: ${instances} rendered, 0 from the render cache; control plane rendered$`, 'm'));
    const r = await repo.cli('synth', ['--json', '--timings']);
    expect(r.code).toBe(0);
    const { timings } = JSON.parse(r.stdout);
    expect(Object.keys(timings)).toEqual(['startup', 'load', 'resolve', 'render', 'construct', 'serialize', 'cache', 'check', 'validate', 'write', 'total', 'gate']);
    // The groups are the rule ids' first segments: every rule ran, and their times add up to the gate's.
    expect(Object.keys(timings.gate)).toEqual(expect.arrayContaining(['schema', 'pss-restricted', 'argocd', 'cluster', 'secrets']));
    const gateSum = Object.values(timings.gate as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(gateSum).toBeLessThanOrEqual(timings.validate + Object.keys(timings.gate).length);
    // One thread (a small repository): the render's parts add up to at most its wall time.
    expect(timings.construct + timings.serialize + timings.cache + timings.check).toBeLessThanOrEqual(timings.render + 4);
    expect(timings.render + timings.validate).toBeLessThanOrEqual(timings.total + 2);
    expect(JSON.parse((await repo.cli('synth', ['--json'])).stdout).timings).toBeUndefined();
    expect(repo.snapshotTree()).toEqual(afterFirst);
  });

  test('--check exits 0 right after synth and writes nothing', async () => {
    const r = await repo.cli('synth', ['--check']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/dist\/ is up to date/);
    expect(repo.snapshotTree()).toEqual(afterFirst);
    expect(leftovers(repo)).toEqual([]);
  });
});

describe('--check on stale output', () => {
  test('after an env edit (prod replicas 3 -> 4): exit 1, lists exactly the stale prod files, dist/ untouched', async () => {
    const repo = newRepo();
    const before = repo.snapshotTree();
    repo.edit('envs/prod.ts', 'replicas: 3,', 'replicas: 4,');

    const check = await repo.cli('synth', ['--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/dist\/ is out of date/);
    noStack(check);
    expect(repo.snapshotTree()).toEqual(before);
    expect(leftovers(repo)).toEqual([]);

    const rep = report(check);
    expect(rep.missing).toEqual([]);
    expect(rep.extra).toEqual([]);
    expect(rep.stale).toEqual(expect.arrayContaining(['dist/apps/prod/us-east-1/echo/echo.yaml', 'dist/apps/prod/eu-west-1/echo/echo.yaml']));
    // prod's instances, the matrix, and prod's vclusters (their quota is sized from the replicas).
    for (const p of rep.stale) expect(p).toMatch(/^dist\/(apps\/prod\/|argocd\/vclusters\/prod-|README\.md$)/);

    // The list is exactly what a real synth then rewrites.
    const synth = await repo.cli('synth', []);
    expect(synth.code).toBe(0);
    const after = repo.snapshotTree();
    expect(rep.stale).toEqual(changed(before, after).map((p) => `dist/${p}`));
    expect(after.get('apps/prod/us-east-1/echo/echo.yaml')).toMatch(/^ {2}replicas: 4$/m);
  });

  test('after removing an app: its files are listed as extra; synth removes exactly them and their directories', async () => {
    const repo = newRepo();
    const before = repo.snapshotTree();
    const frontendFiles = [...before.keys()].filter((p) => p.includes('/incident-assistant-frontend/')).sort();
    expect(frontendFiles.length).toBeGreaterThan(0);
    removeFrontend(repo);

    const check = await repo.cli('synth', ['--check']);
    expect(check.code).toBe(1);
    expect(repo.snapshotTree()).toEqual(before);
    const rep = report(check);
    expect(rep.extra).toEqual(frontendFiles.map((p) => `dist/${p}`));
    expect(rep.missing).toEqual([]);

    const synth = await repo.cli('synth', []);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toMatch(new RegExp(`^  files: \\d+ written, \\d+ unchanged, ${frontendFiles.length} removed$`, 'm'));
    const after = repo.snapshotTree();
    expect([...before.keys()].filter((p) => !after.has(p)).sort()).toEqual(frontendFiles);
    expect([...after.keys()].filter((p) => !before.has(p))).toEqual([]);
    // No empty directory of the removed app lingers.
    const appDirs: string[] = [];
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(repo.path(rel), { withFileTypes: true })) {
        if (!e.isDirectory()) continue;
        appDirs.push(`${rel}/${e.name}`);
        walk(`${rel}/${e.name}`);
      }
    };
    walk('dist/apps');
    expect(appDirs.filter((d) => d.includes('incident-assistant-frontend'))).toEqual([]);
    expect(appDirs.length).toBeGreaterThan(0);
    expect(leftovers(repo)).toEqual([]);
  });

  test('a deleted dist file is reported as missing (not stale); a hand-edited one as stale', async () => {
    const repo = newRepo();
    const deleted = 'dist/apps/dev/us-east-1/echo/echo.yaml';
    const edited = 'dist/apps/staging/us-east-1/echo/echo.yaml';
    fs.rmSync(repo.path(deleted));
    repo.write(edited, `${repo.read(edited)}# edited by hand\n`);
    const before = repo.snapshotTree();
    const check = await repo.cli('synth', ['--check']);
    expect(check.code).toBe(1);
    expect(report(check)).toEqual({ stale: [edited], missing: [deleted], extra: [] });
    expect(repo.snapshotTree()).toEqual(before);
    expect(fs.existsSync(repo.path(deleted))).toBe(false);
  });
});

describe('options', () => {
  let repo: TempRepo;
  let dist: Map<string, string>;
  beforeAll(async () => {
    repo = newRepo();
    dist = repo.snapshotTree();
  });

  test('--help exits 0, documents --check and --outdir, and writes nothing', async () => {
    const r = await repo.cli('synth', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+--check\b.*\S/m);
    expect(r.stdout).toMatch(/--outdir <dir>/);
    expect(r.stdout).toMatch(/Usage:/);
    expect(repo.snapshotTree()).toEqual(dist);
  });

  test('an unknown option exits non-zero with a message naming it, and writes nothing', async () => {
    const r = await repo.cli('synth', ['--chekc']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown option '--chekc'/);
    expect(r.stdout).not.toMatch(/files:/);
    noStack(r);
    expect(repo.snapshotTree()).toEqual(dist);
  });

  test('a bad TYPED_GITOPS_WORKERS is one line naming it and what is allowed, exit 1, dist/ untouched', async () => {
    const releases = repo.read('envs/releases.ts');
    const r = await repo.cli('synth', ['--no-cache'], { env: { TYPED_GITOPS_WORKERS: 'many' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('TYPED_GITOPS_WORKERS=many: expected a whole number of worker threads (0: none)')]);
    noStack(r);
    expect(repo.snapshotTree()).toEqual(dist);
    expect(repo.read('envs/releases.ts')).toBe(releases);
  });

  test('--outdir other writes the same files there and leaves dist/ alone', async () => {
    const r = await repo.cli('synth', ['--outdir', 'other']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ -> other\/ in /);
    expect(repo.snapshotTree('other')).toEqual(dist);
    expect(repo.snapshotTree()).toEqual(dist);
    expect(fs.readdirSync(repo.dir).filter((n) => n.startsWith('.other-'))).toEqual([]);
  });

  test('CDK8S_OUTDIR is honoured (as `npx cdk8s synth` sets it)', async () => {
    const r = await repo.cli('synth', [], { env: { CDK8S_OUTDIR: 'from-env' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ -> from-env\/ in /);
    expect(repo.snapshotTree('from-env')).toEqual(dist);
    expect(repo.snapshotTree()).toEqual(dist);
  });
});

test('`npx cdk8s synth` produces byte-identical output to `npm run synth`', async () => {
  const repo = newRepo();
  // Make the committed dist/ stale first, so both commands have to write.
  repo.edit('envs/staging.ts', 'replicas: 2,', 'replicas: 3,');
  const committed = repo.snapshotTree();

  // npm run synth's entry point in-process (the test below checks that cdk8s.yaml runs the same command line);
  // `npx cdk8s synth` is the real thing: npx, the cdk8s CLI, and main.ts in a process of its own.
  const npm = await repo.cli('synth', []);
  expect(npm.code).toBe(0);
  const viaNpm = repo.snapshotTree();
  expect(changed(committed, viaNpm).length).toBeGreaterThan(0);

  fs.rmSync(repo.path('dist'), { recursive: true });
  const cdk8s = repo.run('npx', ['cdk8s', 'synth', '--no-check-upgrade']);
  expect(cdk8s.code).toBe(0);
  expect(repo.snapshotTree()).toEqual(viaNpm);
  expect(leftovers(repo)).toEqual([]);
}, 120_000);

test('the entry point is the one cdk8s.yaml runs', async () => {
  // Guards the test above: cdk8s must run main.ts into dist/, the same as `npm run synth`.
  const cdk8sYaml = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(cdk8sYaml).toMatch(new RegExp(`^app: ${pkg.scripts.synth.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
  expect(cdk8sYaml).toMatch(/^output: dist$/m);
  expect(path.basename(pkg.scripts.synth.split(' ').pop()!)).toBe('main.ts');
});
