// Alertmanager configuration (0.25+): route by severity, group per alert and service, a page
// inhibits the ticket of the same category and service, example receivers without secrets.
import { Document } from 'yaml';
import type { AlertDefinition } from './model.js';
import { L } from './promnames.js';
import { GENERATED_HEADER } from './render-prometheus.js';

export interface AlertmanagerConfigOptions {
  /** Paging webhook (a PagerDuty/Opsgenie bridge, DingTalk/Feishu relay, or the e2e test's listener). */
  pageWebhookUrl: string;
  /** Directory mounted into the Alertmanager container that holds the secret files. */
  secretsDir: string;
  slackChannel: { page: string; ticket: string; info: string };
  emailTo: string;
  emailFrom: string;
  smtpSmarthost: string;
}

export const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerConfigOptions = {
  pageWebhookUrl: 'http://alert-webhook:9095/alerts',
  secretsDir: '/etc/alertmanager/secrets',
  slackChannel: { page: '#genai-oncall', ticket: '#genai-alerts', info: '#genai-info' },
  emailTo: 'genai-owners@example.com',
  emailFrom: 'alertmanager@example.com',
  smtpSmarthost: 'smtp.example.com:587',
};

export function renderAlertmanagerConfig(
  alerts: readonly AlertDefinition[],
  opts: AlertmanagerConfigOptions = DEFAULT_ALERTMANAGER_OPTIONS,
): string {
  const severities = new Set(alerts.map((a) => a.severity));
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
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        ...(severities.has('page')
          ? [{ receiver: 'page', matchers: ['severity="page"'], group_wait: '10s', repeat_interval: '1h' }]
          : []),
        ...(severities.has('info') ? [{ receiver: 'info', matchers: ['severity="info"'], repeat_interval: '24h' }] : []),
      ],
    },
    inhibit_rules: [
      {
        // A page silences the ticket about the same thing (category) for the same service,
        // e.g. GenAIErrorBudgetBurnFast silences GenAIErrorBudgetBurnSlow, P99 silences P95.
        source_matchers: ['severity="page"'],
        target_matchers: ['severity="ticket"'],
        equal: [L.service, 'category'],
      },
    ],
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
