import { Construct } from 'constructs';
import { SealedSecret as SealedSecretObject } from '../../imports/bitnami.com';
import { SealScope, scopeAnnotations } from '../model';

export { scopeAnnotations };

/** Props of {@link SealedSecret}. */
export interface SealedSecretProps {
  /** Name of the SealedSecret and of the Secret the controller unseals it to. */
  readonly name: string;
  /** Namespace (strict and namespace-wide scopes are bound to it). */
  readonly namespace: string;
  /** The scope every value was sealed with. */
  readonly scope: SealScope;
  /** KEY -> kubeseal ciphertext. */
  readonly encryptedData: { readonly [key: string]: string };
  /**
   * Labels of the SealedSecret and of the Secret.
   * @default {}
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * Annotations of the SealedSecret only (e.g. an Argo CD sync wave).
   * @default {}
   */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * Secret type.
   * @default 'Opaque'
   */
  readonly type?: string;
}

/**
 * A Bitnami SealedSecret (bitnami.com/v1alpha1). The scope annotation sits on the top-level
 * metadata, which is what the controller reads to build the decryption label, and is repeated in
 * the template metadata as kubeseal does; the template carries the Secret's name, namespace, labels
 * and type.
 */
export class SealedSecret extends Construct {
  /** The group/version/kind of the object it emits. */
  public static readonly GVK = SealedSecretObject.GVK;

  constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    const keys = Object.keys(props.encryptedData);
    if (keys.length === 0) throw new Error(`SealedSecret ${props.namespace}/${props.name}: encryptedData: needs at least one key`);
    for (const key of keys) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) throw new Error(`SealedSecret ${props.namespace}/${props.name}: encryptedData.${key}: not a valid Secret key`);
    }
    const scoped = scopeAnnotations(props.scope);
    const labels = { ...(props.labels ?? {}) };
    const sorted = Object.fromEntries(keys.sort().map((k) => [k, props.encryptedData[k]]));
    new SealedSecretObject(this, 'resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels,
        annotations: { ...(props.annotations ?? {}), ...scoped },
      },
      spec: {
        encryptedData: sorted,
        template: {
          type: props.type ?? 'Opaque',
          metadata: {
            name: props.name,
            namespace: props.namespace,
            labels,
            ...(Object.keys(scoped).length ? { annotations: scoped } : {}),
          },
        },
      },
    });
  }
}
