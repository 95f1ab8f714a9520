import { jsonErrorLine, jsonLines } from './json-lines';
import { ReleaseError } from './types';

/**
 * The Argo CD status file the promotion gate reads (`release promote --status FILE`, default
 * `.argocd-status.json`): JSON, written by CI from Argo CD, holding
 *
 * - one Application, as `argocd app get <name> -o json` prints it, or
 * - an array of them (`argocd app list -o json`; or `jq -s . a.json b.json` over several `app get`s), or
 * - a list object with `items` (the API's `GET /api/v1/applications`, `kubectl get applications -o json`).
 *
 * Of each Application only these fields are read (Argo CD's pkg/apis/application/v1alpha1/types.go:
 * Application.Status is ApplicationStatus): `metadata.name`; `status.health.status` (AppHealthStatus,
 * gitops-engine's health codes Healthy, Progressing, Degraded, Suspended, Missing, Unknown) and
 * `status.health.message`; `status.sync.status` (SyncStatus: Synced, OutOfSync, Unknown) and
 * `status.sync.revision` (the commit the comparison was made to); `status.operationState.phase`
 * (Running while a sync runs; Failed or Error when the last sync failed, e.g. its PostSync smoke test). Everything else
 * (resources, history, summary) is ignored.
 */

/** The default path of the status file, relative to the repository. */
export const DEFAULT_STATUS_FILE = '.argocd-status.json';

/** What the gate needs of one Application. */
export interface ApplicationStatus {
  /** metadata.name: `<env>-<region>-<app>`. */
  readonly name: string;
  /** status.health.status, when it is a string. */
  readonly health?: string;
  /** status.health.message. */
  readonly healthMessage?: string;
  /** status.sync.status. */
  readonly sync?: string;
  /** status.sync.revision: the commit the live state was compared with. */
  readonly revision?: string;
  /** status.operationState.phase. */
  readonly operationPhase?: string;
  /** The line of a field of this Application in the file (`['status', 'health', 'status']`). */
  readonly lineOf: (field: readonly string[]) => number;
}

/** The status file, read. */
export interface StatusFile {
  /** The file as named in messages. */
  readonly file: string;
  /** The Applications by name. */
  readonly apps: ReadonlyMap<string, ApplicationStatus>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The string at `path` of `v`, if there is one. */
function str(v: unknown, ...path: string[]): string | undefined {
  let cur = v;
  for (const k of path) cur = isObject(cur) ? cur[k] : undefined;
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

const SHAPE = 'an Argo CD Application as `argocd app get <name> -o json` prints it, an array of them, or a list with "items"';

/**
 * Reads the status file's text.
 *
 * @throws ReleaseError 'bad-input' naming `file:line` when the text is not JSON, or a document is not
 *   an Application (no metadata.name, another kind).
 */
export function readStatusFile(text: string, file: string): StatusFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ReleaseError('bad-input', file, '', `not JSON (${e instanceof Error ? e.message : String(e)}); expected ${SHAPE}`, jsonErrorLine(text, e));
  }
  const lineAt = jsonLines(text);
  const list = isObject(value) && Array.isArray(value.items);
  const docs: unknown[] = Array.isArray(value) ? value : list ? ((value as { items: unknown[] }).items) : [value];
  const base = (i: number): (string | number)[] => (Array.isArray(value) ? [i] : list ? ['items', i] : []);
  const label = (i: number) => (Array.isArray(value) ? `[${i}]` : list ? `items[${i}]` : '');
  const apps = new Map<string, ApplicationStatus>();
  docs.forEach((doc, i) => {
    const name = str(doc, 'metadata', 'name');
    const kind = isObject(doc) ? doc.kind : undefined;
    if (!name || (kind !== undefined && kind !== 'Application')) {
      const field = `${label(i)}${label(i) ? '.' : ''}${name ? 'kind' : 'metadata.name'}`;
      throw new ReleaseError('bad-input', file, field, `${name ? `kind ${JSON.stringify(kind)}` : 'no metadata.name'}: not an Application; expected ${SHAPE}`, lineAt([...base(i), ...(name ? ['kind'] : ['metadata', 'name'])]));
    }
    apps.set(name, {
      name,
      ...opt('health', str(doc, 'status', 'health', 'status')),
      ...opt('healthMessage', str(doc, 'status', 'health', 'message')),
      ...opt('sync', str(doc, 'status', 'sync', 'status')),
      ...opt('revision', str(doc, 'status', 'sync', 'revision')),
      ...opt('operationPhase', str(doc, 'status', 'operationState', 'phase')),
      lineOf: (field) => lineAt([...base(i), ...field]),
    });
  });
  return { file, apps };
}

/** `{ [key]: value }` when the value is defined, else `{}`. */
function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
