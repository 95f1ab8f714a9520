import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { addonClusterResources, addonDestinations, addonSources, ControlPlane, DATABASE_API_CLUSTER_KINDS, databaseNamespace, vclusterPlacement } from '../../model';
import { controlPlaneLabels, IN_CLUSTER, PLATFORM_PROJECT, RESOURCES_FINALIZER, WAVES } from './common';
import { syncWave } from '../labels';
import { VCLUSTER_CHART_REPO } from './vcluster';

/** Props of {@link PlatformProject}. */
export interface PlatformProjectProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
}

/**
 * The AppProject of the control plane: the root app (this repository's dist/argocd), the vclusters
 * (the vcluster chart) and the add-ons (their chart repositories), deployed into Argo CD's namespace,
 * each vcluster's namespace on its host cluster, and each add-on's namespaces on each
 * of its target clusters. Exact entries only: no wildcards. The platform group may sync; the readers
 * group may read.
 */
export class PlatformProject extends Construct {
  constructor(scope: Construct, id: string, props: PlatformProjectProps) {
    super(scope, id);
    const cp = props.controlPlane;
    const { platform } = cp;
    const controlPlaneDestinations = [
      { server: IN_CLUSTER, namespace: platform.gitops.argocdNamespace },
      ...cp.envs.flatMap((e) => e.regions.map((r) => ({ ...vclusterPlacement(cp.clusters, r.cluster).host.destination, namespace: r.vclusterNamespace }))),
      // The regions' database claims, on their hosts.
      ...cp.envs.flatMap((e) => e.regions.filter((r) => r.databases.length > 0)
        .map((r) => ({ ...vclusterPlacement(cp.clusters, r.cluster).host.destination, namespace: databaseNamespace(r.cluster) }))),
    ];
    const destinations: { server?: string; name?: string; namespace: string }[] = [];
    const seen = new Set<string>();
    for (const d of <{ server?: string; name?: string; namespace: string }[]>[
      ...controlPlaneDestinations,
      ...addonDestinations(cp.addons).map(({ cluster, namespace }) => ({ ...cluster.destination, namespace })),
    ]) {
      const key = `${d.server ?? ''}\0${d.name ?? ''}\0${d.namespace}`;
      if (!seen.has(key)) destinations.push(d);
      seen.add(key);
    }
    const kinds = [
      // Namespaces for the vclusters; the vcluster chart's RBAC for syncing from the host.
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ];
    // The database API on the hosts that have one (crossplane/<host>/platform.yaml).
    const databaseKinds = cp.clusters.hosts.some((h) => h.spec?.databases) ? DATABASE_API_CLUSTER_KINDS : [];
    for (const r of [...addonClusterResources(cp.addons), ...databaseKinds]) {
      if (!kinds.some((k) => k.group === r.group && k.kind === r.kind)) kinds.push({ group: r.group, kind: r.kind });
    }
    new AppProject(this, 'project', {
      metadata: {
        name: PLATFORM_PROJECT,
        namespace: platform.gitops.argocdNamespace,
        labels: controlPlaneLabels(cp),
        annotations: syncWave(WAVES.projects),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        description: 'The GitOps control plane: root app, AppProjects, ApplicationSets, vclusters, add-ons (generated; do not edit)',
        sourceRepos: [...new Set([platform.gitops.repoURL, VCLUSTER_CHART_REPO, ...addonSources(cp.addons)])],
        destinations,
        clusterResourceWhitelist: kinds,
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
