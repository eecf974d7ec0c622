// Alertmanager configuration (0.25+): route by severity, group per alert and service, each page
// inhibits the tickets its definition names (explicit pairs), example receivers without secrets.
import { Document } from 'yaml';
import type { Severity } from './config.js';
import type { AlertDefinition } from './model.js';
import { L } from './promnames.js';
import { GENERATED_HEADER } from './render-prometheus.js';

/** Alertmanager's notification timers for one route (Alertmanager duration strings). */
export interface RouteTimers {
  /** How long a new group waits for more alerts before its first notification. */
  groupWait: string;
  /** How long before notifying about alerts added to a group that was already notified. */
  groupInterval: string;
  /** How long before an unchanged, still-firing group is notified again. */
  repeatInterval: string;
}

export interface AlertmanagerConfigOptions {
  /** Paging webhook (a PagerDuty/Opsgenie bridge, DingTalk/Feishu relay, or the e2e test's listener). */
  pageWebhookUrl: string;
  /** Directory mounted into the Alertmanager container that holds the secret files. */
  secretsDir: string;
  slackChannel: { page: string; ticket: string; info: string };
  emailTo: string;
  emailFrom: string;
  smtpSmarthost: string;
  /** Timers per severity route; `ticket` is the root route's (tickets and anything unmatched). */
  timers: Readonly<Record<Severity, RouteTimers>>;
}

export const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerConfigOptions = {
  pageWebhookUrl: 'http://alert-webhook:9095/alerts',
  secretsDir: '/etc/alertmanager/secrets',
  slackChannel: { page: '#genai-oncall', ticket: '#genai-alerts', info: '#genai-info' },
  emailTo: 'genai-owners@example.com',
  emailFrom: 'alertmanager@example.com',
  smtpSmarthost: 'smtp.example.com:587',
  timers: {
    ticket: { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' },
    page: { groupWait: '10s', groupInterval: '5m', repeatInterval: '1h' },
    info: { groupWait: '30s', groupInterval: '5m', repeatInterval: '24h' },
  },
};

/** The same timers for every severity, e.g. `sameTimers('1s', '1s', '1m')` for a test. */
export function sameTimers(groupWait: string, groupInterval: string, repeatInterval: string): Record<Severity, RouteTimers> {
  const t = { groupWait, groupInterval, repeatInterval };
  return { page: t, ticket: t, info: t };
}

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

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

export function renderAlertmanagerConfig(
  alerts: readonly AlertDefinition[],
  opts: AlertmanagerConfigOptions = DEFAULT_ALERTMANAGER_OPTIONS,
): string {
  const severities = new Set(alerts.map((a) => a.severity));
  for (const [severity, t] of Object.entries(opts.timers)) {
    for (const [k, v] of Object.entries(t)) if (!DURATION.test(v)) throw new Error(`timers.${severity}.${k}: "${v}" is not an Alertmanager duration`);
  }
  const root = opts.timers.ticket;
  // A child route states only the timers that differ from the root's (it inherits the others).
  const childTimers = (t: RouteTimers) => ({
    ...(t.groupWait !== root.groupWait ? { group_wait: t.groupWait } : {}),
    ...(t.groupInterval !== root.groupInterval ? { group_interval: t.groupInterval } : {}),
    ...(t.repeatInterval !== root.repeatInterval ? { repeat_interval: t.repeatInterval } : {}),
  });
  const slack = (channel: string) => ({
    channel,
    send_resolved: true,
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service_name }}',
    text: '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
  });
  const config = {
    global: {
      resolve_timeout: '5m',
      // Secrets are read from files mounted at runtime; none is in the repository.
      slack_api_url_file: `${opts.secretsDir}/slack-webhook-url`,
      smtp_smarthost: opts.smtpSmarthost,
      smtp_from: opts.emailFrom,
      smtp_auth_username: opts.emailFrom,
      smtp_auth_password_file: `${opts.secretsDir}/smtp-password`,
      smtp_require_tls: true,
    },
    route: {
      receiver: 'ticket',
      group_by: ['alertname', L.service],
      group_wait: root.groupWait,
      group_interval: root.groupInterval,
      repeat_interval: root.repeatInterval,
      routes: [
        ...(severities.has('page') ? [{ receiver: 'page', matchers: ['severity="page"'], ...childTimers(opts.timers.page) }] : []),
        ...(severities.has('info') ? [{ receiver: 'info', matchers: ['severity="info"'], ...childTimers(opts.timers.info) }] : []),
      ],
    },
    // Each page silences the tickets its definition names (alerts.ts, `inhibits`; reasons in the runbook).
    inhibit_rules: inhibitRules(alerts),
    receivers: [
      {
        name: 'page',
        webhook_configs: [
          {
            url: opts.pageWebhookUrl,
            send_resolved: true,
            http_config: { authorization: { type: 'Bearer', credentials_file: `${opts.secretsDir}/webhook-token` } },
          },
        ],
        slack_configs: [slack(opts.slackChannel.page)],
      },
      {
        name: 'ticket',
        slack_configs: [slack(opts.slackChannel.ticket)],
        email_configs: [{ to: opts.emailTo, send_resolved: true }],
      },
      { name: 'info', slack_configs: [slack(opts.slackChannel.info)] },
    ],
  };
  const doc = new Document(config);
  doc.commentBefore = [
    ' Example receivers: put the Slack incoming-webhook URL, the SMTP password and the webhook bearer token',
    ` in files under ${opts.secretsDir} (mounted read-only); Alertmanager 0.25 reads *_file settings itself.`,
  ].join('\n');
  return GENERATED_HEADER + doc.toString({ lineWidth: 0, indent: 2 });
}
