import type { LabelSelector } from './selectors';
/**
 * Types of the Helm chart values the add-on catalogue sets (envs/addons.ts), one per chart. They list
 * only keys we use or expect to override, each checked against the chart's values.yaml at the pinned
 * tag; a typo is a compile error (`npm run typecheck`). Types only: pure.
 */

/** Container resources as charts take them. */
export interface ChartResources {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

/** argoproj/argo-helm@argo-cd-10.1.1:charts/argo-cd/values.yaml (`crds`, `configs.cm`, `*.replicas`). */
export interface ArgoCdValues {
  readonly crds?: { readonly install?: boolean; readonly keep?: boolean };
  readonly configs?: {
    /** "Any values you put under `.configs.cm` are passed to argocd-cm ConfigMap." */
    readonly cm?: { readonly [key: string]: string | boolean };
    /**
     * One Argo CD cluster Secret per key (templates/argocd-configs/cluster-secrets.yaml: Secret
     * `argocd-cluster-<key>`, `name: <key>`, `server`, `config` rendered with toRawJson, `labels`).
     */
    readonly clusterCredentials?: { readonly [name: string]: ArgoCdClusterCredential };
  };
  readonly controller?: { readonly replicas?: number };
  readonly server?: { readonly replicas?: number };
  readonly repoServer?: { readonly replicas?: number };
  readonly applicationSet?: { readonly replicas?: number };
  /** The notifications controller and its argocd-notifications-cm (lib/model/notifications.ts). */
  readonly notifications?: ArgoCdNotificationsValues;
}

/**
 * argo-helm@argo-cd-10.1.1 charts/argo-cd/values.yaml `notifications`: the keys of `notifiers`, `templates` and
 * `triggers` become keys of argocd-notifications-cm as they are (templates/argocd-configs/argocd-notifications-cm.yaml),
 * so they carry their prefixes; `argocdUrl` is the cm's `context.argocdUrl` (default `https://<global.domain>`).
 */
export interface ArgoCdNotificationsValues {
  /** @default true */
  readonly enabled?: boolean;
  readonly argocdUrl?: string;
  /** `create: false`: the chart assumes a Secret of that name exists (templates/argocd-configs/argocd-notifications-secret.yaml). */
  readonly secret?: { readonly create?: boolean; readonly name?: string };
  readonly notifiers?: { readonly [key: `service.${string}`]: string };
  readonly templates?: { readonly [key: `template.${string}`]: string };
  readonly triggers?: { readonly [key: `trigger.${string}`]: string };
}

/**
 * An Argo CD cluster registration without static credentials: the `config` type has no `bearerToken`,
 * `username`/`password`, `certData`/`keyData` or `execProviderConfig`, only EKS IAM auth and the CA.
 */
export interface ArgoCdClusterCredential {
  readonly server: string;
  readonly labels?: { readonly [key: string]: string };
  readonly config: {
    /** argo-cd v3.5.1 `AWSAuthConfig` (`roleARN`, capital ARN). */
    readonly awsAuthConfig: { readonly clusterName: string; readonly roleARN: string };
    /** `caData` is base64 of the CA PEM. */
    readonly tlsClientConfig: { readonly insecure: false; readonly caData: string };
  };
}

/** external-secrets/external-secrets@helm-chart-2.9.0:deploy/charts/external-secrets/values.yaml. */
export interface ExternalSecretsValues {
  readonly installCRDs?: boolean;
  readonly replicaCount?: number;
  readonly webhook?: { readonly replicaCount?: number };
  readonly certController?: { readonly replicaCount?: number };
  readonly resources?: ChartResources;
}

/** bitnami-labs/sealed-secrets@helm-v2.18.5:helm/sealed-secrets/values.yaml. */
export interface SealedSecretsValues {
  /** Controller Deployment and Service name (kubeseal's `--controller-name`); default: from the release name. */
  readonly fullnameOverride?: string;
  /** `--key-renew-period`; "0" disables renewal (quoted: the chart passes a string). */
  readonly keyrenewperiod?: string;
  readonly resources?: ChartResources;
  /** Rendered as the container's securityContext without `enabled` (templates/deployment.yaml). */
  readonly containerSecurityContext?: {
    readonly enabled?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly seccompProfile?: { readonly type: 'RuntimeDefault' };
  };
}

/** traefik/traefik-helm-chart@v41.3.0:traefik/values.yaml (the chart's values.schema.json forbids unknown keys). */
export interface TraefikValues {
  readonly deployment?: { readonly replicas?: number };
  readonly podDisruptionBudget?: { readonly enabled?: boolean; readonly minAvailable?: number | string };
  /** The IngressClass the chart creates; `name` defaults to the release's fullname. */
  readonly ingressClass?: { readonly enabled?: boolean; readonly isDefaultClass?: boolean; readonly name?: string };
  readonly providers?: {
    readonly kubernetesIngress?: { readonly enabled?: boolean };
    /** The Gateway API provider (off by default); needs the Gateway API CRDs on the cluster: the chart does not ship them. */
    readonly kubernetesGateway?: { readonly enabled?: boolean; readonly experimentalChannel?: boolean; readonly nativeLBByDefault?: boolean };
  };
  /** The GatewayClass the chart renders (templates/gatewayclass.yaml: with the Gateway provider on; controllerName traefik.io/gateway-controller). */
  readonly gatewayClass?: { readonly enabled?: boolean; readonly name?: string; readonly labels?: { readonly [key: string]: string } };
  /** The Gateway the chart renders (templates/gateway.yaml: with the Gateway provider on). */
  readonly gateway?: {
    readonly enabled?: boolean;
    /** Default "traefik-gateway". */
    readonly name?: string;
    /** Default: the release namespace. */
    readonly namespace?: string;
    /** E.g. `cert-manager.io/cluster-issuer` (cert-manager's Gateway shim issues each listener's certificate). */
    readonly annotations?: { readonly [key: string]: string };
    /** By name (the routes' `sectionName`); the chart's default `web` (port 8000, HTTP) is merged in unless set to null. */
    readonly listeners?: { readonly [name: string]: TraefikGatewayListener | null };
  };
  readonly resources?: ChartResources;
}

/** One listener of the traefik chart's Gateway (templates/gateway.yaml renders each key it knows). */
export interface TraefikGatewayListener {
  /** A port of the chart's `ports` (an entryPoint's port: web 8000, websecure 8443), or the render fails. */
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly hostname?: string;
  /** allowedRoutes.namespaces (default: the Gateway's namespace only). */
  readonly namespacePolicy?: {
    readonly from: 'All' | 'Same' | 'Selector';
    readonly selector?: { readonly matchLabels?: { readonly [key: string]: string } };
  };
  /** Required with HTTPS (the render fails without); Secrets in the Gateway's namespace. */
  readonly certificateRefs?: readonly { readonly group?: ''; readonly kind?: 'Secret'; readonly name: string }[];
  readonly mode?: 'Terminate' | 'Passthrough';
}

/** cert-manager/cert-manager@v1.21.1:deploy/charts/cert-manager/values.yaml. */
export interface CertManagerValues {
  readonly crds?: { readonly enabled?: boolean; readonly keep?: boolean };
  /**
   * The controller's ControllerConfiguration (templates/controller-config.yaml; apiVersion and kind default to
   * controller.config.cert-manager.io/v1alpha1 ControllerConfiguration). `gatewayAPI.enabled` turns on the Gateway
   * shim (pkg/apis/config/controller/v1alpha1/types.go GatewayAPIConfig; `enableGatewayAPI` is its deprecated alias).
   */
  readonly config?: { readonly gatewayAPI?: { readonly enabled?: boolean } };
  readonly replicaCount?: number;
  readonly podDisruptionBudget?: { readonly enabled?: boolean };
}


/**
 * prometheus-community/helm-charts@kube-prometheus-stack-88.5.3:charts/kube-prometheus-stack/values.yaml. The keys
 * lib/model/kube-prometheus-stack.ts reads (what the Prometheus, the operator, Grafana's sidecar and
 * kube-state-metrics watch) are all here, so an override of one of them is seen by the monitoring checks.
 */
export interface KubePrometheusStackValues {
  /** The release namespace of the chart's own objects (Prometheus among them); "" = the release's. */
  readonly namespaceOverride?: string;
  readonly crds?: { readonly enabled?: boolean };
  readonly grafana?: {
    readonly enabled?: boolean;
    readonly namespaceOverride?: string;
    readonly sidecar?: {
      /** The dashboards sidecar: loads ConfigMaps labelled `label` (with `labelValue`) from `searchNamespace` ("ALL", a list, or null: Grafana's). */
      readonly dashboards?: { readonly enabled?: boolean; readonly label?: string; readonly labelValue?: string; readonly searchNamespace?: string | readonly string[] | null };
    };
  };
  readonly prometheusOperator?: {
    /** `--namespaces`: the operator reads only these (none set: every namespace). */
    readonly namespaces?: { readonly releaseNamespace?: boolean; readonly additional?: readonly string[] };
    /** `--deny-namespaces`. */
    readonly denyNamespaces?: readonly string[];
  };
  readonly prometheus?: {
    readonly enabled?: boolean;
    readonly prometheusSpec?: {
      readonly replicas?: number;
      readonly serviceMonitorSelectorNilUsesHelmValues?: boolean;
      readonly serviceMonitorSelector?: LabelSelector;
      readonly serviceMonitorNamespaceSelector?: LabelSelector;
      readonly podMonitorSelectorNilUsesHelmValues?: boolean;
      readonly podMonitorSelector?: LabelSelector;
      readonly podMonitorNamespaceSelector?: LabelSelector;
      readonly ruleSelectorNilUsesHelmValues?: boolean;
      readonly ruleSelector?: LabelSelector;
      readonly ruleNamespaceSelector?: LabelSelector;
      readonly probeSelectorNilUsesHelmValues?: boolean;
      readonly scrapeConfigSelectorNilUsesHelmValues?: boolean;
    };
  };
  readonly alertmanager?: { readonly alertmanagerSpec?: { readonly replicas?: number } };
  readonly kubeStateMetrics?: { readonly enabled?: boolean };
  /** The kube-state-metrics subchart (8.4.0): `metricLabelsAllowlist` entries such as `pods=[app.kubernetes.io/instance]`. */
  readonly 'kube-state-metrics'?: { readonly metricLabelsAllowlist?: readonly string[] };
}

/** crossplane/crossplane@v2.3.4:cluster/charts/crossplane/values.yaml. */
export interface CrossplaneValues {
  readonly replicas?: number;
  /** `defaultActivations`: the default ManagedResourceActivationPolicy (SafeStart providers' kinds stay inactive unless listed). */
  readonly provider?: { readonly packages?: readonly string[]; readonly defaultActivations?: readonly string[] };
  readonly resourcesCrossplane?: { readonly limits?: { readonly cpu?: string; readonly memory?: string }; readonly requests?: { readonly cpu?: string; readonly memory?: string } };
}

/** kubernetes-sigs/metrics-server@metrics-server-helm-chart-3.13.1:charts/metrics-server/values.yaml. */
export interface MetricsServerValues {
  /** Deployment and Service name; default: from the release name. */
  readonly fullnameOverride?: string;
  readonly replicas?: number;
  readonly podDisruptionBudget?: { readonly enabled?: boolean; readonly minAvailable?: number | string };
  readonly service?: { readonly port?: number };
}
