import { DNS_LABEL, isPinnedImage } from '../model/check';
import { SealScope } from '../model/secrets';
import type { ExtraContainerSpec, VolumeSpec } from '../model/volumes';
import type { GoldenAppWorkload } from './golden-app-workloads';
import type { SmokeTestCheck } from './smoke-test';

/**
 * The props of {@link GoldenApp} (./golden-app.ts): its own, small and typed, in the cdk8s-plus style, so
 * anyone can `new GoldenApp(chart, 'api', { name: 'api', image: 'ghcr.io/acme/api:1.0.0', port: 8080 })` in
 * a plain cdk8s app. The repository's synth maps each resolved AppInstance onto them
 * (lib/synth/golden-app-props.ts). Validation: {@link checkGoldenAppProps}, run by the constructor.
 */

/** CPU and memory of the app container. */
export interface GoldenAppResources {
  /** @default { cpu: '100m', memory: '128Mi' } */
  readonly requests?: { readonly cpu: string; readonly memory: string };
  /** @default { cpu: '500m', memory: '256Mi' } */
  readonly limits?: { readonly cpu: string; readonly memory: string };
}

/** Horizontal autoscaling on CPU (the Deployment then has no `replicas`). */
export interface GoldenAppAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** @default 70 */
  readonly cpuUtilization?: number;
}

/** HTTP probes on the app port. */
export interface GoldenAppHealth {
  /** @default '/healthz' */
  readonly liveness?: string;
  /** @default '/readyz' */
  readonly readiness?: string;
  /** Time the app may take to start (a startup probe on the liveness path); 0: no startup probe. @default 60 */
  readonly startupSeconds?: number;
}

/** The recommended labels (app.kubernetes.io/*) beyond the name, and extra labels for every object. */
export interface GoldenAppLabels {
  /** `app.kubernetes.io/instance`, also in the selector. @default the name */
  readonly instance?: string;
  /** `app.kubernetes.io/version`. @default the image tag (when it is a valid label value), else none */
  readonly version?: string;
  /** `app.kubernetes.io/component`. @default 'server' */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`. @default the name */
  readonly partOf?: string;
  /** `app.kubernetes.io/managed-by`. @default 'typed-gitops' */
  readonly managedBy?: string;
  /** More labels on every object (not in selectors). @default {} */
  readonly extra?: { readonly [key: string]: string };
}

/** A DNS server the app's NetworkPolicy lets it reach, as a NetworkPolicy peer sees it. */
export interface GoldenAppDns {
  readonly namespace: string;
  readonly podLabels: { readonly [key: string]: string };
  /** The pod's port (after the Service's DNAT). */
  readonly port: number;
}

/** The app's NetworkPolicy (a default-deny policy is always emitted). */
export interface GoldenAppNetwork {
  /** Namespace of the ingress controller, let in on the app port (required with `ingress`). @default none */
  readonly ingressControllerNamespace?: string;
  /** Namespace of Prometheus, let in on the metrics port (with `metrics`). @default none */
  readonly monitoringNamespace?: string;
  /** Namespaces let in on the app port. @default [] */
  readonly allowFrom?: readonly string[];
  /** Namespaces (and ports) the app may call. @default [] */
  readonly allowTo?: readonly { readonly namespace: string; readonly port: number }[];
  /** HTTPS (443) to public addresses. @default false */
  readonly internetEgress?: boolean;
  /** Address ranges the app may reach on a port (e.g. its database's subnets). @default [] */
  readonly egressCidrs?: readonly { readonly cidrs: readonly string[]; readonly port: number }[];
  /** The cluster DNS. @default kube-system `k8s-app: kube-dns` on 53 (a plain cluster's CoreDNS) */
  readonly dns?: GoldenAppDns;
}

/** An Ingress for the app's Service. */
export interface GoldenAppIngress {
  readonly host: string;
  /** @default '/' */
  readonly path?: string;
  /** @default the cluster's default IngressClass */
  readonly className?: string;
  /** @default '<name>-tls' */
  readonly tlsSecretName?: string;
  /** cert-manager ClusterIssuer that issues the TLS certificate. @default none */
  readonly clusterIssuer?: string;
}

/** A SealedSecret whose keys become the app's environment variables. */
export interface GoldenAppSealedSecret {
  /** @default the name */
  readonly name?: string;
  readonly scope: SealScope;
  /** KEY -> ciphertext. */
  readonly encryptedData: { readonly [key: string]: string };
}

/** Environment variables read one by one from a Secret the app does not own (e.g. a database's connection Secret). */
export interface GoldenAppSecretEnv {
  readonly secretName: string;
  /** Each key becomes a variable of the same name (a non-optional secretKeyRef: the pod waits for the Secret). */
  readonly keys: readonly string[];
}

/** Props of {@link GoldenApp}. */
export interface GoldenAppProps {
  /** The app's name: its objects' names, its selector, and its namespace unless `namespace` is set. A DNS label. */
  readonly name: string;
  /** @default the name */
  readonly namespace?: string;
  /** The image reference, `repository:tag` or `repository:tag@sha256:...`. */
  readonly image: string;
  /** The port the container listens on. */
  readonly port: number;
  /** The Service's port. @default 80 */
  readonly servicePort?: number;
  /** An environment variable that receives the port. @default none */
  readonly portEnv?: string;
  /** @default 1 (unless `autoscaling`) */
  readonly replicas?: number;
  /** @default none */
  readonly autoscaling?: GoldenAppAutoscaling;
  /** @default see GoldenAppResources */
  readonly resources?: GoldenAppResources;
  /** @default see GoldenAppHealth */
  readonly health?: GoldenAppHealth;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default the image's command */
  readonly args?: readonly string[];
  /** The ConfigMap's data, consumed as environment variables (its checksum rolls the pods). @default {} */
  readonly config?: { readonly [key: string]: string };
  /** @default see GoldenAppLabels */
  readonly labels?: GoldenAppLabels;
  /** The user (and group) the container runs as; never root. @default 10001 */
  readonly runAsUser?: number;
  /** Spread the pods across zones and nodes. @default false */
  readonly spreadAcrossZones?: boolean;
  /** @default none */
  readonly sealedSecret?: GoldenAppSealedSecret;
  /** @default [] */
  readonly secretEnv?: readonly GoldenAppSecretEnv[];
  /** @default see GoldenAppNetwork */
  readonly network?: GoldenAppNetwork;
  /** @default none: not exposed */
  readonly ingress?: GoldenAppIngress;
  /** Prometheus scraping (a NetworkPolicy allow, and scrape annotations on the pods). @default none */
  readonly metrics?: {
    /** @default the app port */
    readonly port?: number;
    /** @default '/metrics' */
    readonly path?: string;
    /** The `prometheus.io/scrape|port|path` pod annotations; off where a ServiceMonitor or PodMonitor scrapes the pods. @default true */
    readonly annotations?: boolean;
  };
  /** Volumes of the app container, by name: emptyDir, configFiles, secretFiles (needs `sealedSecret`), pvc. @default none */
  readonly volumes?: { readonly [name: string]: VolumeSpec };
  /** Init containers (run in name order before the app), PSS restricted. @default none */
  readonly initContainers?: { readonly [name: string]: ExtraContainerSpec };
  /** Native sidecars (restartPolicy Always), PSS restricted. @default none */
  readonly sidecars?: { readonly [name: string]: ExtraContainerSpec };
  /** Workloads besides the web one, by name (a worker, a stateful set, a cron job, a job). @default none */
  readonly workloads?: { readonly [name: string]: GoldenAppWorkload };
  /**
   * A PostSync smoke test through the app's Service (./smoke-test.ts): its checks (the readiness path first, by
   * convention) and its deadline. @default none
   */
  readonly smokeTest?: { readonly checks: readonly SmokeTestCheck[]; readonly timeoutSeconds: number; /** @default SMOKE_TEST_IMAGE */ readonly image?: string };
  /** Extra checksum inputs for the pod template (a change rolls the pods). @default {} */
  readonly checksums?: { readonly [name: string]: string };
}

/** The defaults of {@link GoldenAppProps}, in one place. */
export const GOLDEN_APP_DEFAULTS = {
  servicePort: 80,
  replicas: 1,
  cpuUtilization: 70,
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  health: { liveness: '/healthz', readiness: '/readyz', startupSeconds: 60 },
  component: 'server',
  managedBy: 'typed-gitops',
  runAsUser: 10001,
  metricsPath: '/metrics',
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, port: 53 } as GoldenAppDns,
} as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const URL_PATH = /^\/\S*$/;

/** Checks props the type system cannot (ranges, names, combinations); throws one line naming the field. */
export function checkGoldenAppProps(p: GoldenAppProps): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`GoldenApp ${p.labels?.instance ?? p.name}: ${field}: ${why}`);
  };
  if (!DNS_LABEL.test(p.name)) fail('name', `"${p.name}" is not a DNS label`);
  if (p.namespace !== undefined && !DNS_LABEL.test(p.namespace)) fail('namespace', `"${p.namespace}" is not a DNS label`);
  if (!isPinnedImage(p.image)) {
    fail('image', `"${p.image}" must be a reference with a tag or digest, e.g. "ghcr.io/acme/api:1.0.0"`);
  }
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) fail('port', `must be 1-65535, got ${p.port}`);
  if (p.servicePort !== undefined && (!Number.isInteger(p.servicePort) || p.servicePort < 1 || p.servicePort > 65535)) fail('servicePort', `must be 1-65535, got ${p.servicePort}`);
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) fail('replicas', `must be a non-negative integer, got ${p.replicas}`);
  if (p.runAsUser !== undefined && (!Number.isInteger(p.runAsUser) || p.runAsUser < 1)) fail('runAsUser', 'must be a non-root user id (1 or more)');
  const a = p.autoscaling;
  if (a) {
    if (!Number.isInteger(a.minReplicas) || a.minReplicas < 1) fail('autoscaling.minReplicas', `must be 1 or more, got ${a.minReplicas}`);
    if (a.minReplicas > a.maxReplicas) fail('autoscaling', 'minReplicas above maxReplicas');
    if (a.cpuUtilization !== undefined && (a.cpuUtilization < 1 || a.cpuUtilization > 100)) fail('autoscaling.cpuUtilization', `must be 1-100, got ${a.cpuUtilization}`);
  }
  if (p.portEnv !== undefined && !ENV_NAME.test(p.portEnv)) fail('portEnv', `"${p.portEnv}" is not an environment variable name`);
  for (const k of Object.keys(p.config ?? {})) if (!ENV_NAME.test(k)) fail(`config.${k}`, 'config keys become environment variables; allowed: letters, digits and "_", not starting with a digit');
  for (const [k, path] of [['liveness', p.health?.liveness], ['readiness', p.health?.readiness]] as const) {
    if (path !== undefined && !URL_PATH.test(path)) fail(`health.${k}`, `"${path}" is not an absolute URL path`);
  }
  for (const [k, v] of Object.entries({ instance: p.labels?.instance, version: p.labels?.version, component: p.labels?.component, partOf: p.labels?.partOf })) {
    if (v !== undefined && (!LABEL_VALUE.test(v) || v.length > 63)) fail(`labels.${k}`, `"${v}" is not a valid label value`);
  }
  if (p.ingress && !p.network?.ingressControllerNamespace) {
    fail('network.ingressControllerNamespace', 'is required when the app is exposed (its NetworkPolicy must let the controller in)');
  }
  const names = new Set<string>();
  for (const [i, s] of (p.secretEnv ?? []).entries()) {
    for (const key of s.keys) {
      if (!ENV_NAME.test(key)) fail(`secretEnv[${i}].keys`, `"${key}" is not an environment variable name`);
      if (names.has(key) || key === p.portEnv) fail(`secretEnv[${i}].keys`, `"${key}" is set twice`);
      names.add(key);
    }
  }
}
