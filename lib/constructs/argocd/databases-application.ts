import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ControlPlane, ControlPlaneEnv, ControlPlaneRegion, databaseClaimsDir, databaseNamespace, inRepo, vclusterPlacement } from '../../model';
import { PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY, vclusterLabels, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link DatabasesApplication}. */
export interface DatabasesApplicationProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment (its sync policy applies: a manual env syncs its databases by hand too). */
  readonly env: ControlPlaneEnv;
  /** The region whose apps' databases it syncs (it has at least one). */
  readonly region: ControlPlaneRegion;
}

/**
 * The Application `databases-<env>-<region>` on the hub: syncs the region's claims (dist
 * `databases/<env>/<region>/`) into namespace `db-<env>-<region>` on the region's host, where the
 * database API runs. One Application per env/region rather than an ApplicationSet per env: each region
 * goes to a different host, addressed like the vcluster's own Application, and synth already knows the
 * regions (docs/architecture.md, "Databases"). Wave `appSets` (3), with the apps: nothing waits for RDS
 * to be created (about 10 minutes); an app's pods wait for their connection Secret instead.
 */
export class DatabasesApplication extends Construct {
  constructor(scope: Construct, id: string, props: DatabasesApplicationProps) {
    super(scope, id);
    const { env, region } = props;
    const { gitops } = props.controlPlane.platform;
    const labels = vclusterLabels(props.controlPlane, env.name, region.region);
    const placement = vclusterPlacement(props.controlPlane.clusters, region.cluster);
    new Application(this, 'application', {
      metadata: {
        name: `databases-${region.cluster}`,
        namespace: gitops.argocdNamespace,
        labels,
        annotations: syncWave(WAVES.appSets),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: { repoUrl: gitops.repoURL, targetRevision: gitops.revision, path: inRepo(gitops.distPath, databaseClaimsDir(env.name, region.region)) },
        destination: { ...placement.host.destination, namespace: databaseNamespace(region.cluster) },
        syncPolicy: {
          ...(env.sync.automated ? { automated: { prune: env.sync.prune, selfHeal: env.sync.selfHeal } } : {}),
          syncOptions: ['CreateNamespace=true'],
          managedNamespaceMetadata: { labels },
          retry: RETRY,
        },
      },
    });
  }
}
