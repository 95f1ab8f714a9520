import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { AddonDeployment, ControlPlane } from '../../model';
import { controlPlaneLabels, PLATFORM_PROJECT, RESOURCES_FINALIZER, RETRY } from './common';
import { syncWave } from '../labels';

/** Props of {@link AddonApplication}. */
export interface AddonApplicationProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The add-on on its cluster (lib/model/addons.ts `planAddons`). */
  readonly deployment: AddonDeployment;
}

/**
 * One add-on on one cluster of the platform: an Argo CD Application in the platform project that
 * installs the pinned chart with a typed `valuesObject` (or applies the manifests of a Git directory at a
 * tag) into the add-on's namespace (created by the sync), in the add-on's sync wave, automated (self-heal; prune unless the add-on turns it off), with the control plane's retry.
 * `ServerSideApply=true` when the add-on asks for it (CRDs over the client-side-apply annotation limit).
 */
export class AddonApplication extends Construct {
  constructor(scope: Construct, id: string, props: AddonApplicationProps) {
    super(scope, id);
    const cp = props.controlPlane;
    const { addon, cluster, values, applicationName } = props.deployment;
    const { platform } = cp;
    const labels = controlPlaneLabels(cp, {
      'app.kubernetes.io/name': addon.name,
      [`${platform.labelDomain}/cluster`]: cluster.name,
      ...(cluster.env !== undefined ? { [`${platform.labelDomain}/env`]: cluster.env } : {}),
      ...(cluster.region !== undefined ? { [`${platform.labelDomain}/region`]: cluster.region } : {}),
    });
    new Application(this, 'application', {
      metadata: {
        name: applicationName,
        namespace: platform.gitops.argocdNamespace,
        labels,
        annotations: syncWave(addon.syncWave),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: addon.path !== undefined
          // A directory of plain manifests at a Git tag (an Argo CD directory source, not recursive).
          ? { repoUrl: addon.repoURL, path: addon.path, targetRevision: addon.version }
          : {
            repoUrl: addon.repoURL,
            chart: addon.chart,
            targetRevision: addon.version,
            helm: { releaseName: addon.releaseName, ...(Object.keys(values).length > 0 ? { valuesObject: values } : {}) },
          },
        destination: { ...cluster.destination, namespace: addon.namespace },
        syncPolicy: {
          automated: { prune: addon.prune, selfHeal: true },
          syncOptions: ['CreateNamespace=true', ...(addon.serverSideApply ? ['ServerSideApply=true'] : [])],
          retry: RETRY,
        },
      },
    });
  }
}
