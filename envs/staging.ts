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
  ingress: { domain: 'staging.acme.io', className: 'traefik', clusterIssuer: 'letsencrypt' },
  tags: { allow: [TagPatterns.gitSha, TagPatterns.snapshot] },
});
