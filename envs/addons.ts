import {
  AddonSpec, APPLICATION_HEALTH_KEY, argoCdNotificationsValues, databaseApi, databaseHealthChecks, ARGOCD_SERVES, APPLICATION_HEALTH_LUA, ArgoCdValues, CertManagerValues, defineAddons, ExternalSecretsValues, hostClusterCredentials,
  CrossplaneValues, KUBE_STATE_METRICS_LABELS, KubePrometheusStackValues, MetricsServerValues, SealedSecretsValues, TRAEFIK_GATEWAY_CLASS, traefikChartGateway, TraefikValues,
} from '../lib/model';
import { platform } from './platform';

/*
 * The cluster add-ons: one Argo CD Application per add-on per target cluster (dist/argocd/addons/).
 * Chart repositories, names and versions: the "Helm charts for cluster add-ons" table of the platform's
 * source notes (each read from the chart's Chart.yaml at its tag). Value keys: each chart's values.yaml
 * at that tag (lib/model/chart-values.ts names it). Targets: 'hub' = the cluster Argo CD runs in,
 * 'hosts' = every host cluster (envs/platform.ts hosts, the hub among them), 'vclusters' = every env/region vcluster.
 */

const CRD = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };
const CLUSTER_ROLE = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
const CLUSTER_ROLE_BINDING = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' };
const VALIDATING_WEBHOOK = { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' };
const MUTATING_WEBHOOK = { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' };
/*
 * `serves` (what the placement rules count as served on a target cluster) was checked against the charts'
 * CRD files at their tags: traefik v41.3.0 traefik/crds/traefik.io_*.yaml (its hub.traefik.io CRDs, for
 * Traefik Hub, are left out), kube-prometheus-stack-88.5.3 charts/crds/crds/crd-*.yaml, cert-manager
 * v1.21.1 deploy/crds/*.yaml, external-secrets v2.9.0 config/crds/bases.
 */

/** The IngressClass the hosts' controller creates and serves (the envs' `ingress.className`). */
const INGRESS_CLASS = 'traefik';

/*
 * The hosts' Gateway (the envs' `ingress.gateway`: the parentRef of the HTTPRoutes synth emits in each vcluster's host
 * namespace), rendered by the traefik chart (templates/gateway.yaml @ v41.3.0) in Traefik's namespace, with the
 * chart's GatewayClass "traefik" (controllerName traefik.io/gateway-controller). Listener `websecure` is prod's: port
 * 8443 is the chart's websecure entryPoint (Traefik binds a listener to the entryPoint of its port), it terminates TLS
 * for *.acme.io with the certificate cert-manager's Gateway shim issues into Secret wildcard-acme-io-tls from the
 * Gateway's cluster-issuer annotation (one Certificate per listener with a hostname and certificateRefs; a wildcard
 * needs a DNS-01 ClusterIssuer), and it admits routes from prod's vcluster namespaces only (their labels: the
 * Namespace of each vcluster). The chart's default listener `web` (8000, HTTP) stays, admitting its own namespace only.
 * Another env moving to the Gateway API adds its listener here (its hostname and namespaces) and names it in its
 * `ingress.gateway.sectionName`.
 */
const GATEWAY_NAME = 'traefik-gateway';
const TRAEFIK_VALUES = {
  ingressClass: { enabled: true, name: INGRESS_CLASS },
  providers: { kubernetesIngress: { enabled: true }, kubernetesGateway: { enabled: true } },
  gatewayClass: { enabled: true, name: TRAEFIK_GATEWAY_CLASS },
  gateway: {
    enabled: true,
    name: GATEWAY_NAME,
    annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-dns' },
    listeners: {
      websecure: {
        port: 8443,
        protocol: 'HTTPS',
        hostname: '*.acme.io',
        mode: 'Terminate',
        certificateRefs: [{ group: '', kind: 'Secret', name: 'wildcard-acme-io-tls' }],
        namespacePolicy: { from: 'Selector', selector: { matchLabels: { [`${platform.labelDomain}/env`]: 'prod' } } },
      },
    },
  },
  deployment: { replicas: 2 },
  podDisruptionBudget: { enabled: true, minAvailable: 1 },
} as const satisfies TraefikValues;

export const addons = defineAddons({
  // Argo CD manages itself. The chart ships Argo CD v3.4.4 (our CRDs and imports are v3.5.1; see
  // docs/architecture.md "Add-ons"); image tags are the chart's.
  'argo-cd': {
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-cd',
    version: '10.1.1',
    namespace: platform.gitops.argocdNamespace,
    target: 'hub',
    releaseName: 'argocd',
    // Argo CD docs: managing Argo CD with Argo CD needs ServerSideApply=true (its CRDs exceed the annotation limit).
    serverSideApply: true,
    prune: false,
    syncWave: -5,
    values: {
      // Restores Application health, so the root app's waves wait for the vclusters and add-ons.
      configs: {
        // ... and gives the database API's claims a health (Argo CD has none for the platform's own group).
        cm: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA, ...databaseHealthChecks(databaseApi(platform.labelDomain)) },
        // The cluster Secrets of the hosts other than the hub (envs/platform.ts hosts): EKS IAM auth and CA, no credential.
        clusterCredentials: hostClusterCredentials(platform),
      },
      // Notifications (envs/platform.ts `notifications`): the catalog's on-sync-failed, on-health-degraded and on-deployed
      // triggers and their templates, a Slack service; its token Secret comes from ESO (argocd/notifications.yaml), not the chart.
      ...argoCdNotificationsValues(platform),
    },
    clusterResources: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
    serves: ARGOCD_SERVES,
    description: 'Argo CD itself',
  } satisfies AddonSpec<ArgoCdValues>,

  // Serves ExternalSecret/SecretStore for the vcluster registration (wave -1), before it: on the hub
  // (reads the registrations) and on every other host (PushSecret of its vclusters' kubeconfigs).
  'external-secrets': {
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    namespace: 'external-secrets',
    target: 'hosts',
    // The SecretStore and ClusterSecretStore CRDs cover every provider (~0.7 MB of YAML each): over the annotation limit of client-side apply.
    serverSideApply: true,
    values: { installCRDs: true },
    clusterResources: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING, VALIDATING_WEBHOOK],
    serves: { kinds: { 'external-secrets.io': ['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore', 'PushSecret'] } },
    description: 'External Secrets Operator',
  } satisfies AddonSpec<ExternalSecretsValues>,

  // Crossplane on each host: the engine of the database API (crossplane/<host>/platform.yaml, synced at
  // wave -3). Its chart holds no CRDs: the Crossplane pod installs them at start (cluster/crds @ v2.3.4,
  // the kinds below), and the packages add the provider's.
  crossplane: {
    repoURL: 'https://charts.crossplane.io/stable',
    chart: 'crossplane',
    version: '2.3.4',
    namespace: 'crossplane-system',
    target: 'hosts',
    // The chart's default, pinned: provider-aws-rds is a SafeStart provider, its kinds stay inactive unless activated.
    values: { provider: { defaultActivations: ['*'] } },
    clusterResources: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
    serves: {
      kinds: {
        'apiextensions.crossplane.io': [
          'CompositeResourceDefinition', 'Composition', 'CompositionRevision', 'EnvironmentConfig',
          'ManagedResourceActivationPolicy', 'ManagedResourceDefinition', 'Usage',
        ],
        'ops.crossplane.io': ['CronOperation', 'Operation', 'WatchOperation'],
        'pkg.crossplane.io': [
          'Configuration', 'ConfigurationRevision', 'DeploymentRuntimeConfig', 'Function', 'FunctionRevision', 'ImageConfig', 'Lock',
          'Provider', 'ProviderRevision',
        ],
        'protection.crossplane.io': ['ClusterUsage', 'Usage'],
      },
    },
    description: 'Crossplane (the database API: an XRD, a Composition and the AWS RDS provider per host)',
  } satisfies AddonSpec<CrossplaneValues>,

  // metrics.k8s.io on each host: the vclusters' metricsServer integration proxies to
  // kube-system/metrics-server:443 on their host (its defaults), so the name is fixed.
  'metrics-server': {
    repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chart: 'metrics-server',
    version: '3.13.1',
    namespace: 'kube-system',
    target: 'hosts',
    values: { fullnameOverride: 'metrics-server', service: { port: 443 } },
    clusterResources: [CLUSTER_ROLE, CLUSTER_ROLE_BINDING, { group: 'apiregistration.k8s.io', kind: 'APIService' }],
    serves: { apis: ['metrics.k8s.io'] },
    description: 'metrics-server (metrics.k8s.io for HPAs, also inside the vclusters)',
  } satisfies AddonSpec<MetricsServerValues>,

  // The Gateway API CRDs (standard channel) on each host, before Traefik and cert-manager watch them: the traefik
  // chart ships none since 41 (its crds/ holds traefik.io and hub.traefik.io only). Released as files, not a chart:
  // the upstream directory at the tag the schemas in imports/ come from. HTTPRoute's CRD (429 KB) is over the
  // annotation limit of client-side apply. Also applies the release's ValidatingAdmissionPolicy against
  // older or experimental Gateway API CRDs (gateway.networking.k8s.io_vap_safeupgrades.yaml).
  'gateway-api': {
    repoURL: 'https://github.com/kubernetes-sigs/gateway-api.git',
    path: 'config/crd/standard',
    version: 'v1.6.1',
    namespace: 'kube-system',
    target: 'hosts',
    syncWave: -5,
    serverSideApply: true,
    clusterResources: [
      CRD, { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' }, { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
    ],
    serves: {
      kinds: {
        'gateway.networking.k8s.io': [
          'BackendTLSPolicy', 'Gateway', 'GatewayClass', 'GRPCRoute', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'UDPRoute',
        ],
      },
    },
    description: 'Gateway API v1.6.1 CRDs, standard channel (HTTPRoute, Gateway, ...)',
  } satisfies AddonSpec,

  // The ingress controller of each host: serves the Ingresses the vclusters sync to it, and (Gateway provider)
  // the HTTPRoutes synth emits host-side, from the same pods.
  traefik: {
    repoURL: 'https://traefik.github.io/charts',
    chart: 'traefik',
    version: '41.3.0',
    namespace: platform.ingressControllerNamespace,
    target: 'hosts',
    values: TRAEFIK_VALUES,
    clusterResources: [
      CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING, { group: 'networking.k8s.io', kind: 'IngressClass' }, { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
    ],
    serves: {
      ingressClasses: [INGRESS_CLASS],
      gatewayClasses: [TRAEFIK_GATEWAY_CLASS],
      gateways: [traefikChartGateway(TRAEFIK_VALUES, platform.ingressControllerNamespace)!],
      kinds: {
        'traefik.io': [
          'IngressRoute', 'IngressRouteTCP', 'IngressRouteUDP', 'Middleware', 'MiddlewareTCP', 'ServersTransport', 'ServersTransportTCP', 'TLSOption', 'TLSStore',
          'TraefikService',
        ],
      },
    },
    description: 'Traefik ingress controller (IngressClass "traefik") and Gateway controller (GatewayClass "traefik", Gateway traefik-gateway)',
  } satisfies AddonSpec<TraefikValues>,

  'cert-manager': {
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.21.1',
    namespace: 'cert-manager',
    target: 'hosts',
    // The Gateway shim issues the certificate of each listener of an annotated Gateway (the Gateway API CRDs are
    // installed at wave -5, before cert-manager starts watching Gateways).
    values: { crds: { enabled: true }, config: { gatewayAPI: { enabled: true } } },
    clusterResources: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING, VALIDATING_WEBHOOK, MUTATING_WEBHOOK],
    serves: { kinds: { 'cert-manager.io': ['Certificate', 'CertificateRequest', 'Issuer', 'ClusterIssuer'], 'acme.cert-manager.io': ['Order', 'Challenge'] } },
    description: 'cert-manager (TLS for the Ingresses and the Gateway listeners)',
  } satisfies AddonSpec<CertManagerValues>,

  // Prometheus, Alertmanager and Grafana on each host. Six of its CRDs exceed the 262144-byte annotation
  // limit of client-side apply: ServerSideApply. It selects every ServiceMonitor/PodMonitor/rule, not
  // only its release's: the apps' monitors, alerts and dashboards in the vclusters' host namespaces
  // (lib/model/monitoring.ts; Grafana's sidecar searches every namespace by default). Its exporter
  // Services for the control plane live in kube-system.
  'kube-prometheus-stack': {
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '88.5.3',
    namespace: platform.monitoringNamespace,
    target: 'hosts',
    serverSideApply: true,
    values: {
      crds: { enabled: true },
      grafana: { enabled: true },
      prometheus: {
        prometheusSpec: {
          serviceMonitorSelectorNilUsesHelmValues: false,
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          probeSelectorNilUsesHelmValues: false,
          scrapeConfigSelectorNilUsesHelmValues: false,
        },
      },
      // The apps' alerts and dashboards find their pods on the host by their instance label in kube_pod_labels.
      'kube-state-metrics': { metricLabelsAllowlist: KUBE_STATE_METRICS_LABELS },
    },
    extraNamespaces: ['kube-system'],
    clusterResources: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING, VALIDATING_WEBHOOK, MUTATING_WEBHOOK],
    serves: {
      kinds: {
        'monitoring.coreos.com': [
          'Alertmanager', 'AlertmanagerConfig', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusAgent', 'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor', 'ThanosRuler',
        ],
      },
    },
    description: 'Prometheus, Alertmanager and Grafana',
  } satisfies AddonSpec<KubePrometheusStackValues>,

  // One controller in each vcluster, unsealing SealedSecrets where they are applied; its key pair is the
  // certificate envs/certs/<env>-<region>.pem holds (kubeseal --fetch-cert --controller-namespace
  // kube-system --controller-name sealed-secrets --context <vcluster>).
  'sealed-secrets': {
    repoURL: 'https://bitnami-labs.github.io/sealed-secrets',
    chart: 'sealed-secrets',
    version: '2.18.5',
    namespace: 'kube-system',
    target: 'vclusters',
    values: {
      fullnameOverride: 'sealed-secrets',
      // The vclusters enforce Pod Security "restricted": the chart's defaults lack these two.
      containerSecurityContext: { allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } },
      resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    },
    envs: {
      dev: { values: { resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } } } },
      prod: { values: { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } } } },
    },
    clusterResources: [CRD, CLUSTER_ROLE, CLUSTER_ROLE_BINDING],
    serves: { kinds: { 'bitnami.com': ['SealedSecret'] } },
    description: 'Sealed Secrets controller (envs/certs/<env>-<region>.pem)',
  } satisfies AddonSpec<SealedSecretsValues>,
});
