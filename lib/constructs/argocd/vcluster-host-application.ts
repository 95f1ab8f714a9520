import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ControlPlane, ControlPlaneEnv, ControlPlaneRegion, inRepo, vclusterHostDir, vclusterPlacement } from '../../model';
import { vclusterLabels, PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link VclusterHostApplication}. */
export interface VclusterHostApplicationProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment. */
  readonly env: ControlPlaneEnv;
  /** The region whose vcluster's host-side objects it syncs. */
  readonly region: ControlPlaneRegion;
}

/**
 * The Application `vcluster-host-<env>-<region>`: syncs dist `vcluster-host/<env>-<region>/` (the
 * vcluster's NetworkPolicies, on a host other than the hub the push of its kubeconfig, and the HTTPRoutes
 * of the apps routed by the Gateway API) into the vcluster's namespace on its host. Wave `registration` (-1), after the vcluster's own Application
 * (-2) is healthy, so the namespace exists; before the apps' ApplicationSets (3), so the workloads
 * start under these policies.
 */
export class VclusterHostApplication extends Construct {
  constructor(scope: Construct, id: string, props: VclusterHostApplicationProps) {
    super(scope, id);
    const { env, region } = props;
    const { platform } = props.controlPlane;
    const { gitops } = platform;
    const placement = vclusterPlacement(props.controlPlane.clusters, region.cluster);
    new Application(this, 'application', {
      metadata: {
        name: `vcluster-host-${region.cluster}`,
        namespace: gitops.argocdNamespace,
        labels: vclusterLabels(props.controlPlane, env.name, region.region),
        annotations: syncWave(WAVES.registration),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: { repoUrl: gitops.repoURL, targetRevision: gitops.revision, path: inRepo(gitops.distPath, vclusterHostDir(env.name, region.region)) },
        destination: { ...placement.host.destination, namespace: region.vclusterNamespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
      },
    });
  }
}
