#!/usr/bin/env node
// genai-meter-notifications: renders the Alertmanager config and Grafana's contact points and policies
// from GENAI_METER_NOTIFY_* variables, after checking them (and that every secret file exists).
// docker-compose.yml runs it before Alertmanager and Grafana start; a bad setting stops the stack
// with one line per problem.
//
//   genai-meter-notifications --alertmanager out/alertmanager.yml --grafana out/grafana-alerting \
//     [--grafana-rules-from grafana/provisioning/alerting] [--no-check-files]
import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { alertDefinitions } from './alerts.js';
import { settings as mixinSettings } from './config.js';
import { notificationProvisioningFiles } from './grafana/provisioning.js';
import { CHAT_KINDS, NOTIFY_ENV, NotificationConfigError, notificationSettingsFromEnv, RECEIVER_ROUTES, type NotificationSettings, type ReceiverKind } from './notifications/env.js';
import { DEFAULT_ROUTE_TIMERS, stagingMatcher, WATCHDOG_ALERT } from './notifications/routing.js';
import { amMatcher, renderAlertmanagerConfig } from './render-alertmanager.js';

const USAGE = `usage: genai-meter-notifications [--alertmanager FILE] [--grafana DIR] [--grafana-rules-from DIR] [--no-check-files]

  --alertmanager FILE       write the Alertmanager configuration
  --grafana DIR             write Grafana's contact points and notification policies into DIR
  --grafana-rules-from DIR  also copy the other alerting provisioning files (the rules) from DIR
  --no-check-files          do not check that the secret files exist (rendering elsewhere than where it runs)

Variables:
${Object.values(NOTIFY_ENV)
  .map((v) => `  ${v.name}\n      ${v.help.replace(/`/g, '')}`)
  .join('\n')}
`;

/** Writes through a temporary file, so a reader never sees half a configuration. */
function writeAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp`);
  writeFileSync(tmp, content, { mode: 0o644 });
  renameSync(tmp, path);
}

const delivery = (kind: ReceiverKind, s: NotificationSettings): string => {
  if (s.source === 'grafana') return `${kind} (Grafana)`;
  return (CHAT_KINDS as readonly string[]).includes(kind) ? `${kind} (Alertmanager -> relay ${s[kind as (typeof CHAT_KINDS)[number]]!.relayUrl})` : `${kind} (Alertmanager)`;
};

function summary(s: NotificationSettings): string[] {
  const lines = [`notifications come from the ${s.source === 'prometheus' ? 'Prometheus rules, through Alertmanager' : 'Grafana-managed rules, through Grafana contact points'}`];
  for (const route of RECEIVER_ROUTES) {
    const kinds = s.routes[route];
    lines.push(`  ${route.padEnd(9)} ${kinds.length ? kinds.map((k) => delivery(k, s)).join(', ') : 'nobody (shown in the UIs only)'}`);
  }
  lines.push(`  ${'heartbeat'.padEnd(9)} ${s.heartbeat ? `${WATCHDOG_ALERT} to ${new URL(s.heartbeat.url).origin}/... every minute` : `nobody: no dead man's switch (${NOTIFY_ENV.heartbeatUrl.name} is unset)`}`);
  lines.push(`  staging is ${amMatcher(stagingMatcher(s))}`);
  return lines;
}

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
    options: {
      alertmanager: { type: 'string' },
      grafana: { type: 'string' },
      'grafana-rules-from': { type: 'string' },
      'no-check-files': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`genai-meter-notifications: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!values.alertmanager && !values.grafana) {
    process.stderr.write(`genai-meter-notifications: nothing to write\n${USAGE}`);
    return 2;
  }
  let notifications: NotificationSettings;
  try {
    notifications = notificationSettingsFromEnv(process.env, { checkFiles: !values['no-check-files'] });
  } catch (error) {
    if (!(error instanceof NotificationConfigError)) throw error;
    process.stderr.write(`genai-meter-notifications: ${error.message}\n`);
    return 1;
  }
  const alerts = alertDefinitions(mixinSettings);
  if (values.alertmanager) {
    writeAtomic(values.alertmanager, renderAlertmanagerConfig(alerts, { notifications, timers: DEFAULT_ROUTE_TIMERS }));
    console.log(`wrote ${values.alertmanager}`);
  }
  if (values.grafana) {
    const files = notificationProvisioningFiles(notifications);
    const names = new Set(Object.keys(files).map((p) => basename(p)));
    const from = values['grafana-rules-from'];
    if (from) {
      for (const name of readdirSync(from)) {
        if (names.has(name) || !/\.(ya?ml|json)$/.test(name)) continue;
        mkdirSync(values.grafana, { recursive: true });
        copyFileSync(join(from, name), join(values.grafana, name));
        console.log(`copied ${join(values.grafana, name)}`);
      }
    }
    for (const [path, content] of Object.entries(files)) {
      writeAtomic(join(values.grafana, basename(path)), content);
      console.log(`wrote ${join(values.grafana, basename(path))}`);
    }
  }
  for (const line of summary(notifications)) console.log(line);
  return 0;
}

process.exitCode = main();
