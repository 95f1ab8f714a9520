import { Construct } from 'constructs';
import { ApplicationSet } from '../../../imports/argoproj.io';
import {
  ControlPlane, ControlPlaneApp, ControlPlaneEnv, envInstancesPattern, inRepo, instanceName, NOTIFICATION_TRIGGERS, regionSegment, slackChannelOf, subscribeAnnotation,
} from '../../model';
import { controlPlaneLabels, RESOURCES_FINALIZER, RETRY, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link ServicesApplicationSet}. */
export interface ServicesApplicationSetProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment. */
  readonly env: ControlPlaneEnv;
}

/** A Go-template string literal. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * One ApplicationSet per environment: the Git directories generator over
 * `<distPath>/apps/<env>/*\/*` (Go path.Match: `*` does not cross `/`) makes one Application per app
 * instance directory, named `<env>-<region>-<app>`, deployed to the region's vcluster (Argo CD
 * destination `<env>-<region>`) in namespace `<app>`. goTemplate with `missingkey=error`. Sync policy
 * from the env: automated with prune and self-heal (dev), or none, so a human presses SYNC (staging,
 * prod); CreateNamespace and retry with backoff everywhere. With notifications configured (envs/platform.ts),
 * each Application subscribes its team's Slack channel to the failed-sync, degraded and deployed triggers
 * (`notifications.argoproj.io/subscribe.<trigger>.slack`), looked up like the team label.
 */
export class ServicesApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: ServicesApplicationSetProps) {
    super(scope, id);
    const { env } = props;
    const { platform } = props.controlPlane;
    const { gitops, labelDomain } = platform;
    // path = <distPath>/apps/<env>/<region>/<app> (lib/model/layout.ts): the region is the second-to-last segment.
    const region = `{{ index .path.segments ${regionSegment(gitops.distPath)} }}`;
    const app = '{{ .path.basename }}';
    // The generator knows only the directory: per-app values are a dict lookup on its basename (the app).
    const byApp = (value: (a: ControlPlaneApp) => string) =>
      env.apps.length > 0 ? `{{ get (dict ${env.apps.map((a) => `${quote(a.app)} ${quote(value(a))}`).join(' ')}) .path.basename }}` : '';
    const team = byApp((a) => a.team);
    const notifications = platform.notifications;
    const channel = notifications && env.apps.length > 0 ? byApp((a) => slackChannelOf(notifications, a.team)) : undefined;

    new ApplicationSet(this, 'services', {
      metadata: {
        name: `${env.name}-services`,
        namespace: gitops.argocdNamespace,
        labels: controlPlaneLabels(props.controlPlane, { [`${labelDomain}/env`]: env.name }),
        annotations: syncWave(WAVES.appSets),
      },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          git: {
            repoUrl: gitops.repoURL,
            revision: gitops.revision,
            directories: [{ path: inRepo(gitops.distPath, envInstancesPattern(env.name)) }],
          },
        }],
        template: {
          metadata: {
            name: instanceName(env.name, region, app),
            labels: {
              [`${labelDomain}/env`]: env.name,
              [`${labelDomain}/region`]: region,
              [`${labelDomain}/team`]: team,
              'app.kubernetes.io/name': app,
            },
            ...(channel ? { annotations: Object.fromEntries(NOTIFICATION_TRIGGERS.map((t) => [subscribeAnnotation(t, 'slack'), channel])) } : {}),
            finalizers: [RESOURCES_FINALIZER],
          },
          spec: {
            project: env.name,
            source: { repoUrl: gitops.repoURL, targetRevision: gitops.revision, path: '{{ .path.path }}' },
            destination: { name: `${env.name}-${region}`, namespace: app },
            syncPolicy: {
              ...(env.sync.automated ? { automated: { prune: env.sync.prune, selfHeal: env.sync.selfHeal } } : {}),
              syncOptions: ['CreateNamespace=true'],
              retry: RETRY,
            },
          },
        },
      },
    });
  }
}
