/**
 * A change reaches only where it applies: a new app released in dev only, calling an app that runs
 * everywhere, changes dev's files and the files that list apps per env, and nothing of staging or
 * prod (before the fix, the callee's NetworkPolicy admitted the caller in every env and region).
 * In-process, inline registries (not the live apps/ and envs/).
 */
import { defineEnvironment, registerApps, registerEnvironments, TagPatterns } from '../../lib/model';
import { planSynth } from '../../lib/synth';
import { app, DIGEST_A, DIGEST_B, platform } from '../support/fixtures';

const bookShop = app('book-shop', { port: 8000 });
const storefront = app('storefront', { expose: true, network: { calls: ['book-shop'] } });
const payments = app('payments', { team: 'team-payments', port: 3000, network: { calls: ['book-shop'] } });

function envsOf(apps: ReturnType<typeof registerApps>) {
  const base = {
    profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'info' },
    ingress: { domain: 'test.io' },
  };
  const snapshot = { allow: [TagPatterns.gitSha, TagPatterns.snapshot] };
  return registerEnvironments(
    defineEnvironment(apps, { ...base, name: 'dev', regions: { 'us-east-1': {} }, sync: { automated: true }, tags: snapshot } as never),
    defineEnvironment(apps, { ...base, name: 'staging', regions: { 'us-east-1': {} }, sync: { automated: false }, tags: snapshot } as never),
    defineEnvironment(apps, {
      ...base,
      name: 'prod',
      regions: { 'us-east-1': {}, 'eu-west-1': {} },
      sync: { automated: false },
      tags: { allow: [TagPatterns.release], requireDigest: true },
    } as never),
  );
}

const everywhere = {
  dev: { tag: 'abcdef0', digest: DIGEST_A },
  staging: { tag: '1.0.0-SNAPSHOT-abcdef0', digest: DIGEST_A },
  prod: { tag: 'v1.0.0', digest: DIGEST_B },
};

function plan(withPayments: boolean): Map<string, string> {
  const apps = withPayments ? registerApps(bookShop, storefront, payments) : registerApps(bookShop, storefront);
  const releases = {
    'book-shop': everywhere,
    storefront: everywhere,
    ...(withPayments ? { payments: { dev: { tag: '0.1.0-SNAPSHOT-1a2b3c4', digest: DIGEST_A } } } : {}),
  };
  const p = planSynth({ platform, apps, envs: envsOf(apps), releases });
  return new Map(p.files.map((f) => [f.path, f.content]));
}

const before = plan(false);
const after = plan(true);

test('every staging and prod file is byte-identical after adding a dev-only app that calls book-shop', () => {
  const outsideDev = [...before.keys()].filter((p) => /(^|\/)(staging|prod)([-/]|\.yaml$)/.test(p));
  // The apps, their projects, ApplicationSets and vclusters of staging and both prod regions.
  expect(outsideDev.filter((p) => p.startsWith('apps/')).length).toBe(2 * 3);
  expect(outsideDev).toEqual(expect.arrayContaining([
    'argocd/projects/staging.yaml', 'argocd/projects/prod.yaml', 'argocd/appsets/prod/services.yaml', 'argocd/vclusters/prod-eu-west-1.yaml',
  ]));
  for (const p of outsideDev) expect({ p, content: after.get(p) }).toEqual({ p, content: before.get(p) });
  expect([...after.keys()].filter((p) => /(^|\/)(staging|prod)([-/]|\.yaml$)/.test(p))).toEqual(outsideDev);
});

test('what changes is dev\'s instances, dev\'s app lists and the matrix, each for a reason', () => {
  const added = [...after.keys()].filter((p) => !before.has(p));
  const removed = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...before.keys()].filter((p) => after.has(p) && after.get(p) !== before.get(p));
  expect(removed).toEqual([]);
  // The new instance.
  expect(added).toEqual(['apps/dev/us-east-1/payments/payments.yaml']);
  expect(changed.sort()).toEqual([
    'README.md', //                                the matrix has a row per app: payments, released in dev only
    'apps/dev/us-east-1/book-shop/book-shop.yaml', // book-shop admits its new caller where both run
    'argocd/appsets/dev/services.yaml', //         the app -> team map of dev's Applications gains payments
    'argocd/projects/dev.yaml', //                 dev's project allows exactly the deployed namespaces (+ payments) and teams
    'argocd/vclusters/dev-us-east-1.yaml', //      dev's vcluster quota is sized from its workload (+ payments' pods)
  ]);
  expect(after.get('apps/dev/us-east-1/book-shop/book-shop.yaml')).toContain('kubernetes.io/metadata.name: payments');
  expect(after.get('README.md')).toMatch(/\| payments \| `0\.1\.0-SNAPSHOT-1a2b3c4`[^|]*\| not released \| not released \| not released \|/);
});

test('the callee\'s ingress from a caller exists only where the caller runs', () => {
  // storefront runs everywhere: every book-shop admits it; payments only in dev.
  for (const [p, content] of after) {
    if (!/^apps\/[^/]+\/[^/]+\/book-shop\//.test(p)) continue;
    expect({ p, storefront: content.includes('kubernetes.io/metadata.name: storefront') }).toEqual({ p, storefront: true });
    expect({ p, payments: content.includes('kubernetes.io/metadata.name: payments') }).toEqual({ p, payments: p.startsWith('apps/dev/') });
  }
});
