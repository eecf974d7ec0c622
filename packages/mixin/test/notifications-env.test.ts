// Notification settings from the environment: every mistake is reported at once, naming its variable
// and what is wrong; secrets only as files. And the genai-meter-notifications CLI as a real process:
// exit status and messages on bad input, files that amtool accepts on good input.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NOTIFY_ENV as N, NotificationConfigError, notificationSettingsFromEnv, PROVISIONING_PATHS, SECRET_FILES } from '../src/index.js';
import { findTool, run } from './tools.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

function problems(env: Record<string, string>, checkFiles = true): readonly string[] {
  try {
    notificationSettingsFromEnv(env, { checkFiles });
  } catch (error) {
    expect(error).toBeInstanceOf(NotificationConfigError);
    return (error as NotificationConfigError).problems;
  }
  return [];
}

let dir: string;
let secrets: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'genai-mixin-notify-'));
  secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  writeFileSync(join(secrets, SECRET_FILES.slack), 'https://hooks.slack.example/services/T/B/x\n');
  writeFileSync(join(secrets, SECRET_FILES.pagerduty), 'routing-key');
  writeFileSync(join(secrets, SECRET_FILES.webhookToken), '');
  mkdirSync(join(secrets, SECRET_FILES.smtpPassword));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('notificationSettingsFromEnv', () => {
  it('nothing set: Prometheus notifies nobody, production is production|prod, unlabelled alerts count as production', () => {
    expect(notificationSettingsFromEnv({})).toEqual({
      source: 'prometheus',
      routes: { page: [], ticket: [], info: [], staging: [] },
      productionEnvironments: ['production', 'prod'],
      unlabelledEnvironment: 'production',
    });
    // Empty values are unset (compose passes every variable, empty when the user set none).
    expect(notificationSettingsFromEnv({ [N.page.name]: '', [N.source.name]: ' ' })).toEqual(notificationSettingsFromEnv({}));
  });

  it('reads receivers, their settings and secret files (paths only, never their content)', () => {
    const s = notificationSettingsFromEnv({
      [N.secretsDir.name]: secrets,
      [N.page.name]: ' pagerduty , slack ',
      [N.ticket.name]: 'slack',
      [N.staging.name]: 'wecom',
      [N.source.name]: 'grafana',
      [N.wecomWebhookUrlFile.name]: join(secrets, SECRET_FILES.pagerduty),
      [N.productionEnvironments.name]: 'live, prod.eu',
      [N.unlabelledEnvironment.name]: 'staging',
      [N.heartbeatUrl.name]: 'https://hc-ping.example/uuid',
    });
    expect(s).toEqual({
      source: 'grafana',
      routes: { page: ['pagerduty', 'slack'], ticket: ['slack'], info: [], staging: ['wecom'] },
      productionEnvironments: ['live', 'prod.eu'],
      unlabelledEnvironment: 'staging',
      heartbeat: { url: 'https://hc-ping.example/uuid' },
      slack: { webhookUrlFile: join(secrets, SECRET_FILES.slack) },
      pagerduty: { routingKeyFile: join(secrets, SECRET_FILES.pagerduty) },
      wecom: { webhookUrlFile: join(secrets, SECRET_FILES.pagerduty) },
    });
  });

  it('reports every problem at once, each with its variable and what is wrong', () => {
    const found = problems({
      [N.secretsDir.name]: secrets,
      [N.source.name]: 'alertmanager',
      [N.page.name]: 'pagerdutty,webhook,webhook',
      [N.ticket.name]: 'slack,email,pagerduty',
      [N.staging.name]: 'pagerduty',
      [N.productionEnvironments.name]: 'prod,"live"',
      [N.unlabelledEnvironment.name]: 'dev',
      [N.webhookUrl.name]: 'ftp://hooks.example',
      [N.smtpUsername.name]: 'am',
      [N.emailTo.name]: 'oncall@example.com',
      [N.smtpSmarthost.name]: 'smtp.example.com',
      [N.smtpRequireTls.name]: 'yes',
      [N.heartbeatTokenFile.name]: join(secrets, 'hb'),
    });
    expect(found).toEqual([
      `${N.source.name}: "alertmanager" is neither prometheus nor grafana`,
      `${N.page.name}: unknown receiver "pagerdutty" (known: slack, email, pagerduty, webhook, dingtalk, feishu, wecom)`,
      `${N.page.name}: "webhook" is listed twice`,
      `${N.staging.name}: pagerduty pages, and staging never pages; send staging to a chat or ticket receiver, or to nobody`,
      `${N.productionEnvironments.name}: ""live"" is not an environment name (letters, digits, _ . -)`,
      `${N.unlabelledEnvironment.name}: "dev" is neither production nor staging`,
      `${N.heartbeatTokenFile.name}: set without ${N.heartbeatUrl.name}`,
      `${N.smtpRequireTls.name}: "yes" is neither true nor false`,
      `${N.smtpSmarthost.name}: "smtp.example.com" is not host:port`,
      `${N.emailFrom.name}: required (email is in ${N.ticket.name})`,
      `${N.smtpPasswordFile.name} (unset, so ${N.secretsDir.name}/smtp-password): ${join(secrets, 'smtp-password')} is not a file (${N.smtpUsername.name} is set: the SMTP password)`,
      `${N.webhookUrl.name}: "ftp://hooks.example" is not an http(s) URL`,
      `${N.webhookTokenFile.name} (unset, so ${N.secretsDir.name}/webhook-token): ${join(secrets, 'webhook-token')} is empty (webhook is in ${N.page.name} with ${N.webhookAuth.name}=bearer: the bearer token)`,
    ]);
  });

  it('secrets are files: a secret in a variable, a URL or relative path in a *_FILE variable, a missing file are errors', () => {
    expect(problems({ GENAI_METER_NOTIFY_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/x', GENAI_METER_NOTIFY_PAGE_RECEIVERS: 'slack' })).toEqual([
      'GENAI_METER_NOTIFY_SLACK_WEBHOOK_URL: secrets are read from files, never from variables: put the value in a file and set GENAI_METER_NOTIFY_SLACK_WEBHOOK_URL_FILE to its path',
      expect.stringMatching(/^GENAI_METER_NOTIFY_PAGE_RECEIVERS: unknown variable \(known: GENAI_METER_NOTIFY_SOURCE, GENAI_METER_NOTIFY_PAGE, /),
    ]);
    const base = { [N.page.name]: 'slack', [N.secretsDir.name]: secrets };
    expect(problems({ ...base, [N.slackWebhookUrlFile.name]: 'https://hooks.slack.example/x' })).toEqual([
      `${N.slackWebhookUrlFile.name}: holds a URL, but it must be the path of a file that contains the secret`,
    ]);
    expect(problems({ ...base, [N.slackWebhookUrlFile.name]: 'secrets/slack' })).toEqual([`${N.slackWebhookUrlFile.name}: "secrets/slack" is not an absolute path`]);
    expect(problems({ ...base, [N.slackWebhookUrlFile.name]: '/run/secrets/${SLACK}' })).toEqual([`${N.slackWebhookUrlFile.name}: "/run/secrets/\${SLACK}" contains one of $ { } " or a newline`]);
    expect(problems({ ...base, [N.secretsDir.name]: join(dir, 'nowhere') })).toEqual([
      `${N.slackWebhookUrlFile.name} (unset, so ${N.secretsDir.name}/slack-webhook-url): ${join(dir, 'nowhere', 'slack-webhook-url')} does not exist (slack is in ${N.page.name}: the Slack incoming-webhook URL)`,
    ]);
    expect(problems({ ...base, [N.secretsDir.name]: 'secrets' })).toEqual([`${N.secretsDir.name}: "secrets" is not an absolute path`, expect.stringContaining('is not an absolute path')]);
    // Rendering for another machine: the paths are kept, the files not looked at.
    expect(problems({ ...base, [N.secretsDir.name]: '/elsewhere' }, false)).toEqual([]);
  });

  it('chat tools: a relay URL when Prometheus notifies (Alertmanager has no integration), the robot URL file when Grafana does', () => {
    expect(problems({ [N.staging.name]: 'dingtalk,feishu' })).toEqual([
      `${N.dingtalkRelayUrl.name}: required (dingtalk is in ${N.staging.name} and ${N.source.name}=prometheus: Alertmanager has no DingTalk integration, so it posts to a relay; or set ${N.source.name}=grafana to use Grafana's native DingTalk contact point)`,
      `${N.feishuRelayUrl.name}: required (feishu is in ${N.staging.name} and ${N.source.name}=prometheus: Alertmanager has no Feishu/Lark integration, so it posts to a relay; or set ${N.source.name}=grafana to use Grafana's webhook with a Feishu payload)`,
    ]);
    expect(problems({ [N.staging.name]: 'wecom', [N.source.name]: 'grafana', [N.secretsDir.name]: secrets })).toEqual([
      `${N.wecomWebhookUrlFile.name} (unset, so ${N.secretsDir.name}/wecom-webhook-url): ${join(secrets, 'wecom-webhook-url')} does not exist (wecom is in ${N.staging.name}: the WeCom robot URL, which carries its token)`,
    ]);
    expect(notificationSettingsFromEnv({ [N.staging.name]: 'wecom', [N.wecomRelayUrl.name]: 'http://wecom-relay:8087/send' }).wecom).toEqual({ relayUrl: 'http://wecom-relay:8087/send' });
    // E-mail from Grafana goes through Grafana's own SMTP settings: only the recipients are needed.
    expect(notificationSettingsFromEnv({ [N.source.name]: 'grafana', [N.ticket.name]: 'email', [N.emailTo.name]: 'oncall@example.com' }).email).toEqual({ to: 'oncall@example.com', requireTls: true });
    expect(problems({ [N.ticket.name]: 'email', [N.emailTo.name]: 'oncall@example.com' })).toEqual([
      `${N.smtpSmarthost.name}: required (email is in ${N.ticket.name})`,
      `${N.emailFrom.name}: required (email is in ${N.ticket.name})`,
    ]);
  });
});

describe('genai-meter-notifications (the CLI, as a process)', () => {
  const tsx = join(repoRoot, 'node_modules/.bin/tsx');
  const cli = join(repoRoot, 'packages/mixin/src/notifications-cli.ts');
  const runCli = (args: string[], env: Record<string, string>) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GENAI_METER_NOTIFY_')));
    return spawnSync(tsx, [cli, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
  };

  it('bad settings: exit 1, nothing written, one line per problem on stderr', () => {
    const out = join(dir, 'bad');
    const r = runCli(['--alertmanager', join(out, 'alertmanager.yml')], { [N.page.name]: 'pagerduty,sms', [N.secretsDir.name]: secrets, GENAI_METER_NOTIFY_PAGERDUTY_ROUTING_KEY: 'abc' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('invalid notification settings (2 problems):');
    expect(r.stderr).toContain(`GENAI_METER_NOTIFY_PAGERDUTY_ROUTING_KEY: secrets are read from files, never from variables: put the value in a file and set ${N.pagerdutyRoutingKeyFile.name} to its path`);
    expect(r.stderr).toContain(`${N.page.name}: unknown receiver "sms"`);
    expect(() => readdirSync(out)).toThrow();
    expect(runCli([], {}).status).toBe(2);
    expect(runCli(['--alertmanager'], {}).stderr).toContain("Option '--alertmanager <value>' argument missing");
  });

  it('good settings: an Alertmanager config amtool accepts, Grafana files next to the copied rules, a summary of the routes', () => {
    const out = join(dir, 'good');
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'genai-meter-rules.yml'), 'apiVersion: 1\ngroups: []\n');
    writeFileSync(join(rules, 'genai-meter-policies.yml'), 'stale: true\n');
    const r = runCli(['--alertmanager', join(out, 'am', 'alertmanager.yml'), '--grafana', join(out, 'grafana'), '--grafana-rules-from', rules], {
      [N.secretsDir.name]: secrets,
      [N.page.name]: 'pagerduty',
      [N.ticket.name]: 'slack',
      [N.staging.name]: 'dingtalk',
      [N.dingtalkRelayUrl.name]: 'http://dingtalk-relay:8060/dingtalk/genai/send',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('notifications come from the Prometheus rules, through Alertmanager');
    expect(r.stdout).toContain('page      pagerduty (Alertmanager)');
    expect(r.stdout).toContain('staging   dingtalk (Alertmanager -> relay http://dingtalk-relay:8060/dingtalk/genai/send)');
    expect(r.stdout).toContain(`heartbeat nobody: no dead man's switch (${N.heartbeatUrl.name} is unset)`);
    const amtool = findTool('amtool');
    const check = run(amtool, ['check-config', join(out, 'am', 'alertmanager.yml')], dir);
    expect(check.stdout).toContain('SUCCESS');
    expect(check.status).toBe(0);
    expect(readdirSync(join(out, 'grafana')).sort()).toEqual(['genai-meter-contact-points.yml', 'genai-meter-policies.yml', 'genai-meter-rules.yml']);
    // The rendered policy replaces the stale one; the rules are copied as they are.
    expect(readFileSync(join(out, 'grafana', 'genai-meter-rules.yml'), 'utf8')).toBe('apiVersion: 1\ngroups: []\n');
    expect((parse(readFileSync(join(out, 'grafana', 'genai-meter-policies.yml'), 'utf8')) as { policies: unknown[] }).policies).toHaveLength(1);
    expect(PROVISIONING_PATHS.policies.endsWith('/genai-meter-policies.yml')).toBe(true);
  });

  it('--help and the README list every variable', () => {
    const r = runCli(['--help'], {});
    expect(r.status).toBe(0);
    const readme = readFileSync(join(repoRoot, 'packages/mixin/README.md'), 'utf8');
    for (const v of Object.values(N)) {
      expect(r.stdout).toContain(v.name);
      expect(readme, v.name).toContain(`| \`${v.name}\` |`);
    }
  });
});
