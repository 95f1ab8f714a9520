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
  // Promotions roll out region by region, us-east-1 first (the order of regions): `release promote ... --next-region`.
  promotion: { regionByRegion: true },
  // Production changes are deliberate: prod syncs (all by hand: sync.automated is false) run on weekdays, 09:00-17:00 New
  // York time, and not outside, not even by hand (manualSync: false). An emergency change outside the window is a commit
  // that widens it (or removes it), reviewed like any other.
  syncWindows: [
    { kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', timeZone: 'America/New_York', manualSync: false, description: 'prod changes: weekdays 09:00-17:00 New York' },
  ],
  // Ingresses by default (class traefik, certificates from cert-manager per Ingress); apps whose override says
  // `expose: { kind: 'gateway' }` get an HTTPRoute on the hosts' Gateway instead, whose listener websecure
  // terminates TLS (envs/addons.ts).
  ingress: {
    domain: 'acme.io',
    className: 'traefik',
    clusterIssuer: 'letsencrypt',
    gateway: { name: 'traefik-gateway', namespace: 'traefik', sectionName: 'websecure' },
  },
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
      // Routed by the Gateway API in prod (an HTTPRoute on each region's host, no Ingress); dev and staging keep the Ingress.
      expose: { kind: 'gateway' },
      volumes: { covers: { size: '50Gi' } },  // prod's catalogue has more covers
      regions: {
        'eu-west-1': { autoscaling: { minReplicas: 2, maxReplicas: 8 } },
      },
    },
    echo: {
      resources: { cpu: { request: '250m', limit: '500m' }, memory: { request: '256Mi', limit: '512Mi' } },
    },
  },
});
