import type { AppRegistry } from './app';
import { sourceOf } from './app';
import { CATALOG_TEMPLATES, CATALOG_TRIGGERS } from './argocd-notifications-catalog';
import { Checker, closest } from './check';
import type { ArgoCdValues } from './chart-values';
import { ConfigError, joinPath } from './errors';
import { AWS_REGION, HostClusterDefinition } from './topology';

/**
 * Argo CD notifications (pure): envs/platform.ts `notifications` says where each team hears about its
 * deploys. The argo-cd chart's notifications controller gets the catalog's triggers and templates and a
 * Slack service ({@link argoCdNotificationsValues}, in envs/addons.ts); its token comes from AWS Secrets
 * Manager through External Secrets Operator on the hub (lib/constructs/argocd/notifications-secret.ts),
 * never from Git; every generated Application subscribes its team's channel to {@link NOTIFICATION_TRIGGERS}
 * (lib/constructs/argocd/services-application-set.ts).
 */

/** envs/platform.ts `notifications`. */
export interface NotificationsSpec {
  /** Argo CD's URL, for the links in messages (chart `notifications.argocdUrl`). @example 'https://argocd.acme.io' */
  readonly argocdUrl: string;
  /** Slack, the one service. */
  readonly slack: SlackNotificationsSpec;
}

/** Slack channels by team, and where the bot token is. */
export interface SlackNotificationsSpec {
  /** The channel of apps whose team is not in `teams`. */
  readonly default: string;
  /**
   * A channel per team (the apps' `team`): each app's Applications post there.
   * @default {} (every app posts to `default`)
   */
  readonly teams?: { readonly [team: string]: string };
  /** The bot token (`chat:write`): an AWS Secrets Manager secret the hub's External Secrets Operator reads. */
  readonly token: SlackTokenSpec;
}

/** Where the Slack bot token is kept: an AWS Secrets Manager secret (JSON) and its property. */
export interface SlackTokenSpec {
  /** The secret's name. @example 'argocd/notifications' */
  readonly secret: string;
  /**
   * The property of the JSON secret holding the token.
   * @default 'slack-token'
   */
  readonly property?: string;
  /**
   * The secret's region.
   * @default the hub's region (envs/platform.ts hosts); required when no host is declared
   */
  readonly region?: string;
}

/** `notifications` with defaults filled in. */
export interface NotificationsDefinition {
  readonly argocdUrl: string;
  readonly slack: {
    readonly default: string;
    readonly teams: { readonly [team: string]: string };
    readonly token: Required<SlackTokenSpec>;
  };
}

/** The triggers every Application subscribes its team's channel to (argo-cd notifications_catalog/triggers). */
export const NOTIFICATION_TRIGGERS = ['on-sync-failed', 'on-health-degraded', 'on-deployed'] as const;
export type NotificationTrigger = (typeof NOTIFICATION_TRIGGERS)[number];
/** The notifications controller's Secret (argo-cd `--secret-name` default; chart `notifications.secret.name`). */
export const NOTIFICATIONS_SECRET = 'argocd-notifications-secret';
/** The key of that Secret the Slack service reads (`token: $slack-token`). */
export const SLACK_TOKEN_KEY = 'slack-token';

/**
 * A Slack channel as chat.postMessage takes it (notifications-engine passes the recipient unchanged): a name,
 * with or without "#", or a channel ID. No ";" (it separates recipients in the annotation).
 */
const CHANNEL = /^(#?[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,})$/;
const CHANNEL_ALLOWED = 'a Slack channel name ("deploys" or "#deploys": lowercase letters, digits, ".", "-" and "_", at most 80) or a channel ID ("C0123456789")';
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~%/-]*)?$/;
/** An AWS Secrets Manager secret name: letters, digits and /_+=.@- (at most 512). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const PROPERTY = /^[A-Za-z0-9_.-]{1,253}$/;

/** Checks envs/platform.ts `notifications` (one-line errors naming the field); `hosts` give the hub's region. */
export function checkNotifications(c: Checker, value: unknown, path: string, hosts: readonly HostClusterDefinition[]): NotificationsDefinition {
  const n = c.object(value, path);
  c.keys(n, path, ['argocdUrl', 'slack']);
  const argocdUrl = c.string(n.argocdUrl, joinPath(path, 'argocdUrl'), { pattern: HTTPS_URL, allowed: 'an https:// URL such as "https://argocd.acme.io"' }).replace(/\/$/, '');
  const sp = joinPath(path, 'slack');
  const s = c.object(n.slack, sp);
  c.keys(s, sp, ['default', 'teams', 'token']);
  const channel = { pattern: CHANNEL, allowed: CHANNEL_ALLOWED };
  const dflt = c.string(s.default, joinPath(sp, 'default'), channel);
  const teams: Record<string, string> = {};
  if (s.teams !== undefined) {
    for (const [team, ch] of Object.entries(c.object(s.teams, joinPath(sp, 'teams')))) teams[team] = c.string(ch, joinPath(sp, 'teams', team), channel);
  }
  const tp = joinPath(sp, 'token');
  const t = c.object(s.token, tp);
  c.keys(t, tp, ['secret', 'property', 'region']);
  const secret = c.string(t.secret, joinPath(tp, 'secret'), { pattern: SECRET_NAME, allowed: 'an AWS Secrets Manager secret name such as "argocd/notifications"' });
  const property = c.optionalString(t.property, joinPath(tp, 'property'), { pattern: PROPERTY, allowed: 'a JSON property name such as "slack-token"' }) ?? SLACK_TOKEN_KEY;
  const hubRegion = hosts.find((h) => h.hub)?.region;
  const region = c.optionalString(t.region, joinPath(tp, 'region'), { pattern: AWS_REGION, allowed: 'an AWS region such as "us-east-1"' }) ?? hubRegion;
  if (region === undefined) c.fail(joinPath(tp, 'region'), 'is required: no host is declared (hosts), so the hub\'s region is unknown');
  return { argocdUrl, slack: { default: dflt, teams, token: { secret, property, region: region! } } };
}

/**
 * Refuses a team in `notifications.slack.teams` that no app of the registry has (a typo would silently send that
 * team's deploys to the default channel). Named after envs/platform.ts.
 */
export function checkNotificationTeams(platform: { readonly notifications?: NotificationsDefinition }, apps: AppRegistry): void {
  const teams = Object.keys(platform.notifications?.slack.teams ?? {});
  if (teams.length === 0) return;
  const known = [...new Set(Object.values(apps).map((a) => a.team))].sort();
  for (const team of teams) {
    if (known.includes(team)) continue;
    const hint = closest(team, known);
    throw new ConfigError(sourceOf(platform), joinPath('notifications.slack.teams', team),
      `unknown team "${team}"${hint ? ` (did you mean "${hint}"?)` : ''}; the teams of apps/: ${known.join(', ')}`);
  }
}

/** The Slack channel of a team's apps. */
export function slackChannelOf(n: NotificationsDefinition, team: string): string {
  return Object.prototype.hasOwnProperty.call(n.slack.teams, team) ? n.slack.teams[team] : n.slack.default;
}

/** An Application's subscription annotation (notifications-engine pkg/subscriptions/annotations.go `SubscribeAnnotationKey`). */
export function subscribeAnnotation(trigger: NotificationTrigger, service: 'slack'): string {
  return `notifications.argoproj.io/subscribe.${trigger}.${service}`;
}

/**
 * The argo-cd chart's `notifications` values (argo-helm@argo-cd-10.1.1 charts/argo-cd/values.yaml; the chart
 * copies `notifiers`, `templates` and `triggers` into argocd-notifications-cm as they are,
 * templates/argocd-configs/argocd-notifications-cm.yaml): the Slack service reading `$slack-token` from
 * argocd-notifications-secret, which the chart must not create (`secret.create: false`: ESO writes it), and
 * the catalog's triggers and the templates they send. Spread into the add-on's values: `{}` without notifications.
 */
export function argoCdNotificationsValues(platform: { readonly notifications?: NotificationsDefinition }): Pick<ArgoCdValues, 'notifications'> {
  const n = platform.notifications;
  if (!n) return {};
  const triggers: Record<`trigger.${string}`, string> = {};
  const templates: Record<`template.${string}`, string> = {};
  for (const name of NOTIFICATION_TRIGGERS) {
    const trigger = CATALOG_TRIGGERS[name];
    triggers[`trigger.${name}`] = trigger.yaml;
    templates[`template.${trigger.template}`] = CATALOG_TEMPLATES[trigger.template];
  }
  return {
    notifications: {
      enabled: true,
      argocdUrl: n.argocdUrl,
      secret: { create: false, name: NOTIFICATIONS_SECRET },
      notifiers: { 'service.slack': `token: $${SLACK_TOKEN_KEY}\n` },
      triggers,
      templates,
    },
  };
}
