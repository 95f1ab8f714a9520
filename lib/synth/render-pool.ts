/**
 * Renders the instances of a synth on this thread and on worker threads (both cores of a CI runner), with the same
 * files in the same order as one thread would produce.
 *
 * - The render cache is asked first, here; only the misses are rendered.
 * - Below {@link WORKER_THRESHOLD} misses everything is rendered here: a worker needs ~0.3 s to load cdk8s and the
 *   library, more than a small repository takes to render. `TYPED_GITOPS_WORKERS=N` sets the number of workers
 *   whatever the count (0: none).
 * - Work is shared through a counter in shared memory: this thread and each worker take the next instance until none is
 *   left, so a worker still loading does not hold anything up. Workers post each file back; this thread receives them
 *   synchronously (`receiveMessageOnPort`), so planSynth stays synchronous.
 * - Each file goes to its instance's position: the output does not depend on which thread rendered what. An instance
 *   that failed anywhere (and any a worker never delivered) is rendered again here, in instance order, so an error is
 *   the one a single thread would throw first.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { isMainThread, MessageChannel, MessagePort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import type { AppInstance } from '../model';
import { checkObjects, K8sObject } from '../policy/engine';
import { SYNTH_RULES } from '../policy/gate';
import { kubernetesMinor } from '../policy/rules/schema-core';
import { OutputFile, RenderClock, renderInstance } from './render';
import { openRenderCache, RenderCache } from './render-cache';

/** Misses from which workers are used (unless TYPED_GITOPS_WORKERS says otherwise). */
export const WORKER_THRESHOLD = 200;
/** The environment variable fixing the number of worker threads. */
export const WORKERS_ENV = 'TYPED_GITOPS_WORKERS';
/** A worker that delivers nothing for this long is given up on (its instances are rendered here). */
const STALL_MS = 120_000;

/** How many worker threads render `misses` instances. */
export function workerCount(misses: number, env: NodeJS.ProcessEnv = process.env): number {
  const fixed = env[WORKERS_ENV];
  if (fixed !== undefined && fixed !== '') {
    const n = Number(fixed);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${WORKERS_ENV}=${fixed}: expected a whole number of worker threads (0: none)`);
    return misses > 0 ? n : 0;
  }
  return misses >= WORKER_THRESHOLD ? Math.min(Math.max(availableParallelism() - 1, 0), 3) : 0;
}

interface RenderOptions {
  readonly clock: RenderClock;
  readonly cache?: RenderCache | undefined;
  /** Called with the number of instances done. */
  readonly progress: (done: number) => void;
}

/** What a worker is given. */
interface WorkerInput {
  readonly kind: 'typed-gitops-render';
  readonly instances: readonly AppInstance[];
  readonly shared: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly cache?: { readonly dir: string; readonly fingerprint: string };
}

/** What a worker posts: a file, an instance it could not render, or the end (with its clock). */
type WorkerMessage =
  | { readonly k: number; readonly file: OutputFile }
  | { readonly k: number; readonly failed: true }
  | { readonly end: true; readonly clock: RenderClock };

/** An instance's file with the findings of the gate's object-scoped rules (schemas, PSS) about its objects. */
export function renderChecked(instance: AppInstance, clock: RenderClock): OutputFile {
  return withObjectChecks(renderInstance(instance, clock), clock);
}

/** `file` with the findings of the gate's object-scoped rules (schemas, PSS) about its objects. */
export function withObjectChecks(file: OutputFile, clock: RenderClock): OutputFile {
  const started = performance.now();
  const objects = (file.docs ?? []).map((object, index) => ({ file: file.path, index, object: object as K8sObject }));
  const checked = checkObjects(SYNTH_RULES, objects, kubernetesMinor());
  clock.check += performance.now() - started;
  return { ...file, checked };
}

/** Runs `fn` (reading or writing the render cache), counting its time as the render's cache work. */
export function cacheWork<T>(clock: RenderClock, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    clock.cache += performance.now() - started;
  }
}

/** Renders an instance with its object checks, and keeps the file in the cache. */
function renderAndKeep(instance: AppInstance, clock: RenderClock, cache: RenderCache | undefined): OutputFile {
  const file = renderChecked(instance, clock);
  if (cache) cacheWork(clock, () => cache.put(instance, file));
  return file;
}

/** Slots of the shared counter: the next instance to take, and the workers that have ended. */
const NEXT = 0;
const ENDED = 1;

/** What {@link renderInstances} did. */
export interface Rendered {
  /** One per instance, in instance order. */
  readonly files: OutputFile[];
  /** Worker threads started (0: all on this thread). */
  readonly workers: number;
  /** Files the workers rendered. */
  readonly onWorkers: number;
  /** Files taken from the render cache. */
  readonly cached: number;
}

/** Renders `instances` (cache first, then this thread and workers); the files in instance order. */
export function renderInstances(instances: readonly AppInstance[], opts: RenderOptions): Rendered {
  const { clock, cache } = opts;
  const files: (OutputFile | undefined)[] = new Array(instances.length);
  const misses: number[] = [];
  instances.forEach((instance, i) => {
    const hit = cache && cacheWork(clock, () => cache.get(instance));
    if (hit) files[i] = hit;
    else misses.push(i);
  });
  let done = instances.length - misses.length;
  if (done > 0) opts.progress(done);
  const renderHere = (i: number) => {
    files[i] = renderAndKeep(instances[i], clock, cache);
    opts.progress(++done);
  };
  const workers = workerCount(misses.length);
  let onWorkers = 0;
  if (workers > 0) {
    const delivered = renderWithWorkers(misses.map((i) => instances[i]), workers, cache, clock, (k) => {
      try {
        renderHere(misses[k]);
        return true;
      } catch {
        return false;
      }
    });
    delivered.forEach((file, k) => {
      if (file) {
        files[misses[k]] = file;
        onWorkers += 1;
        opts.progress(++done);
      }
    });
  }
  // Everything not rendered yet (no workers, or failed, or never delivered), in order: errors surface as on one thread.
  for (const i of misses) if (!files[i]) renderHere(i);
  return { files: files as OutputFile[], workers, onWorkers, cached: instances.length - misses.length };
}

/**
 * Starts `count` workers over `instances` and takes instances on this thread too (`renderHere(k)`: true when it
 * rendered instance k). Returns what the workers delivered, by instance position.
 */
function renderWithWorkers(instances: readonly AppInstance[], count: number, cache: RenderCache | undefined, clock: RenderClock, renderHere: (k: number) => boolean): (OutputFile | undefined)[] {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const delivered: (OutputFile | undefined)[] = new Array(instances.length);
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const hook = __filename.endsWith('.ts') ? path.resolve(__dirname, '..', '..', 'bin', 'ts-register.cjs') : undefined;
  for (let w = 0; w < count; w++) {
    const { port1, port2 } = new MessageChannel();
    const input: WorkerInput = { kind: 'typed-gitops-render', instances, shared: shared.buffer as SharedArrayBuffer, port: port2, ...(cache ? { cache: cache.location } : {}) };
    // A worker that cannot even load still counts as ended, so this thread does not wait for it.
    const source = `const { workerData } = require('node:worker_threads');
try {${hook ? `require(${JSON.stringify(hook)});` : ''}require(${JSON.stringify(__filename)}).runRenderWorker(); }
catch (e) { const s = new Int32Array(workerData.shared); Atomics.add(s, ${ENDED}, 1); Atomics.notify(s, ${ENDED}); }`;
    try {
      workers.push(new Worker(source, { eval: true, workerData: input, transferList: [port2] }));
    } catch {
      // No thread to be had (resource limits): this thread renders what the others would have.
      port1.close();
      break;
    }
    ports.push(port1);
  }
  const started = workers.length;
  for (let k = Atomics.add(shared, NEXT, 1); k < instances.length; k = Atomics.add(shared, NEXT, 1)) renderHere(k);
  // Collect until every worker has ended; a worker that delivers nothing for STALL_MS is given up on.
  let last = performance.now();
  const drain = () => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const msg = m.message as WorkerMessage;
        last = performance.now();
        if ('file' in msg) delivered[msg.k] = msg.file;
        else if ('clock' in msg) {
          clock.construct += msg.clock.construct;
          clock.serialize += msg.clock.serialize;
          clock.cache += msg.clock.cache;
          clock.check += msg.clock.check;
        }
      }
    }
  };
  for (;;) {
    const ended = Atomics.load(shared, ENDED);
    drain();
    if (ended >= started || performance.now() - last > STALL_MS) break;
    Atomics.wait(shared, ENDED, ended, 50);
  }
  drain();
  for (const w of workers) {
    w.unref();
    void w.terminate();
  }
  for (const p of ports) p.close();
  return delivered;
}

/** A worker's life: take instances until none is left, post each file, then the end. */
export function runRenderWorker(): void {
  const input = workerData as WorkerInput;
  if (isMainThread || input?.kind !== 'typed-gitops-render') throw new Error('runRenderWorker: not a render worker');
  const shared = new Int32Array(input.shared);
  const clock: RenderClock = { construct: 0, serialize: 0, cache: 0, check: 0 };
  try {
    delete process.env.CDK8S_DISABLE_SORT;
    const cache = input.cache ? openRenderCache(input.cache.dir, { fingerprint: input.cache.fingerprint }) : undefined;
    for (let k = Atomics.add(shared, NEXT, 1); k < input.instances.length; k = Atomics.add(shared, NEXT, 1)) {
      try {
        const file = renderAndKeep(input.instances[k], clock, cache);
        input.port.postMessage({ k, file } satisfies WorkerMessage);
      } catch {
        input.port.postMessage({ k, failed: true } satisfies WorkerMessage);
      }
    }
  } finally {
    input.port.postMessage({ end: true, clock } satisfies WorkerMessage);
    Atomics.add(shared, ENDED, 1);
    Atomics.notify(shared, ENDED);
  }
}
