import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import type { ArgoCdClusterCredential } from './chart-values';
import { joinPath } from './errors';

/**
 * The topology of the platform (envs/platform.ts `hosts`): the host clusters, one per region, and which
 * of them is the hub (runs Argo CD). Pure. Each env/region's vcluster runs on its region's host
 * (lib/model/clusters.ts). The hub reaches the other hosts with EKS IAM (`awsAuthConfig`), so nothing
 * in Git is a credential: the API server URL, the cluster name, the role ARN and the cluster's CA
 * certificate are public.
 */

/** How Argo CD on the hub authenticates to an EKS host: `argocd-k8s-auth aws` (Argo CD cluster config `awsAuthConfig`). */
export interface AwsAuthSpec {
  /** The EKS cluster's name (the token's `x-k8s-aws-id`). */
  readonly clusterName: string;
  /** The IAM role Argo CD's management role assumes, given an EKS access entry on the cluster. */
  readonly roleARN: string;
}

/**
 * Where a host's databases go (the platform's database API on that host: lib/model/database-api.ts).
 * All public identifiers, no credential: the provider authenticates with IRSA.
 */
export interface HostDatabaseSpec {
  /** The private subnets of the RDS subnet group (at least two, in different availability zones). */
  readonly subnetIds: readonly string[];
  /** The security groups of the RDS instances (they must admit the cluster's pods on the engine's port). */
  readonly securityGroupIds: readonly string[];
  /** The CIDR blocks of those subnets: the apps' NetworkPolicy egress to their database is limited to them. */
  readonly subnetCidrs: readonly string[];
  /** The IAM role of the Crossplane AWS provider (IRSA: the provider's ServiceAccount is annotated with it). */
  readonly providerRoleArn: string;
}

/** A host cluster: runs the vclusters of its region and the host add-ons. */
export interface HostClusterSpec {
  /** The AWS region of the cluster; the vclusters of this region's envs run on it. */
  readonly region: string;
  /** True for the one host Argo CD runs in (addressed in-cluster, so it needs no registration). */
  readonly hub?: boolean;
  /** The EKS API server URL (every host but the hub). */
  readonly server?: string;
  /** IAM authentication, no static credential (every host but the hub). */
  readonly awsAuthConfig?: AwsAuthSpec;
  /** base64 of the cluster's CA certificate (PEM; public, as `aws eks describe-cluster` prints it). Every host but the hub. */
  readonly caData?: string;
  /**
   * DNS domain under which this host's vcluster API servers are reachable from the hub: the vcluster
   * `<env>-<region>` is `https://<env>-<region>.<domain>` (every host but the hub).
   * @example 'vc.eu-west-1.acme.internal'
   */
  readonly vclusterApiDomain?: string;
  /** Where the databases of this region's apps are created. @default none: no app of this region may ask for a database */
  readonly databases?: HostDatabaseSpec;
}

/** A host cluster, checked, with its name. */
export interface HostClusterDefinition extends HostClusterSpec {
  readonly name: string;
  readonly hub: boolean;
}

/** The registration of a host that is not the hub (all of its fields are set). */
export interface RemoteHostRegistration {
  readonly server: string;
  readonly awsAuthConfig: AwsAuthSpec;
  readonly caData: string;
  readonly vclusterApiDomain: string;
}

const HOST_KEYS = ['region', 'hub', 'server', 'awsAuthConfig', 'caData', 'vclusterApiDomain', 'databases'] as const;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
const REMOTE_KEYS = ['server', 'awsAuthConfig', 'caData', 'vclusterApiDomain'] as const;
/** An AWS region name such as us-east-1, eu-west-1, us-gov-west-1, ap-southeast-2. */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const EKS_SERVER = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/;
/** The region inside an EKS endpoint, `https://<id>.<gr7>.<region>.eks.amazonaws.com`. */
const EKS_ENDPOINT_REGION = /\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)\.eks\.amazonaws\.com(:\d+)?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const EKS_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const DOMAIN = /^(?=.{1,200}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Checks `hosts` of envs/platform.ts: one-line errors naming the field. Returns the hosts in declaration order. */
export function checkHosts(c: Checker, value: unknown, path = 'hosts'): HostClusterDefinition[] {
  const hosts = c.object(value, path);
  const out: HostClusterDefinition[] = [];
  for (const [name, raw] of Object.entries(hosts)) {
    const at = joinPath(path, name);
    c.string(name, at, { pattern: DNS_LABEL, allowed: `a host name of ${DNS_LABEL_ALLOWED}` });
    const h = c.object(raw, at);
    c.keys(h, at, HOST_KEYS);
    const region = c.string(h.region, `${at}.region`, { pattern: AWS_REGION, allowed: 'an AWS region such as "us-east-1" or "eu-west-1"' });
    const hub = c.optionalBoolean(h.hub, `${at}.hub`) ?? false;
    const sameRegion = out.find((o) => o.region === region);
    if (sameRegion) c.fail(`${at}.region`, `"${region}" already has host "${sameRegion.name}"; one host per region (its vclusters run there)`);
    const otherHub = out.find((o) => o.hub);
    if (hub && otherHub) c.fail(`${at}.hub`, `host "${otherHub.name}" is already the hub; exactly one host runs Argo CD`);
    const databases = h.databases === undefined ? undefined : checkDatabases(c, h.databases, `${at}.databases`);
    const withDatabases = databases ? { databases } : {};
    if (hub) {
      for (const k of REMOTE_KEYS) {
        if (h[k] !== undefined) c.fail(`${at}.${k}`, 'not allowed on the hub: Argo CD addresses its own cluster in-cluster, so it needs no registration');
      }
      out.push({ name, region, hub, ...withDatabases });
      continue;
    }
    const server = c.string(h.server, `${at}.server`, { pattern: EKS_SERVER, allowed: 'the EKS API server URL, "https://<id>.<gr>.<region>.eks.amazonaws.com"' });
    const endpointRegion = EKS_ENDPOINT_REGION.exec(server)?.[1];
    if (endpointRegion !== undefined && endpointRegion !== region) {
      c.fail(`${at}.server`, `"${server}" is an EKS endpoint in ${endpointRegion}, not in the host's region ${region}`);
    }
    const a = c.object(h.awsAuthConfig, `${at}.awsAuthConfig`);
    c.keys(a, `${at}.awsAuthConfig`, ['clusterName', 'roleARN']);
    const clusterName = c.string(a.clusterName, `${at}.awsAuthConfig.clusterName`, { pattern: EKS_NAME, allowed: 'an EKS cluster name' });
    const roleARN = c.string(a.roleARN, `${at}.awsAuthConfig.roleARN`, { pattern: ROLE_ARN, allowed: 'an IAM role ARN such as "arn:aws:iam::111122223333:role/argocd-host-eu-west-1"' });
    const caData = checkCaData(c, h.caData, `${at}.caData`);
    const vclusterApiDomain = c.string(h.vclusterApiDomain, `${at}.vclusterApiDomain`, { pattern: DOMAIN, allowed: 'a DNS domain such as "vc.eu-west-1.acme.internal"' });
    out.push({ name, region, hub, server, awsAuthConfig: { clusterName, roleARN }, caData, vclusterApiDomain, ...withDatabases });
  }
  if (out.length > 0 && !out.some((h) => h.hub)) {
    c.fail(path, `no host is the hub; set "hub: true" on the one host Argo CD runs in (hosts: ${out.map((h) => h.name).join(', ')})`);
  }
  return out;
}

/** A host's `databases`: AWS identifiers in their documented shapes. */
function checkDatabases(c: Checker, value: unknown, path: string): HostDatabaseSpec {
  const d = c.object(value, path);
  c.keys(d, path, ['subnetIds', 'securityGroupIds', 'subnetCidrs', 'providerRoleArn']);
  const list = (key: string, pattern: RegExp, allowed: string, min: number): string[] => {
    const items = c.stringArray(d[key], `${path}.${key}`, { pattern, allowed });
    if (items.length < min) c.fail(`${path}.${key}`, `needs at least ${min} (${allowed})`);
    return items;
  };
  return {
    // An RDS DB subnet group must cover at least two availability zones.
    subnetIds: list('subnetIds', SUBNET_ID, 'subnet IDs such as "subnet-0a1b2c3d4e5f60718"', 2),
    securityGroupIds: list('securityGroupIds', SECURITY_GROUP_ID, 'security group IDs such as "sg-0a1b2c3d4e5f60718"', 1),
    subnetCidrs: list('subnetCidrs', CIDR, 'IPv4 CIDR blocks such as "10.20.0.0/20"', 1),
    providerRoleArn: c.string(d.providerRoleArn, `${path}.providerRoleArn`, { pattern: ROLE_ARN, allowed: 'an IAM role ARN such as "arn:aws:iam::111122223333:role/crossplane-aws-us-east-1"' }),
  };
}

/** The CA certificate: base64 of a PEM certificate, never a key (a key would be a credential in Git). */
function checkCaData(c: Checker, value: unknown, path: string): string {
  const s = c.string(value, path, { pattern: BASE64, allowed: 'base64 of the cluster CA certificate (PEM), e.g. from `aws eks describe-cluster --query cluster.certificateAuthority.data`' });
  const pem = Buffer.from(s, 'base64').toString('latin1');
  if (/PRIVATE KEY/.test(pem)) c.fail(path, 'holds a private key; only the public CA certificate belongs here');
  if (!/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\s*$/.test(pem)) {
    c.fail(path, 'does not decode to a PEM certificate ("-----BEGIN CERTIFICATE-----")');
  }
  return s;
}

/** The registration of a host that is not the hub (checkHosts guarantees every field). */
export function remoteRegistration(host: HostClusterDefinition): RemoteHostRegistration {
  if (host.hub) throw new Error(`host ${host.name} is the hub: it has no registration`);
  return { server: host.server!, awsAuthConfig: host.awsAuthConfig!, caData: host.caData!, vclusterApiDomain: host.vclusterApiDomain! };
}

/**
 * The Argo CD cluster registrations of the hosts other than the hub, for the argo-cd chart's
 * `configs.clusterCredentials` (each becomes a cluster Secret named after the host, in Argo CD's
 * namespace, rendered by the chart: no Secret in Git). Labels `<labelDomain>/kind: host` and
 * `/region`. The config holds EKS IAM auth and the public CA only.
 */
export function hostClusterCredentials(platform: { readonly labelDomain: string; readonly hosts: readonly HostClusterDefinition[] }): Record<string, ArgoCdClusterCredential> {
  const out: Record<string, ArgoCdClusterCredential> = {};
  for (const host of platform.hosts) {
    if (host.hub) continue;
    const r = remoteRegistration(host);
    out[host.name] = {
      server: r.server,
      labels: { [`${platform.labelDomain}/kind`]: 'host', [`${platform.labelDomain}/region`]: host.region },
      config: {
        awsAuthConfig: { clusterName: r.awsAuthConfig.clusterName, roleARN: r.awsAuthConfig.roleARN },
        tlsClientConfig: { insecure: false, caData: r.caData },
      },
    };
  }
  return out;
}
