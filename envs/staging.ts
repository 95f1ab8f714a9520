import { apps } from '../apps';
import { defineEnvironment, TagPatterns } from '../lib/model';

/** Staging: two replicas, synced by hand (pressing SYNC is the approval). */
export const staging = defineEnvironment(apps, {
  name: 'staging',
  description: 'Pre-production: manual sync',
  regions: { 'us-east-1': {} },
  profile: {
    replicas: 2,
    resources: { cpu: '200m', memory: '256Mi' },
    logLevel: 'info',
  },
  sync: { automated: false },
  // Promotions out of staging (to prod) need its Argo CD Applications Healthy and Synced at the image, and an hour
  // of it running here (release promote; lib/release/gate.ts).
  promotion: { requireHealthy: true, soak: '1h' },
  ingress: { domain: 'staging.acme.io', className: 'traefik', clusterIssuer: 'letsencrypt' },
  tags: { allow: [TagPatterns.gitSha, TagPatterns.snapshot] },
  // Databases: burstable classes, one zone, a week of backups, deleted with their claim (pre-production data).
  database: {
    sizes: {
      small: { instanceClass: 'db.t4g.small', storageGiB: 20 },
      medium: { instanceClass: 'db.t4g.medium', storageGiB: 50 },
      large: { instanceClass: 'db.t4g.large', storageGiB: 100 },
    },
    multiAz: false,
    backupRetentionDays: 7,
    deletionPolicy: 'Delete',
  },
  apps: {
    'book-shop': {
      // The load tests (k6, run from the namespace load-test before each release) call book-shop's web pods: an
      // allow the typed spec cannot say (network.calls names apps), added to staging's instance as a raw object.
      extraObjects: [{
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'book-shop-load-test' },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'book-shop' } }, // the web pods, not the mailer's
          policyTypes: ['Ingress'],
          ingress: [{
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'load-test' } } }],
            ports: [{ protocol: 'TCP', port: 8000 }],
          }],
        },
      }],
    },
  },
});
