import { readdirSync, readFileSync } from 'fs';
import { join, posix } from 'path';
import { parseAllDocuments } from 'yaml';
import { EnvPolicy, formatFinding, K8sObject, ManifestObject, PolicyContext, runPolicy } from '../../../lib/policy/engine';
import { wiringRules } from '../../../lib/policy/rules/wiring';
import { planSynth } from '../../../lib/synth';
import { exampleInput } from '../../support/example';

const FIXTURES = join(__dirname, '../../fixtures/policy/wiring');

/** Parses YAML into ManifestObjects; a `# file: <path>` comment line in a document overrides its file. */
function parse(file: string, text: string): ManifestObject[] {
  let end = 0;
  return parseAllDocuments(text).flatMap((doc, index) => {
    const source = text.slice(end, doc.range[2]);
    end = doc.range[2];
    const object = doc.toJS() as K8sObject | null;
    if (!object) return [];
    const override = /^# file: (\S+)$/m.exec(source);
    return [{ file: override ? override[1] : file, index, object }];
  });
}

const envNamed = (name: string): EnvPolicy | undefined =>
  ['dev', 'staging', 'prod'].includes(name) ? { env: name, requireDigest: name === 'prod', noWildcards: name === 'prod' } : undefined;

function context(objects: ManifestObject[], directories?: string[]): PolicyContext {
  return { objects, envOf: () => undefined, envNamed, directories, kubernetesVersion: '1.32' };
}

const FIXTURE_DIRS = ['dist', 'dist/apps', 'dist/apps/prod', 'dist/apps/prod/us-east-1', 'dist/apps/prod/us-east-1/web', 'dist/argocd'];

function runFixture(name: string): string[] {
  const objects = parse(`wiring/${name}`, readFileSync(join(FIXTURES, name), 'utf8'));
  return runPolicy(wiringRules, context(objects, FIXTURE_DIRS)).map((f) => formatFinding(f));
}

const EXPECTED: { [rule: string]: string[] } = {
  'services/selects-pods': [
    "wiring/services-selects-pods.fail.yaml: Service shop/web: spec.selector: selects no pods: no workload in namespace shop has pod template labels app=wbe (services/selects-pods)",
  ],
  'services/target-ports': [
    "wiring/services-target-ports.fail.yaml: Service shop/web: spec.ports[0].targetPort: targetPort \"htp\" is not a container port of Deployment shop/web; expected one of its container ports (http/8080) (services/target-ports)",
    "wiring/services-target-ports.fail.yaml: Service shop/web: spec.ports[1].targetPort: targetPort 9090 is not a container port of Deployment shop/web; expected one of its container ports (http/8080) (services/target-ports)",
  ],
  'ingress/backend-exists': [
    "wiring/ingress-backend-exists.fail.yaml: Ingress shop/web: spec.defaultBackend.service.name: Service \"nope\" does not exist in namespace shop; expected an existing Service (ingress/backend-exists)",
    "wiring/ingress-backend-exists.fail.yaml: Ingress shop/web: spec.rules[0].http.paths[0].backend.service.port: port \"https\" is not a port of Service \"web\"; expected one of http/80 (ingress/backend-exists)",
    "wiring/ingress-backend-exists.fail.yaml: Ingress shop/web: spec.rules[0].http.paths[1].backend.service.port: port 8080 is not a port of Service \"web\"; expected one of http/80 (ingress/backend-exists)",
  ],
  'references/config-maps': [
    "wiring/references-config-maps.fail.yaml: Deployment shop/web: spec.template.spec.containers[0].envFrom[0].configMapRef.name: ConfigMap \"missing-b\" does not exist in namespace shop; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment shop/web: spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.name: ConfigMap \"missing-a\" does not exist in namespace shop; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment shop/web: spec.template.spec.volumes[0].configMap.name: ConfigMap \"missing-c\" does not exist in namespace shop; expected one in the set, or mark the reference optional: true (references/config-maps)",
    "wiring/references-config-maps.fail.yaml: Deployment shop/web: spec.template.spec.volumes[1].projected.sources[0].configMap.name: ConfigMap \"missing-d\" does not exist in namespace shop; expected one in the set, or mark the reference optional: true (references/config-maps)",
  ],
  'references/secrets': [
    "wiring/references-secrets.fail.yaml: Deployment shop/web: spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: Secret \"db\" does not exist in namespace shop; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
    "wiring/references-secrets.fail.yaml: Deployment shop/web: spec.template.spec.imagePullSecrets[0].name: Secret \"pull\" does not exist in namespace shop; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
    "wiring/references-secrets.fail.yaml: Deployment shop/web: spec.template.spec.volumes[0].secret.secretName: Secret \"tls\" does not exist in namespace shop; expected one (a Secret, SealedSecret or ExternalSecret of that name) in the set, or mark the reference optional: true (references/secrets)",
  ],
  'references/service-account': [
    "wiring/references-service-account.fail.yaml: Deployment shop/web: spec.template.spec.serviceAccountName: ServiceAccount \"web\" does not exist in namespace shop; expected a ServiceAccount of that name in the set (references/service-account)",
  ],
  'network/pods-covered': [
    "wiring/network-pods-covered.fail.yaml: Deployment shop/web: pods (labels app=web) are selected by no NetworkPolicy in namespace shop; expected a NetworkPolicy whose podSelector matches them (podSelector: {} covers all) (network/pods-covered)",
  ],
  'names/dns-1123': [
    "wiring/names-dns-1123.fail.yaml: ConfigMap shop/(no name): metadata.name: is missing; expected a DNS-1123 name (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: ConfigMap shop/Web_Config: metadata.name: \"Web_Config\" is invalid; expected a DNS-1123 subdomain (lowercase alphanumerics, \"-\" and \".\", starting and ending alphanumeric, at most 253 characters) (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: Namespace shop.eu: metadata.name: \"shop.eu\" is invalid; expected a DNS-1123 label (lowercase alphanumerics and \"-\", starting and ending alphanumeric, at most 63 characters) (names/dns-1123)",
    "wiring/names-dns-1123.fail.yaml: Service shop/1web: metadata.name: \"1web\" is invalid; expected a DNS-1035 label (lowercase alphanumerics and \"-\", starting with a letter, ending alphanumeric, at most 63 characters) (names/dns-1123)",
  ],
  'names/label-values': [
    "wiring/names-label-values.fail.yaml: ConfigMap shop/web: metadata.labels[\"Example.com/name\"]: label key \"Example.com/name\" is invalid; expected its prefix to be a DNS-1123 subdomain (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap shop/web: metadata.labels[\"app\"]: label value \"-web\" is invalid; expected at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric (or empty) (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap shop/web: metadata.labels[\"bad key!\"]: label key \"bad key!\" is invalid; expected a name of at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric, with an optional DNS-1123 prefix and \"/\" (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap shop/web: metadata.labels[\"replicas\"]: label \"replicas\" has a non-string value 3; expected a quoted string (names/label-values)",
    "wiring/names-label-values.fail.yaml: ConfigMap shop/web: metadata.labels[\"version\"]: label value \"this-value-is-much-longer-than-sixty-three-characters-which-is-the-limit\" is invalid; expected at most 63 alphanumerics, \"-\", \"_\" or \".\", starting and ending alphanumeric (or empty) (names/label-values)",
  ],
  'names/unique': [
    "second.yaml: ConfigMap shop/web: metadata.name: duplicates ConfigMap shop/web first defined in wiring/names-unique.fail.yaml (document 1); expected a unique kind/namespace/name (names/unique)",
  ],
  'namespaces/not-default': [
    "wiring/namespaces-not-default.fail.yaml: ConfigMap b: metadata.namespace: is missing; expected the namespace of the app (ConfigMap is namespaced; not default) (namespaces/not-default)",
    "wiring/namespaces-not-default.fail.yaml: ConfigMap default/a: metadata.namespace: is \"default\"; expected a dedicated namespace (namespaces/not-default)",
  ],
  'labels/recommended': [
    "apps/dev/us-east-1/web/web.yaml: ConfigMap shop/web: metadata.labels: missing app.kubernetes.io/part-of, app.kubernetes.io/managed-by; expected all of app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by (labels/recommended)",
    "apps/dev/us-east-1/web/web.yaml: Secret shop/web: metadata.labels: missing app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by; expected all of app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by (labels/recommended)",
  ],
  'argocd/no-wildcards': [
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.clusterResourceWhitelist[0].group: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.clusterResourceWhitelist[0].kind: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.destinations[0].namespace: \"shop-*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.destinations[0].server: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.namespaceResourceWhitelist[0].kind: \"*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
    "wiring/argocd-no-wildcards.fail.yaml: AppProject argocd/prod: spec.sourceRepos[1]: \"https://github.com/acme/*\" is a wildcard; env prod forbids wildcards, expected an exact value (argocd/no-wildcards)",
  ],
  'argocd/appset-paths-exist': [
    "wiring/argocd-appset-paths-exist.fail.yaml: ApplicationSet argocd/prod-services: spec.generators[0].git.directories[1].path: \"dist/app/prod/*/*\" matches no directory of the repository; expected a pattern matching at least one directory (argocd/appset-paths-exist)",
    "wiring/argocd-appset-paths-exist.fail.yaml: ApplicationSet argocd/prod-services: spec.generators[0].git.directories[2].path: \"dist/apps/[prod/*\" is a malformed path.Match pattern; expected a valid pattern matching at least one directory (argocd/appset-paths-exist)",
    "wiring/argocd-appset-paths-exist.fail.yaml: ApplicationSet argocd/prod-services: spec.generators[1].matrix.generators[0].git.directories[1].path: \"dist/apps/qa/*/*\" matches no directory of the repository; expected a pattern matching at least one directory (argocd/appset-paths-exist)",
  ],
  'apis/removed-versions': [
    "wiring/apis-removed-versions.fail.yaml: CronJob shop/d: apiVersion: batch/v1beta1 CronJob was removed in Kubernetes 1.25 (clusters run 1.32); expected batch/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: FlowSchema e: apiVersion: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32 (clusters run 1.32); expected flowcontrol.apiserver.k8s.io/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: HorizontalPodAutoscaler shop/c: apiVersion: autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26 (clusters run 1.32); expected autoscaling/v2 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: Ingress shop/a: apiVersion: extensions/v1beta1 Ingress was removed in Kubernetes 1.22 (clusters run 1.32); expected networking.k8s.io/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: PodDisruptionBudget shop/b: apiVersion: policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25 (clusters run 1.32); expected policy/v1 (apis/removed-versions)",
    "wiring/apis-removed-versions.fail.yaml: StatefulSet shop/f: apiVersion: apps/v1beta2 StatefulSet was removed in Kubernetes 1.16 (clusters run 1.32); expected apps/v1 (apis/removed-versions)",
  ],
};

test('every rule has an id, a one-line reason and an explanation naming the opt-out', () => {
  const ids = wiringRules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const r of wiringRules) {
    expect(r.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
    expect(r.reason).not.toMatch(/\n/);
    expect(r.explain).toContain(`policy: { allow: [{ rule: '${r.id}'`);
    expect(r.severity).toBe(['labels/recommended', 'argocd/appset-paths-exist'].includes(r.id) ? 'warning' : 'error');
  }
  expect(Object.keys(EXPECTED).sort()).toEqual([...ids].sort());
});

describe.each(wiringRules.map((r) => r.id))('%s', (id) => {
  test('its fail fixture yields exactly its findings', () => {
    const findings = runFixture(`${id.replace('/', '-')}.fail.yaml`);
    expect(findings).toEqual(EXPECTED[id]);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.endsWith(`(${id})`)).toBe(true);
  });
});

test('the fixture corpus has one fail file per rule and a pass file', () => {
  const files = readdirSync(FIXTURES).sort();
  expect(files).toEqual(['pass.yaml', ...wiringRules.map((r) => `${r.id.replace('/', '-')}.fail.yaml`)].sort());
});

test('pass.yaml yields nothing', () => {
  expect(runFixture('pass.yaml')).toEqual([]);
});

test('removed APIs depend on the Kubernetes version', () => {
  const objects = parse('f.yaml', 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: n}\n');
  const run = (v: string) => runPolicy(wiringRules, { ...context(objects), kubernetesVersion: v }).map((f) => f.rule);
  expect(run('1.25')).toEqual([]);
  expect(run('1.26')).toEqual(['apis/removed-versions']);
});

test('appset-paths-exist is skipped when directories are unknown', () => {
  const objects = parse('f.yaml', readFileSync(join(FIXTURES, 'argocd-appset-paths-exist.fail.yaml'), 'utf8'));
  expect(runPolicy(wiringRules, context(objects))).toEqual([]);
});

test('the example repository passes every wiring rule', () => {
  const plan = planSynth(exampleInput);
  const objects = plan.files.filter((f) => f.path.endsWith('.yaml')).flatMap((f) => parse(f.path, f.content));
  expect(objects.length).toBe(plan.objects);
  const directories = new Set(['dist']);
  for (const f of plan.files) {
    const parts = posix.dirname(`dist/${f.path}`).split('/');
    for (let i = 1; i <= parts.length; i++) directories.add(parts.slice(0, i).join('/'));
  }
  const findings = runPolicy(wiringRules, context(objects, [...directories]));
  expect(findings.map((f) => formatFinding(f))).toEqual([]);
});
