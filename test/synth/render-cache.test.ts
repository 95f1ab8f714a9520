/**
 * The render cache (lib/synth/render-cache.ts): a synth that takes instances from it writes the same bytes as one
 * that renders everything, and an instance whose inputs changed, or a library that changed, is rendered again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keyJson, openRenderCache, planSynth, RenderCache, renderCacheDir, SynthPlan } from '../../lib/synth';
import { exampleInput } from '../support/example';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'render-cache-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const bytes = (plan: SynthPlan) => new Map(plan.files.map((f) => [f.path, f.content]));
const uncached = planSynth(exampleInput);
const instances = uncached.resolved.instances.length;

describe('a synth through the cache', () => {
  let dir: string;
  let cache: RenderCache;
  let first: SynthPlan;
  beforeAll(() => {
    dir = tempDir();
    cache = openRenderCache(dir, { fingerprint: 'library-1' });
    first = planSynth(exampleInput, { cache });
  });

  test('renders every instance the first time and keeps one entry per instance, and one for the control plane', () => {
    expect(first.rendered).toMatchObject({ cached: 0, built: instances, controlPlane: 'rendered' });
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.json'))).toHaveLength(instances + 1);
    expect(bytes(first)).toEqual(bytes(uncached));
  });

  test('takes every instance from it the second time: same bytes, same objects for the gate, same findings', () => {
    const second = planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'library-1' }) });
    expect(second.rendered).toMatchObject({ cached: instances, built: 0, controlPlane: 'cached' });
    expect(bytes(second)).toEqual(bytes(uncached));
    expect(second.files.map((f) => f.docs)).toEqual(uncached.files.map((f) => f.docs));
    expect(second.warnings).toEqual(uncached.warnings);
  });

  test('renders again exactly the instances whose inputs changed (a one-app release)', () => {
    const releases = exampleInput.releases as Record<string, Record<string, object>>;
    const bumped = { ...releases, echo: { ...releases.echo, dev: { tag: '9.9.9-SNAPSHOT-abcdef9' } } };
    const plan = planSynth({ ...exampleInput, releases: bumped as never }, { cache: openRenderCache(dir, { fingerprint: 'library-1' }) });
    const echoDev = plan.resolved.instances.filter((i) => i.app === 'echo' && i.env === 'dev').length;
    expect(echoDev).toBeGreaterThan(0);
    expect(plan.rendered).toMatchObject({ cached: instances - echoDev, built: echoDev, controlPlane: 'cached' });
    const echoFile = plan.files.find((f) => f.path.startsWith('apps/dev/') && f.path.endsWith('/echo/echo.yaml'))!;
    expect(echoFile.content).toContain('9.9.9-SNAPSHOT-abcdef9');
    expect(bytes(plan)).toEqual(bytes(planSynth({ ...exampleInput, releases: bumped as never })));
  });

  test('a platform change renders the control plane again, from its new plan', () => {
    const platform = { ...exampleInput.platform, gitops: { ...exampleInput.platform.gitops, repoURL: 'https://github.com/acme/gitops-other.git' } };
    const input = { ...exampleInput, platform: platform as never };
    const plan = planSynth(input, { cache: openRenderCache(dir, { fingerprint: 'library-1' }) });
    expect(plan.rendered.controlPlane).toBe('rendered');
    expect(bytes(plan)).toEqual(bytes(planSynth(input)));
    expect(plan.files.find((f) => f.path === 'argocd/root.yaml')!.content).toContain('gitops-other.git');
  });

  test('another library (a changed construct, an import, a dependency) misses every entry', () => {
    const plan = planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'library-2' }) });
    expect(plan.rendered).toMatchObject({ cached: 0, built: instances });
    expect(bytes(plan)).toEqual(bytes(uncached));
  });

  test('an unreadable or truncated entry is a miss, rendered and kept again', () => {
    const entries = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
    for (const e of entries) fs.writeFileSync(path.join(dir, e), '{"path": "apps/x.yaml", "cont');
    const plan = planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'library-2' }) });
    expect(plan.rendered.built).toBe(instances);
    expect(bytes(plan)).toEqual(bytes(uncached));
    expect(planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'library-2' }) }).rendered.cached).toBe(instances);
  });
});

test('input that is not plain data is never cached (rendered every time), not an error', () => {
  const cache = openRenderCache(tempDir(), { fingerprint: 'x' });
  const odd = { ...uncached.resolved.instances[0], when: new Date(0) } as never;
  expect(cache.get(odd)).toBeUndefined();
  cache.put(odd, uncached.files[0]);
  expect(cache.get(odd)).toBeUndefined();
  expect(cache.stats).toEqual({ hits: 0, misses: 2 });
});

test('entries unused for 7 days are pruned when the cache is opened (at most once an hour)', () => {
  const dir = tempDir();
  const day = 24 * 3600e3;
  planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'old', now: () => Date.now() }) });
  const old = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  const later = Date.now() + 8 * day;
  planSynth(exampleInput, { cache: openRenderCache(dir, { fingerprint: 'new', now: () => later }) });
  const kept = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  expect(kept.filter((n) => old.includes(n))).toEqual([]);
  expect(kept).toHaveLength(instances + 1);
});

test('the key\'s JSON refuses what it could not key faithfully', () => {
  expect(keyJson({ b: 1, a: [true, null, 'x', undefined], c: undefined, d: { z: 0, y: -1.5 } })).toBe('{"b":1,"a":[true,null,"x",null],"d":{"z":0,"y":-1.5}}');
  expect(() => keyJson({ m: new Map([['a', 1]]) })).toThrow('render cache: cannot key a Map object');
  expect(() => keyJson({ d: new Date(0) })).toThrow('cannot key a Date object');
  expect(() => keyJson({ f: () => 1 })).toThrow('cannot key a value of type function');
  expect(() => keyJson({ n: NaN })).toThrow('cannot key the number NaN');
  expect(() => keyJson({ s: new Set([1]) })).toThrow('cannot key a Set object');
});

test('the cache lives in the repository\'s node_modules/.cache unless TYPED_GITOPS_RENDER_CACHE moves or disables it', () => {
  const repo = tempDir();
  // No node_modules/: no cache (it would not create one, which git status would show).
  expect(renderCacheDir(repo, {})).toBeUndefined();
  fs.mkdirSync(path.join(repo, 'node_modules'));
  expect(renderCacheDir(repo, {})).toBe(path.join(repo, 'node_modules', '.cache', 'typed-gitops', 'render'));
  expect(renderCacheDir('/repo', { TYPED_GITOPS_RENDER_CACHE: '/tmp/rc' })).toBe('/tmp/rc');
  for (const off of ['off', '0', 'false']) expect(renderCacheDir('/repo', { TYPED_GITOPS_RENDER_CACHE: off })).toBeUndefined();
});
