import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';

/* The golden app's pod pieces: the types of its mutators' arguments and the helpers they share. */

/** A volume mounted into the app container ({@link GoldenApp.addVolume}). */
export interface GoldenAppVolume {
  /** The volume's name in the pod (a DNS label; not `tmp`). */
  readonly name: string;
  /** Where the app container sees it (absolute; not `/tmp` or below, not inside or around another mount). */
  readonly mountPath: string;
  /** @default true */
  readonly readOnly?: boolean;
  /** Where its files come from (a Kubernetes volume source: emptyDir, configMap, secret, persistentVolumeClaim, ...). */
  readonly source: Omit<k8s.Volume, 'name'>;
}

/** A container running next to the app ({@link GoldenApp.addSidecar}, {@link GoldenApp.addInitContainer}). */
export interface GoldenAppContainer {
  /** A DNS label, unique in the pod. */
  readonly name: string;
  readonly image: string;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default the image's command */
  readonly args?: readonly string[];
  /** Required: every container of the pod has requests and limits. */
  readonly resources: { readonly requests: { readonly cpu: string; readonly memory: string }; readonly limits: { readonly cpu: string; readonly memory: string } };
  /** @default none */
  readonly env?: { readonly [name: string]: string };
  /** Mounts of the pod's volumes (added with addVolume, or `tmp`). @default none */
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
}


/** The container security context of Pod Security `restricted`, read-only root, as the given user. */
export function restrictedContainer(runAsUser: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** JSON with sorted keys, so the checksum does not depend on key order. */
export function stableJson(obj: { readonly [key: string]: string }): string {
  return JSON.stringify(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}
