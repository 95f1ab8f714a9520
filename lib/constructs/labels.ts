import type { AppInstance } from '../model';

/**
 * The labels of an app instance's objects: the Kubernetes recommended labels plus the platform's
 * team/env/region. The golden app computes the same from its props (lib/synth/golden-app-props.ts maps
 * an instance onto them); this is for the instance's host-side objects (monitoring, routes).
 */
export function instanceLabels(i: AppInstance): Record<string, string> {
  return {
    'app.kubernetes.io/name': i.app,
    'app.kubernetes.io/instance': i.instance,
    'app.kubernetes.io/version': i.version,
    'app.kubernetes.io/component': i.component,
    'app.kubernetes.io/part-of': i.partOf,
    'app.kubernetes.io/managed-by': i.managedBy,
    [`${i.labelDomain}/team`]: i.team,
    [`${i.labelDomain}/env`]: i.env,
    [`${i.labelDomain}/region`]: i.region,
  };
}

/** The Argo CD sync wave annotation (the one helper: the golden app and the control plane use it). */
export function syncWave(wave: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(wave) };
}
