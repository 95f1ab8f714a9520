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
  // Databases: the smallest classes, one zone, a day of backups, deleted with their claim.
  database: {
    sizes: {
      small: { instanceClass: 'db.t4g.micro', storageGiB: 20 },
      medium: { instanceClass: 'db.t4g.small', storageGiB: 20 },
      large: { instanceClass: 'db.t4g.medium', storageGiB: 50 },
    },
    multiAz: false,
    backupRetentionDays: 1,
    deletionPolicy: 'Delete',
  },
  apps: {
    'book-shop': { featureFlags: { newCheckout: true } },
  },
});
