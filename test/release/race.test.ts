/**
 * The end-to-end race: 8 CI jobs, each in its own clone, run `release bump ... --commit --push` at
 * the same moment against one bare origin. Every job must succeed (rejected pushes re-apply the
 * semantic edit on the new main), origin/main must hold all 8 changes with a dist/ equal to a fresh
 * synth, and the history must be linear: exactly 8 non-empty release commits, no merges.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliIn, ROOT, TempRepo } from '../support/repo';

jest.setTimeout(180_000);

/**
 * How `npm run <script>` starts node, from package.json (e.g. `node --require <hook> release.ts`),
 * with a relative `--require ./x` resolved against this checkout.
 */
function npmScript(script: 'release'): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = pkg.scripts[script].trim().split(/\s+/);
  if (node !== 'node') throw new Error(`package.json scripts.${script} does not start with node: ${pkg.scripts[script]}`);
  return args.map((a) => (a.startsWith('./') ? path.join(ROOT, a) : a));
}
const RELEASE = npmScript('release');

const digest = (c: string) => `sha256:${c.repeat(64)}`;

interface Job {
  readonly app: string;
  readonly env: string;
  readonly region?: string;
  readonly tag: string;
  readonly digest: string;
}

/** Eight different entries of envs/releases.ts (env-level and region entries), valid under each env's policy. */
const JOBS: readonly Job[] = [
  { app: 'echo', env: 'dev', tag: '1.4.0-SNAPSHOT-aaaaaa1', digest: digest('1') },
  { app: 'echo', env: 'staging', tag: '1.4.0-SNAPSHOT-aaaaaa2', digest: digest('2') },
  { app: 'book-shop', env: 'dev', tag: 'b0b0b03', digest: digest('3') },
  { app: 'book-shop', env: 'staging', tag: '2.6.0-SNAPSHOT-aaaaaa4', digest: digest('4') },
  { app: 'incident-assistant-frontend', env: 'dev', tag: '6c5b4a5', digest: digest('5') },
  { app: 'incident-assistant-backend', env: 'staging', tag: '1.0.0-SNAPSHOT-aaaaaa6', digest: digest('6') },
  { app: 'echo', env: 'prod', region: 'eu-west-1', tag: 'v1.3.7', digest: digest('7') },
  { app: 'book-shop', env: 'prod', region: 'us-east-1', tag: 'v2.4.8', digest: digest('8') },
];

const ENV: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: '', NO_COLOR: '1', GITHUB_ACTOR: '' };

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: ENV });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

interface Outcome {
  readonly job: Job;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function runAsync(cwd: string, args: string[], job: Job): Promise<Outcome> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...RELEASE, ...args], { cwd, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ job, code, stdout, stderr, ms: Date.now() - start }));
  });
}

const label = (j: Job) => `${j.app} ${j.region ? `${j.env}/${j.region}` : j.env}`;

describe('8 concurrent `release bump --commit --push` jobs against one origin', () => {
  let tmp: string;
  let seed: TempRepo;
  let base: string;
  let outcomes: Outcome[];
  let fresh: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'release-race-'));
    const origin = path.join(tmp, 'origin.git');
    git(tmp, 'init', '-q', '--bare', '-b', 'main', origin);

    // The seed: this repository as a git repo, pushed to origin.
    seed = new TempRepo();
    seed.write('.gitignore', 'node_modules\n');
    git(seed.dir, 'init', '-q', '-b', 'main');
    git(seed.dir, 'config', 'user.name', 'Seed');
    git(seed.dir, 'config', 'user.email', 'seed@example.com');
    git(seed.dir, 'add', '-A');
    git(seed.dir, 'commit', '-qm', 'init');
    git(seed.dir, 'remote', 'add', 'origin', origin);
    git(seed.dir, 'push', '-q', 'origin', 'main');
    base = git(seed.dir, 'rev-parse', 'HEAD');

    // Eight CI jobs, each a full working copy of origin with its own identity.
    const clones = JOBS.map((_, i) => {
      const dir = path.join(tmp, `job${i + 1}`);
      git(tmp, 'clone', '-q', origin, dir);
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
      git(dir, 'config', 'user.name', `ci-job-${i + 1}`);
      git(dir, 'config', 'user.email', `ci-job-${i + 1}@example.com`);
      expect(git(dir, 'status', '--porcelain')).toBe('');
      return dir;
    });

    // All at once.
    outcomes = await Promise.all(
      JOBS.map((job, i) =>
        runAsync(
          clones[i],
          [
            'bump', job.app, job.env, '--tag', job.tag, '--digest', job.digest,
            ...(job.region ? ['--region', job.region] : []),
            '--commit', '--push', '--max-tries', '20',
            '--source-commit', `${String(i + 1).repeat(7)}`, '--run-url', `https://ci.example.com/runs/${i + 1}`,
          ],
          job,
        ),
      ),
    );

    const report = outcomes.map((o) => {
      const rejected = [...o.stderr.matchAll(/push rejected .*attempt (\d+)/g)].map((m) => Number(m[1]));
      const pushed = /pushed to origin\/main \((\d+) attempts?\)/.exec(o.stdout);
      const attempts = pushed ? Number(pushed[1]) : rejected.length > 0 ? Math.max(...rejected) : 1;
      return `  ${label(o.job).padEnd(38)} exit ${o.code}  push attempts ${attempts} (rejected ${rejected.length}x)  ${(o.ms / 1000).toFixed(1)} s`;
    });
    console.log(`release race: push attempts per job\n${report.join('\n')}`);

    fresh = path.join(tmp, 'fresh');
    git(tmp, 'clone', '-q', origin, fresh);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(fresh, 'node_modules'), 'dir');
  });

  afterAll(() => {
    seed?.cleanup();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('every job exits 0 and reports its push', () => {
    for (const o of outcomes) {
      if (o.code !== 0) throw new Error(`${label(o.job)} exited ${o.code}\nstdout:\n${o.stdout}\nstderr:\n${o.stderr}`);
      expect(o.stdout).toMatch(/pushed to origin\/main \(\d+ attempts?\)/);
      expect(o.stderr).not.toMatch(/^ {4}at /m);
    }
  });

  // What origin/main holds is read by the commands in-process (TempRepo.cli): the jobs above are the real processes.
  test('origin/main has all 8 changes in envs/releases.ts', async () => {
    const text = fs.readFileSync(path.join(fresh, 'envs/releases.ts'), 'utf8');
    for (const j of JOBS) {
      // New region entries may be laid out over several lines: tag and digest, in that order.
      expect(text).toMatch(new RegExp(`tag: '${j.tag}',\\s*digest: '${j.digest}'`));
    }
    const r = await cliIn(fresh, 'release', ['status', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { app: string; env: string; region: string; tag?: string; digest?: string }[];
    for (const j of JOBS) {
      const regions = j.region ? [j.region] : [...new Set(rows.filter((x) => x.env === j.env).map((x) => x.region))];
      for (const region of regions) {
        const row = rows.find((x) => x.app === j.app && x.env === j.env && x.region === region);
        expect({ at: `${label(j)} ${region}`, tag: row?.tag, digest: row?.digest }).toEqual({ at: `${label(j)} ${region}`, tag: j.tag, digest: j.digest });
      }
    }
  });

  test('dist/ on origin/main equals a fresh synth (synth --check)', async () => {
    const r = await cliIn(fresh, 'synth', ['--check']);
    if (r.code !== 0) throw new Error(`synth --check failed:\n${r.stdout}\n${r.stderr}`);
    for (const j of JOBS) {
      const yaml = fs.readFileSync(path.join(fresh, 'dist/apps', j.env, j.region ?? 'us-east-1', j.app, `${j.app}.yaml`), 'utf8');
      expect(yaml).toContain(`:${j.tag}@${j.digest}`);
    }
  });

  test('history: exactly 8 new non-empty release commits, linear (no merges)', () => {
    const commits = git(fresh, 'rev-list', `${base}..origin/main`).split('\n').filter(Boolean);
    expect(commits).toHaveLength(8);
    expect(git(fresh, 'rev-list', '--merges', `${base}..origin/main`)).toBe('');
    expect(git(fresh, 'rev-list', '--merges', 'origin/main')).toBe('');
    // Linear: each commit has exactly one parent, and walking first parents reaches the seed.
    expect(git(fresh, 'rev-list', '--first-parent', `${base}..origin/main`).split('\n').filter(Boolean)).toEqual(commits);
    const subjects: string[] = [];
    for (const c of commits) {
      expect(git(fresh, 'rev-list', '--parents', '-n1', c).split(' ')).toHaveLength(2);
      const stat = git(fresh, 'show', '--stat', '--format=', c);
      expect(stat.trim()).not.toBe('');
      const files = git(fresh, 'show', '--name-only', '--format=', c).split('\n').filter(Boolean);
      expect(files).toContain('envs/releases.ts');
      for (const f of files) expect(f === 'envs/releases.ts' || f.startsWith('dist/')).toBe(true);
      subjects.push(git(fresh, 'log', '-1', '--format=%s', c));
    }
    // The re-applied commits keep each job's provenance (the command is re-run as given).
    const trailers = commits.map((c) => git(fresh, 'log', '-1', '--format=%(trailers)', c));
    JOBS.forEach((j, i) => {
      const mine = trailers.filter((t) => t.includes(`Source-Commit: ${String(i + 1).repeat(7)}\n`));
      expect({ job: label(j), commits: mine.length }).toEqual({ job: label(j), commits: 1 });
      expect(mine[0]).toContain(`Run-Url: https://ci.example.com/runs/${i + 1}\n`);
      expect(mine[0]).toContain(`Released-By: ci-job-${i + 1}\n`);
    });
    // One commit per job, each naming its app and entry.
    for (const j of JOBS) {
      const where = j.region ? `${j.env}/${j.region}` : j.env;
      const mine = subjects.filter((s) => s.startsWith(`release(${j.app}): ${where} `) && s.includes(`-> ${j.tag} `) && s.endsWith('[release-bot]'));
      expect({ job: label(j), commits: mine.length }).toEqual({ job: label(j), commits: 1 });
    }
  });
});
