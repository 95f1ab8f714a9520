import { Construct } from 'constructs';
import { AppProject } from '../../../imports/argoproj.io';
import { ControlPlane, ControlPlaneEnv } from '../../model';
import { GOLDEN_APP_KINDS, InstanceKind } from '../golden-app-kinds';
import { controlPlaneLabels, RESOURCES_FINALIZER, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link EnvProject}. */
export interface EnvProjectProps {
  /** The control plane (platform settings). */
  readonly controlPlane: ControlPlane;
  /** The environment the project is for. */
  readonly env: ControlPlaneEnv;
}

/**
 * What an env's AppProject permits of one scope (its clusterResourceWhitelist or namespaceResourceWhitelist): the
 * golden app's kinds, each (group, kind) once, sorted. Kinds are not added from app data: an app's extra objects
 * (lib/synth/escape-hatch.ts) may use these kinds only, so no app file widens the fence of its env.
 */
export function envProjectWhitelist(clusterScoped: boolean): { group: string; kind: string }[] {
  const keys = new Set(GOLDEN_APP_KINDS.filter((k) => k.clusterScoped === clusterScoped).map((k) => `${k.group}/${k.kind}`));
  return [...keys].sort().map((key) => ({ group: key.slice(0, key.indexOf('/')), kind: key.slice(key.indexOf('/') + 1) }));
}

/** The kind (with its scope) an env's AppProject permits for an object's apiVersion and kind; undefined when it permits none. */
export function envProjectKind(apiVersion: string, kind: string): InstanceKind | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return GOLDEN_APP_KINDS.find((k) => k.group === group && k.kind === kind);
}

/**
 * The AppProject of one environment: sources = this repository only; destinations = exactly the
 * (vcluster, namespace) pairs of the env's released apps (no wildcards); cluster-scoped and namespaced
 * kinds limited to those the golden app emits (GOLDEN_APP_KINDS). Roles: each owning team may get
 * and sync its own apps; the readers group may get everything in the project. Sync windows: the env's
 * `syncWindows`, each over every Application of the project (lib/model/sync-windows.ts).
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
        clusterResourceWhitelist: envProjectWhitelist(true),
        namespaceResourceWhitelist: envProjectWhitelist(false),
        roles,
        ...(env.syncWindows.length > 0 ? { syncWindows: env.syncWindows.map((w) => ({ ...w, applications: [...w.applications] })) } : {}),
      },
    });
  }
}
