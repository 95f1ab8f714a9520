/** The Argo CD sync wave annotation (the one helper: the golden app and the control plane use it). */
export function syncWave(wave: number): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(wave) };
}
