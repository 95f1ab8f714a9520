import type { GoldenAppProps } from '../constructs/golden-app-props';
import { platformLabels } from '../constructs/labels';
import { AppInstance, CONNECTION_KEYS, connectionSecretName, VCLUSTER_DNS } from '../model';

/**
 * A resolved app instance as the golden app's props: the one place the repository's decisions (resolve())
 * meet the construct's own API. Everything is explicit here, so the construct's defaults never decide an
 * instance: its labels carry the platform's team/env/region, its DNS is the vcluster's CoreDNS, its
 * database's connection Secret is read key by key.
 */
export function goldenAppPropsOf(i: AppInstance): GoldenAppProps {
  return {
    name: i.app,
    namespace: i.namespace,
    image: i.image.ref,
    port: i.port,
    servicePort: i.servicePort,
    ...(i.portEnv ? { portEnv: i.portEnv } : {}),
    replicas: i.replicas,
    ...(i.autoscaling ? { autoscaling: { ...i.autoscaling } } : {}),
    resources: { requests: { ...i.resources.requests }, limits: { ...i.resources.limits } },
    health: { ...i.health },
    ...(i.command ? { command: i.command } : {}),
    ...(i.args ? { args: i.args } : {}),
    config: i.config,
    labels: {
      instance: i.instance,
      version: i.version,
      component: i.component,
      partOf: i.partOf,
      managedBy: i.managedBy,
      extra: platformLabels(i),
    },
    runAsUser: i.runAsUser,
    spreadAcrossZones: i.spreadAcrossZones,
    ...(i.sealedSecret ? { sealedSecret: { name: i.sealedSecret.name, scope: i.sealedSecret.scope, encryptedData: i.sealedSecret.data } } : {}),
    ...(i.database ? { secretEnv: [{ secretName: connectionSecretName(i.app), keys: CONNECTION_KEYS }] } : {}),
    network: {
      ...(i.network.ingressControllerNamespace ? { ingressControllerNamespace: i.network.ingressControllerNamespace } : {}),
      ...(i.network.monitoringNamespace ? { monitoringNamespace: i.network.monitoringNamespace } : {}),
      allowFrom: i.network.allowFrom,
      allowTo: i.network.allowTo.map((c) => ({ namespace: c.app, port: c.port })),
      internetEgress: i.network.internetEgress,
      ...(i.network.database ? { egressCidrs: [{ cidrs: i.network.database.cidrs, port: i.network.database.port }] } : {}),
      // The vcluster's CoreDNS, as the host sees it after the syncer's translation (VCLUSTER_DNS).
      dns: { namespace: VCLUSTER_DNS.namespace, podLabels: { ...VCLUSTER_DNS.podLabels }, port: VCLUSTER_DNS.port },
    },
    ...(i.ingress ? { ingress: { ...i.ingress } } : {}),
    // Scrape annotations only where no ServiceMonitor/PodMonitor does the job (the host's kube-prometheus-stack).
    ...(i.metrics ? { metrics: { port: i.metrics.port, path: i.metrics.path, annotations: i.metrics.via === 'annotations' } } : {}),
    ...(i.volumes.length > 0 ? { volumes: Object.fromEntries(i.volumes.map(({ name, ...v }) => [name, v])) } : {}),
    ...(i.sidecars.length > 0 ? { sidecars: Object.fromEntries(i.sidecars.map(({ name, ...c }) => [name, c])) } : {}),
    ...(i.initContainers.length > 0 ? { initContainers: Object.fromEntries(i.initContainers.map(({ name, ...c }) => [name, c])) } : {}),
    ...(i.workloads.length > 0 ? { workloads: Object.fromEntries(i.workloads.map(({ name, ...w }) => [name, w])) } : {}),
    ...(i.smokeTest ? { smokeTest: { checks: i.smokeTest.checks, timeoutSeconds: i.smokeTest.timeoutSeconds, image: i.smokeTest.image } } : {}),
  };
}
