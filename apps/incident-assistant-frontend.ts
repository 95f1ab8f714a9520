import { defineApp } from '../lib/model';

/** Incident assistant web UI; calls the backend inside the cluster. */
export const incidentAssistantFrontend = defineApp({
  name: 'incident-assistant-frontend',
  team: 'sre',
  description: 'Incident assistant web UI (Next.js)',
  partOf: 'incident-assistant',
  component: 'frontend',
  image: 'ghcr.io/acme/incident-assistant-frontend',
  port: 3000,
  health: { liveness: '/api/health', readiness: '/api/ready' },
  expose: { subdomain: 'incidents' },
  network: { calls: ['incident-assistant-backend'] },
  config: {
    BACKEND_URL: 'http://incident-assistant-backend.incident-assistant-backend.svc.cluster.local',
  },
});
