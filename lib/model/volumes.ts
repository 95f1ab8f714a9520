import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED, ENV_NAME, isPinnedImage, pathsOverlap } from './check';
import { STORAGE_ALLOWED, STORAGE_SIZE } from './quantity';
import { checkCpuMemory } from './settings';
import { joinPath } from './errors';

/**
 * What an app mounts and what runs beside it (pure): typed volumes (an emptyDir with a size limit,
 * config files from a ConfigMap, files from the app's sealed secrets, a PersistentVolumeClaim), init
 * containers and native sidecars. The golden app builds them (GoldenApp.addVolume, addConfigFiles,
 * addPersistentVolume, addInitContainer, addSidecar).
 */

/** A scratch directory, deleted with the pod. */
export interface EmptyDirVolume {
  readonly kind: 'emptyDir';
  readonly mountPath: string;
  /** @default '1Gi' */
  readonly sizeLimit?: string;
}

/** Files written from this spec into a ConfigMap `<app>-<name>` and mounted read-only; a change rolls the pods. */
export interface ConfigFilesVolume {
  readonly kind: 'configFiles';
  readonly mountPath: string;
  /** File name -> content. */
  readonly files: { readonly [fileName: string]: string };
}

/** Some of the app's sealed secrets (its `secrets` keys), each as a file named after the key, read-only. */
export interface SecretFilesVolume {
  readonly kind: 'secretFiles';
  readonly mountPath: string;
  readonly keys: readonly string[];
}

/** A PersistentVolumeClaim `<app>-<name>` (a ReadWriteOnce claim makes the Deployment roll out by Recreate). */
export interface PvcVolume {
  readonly kind: 'pvc';
  readonly mountPath: string;
  /** e.g. '10Gi'; envs may override it. */
  readonly size: string;
  /** @default the cluster's default StorageClass */
  readonly storageClass?: string;
  /** @default 'ReadWriteOnce' */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
}

export type VolumeSpec = EmptyDirVolume | ConfigFilesVolume | SecretFilesVolume | PvcVolume;
export const VOLUME_KINDS = ['emptyDir', 'configFiles', 'secretFiles', 'pvc'] as const;

/** A container beside the app's (an init container or a native sidecar), PSS restricted. */
export interface ExtraContainerSpec {
  /** A full image reference (with tag or digest): it is not the app's release. */
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** Request = limit. */
  readonly resources: { readonly cpu: string; readonly memory: string };
  /** @default none */
  readonly env?: { readonly [name: string]: string };
  /** The app's volumes it mounts: volume name -> mount path. @default none */
  readonly volumeMounts?: { readonly [volume: string]: string };
}

/** What an env may change per volume (envs/<env>.ts `apps.<app>.volumes.<name>`): a claim's size and storage class. */
export interface VolumeOverride {
  readonly size?: string;
  readonly storageClass?: string;
}

const FILE_NAME = /^[-._a-zA-Z0-9]+$/;
const ABSOLUTE = /^\/\S*$/;
const VOLUME_KEYS = {
  emptyDir: ['kind', 'mountPath', 'sizeLimit'],
  configFiles: ['kind', 'mountPath', 'files'],
  secretFiles: ['kind', 'mountPath', 'keys'],
  pvc: ['kind', 'mountPath', 'size', 'storageClass', 'accessMode'],
} as const;

/** Checks an app's `volumes` (one line naming the field): kinds, sizes, mount paths (absolute, no overlap, /tmp stays the app's). */
export function checkVolumes(c: Checker, value: unknown, path: string, secrets: readonly string[]): void {
  const all = c.object(value, path);
  const mounts: [string, string][] = [['/tmp', 'tmp']];
  for (const [name, raw] of Object.entries(all)) {
    const p = joinPath(path, name);
    c.string(name, p, { pattern: DNS_LABEL, allowed: `a volume name of ${DNS_LABEL_ALLOWED}` });
    if (name === 'tmp') c.fail(p, '"tmp" is the app\'s /tmp; name this volume otherwise');
    const v = c.object(raw, p);
    const kind = c.oneOf(v.kind, joinPath(p, 'kind'), VOLUME_KINDS);
    c.keys(v, p, VOLUME_KEYS[kind]);
    const mountPath = c.string(v.mountPath, joinPath(p, 'mountPath'), { pattern: ABSOLUTE, allowed: 'an absolute path' });
    const clash = mounts.find(([m]) => pathsOverlap(m, mountPath));
    if (clash) c.fail(joinPath(p, 'mountPath'), `"${mountPath}" overlaps "${clash[0]}" (volume ${clash[1]}${clash[1] === 'tmp' ? ': the app\'s scratch space' : ''})`);
    mounts.push([mountPath, name]);
    if (kind === 'emptyDir' && v.sizeLimit !== undefined) c.string(v.sizeLimit, joinPath(p, 'sizeLimit'), { pattern: STORAGE_SIZE, allowed: STORAGE_ALLOWED });
    if (kind === 'configFiles') {
      const files = c.object(v.files, joinPath(p, 'files'));
      if (Object.keys(files).length === 0) c.fail(joinPath(p, 'files'), 'needs at least one file');
      for (const [f, content] of Object.entries(files)) {
        c.string(f, joinPath(p, 'files', f), { pattern: FILE_NAME, allowed: 'a file name of letters, digits, "-", "_" and "."' });
        if (typeof content !== 'string') c.fail(joinPath(p, 'files', f), 'must be the file\'s content, a string');
      }
    }
    if (kind === 'secretFiles') {
      const keys = c.stringArray(v.keys, joinPath(p, 'keys'), { pattern: ENV_NAME, allowed: 'secret keys' });
      keys.forEach((k, i) => {
        if (!secrets.includes(k)) c.fail(`${joinPath(p, 'keys')}[${i}]`, `"${k}" is not one of the app's secrets (${secrets.length > 0 ? secrets.join(', ') : 'none'}); declare it in secrets and seal it`);
      });
    }
    if (kind === 'pvc') {
      c.string(v.size, joinPath(p, 'size'), { pattern: STORAGE_SIZE, allowed: STORAGE_ALLOWED });
      if (v.storageClass !== undefined) c.string(v.storageClass, joinPath(p, 'storageClass'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
      if (v.accessMode !== undefined) c.oneOf(v.accessMode, joinPath(p, 'accessMode'), ['ReadWriteOnce', 'ReadWriteMany']);
    }
  }
}

/** Checks an app's `sidecars` or `initContainers`. */
export function checkExtraContainers(c: Checker, value: unknown, path: string, volumes: readonly string[], appName: string): void {
  const all = c.object(value, path);
  for (const [name, raw] of Object.entries(all)) {
    const p = joinPath(path, name);
    c.string(name, p, { pattern: DNS_LABEL, allowed: `a container name of ${DNS_LABEL_ALLOWED}` });
    if (name === appName) c.fail(p, `"${name}" is the app's own container`);
    const x = c.object(raw, p);
    c.keys(x, p, ['image', 'command', 'args', 'resources', 'env', 'volumeMounts']);
    const image = c.string(x.image, joinPath(p, 'image'));
    if (!isPinnedImage(image)) c.fail(joinPath(p, 'image'), `"${image}" needs a tag or digest (it is not the app's release)`);
    if (x.command !== undefined) c.stringArray(x.command, joinPath(p, 'command'));
    if (x.args !== undefined) c.stringArray(x.args, joinPath(p, 'args'));
    checkCpuMemory(c, x.resources, joinPath(p, 'resources'));
    if (x.env !== undefined) for (const [k, val] of Object.entries(c.object(x.env, joinPath(p, 'env')))) {
      c.string(k, joinPath(p, 'env', k), { pattern: ENV_NAME, allowed: 'an environment variable name' });
      if (typeof val !== 'string') c.fail(joinPath(p, 'env', k), 'must be a string');
    }
    if (x.volumeMounts !== undefined) for (const [v, m] of Object.entries(c.object(x.volumeMounts, joinPath(p, 'volumeMounts')))) {
      if (v !== 'tmp' && !volumes.includes(v)) c.fail(joinPath(p, 'volumeMounts', v), `no volume "${v}" (the app's volumes: ${volumes.length > 0 ? volumes.join(', ') : 'none'}, and tmp)`);
      c.string(m, joinPath(p, 'volumeMounts', v), { pattern: ABSOLUTE, allowed: 'an absolute mount path' });
    }
  }
}

/** Checks an env's per-app `volumes` overrides (only claims' size and storage class). */
export function checkVolumeOverrides(c: Checker, value: unknown, path: string, defined: { readonly [name: string]: VolumeSpec } | undefined): void {
  for (const [name, raw] of Object.entries(c.object(value, path))) {
    const p = joinPath(path, name);
    const spec = defined?.[name];
    if (!spec || spec.kind !== 'pvc') c.fail(p, `no claim "${name}" in the app's volumes (claims: ${Object.entries(defined ?? {}).filter(([, v]) => v.kind === 'pvc').map(([k]) => k).join(', ') || 'none'})`);
    const o = c.object(raw, p);
    c.keys(o, p, ['size', 'storageClass']);
    if (o.size !== undefined) c.string(o.size, joinPath(p, 'size'), { pattern: STORAGE_SIZE, allowed: STORAGE_ALLOWED });
    if (o.storageClass !== undefined) c.string(o.storageClass, joinPath(p, 'storageClass'), { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  }
}

/** An app's volumes in one env: the env's claim overrides applied, sorted by name. */
export function resolveVolumes(specs: { readonly [name: string]: VolumeSpec } | undefined, overrides: { readonly [name: string]: VolumeOverride } | undefined): (VolumeSpec & { readonly name: string })[] {
  return Object.entries(specs ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, v]) => ({
    ...v,
    name,
    ...(v.kind === 'pvc' && overrides?.[name] ? { ...overrides[name] } : {}),
  }) as VolumeSpec & { readonly name: string });
}
