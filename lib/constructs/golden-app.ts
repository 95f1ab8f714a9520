import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { GOLDEN_APP_CONSTRUCTS as C } from './golden-app-kinds';
import { checkGoldenAppProps, GOLDEN_APP_DEFAULTS as D, GoldenAppProps } from './golden-app-props';
import { recommendedLabels, syncWave } from './labels';
import { addWorkload, GoldenAppWorkload, SharedPod } from './golden-app-workloads';
import { SmokeTest } from './smoke-test';
import { pathsOverlap } from '../model/check';
import type { ExtraContainerSpec } from '../model/volumes';
import { GoldenAppContainer, GoldenAppVolume, restrictedContainer, sha256, stableJson } from './golden-app-pod';

export * from './golden-app-props';
export type { GoldenAppContainer, GoldenAppVolume } from './golden-app-pod';
export type { GoldenAppWorkload } from './golden-app-workloads';

/** Private address ranges excluded from internet egress. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

/**
 * The golden app: what a company-wide Helm chart renders for a web service, as a cdk8s construct.
 *
 * Emits, in this order (that of GOLDEN_APP_CONSTRUCTS): Namespace (PSS restricted), ServiceAccount (no
 * token), ConfigMap, SealedSecret (with `sealedSecret`), Service, Deployment (PSS restricted, probes,
 * resources, a /tmp emptyDir, config checksum, zone spread when asked), PodDisruptionBudget (more than
 * one replica), HorizontalPodAutoscaler (`autoscaling`; the Deployment then has no replicas),
 * NetworkPolicies (default deny + the allows of `network`), Ingress (`ingress`). Names are the app's
 * name, selectors name+instance: no hashes. Mutators (`addEnv`, `addVolume`, `addSidecar`,
 * `addInitContainer`) change the pod before synthesis.
 */
export class GoldenApp extends Construct {
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The namespace everything is in. */
  public readonly namespace: string;

  /**
   * What the app's other workloads share with its web pods (./golden-app-workloads.ts).
   * @internal
   */
  public readonly shared!: SharedPod;

  private readonly env: k8s.EnvVar[] = [];
  private readonly volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: {} }];
  private readonly mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  private readonly initContainers: k8s.Container[] = [];
  private readonly configKeys: ReadonlySet<string>;
  private readonly runAsUser: number;
  private readonly objectMeta: (name: string, annotations?: Record<string, string>) => k8s.ObjectMeta;
  private readonly podAnnotations: Record<string, string>;
  private recreate = false;
  private readonly multiPod: boolean;
  private readonly sealedName?: string;

  constructor(scope: Construct, id: string, props: GoldenAppProps) {
    super(scope, id);
    checkGoldenAppProps(props);
    const name = props.name;
    const namespace = (this.namespace = props.namespace ?? name);
    const l = props.labels ?? {};
    const instance = l.instance ?? name;
    const tag = props.image.includes('@') ? undefined : props.image.slice(props.image.lastIndexOf(':') + 1);
    const version = l.version ?? (tag && /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/.test(tag) ? tag : undefined);
    const labels = recommendedLabels({
      name, instance, version, component: l.component ?? D.component, partOf: l.partOf ?? name, managedBy: l.managedBy ?? D.managedBy, extra: l.extra,
    });
    const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': instance };
    const meta = (objectName: string, annotations?: Record<string, string>) => ({ name: objectName, namespace, labels, ...(annotations ? { annotations } : {}) });
    this.objectMeta = meta;
    const config = props.config ?? {};
    this.configKeys = new Set(Object.keys(config));
    const runAsUser = (this.runAsUser = props.runAsUser ?? D.runAsUser);
    const servicePort = props.servicePort ?? D.servicePort;
    const replicas = props.replicas ?? D.replicas;
    this.multiPod = props.autoscaling !== undefined || replicas > 1;
    const health = { ...D.health, ...props.health };
    const resources = { requests: props.resources?.requests ?? D.resources.requests, limits: props.resources?.limits ?? D.resources.limits };
    const metrics = props.metrics ? { port: props.metrics.port ?? props.port, path: props.metrics.path ?? D.metricsPath } : undefined;

    new C.namespace(this, 'namespace', {
      metadata: {
        name: namespace,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
        annotations: syncWave(-2),
      },
    });

    new C.serviceAccount(this, 'service-account', { metadata: meta(name, syncWave(-1)), automountServiceAccountToken: false });
    new C.configMap(this, 'config', { metadata: meta(name, syncWave(-1)), data: { ...config } });

    const sealed = props.sealedSecret;
    this.sealedName = sealed ? sealed.name ?? name : undefined;
    if (sealed) {
      new C.sealedSecret(this, 'sealed-secret', {
        name: sealed.name ?? name,
        namespace,
        scope: sealed.scope,
        encryptedData: sealed.encryptedData,
        labels,
        annotations: syncWave(-1),
      });
    }

    this.service = new C.service(this, 'service', {
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'http', port: servicePort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
          // A metrics port of its own is served too (the smoke test asks it there).
          ...(metrics && metrics.port !== props.port ? [{ name: 'metrics', port: metrics.port, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }] : []),
        ],
      },
    });

    const checksums: Record<string, string> = { 'checksum/config': sha256(stableJson(config)) };
    // A re-sealed value (rotation) changes the ciphertext, so the pods roll.
    if (sealed) checksums['checksum/secrets'] = sha256(stableJson(sealed.encryptedData));
    for (const [key, value] of Object.entries(props.checksums ?? {}).sort()) {
      if (key === 'config' || key === 'secrets') {
        throw new Error(`GoldenApp ${instance}: checksums.${key}: reserved for the ${key === 'config' ? 'ConfigMap' : 'SealedSecret'} checksum; pick another name`);
      }
      checksums[`checksum/${key}`] = value;
    }
    const podAnnotations: Record<string, string> = { ...checksums };
    this.podAnnotations = podAnnotations;
    if (metrics && props.metrics?.annotations !== false) {
      podAnnotations['prometheus.io/scrape'] = 'true';
      podAnnotations['prometheus.io/port'] = String(metrics.port);
      podAnnotations['prometheus.io/path'] = metrics.path;
    }

    const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: props.port, protocol: 'TCP' }];
    if (metrics && metrics.port !== props.port) ports.push({ name: 'metrics', containerPort: metrics.port, protocol: 'TCP' });

    if (props.portEnv) this.env.push({ name: props.portEnv, value: String(props.port) });
    // Variables read one by one from Secrets the app does not own (e.g. its database's): non-optional, so until
    // the Secret has every key the container waits in CreateContainerConfigError and then starts by itself
    // (envFrom would start it without them, and env never changes after start).
    for (const s of props.secretEnv ?? []) {
      for (const key of s.keys) this.env.push({ name: key, valueFrom: { secretKeyRef: { name: s.secretName, key } } });
    }
    const http = (path: string) => ({ path, port: k8s.IntOrString.fromString('http') });
    const startupPeriod = 5;
    const container: k8s.Container = {
      name,
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      ...(props.command ? { command: [...props.command] } : {}),
      ...(props.args ? { args: [...props.args] } : {}),
      ports,
      env: Lazy.any({ produce: () => (this.env.length > 0 ? this.env : undefined) }) as unknown as k8s.EnvVar[],
      envFrom: [{ configMapRef: { name } }, ...(sealed ? [{ secretRef: { name: sealed.name ?? name } }] : [])],
      resources: {
        requests: { cpu: k8s.Quantity.fromString(resources.requests.cpu), memory: k8s.Quantity.fromString(resources.requests.memory) },
        limits: { cpu: k8s.Quantity.fromString(resources.limits.cpu), memory: k8s.Quantity.fromString(resources.limits.memory) },
      },
      ...(health.startupSeconds > 0
        ? { startupProbe: { httpGet: http(health.liveness), periodSeconds: startupPeriod, timeoutSeconds: 3, failureThreshold: Math.ceil(health.startupSeconds / startupPeriod) } }
        : {}),
      livenessProbe: { httpGet: http(health.liveness), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readinessProbe: { httpGet: http(health.readiness), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      securityContext: restrictedContainer(runAsUser),
      volumeMounts: this.mounts,
    };

    const spread: k8s.TopologySpreadConstraint[] | undefined = props.spreadAcrossZones
      ? ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
          maxSkew: 1,
          topologyKey,
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: selector },
        }))
      : undefined;

    const envFrom = container.envFrom!;
    this.deployment = new C.deployment(this, 'deployment', {
      metadata: meta(name),
      spec: {
        ...(props.autoscaling ? {} : { replicas }),
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        // Recreate when a ReadWriteOnce claim is mounted (a surge pod on another node could never attach it).
        strategy: Lazy.any({ produce: () => (this.recreate
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } }) }) as unknown as k8s.DeploymentStrategy,
        template: {
          metadata: { labels, annotations: podAnnotations },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: { runAsNonRoot: true, runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: Lazy.any({ produce: () => (this.initContainers.length > 0 ? this.initContainers : undefined) }) as unknown as k8s.Container[],
            containers: [container],
            volumes: this.volumes,
            ...(spread ? { topologySpreadConstraints: spread } : {}),
          },
        },
      },
    });

    const minReplicas = props.autoscaling ? props.autoscaling.minReplicas : replicas;
    if (minReplicas > 1) {
      new C.podDisruptionBudget(this, 'pdb', {
        metadata: meta(name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    if (props.autoscaling) {
      new C.horizontalPodAutoscaler(this, 'hpa', {
        metadata: meta(name),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [{
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.cpuUtilization ?? D.cpuUtilization } },
          }],
        },
      });
    }

    new C.networkPolicy(this, 'default-deny', {
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const n = props.network ?? {};
    const nsSelector = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const ingressRules: k8s.NetworkPolicyIngressRule[] = [];
    if (n.ingressControllerNamespace) ingressRules.push({ from: [nsSelector(n.ingressControllerNamespace)], ports: [tcp(props.port)] });
    if (n.monitoringNamespace && metrics) ingressRules.push({ from: [nsSelector(n.monitoringNamespace)], ports: [tcp(metrics.port)] });
    if (n.allowFrom && n.allowFrom.length > 0) ingressRules.push({ from: n.allowFrom.map(nsSelector), ports: [tcp(props.port)] });
    const dns = n.dns ?? D.dns;
    const egressRules: k8s.NetworkPolicyEgressRule[] = [{
      to: [{ ...nsSelector(dns.namespace), podSelector: { matchLabels: { ...dns.podLabels } } }],
      ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(dns.port) }, { protocol: 'TCP', port: k8s.IntOrString.fromNumber(dns.port) }],
    }];
    for (const callee of n.allowTo ?? []) egressRules.push({ to: [nsSelector(callee.namespace)], ports: [tcp(callee.port)] });
    // Address ranges on a port (e.g. the database's subnets): ipBlocks, which a vcluster's syncer keeps verbatim.
    for (const e of n.egressCidrs ?? []) egressRules.push({ to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(e.port)] });
    if (n.internetEgress) egressRules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }], ports: [tcp(443)] });
    new C.networkPolicy(this, 'network-policy', {
      metadata: meta(name),
      spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'], ingress: ingressRules, egress: egressRules },
    });
    if (props.smokeTest) {
      new SmokeTest(this, 'smoke-test', {
        name, namespace, instance, labels, appSelector: selector, dnsEgress: egressRules[0], runAsUser, ...props.smokeTest,
        ports: { http: { service: servicePort, container: props.port }, ...(metrics && metrics.port !== props.port ? { metrics: { service: metrics.port, container: metrics.port } } : {}) },
      });
    }
    (this as { shared: SharedPod }).shared = {
      // The checksums only: the scrape annotations are the web pods' (the other workloads serve no metrics port).
      name, namespace, instance, labels, image: props.image, runAsUser, podAnnotations: { ...checksums }, envFrom, egress: egressRules,
      env: Lazy.any({ produce: () => (this.env.length > 0 ? this.env : undefined) }) as unknown as k8s.EnvVar[],
      resources,
      spreadAcrossZones: props.spreadAcrossZones ?? false,
    };

    if (props.ingress) {
      const ing = props.ingress;
      new C.ingress(this, 'ingress', {
        metadata: meta(name, ing.clusterIssuer ? { 'cert-manager.io/cluster-issuer': ing.clusterIssuer } : undefined),
        spec: {
          ...(ing.className ? { ingressClassName: ing.className } : {}),
          tls: [{ hosts: [ing.host], secretName: ing.tlsSecretName ?? `${name}-tls` }],
          rules: [{
            host: ing.host,
            http: { paths: [{ path: ing.path ?? '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] },
          }],
        },
      });
    }

    const byName = <T>(m: { readonly [name: string]: T } | undefined): [string, T][] => Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [volume, v] of byName(props.volumes)) {
      if (v.kind === 'emptyDir') this.addVolume({ name: volume, mountPath: v.mountPath, readOnly: false, source: { emptyDir: { sizeLimit: k8s.Quantity.fromString(v.sizeLimit ?? '1Gi') } } });
      else if (v.kind === 'configFiles') this.addConfigFiles({ name: volume, mountPath: v.mountPath, files: v.files });
      else if (v.kind === 'secretFiles') this.addSecretFiles({ name: volume, mountPath: v.mountPath, keys: v.keys });
      else this.addPersistentVolume({ name: volume, ...v });
    }
    const extra = (c: ExtraContainerSpec & { name: string }): GoldenAppContainer => ({
      name: c.name, image: c.image, ...(c.command ? { command: c.command } : {}), ...(c.args ? { args: c.args } : {}),
      resources: { requests: { ...c.resources }, limits: { ...c.resources } }, ...(c.env ? { env: c.env } : {}),
      ...(c.volumeMounts ? { volumeMounts: Object.entries(c.volumeMounts).map(([v, mountPath]) => ({ name: v, mountPath })) } : {}),
    });
    for (const [n, c] of byName(props.initContainers)) this.addInitContainer(extra({ ...c, name: n }));
    for (const [n, c] of byName(props.sidecars)) this.addSidecar(extra({ ...c, name: n }));
    for (const [workload, spec] of byName(props.workloads)) this.addWorkload(workload, spec);
  }

  /** Adds a workload besides the web one (a worker, a stateful set, a cron job or a job) sharing the app's image, config and secrets. */
  public addWorkload(name: string, workload: GoldenAppWorkload): void {
    addWorkload(this, name, workload);
  }

  /** Adds an environment variable to the app container (a value, or one key of a Secret). Names are unique, config's included. */
  public addEnv(name: string, value: string | { readonly secretKeyRef: { readonly name: string; readonly key: string } }): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`GoldenApp ${this.node.id}: addEnv: "${name}" is not an environment variable name`);
    if (this.env.some((e) => e.name === name) || this.configKeys.has(name)) throw new Error(`GoldenApp ${this.node.id}: addEnv: "${name}" is already set`);
    this.env.push(typeof value === 'string' ? { name, value } : { name, valueFrom: { secretKeyRef: { name: value.secretKeyRef.name, key: value.secretKeyRef.key } } });
  }

  /** Adds a volume to the pod and mounts it into the app container. Mount paths may not overlap; /tmp stays the app's scratch space. */
  public addVolume(volume: GoldenAppVolume): void {
    const where = `GoldenApp ${this.node.id}: addVolume ${volume.name}`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(volume.name)) throw new Error(`${where}: name: not a DNS label`);
    if (this.volumes.some((v) => v.name === volume.name)) throw new Error(`${where}: name: a volume of that name exists`);
    if (!volume.mountPath.startsWith('/')) throw new Error(`${where}: mountPath: "${volume.mountPath}" is not absolute`);
    const clash = this.mounts.find((m) => pathsOverlap(volume.mountPath, m.mountPath));
    if (clash) throw new Error(`${where}: mountPath: "${volume.mountPath}" overlaps "${clash.mountPath}" (volume ${clash.name})`);
    this.volumes.push({ name: volume.name, ...volume.source });
    this.mounts.push({ name: volume.name, mountPath: volume.mountPath, readOnly: volume.readOnly ?? true });
  }

  /** Writes files into a ConfigMap `<name>-<volume>` and mounts it read-only; its content joins the pod checksums (a change rolls the pods). */
  public addConfigFiles(volume: { readonly name: string; readonly mountPath: string; readonly files: { readonly [fileName: string]: string } }): void {
    const configMap = `${this.objectMetaName()}-${volume.name}`;
    new C.configMap(this, `files-${volume.name}`, { metadata: this.objectMeta(configMap, syncWave(-1)), data: { ...volume.files } });
    this.podAnnotations[`checksum/files-${volume.name}`] = sha256(stableJson(volume.files));
    this.addVolume({ name: volume.name, mountPath: volume.mountPath, source: { configMap: { name: configMap } } });
  }

  /** Mounts some of the SealedSecret's keys as files (one per key), read-only; the secrets' checksum already covers them. */
  public addSecretFiles(volume: { readonly name: string; readonly mountPath: string; readonly keys: readonly string[] }): void {
    if (!this.sealedName) throw new Error(`GoldenApp ${this.node.id}: addSecretFiles ${volume.name}: the app has no sealedSecret to take files from`);
    this.addVolume({ name: volume.name, mountPath: volume.mountPath, source: { secret: { secretName: this.sealedName, items: volume.keys.map((key) => ({ key, path: key })) } } });
  }

  /**
   * Creates a PersistentVolumeClaim `<name>-<volume>` and mounts it read-write. A ReadWriteOnce claim makes the Deployment roll out by
   * Recreate, and needs a single replica without autoscaling (pods on other nodes could not attach it).
   */
  public addPersistentVolume(volume: { readonly name: string; readonly mountPath: string; readonly size: string; readonly storageClass?: string; readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany' }): void {
    const accessMode = volume.accessMode ?? 'ReadWriteOnce';
    const claim = `${this.objectMetaName()}-${volume.name}`;
    if (accessMode === 'ReadWriteOnce' && this.multiPod) {
      throw new Error(`GoldenApp ${this.node.id}: addPersistentVolume ${volume.name}: accessMode: a ReadWriteOnce claim needs one replica and no autoscaling (pods on other nodes cannot attach it); use ReadWriteMany or a stateful workload`);
    }
    new C.persistentVolumeClaim(this, `pvc-${volume.name}`, {
      metadata: this.objectMeta(claim, syncWave(-1)),
      spec: {
        accessModes: [accessMode],
        ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(volume.size) } },
      },
    });
    if (accessMode === 'ReadWriteOnce') this.recreate = true;
    this.addVolume({ name: volume.name, mountPath: volume.mountPath, readOnly: false, source: { persistentVolumeClaim: { claimName: claim } } });
  }

  private objectMetaName(): string {
    return this.service.metadata.name!;
  }

  /** Adds a native sidecar (an init container with restartPolicy Always: it starts first and runs beside the app), PSS restricted. */
  public addSidecar(c: GoldenAppContainer): void {
    this.addPodContainer(c, 'addSidecar', true);
  }

  /** Adds an init container (runs to completion before the app starts), PSS restricted. */
  public addInitContainer(c: GoldenAppContainer): void {
    this.addPodContainer(c, 'addInitContainer', false);
  }

  private addPodContainer(c: GoldenAppContainer, method: string, sidecar: boolean): void {
    const where = `GoldenApp ${this.node.id}: ${method} ${c.name}`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(c.name) || c.name === this.node.id) throw new Error(`${where}: name: not a DNS label, or taken`);
    if (this.initContainers.some((x) => x.name === c.name)) throw new Error(`${where}: name: a container of that name exists`);
    for (const m of c.volumeMounts ?? []) if (!this.volumes.some((v) => v.name === m.name)) throw new Error(`${where}: volumeMounts: no volume "${m.name}" (add it with addVolume)`);
    this.initContainers.push({
      name: c.name,
      image: c.image,
      ...(c.command ? { command: [...c.command] } : {}),
      ...(c.args ? { args: [...c.args] } : {}),
      ...(sidecar ? { restartPolicy: 'Always' } : {}),
      ...(c.env ? { env: Object.entries(c.env).map(([name, value]) => ({ name, value })) } : {}),
      resources: {
        requests: { cpu: k8s.Quantity.fromString(c.resources.requests.cpu), memory: k8s.Quantity.fromString(c.resources.requests.memory) },
        limits: { cpu: k8s.Quantity.fromString(c.resources.limits.cpu), memory: k8s.Quantity.fromString(c.resources.limits.memory) },
      },
      securityContext: restrictedContainer(this.runAsUser),
      ...(c.volumeMounts ? { volumeMounts: c.volumeMounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.readOnly ?? true })) } : {}),
    });
  }
}

