/**
 * Rendering on worker threads (lib/synth/render-pool.ts): the same files in the same order as on one thread, the same
 * error as one thread would throw first, and workers only when there is enough to render.
 */
import { planSynth, renderInstances, RenderClock, workerCount, WORKER_THRESHOLD } from '../../lib/synth';
import { exampleInput } from '../support/example';

const withWorkers = <T>(n: string, fn: () => T): T => {
  const before = process.env.TYPED_GITOPS_WORKERS;
  process.env.TYPED_GITOPS_WORKERS = n;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.TYPED_GITOPS_WORKERS;
    else process.env.TYPED_GITOPS_WORKERS = before;
  }
};
const clock = (): RenderClock => ({ construct: 0, serialize: 0, cache: 0, check: 0 });
const single = withWorkers('0', () => planSynth(exampleInput));

test('two workers and this thread write the same files, in the same order, as one thread', () => {
  const plan = withWorkers('2', () => planSynth(exampleInput));
  expect(plan.rendered.workers).toBe(2);
  expect(plan.files.map((f) => f.path)).toEqual(single.files.map((f) => f.path));
  expect(plan.files.map((f) => f.content)).toEqual(single.files.map((f) => f.content));
  expect(plan.files.map((f) => f.docs)).toEqual(single.files.map((f) => f.docs));
  expect(plan.warnings).toEqual(single.warnings);
});

test('with enough to render, the workers do render part of it, each file at its instance\'s position', () => {
  // The example's instances 25 times over: long enough for a worker to load and take its share.
  const instances = Array.from({ length: 25 }, () => single.resolved.instances).flat();
  const expected = single.resolved.instances.map((i) => single.files.find((f) => f.path.endsWith(`/${i.region}/${i.app}/${i.app}.yaml`) && f.path.startsWith(`apps/${i.env}/`))!.content);
  const r = withWorkers('1', () => renderInstances(instances, { clock: clock(), progress: () => undefined }));
  expect(r.workers).toBe(1);
  expect(r.onWorkers).toBeGreaterThan(0);
  expect(r.onWorkers).toBeLessThan(instances.length);
  expect(r.files.map((f) => f.content)).toEqual(Array.from({ length: 25 }, () => expected).flat());
});

test('an instance that cannot be rendered fails with the error one thread throws first, whoever rendered it', () => {
  // Two broken instances far apart in a long list: whichever thread takes them, the first one's error is thrown.
  const instances = Array.from({ length: 12 }, () => single.resolved.instances).flat().map((i, n) => (n === 70 || n === 160 ? { ...i, port: 70000 + n } : i));
  const oneThread = (() => {
    try {
      withWorkers('0', () => renderInstances(instances, { clock: clock(), progress: () => undefined }));
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  })();
  expect(oneThread).toContain('70070');
  expect(() => withWorkers('1', () => renderInstances(instances, { clock: clock(), progress: () => undefined }))).toThrow(oneThread);
});

test('workers only from WORKER_THRESHOLD instances to render, unless TYPED_GITOPS_WORKERS says how many', () => {
  expect(workerCount(WORKER_THRESHOLD - 1, {})).toBe(0);
  expect(workerCount(WORKER_THRESHOLD, {})).toBeLessThanOrEqual(3);
  expect(workerCount(0, { TYPED_GITOPS_WORKERS: '2' })).toBe(0);
  expect(workerCount(5, { TYPED_GITOPS_WORKERS: '2' })).toBe(2);
  expect(workerCount(5000, { TYPED_GITOPS_WORKERS: '0' })).toBe(0);
  expect(() => workerCount(5, { TYPED_GITOPS_WORKERS: 'many' })).toThrow('TYPED_GITOPS_WORKERS=many: expected a whole number of worker threads (0: none)');
});
