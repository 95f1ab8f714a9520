import { defineApp } from '../lib/model';

/** The Flask echo service: POST /echo returns the request body. Reads its port from $PORT. */
export const echo = defineApp({
  name: 'echo',
  team: 'platform',
  description: 'Flask echo service: POST /echo returns what it receives',
  image: 'ghcr.io/acme/echo',
  port: 8080,
  portEnv: 'PORT',
  health: { liveness: '/healthz', readiness: '/readyz', startupSeconds: 30 },
  expose: true,
  config: {
    ECHO_MAX_BODY_BYTES: '65536',
  },
});
