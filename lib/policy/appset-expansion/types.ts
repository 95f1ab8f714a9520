/** The types of the offline ApplicationSet expansion check (see ./index.ts), and the small helpers its files share. */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Go's byte-wise string order (os.ReadDir sorts names so). */
export const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export interface GitDirectoryItem {
  path: string;
  exclude?: boolean;
}

export interface ApplicationDestination {
  name?: string;
  server?: string;
  namespace?: string;
}

/** One Application as the ApplicationSet controller would create it (plus where it came from). */
export interface GeneratedApplication {
  /** metadata.name of the ApplicationSet that generated it. */
  appSet: string;
  /** Index of the generator in spec.generators. */
  generatorIndex: number;
  /** git generator repoURL and revision the directory was listed from. */
  generatorRepoURL: string;
  generatorRevision: string;
  /** The matched repository directory. */
  directory: string;
  /** The template parameters for this directory. */
  params: Obj;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  finalizers: string[];
  project: string;
  source?: Obj;
  sources?: Obj[];
  destination: ApplicationDestination;
  syncPolicy?: Obj;
  /** The rendered Application object. */
  manifest: { apiVersion: 'argoproj.io/v1alpha1'; kind: 'Application'; metadata: Obj; spec: Obj };
}

/** An ApplicationSet this check cannot (or Argo CD would not) expand: which one, which field, what is wrong. */
export class ApplicationSetError extends Error {
  constructor(
    readonly appSet: string,
    /** What is wrong, one line, without the ApplicationSet or the field. */
    readonly detail: string,
    /** Field path in the ApplicationSet, e.g. `spec.generators[0].git.repoURL` ('' for the whole object). */
    readonly field = '',
  ) {
    super(`ApplicationSet ${appSet}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'ApplicationSetError';
  }
}

export interface ExpectedInstance {
  env: string;
  region: string;
  app: string;
  /** True when the env syncs automatically (syncPolicy.automated with prune and selfHeal). */
  automated: boolean;
  /** The instance directory, relative to the repository root (e.g. dist/apps/dev/us-east-1/echo). */
  path: string;
}

export interface ExpansionInput {
  /** Repository root to list with listDirectories; or give `directories` directly. */
  repoRoot?: string;
  directories?: readonly string[];
  appSets: readonly unknown[];
  appProjects: readonly unknown[];
  expected: readonly ExpectedInstance[];
  /** When given, every git generator and every Application source must use this repository. */
  repoURL?: string;
  /** When given, the destination cluster names Argo CD knows (registered vclusters). */
  clusters?: readonly string[];
}

export type ExpansionRule =
  | 'appset-invalid'
  | 'appset-repo-url'
  | 'instance-dir-missing'
  | 'instance-not-generated'
  | 'instance-generated-twice'
  | 'app-unexpected-directory'
  | 'app-name'
  | 'app-name-invalid'
  | 'app-name-duplicate'
  | 'app-label-value'
  | 'app-destination'
  | 'app-source-path'
  | 'app-source-repo'
  | 'app-sync-automated'
  | 'app-project-missing'
  | 'app-source-not-permitted'
  | 'app-destination-not-permitted'
  | 'app-destination-unknown-cluster'
  | 'project-unverifiable';

/**
 * What a finding is about: an ApplicationSet or AppProject (by metadata.name), or an expected app
 * instance that has no object of its own (its directory is missing, or nothing generates it).
 */
export type ExpansionSubject =
  | { readonly kind: 'ApplicationSet' | 'AppProject'; readonly name: string }
  | { readonly kind: 'instance'; readonly env: string; readonly region: string; readonly app: string; /** The instance directory in the repository. */ readonly path: string };

/** One problem, as data. */
export interface ExpansionFinding {
  rule: ExpansionRule;
  subject: ExpansionSubject;
  /**
   * Field path in the subject ('' for the whole object, and for an instance). A field of a generated
   * Application is reported at the ApplicationSet template's field that renders it
   * (`spec.template.spec.destination.name`); the message names the Application.
   */
  field: string;
  /** One line: what is wrong and what is expected, without the subject (an instance's message starts with its directory). */
  message: string;
}

export interface ExpansionResult {
  findings: ExpansionFinding[];
  applications: GeneratedApplication[];
  directories: string[];
}

/** A finding as one self-contained line: `ApplicationSet <name>: <field>: <message>` (an instance's: the message). */
export function formatExpansionFinding(f: ExpansionFinding): string {
  if (f.subject.kind === 'instance') return f.message;
  return `${f.subject.kind} ${f.subject.name}: ${f.field ? `${f.field}: ` : ''}${f.message}`;
}
