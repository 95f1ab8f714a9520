import { createHash } from 'node:crypto';
import { parse, parseAllDocuments } from 'yaml';
import {
  addonFile, CATALOG_TEMPLATES, CATALOG_TRIGGERS, checkNotificationTeams, ConfigError, definePlatform, directoriesOf, NOTIFICATION_TRIGGERS, NOTIFICATIONS_FILE,
  PlatformDefinition, repoDirectories,
} from '../../lib/model';
import { expandApplicationSet } from '../../lib/policy/appset-expansion';
import { validateCustomResource } from '../../lib/policy/schemas';
import { planSynth, SynthPlan } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { configError } from '../support/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Argo CD notifications (lib/model/notifications.ts): the chart's values, the token's ExternalSecret, the Applications' subscriptions. */

const plan = planSynth(exampleInput);
const docsOf = (p: SynthPlan, path: string): any[] => {
  const file = p.files.find((f) => f.path === path);
  return file ? parseAllDocuments(file.content).map((d) => d.toJS()) : [];
};
const notificationValues = (): any => docsOf(plan, addonFile('host-us-east-1', 'argo-cd'))[0].spec.source.helm.valuesObject.notifications;
/** The Applications each env's ApplicationSet generates over the plan's directories (as the expansion check renders them). */
const generated = (p: SynthPlan) => {
  const dirs = repoDirectories('dist', directoriesOf(p.files.map((f) => f.path)));
  return p.files.filter((f) => f.path.startsWith('argocd/appsets/')).flatMap((f) => expandApplicationSet(docsOf(p, f.path)[0], dirs));
};
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('the catalog (argo-cd v3.4.4 notifications_catalog/)', () => {
  test('triggers verbatim, templates the files\' message and slack keys (sha256 of the texts)', () => {
    expect(Object.fromEntries(Object.entries(CATALOG_TRIGGERS).map(([k, t]) => [k, sha256(t.yaml)]))).toEqual({
      'on-sync-failed': '2a6fb72f5f3a9a31c74b4fe31351e0948324fa8112cf3b6d6a2e9b53090f81e4',
      'on-health-degraded': '21fb6ffe6551a220738846b8acdb15d8bdce03d9cbc7b52819eb92dd5b3cc34a',
      'on-deployed': '88a76d48de71cde5db8df52e79db08378054a0bbeaa5ac97cb5f67bc59337c76',
    });
    expect(Object.fromEntries(Object.entries(CATALOG_TEMPLATES).map(([k, t]) => [k, sha256(t)]))).toEqual({
      'app-sync-failed': 'a63429fe2e57557f620799f7c8bf49b75fcc1af7c57cc26535ab59de7478a25c',
      'app-health-degraded': '96bcc191ce23abc591009a149ac039361866c3669ce6c8d533c3a7ebaaaf323b',
      'app-deployed': '188cd222217f4d6d8dc1818653034019df7e9bc1141e6e08a50f8dd034c52a1c',
    });
  });

  test('each trigger sends the template named beside it; each template is YAML with a message and Slack attachments', () => {
    for (const [name, t] of Object.entries(CATALOG_TRIGGERS)) {
      const conditions = parse(t.yaml);
      expect([name, conditions.map((c: any) => c.send)]).toEqual([name, [[t.template]]]);
      expect(conditions[0].oncePer).toBe('app.status.operationState?.syncResult?.revision');
      const template = parse(CATALOG_TEMPLATES[t.template]);
      expect(Object.keys(template)).toEqual(['message', 'slack']);
      expect(typeof template.slack.attachments).toBe('string');
    }
  });
});

describe('the argo-cd add-on (fixture repository)', () => {
  test('the chart\'s notifications values: Slack with $slack-token, no chart Secret, the three triggers and their templates', () => {
    const n = notificationValues();
    expect(n).toMatchObject({
      enabled: true,
      argocdUrl: 'https://argocd.acme.io',
      secret: { create: false, name: 'argocd-notifications-secret' },
      notifiers: { 'service.slack': 'token: $slack-token\n' },
    });
    expect(Object.keys(n.triggers).sort()).toEqual(['trigger.on-deployed', 'trigger.on-health-degraded', 'trigger.on-sync-failed']);
    expect(Object.keys(n.templates).sort()).toEqual(['template.app-deployed', 'template.app-health-degraded', 'template.app-sync-failed']);
    for (const t of NOTIFICATION_TRIGGERS) expect(n.triggers[`trigger.${t}`]).toBe(CATALOG_TRIGGERS[t].yaml);
  });

  test('the token\'s Secret comes from AWS Secrets Manager through ESO on the hub, after the ApplicationSets; no value in Git', () => {
    const docs = docsOf(plan, NOTIFICATIONS_FILE);
    expect(docs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['SecretStore/argocd/argocd-notifications', 'ExternalSecret/argocd/argocd-notifications-secret']);
    const [store, es] = docs;
    expect(store.spec).toEqual({ provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } });
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'argocd-notifications' },
      target: { name: 'argocd-notifications-secret', creationPolicy: 'Owner' },
      data: [{ secretKey: 'slack-token', remoteRef: { key: 'argocd/notifications', property: 'slack-token' } }],
    });
    const appSetWave = Number(docsOf(plan, 'argocd/appsets/prod/services.yaml')[0].metadata.annotations['argocd.argoproj.io/sync-wave']);
    for (const o of docs) {
      expect(validateCustomResource(o)).toEqual([]);
      expect(Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(appSetWave);
    }
  });
});

describe('subscriptions on the generated Applications', () => {
  test('every Application subscribes its team\'s channel (others: the default) to the three triggers', () => {
    const apps = generated(plan);
    expect(apps.length).toBe(plan.resolved.instances.length);
    const channelOf: Record<string, string> = { 'book-shop': 'shop-deploys', echo: 'deploys', 'incident-assistant-backend': 'sre-deploys', 'incident-assistant-frontend': 'sre-deploys' };
    for (const a of apps) {
      const app = a.destination.namespace!;
      expect([a.name, a.annotations]).toEqual([a.name, {
        'notifications.argoproj.io/subscribe.on-sync-failed.slack': channelOf[app],
        'notifications.argoproj.io/subscribe.on-health-degraded.slack': channelOf[app],
        'notifications.argoproj.io/subscribe.on-deployed.slack': channelOf[app],
      }]);
    }
  });

  test('without notifications: no subscriptions and no Secret', () => {
    const { notifications: _, ...bare } = exampleInput.platform;
    const p = planSynth({ ...exampleInput, platform: bare as PlatformDefinition });
    expect(p.files.some((f) => f.path === NOTIFICATIONS_FILE)).toBe(false);
    expect(generated(p).every((a) => Object.keys(a.annotations).length === 0)).toBe(true);
  });
});

describe('envs/platform.ts `notifications`: one-line errors naming the field', () => {
  const SPEC = { labelDomain: 'platform.acme.io', gitops: { repoURL: 'https://github.com/acme/gitops.git' } };
  const SLACK = { default: 'deploys', teams: { shop: 'shop-deploys' }, token: { secret: 'argocd/notifications', region: 'us-east-1' } };
  const define = (notifications: unknown) => definePlatform({ ...SPEC, notifications } as never);
  const err = (notifications: unknown) => {
    const e = configError(() => define(notifications));
    return `${e.field}: ${e.reason}`;
  };

  test('defaults: the token\'s property is slack-token, its region the hub\'s', () => {
    expect(define({ argocdUrl: 'https://argocd.acme.io/', slack: SLACK }).notifications).toEqual({
      argocdUrl: 'https://argocd.acme.io',
      slack: { default: 'deploys', teams: { shop: 'shop-deploys' }, token: { secret: 'argocd/notifications', property: 'slack-token', region: 'us-east-1' } },
    });
    expect(exampleInput.platform.notifications!.slack.token.region).toBe('us-east-1'); // host-us-east-1 is the hub
  });

  test.each([
    ['a channel with a space', { slack: { ...SLACK, teams: { shop: 'shop deploys' } } }, 'notifications.slack.teams.shop: "shop deploys" is not allowed; allowed: a Slack channel name ("deploys" or "#deploys": lowercase letters, digits, ".", "-" and "_", at most 80) or a channel ID ("C0123456789")'],
    ['two channels (";" separates recipients)', { slack: { ...SLACK, default: 'a;b' } }, 'notifications.slack.default: "a;b" is not allowed; allowed: a Slack channel name'],
    ['no default channel', { slack: { ...SLACK, default: undefined } }, 'notifications.slack.default: must be a non-empty string, got nothing'],
    ['a token in Git', { slack: { ...SLACK, token: 'xoxb-1234' } }, 'notifications.slack.token: must be an object, got "xoxb-1234"'],
    ['a misspelled key', { slack: { ...SLACK, team: {} } }, 'notifications.slack.team: unknown key (did you mean "teams"?); allowed: default, teams, token'],
    ['no hub region to default to', { slack: { ...SLACK, token: { secret: 'argocd/notifications' } } }, 'notifications.slack.token.region: is required: no host is declared (hosts), so the hub\'s region is unknown'],
    ['an http URL', { argocdUrl: 'http://argocd.acme.io' }, 'notifications.argocdUrl: "http://argocd.acme.io" is not allowed; allowed: an https:// URL'],
  ])('refused: %s', (_name, change, message) => {
    expect(err({ argocdUrl: 'https://argocd.acme.io', slack: SLACK, ...change })).toContain(message);
  });

  test('a team no app has is refused when the apps are known (resolve)', () => {
    const def = define({ argocdUrl: 'https://argocd.acme.io', slack: { ...SLACK, teams: { shopp: 'shop-deploys' } } });
    const e = configError(() => checkNotificationTeams(def, exampleInput.apps));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`${__filename}: notifications.slack.teams.shopp: unknown team "shopp" (did you mean "shop"?); the teams of apps/: platform, shop, sre`);
    expect(() => planSynth({ ...exampleInput, platform: def })).toThrow('notifications.slack.teams.shopp: unknown team "shopp"');
  });
});
