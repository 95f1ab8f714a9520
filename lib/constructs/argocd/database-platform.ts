import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import {
  ControlPlane, CROSSPLANE_NAMESPACE, crossplanePackages, databaseApi, databaseComposition, databasePlatformDir, databaseXrd,
  HostClusterDefinition, inRepo, PlatformCluster,
} from '../../model';
import { controlPlaneLabels, PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link DatabasePlatform} and {@link DatabasePlatformApplication}. */
export interface DatabasePlatformProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The host cluster (with `databases` set in envs/platform.ts). */
  readonly host: PlatformCluster & { readonly spec: HostClusterDefinition };
}

/** Argo CD sync options of an object whose kind a package installs during the same sync. */
const AFTER_PACKAGES = { ...syncWave(1), 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' };

/**
 * The platform's database API on one host (dist `crossplane/<host>/platform.yaml`): the AWS RDS
 * provider with an IRSA runtime config and its ProviderConfig, function-patch-and-transform, the
 * XRD and the host's Composition (lib/model/database-platform.ts). Crossplane itself is the
 * `crossplane` add-on of envs/addons.ts. In-app waves: packages and the XRD first; the ProviderConfig
 * (a kind the provider installs) and the Composition after them.
 */
export class DatabasePlatform extends Construct {
  constructor(scope: Construct, id: string, props: DatabasePlatformProps) {
    super(scope, id);
    const { platform } = props.controlPlane;
    const network = props.host.spec.databases;
    if (!network || !props.host.region) throw new Error(`host ${props.host.name} has no databases: no database API there`);
    const api = databaseApi(platform.labelDomain);
    const labels = controlPlaneLabels(props.controlPlane);
    const emit = (name: string, o: Record<string, unknown>, annotations?: Record<string, string>) => {
      const meta = o.metadata as Record<string, unknown>;
      new ApiObject(this, name, { ...o, metadata: { ...meta, labels: { ...labels, ...(meta.labels as object) }, ...(annotations ? { annotations } : {}) } } as never);
    };
    const pkgs = crossplanePackages(network);
    emit('runtime-config', pkgs.runtimeConfig);
    emit('provider', pkgs.provider);
    emit('function', pkgs.fn);
    emit('provider-config', pkgs.providerConfig, AFTER_PACKAGES);
    emit('xrd', databaseXrd(api));
    emit('composition', databaseComposition(api, props.host.region, network), AFTER_PACKAGES);
  }
}

/** The Application `crossplane-<host>` on the hub: syncs `crossplane/<host>/` onto the host, after the host add-ons. */
export class DatabasePlatformApplication extends Construct {
  constructor(scope: Construct, id: string, props: DatabasePlatformProps) {
    super(scope, id);
    const { gitops } = props.controlPlane.platform;
    new Application(this, 'application', {
      metadata: {
        name: `crossplane-${props.host.name}`,
        namespace: gitops.argocdNamespace,
        labels: controlPlaneLabels(props.controlPlane),
        annotations: syncWave(WAVES.databaseApi),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: { repoUrl: gitops.repoURL, targetRevision: gitops.revision, path: inRepo(gitops.distPath, databasePlatformDir(props.host.name)) },
        destination: { ...props.host.destination, namespace: CROSSPLANE_NAMESPACE },
        syncPolicy: { automated: { prune: true, selfHeal: true }, retry: RETRY },
      },
    });
  }
}
