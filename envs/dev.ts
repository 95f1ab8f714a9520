import { apps } from '../apps';
import { defineEnvironment, TagPatterns } from '../lib/model';

/** Development: one small replica per app, synced automatically on every commit. */
export const dev = defineEnvironment(apps, {
  name: 'dev',
  description: 'Development: every merge deploys automatically',
  regions: { 'us-east-1': {} },
  profile: {
    replicas: 1,
    resources: { cpu: '200m', memory: '256Mi' },
    logLevel: 'debug',
  },
  sync: { automated: true, prune: true, selfHeal: true },
  ingress: { domain: 'dev.acme.io', className: 'traefik', clusterIssuer: 'letsencrypt-staging' },
  tags: { allow: [TagPatterns.gitSha, TagPatterns.snapshot] },
  apps: {
    'book-shop': { featureFlags: { newCheckout: true } },
  },
});
