import { createHash } from 'node:crypto';
import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WorkloadProbe, WorkloadSpec } from '../model/workloads';
import { GOLDEN_APP_CONSTRUCTS as C } from './golden-app-kinds';
import { restrictedContainer } from './golden-app-pod';
import { SMOKE_TEST_NAME } from '../model/smoke-test';
import type { GoldenAppResources } from './golden-app-props';

/**
 * The golden app's workloads besides the web one (GoldenApp.addWorkload): a `worker` Deployment (no
 * Service), a `stateful` StatefulSet (volume claims, a headless Service), a `cron` CronJob and a `job`
 * Job (an Argo CD sync hook, or a plain Job named after a hash of its spec, since a Job's pod template is
 * immutable and Argo CD could not update it in place). Each pod shares the web pod's image, ConfigMap,
 * SealedSecret and secret variables, runs PSS restricted as the same user, and gets its own selector
 * (`app.kubernetes.io/name: <app>-<workload>`: the web Service must not select it) and a NetworkPolicy
 * with the app's egress (the namespace's default-deny covers its ingress).
 */

/** A workload as the construct takes it: the model's spec, with the resources optional (default: the app's). */
export type GoldenAppWorkload = (WorkloadSpec extends infer T ? (T extends unknown ? Omit<T, 'resources'> : never) : never) & {
  /** @default the app's resources */
  readonly resources?: GoldenAppResources | { readonly cpu: string; readonly memory: string };
  /** A cron job's `suspend`. @default false */
  readonly suspend?: boolean;
};

/** What a workload's pod shares with the web pod (set by the GoldenApp constructor). */
export interface SharedPod {
  readonly name: string;
  readonly namespace: string;
  readonly instance: string;
  readonly labels: { readonly [key: string]: string };
  readonly image: string;
  readonly runAsUser: number;
  readonly podAnnotations: { readonly [key: string]: string };
  readonly envFrom: k8s.EnvFromSource[];
  readonly env: k8s.EnvVar[];
  readonly egress: k8s.NetworkPolicyEgressRule[];
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  /** Spread long-running pods over zones and nodes (the app's `spreadAcrossZones`). */
  readonly spreadAcrossZones: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Builds one workload's objects in `scope` (a GoldenApp). */
export function addWorkload(scope: Construct & { readonly shared: SharedPod }, workload: string, w: GoldenAppWorkload): void {
  const s = scope.shared;
  const where = `GoldenApp ${s.instance}: workloads.${workload}`;
  if (!DNS_LABEL.test(workload) || workload === 'web' || workload === SMOKE_TEST_NAME) throw new Error(`${where}: not a DNS label, or "web" (the app itself) or "${SMOKE_TEST_NAME}" (its smoke test)`);
  const objectName = `${s.name}-${workload}`;
  if (objectName.length > 52) throw new Error(`${where}: "${objectName}" is longer than 52 characters (a CronJob's name limit)`);
  const selector = { 'app.kubernetes.io/name': objectName, 'app.kubernetes.io/instance': s.instance };
  const labels = { ...s.labels, ...selector, 'app.kubernetes.io/component': workload };
  const meta = (annotations?: Record<string, string>) => ({ name: objectName, namespace: s.namespace, labels, ...(annotations ? { annotations } : {}) });
  const r = w.resources && 'cpu' in w.resources
    ? { requests: { cpu: w.resources.cpu, memory: w.resources.memory }, limits: { cpu: w.resources.cpu, memory: w.resources.memory } }
    : { requests: w.resources?.requests ?? s.resources.requests, limits: w.resources?.limits ?? s.resources.limits };
  const q = (x: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(x.cpu), memory: k8s.Quantity.fromString(x.memory) });
  const mounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const ports: k8s.ContainerPort[] = [];
  const container: k8s.Container = {
    name: workload,
    image: s.image,
    imagePullPolicy: 'IfNotPresent',
    ...(w.command ? { command: [...w.command] } : {}),
    ...(w.args ? { args: [...w.args] } : {}),
    ports: Lazy.any({ produce: () => (ports.length > 0 ? ports : undefined) }) as unknown as k8s.ContainerPort[],
    env: s.env,
    envFrom: s.envFrom,
    resources: { requests: q(r.requests), limits: q(r.limits) },
    securityContext: restrictedContainer(s.runAsUser),
    volumeMounts: mounts,
  };
  // A PreSync hook runs before the sync applies anything: at the first sync the app's ServiceAccount, ConfigMap
  // and SealedSecret do not exist yet (the hook would wait for them forever), later it sees their previous
  // versions. So it runs as the namespace's default account (no token either way) with those refs optional.
  const preSync = w.kind === 'job' && w.hook === 'PreSync';
  if (preSync) (container as { envFrom?: k8s.EnvFromSource[] }).envFrom = s.envFrom.map((e) => (e.configMapRef ? { configMapRef: { ...e.configMapRef, optional: true } } : { secretRef: { ...e.secretRef!, optional: true } }));
  const spread = (): Pick<k8s.PodSpec, 'topologySpreadConstraints'> => (s.spreadAcrossZones
    ? { topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } })) }
    : {});
  const pod = (restartPolicy?: string): k8s.PodTemplateSpec => ({
    metadata: { labels, annotations: { ...s.podAnnotations } },
    spec: {
      ...(preSync ? {} : { serviceAccountName: s.name }),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      ...(restartPolicy ? { restartPolicy } : {}),
      securityContext: { runAsNonRoot: true, runAsUser: s.runAsUser, runAsGroup: s.runAsUser, fsGroup: s.runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [container],
      volumes: [{ name: 'tmp', emptyDir: {} }],
      // Long-running pods only: a job's run is one pod.
      ...(restartPolicy ? {} : spread()),
    },
  });
  const ingress: k8s.NetworkPolicyIngressRule[] = [];
  const id = (what: string) => `${workload}-${what}`;

  switch (w.kind) {
    case 'worker': {
      const probe = (p: WorkloadProbe, period: number) => ({ ...probeAction(p, ports), periodSeconds: period, timeoutSeconds: 3, failureThreshold: 3 });
      Object.assign(container, { livenessProbe: probe(w.health.liveness, 10), readinessProbe: probe(w.health.readiness, 5) });
      const replicas = w.replicas ?? 1;
      const a = w.autoscaling;
      new C.deployment(scope, id('deployment'), {
        metadata: meta(),
        spec: {
          ...(a ? {} : { replicas }),
          revisionHistoryLimit: 5,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          template: pod(),
        },
      });
      if (a) {
        new C.horizontalPodAutoscaler(scope, id('hpa'), {
          metadata: meta(),
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: objectName },
            minReplicas: a.minReplicas ?? 1,
            maxReplicas: a.maxReplicas,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilization ?? 70 } } }],
          },
        });
      }
      pdb(scope, id('pdb'), meta(), selector, a ? a.minReplicas ?? 1 : replicas);
      break;
    }
    case 'stateful': {
      const port = w.port;
      ports.push({ name: 'http', containerPort: port, protocol: 'TCP' });
      const http = (path: string) => ({ httpGet: { path, port: k8s.IntOrString.fromString('http') } });
      Object.assign(container, {
        livenessProbe: { ...http(w.health.liveness), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
        readinessProbe: { ...http(w.health.readiness), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      });
      const volumes = Object.entries(w.volumes).sort(([a], [b]) => (a < b ? -1 : 1));
      for (const [v, spec] of volumes) mounts.push({ name: v, mountPath: spec.mountPath });
      new C.service(scope, id('service'), {
        metadata: meta(),
        spec: { clusterIp: 'None', selector, ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }] },
      });
      const replicas = w.replicas ?? 1;
      new C.statefulSet(scope, id('statefulset'), {
        metadata: meta(),
        spec: {
          serviceName: objectName,
          replicas,
          selector: { matchLabels: selector },
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate' },
          template: pod(),
          volumeClaimTemplates: volumes.map(([v, spec]) => ({
            metadata: { name: v, labels: selector },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(spec.storageClass ? { storageClassName: spec.storageClass } : {}),
              resources: { requests: { storage: k8s.Quantity.fromString(spec.size) } },
            },
          })),
        },
      });
      pdb(scope, id('pdb'), meta(), selector, replicas);
      // Its replicas talk to each other on its port.
      ingress.push({ from: [{ podSelector: { matchLabels: selector } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }] });
      break;
    }
    case 'cron': {
      new C.cronJob(scope, id('cronjob'), {
        metadata: meta(),
        spec: {
          schedule: w.schedule,
          ...(w.timeZone ? { timeZone: w.timeZone } : {}),
          concurrencyPolicy: w.concurrencyPolicy ?? 'Forbid',
          ...(w.suspend ? { suspend: true } : {}),
          successfulJobsHistoryLimit: w.successfulJobsHistoryLimit ?? 3,
          failedJobsHistoryLimit: w.failedJobsHistoryLimit ?? 1,
          jobTemplate: {
            spec: {
              backoffLimit: w.backoffLimit ?? 2,
              ...(w.activeDeadlineSeconds ? { activeDeadlineSeconds: w.activeDeadlineSeconds } : {}),
              template: pod('Never'),
            },
          },
        },
      });
      break;
    }
    case 'job': {
      const spec = {
        backoffLimit: w.backoffLimit ?? 2,
        ...(w.activeDeadlineSeconds ? { activeDeadlineSeconds: w.activeDeadlineSeconds } : {}),
        template: pod('Never'),
      };
      const hook = w.hook
        ? { 'argocd.argoproj.io/hook': w.hook, 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' }
        : undefined;
      // A plain Job is immutable once created: name it after what it runs, so a change is a new Job (the old one is pruned).
      const digest = createHash('sha256').update(JSON.stringify([s.image, w.command, w.args, s.podAnnotations])).digest('hex').slice(0, 8);
      new C.job(scope, id('job'), { metadata: { ...meta(hook), ...(hook ? {} : { name: `${objectName}-${digest}` }) }, spec });
      break;
    }
    default:
      throw new Error(`${where}: kind: "${(w as { kind: string }).kind}" is not a workload kind; allowed: worker, stateful, cron, job`);
  }

  new C.networkPolicy(scope, id('network-policy'), {
    metadata: meta(),
    spec: { podSelector: { matchLabels: selector }, policyTypes: ['Ingress', 'Egress'], ingress, egress: s.egress },
  });
}

/** A probe's action: a command, or an HTTP GET on a port (declared on the container, named `health`). */
function probeAction(p: WorkloadProbe, ports: k8s.ContainerPort[]): Pick<k8s.Probe, 'exec' | 'httpGet'> {
  if ('command' in p) return { exec: { command: [...p.command] } };
  if (!ports.some((x) => x.containerPort === p.httpGet.port)) ports.push({ name: ports.length === 0 ? 'health' : `health-${ports.length}`, containerPort: p.httpGet.port, protocol: 'TCP' });
  return { httpGet: { path: p.httpGet.path, port: k8s.IntOrString.fromNumber(p.httpGet.port) } };
}

/** A PodDisruptionBudget for more than one replica (one pod may be evicted at a time). */
function pdb(scope: Construct, id: string, metadata: k8s.ObjectMeta, selector: Record<string, string>, replicas: number): void {
  if (replicas <= 1) return;
  new C.podDisruptionBudget(scope, id, { metadata, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } } });
}
