import { DatabaseParameters } from './database-api';
import type { Declared, ExtraObject, ObjectPatch } from './escape-hatch';
import type { MetricsVia } from './monitoring';
import { GatewayRef } from './routes';
import { SealScope } from './secrets';
import type { ResolvedSmokeTest } from './smoke-test';
import { ResolvedWorkload } from './workloads';
import { ExtraContainerSpec, VolumeSpec } from './volumes';

/**
 * One app in one environment and region, everything decided: the only input of the golden app.
 * Plain data (JSON-serializable), produced by `resolve()`.
 */
export interface AppInstance {
  /** App name; also the name of its objects and its namespace. */
  readonly app: string;
  readonly env: string;
  readonly region: string;
  /** Namespace the app runs in (= app name, inside the region's vcluster). */
  readonly namespace: string;
  /** `<env>-<region>-<app>`: the Argo CD Application name and `app.kubernetes.io/instance`. */
  readonly instance: string;
  readonly team: string;
  readonly partOf: string;
  readonly component: string;
  readonly description?: string;
  readonly image: {
    readonly repository: string;
    readonly tag: string;
    readonly digest?: string;
    /** `repository:tag@digest` (or `repository:tag`). */
    readonly ref: string;
  };
  /** `app.kubernetes.io/version`: the tag, made a valid label value. */
  readonly version: string;
  /** Static replicas (not rendered when `autoscaling` is set). */
  readonly replicas: number;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilization: number };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  readonly port: number;
  readonly portEnv?: string;
  readonly servicePort: number;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly health: { readonly liveness: string; readonly readiness: string; readonly startupSeconds: number };
  /** ConfigMap data (sorted keys), consumed as environment variables. */
  readonly config: { readonly [key: string]: string };
  /**
   * The app's Ingress inside the vcluster, when it is exposed with kind `'ingress'` (the golden app renders it).
   * Absent when the app is routed by an HTTPRoute instead (`route`): exposed apps have exactly one of the two.
   */
  readonly ingress?: {
    readonly host: string;
    readonly path: string;
    readonly className: string;
    readonly tlsSecretName: string;
    readonly clusterIssuer?: string;
  };
  /**
   * The app's Gateway API HTTPRoute, when it is exposed with kind `'gateway'`: rendered HOST-SIDE by synth
   * (dist/vcluster-host/<env>-<region>/route-<app>.yaml), not by the golden app, and no Ingress is emitted.
   * TLS is terminated by the Gateway's listener.
   */
  readonly route?: {
    readonly host: string;
    readonly path: string;
    /** The parentRef: the env's Gateway on the region's host. */
    readonly gateway: GatewayRef;
  };
  readonly network: {
    /** Namespace of the ingress controller (which serves the Ingresses and the Gateways), when exposed. */
    readonly ingressControllerNamespace?: string;
    /** Namespace of Prometheus, when scraped. */
    readonly monitoringNamespace?: string;
    /** Apps (namespaces) that call this app and are deployed in the same env/region. */
    readonly allowFrom: readonly string[];
    /** Apps (namespaces) this app calls that are deployed in the same env/region, with the port their pods listen on. */
    readonly allowTo: readonly { readonly app: string; readonly port: number }[];
    readonly internetEgress: boolean;
    /** The app's database, when it has one: its host's database subnets and the engine's port (egress allowed there only). */
    readonly database?: { readonly cidrs: readonly string[]; readonly port: number };
  };
  /** Prometheus scraping, when the app serves metrics. */
  readonly metrics?: {
    readonly port: number;
    readonly path: string;
    /**
     * How the host's Prometheus finds them (lib/model/monitoring.ts `metricsVia`): a ServiceMonitor or PodMonitor in the
     * vcluster's host namespace when the host runs kube-prometheus-stack (the pods then carry no scrape annotations),
     * else the `prometheus.io/scrape`, `port` and `path` pod annotations.
     */
    readonly via: MetricsVia;
    /** The 5xx ratio alert, when the app declares its request counter (defaults filled in). */
    readonly errorRatio?: { readonly metric: string; readonly statusLabel: string; readonly threshold: number };
  };
  /** The PostSync smoke test, unless switched off (lib/model/smoke-test.ts). */
  readonly smokeTest?: ResolvedSmokeTest;
  readonly spreadAcrossZones: boolean;
  readonly sync: { readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean };
  /** Secret keys the app declares it needs (each must have a sealed value). */
  readonly secrets: readonly string[];
  /** The app's SealedSecret in this env/region: every sealed key, delivered as environment variables. */
  readonly sealedSecret?: {
    /** Name of the SealedSecret and of the Secret it unseals to (= app name). */
    readonly name: string;
    readonly scope: SealScope;
    /** KEY -> ciphertext, sorted by key. */
    readonly data: { readonly [key: string]: string };
  };
  /** The app's database here, as its claim's parameters (the app's engine, version and size through the env's profile), when the app has one. */
  readonly database?: DatabaseParameters;
  /** Its workloads besides the web one (apps/<app>.ts `workloads`, with the env's overrides), sorted by name. */
  readonly workloads: readonly ResolvedWorkload[];
  /** Its volumes (the env's claim sizes applied), sidecars and init containers, sorted by name. */
  readonly volumes: readonly (VolumeSpec & { readonly name: string })[];
  readonly sidecars: readonly (ExtraContainerSpec & { readonly name: string })[];
  readonly initContainers: readonly (ExtraContainerSpec & { readonly name: string })[];
  readonly runAsUser: number;
  /** Policy rules this app opts out of, each with its reason. */
  readonly policyAllows: readonly { readonly rule: string; readonly reason: string }[];
  /**
   * The escape hatch's JSON patches on the instance's objects: the app's, then the env's, then the region's (lib/model/escape-hatch.ts).
   * @default none
   */
  readonly patches?: readonly Declared<ObjectPatch>[];
  /**
   * The escape hatch's extra objects for the instance's file: the app's, then the env's, then the region's.
   * @default none
   */
  readonly extraObjects?: readonly Declared<ExtraObject>[];
  readonly labelDomain: string;
  readonly managedBy: string;
}

/** An app that has no release in an env/region, so is not deployed there. */
export interface NotReleased {
  readonly app: string;
  readonly env: string;
  readonly region: string;
}
