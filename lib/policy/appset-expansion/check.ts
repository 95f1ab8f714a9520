import { instanceName } from '../../model/layout';
import { expandApplicationSet } from './expand';
import { listDirectories } from './directories';
import { badProjectPatterns, isDestinationPermitted, isSourcePermitted, normalizeGitURL } from './project';
import {
  ApplicationSetError, ExpansionFinding, ExpansionInput, ExpansionResult, ExpansionRule, ExpectedInstance, GeneratedApplication, isObj, Obj, str,
} from './types';

/*
 * The check itself: expand every ApplicationSet over the repository's directories, then compare the
 * Applications with the expected app instances and the AppProjects. Every finding names its subject
 * (the ApplicationSet, the AppProject, or the instance) and field as data.
 */

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const cleanPath = (p: string): string => p.replace(/^\.\//, '').replace(/\/+$/, '');

/** True when the sync policy turns automated sync on (`automated` present, `enabled` not false). */
function automatedOf(syncPolicy: Obj | undefined): Obj | undefined {
  const automated = syncPolicy?.automated;
  if (automated === undefined || automated === null) return undefined;
  if (isObj(automated) && automated.enabled === false) return undefined;
  return isObj(automated) ? automated : {};
}

/** Where a generated Application's field comes from: the ApplicationSet's template. */
const TEMPLATE = 'spec.template';

/** Expands every ApplicationSet over the tree and checks the result; returns findings and Applications. */
export function runExpansionCheck(input: ExpansionInput): ExpansionResult {
  const findings: ExpansionFinding[] = [];
  const onAppSet = (rule: ExpansionRule, appSet: string, field: string, message: string): void => {
    findings.push({ rule, subject: { kind: 'ApplicationSet', name: appSet }, field, message });
  };
  const onInstance = (rule: ExpansionRule, e: ExpectedInstance, path: string, message: string): void => {
    findings.push({ rule, subject: { kind: 'instance', env: e.env, region: e.region, app: e.app, path }, field: '', message: `${path}: ${message}` });
  };
  // A finding about a generated Application: on its ApplicationSet, at the template field that renders it.
  const onApp = (rule: ExpansionRule, a: GeneratedApplication, field: string, message: string): void => {
    onAppSet(rule, a.appSet, field ? `${TEMPLATE}.${field}` : TEMPLATE, `Application ${a.name || '<no name>'} (${a.directory}): ${message}`);
  };
  let directories: string[];
  if (input.directories) directories = input.directories.map(cleanPath);
  else if (input.repoRoot !== undefined) directories = listDirectories(input.repoRoot);
  else throw new Error('checkExpansion: give repoRoot or directories');
  const dirSet = new Set(directories);

  // 1. Expand.
  const applications: GeneratedApplication[] = [];
  for (const appSet of input.appSets) {
    try {
      applications.push(...expandApplicationSet(appSet, directories));
    } catch (e) {
      if (e instanceof ApplicationSetError) onAppSet('appset-invalid', e.appSet, e.field, e.detail);
      else throw e;
    }
  }

  // 2. Every expected instance: exactly one Application, rendered as expected.
  const expectedByPath = new Map<string, ExpectedInstance>();
  for (const e of input.expected) expectedByPath.set(cleanPath(e.path), e);
  for (const [path, e] of expectedByPath) {
    const instance = `${e.env}/${e.region}/${e.app}`;
    if (!dirSet.has(path)) {
      onInstance('instance-dir-missing', e, path, `directory of instance ${instance} is not in the repository tree (Argo CD cannot generate its Application)`);
      continue;
    }
    const generated = applications.filter((a) => a.directory === path);
    if (generated.length === 0) {
      onInstance('instance-not-generated', e, path, `no ApplicationSet generates an Application for instance ${instance} (expected ${instanceName(e.env, e.region, e.app)})`);
      continue;
    }
    if (generated.length > 1) {
      onInstance('instance-generated-twice', e, path, `${generated.length} Applications are generated for instance ${instance}: ${generated.map((a) => `${a.name} (ApplicationSet ${a.appSet})`).join(', ')}`);
    }
    for (const a of generated) {
      const wantName = instanceName(e.env, e.region, e.app);
      if (a.name !== wantName) onApp('app-name', a, 'metadata.name', `name is "${a.name}", expected "${wantName}"`);
      const wantCluster = `${e.env}-${e.region}`;
      if (a.destination.name !== wantCluster) onApp('app-destination', a, 'spec.destination.name', `destination.name is ${JSON.stringify(a.destination.name ?? null)}, expected "${wantCluster}"`);
      if (a.destination.server) onApp('app-destination', a, 'spec.destination.server', `destination.server is set ("${a.destination.server}"); expected destination.name only`);
      if (a.destination.namespace !== e.app) onApp('app-destination', a, 'spec.destination.namespace', `destination.namespace is ${JSON.stringify(a.destination.namespace ?? null)}, expected "${e.app}"`);
      const paths = a.source ? [str(a.source.path)] : (a.sources ?? []).map((s) => str(s.path));
      if (!paths.includes(path)) onApp('app-source-path', a, a.source ? 'spec.source.path' : 'spec.sources', `source.path is ${JSON.stringify(paths.length === 1 ? paths[0] ?? null : paths)}, expected "${path}"`);
      const automated = automatedOf(a.syncPolicy);
      if (e.automated && !automated) onApp('app-sync-automated', a, 'spec.syncPolicy', `${e.env} syncs automatically but syncPolicy.automated is missing`);
      if (!e.automated && automated) onApp('app-sync-automated', a, 'spec.syncPolicy.automated', `${e.env} syncs manually but syncPolicy.automated is set`);
      if (e.automated && automated && (automated.prune !== true || automated.selfHeal !== true)) {
        onApp('app-sync-automated', a, 'spec.syncPolicy.automated', `syncPolicy.automated must have prune: true and selfHeal: true (got prune: ${JSON.stringify(automated.prune ?? null)}, selfHeal: ${JSON.stringify(automated.selfHeal ?? null)})`);
      }
    }
  }

  // 3. Nothing but the instances.
  for (const a of applications) {
    if (!expectedByPath.has(a.directory)) {
      onAppSet('app-unexpected-directory', a.appSet, `spec.generators[${a.generatorIndex}].git.directories`, `Application ${a.name || '<no name>'}: ${a.directory} is not an app instance directory, yet the ApplicationSet generates an Application for it`);
    }
  }

  // 4. Names: valid and unique.
  const byName = new Map<string, GeneratedApplication[]>();
  for (const a of applications) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  for (const [name, list] of byName) {
    if (list.length > 1) {
      onAppSet('app-name-duplicate', list[0].appSet, `${TEMPLATE}.metadata.name`, `Application name "${name}" is generated ${list.length} times: ${list.map((a) => `${a.directory} (ApplicationSet ${a.appSet})`).join(', ')}`);
    }
  }
  for (const a of applications) {
    if (a.name.length > 253 || !DNS1123_SUBDOMAIN.test(a.name)) onApp('app-name-invalid', a, 'metadata.name', `"${a.name}" is not a valid Kubernetes object name (DNS-1123 subdomain)`);
    for (const [k, v] of Object.entries(a.labels)) {
      if (v === '' || v.length > 63 || !LABEL_VALUE.test(v)) onApp('app-label-value', a, 'metadata.labels', `label ${k} renders to ${JSON.stringify(v)}, not a non-empty valid label value`);
    }
  }

  // 5. Repository consistency: the Application deploys the directory that was listed.
  const wantRepo = input.repoURL !== undefined ? normalizeGitURL(input.repoURL) : undefined;
  const reportedGenerators = new Set<string>();
  for (const a of applications) {
    const genKey = `${a.appSet}#${a.generatorIndex}`;
    if (wantRepo !== undefined && normalizeGitURL(a.generatorRepoURL) !== wantRepo && !reportedGenerators.has(genKey)) {
      reportedGenerators.add(genKey);
      onAppSet('appset-repo-url', a.appSet, `spec.generators[${a.generatorIndex}].git.repoURL`, `"${a.generatorRepoURL}" is not the platform's repository; expected "${input.repoURL}"`);
    }
    for (const s of a.source ? [a.source] : (a.sources ?? [])) {
      const url = str(s.repoURL) ?? '';
      if (normalizeGitURL(url) !== normalizeGitURL(a.generatorRepoURL)) {
        onApp('app-source-repo', a, a.source ? 'spec.source.repoURL' : 'spec.sources', `source.repoURL "${url}" is not the repository the generator lists ("${a.generatorRepoURL}")`);
      } else if ((str(s.targetRevision) ?? 'HEAD') !== a.generatorRevision) {
        onApp('app-source-repo', a, a.source ? 'spec.source.targetRevision' : 'spec.sources', `source.targetRevision "${str(s.targetRevision) ?? 'HEAD'}" differs from the generator revision "${a.generatorRevision}"`);
      }
    }
  }

  // 6. AppProjects allow what is generated.
  const projects = new Map<string, Obj>();
  for (const p of input.appProjects) {
    if (isObj(p) && p.kind === 'AppProject' && isObj(p.metadata) && typeof p.metadata.name === 'string') projects.set(p.metadata.name, p);
  }
  const onProject = (name: string, field: string, message: string): void => {
    findings.push({ rule: 'project-unverifiable', subject: { kind: 'AppProject', name }, field, message });
  };
  const usedProjects = new Set(applications.map((a) => a.project));
  for (const name of [...usedProjects].sort()) {
    const p = projects.get(name);
    if (!p) continue;
    for (const bad of badProjectPatterns(p)) onProject(name, bad.field, `${JSON.stringify(bad.pattern)} is not a valid glob (Argo CD treats it as matching nothing)`);
    if (isObj(p.spec) && p.spec.permitOnlyProjectScopedClusters === true) {
      onProject(name, 'spec.permitOnlyProjectScopedClusters', "needs the project's cluster secrets and cannot be checked offline");
    }
  }
  const clusters = input.clusters ? new Set(input.clusters) : undefined;
  for (const a of applications) {
    const p = projects.get(a.project);
    if (!p) {
      onApp('app-project-missing', a, 'spec.project', `project "${a.project}" is not among the AppProjects (${[...projects.keys()].sort().join(', ') || 'none'})`);
      continue;
    }
    for (const s of a.source ? [a.source] : (a.sources ?? [])) {
      const url = str(s.repoURL) ?? '';
      if (!isSourcePermitted(p, url)) onApp('app-source-not-permitted', a, a.source ? 'spec.source.repoURL' : 'spec.sources', `AppProject ${a.project} does not allow source repository "${url}"`);
    }
    if (!isDestinationPermitted(p, a.destination)) {
      onApp('app-destination-not-permitted', a, 'spec.destination', `AppProject ${a.project} does not allow destination ${a.destination.name ?? a.destination.server ?? '<none>'}/${a.destination.namespace ?? ''}`);
    }
    if (clusters && a.destination.name && !clusters.has(a.destination.name)) {
      onApp('app-destination-unknown-cluster', a, 'spec.destination.name', `destination cluster "${a.destination.name}" is not a registered cluster`);
    }
  }

  return { findings, applications, directories };
}

/** The findings of {@link runExpansionCheck} (empty when the expansion is exactly right). */
export function checkExpansion(input: ExpansionInput): ExpansionFinding[] {
  return runExpansionCheck(input).findings;
}
