import { defineApp } from '../lib/model';

/** The book shop web app (listens on 8000), autoscaled on CPU. */
export const bookShop = defineApp({
  name: 'book-shop',
  team: 'shop',
  description: 'Online book shop: catalogue, cart and checkout',
  image: 'ghcr.io/acme/book-shop',
  port: 8000,
  health: { liveness: '/health/live', readiness: '/health/ready' },
  expose: { subdomain: 'books' },
  // Scraped on its port at /metrics; alert when more than 5% of requests fail with a 5xx status (label `code`).
  metrics: { errorRatio: { metric: 'http_requests_total', threshold: 0.05 } },
  autoscaling: { maxReplicas: 6, cpuUtilization: 70 },
  config: {
    CURRENCY: 'EUR',
    CATALOGUE_PAGE_SIZE: '24',
  },
  featureFlags: { newCheckout: false },
  // Book covers uploaded by the shop's staff, shared by every replica (an EFS-backed ReadWriteMany claim).
  volumes: { covers: { kind: 'pvc', mountPath: '/srv/covers', size: '5Gi', storageClass: 'efs', accessMode: 'ReadWriteMany' } },
  // Checkout requests wait up to 45 s on the payment provider: a stopping web pod gets a minute to finish them
  // (Kubernetes' default is 30 s). The escape hatch, as the spec has no key for it; the mailer keeps the default.
  patches: [{
    target: { kind: 'Deployment', name: 'book-shop' },
    ops: [{ op: 'add', path: '/spec/template/spec/terminationGracePeriodSeconds', value: 60 }],
  }],
  workloads: {
    // Sends order e-mails from the queue; liveness: the process answers, readiness: it reaches the queue.
    mailer: {
      kind: 'worker',
      command: ['python', '-m', 'shop.mailer'],
      replicas: 2,
      health: { liveness: { command: ['python', '-m', 'shop.mailer', '--alive'] }, readiness: { command: ['python', '-m', 'shop.mailer', '--ready'] } },
      resources: { cpu: '250m', memory: '256Mi' },
    },
    // Rebuilds the search index of the catalogue every night.
    reindex: { kind: 'cron', schedule: '30 2 * * *', timeZone: 'Europe/Berlin', command: ['python', '-m', 'shop.reindex'], activeDeadlineSeconds: 3600 },
  },
});
