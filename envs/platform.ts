import { definePlatform } from '../lib/model';

/** Conventions shared by every cluster: the one place for the repository URL and SSO groups. */
export const platform = definePlatform({
  labelDomain: 'platform.acme.io',
  gitops: {
    repoURL: 'https://github.com/acme/gitops.git',
    revision: 'main',
    distPath: 'dist',
    argocdNamespace: 'argocd',
  },
  sso: { readersGroup: 'engineering', teamGroupPrefix: 'acme:', platformGroup: 'acme:platform' },
  ingressControllerNamespace: 'traefik',
  monitoringNamespace: 'monitoring',
});
