import { platformPlacement } from '../../../lib/policy/gate';
import { readdirSync, readFileSync } from 'fs';
import { join, posix } from 'path';
import { parseAllDocuments } from 'yaml';
import { EnvPolicy, formatFinding, K8sObject, ManifestObject, PolicyContext, runPolicy } from '../../../lib/policy/engine';
import { wiringRules } from '../../../lib/policy/rules/wiring';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';
import { CORPUS, CORPUS_DIRECTORIES } from '../../support/policy-corpus';

/** Parses YAML into ManifestObjects of `file`. */
function parse(file: string, text: string): ManifestObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    const object = doc.toJS() as K8sObject | null;
    return object ? [{ file, index, object }] : [];
  });
}

const envNamed = (name: string): EnvPolicy | undefined =>
  ['dev', 'staging', 'prod'].includes(name) ? { env: name, requireDigest: name === 'prod', noWildcards: name === 'prod' } : undefined;

function context(objects: ManifestObject[], directories?: string[]): PolicyContext {
  return { objects, envOf: () => undefined, envNamed, directories, kubernetesVersion: '1.32' };
}

/** The repository directories as npm run validate lists them for the corpus (it plays dist/). */
const FIXTURE_DIRS = [...CORPUS_DIRECTORIES];

/**
 * The corpus files of a rule's fail fixture (paths relative to test/fixtures/policy/): wiring/<rule>.fail.yaml,
 * except where npm run validate needs another place (app manifests under apps/<env>/<region>/<app>/,
 * control-plane objects under argocd/) or a second cluster.
 */
const FILES: { readonly [rule: string]: readonly string[] } = {
  'labels/recommended': ['apps/dev/us-east-1/labels-recommended/labels-recommended.fail.yaml'],
  'names/unique': ['wiring/names-unique.fail.yaml', 'apps/prod/us-east-1/names-unique/service-account.yaml', 'apps/dev/us-east-1/names-unique/service-account.yaml'],
  'argocd/no-wildcards': ['argocd/no-wildcards.fail.yaml'],
  'argocd/appset-paths-exist': ['argocd/appset-paths-exist.fail.yaml'],
};
const filesOf = (rule: string): readonly string[] => FILES[rule] ?? [`wiring/${rule.replace('/', '-')}.fail.yaml`];

function runFiles(files: readonly string[]): string[] {
  const objects = files.flatMap((file) => parse(file, readFileSync(join(CORPUS, file), 'utf8')));
  return runPolicy(wiringRules, context(objects, FIXTURE_DIRS)).map((f) => formatFinding(f));
}

const EXPECTED: { [rule: string]: string[] } = {
  'services/selects-pods': [
    "wiring/services-selects-pods.fail.yaml: Service wiring-services-selects-pods-fail/web: spec.selector: selects no pods: no workload in namespace wiring-services-selects-pods-fail has pod template labels app=wbe (services/selects-pods)",
  ],
  'services/target-ports': [
    "wiring/services-target-ports.fail.yaml: Service wiring-services-target-ports-fail/web: spec.ports[0].targetPort: targetPort \"htp\" is not a container port of Deployment wiring-services-target-ports-fail/web; expected one of its container ports (http/8080) (services/target-ports)",
    "wiring/services-target-ports.fail.yaml: Service wiring-services-target-ports-fail/web: spec.ports[1].targetPort: targetPort 9090 is not a container port of Deployment wiring-services-target-ports-fail/web; expected one of its container ports (http/8080) (services/target-ports)",
  ],
  'ingress/backend-exists': [
    "wiring/ingress-backend-exists.fail.yaml: Ingress wiring-ingress-backend-exists-fail/web: spec.defaultBackend.service.name: Service \"nope\" does not exist in namespace wiring-ingress-backend-exists-fail; expected an existing Service (ingress/backend-exists)",
    "wiring/ingress-backend-exists.fail.yaml: Ingress wiring-ingress-backend-exists-fail/web: spec.rules[0].http.paths[0].backend.service.port: port \"https\" is not a port of Service \"web\"; expected one of http/80 (ingress/backend-exists)",
    "wiring/ingress-backend-exists.fail.yaml: Ingress wiring-ingress-backend-exists-fail/web: spec.rules[0].http.paths[1].backend.service.port: port 8080 is not a port of Service \"web\"; expected one of http/80 (ingress/backend-exists)",
  ],
  'references/config-maps': [
    "wiring/references-config-maps.fail.yaml: Deployment wiring-references-config-maps-fail/web: spec.template.spec.containers[0].envFrom[0].configMapRef.name: ConfigMap \"missing-b\" does not exist in namespace wiring-references-config-maps-fail; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment wiring-references-config-maps-fail/web: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name: ConfigMap \"missing-a\" does not exist in namespace wiring-references-config-maps-fail; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment wiring-references-config-maps-fail/web: spec.template.spec.volumes[0].configMap.name: ConfigMap \"missing-c\" does not exist in namespace wiring-references-config-maps-fail; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment wiring-references-config-maps-fail/web: spec.template.spec.volumes[1].projected.sources[0].configMap.name: ConfigMap \"missing-d\" does not exist in namespace wiring-references-config-maps-fail; expected one in the set, or mark the reference optional: true (references/config-maps)",
  ],
  'references/secrets': [
    "wiring/references-secrets.fail.yaml: Deployment wiring-references-secrets-fail/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: Secret \"db\" does not exist in namespace wiring-references-secrets-fail; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
    "wiring/references-secrets.fail.yaml: Deployment wiring-references-secrets-fail/web: spec.template.spec.imagePullSecrets[0].name: Secret \"pull\" does not exist in namespace wiring-references-secrets-fail; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
    "wiring/references-secrets.fail.yaml: Deployment wiring-references-secrets-fail/web: spec.template.spec.volumes[0].secret.secretName: Secret \"tls\" does not exist in namespace wiring-references-secrets-fail; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
  ],
  'references/service-account': [
    "wiring/references-service-account.fail.yaml: Deployment wiring-references-service-account-fail/web: spec.template.spec.serviceAccountName: ServiceAccount \"web\" does not exist in namespace wiring-references-service-account-fail; expected a ServiceAccount of that name in the set (references/service-account)",
  ],
  'network/pods-covered': [
    "wiring/network-pods-covered.fail.yaml: Deployment wiring-network-pods-covered-fail/web: pods (labels app=web) are selected by no NetworkPolicy in namespace wiring-network-pods-covered-fail; expected a NetworkPolicy whose podSelector matches them (podSelector: {} covers all) (network/pods-covered)",
  ],
  'names/dns-1123': [
    "wiring/names-dns-1123.fail.yaml: ConfigMap wiring-names-dns-1123-fail/(no name): metadata.name: is missing; expected a DNS-1123 name (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: ConfigMap wiring-names-dns-1123-fail/Web_Config: metadata.name: \"Web_Config\" is invalid; expected a DNS-1123 subdomain (lowercase alphanumerics, \"-\" and \".\", starting and ending alphanumeric, at most 253 characters) (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: Namespace shop.eu: metadata.name: \"shop.eu\" is invalid; expected a DNS-1123 label (lowercase alphanumerics and \"-\", starting and ending alphanumeric, at most 63 characters) (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: Service wiring-names-dns-1123-fail/1web: metadata.name: \"1web\" is invalid; expected a DNS-1035 label (lowercase alphanumerics and \"-\", starting with a letter, ending alphanumeric, at most 63 characters) (names/dns-1123)",
  ],
  'names/label-values': [
    "wiring/names-label-values.fail.yaml: ConfigMap wiring-names-label-values-fail/web: metadata.labels[\"Example.com/name\"]: label key \"Example.com/name\" is invalid; expected its prefix to be a DNS-1123 subdomain (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap wiring-names-label-values-fail/web: metadata.labels[\"app\"]: label value \"-web\" is invalid; expected at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric (or empty) (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap wiring-names-label-values-fail/web: metadata.labels[\"bad key!\"]: label key \"bad key!\" is invalid; expected a name of at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric, with an optional DNS-1123 prefix and \"/\" (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap wiring-names-label-values-fail/web: metadata.labels[\"replicas\"]: label \"replicas\" has a non-string value 3; expected a quoted string (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap wiring-names-label-values-fail/web: metadata.labels[\"version\"]: label value \"this-value-is-much-longer-than-sixty-three-characters-which-is-the-limit\" is invalid; expected at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric (or empty) (names/label-values)",
  ],
  'names/unique': [
    "wiring/names-unique.fail.yaml: ConfigMap wiring-names-unique-fail/web: metadata.name: duplicates ConfigMap wiring-names-unique-fail/web first defined in wiring/names-unique.fail.yaml (document 1); expected a unique kind/namespace/name (names/unique)",
  ],
  'namespaces/not-default': [
    "wiring/namespaces-not-default.fail.yaml: ConfigMap b: metadata.namespace: is missing; expected the namespace of the app (ConfigMap is namespaced; not default) (namespaces/not-default)",
    "wiring/namespaces-not-default.fail.yaml: ConfigMap default/a: metadata.namespace: is \"default\"; expected a dedicated namespace (namespaces/not-default)",
  ],
  'labels/recommended': [
    "apps/dev/us-east-1/labels-recommended/labels-recommended.fail.yaml: ConfigMap labels-recommended/web: metadata.labels: missing app.kubernetes.io/part-of, app.kubernetes.io/managed-by; expected all of app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by (labels/recommended)",
    "apps/dev/us-east-1/labels-recommended/labels-recommended.fail.yaml: Secret labels-recommended/web: metadata.labels: missing app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by; expected all of app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by (labels/recommended)",
  ],
  'argocd/no-wildcards': [
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.clusterResourceWhitelist[0].group: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.clusterResourceWhitelist[0].kind: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.destinations[0].namespace: \"shop-*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.destinations[0].server: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.namespaceResourceWhitelist[0].kind: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "argocd/no-wildcards.fail.yaml: AppProject argocd-no-wildcards-fail/prod: spec.sourceRepos[1]: \"https://github.com/acme/*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
  ],
  'argocd/appset-paths-exist': [
    "argocd/appset-paths-exist.fail.yaml: ApplicationSet argocd-appset-paths-exist-fail/paths: spec.generators[0].git.directories[1].path: \"dist/app/prod/*/*\" matches no directory of the repository; expected a pattern matching at least one directory (argocd/appset-paths-exist)",
    "argocd/appset-paths-exist.fail.yaml: ApplicationSet argocd-appset-paths-exist-fail/paths: spec.generators[0].git.directories[2].path: \"dist/apps/[prod/*\" is a malformed path.Match pattern; expected a valid pattern matching at least one directory (argocd/appset-paths-exist)",
    "argocd/appset-paths-exist.fail.yaml: ApplicationSet argocd-appset-paths-exist-fail/paths: spec.generators[1].matrix.generators[0].git.directories[1].path: \"dist/apps/qa/*/*\" matches no directory of the repository; expected a pattern matching at least one directory (argocd/appset-paths-exist)",
  ],
  'apis/removed-versions': [
    "wiring/apis-removed-versions.fail.yaml: CronJob wiring-apis-removed-versions-fail/d: apiVersion: batch/v1beta1 CronJob was removed in Kubernetes 1.25 (clusters run 1.32); expected batch/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: FlowSchema e: apiVersion: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32 (clusters run 1.32); expected flowcontrol.apiserver.k8s.io/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: HorizontalPodAutoscaler wiring-apis-removed-versions-fail/c: apiVersion: autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (clusters run 1.32); expected autoscaling/v2 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: Ingress wiring-apis-removed-versions-fail/a: apiVersion: extensions/v1beta1 Ingress was removed in Kubernetes 1.22 (clusters run 1.32); expected networking.k8s.io/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: PodDisruptionBudget wiring-apis-removed-versions-fail/b: apiVersion: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25 (clusters run 1.32); expected policy/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: StatefulSet wiring-apis-removed-versions-fail/f: apiVersion: apps/v1beta2 StatefulSet was removed in Kubernetes 1.16 (clusters run 1.32); expected apps/v1 (apis/removed-versions)",
  ],
};

test('every rule has an id, a one-line reason and an explanation naming the opt-out (or saying there is none, for control-plane rules)', () => {
  const ids = wiringRules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of wiringRules) {
    expect(r.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(r.reason).not.toMatch(/\n/);
    if (r.id.startsWith('argocd/')) expect(r.explain).toMatch(/There is no opt-out\.$/);
    else expect(r.explain).toContain(`policy: { allow: [{ rule: '${r.id}'`);
    expect(r.severity).toBe(['labels/recommended', 'argocd/appset-paths-exist'].includes(r.id) ? 'warning' : 'error');
  }
  expect(Object.keys(EXPECTED).sort()).toEqual([...ids].sort());
});

describe.each(wiringRules.map((r) => r.id))('%s', (id) => {
  test('its fail fixture yields exactly its findings', () => {
    const findings = runFiles(filesOf(id));
    expect(findings).toEqual(EXPECTED[id]);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.endsWith(`(${id})`)).toBe(true);
  });
});

test('the fixture corpus has one fail file per rule and a pass file', () => {
  const wiring = readdirSync(join(CORPUS, 'wiring')).map((f) => `wiring/${f}`);
  const elsewhere = wiringRules.flatMap((r) => filesOf(r.id)).filter((f) => !f.startsWith('wiring/'));
  expect([...wiring, ...elsewhere].sort()).toEqual([...new Set(['wiring/pass.yaml', ...wiringRules.flatMap((r) => filesOf(r.id))])].sort());
});

test('pass.yaml yields nothing', () => {
  expect(runFiles(['wiring/pass.yaml'])).toEqual([]);
});

test('removed APIs depend on the Kubernetes version', () => {
  const objects = parse('f.yaml', 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: n}\n');
  const run = (v: string) => runPolicy(wiringRules, { ...context(objects), kubernetesVersion: v }).map((f) => f.rule);
  expect(run('1.25')).toEqual([]);
  expect(run('1.26')).toEqual(['apis/removed-versions']);
});

test('appset-paths-exist is skipped when directories are unknown', () => {
  const objects = parse('f.yaml', readFileSync(join(CORPUS, 'argocd/appset-paths-exist.fail.yaml'), 'utf8'));
  expect(runPolicy(wiringRules, context(objects))).toEqual([]);
});

/** The example repository synthesized and its dist/ parsed, once for the two tests that read it (neither changes it). */
let example: { plan: ReturnType<typeof planSynth>; objects: ManifestObject[] } | undefined;
function exampleDist(): { plan: ReturnType<typeof planSynth>; objects: ManifestObject[] } {
  if (!example) {
    const plan = planSynth(exampleInput);
    example = { plan, objects: plan.files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parse(f.path, f.content)) };
  }
  return example;
}

test('the example repository passes every wiring rule', () => {
  const { plan, objects } = exampleDist();
  expect(objects.length).toBe(plan.objects);
  const directories = new Set(['dist']);
  for (const f of plan.files) {
    const parts = posix.dirname(`dist/${f.path}`).split('/');
    for (let i = 1; i <= parts.length; i++) directories.add(parts.slice(0, i).join('/'));
  }
  // With the platform's placement (as synth and validate run it): the database's connection Secret is copied in from the host.
  const placement = platformPlacement(exampleInput.platform, exampleInput.envs, exampleInput.addons!);
  const findings = runPolicy(wiringRules, { ...context(objects, [...directories]), placement });
  expect(findings.map((f) => formatFinding(f))).toEqual([]);
});

test('references/secrets: a Secret copied in from the host counts only when the set creates it there', () => {
  const all = exampleDist().objects;
  const placement = platformPlacement(exampleInput.platform, exampleInput.envs, exampleInput.addons!);
  const secretFindings = (objects: ManifestObject[]) => runPolicy(wiringRules, { ...context(objects), placement })
    .filter((f) => f.rule === 'references/secrets').map((f) => `${f.file}: ${f.path}: ${f.message}`);
  expect(secretFindings(all)).toEqual([]);
  // Without the claim in prod: the copy has no source, and the finding names it.
  const withoutClaim = all.filter((m) => m.file !== 'databases/prod/us-east-1/incident-assistant-backend.yaml');
  const found = secretFindings(withoutClaim);
  expect(found).toHaveLength(10); // DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD: in the web pod and in the migration Job's
  expect(found[0]).toBe('apps/prod/us-east-1/incident-assistant-backend/incident-assistant-backend.yaml: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: '
    + 'Secret "incident-assistant-backend-db" is copied into the vcluster from db-prod-us-east-1/incident-assistant-backend-db on its host (sync.fromHost.secrets), and nothing in the set creates that: expected a Secret there, or a claim writing its connection Secret there (spec.writeConnectionSecretToRef)');
  // Without placement (a directory validated without the platform), nothing is known to be copied in.
  expect(runPolicy(wiringRules, context(all)).filter((f) => f.rule === 'references/secrets')).toHaveLength(30);
});
