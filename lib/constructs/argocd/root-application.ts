import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { ARGOCD_DIR, ControlPlane, inRepo } from '../../model';
import { controlPlaneLabels, IN_CLUSTER, PLATFORM_PROJECT, ROOT_RETRY } from './common';

/** Props of {@link RootApplication}. */
export interface RootApplicationProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /**
   * Name of the root Application.
   * @default 'root'
   */
  readonly name?: string;
}

/**
 * The app of apps: syncs `<distPath>/argocd` (recursively) into Argo CD's namespace, so every
 * AppProject, ApplicationSet and vcluster under it, and this Application itself, come from Git.
 * It is the one object applied by hand (`kubectl apply -f dist/argocd/root.yaml`). Automated with
 * prune and self-heal: the control plane always follows main; app instances in staging and prod still
 * wait for a manual sync of their own Applications.
 */
export class RootApplication extends Construct {
  constructor(scope: Construct, id: string, props: RootApplicationProps) {
    super(scope, id);
    const cp = props.controlPlane;
    const { gitops } = cp.platform;
    new Application(this, 'root', {
      metadata: {
        name: props.name ?? 'root',
        namespace: gitops.argocdNamespace,
        labels: controlPlaneLabels(cp),
      },
      spec: {
        project: PLATFORM_PROJECT,
        source: {
          repoUrl: gitops.repoURL,
          targetRevision: gitops.revision,
          path: inRepo(gitops.distPath, ARGOCD_DIR),
          directory: { recurse: true },
        },
        destination: { server: IN_CLUSTER, namespace: gitops.argocdNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: ROOT_RETRY,
        },
      },
    });
  }
}
