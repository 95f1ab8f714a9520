/**
 * The Kustomize anchor (`npm run bench -- --kustomize`): the equivalent of a generated repository's instances as a
 * base and one overlay per instance, each built with its own `kubectl kustomize` (as a CI job renders overlays).
 * The base is one generated instance's objects as synth wrote them; an overlay sets what synth decides per instance:
 * the namespace, the env and region labels, the image (name, tag, digest), the replicas and the config.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

/** One instance to render with Kustomize. */
export interface KustomizeInstance {
  readonly app: string;
  readonly env: string;
  readonly region: string;
  readonly image: string;
  readonly tag: string;
  readonly replicas: number;
  readonly config: { readonly [key: string]: string };
}

/** The kustomization.yaml of one instance's overlay over `../../base` (whose app is `baseApp`, image `baseImage`). */
export function overlayOf(i: KustomizeInstance, baseApp: string, baseImage: string, labelDomain: string): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../../base'],
    namespace: i.app,
    labels: [{ pairs: { [`${labelDomain}/env`]: i.env, [`${labelDomain}/region`]: i.region }, includeSelectors: false }],
    images: [{ name: baseImage, newName: i.image, newTag: i.tag }],
    replicas: [{ name: baseApp, count: i.replicas }],
    patches: [{ target: { kind: 'ConfigMap', name: baseApp }, patch: stringify([{ op: 'add', path: '/data', value: i.config }]) }],
  });
}

/** Writes the base and the overlays, builds each overlay once; returns the wall time per overlay in ms. */
export function kustomizeMsPerInstance(baseYaml: string, instances: readonly KustomizeInstance[], base: { app: string; image: string; labelDomain: string }): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'typed-gitops-kustomize-'));
  try {
    fs.mkdirSync(path.join(dir, 'base'));
    fs.writeFileSync(path.join(dir, 'base', 'objects.yaml'), baseYaml);
    fs.writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), stringify({ resources: ['objects.yaml'] }));
    const ids = instances.map((i) => {
      const id = `${i.app}-${i.env}-${i.region}`;
      fs.mkdirSync(path.join(dir, 'overlays', id), { recursive: true });
      fs.writeFileSync(path.join(dir, 'overlays', id, 'kustomization.yaml'), overlayOf(i, base.app, base.image, base.labelDomain));
      return id;
    });
    fs.mkdirSync(path.join(dir, 'out'));
    const started = performance.now();
    for (const id of ids) {
      const r = spawnSync('kubectl', ['kustomize', path.join(dir, 'overlays', id), '-o', path.join(dir, 'out', `${id}.yaml`)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`kubectl kustomize overlays/${id} failed: ${r.stderr || r.error?.message}`);
    }
    return (performance.now() - started) / ids.length;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
