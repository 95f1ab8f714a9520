import { createHash } from 'node:crypto';

/**
 * How the vcluster syncer names, in its host namespace, the namespaced objects it syncs from inside
 * (loft-sh/vcluster v0.36.1). Pure (a hash, no I/O).
 *
 * With `sync.toHost.namespaces` off (our vclusters), pkg/setup/config/config.go sets
 * `translate.Default = translate.NewSingleNamespaceTranslator(hostNamespace)` and `translate.VClusterName`
 * to the vcluster's name (the Helm release, `<env>-<region>`); pkg/util/translate/single_namespace.go
 * `HostName` returns `SingleNamespaceHostName(vName, vNamespace, VClusterName)` =
 * `SafeConcatName(name, "x", namespace, "x", vcluster)` in the host namespace.
 */

/**
 * pkg/util/translate/translate.go `SafeConcatName` @ v0.36.1: the parts joined with "-"; past 63
 * characters, the first 52 characters, "-" and the first 10 hex digits of the SHA-256 of the whole
 * joined name, with any ".-" replaced by "-".
 */
export function safeConcatName(...parts: string[]): string {
  const full = parts.join('-');
  if (full.length <= 63) return full;
  const digest = createHash('sha256').update(full).digest('hex').slice(0, 10);
  return `${full.slice(0, 52)}-${digest}`.split('.-').join('-');
}

/** The host name of object `name` of namespace `namespace` inside vcluster `vcluster`: `<name>-x-<namespace>-x-<vcluster>` (hashed past 63 characters). */
export const vclusterHostName = (name: string, namespace: string, vcluster: string): string => safeConcatName(name, 'x', namespace, 'x', vcluster);
