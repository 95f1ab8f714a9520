import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { ControlPlane, ControlPlaneEnv } from '../../model';
import { controlPlaneLabels, RESOURCES_FINALIZER, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link EnvProject}. */
export interface EnvProjectProps {
  /** The control plane (platform settings). */
  readonly controlPlane: ControlPlane;
  /** The environment the project is for. */
  readonly env: ControlPlaneEnv;
}

/** Namespaced kinds the golden app (and its sealed secrets) may create. */
const NAMESPACED_KINDS: readonly [string, string][] = [
  ['', 'ConfigMap'], ['', 'Service'], ['', 'ServiceAccount'], ['apps', 'Deployment'], ['autoscaling', 'HorizontalPodAutoscaler'],
  ['bitnami.com', 'SealedSecret'], ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'NetworkPolicy'], ['policy', 'PodDisruptionBudget'],
];

/**
 * The AppProject of one environment: sources = this repository only; destinations = exactly the
 * (vcluster, namespace) pairs of the env's released apps (no wildcards); cluster-scoped kinds limited
 * to Namespace; namespaced kinds limited to what the golden app emits. Roles: each owning team may get
 * and sync its own apps; the readers group may get everything in the project.
 */
export class EnvProject extends Construct {
  public readonly project: AppProject;

  constructor(scope: Construct, id: string, props: EnvProjectProps) {
    super(scope, id);
    const { env } = props;
    const { platform } = props.controlPlane;
    const clusterOf = new Map(env.regions.map((r) => [r.region, r.cluster]));
    const destinations = env.apps.flatMap((a) => a.regions.map((r) => ({ name: clusterOf.get(r)!, namespace: a.app })))
      .sort((a, b) => (a.name + '/' + a.namespace < b.name + '/' + b.namespace ? -1 : 1));

    const teams = [...new Set(env.apps.map((a) => a.team))].sort();
    const roles = [
      ...teams.map((team) => {
        const role = `team-${team}`;
        const objects = env.apps.filter((a) => a.team === team)
          .flatMap((a) => a.regions.map((r) => `${env.name}/${clusterOf.get(r)}-${a.app}`));
        return {
          name: role,
          description: `team ${team}: see and sync its applications in ${env.name}`,
          groups: [`${platform.sso.teamGroupPrefix}${team}`],
          policies: objects.flatMap((o) => [
            `p, proj:${env.name}:${role}, applications, get, ${o}, allow`,
            `p, proj:${env.name}:${role}, applications, sync, ${o}, allow`,
          ]),
        };
      }),
      {
        name: 'read-only',
        description: `everyone: read every application in ${env.name}`,
        groups: [platform.sso.readersGroup],
        policies: [`p, proj:${env.name}:read-only, applications, get, ${env.name}/*, allow`],
      },
    ];

    this.project = new AppProject(this, 'project', {
      metadata: {
        name: env.name,
        namespace: platform.gitops.argocdNamespace,
        labels: controlPlaneLabels(props.controlPlane, { [`${platform.labelDomain}/env`]: env.name }),
        annotations: syncWave(WAVES.projects),
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        description: `${env.name}: ${env.description ?? 'application instances'} (generated; do not edit)`,
        sourceRepos: [platform.gitops.repoURL],
        destinations,
        clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
        namespaceResourceWhitelist: NAMESPACED_KINDS.map(([group, kind]) => ({ group, kind })),
        roles,
      },
    });
  }
}
