/**
 * The object-level difference between two dist/ trees (`npm run diff`, lib/cli/diff.ts): which
 * Kubernetes objects a change adds, removes or changes, grouped by env/region/app, with a unified
 * diff of each changed object's YAML. Pure: trees are maps of paths below dist/ to their text.
 */
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { parseDistPath } from '../model/layout';

/** One object (or, for a file that holds no Kubernetes objects, the file itself) that differs. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  /** The file below dist/. */
  readonly file: string;
  /** The API group ('' for the core group), kind, namespace (undefined when cluster-scoped) and name. */
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** A unified diff of the object's YAML, for a changed object. */
  readonly patch?: string;
}

/** The changes of one env/region/app (or of the control plane). */
export interface DiffGroup {
  /** undefined: the platform's control plane, no env (root, add-ons, the hosts' database API, dist/README.md). */
  readonly env?: string;
  readonly region?: string;
  readonly app?: string;
  /** True for files of the control plane (argocd/, vcluster-host/, crossplane/, databases/), an env's or the platform's. */
  readonly controlPlane: boolean;
  /** e.g. `prod/us-east-1/echo`, `prod/us-east-1 (control plane)`, `control plane`. */
  readonly label: string;
  readonly added: ObjectChange[];
  readonly removed: ObjectChange[];
  readonly changed: ObjectChange[];
}

/** `Kind namespace/name` (`Kind name` when cluster-scoped). */
export const objectLabel = (c: Pick<ObjectChange, 'kind' | 'namespace' | 'name'>): string => `${c.kind} ${c.namespace ? `${c.namespace}/` : ''}${c.name}`;

interface Obj {
  readonly key: string;
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly text: string;
}

/** A file's objects, keyed by group/kind/namespace/name (a repeated key gets `#2`, `#3`, ...). A non-YAML file is one pseudo-object, `File <path>`. */
function objectsOf(file: string, text: string): Map<string, Obj> {
  const out = new Map<string, Obj>();
  const add = (o: Omit<Obj, 'key'>) => {
    const base = `${o.group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
    let key = base;
    for (let i = 2; out.has(key); i++) key = `${base}#${i}`;
    out.set(key, { ...o, key });
  };
  if (!/\.ya?ml$/.test(file)) {
    add({ group: '', kind: 'File', name: file, text });
    return out;
  }
  for (const doc of parseAllDocuments(text)) {
    if (!('contents' in doc) || doc.contents === null) continue;
    const js = doc.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    if (js === null || typeof js !== 'object') continue;
    const apiVersion = typeof js.apiVersion === 'string' ? js.apiVersion : '';
    const ns = js.metadata?.namespace;
    add({
      group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '',
      kind: typeof js.kind === 'string' ? js.kind : '?',
      namespace: typeof ns === 'string' && ns !== '' ? ns : undefined,
      name: typeof js.metadata?.name === 'string' ? js.metadata.name : '?',
      text: doc.toString(),
    });
  }
  return out;
}

/** Which group a file below dist/ belongs to. */
export function groupOf(file: string): Pick<DiffGroup, 'env' | 'region' | 'app' | 'controlPlane' | 'label'> {
  const f = parseDistPath(file);
  let at: { env?: string; region?: string; app?: string; controlPlane: boolean } = { controlPlane: true };
  if (f?.kind === 'instance') at = { env: f.env, region: f.region, app: f.app, controlPlane: false };
  else if (f?.kind === 'vcluster-host' || f?.kind === 'database-claim') at = { env: f.env, region: f.region, app: f.app, controlPlane: true };
  else if (f?.kind === 'vcluster' || f?.kind === 'databases-app') at = { env: f.env, region: f.region, controlPlane: true };
  else if (f?.kind === 'project' || f?.kind === 'appset') at = { env: f.env, controlPlane: true };
  const where = [at.env, at.region, at.app].filter((s) => s !== undefined).join('/');
  const label = where === '' ? 'control plane' : at.controlPlane ? `${where} (control plane)` : where;
  return { ...at, label };
}

/** Envs in report order: prod first, the others by name, the platform's control plane (undefined) last. */
export function compareEnvs(a: string | undefined, b: string | undefined): number {
  const rank = (e: string | undefined) => (e === undefined ? 2 : e === 'prod' ? 0 : 1);
  return rank(a) - rank(b) || (a ?? '').localeCompare(b ?? '');
}

export interface DiffTreesOptions {
  /** Only this env's groups. */
  readonly env?: string;
  /** Only this app's groups. */
  readonly app?: string;
  /** Names of the two sides in the patches' headers. @default 'dist' and 'synth' */
  readonly beforeName?: string;
  readonly afterName?: string;
}

/**
 * The object-level difference from `before` to `after` (paths below dist/ to file text), by group
 * (prod first, then by label). Objects are matched within a file by group/kind/namespace/name; an
 * object that moved to another file shows as removed there and added here.
 */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, opts: DiffTreesOptions = {}): DiffGroup[] {
  const groups = new Map<string, DiffGroup>();
  const files = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const file of files) {
    const a = before.get(file);
    const b = after.get(file);
    if (a === b) continue;
    const g = groupOf(file);
    if (opts.env !== undefined && g.env !== opts.env) continue;
    if (opts.app !== undefined && g.app !== opts.app) continue;
    let group = groups.get(g.label);
    if (!group) {
      group = { ...g, added: [], removed: [], changed: [] };
      groups.set(g.label, group);
    }
    const olds = a === undefined ? new Map<string, Obj>() : objectsOf(file, a);
    const news = b === undefined ? new Map<string, Obj>() : objectsOf(file, b);
    const change = (o: Obj, kind: ObjectChange['change'], patch?: string): ObjectChange => ({
      change: kind, file, group: o.group, kind: o.kind, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}), name: o.name, ...(patch !== undefined ? { patch } : {}),
    });
    for (const [key, o] of olds) {
      const n = news.get(key);
      if (n === undefined) group.removed.push(change(o, 'removed'));
      else if (n.text !== o.text) {
        const label = `${file} ${objectLabel(o)}`;
        const patch = createTwoFilesPatch(`${opts.beforeName ?? 'dist'}/${label}`, `${opts.afterName ?? 'synth'}/${label}`, o.text, n.text, undefined, undefined, { context: 3 });
        group.changed.push(change(n, 'changed', patch));
      }
    }
    for (const [key, n] of news) if (!olds.has(key)) group.added.push(change(n, 'added'));
  }
  return [...groups.values()]
    .filter((g) => g.added.length + g.removed.length + g.changed.length > 0)
    .sort((x, y) => compareEnvs(x.env, y.env) || x.label.localeCompare(y.label));
}
