/**
 * Services select pods and reach declared container ports; Ingress backends are existing Service ports.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { defineRule, describeObject, ManifestObject, PolicyFinding, podSpecOf, Rule } from '../../engine';
import { byScope, scopeOf } from '../objects';
import { arr, fmtLabels, isObj, ns, services, subset, workloads } from './objects';

/** The workloads a Service selects (undefined when it has no selector). */
function selectedBy(svc: ManifestObject, all: Map<string, ManifestObject[]>): { m: ManifestObject; labels: { [k: string]: string } }[] | undefined {
  const spec = svc.object.spec as any;
  if (!isObj(spec?.selector) || Object.keys(spec.selector).length === 0 || spec.type === 'ExternalName') return undefined;
  return workloads(all.get(scopeOf(svc)) ?? []).filter((w) => subset(spec.selector, w.labels));
}

const selectsPods: Rule = defineRule({
  id: 'services/selects-pods',
  severity: 'error',
  reason: 'a Service selector must match the pod template labels of a workload in its namespace',
  explain:
    'A Service with a selector routes to the pods whose labels contain every selector label. When no Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of its namespace has pod template labels matching, the Service has no endpoints and every request fails. Fix the selector or the pod template labels.',
  check(ctx, report) {
    const all = byScope(ctx.objects);
    const out: PolicyFinding[] = [];
    for (const svc of services(ctx)) {
      const sel = selectedBy(svc, all);
      if (sel && sel.length === 0) {
        out.push(report(svc, 'spec.selector',
          `selects no pods: no workload in namespace ${ns(svc)} has pod template labels ${fmtLabels((svc.object.spec as any).selector)}`));
      }
    }
    return out;
  },
});

const targetPorts: Rule = defineRule({
  id: 'services/target-ports',
  severity: 'error',
  reason: 'each Service targetPort must be a container port (by name or number) of the selected pods',
  explain:
    'Each port of a Service forwards to its targetPort (default: port) on the selected pods. A named targetPort must be the name of a container port and a numeric one the containerPort of a container of every selected workload; otherwise traffic goes nowhere. Fix the Service port or declare the container port.',
  check(ctx, report) {
    const all = byScope(ctx.objects);
    const out: PolicyFinding[] = [];
    for (const svc of services(ctx)) {
      const sel = selectedBy(svc, all);
      if (!sel || sel.length === 0) continue;
      arr((svc.object.spec as any).ports).forEach((p: any, i: number) => {
        const target = p?.targetPort ?? p?.port;
        const path = `spec.ports[${i}].${p?.targetPort !== undefined ? 'targetPort' : 'port'}`;
        for (const w of sel) {
          const ports = arr(podSpecOf(w.m.object)?.spec.containers).flatMap((c: any) => arr(c?.ports));
          const ok = typeof target === 'number'
            ? ports.some((cp: any) => cp?.containerPort === target)
            : ports.some((cp: any) => cp?.name === target);
          if (!ok) {
            const declared = ports.map((cp: any) => (cp?.name ? `${cp.name}/${cp.containerPort}` : `${cp?.containerPort}`)).join(', ') || 'none';
            out.push(report(svc, path,
              `targetPort ${JSON.stringify(target)} is not a container port of ${describeObject(w.m.object)}; expected one of its container ports (${declared})`));
            break;
          }
        }
      });
    }
    return out;
  },
});

// ingress/backend-exists

const ingressBackendExists: Rule = defineRule({
  id: 'ingress/backend-exists',
  severity: 'error',
  reason: 'every Ingress backend must be an existing Service of the namespace with that port',
  explain:
    'Each backend of an Ingress (defaultBackend and every rule path) names a Service of the Ingress namespace and one of its ports, by name or number. A missing Service or port makes the controller answer 503. Fix the backend or add the Service port.',
  check(ctx, report) {
    const all = byScope(ctx.objects);
    const out: PolicyFinding[] = [];
    for (const ing of ctx.objects.filter((m) => m.object.kind === 'Ingress')) {
      const spec = ing.object.spec as any;
      const backends: { path: string; b: any }[] = [];
      if (spec?.defaultBackend) backends.push({ path: 'spec.defaultBackend', b: spec.defaultBackend });
      if (spec?.backend) backends.push({ path: 'spec.backend', b: spec.backend });
      arr(spec?.rules).forEach((r: any, i: number) => arr(r?.http?.paths).forEach((p: any, j: number) => {
        if (p?.backend) backends.push({ path: `spec.rules[${i}].http.paths[${j}].backend`, b: p.backend });
      }));
      const svcs = (all.get(scopeOf(ing)) ?? []).filter((m) => m.object.kind === 'Service');
      for (const { path, b } of backends) {
        // networking.k8s.io/v1: service {name, port {name|number}}; v1beta1: serviceName, servicePort.
        const v1 = isObj(b.service);
        const name = v1 ? b.service.name : b.serviceName;
        if (name === undefined) continue; // resource backend
        const port = v1 ? (b.service.port?.name ?? b.service.port?.number) : b.servicePort;
        const svc = svcs.find((m) => m.object.metadata?.name === name);
        if (!svc) {
          out.push(report(ing, v1 ? `${path}.service.name` : `${path}.serviceName`,
            `Service ${JSON.stringify(name)} does not exist in namespace ${ns(ing)}; expected an existing Service`));
          continue;
        }
        const ports = arr((svc.object.spec as any)?.ports);
        const ok = typeof port === 'number' ? ports.some((p: any) => p?.port === port) : ports.some((p: any) => p?.name === port);
        if (!ok) {
          const declared = ports.map((p: any) => (p?.name ? `${p.name}/${p.port}` : `${p?.port}`)).join(', ') || 'none';
          out.push(report(ing, v1 ? `${path}.service.port` : `${path}.servicePort`,
            `port ${JSON.stringify(port)} is not a port of Service ${JSON.stringify(name)}; expected one of ${declared}`));
        }
      }
    }
    return out;
  },
});

export const serviceRules: Rule[] = [selectsPods, targetPorts, ingressBackendExists];
