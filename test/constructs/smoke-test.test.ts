/**
 * The PostSync smoke test (issue 15, part 1): what it runs, as Argo CD and the cluster see it, its checks as the
 * model resolves them from the app, the env profile and overrides, and the script's verdicts, run with a stand-in
 * curl (a shell function cannot tell the real one from it: same arguments, same output).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SMOKE_TEST_SCRIPT } from '../../lib/constructs/smoke-test';
import { ConfigError, defineApp, PROMETHEUS_TEXT_MARK, registerApps, resolve } from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { app, configError, DIGEST_A, envsFor, platform } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */
const plan = planSynth(exampleInput);
const objectsIn = (file: string): any[] => parseAllDocuments(plan.files.find((f) => f.path === file)!.content).map((d) => d.toJS());
const echo = objectsIn('apps/prod/us-east-1/echo/echo.yaml');
const job = echo.find((o) => o.kind === 'Job' && o.metadata.name === 'echo-smoke-test');

describe('the Job (the example\'s echo in prod)', () => {
  test('an Argo CD PostSync hook, removed when it passed, kept for its logs when it failed', () => {
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded' });
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 120, template: { spec: { restartPolicy: 'Never', automountServiceAccountToken: false } } });
  });

  test('its checks: the readiness path, the app\'s POST /echo, through the Service; the platform\'s curl, pinned by digest', () => {
    const [c] = job.spec.template.spec.containers;
    expect(c.image).toBe(exampleInput.platform.smokeTestImage);
    expect(c.image).toMatch(/^ghcr\.io\/acme\/mirror\/curl:8\.11\.1@sha256:[0-9a-f]{64}$/);
    expect(c.command.slice(0, 4)).toEqual(['sh', '-c', SMOKE_TEST_SCRIPT, 'smoke-test']);
    expect(c.command.slice(4)).toEqual(['GET', 'http://echo.echo.svc:80/readyz', '200', '', 'POST', 'http://echo.echo.svc:80/echo', '200', '']);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('an app serving metrics is also asked for them, in the Prometheus text format', () => {
    const shop = objectsIn('apps/prod/us-east-1/book-shop/book-shop.yaml').find((o) => o.kind === 'Job' && o.metadata.name === 'book-shop-smoke-test');
    expect(shop.spec.template.spec.containers[0].command.slice(-4)).toEqual(['GET', 'http://book-shop.book-shop.svc:80/metrics', '200', PROMETHEUS_TEXT_MARK]);
  });

  test('its policies: the smoke pod reaches DNS and its app on the app port; the app lets it in', () => {
    const egress = echo.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'echo-smoke-test');
    const ingress = echo.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'echo-from-smoke-test');
    const smokePod = { 'app.kubernetes.io/name': 'echo-smoke-test', 'app.kubernetes.io/instance': 'prod-us-east-1-echo' };
    const appPods = { 'app.kubernetes.io/name': 'echo', 'app.kubernetes.io/instance': 'prod-us-east-1-echo' };
    expect(egress.spec.podSelector.matchLabels).toEqual(smokePod);
    expect(egress.spec.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: appPods } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    expect(ingress.spec).toEqual({ podSelector: { matchLabels: appPods }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: smokePod } }], ports: [{ protocol: 'TCP', port: 8080 }] }] });
  });
});

describe('resolved from the layers', () => {
  const apps = registerApps(
    app('web', { smokeTest: { checks: [{ path: '/api/ping', method: 'HEAD', status: 204 }, { path: '/', bodyContains: 'Welcome' }] } }),
    app('quiet', { smokeTest: false }),
    app('scraped', { metrics: { port: 9100, path: '/stats' } }),
  );
  const envs = envsFor(apps, { profile: { replicas: 1, resources: { cpu: '100m', memory: '128Mi' }, logLevel: 'debug', smokeTest: { timeoutSeconds: 60 } } }, { apps: { web: { smokeTest: false } } });
  const releases = Object.fromEntries(Object.keys(apps).map((a) => [a, { dev: { tag: 'abc1234' }, prod: { tag: 'v1.0.0', digest: DIGEST_A } }]));
  const { instances } = resolve({ platform, apps, envs, releases });
  const of = (env: string, name: string) => instances.find((i) => i.env === env && i.app === name)!;

  test('on by default, readiness first, then the app\'s checks with their defaults; the env profile sets the timeout', () => {
    expect(of('dev', 'web').smokeTest).toEqual({
      image: platform.smokeTestImage,
      timeoutSeconds: 60,
      checks: [
        { method: 'GET', path: '/readyz', status: 200, port: 'http' },
        { method: 'HEAD', path: '/api/ping', status: 204, port: 'http' },
        { method: 'GET', path: '/', status: 200, bodyContains: 'Welcome', port: 'http' },
      ],
    });
  });

  test('false switches it off: in the app (an env profile\'s timeout does not switch it on again), or in an env\'s override for one app', () => {
    expect(of('dev', 'quiet').smokeTest).toBeUndefined();
    expect(of('prod', 'web').smokeTest).toBeUndefined();
    expect(of('prod', 'scraped').smokeTest?.timeoutSeconds).toBe(120);
  });

  test('metrics on a port of their own are asked on that port (the Service serves it as "metrics")', () => {
    expect(of('dev', 'scraped').smokeTest?.checks.at(-1)).toEqual({ method: 'GET', path: '/stats', status: 200, bodyContains: PROMETHEUS_TEXT_MARK, port: 'metrics' });
  });

  test.each([
    [{ checks: [{ path: 'ping' }] }, 'smokeTest.checks[0].path', /absolute URL path/],
    [{ checks: [{ path: '/x', method: 'FETCH' }] }, 'smokeTest.checks[0].method', /must be one of GET, HEAD, POST/],
    [{ checks: [{ path: '/x', status: 42 }] }, 'smokeTest.checks[0].status', /from 100 to 599/],
    [{ checks: [{ path: '/x', body: 'x' }] }, 'smokeTest.checks[0].body', /unknown key/],
    [{ timeoutSeconds: 5 }, 'smokeTest.timeoutSeconds', /from 10 to 3600/],
  ])('refused in the app: %j', (smokeTest, field, reason) => {
    const e: ConfigError = configError(() => defineApp({ ...app('bad'), smokeTest } as never));
    expect([e.field, e.reason]).toEqual([field, expect.stringMatching(reason)]);
  });

  test('a workload may not take the smoke test\'s name', () => {
    const e = configError(() => defineApp({ ...app('bad'), workloads: { 'smoke-test': { kind: 'job' } } } as never));
    expect([e.field, e.reason]).toEqual(['workloads.smoke-test', expect.stringMatching(/is the app's smoke test/)]);
  });
});

describe('the script, run by sh with a stand-in curl', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The stand-in answers from a table keyed by "<method> <url>" (`--head` is HEAD): body to the -o file, status on stdout.
  fs.writeFileSync(path.join(dir, 'curl'), [
    '#!/bin/sh',
    'method=GET; out=""; url=""',
    'while [ "$#" -gt 0 ]; do case "$1" in -X) method="$2"; shift 2;; --head) method=HEAD; shift;; -o) out="$2"; shift 2;; -w|--max-time|--retry|--retry-delay) shift 2;; -*) shift;; *) url="$1"; shift;; esac; done',
    'line=$(grep -F -- "$method $url " "$ANSWERS" | head -n 1)',
    '[ -z "$line" ] && { echo "curl: (7) Failed to connect" >&2; printf 000; exit 7; }',
    // "<method> <url> <status> <body...>": the body is the rest of the line.
    'set -- $line; body="${line#* * * }"; [ "$body" = "$line" ] && body=""; printf "%s" "$body" > "$out"; printf "%s" "$3"',
  ].join('\n'), { mode: 0o755 });
  const answers = path.join(dir, 'answers');
  fs.writeFileSync(answers, [
    'GET http://a/readyz 200 ok',
    'POST http://a/echo 200 ',
    'HEAD http://a/ping 204 ',
    `GET http://a/metrics 200 ${PROMETHEUS_TEXT_MARK}http_requests_total counter`,
    'GET http://a/broken 503 down',
  ].join('\n'));
  const run = (...args: string[]) => {
    const r = spawnSync('sh', ['-c', SMOKE_TEST_SCRIPT.replaceAll('/tmp/body', path.join(dir, 'body')), 'smoke-test', ...args], {
      encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}`, ANSWERS: answers },
    });
    return { code: r.status, lines: r.stdout.trim().split('\n') };
  };

  test('every check passes: exit 0, one line each', () => {
    expect(run('GET', 'http://a/readyz', '200', '', 'POST', 'http://a/echo', '200', '', 'HEAD', 'http://a/ping', '204', '')).toEqual({
      code: 0, lines: ['ok   GET http://a/readyz: 200', 'ok   POST http://a/echo: 200', 'ok   HEAD http://a/ping: 204'],
    });
  });

  test('a wrong status, a missing text and no answer each fail, and every check still runs', () => {
    const r = run('GET', 'http://a/broken', '200', '', 'GET', 'http://a/readyz', '200', 'ready!', 'GET', 'http://nowhere/', '200', '', 'GET', 'http://a/readyz', '200', 'ok');
    expect(r).toEqual({
      code: 1,
      lines: [
        'FAIL GET http://a/broken: status 503, expected 200',
        'FAIL GET http://a/readyz: the body does not contain "ready!"',
        'FAIL GET http://nowhere/: status 000, expected 200',
        'ok   GET http://a/readyz: 200',
      ],
    });
  });

  test('the Prometheus mark is found in a metrics answer', () => {
    expect(run('GET', 'http://a/metrics', '200', PROMETHEUS_TEXT_MARK).code).toBe(0);
    expect(run('GET', 'http://a/readyz', '200', PROMETHEUS_TEXT_MARK).code).toBe(1);
  });
});
