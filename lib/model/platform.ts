import { deepFreeze, setSource } from './app';
import { Checker, DNS_LABEL, DNS_LABEL_ALLOWED } from './check';
import { callerFile } from './errors';
import { DIGEST_PINNED, SMOKE_TEST_IMAGE } from './smoke-test';
import { checkNotifications, NotificationsDefinition, NotificationsSpec } from './notifications';
import { checkHosts, HostClusterDefinition, HostClusterSpec } from './topology';

/** Where Argo CD reads this repository, and where it runs. */
export interface GitOpsSpec {
  /** URL of this repository as Argo CD clones it (https://, ssh:// or git@host:path). */
  readonly repoURL: string;
  /**
   * Branch, tag or commit Argo CD tracks.
   * @default 'main'
   */
  readonly revision?: string;
  /**
   * Path of the synthesized output inside the repository.
   * @default 'dist'
   */
  readonly distPath?: string;
  /**
   * Namespace of Argo CD (Applications, ApplicationSets and AppProjects live there).
   * @default 'argocd'
   */
  readonly argocdNamespace?: string;
}

/** SSO groups used by the AppProject roles. */
export interface SsoSpec {
  /**
   * Group whose members may read every application of every environment.
   * @default 'engineering'
   */
  readonly readersGroup?: string;
  /**
   * Prefix of a team's group: team `shop` is group `<prefix>shop`.
   * @default ''
   */
  readonly teamGroupPrefix?: string;
  /**
   * Group of the platform team, which owns the control plane (root app, vclusters).
   * @default 'platform'
   */
  readonly platformGroup?: string;
}

/** Cluster-wide conventions shared by every app and environment (envs/platform.ts). */
export interface PlatformSpec {
  /**
   * Domain prefix of the platform's own labels: `<labelDomain>/team`, `/env`, `/region`.
   * @example 'platform.acme.io'
   */
  readonly labelDomain: string;
  /** This repository, as Argo CD sees it. */
  readonly gitops: GitOpsSpec;
  /** SSO groups for the AppProject roles. */
  readonly sso?: SsoSpec;
  /**
   * Namespace of the ingress controller, allowed in by the NetworkPolicy of exposed apps.
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Namespace of Prometheus, allowed to scrape apps that expose metrics.
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Value of `app.kubernetes.io/managed-by`.
   * @default 'typed-gitops'
   */
  readonly managedBy?: string;
  /**
   * The host clusters, by name, at least one per region the envs use, and exactly one of them the hub
   * (runs Argo CD). Each env/region's vcluster runs on its region's host (lib/model/topology.ts).
   * @default one implicit host, the hub, named "hub", running every vcluster
   */
  readonly hosts?: Readonly<Record<string, HostClusterSpec>>;
  /**
   * The image of the apps' PostSync smoke tests (curl and a POSIX shell), pinned by digest. Where envs allow only
   * some registries, mirror it there (`crane copy` keeps the digest).
   * @default SMOKE_TEST_IMAGE (curlimages/curl:8.11.1 by digest)
   */
  readonly smokeTestImage?: string;
  /**
   * Argo CD notifications: each team's Slack channel hears about its apps' failed syncs, degraded health and
   * deploys (lib/model/notifications.ts).
   * @default none: no notifications configured
   */
  readonly notifications?: NotificationsSpec;
}

/** The platform with every default filled in. */
export interface PlatformDefinition {
  readonly labelDomain: string;
  readonly gitops: Required<GitOpsSpec>;
  readonly sso: Required<SsoSpec>;
  readonly ingressControllerNamespace: string;
  readonly monitoringNamespace: string;
  readonly managedBy: string;
  /** The declared host clusters, in declaration order; empty when none are declared (the hub runs every vcluster). */
  readonly hosts: readonly HostClusterDefinition[];
  readonly smokeTestImage: string;
  /** Argo CD notifications, when configured. */
  readonly notifications?: NotificationsDefinition;
}

const LABEL_PREFIX = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** https://host/path(.git), ssh://git@host/path, or scp-like git@host:path. */
const REPO_URL = /^(https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)+\/?|ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%-]+)+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+)$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,254}$/;
const REL_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9:._@-]{0,254}$/;

/** Defines the platform conventions, with defaults filled in. */
export function definePlatform(spec: PlatformSpec): PlatformDefinition {
  const file = callerFile();
  const c = new Checker(file);
  const s = c.object(spec, 'platform');
  c.keys(s, '', ['labelDomain', 'gitops', 'sso', 'ingressControllerNamespace', 'monitoringNamespace', 'managedBy', 'hosts', 'smokeTestImage', 'notifications']);
  c.string(s.labelDomain, 'labelDomain', { pattern: LABEL_PREFIX, allowed: 'a DNS subdomain such as "platform.acme.io"' });
  const g = c.object(s.gitops, 'gitops');
  c.keys(g, 'gitops', ['repoURL', 'revision', 'distPath', 'argocdNamespace']);
  c.string(g.repoURL, 'gitops.repoURL', {
    pattern: REPO_URL,
    allowed: 'a Git URL such as "https://github.com/acme/gitops.git", "ssh://git@github.com/acme/gitops.git" or "git@github.com:acme/gitops.git"',
  });
  c.optionalString(g.revision, 'gitops.revision', { pattern: REVISION, allowed: 'a branch, tag or commit such as "main"' });
  c.optionalString(g.distPath, 'gitops.distPath', { pattern: REL_PATH, allowed: 'a relative path inside the repository such as "dist"' });
  if (typeof g.distPath === 'string' && g.distPath.split('/').some((p) => p === '.' || p === '..' || p.startsWith('.'))) {
    c.fail('gitops.distPath', `"${g.distPath}" must not contain "." or ".." segments or hidden directories (Argo CD skips hidden directories)`);
  }
  c.optionalString(g.argocdNamespace, 'gitops.argocdNamespace', { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  if (s.sso !== undefined) {
    const sso = c.object(s.sso, 'sso');
    c.keys(sso, 'sso', ['readersGroup', 'teamGroupPrefix', 'platformGroup']);
    c.optionalString(sso.readersGroup, 'sso.readersGroup', { pattern: GROUP, allowed: 'an SSO group name' });
    if (sso.teamGroupPrefix !== undefined && sso.teamGroupPrefix !== '') {
      c.string(sso.teamGroupPrefix, 'sso.teamGroupPrefix', { pattern: /^[A-Za-z0-9:._@-]{1,200}$/, allowed: 'an SSO group prefix such as "acme:"' });
    }
    c.optionalString(sso.platformGroup, 'sso.platformGroup', { pattern: GROUP, allowed: 'an SSO group name' });
  }
  c.optionalString(s.ingressControllerNamespace, 'ingressControllerNamespace', { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  c.optionalString(s.monitoringNamespace, 'monitoringNamespace', { pattern: DNS_LABEL, allowed: DNS_LABEL_ALLOWED });
  c.optionalString(s.managedBy, 'managedBy', { pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, allowed: 'a label value' });
  const hosts = s.hosts === undefined ? [] : checkHosts(c, s.hosts);
  c.optionalString(s.smokeTestImage, 'smokeTestImage', { pattern: DIGEST_PINNED, allowed: 'an image pinned by digest, such as "ghcr.io/acme/mirror/curl:8.11.1@sha256:<64 hex>"' });
  const notifications = s.notifications === undefined ? undefined : checkNotifications(c, s.notifications, 'notifications', hosts);
  return setSource(deepFreeze({
    labelDomain: spec.labelDomain,
    gitops: {
      repoURL: spec.gitops.repoURL,
      revision: spec.gitops.revision ?? 'main',
      distPath: spec.gitops.distPath ?? 'dist',
      argocdNamespace: spec.gitops.argocdNamespace ?? 'argocd',
    },
    sso: {
      readersGroup: spec.sso?.readersGroup ?? 'engineering',
      teamGroupPrefix: spec.sso?.teamGroupPrefix ?? '',
      platformGroup: spec.sso?.platformGroup ?? 'platform',
    },
    ingressControllerNamespace: spec.ingressControllerNamespace ?? 'ingress-nginx',
    monitoringNamespace: spec.monitoringNamespace ?? 'monitoring',
    managedBy: spec.managedBy ?? 'typed-gitops',
    hosts,
    smokeTestImage: spec.smokeTestImage ?? SMOKE_TEST_IMAGE,
    ...(notifications ? { notifications } : {}),
  }), file);
}
