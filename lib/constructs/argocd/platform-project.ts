import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { ControlPlane } from '../../model';
import { controlPlaneLabels, IN_CLUSTER, PLATFORM_PROJECT, RESOURCES_FINALIZER, WAVES } from './common';
import { syncWave } from '../labels';
import { VCLUSTER_CHART_REPO } from './vcluster';

/** Props of {@link PlatformProject}. */
export interface PlatformProjectProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
}

/**
 * The AppProject of the control plane: the root app (this repository's dist/argocd) and the vclusters
 * (the vcluster chart), deployed into Argo CD's namespace and each vcluster's host namespace of the
 * cluster Argo CD runs in. The platform group may sync; the readers group may read.
 */
export class PlatformProject extends Construct {
  constructor(scope: Construct, id: string, props: PlatformProjectProps) {
    super(scope, id);
    const cp = props.controlPlane;
    const { platform } = cp;
    const namespaces = [
      platform.gitops.argocdNamespace,
      ...cp.envs.flatMap((e) => e.regions.map((r) => r.vclusterNamespace)),
    ];
    new AppProject(this, 'project', {
      metadata: {
        name: PLATFORM_PROJECT,
        namespace: platform.gitops.argocdNamespace,
        labels: controlPlaneLabels(cp),
        annotations: syncWave(WAVES.projects),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        description: 'The GitOps control plane: root app, AppProjects, ApplicationSets, vclusters (generated; do not edit)',
        sourceRepos: [platform.gitops.repoURL, VCLUSTER_CHART_REPO],
        destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
        // Namespaces for the vclusters; the vcluster chart's RBAC for syncing from the host.
        clusterResourceWhitelist: [
          { group: '', kind: 'Namespace' },
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
          { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
        ],
        roles: [
          {
            name: 'platform-admin',
            description: 'platform team: sync the control plane',
            groups: [platform.sso.platformGroup],
            policies: [
              `p, proj:${PLATFORM_PROJECT}:platform-admin, applications, get, ${PLATFORM_PROJECT}/*, allow`,
              `p, proj:${PLATFORM_PROJECT}:platform-admin, applications, sync, ${PLATFORM_PROJECT}/*, allow`,
            ],
          },
          {
            name: 'read-only',
            description: 'everyone: read the control plane',
            groups: [platform.sso.readersGroup],
            policies: [`p, proj:${PLATFORM_PROJECT}:read-only, applications, get, ${PLATFORM_PROJECT}/*, allow`],
          },
        ],
      },
    });
  }
}
