import { Construct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, SecretStore, SecretStoreSpecProviderAwsService,
} from '../../../imports/external-secrets.io';
import { ControlPlane, NOTIFICATIONS_SECRET, SLACK_TOKEN_KEY } from '../../model';
import { controlPlaneLabels, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link NotificationsSecret}. */
export interface NotificationsSecretProps {
  /** The control plane; its platform must have `notifications`. */
  readonly controlPlane: ControlPlane;
}

/** The SecretStore the notifications ExternalSecret reads through (Argo CD's namespace on the hub). */
export const NOTIFICATIONS_STORE = 'argocd-notifications';

/**
 * The Secret of Argo CD's notifications controller (`argocd-notifications-secret`, key `slack-token`), written
 * by External Secrets Operator on the hub from the AWS Secrets Manager secret envs/platform.ts names, so the
 * token is never in Git (the argo-cd chart is told not to create the Secret: `notifications.secret.create: false`).
 * The SecretStore has no `auth`: ESO's controller uses its own IAM role, as for the vcluster registrations. Synced
 * after the ApplicationSets (a wave of its own): until the token is in Secrets Manager the ExternalSecret is
 * Degraded, and nothing waits on it.
 */
export class NotificationsSecret extends Construct {
  constructor(scope: Construct, id: string, props: NotificationsSecretProps) {
    super(scope, id);
    const { platform } = props.controlPlane;
    const n = platform.notifications;
    if (!n) throw new Error('NotificationsSecret: the platform has no notifications (envs/platform.ts `notifications`)');
    const namespace = platform.gitops.argocdNamespace;
    const labels = controlPlaneLabels(props.controlPlane);
    const annotations = syncWave(WAVES.appSets + 1);
    const { token } = n.slack;

    new SecretStore(this, 'store', {
      metadata: { name: NOTIFICATIONS_STORE, namespace, labels, annotations },
      spec: { provider: { aws: { service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: token.region } } },
    });
    new ExternalSecret(this, 'secret', {
      metadata: { name: NOTIFICATIONS_SECRET, namespace, labels, annotations },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: NOTIFICATIONS_STORE },
        target: { name: NOTIFICATIONS_SECRET, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: [{ secretKey: SLACK_TOKEN_KEY, remoteRef: { key: token.secret, property: token.property } }],
      },
    });
  }
}
