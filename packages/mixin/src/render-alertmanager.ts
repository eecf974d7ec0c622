// Alertmanager configuration (0.25+, the Debian release the tests run; the compose image is newer):
// receivers from the notification settings (secrets read by Alertmanager from files), routes by
// environment and severity with the watchdog to a heartbeat, the Grafana-managed copies held back
// unless Grafana is the source that notifies, and each page inhibiting the tickets its definition names.
import { Document } from 'yaml';
import type { AlertDefinition } from './model.js';
import { CHAT_KINDS, type NotificationSettings, type ReceiverKind, notificationSettingsFromEnv } from './notifications/env.js';
import { EXAMPLE_NOTIFY_ENV } from './notifications/example.js';
import { PAGERDUTY_SEVERITY, TEXT, TITLE } from './notifications/messages.js';
import {
  BLACKHOLE,
  DEFAULT_ROUTE_TIMERS,
  GRAFANA_FOLDER_LABEL,
  notifyingRoutes,
  ROUTE_NAMES,
  timersDiff,
  validateTimers,
  type Matcher,
  type RouteName,
  type RouteTimers,
  type RoutingTree,
} from './notifications/routing.js';
import { GENERATED_HEADER } from './render-prometheus.js';

export interface AlertmanagerConfigOptions {
  /** Receivers, routes and the notifying source (`notificationSettingsFromEnv`). */
  readonly notifications: NotificationSettings;
  /** Timers per route; `ticket` is the root route's. */
  readonly timers: Readonly<Record<RouteName, RouteTimers>>;
}

/** The options the committed alertmanager/alertmanager.yml is rendered with (the example environment). */
export const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerConfigOptions = {
  notifications: notificationSettingsFromEnv(EXAMPLE_NOTIFY_ENV, { checkFiles: false }),
  timers: DEFAULT_ROUTE_TIMERS,
};

/** One rendered inhibit rule: while `source` fires, `target` is silenced where the `equal` labels agree. */
export interface InhibitionPair {
  source: string;
  target: string;
  /** Labels both alerts carry (their common instance labels), in the source's order. */
  equal: string[];
  reason: string;
}

/**
 * The inhibitions the definitions declare, as rendered: only a page silences, and never another page.
 * Throws on a name that is not an alert, so a renamed alert cannot leave a dead pair behind.
 */
export function inhibitionPairs(alerts: readonly AlertDefinition[]): InhibitionPair[] {
  const byName = new Map(alerts.map((a) => [a.name, a]));
  const pairs: InhibitionPair[] = [];
  for (const source of alerts) {
    for (const { alert, reason } of source.inhibits ?? []) {
      const target = byName.get(alert);
      if (!target) throw new Error(`${source.name} inhibits ${alert}, which is not an alert`);
      if (target === source) throw new Error(`${source.name} inhibits itself`);
      if (source.severity !== 'page' || target.severity === 'page') continue;
      pairs.push({ source: source.name, target: alert, equal: source.instanceLabels.filter((l) => target.instanceLabels.includes(l)), reason });
    }
  }
  return pairs;
}

/** inhibit_rules: one per page and set of matching labels, its targets by exact name. */
function inhibitRules(alerts: readonly AlertDefinition[]): Record<string, unknown>[] {
  const rules = new Map<string, { source: string; targets: string[]; equal: string[] }>();
  for (const p of inhibitionPairs(alerts)) {
    const key = `${p.source}|${p.equal.join(',')}`;
    const rule = rules.get(key) ?? { source: p.source, targets: [], equal: p.equal };
    rule.targets.push(p.target);
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => ({
    source_matchers: [`alertname="${r.source}"`, 'severity="page"'],
    target_matchers: [r.targets.length === 1 ? `alertname="${r.targets[0]}"` : `alertname=~"${r.targets.join('|')}"`],
    ...(r.equal.length ? { equal: r.equal } : {}),
  }));
}

/** A matcher in Alertmanager's string syntax: the value double-quoted, `\` and `"` escaped. */
export function amMatcher(m: Matcher): string {
  return `${m.label}${m.op}"${m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The tree Alertmanager routes with: Prometheus' alerts notify, Grafana's copies are held back. */
function alertmanagerTree(settings: NotificationSettings, timers: Readonly<Record<RouteName, RouteTimers>>): RoutingTree {
  const tree = notifyingRoutes(settings, timers);
  if (settings.source === 'grafana') return { ...tree, receiver: BLACKHOLE, routes: [] };
  return {
    ...tree,
    routes: [{ name: 'grafana-copies', receiver: BLACKHOLE, matchers: [{ label: GRAFANA_FOLDER_LABEL, op: '=~', value: '.+' }], timers: tree.timers }, ...tree.routes],
  };
}

const bearer = (file: string | undefined) => (file ? { http_config: { authorization: { type: 'Bearer', credentials_file: file } } } : {});

/** The integrations of one receiver, grouped by Alertmanager config key. */
function integrations(kinds: readonly ReceiverKind[], s: NotificationSettings): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const add = (key: string, config: unknown) => (out[key] ??= []).push(config);
  for (const kind of kinds) {
    if (kind === 'slack') add('slack_configs', { api_url_file: s.slack!.webhookUrlFile, send_resolved: true, title: TITLE, text: TEXT });
    if (kind === 'email') {
      const e = s.email!;
      add('email_configs', {
        to: e.to,
        from: e.from,
        smarthost: e.smarthost,
        headers: { Subject: TITLE },
        ...(e.username ? { auth_username: e.username, auth_password_file: e.passwordFile } : {}),
        require_tls: e.requireTls,
        send_resolved: true,
      });
    }
    if (kind === 'pagerduty') {
      add('pagerduty_configs', { routing_key_file: s.pagerduty!.routingKeyFile, ...(s.pagerduty!.url ? { url: s.pagerduty!.url } : {}), severity: PAGERDUTY_SEVERITY, send_resolved: true });
    }
    if (kind === 'webhook') add('webhook_configs', { url: s.webhook!.url, send_resolved: true, ...bearer(s.webhook!.tokenFile) });
    // Chat tools: Alertmanager has no integration, a relay (its URL from the settings) posts to the robot.
    if ((CHAT_KINDS as readonly string[]).includes(kind)) add('webhook_configs', { url: s[kind as (typeof CHAT_KINDS)[number]]!.relayUrl, send_resolved: true });
  }
  return out;
}

export function renderAlertmanagerConfig(alerts: readonly AlertDefinition[], opts: AlertmanagerConfigOptions = DEFAULT_ALERTMANAGER_OPTIONS): string {
  validateTimers(opts.timers);
  const s = opts.notifications;
  const tree = alertmanagerTree(s, opts.timers);
  const root = tree.timers;
  const prometheusNotifies = s.source === 'prometheus';
  const receivers = [
    ...(['page', 'ticket', 'info', 'staging'] as const).map((name) => ({ name, ...(prometheusNotifies ? integrations(s.routes[name], s) : {}) })),
    {
      name: 'heartbeat',
      // Never "resolved": a dead man's switch counts any request as a sign of life.
      ...(prometheusNotifies && s.heartbeat ? { webhook_configs: [{ url: s.heartbeat.url, send_resolved: false, max_alerts: 1, ...bearer(s.heartbeat.tokenFile) }] } : {}),
    },
    { name: BLACKHOLE },
  ];
  const config = {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: tree.receiver,
      group_by: [...tree.groupBy],
      group_wait: root.groupWait,
      group_interval: root.groupInterval,
      repeat_interval: root.repeatInterval,
      ...(tree.routes.length
        ? { routes: tree.routes.map((r) => ({ receiver: r.receiver, matchers: r.matchers.map(amMatcher), ...timersDiff(r.timers, root) })) }
        : {}),
    },
    // Each page silences the tickets its definition names (alerts.ts, `inhibits`; reasons in the runbook).
    inhibit_rules: inhibitRules(alerts),
    receivers,
  };
  const doc = new Document(config);
  doc.commentBefore = [
    ` Notifications come from the ${prometheusNotifies ? 'Prometheus rules (Grafana-managed copies, labelled grafana_folder, are held back)' : 'Grafana-managed rules through Grafana contact points: Alertmanager delivers nothing'}.`,
    ` Routes: watchdog -> heartbeat; not production (${s.productionEnvironments.join(', ')}) -> staging; then severity page / info / ticket.`,
    ' Secrets (webhook URLs, tokens, passwords, routing keys) are files Alertmanager reads when it sends; none is here.',
    ` Rendered from GENAI_METER_NOTIFY_* variables by genai-meter-notifications (packages/mixin); receivers: ${ROUTE_NAMES.map((r) => `${r}=${r === 'heartbeat' ? (s.heartbeat ? 'webhook' : '-') : s.routes[r].join('+') || '-'}`).join(' ')}.`,
  ].join('\n');
  return GENERATED_HEADER + doc.toString({ lineWidth: 0, indent: 2 });
}
