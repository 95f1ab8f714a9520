import type { AppInstance } from '../model';

/** The Kubernetes recommended labels (app.kubernetes.io/*) and extra ones: the one home of an app's object labels. */
export function recommendedLabels(l: {
  readonly name: string; readonly instance: string; readonly version?: string; readonly component: string;
  readonly partOf: string; readonly managedBy: string; readonly extra?: { readonly [key: string]: string };
}): Record<string, string> {
  return {
    'app.kubernetes.io/name': l.name,
    'app.kubernetes.io/instance': l.instance,
    ...(l.version ? { 'app.kubernetes.io/version': l.version } : {}),
    'app.kubernetes.io/component': l.component,
    'app.kubernetes.io/part-of': l.partOf,
    'app.kubernetes.io/managed-by': l.managedBy,
    ...l.extra,
  };
}

/** The platform's labels of an app instance (team, env, region under its label domain). */
export function platformLabels(i: AppInstance): Record<string, string> {
  return { [`${i.labelDomain}/team`]: i.team, [`${i.labelDomain}/env`]: i.env, [`${i.labelDomain}/region`]: i.region };
}

/**
 * The labels of an app instance's objects, as the golden app gives them (lib/synth/golden-app-props.ts maps the
 * same onto its props): for the instance's host-side objects (monitoring, routes).
 */
export function instanceLabels(i: AppInstance): Record<string, string> {
  return recommendedLabels({ name: i.app, instance: i.instance, version: i.version, component: i.component, partOf: i.partOf, managedBy: i.managedBy, extra: platformLabels(i) });
}

/** The Argo CD sync wave annotation (the one helper: the golden app and the control plane use it). */
export function syncWave(wave: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(wave) };
}
