import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import {
  ExternalSecret, ExternalSecretSpec, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion, SecretStore, SecretStoreSpecProviderAwsService,
  SecretStoreSpecProviderKubernetesServerCaProviderType,
} from '../../../imports/external-secrets.io';
import { ControlPlane, ControlPlaneEnv, ControlPlaneRegion, vclusterPlacement } from '../../model';
import { controlPlaneLabels, envRegionLabels, WAVES } from './common';
import { syncWave } from '../labels';

/** Props of {@link VclusterRegistration}. */
export interface VclusterRegistrationProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment. */
  readonly env: ControlPlaneEnv;
  /** The region whose vcluster is registered. */
  readonly region: ControlPlaneRegion;
}

/** The kubeconfig keys of Secret `vc-<name>` the registration uses (the admin client certificate and the CA). */
export const KUBECONFIG_KEYS = ['certificate-authority', 'client-certificate', 'client-key'] as const;

/**
 * Registers a region's vcluster as an Argo CD destination named `<env>-<region>`, with no credential
 * in Git. The vcluster writes its kubeconfig certificates to Secret `vc-<name>` in its host namespace
 * once it runs; an External Secrets Operator ExternalSecret on the hub turns them into the Argo CD
 * cluster Secret (label `argocd.argoproj.io/secret-type: cluster`) and keeps it current when the
 * certificates rotate. On the hub it reads `vc-<name>` with ESO's Kubernetes provider (a dedicated
 * ServiceAccount and a Role for that one Secret); for a vcluster on another host it reads what that
 * host pushed to AWS Secrets Manager (VclusterHostRegistration, synced onto that host by the Application
 * `vcluster-host-<env>-<region>`, VclusterHostApplication), through a SecretStore that uses the hub ESO
 * controller's own IAM role (IRSA; no `auth`, so no credential anywhere).
 */
export class VclusterRegistration extends Construct {
  constructor(scope: Construct, id: string, props: VclusterRegistrationProps) {
    super(scope, id);
    const { env, region } = props;
    const { platform } = props.controlPlane;
    const argocd = platform.gitops.argocdNamespace;
    const envLabels = envRegionLabels(props.controlPlane, env.name, region.region);
    const labels = controlPlaneLabels(props.controlPlane, envLabels);
    const annotations = syncWave(WAVES.registration);
    const placement = vclusterPlacement(props.controlPlane.clusters, region.cluster);
    const reader = `vcluster-reader-${region.cluster}`;
    const kubeconfigSecret = `vc-${region.cluster}`;
    const clusterSecret = `cluster-${region.cluster}`;

    const store = `vcluster-${region.cluster}`;
    const pem = (key: string) => `{{ index . "${key}" | b64enc }}`;
    const target = {
      name: clusterSecret,
      creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
      template: {
        engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
        type: 'Opaque',
        metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...envLabels } },
        data: {
          name: region.cluster,
          server: placement.remote ? `https://${placement.remote.apiHost}:443` : `https://${region.cluster}.${region.vclusterNamespace}:443`,
          config: `{"tlsClientConfig":{"insecure":false,"caData":"${pem('certificate-authority')}","certData":"${pem('client-certificate')}","keyData":"${pem('client-key')}"}}`,
        },
      },
    };
    // The hub's ExternalSecret templating the Argo CD cluster Secret; only where the certificates come from differs.
    const clusterExternalSecret = (source: Pick<ExternalSecretSpec, 'data' | 'dataFrom'>) =>
      new ExternalSecret(this, 'cluster', {
        metadata: { name: clusterSecret, namespace: argocd, labels, annotations },
        spec: { refreshInterval: '1h', secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: store }, target, ...source },
      });
    if (placement.remote) {
      const { remoteKey, storeRegion } = placement.remote;
      new SecretStore(this, 'store', {
        metadata: { name: store, namespace: argocd, labels, annotations },
        spec: { provider: { aws: { service: SecretStoreSpecProviderAwsService.SECRETS_MANAGER, region: storeRegion } } },
      });
      clusterExternalSecret({ data: KUBECONFIG_KEYS.map((key) => ({ secretKey: key, remoteRef: { key: remoteKey, property: key } })) });
      return;
    }

    new k8s.KubeServiceAccount(this, 'reader', {
      metadata: { name: reader, namespace: argocd, labels, annotations },
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'role', {
      metadata: { name: 'argocd-registration', namespace: region.vclusterNamespace, labels, annotations },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [kubeconfigSecret], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(this, 'binding', {
      metadata: { name: 'argocd-registration', namespace: region.vclusterNamespace, labels, annotations },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'argocd-registration' },
      subjects: [{ kind: 'ServiceAccount', name: reader, namespace: argocd }],
    });
    new SecretStore(this, 'store', {
      metadata: { name: store, namespace: argocd, labels, annotations },
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: region.vclusterNamespace,
            server: {
              url: 'https://kubernetes.default.svc',
              caProvider: { type: SecretStoreSpecProviderKubernetesServerCaProviderType.CONFIG_MAP, name: 'kube-root-ca.crt', key: 'ca.crt' },
            },
            auth: { serviceAccount: { name: reader } },
          },
        },
      },
    });
    clusterExternalSecret({ dataFrom: [{ extract: { key: kubeconfigSecret } }] });
  }
}
