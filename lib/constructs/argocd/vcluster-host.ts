import { Construct } from 'constructs';
import {
  PushSecret, PushSecretSpecDeletionPolicy, PushSecretSpecSecretStoreRefsKind, PushSecretSpecUpdatePolicy, SecretStore,
  SecretStoreSpecProviderAwsService,
} from '../../../imports/external-secrets.io';
import { ControlPlane, ControlPlaneEnv, ControlPlaneRegion, vclusterPlacement } from '../../model';
import { vclusterLabels } from './common';
import { KUBECONFIG_KEYS } from './vcluster-registration';

/** Props of {@link VclusterHostRegistration}. */
export interface VclusterHostRegistrationProps {
  readonly controlPlane: ControlPlane;
  readonly env: ControlPlaneEnv;
  /** A region whose vcluster runs on a host other than the hub. */
  readonly region: ControlPlaneRegion;
}

/**
 * The host-side objects of a vcluster on a host other than the hub, synced onto that host by the
 * Application vcluster-host-<env>-<region> (dist `vcluster-host/<env>-<region>/`, VclusterHostApplication): an ESO
 * PushSecret copying the CA and admin client certificate of Secret `vc-<name>` (written by the vcluster
 * once it runs) into AWS Secrets Manager in the hub's region, through a SecretStore that uses the host
 * ESO controller's own IAM role (IRSA; no `auth`, so no credential anywhere). The hub's
 * VclusterRegistration reads that secret back. The PushSecret retries until `vc-<name>` exists.
 */
export class VclusterHostRegistration extends Construct {
  constructor(scope: Construct, id: string, props: VclusterHostRegistrationProps) {
    super(scope, id);
    const { env, region } = props;
    const placement = vclusterPlacement(props.controlPlane.clusters, region.cluster);
    if (!placement.remote) throw new Error(`vcluster ${region.cluster} runs on the hub: it has no host-side registration`);
    const { remoteKey, storeRegion } = placement.remote;
    const labels = vclusterLabels(props.controlPlane, env.name, region.region);
    const namespace = region.vclusterNamespace;
    const store = 'argocd-registration';

    new SecretStore(this, 'store', {
      metadata: { name: store, namespace, labels },
      spec: { provider: { aws: { service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: storeRegion } } },
    });
    new PushSecret(this, 'push', {
      metadata: { name: 'argocd-registration', namespace, labels },
      spec: {
        refreshInterval: '10m',
        updatePolicy: PushSecretSpecUpdatePolicy.REPLACE,
        deletionPolicy: PushSecretSpecDeletionPolicy.DELETE,
        secretStoreRefs: [{ name: store, kind: PushSecretSpecSecretStoreRefsKind.SECRET_STORE }],
        selector: { secret: { name: `vc-${region.cluster}` } },
        data: KUBECONFIG_KEYS.map((key) => ({
          match: { secretKey: key, remoteRef: { remoteKey, property: key } },
          // PEM text as a string property of one JSON secret (the default, binary, is not confirmed to round-trip).
          metadata: { apiVersion: 'kubernetes.external-secrets.io/v1alpha1', kind: 'PushSecretMetadata', spec: { secretPushFormat: 'string' } },
        })),
      },
    });
  }
}
