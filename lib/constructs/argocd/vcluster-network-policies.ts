import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import {
  ControlPlane, ControlPlaneEnv, ControlPlaneRegion, HostNetworkPolicy, VclusterNetworkPolicy, VclusterNetworkPort, vclusterHostNetworkPolicies,
} from '../../model';
import { vclusterLabels } from './common';

/** Props of {@link VclusterNetworkPolicies}. */
export interface VclusterNetworkPoliciesProps {
  /** The control plane. */
  readonly controlPlane: ControlPlane;
  /** The environment. */
  readonly env: ControlPlaneEnv;
  /** The region whose vcluster they isolate. */
  readonly region: ControlPlaneRegion;
  /** The vcluster's `policies.networkPolicy` values (Vcluster.networkPolicy). @default none: no policies */
  readonly networkPolicy?: VclusterNetworkPolicy;
}

/**
 * The NetworkPolicies of a vcluster's host namespace (lib/model/vcluster-network.ts): the chart's
 * control-plane and CoreDNS policies, and a workload baseline without the chart's workload <-> workload
 * rule, so that the apps' own policies decide between workloads. Synced onto the vcluster's host by
 * the Application vcluster-host-<env>-<region> (VclusterHostApplication).
 */
export class VclusterNetworkPolicies extends Construct {
  /** The policies rendered (none when the vcluster's network policy is off). */
  public readonly policies: readonly HostNetworkPolicy[];

  constructor(scope: Construct, id: string, props: VclusterNetworkPoliciesProps) {
    super(scope, id);
    const { env, region } = props;
    this.policies = vclusterHostNetworkPolicies(region.cluster, props.networkPolicy);
    for (const p of this.policies) {
      new k8s.KubeNetworkPolicy(this, p.role, {
        metadata: {
          name: p.name,
          namespace: region.vclusterNamespace,
          labels: vclusterLabels(props.controlPlane, env.name, region.region),
        },
        spec: {
          podSelector: { matchLabels: { ...p.podSelector.matchLabels } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: p.ingress.map((r) => ({ ...(r.from ? { from: r.from.map(peer) } : {}), ...(r.ports ? { ports: r.ports.map(port) } : {}) })),
          egress: p.egress.map((r) => ({ ...(r.to ? { to: r.to.map(peer) } : {}), ...(r.ports ? { ports: r.ports.map(port) } : {}) })),
        },
      });
    }
  }
}

function peer(p: NonNullable<HostNetworkPolicy['ingress'][number]['from']>[number]): k8s.NetworkPolicyPeer {
  return {
    ...(p.namespaceSelector ? { namespaceSelector: { matchLabels: { ...p.namespaceSelector.matchLabels } } } : {}),
    ...(p.podSelector ? { podSelector: { matchLabels: { ...p.podSelector.matchLabels } } } : {}),
    ...(p.ipBlock ? { ipBlock: { cidr: p.ipBlock.cidr, ...(p.ipBlock.except ? { except: [...p.ipBlock.except] } : {}) } } : {}),
  };
}

function port(p: VclusterNetworkPort): k8s.NetworkPolicyPort {
  return {
    ...(p.protocol ? { protocol: p.protocol } : {}),
    ...(p.port !== undefined ? { port: typeof p.port === 'number' ? k8s.IntOrString.fromNumber(p.port) : k8s.IntOrString.fromString(p.port) } : {}),
  };
}
