import { apps } from '../apps';
import { defineEnvironment, TagPatterns } from '../lib/model';

/** Production: two regions, three replicas spread over zones, release tags pinned by digest. */
export const prod = defineEnvironment(apps, {
  name: 'prod',
  description: 'Production: manual sync, vX.Y.Z images pinned by digest',
  regions: {
    'us-east-1': {},
    'eu-west-1': {},
  },
  profile: {
    replicas: 3,
    resources: {
      cpu: { request: '500m', limit: '1000m' },
      memory: { request: '512Mi', limit: '1Gi' },
    },
    logLevel: 'info',
    spreadAcrossZones: true,
  },
  sync: { automated: false },
  ingress: { domain: 'acme.io', className: 'traefik', clusterIssuer: 'letsencrypt' },
  tags: { allow: [TagPatterns.release], requireDigest: true },
  // Production pulls only from the organization's registry (policy rule images/registry).
  registries: ['ghcr.io/acme/'],
  // Databases: general purpose and memory classes, a standby in a second zone, two weeks of backups,
  // and the RDS instance outlives its claim (Orphan): deleting an app never deletes its data.
  database: {
    sizes: {
      small: { instanceClass: 'db.m7g.large', storageGiB: 100 },
      medium: { instanceClass: 'db.m7g.xlarge', storageGiB: 200 },
      large: { instanceClass: 'db.r7g.2xlarge', storageGiB: 500 },
    },
    multiAz: true,
    backupRetentionDays: 14,
    deletionPolicy: 'Orphan',
  },
  apps: {
    'book-shop': {
      autoscaling: { maxReplicas: 12 },
      regions: {
        'eu-west-1': { autoscaling: { minReplicas: 2, maxReplicas: 8 } },
      },
    },
    echo: {
      resources: { cpu: { request: '250m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
  },
});
