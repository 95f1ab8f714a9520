import { defineApp } from '../lib/model';

/** Incident assistant API: summarizes incidents with an LLM, stores them in Postgres. */
export const incidentAssistantBackend = defineApp({
  name: 'incident-assistant-backend',
  team: 'sre',
  description: 'Incident assistant API (FastAPI): LLM summaries of incidents, stored in Postgres',
  partOf: 'incident-assistant',
  component: 'backend',
  image: 'ghcr.io/acme/incident-assistant-backend',
  port: 8000,
  health: { liveness: '/healthz', readiness: '/readyz', startupSeconds: 90 },
  metrics: { path: '/metrics' },
  network: { internetEgress: true }, // calls the OpenAI API
  secrets: ['OPENAI_API_KEY'],
  database: { engine: 'postgres', version: '16', size: 'small' },
  // Migrates the schema before each sync applies the new version (an Argo CD PreSync hook).
  workloads: { migrate: { kind: 'job', hook: 'PreSync', command: ['alembic', 'upgrade', 'head'] } },
  config: {
    OPENAI_MODEL: 'gpt-4o-mini',
  },
});
