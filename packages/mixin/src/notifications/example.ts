// The environment the committed alertmanager/alertmanager.yml and Grafana notification files are
// rendered from: every receiver Alertmanager delivers itself, a chat relay, and a heartbeat, so the
// shipped files show (and the tests validate) each shape. A deployment renders its own from its
// environment (genai-meter-notifications; docker-compose.yml does it at start).
import { NOTIFY_ENV } from './env.js';

export const EXAMPLE_NOTIFY_ENV: Readonly<Record<string, string>> = {
  [NOTIFY_ENV.source.name]: 'prometheus',
  [NOTIFY_ENV.page.name]: 'pagerduty,webhook',
  [NOTIFY_ENV.ticket.name]: 'slack,email',
  [NOTIFY_ENV.info.name]: 'slack',
  [NOTIFY_ENV.staging.name]: 'slack,dingtalk',
  [NOTIFY_ENV.heartbeatUrl.name]: 'https://heartbeat.example.com/ping/genai-meter',
  [NOTIFY_ENV.webhookUrl.name]: 'http://alert-webhook:9095/alerts',
  [NOTIFY_ENV.emailTo.name]: 'genai-owners@example.com',
  [NOTIFY_ENV.emailFrom.name]: 'alertmanager@example.com',
  [NOTIFY_ENV.smtpSmarthost.name]: 'smtp.example.com:587',
  [NOTIFY_ENV.smtpUsername.name]: 'alertmanager@example.com',
  [NOTIFY_ENV.dingtalkRelayUrl.name]: 'http://dingtalk-relay:8060/dingtalk/genai-meter/send',
};
