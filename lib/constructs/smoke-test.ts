import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResolvedCheck, SMOKE_TEST_IMAGE, SMOKE_TEST_NAME } from '../model/smoke-test';
import { GOLDEN_APP_CONSTRUCTS as C } from './golden-app-kinds';
import { restrictedContainer } from './golden-app-pod';

/** One request of a smoke test and what its answer must be: method, path on the Service port `http` or `metrics`, status, text. */
export type SmokeTestCheck = ResolvedCheck;

/** Props of {@link SmokeTest}. */
export interface SmokeTestProps {
  /** The app's name: the Job is `<name>-smoke-test`, and the app's Service is `<name>`. */
  readonly name: string;
  readonly namespace: string;
  /** The app's `app.kubernetes.io/instance`. */
  readonly instance: string;
  /** The app's labels (the smoke test's pod gets its own name and component on top). */
  readonly labels: { readonly [key: string]: string };
  /** The app pods' selector: they accept the smoke test's requests. */
  readonly appSelector: { readonly [key: string]: string };
  /** Service port -> the pods' container port, for `http` and (when separate) `metrics`. */
  readonly ports: { readonly http: { readonly service: number; readonly container: number }; readonly metrics?: { readonly service: number; readonly container: number } };
  /** The app's DNS egress rule (the smoke test resolves the Service's name). */
  readonly dnsEgress: k8s.NetworkPolicyEgressRule;
  readonly checks: readonly SmokeTestCheck[];
  /** The Job's activeDeadlineSeconds: past it the Job fails, and with it the sync. */
  readonly timeoutSeconds: number;
  /** The user the container runs as (PSS restricted). */
  readonly runAsUser: number;
  /** @default SMOKE_TEST_IMAGE */
  readonly image?: string;
}



/**
 * The test: positional parameters in groups of four (method, URL, status, text the body must contain or ""), so no
 * value of a check is ever shell code. Every check runs; each prints one line; any failure exits 1. curl retries
 * refused connections (a Service whose endpoints are still settling) within the Job's deadline; a request that
 * gets no answer counts as status 000.
 */
export const SMOKE_TEST_SCRIPT = [
  'ask() { curl -sS -o /tmp/body -w "%{http_code}" --max-time 10 --retry 5 --retry-connrefused --retry-delay 2 "$@"; }',
  'fail=0',
  'while [ "$#" -ge 4 ]; do',
  '  method="$1"; url="$2"; want="$3"; needle="$4"; shift 4',
  // HEAD through --head: with -X HEAD curl would wait for a body that never comes.
  '  if [ "$method" = HEAD ]; then code=$(ask --head "$url"); else code=$(ask -X "$method" "$url"); fi',
  '  code="${code:-000}"',
  '  if [ "$code" != "$want" ]; then echo "FAIL $method $url: status $code, expected $want"; fail=1',
  '  elif [ -n "$needle" ] && ! grep -qF -- "$needle" /tmp/body; then echo "FAIL $method $url: the body does not contain \\"$needle\\""; fail=1',
  '  else echo "ok   $method $url: $code"; fi',
  'done',
  'exit "$fail"',
].join('\n');

/**
 * An Argo CD PostSync hook Job that calls the app through its Service and fails the sync when a check fails: Argo CD
 * runs PostSync hooks once the sync applied everything and every resource is Healthy, and a failed hook Job fails the
 * sync operation (the app's health stays that of its resources; see docs/architecture.md "Smoke tests"). Hook delete
 * policy BeforeHookCreation,HookSucceeded: a passed test is removed, a failed one stays for `kubectl logs` until the
 * next sync. PSS restricted, no service account token, no retries of the pod (backoffLimit 0). Its NetworkPolicies:
 * the smoke pod may reach DNS and the app's pods on the checked ports; the app's pods accept it on those ports.
 */
export class SmokeTest extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: SmokeTestProps) {
    super(scope, id);
    const { name, namespace } = props;
    if (props.checks.length === 0) throw new Error(`SmokeTest ${props.instance}: checks: at least one (the readiness path)`);
    if (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1) throw new Error(`SmokeTest ${props.instance}: timeoutSeconds: must be a positive integer, got ${props.timeoutSeconds}`);
    if (props.checks.some((c) => c.port === 'metrics') && !props.ports.metrics) throw new Error(`SmokeTest ${props.instance}: ports.metrics: a check asks the metrics port, which the Service does not have`);
    const objectName = `${name}-${SMOKE_TEST_NAME}`;
    const selector = { 'app.kubernetes.io/name': objectName, 'app.kubernetes.io/instance': props.instance };
    const labels = { ...props.labels, ...selector, 'app.kubernetes.io/component': SMOKE_TEST_NAME };
    const meta = (annotations?: Record<string, string>) => ({ name: objectName, namespace, labels, ...(annotations ? { annotations } : {}) });
    const base = (port: 'http' | 'metrics') => `http://${name}.${namespace}.svc:${props.ports[port]!.service}`;
    const args = props.checks.flatMap((c) => [c.method, `${base(c.port)}${c.path}`, String(c.status), c.bodyContains ?? '']);
    const uid = props.runAsUser;

    this.job = new C.job(this, 'job', {
      metadata: meta({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' }),
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: props.timeoutSeconds,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: SMOKE_TEST_NAME,
              image: props.image ?? SMOKE_TEST_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', SMOKE_TEST_SCRIPT, SMOKE_TEST_NAME, ...args],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('32Mi') },
                limits: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('32Mi') },
              },
              securityContext: restrictedContainer(uid),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });

    // NetworkPolicy sees the pods' ports (after the Service's DNAT): the container ports of the checked Service ports.
    const checked = [...new Set(props.checks.map((c) => props.ports[c.port]!.container))].sort((a, b) => a - b)
      .map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));
    new C.networkPolicy(this, 'egress', {
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [props.dnsEgress, { to: [{ podSelector: { matchLabels: { ...props.appSelector } } }], ports: checked }],
      },
    });
    // It selects the app's pods: the app's labels, named after the app.
    new C.networkPolicy(this, 'ingress', {
      metadata: { name: `${name}-from-${SMOKE_TEST_NAME}`, namespace, labels: { ...props.labels } },
      spec: {
        podSelector: { matchLabels: { ...props.appSelector } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: selector } }], ports: checked }],
      },
    });
  }
}
