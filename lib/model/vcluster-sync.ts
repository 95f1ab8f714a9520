import { createHash } from 'node:crypto';
import { VCLUSTER_POD_LABELS } from './vcluster-network';

/**
 * What the host sees of an object the vcluster syncs into its host namespace (loft-sh/vcluster @ v0.36.1,
 * single-namespace mode, the only one of open-source vcluster): its name and its labels. Pure. Host-side objects
 * that must find synced ones (a ServiceMonitor selecting a Service, an alert naming a PodDisruptionBudget) are
 * written against these, never against the names and labels inside the vcluster.
 *
 * - Names: `translate.Default.HostName` = `SingleNamespaceHostName(name, namespace, VClusterName)` =
 *   `SafeConcatName(name, "x", namespace, "x", VClusterName)` (pkg/util/translate/single_namespace.go), used by the
 *   Service mapper (pkg/mappings/resources/services.go `CreateServiceMapper`), the PodDisruptionBudget syncer
 *   (pkg/controllers/resources/poddisruptionbudgets/syncer.go `generic.NewMapper(..., translate.Default.HostName)`)
 *   and the pods'. `VClusterName` is the vcluster's name, our Helm release `<env>-<region>`.
 * - Labels: `translate.HostMetadata` -> `HostLabels` -> `HostLabelsMap(vLabels, nil, vNamespace, isMetadata=true)`
 *   (pkg/util/translate/translate.go, labels.go): every label is kept as is, except the keys of
 *   `LabelsToTranslate()` (`release` and the syncer's own `vcluster.loft.sh/namespace`, `managed-by`,
 *   `controlled-by`), which become `vcluster.loft.sh/label-<vcluster>-x-<sha256(key)[:10]>`, and labels already
 *   in that translated form, which are dropped; then the marker `vcluster.loft.sh/managed-by: <vcluster>` and
 *   `vcluster.loft.sh/namespace: <virtual namespace>` are added. Services (services/translate.go `translate`) and
 *   PodDisruptionBudgets (poddisruptionbudgets/translate.go) are synced through exactly that.
 */

/** The label the syncer puts on every synced object: the virtual namespace it came from (translate.NamespaceLabel). */
export const VCLUSTER_NAMESPACE_LABEL = 'vcluster.loft.sh/namespace';
/** translate.ControllerLabel. */
const CONTROLLER_LABEL = 'vcluster.loft.sh/controlled-by';
/** translate.LabelPrefix: the prefix of a translated label's key. */
const LABEL_PREFIX = 'vcluster.loft.sh/label';
/** `singleNamespace.LabelsToTranslate()`: VClusterReleaseLabel, NamespaceLabel, MarkerLabel, ControllerLabel. */
const LABELS_TO_TRANSLATE = ['release', VCLUSTER_NAMESPACE_LABEL, VCLUSTER_POD_LABELS.marker, CONTROLLER_LABEL] as const;

/**
 * `translate.SafeConcatName`: the parts joined with "-"; past 63 characters, the first 52 and "-" and the first 10
 * hex digits of the whole string's sha256, with ".-" turned into "-".
 */
export function safeConcatName(...parts: readonly string[]): string {
  const full = parts.join('-');
  if (full.length <= 63) return full;
  const digest = createHash('sha256').update(full).digest('hex');
  return `${full.slice(0, 52)}-${digest.slice(0, 10)}`.replaceAll('.-', '-');
}

/** The host name of object `name` of virtual namespace `namespace` synced by vcluster `vcluster`. */
export function hostObjectName(name: string, namespace: string, vcluster: string): string {
  return safeConcatName(name, 'x', namespace, 'x', vcluster);
}

/** `convertLabelKeyWithPrefix(LabelPrefix, key)`: a translated label key. */
export function translatedLabelKey(key: string, vcluster: string): string {
  return safeConcatName(LABEL_PREFIX, vcluster, 'x', createHash('sha256').update(key).digest('hex').slice(0, 10));
}

/** The labels a synced object of virtual namespace `namespace` carries on the host (`HostLabelsMap` with isMetadata). */
export function hostObjectLabels(labels: { readonly [key: string]: string }, namespace: string, vcluster: string): Record<string, string> {
  const translated = new Set<string>(LABELS_TO_TRANSLATE.map((k) => translatedLabelKey(k, vcluster)));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (translated.has(k)) continue;
    out[(LABELS_TO_TRANSLATE as readonly string[]).includes(k) ? translatedLabelKey(k, vcluster) : k] = v;
  }
  out[VCLUSTER_POD_LABELS.marker] = vcluster;
  out[VCLUSTER_NAMESPACE_LABEL] = namespace;
  return out;
}
