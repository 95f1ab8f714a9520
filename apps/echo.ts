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
  // After each sync, besides /readyz: the echo answers a POST (the PostSync smoke test fails the sync otherwise).
  smokeTest: { checks: [{ method: 'POST', path: '/echo', status: 200 }] },
  expose: true,
  config: {
    ECHO_MAX_BODY_BYTES: '65536',
  },
  // Its response templates, as files under /etc/echo (a change rolls the pods).
  volumes: {
    templates: { kind: 'configFiles', mountPath: '/etc/echo', files: { 'banner.txt': 'echo says:\n', 'limits.toml': 'max_body_bytes = 65536\n' } },
  },
  workloads: {
    // The echo journal: keeps what it echoed on a volume of its own per replica.
    journal: {
      kind: 'stateful',
      command: ['python', '-m', 'echo.journal'],
      port: 9090,
      health: { liveness: '/live', readiness: '/ready' },
      volumes: { entries: { size: '1Gi', mountPath: '/var/lib/echo' } },
      resources: { cpu: '100m', memory: '128Mi' },
    },
  },
});
