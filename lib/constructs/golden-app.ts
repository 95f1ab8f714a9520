import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { AppInstance, CONNECTION_KEYS, connectionSecretName, VCLUSTER_DNS } from '../model';
import { GOLDEN_APP_CONSTRUCTS as C } from './golden-app-kinds';
import { instanceLabels, selectorLabels, syncWave } from './labels';

/** Props of {@link GoldenApp}. */
export interface GoldenAppProps {
  /** The resolved instance: everything decided (see `resolve()`). */
  readonly instance: AppInstance;
  /**
   * Extra checksum inputs for the pod template (e.g. sealed secret data), so a change rolls the pods.
   * @default {}
   */
  readonly checksums?: { readonly [name: string]: string };
}

/** Private address ranges excluded from internet egress. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

/**
 * The golden app: what the company-wide Helm chart rendered, from one AppInstance.
 *
 * Emits, in this order (that of GOLDEN_APP_CONSTRUCTS, through which it constructs): Namespace (PSS
 * restricted), ServiceAccount (no token), ConfigMap, SealedSecret (when values are sealed), Service,
 * Deployment (PSS restricted, probes, resources, /tmp emptyDir, config checksum, zone spread when
 * asked), PodDisruptionBudget (more than one replica), HorizontalPodAutoscaler (autoscaling; the
 * Deployment then has no replicas), NetworkPolicies (default deny + the instance's allows: resolve
 * lists only the callers and callees deployed in the same env/region), Ingress (when exposed).
 * Names are the app name, selectors name+instance: no hashes, no address labels.
 */
export class GoldenApp extends Construct {
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: GoldenAppProps) {
    super(scope, id);
    const i = props.instance;
    validate(i);

    const labels = instanceLabels(i);
    const selector = selectorLabels(i);
    const meta = (name: string, annotations?: Record<string, string>) => ({
      name,
      namespace: i.namespace,
      labels,
      ...(annotations ? { annotations } : {}),
    });

    new C.namespace(this, 'namespace', {
      metadata: {
        name: i.namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: syncWave(-2),
      },
    });

    new C.serviceAccount(this, 'service-account', {
      metadata: meta(i.app, syncWave(-1)),
      automountServiceAccountToken: false,
    });

    new C.configMap(this, 'config', {
      metadata: meta(i.app, syncWave(-1)),
      data: { ...i.config },
    });

    const sealed = i.sealedSecret;
    if (sealed) {
      new C.sealedSecret(this, 'sealed-secret', {
        name: sealed.name,
        namespace: i.namespace,
        scope: sealed.scope,
        encryptedData: sealed.data,
        labels,
        annotations: syncWave(-1),
      });
    }

    this.service = new C.service(this, 'service', {
      metadata: meta(i.app),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: i.servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    const checksums: Record<string, string> = { 'checksum/config': sha256(stableJson(i.config)) };
    // A re-sealed value (rotation) changes the ciphertext, so the pods roll.
    if (sealed) checksums['checksum/secrets'] = sha256(stableJson(sealed.data));
    for (const [name, value] of Object.entries(props.checksums ?? {}).sort()) {
      if (name === 'config' || name === 'secrets') {
        throw new Error(`GoldenApp ${i.instance}: checksums.${name}: reserved for the ${name === 'config' ? 'ConfigMap' : 'SealedSecret'} checksum; pick another name`);
      }
      checksums[`checksum/${name}`] = value;
    }
    const podAnnotations: Record<string, string> = { ...checksums };
    if (i.metrics) {
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/port'] = String(i.metrics.port);
      podAnnotations['prometheus.io/path'] = i.metrics.path;
    }

    const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: i.port, protocol: 'TCP' }];
    if (i.metrics && i.metrics.port !== i.port) ports.push({ name: 'metrics', containerPort: i.metrics.port, protocol: 'TCP' });

    // The database's variables, one non-optional secretKeyRef each: until the claim's Secret (synced into the
    // vcluster from the host) has every key, the container waits in CreateContainerConfigError and starts by
    // itself once they exist. envFrom would start it without them, and env never changes after start.
    const env: k8s.EnvVar[] = [
      ...(i.portEnv ? [{ name: i.portEnv, value: String(i.port) }] : []),
      ...(i.database ? CONNECTION_KEYS.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: connectionSecretName(i.app), key } } })) : []),
    ];
    const http = (path: string) => ({ path, port: k8s.IntOrString.fromString('http') });
    const startupPeriod = 5;
    const container: k8s.Container = {
      name: i.app,
      image: i.image.ref,
      imagePullPolicy: 'IfNotPresent',
      ...(i.command ? { command: [...i.command] } : {}),
      ...(i.args ? { args: [...i.args] } : {}),
      ports,
      ...(env.length > 0 ? { env } : {}),
      envFrom: [{ configMapRef: { name: i.app } }, ...(sealed ? [{ secretRef: { name: sealed.name } }] : [])],
      resources: {
        requests: { cpu: k8s.Quantity.fromString(i.resources.requests.cpu), memory: k8s.Quantity.fromString(i.resources.requests.memory) },
        limits: { cpu: k8s.Quantity.fromString(i.resources.limits.cpu), memory: k8s.Quantity.fromString(i.resources.limits.memory) },
      },
      ...(i.health.startupSeconds > 0
        ? {
            startupProbe: {
              httpGet: http(i.health.liveness),
              periodSeconds: startupPeriod,
              timeoutSeconds: 3,
              failureThreshold: Math.ceil(i.health.startupSeconds / startupPeriod),
            },
          }
        : {}),
      livenessProbe: { httpGet: http(i.health.liveness), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: http(i.health.readiness), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: i.runAsUser,
        runAsGroup: i.runAsUser,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    };

    const spread: k8s.TopologySpreadConstraint[] | undefined = i.spreadAcrossZones
      ? ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selector },
        }))
      : undefined;

    this.deployment = new C.deployment(this, 'deployment', {
      metadata: meta(i.app),
      spec: {
        ...(i.autoscaling ? {} : { replicas: i.replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
        },
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: i.app,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: i.runAsUser,
              runAsGroup: i.runAsUser,
              fsGroup: i.runAsUser,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [container],
            volumes: [{ name: 'tmp', emptyDir: {} }],
            ...(spread ? { topologySpreadConstraints: spread } : {}),
          },
        },
      },
    });

    const minReplicas = i.autoscaling ? i.autoscaling.minReplicas : i.replicas;
    if (minReplicas > 1) {
      new C.podDisruptionBudget(this, 'pdb', {
        metadata: meta(i.app),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    if (i.autoscaling) {
      new C.horizontalPodAutoscaler(this, 'hpa', {
        metadata: meta(i.app),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: i.app },
          minReplicas: i.autoscaling.minReplicas,
          maxReplicas: i.autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: i.autoscaling.cpuUtilization } },
          }],
        },
      });
    }

    new C.networkPolicy(this, 'default-deny', {
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const nsSelector = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const ingressRules: k8s.NetworkPolicyIngressRule[] = [];
    if (i.network.ingressControllerNamespace) {
      ingressRules.push({ from: [nsSelector(i.network.ingressControllerNamespace)], ports: [tcp(i.port)] });
    }
    if (i.network.monitoringNamespace && i.metrics) {
      ingressRules.push({ from: [nsSelector(i.network.monitoringNamespace)], ports: [tcp(i.metrics.port)] });
    }
    if (i.network.allowFrom.length > 0) {
      ingressRules.push({ from: i.network.allowFrom.map(nsSelector), ports: [tcp(i.port)] });
    }
    // DNS: the vcluster's CoreDNS, as the host sees it after the syncer's translation (VCLUSTER_DNS).
    const egressRules: k8s.NetworkPolicyEgressRule[] = [{
      to: [{ ...nsSelector(VCLUSTER_DNS.namespace), podSelector: { matchLabels: { ...VCLUSTER_DNS.podLabels } } }],
      ports: [
        { protocol: 'UDP', port: k8s.IntOrString.fromNumber(VCLUSTER_DNS.port) },
        { protocol: 'TCP', port: k8s.IntOrString.fromNumber(VCLUSTER_DNS.port) },
      ],
    }];
    for (const callee of i.network.allowTo) egressRules.push({ to: [nsSelector(callee.app)], ports: [tcp(callee.port)] });
    // The database: its subnets on its port (an ipBlock, which the vcluster syncer keeps verbatim).
    if (i.network.database) {
      egressRules.push({ to: i.network.database.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(i.network.database.port)] });
    }
    if (i.network.internetEgress) {
      egressRules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] });
    }
    new C.networkPolicy(this, 'network-policy', {
      metadata: meta(i.app),
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: ingressRules,
        egress: egressRules,
      },
    });

    if (i.ingress) {
      const ing = i.ingress;
      new C.ingress(this, 'ingress', {
        metadata: meta(i.app, ing.clusterIssuer ? { 'cert-manager.io/cluster-issuer': ing.clusterIssuer } : undefined),
        spec: {
          ingressClassName: ing.className,
          tls: [{ hosts: [ing.host], secretName: ing.tlsSecretName }],
          rules: [{
            host: ing.host,
            http: {
              paths: [{
                path: ing.path,
                pathType: 'Prefix',
                backend: { service: { name: i.app, port: { name: 'http' } } },
              }],
            },
          }],
        },
      });
    }
  }
}

function validate(i: AppInstance): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`GoldenApp ${i.instance}: ${field}: ${why}`);
  };
  if (!Number.isInteger(i.replicas) || i.replicas < 0) fail('replicas', `must be a non-negative integer, got ${i.replicas}`);
  if (!Number.isInteger(i.port) || i.port < 1 || i.port > 65535) fail('port', `must be 1-65535, got ${i.port}`);
  if (i.runAsUser < 1) fail('runAsUser', 'must be a non-root user id (1 or more)');
  if (i.autoscaling && i.autoscaling.minReplicas > i.autoscaling.maxReplicas) fail('autoscaling', 'minReplicas above maxReplicas');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(i.app)) fail('app', `"${i.app}" is not a DNS label`);
  if (i.ingress && !i.network.ingressControllerNamespace) {
    fail('network.ingressControllerNamespace', 'is required when the app is exposed (its NetworkPolicy must let the controller in)');
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** JSON with sorted keys, so the checksum does not depend on key order. */
function stableJson(obj: Record<string, string>): string {
  return JSON.stringify(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}
