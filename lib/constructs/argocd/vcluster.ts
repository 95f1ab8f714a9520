import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Application } from '../../../imports/argoproj.io';
import {
  ControlPlane, ControlPlaneEnv, ControlPlaneRegion, deriveVclusterValues, hostMetricsServer, mergeValues, MetricsServerEndpoint,
  PlatformDefinition, VclusterNetworkPolicy, VclusterPlacement, vclusterPlacement, VclusterValues, withoutChartNetworkPolicy,
} from '../../model';
import { vclusterLabels, PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY, WAVES } from './common';
import { syncWave } from '../labels';

/** The vcluster Helm repository. */
export const VCLUSTER_CHART_REPO = 'https://charts.loft.sh';
/** The vcluster chart version (= vcluster v0.36.1, the version of imports/schemas/vcluster). */
export const VCLUSTER_CHART_VERSION = '0.36.1';

/** Props of {@link Vcluster}. */
export interface VclusterProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment. */
  readonly env: ControlPlaneEnv;
  /** The region whose vcluster this is. */
  readonly region: ControlPlaneRegion;
}

/**
 * The golden vcluster values: PSS restricted enforced inside, the objects the golden app relies on
 * synced to the host (Ingresses, NetworkPolicies and PDBs are not synced by default, so they would
 * have no effect), and, derived from what the vcluster runs (region.workload, see
 * lib/model/vcluster-sizing.ts): the metrics API when an HPA is there (proxied to `hostMetrics`, the
 * host's metrics-server), the network policy with the host's ingress controller and Prometheus let in
 * and no blanket public egress, and a quota and limit range sized to full scale plus headroom. `overrides` (the env's
 * `vcluster.values`) only inform the sizing (the control plane's replicas and resources); the
 * caller merges them over the result, so they win. A vcluster on a host other than the hub
 * (`placement.remote`) is reached by the hub at `https://<apiHost>`: its API Service is a LoadBalancer
 * (an internal AWS NLB, TLS passed through, so the admin client certificate works) and `apiHost` is
 * both a SAN of its certificate and the server of its exported kubeconfig.
 */
export function goldenVclusterValues(
  platform: Pick<PlatformDefinition, 'ingressControllerNamespace' | 'monitoringNamespace'>,
  region: ControlPlaneRegion,
  overrides: VclusterValues = {},
  placement?: Pick<VclusterPlacement, 'remote'>,
  hostMetrics?: MetricsServerEndpoint,
): VclusterValues {
  const derived = deriveVclusterValues(region.workload, platform, overrides, hostMetrics, region.cluster);
  const apiHost = placement?.remote?.apiHost;
  return {
    controlPlane: {
      distro: { k8s: { enabled: true } },
      proxy: { extraSANs: [`${region.cluster}.${region.vclusterNamespace}.svc`, ...(apiHost ? [apiHost] : [])] },
      ...(apiHost ? {
        service: {
          annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
          spec: { type: 'LoadBalancer' },
        },
      } : {}),
    },
    sync: {
      toHost: {
        ingresses: { enabled: true },
        networkPolicies: { enabled: true },
        podDisruptionBudgets: { enabled: true },
      },
      fromHost: {
        ingressClasses: { enabled: true },
        ...derived.sync?.fromHost,
      },
    },
    policies: { podSecurityStandard: 'restricted', ...derived.policies },
    integrations: derived.integrations,
    // The kubeconfig in Secret vc-<name> points at the in-cluster service (a SAN of the vcluster's cert),
    // or, on a host other than the hub, at the API endpoint the hub reaches.
    exportKubeConfig: { server: apiHost ? `https://${apiHost}:443` : `https://${region.cluster}.${region.vclusterNamespace}:443` },
  };
}

/**
 * One region's vcluster: an Argo CD Application installing the `vcluster` chart (pinned) with a typed
 * `valuesObject` (golden values merged with the env's overrides) on the region's host cluster. On the
 * hub, its host Namespace is an object here (applied by the root app); on another host, the
 * Application creates it there (`CreateNamespace=true`, with the same labels). The chart's network
 * policies are turned off: synth renders them host-side without the workload <-> workload rule
 * (`networkPolicy`, lib/model/vcluster-network.ts; VclusterNetworkPolicies).
 */
export class Vcluster extends Construct {
  /** The values passed to the chart. */
  public readonly values: Record<string, unknown>;
  /** The golden values merged with the env's overrides, network policy included (what the chart schema checks). */
  public readonly requested: Record<string, unknown>;
  /** `policies.networkPolicy` of the merged values: what the host-side policies are rendered from. */
  public readonly networkPolicy: VclusterNetworkPolicy | undefined;

  constructor(scope: Construct, id: string, props: VclusterProps) {
    super(scope, id);
    const { env, region } = props;
    const { platform } = props.controlPlane;
    const labels = vclusterLabels(props.controlPlane, env.name, region.region);
    const placement = vclusterPlacement(props.controlPlane.clusters, region.cluster);
    const hostMetrics = hostMetricsServer(props.controlPlane.addons, placement.host);
    const merged = mergeValues(goldenVclusterValues(platform, region, env.vclusterValues, placement, hostMetrics), env.vclusterValues) as VclusterValues;
    this.requested = merged as Record<string, unknown>;
    this.networkPolicy = merged.policies?.networkPolicy;
    this.values = withoutChartNetworkPolicy(merged) as Record<string, unknown>;

    if (!placement.remote) {
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: { name: region.vclusterNamespace, labels, annotations: syncWave(WAVES.vclusters) },
      });
    }

    new Application(this, 'vcluster', {
      metadata: {
        name: `vcluster-${region.cluster}`,
        namespace: platform.gitops.argocdNamespace,
        labels,
        annotations: syncWave(WAVES.vclusters),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: {
          repoUrl: VCLUSTER_CHART_REPO,
          chart: 'vcluster',
          targetRevision: VCLUSTER_CHART_VERSION,
          helm: { releaseName: region.cluster, valuesObject: this.values },
        },
        destination: { ...placement.host.destination, namespace: region.vclusterNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          ...(placement.remote ? { syncOptions: ['CreateNamespace=true'], managedNamespaceMetadata: { labels } } : {}),
          retry: RETRY,
        },
      },
    });
  }
}
