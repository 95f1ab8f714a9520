import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Application } from '../../../imports/argoproj.io';
import { ControlPlane, ControlPlaneEnv, ControlPlaneRegion, mergeValues, VclusterValues } from '../../model';
import { controlPlaneLabels, IN_CLUSTER, PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY, WAVES } from './common';
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
 * The golden vcluster values: PSS restricted enforced inside, the chart's network isolation on,
 * resource quota and limit range on, and the objects the golden app relies on synced to the host
 * (Ingresses, NetworkPolicies and PDBs are not synced by default, so they would have no effect).
 */
export function goldenVclusterValues(region: ControlPlaneRegion): VclusterValues {
  return {
    controlPlane: {
      distro: { k8s: { enabled: true } },
      proxy: { extraSANs: [`${region.cluster}.${region.vclusterNamespace}.svc`] },
    },
    sync: {
      toHost: {
        ingresses: { enabled: true },
        networkPolicies: { enabled: true },
        podDisruptionBudgets: { enabled: true },
      },
      fromHost: {
        ingressClasses: { enabled: true },
      },
    },
    policies: {
      podSecurityStandard: 'restricted',
      resourceQuota: { enabled: true },
      limitRange: { enabled: true },
      networkPolicy: { enabled: true },
    },
    // The kubeconfig in Secret vc-<name> points at the in-cluster service (a SAN of the vcluster's cert).
    exportKubeConfig: { server: `https://${region.cluster}.${region.vclusterNamespace}:443` },
  };
}

/**
 * One region's vcluster: its host Namespace and an Argo CD Application installing the `vcluster`
 * chart (pinned) with a typed `valuesObject` (golden values merged with the env's overrides).
 */
export class Vcluster extends Construct {
  /** The values passed to the chart. */
  public readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: VclusterProps) {
    super(scope, id);
    const { env, region } = props;
    const { platform } = props.controlPlane;
    const labels = controlPlaneLabels(props.controlPlane, {
      [`${platform.labelDomain}/env`]: env.name,
      [`${platform.labelDomain}/region`]: region.region,
    });
    this.values = mergeValues(goldenVclusterValues(region), env.vclusterValues);

    new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: region.vclusterNamespace, labels, annotations: syncWave(WAVES.vclusters) },
    });

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
        destination: { server: IN_CLUSTER, namespace: region.vclusterNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: RETRY,
        },
      },
    });
  }
}
