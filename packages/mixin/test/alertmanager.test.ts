// The generated Alertmanager config on the real tools: amtool check-config on every shape the
// environment can give, amtool's routing for staging vs production, page vs ticket, the watchdog and
// the Grafana copies, and a real Alertmanager delivering each route to a local listener (PagerDuty,
// webhook, Slack, a DingTalk relay, the heartbeat) with the secrets read from files. Plus inhibition
// read back from Alertmanager's own API (suppressed + inhibitedBy) and the timer options.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startAlertmanager, startSink, type Alertmanager, type Sink } from '../../../tests/e2e/stack.js';
import { amAlerts } from '../../../tests/e2e/prom-api.js';
import { stopAll, waitFor } from '../../../tests/support/tools.js';
import {
  alertDefinitions,
  DEFAULT_ROUTE_TIMERS,
  EXAMPLE_NOTIFY_ENV,
  inhibitionPairs,
  L,
  NOTIFY_ENV,
  notificationSettingsFromEnv,
  renderAlertmanagerConfig,
  sameTimers,
  settings,
  WATCHDOG_ALERT,
  type AlertDefinition,
} from '../src/index.js';
import { findTool, run } from './tools.js';

const defs = alertDefinitions(settings);
const def = (name: string): AlertDefinition => defs.find((a) => a.name === name)!;
const N = NOTIFY_ENV;

/** The labels Prometheus puts on a firing instance of `name` (rule labels + its instance labels). */
function alertLabels(name: string, instance: Record<string, string>): Record<string, string> {
  const a = def(name);
  const labels: Record<string, string> = { alertname: name, severity: a.severity, category: a.category };
  for (const l of a.instanceLabels) labels[l] = instance[l] ?? `unset-${l}`;
  return labels;
}

/** As the rules annotate them; an alert of the nightly job stands for one without a dashboard link. */
function annotationsFor(labels: Record<string, string>): Record<string, string> {
  const service = labels[L.service];
  return {
    summary: `${labels.alertname} summary`,
    runbook_url: `https://runbook.example/#${labels.alertname?.toLowerCase()}`,
    ...(service && service !== 'nightly-job' ? { dashboard_url: `https://grafana.example/d/genai-meter-reliability?var-service=${service}` } : {}),
  };
}

async function postAlerts(amUrl: string, alerts: Record<string, string>[]): Promise<void> {
  const res = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: annotationsFor(labels), startsAt: new Date().toISOString() }))),
  });
  expect(res.status).toBe(200);
}

const CHECKOUT = { [L.service]: 'checkout', [L.environment]: 'prod', [L.provider]: 'openai', [L.requestModel]: 'gpt-4o', [L.errorType]: 'server_error' };

describe('inhibition on a real Alertmanager', () => {
  let dir: string;
  let am: Alertmanager;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genai-mixin-am-'));
    const notifications = notificationSettingsFromEnv(
      // Discard port: deliveries fail quietly, inhibition does not depend on them.
      { [N.secretsDir.name]: join(dir, 'secrets'), [N.page.name]: 'webhook', [N.ticket.name]: 'slack', [N.webhookUrl.name]: 'http://127.0.0.1:9/page' },
      { checkFiles: false },
    );
    am = await startAlertmanager(dir, renderAlertmanagerConfig(defs, { notifications, timers: DEFAULT_ROUTE_TIMERS }), 'http://127.0.0.1:9');
  });

  afterAll(async () => {
    await stopAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a firing page silences exactly the tickets it names, where their common labels agree', async () => {
    const pairs = inhibitionPairs(defs);
    expect(pairs.length).toBeGreaterThan(2);
    const key = (l: Record<string, string>) => `${l.alertname} ${l[L.service] ?? '-'} ${l[L.environment] ?? '-'} ${l[L.requestModel] ?? '-'}`;
    // Every alert of checkout in prod on gpt-4o, and each inhibited ticket once more in another
    // environment, service and model: silenced only where the pair's common labels do not tell them apart.
    const posted = defs.map((a) => alertLabels(a.name, CHECKOUT));
    const expected = new Set(pairs.map((p) => key(alertLabels(p.target, CHECKOUT))));
    for (const target of new Set(pairs.map((p) => p.target))) {
      for (const [label, other] of [[L.environment, 'staging'], [L.service, 'search'], [L.requestModel, 'gpt-4o-mini']] as const) {
        const labels = alertLabels(target, { ...CHECKOUT, [label]: other });
        if (key(labels) === key(alertLabels(target, CHECKOUT))) continue; // the alert does not carry that label
        posted.push(labels);
        if (pairs.some((p) => p.target === target && !p.equal.includes(label))) expected.add(key(labels));
      }
    }
    await postAlerts(am.url, posted);
    const held = await waitFor(async () => {
      const all = await amAlerts(am.url);
      return all.length === posted.length && all.every((a) => a.status.state !== 'unprocessed') ? all : undefined;
    }, { what: 'alertmanager holds the posted alerts', timeoutMs: 10_000 });
    const suppressed = held.filter((a) => a.status.state === 'suppressed').map((a) => key(a.labels)).sort();
    expect(suppressed).toEqual([...expected].sort());
    // Never silenced: a page, an alert no page names (a 5xx page does not hide the timeouts ticket).
    const pages = defs.filter((a) => a.severity === 'page').map((a) => a.name);
    for (const a of held.filter((x) => pages.includes(x.labels.alertname!) || !pairs.some((p) => p.target === x.labels.alertname))) {
      expect(a.status.state, key(a.labels)).toBe('active');
    }
    // Each suppressed alert names a page that is paired with it (Alertmanager reports the first rule that muted it).
    const fp = new Map(held.map((a) => [a.fingerprint, a.labels.alertname]));
    const pairNames = new Set(pairs.map((p) => `${p.source} -> ${p.target}`));
    for (const a of held.filter((x) => x.status.state === 'suppressed')) {
      expect(a.status.inhibitedBy.length, a.labels.alertname).toBeGreaterThan(0);
      for (const f of a.status.inhibitedBy) expect(pairNames, a.labels.alertname).toContain(`${fp.get(f)} -> ${a.labels.alertname}`);
    }
  });
});

describe('amtool on the configs the environment can give', () => {
  const amtool = findTool('amtool');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genai-mixin-amtool-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let n = 0;
  /** Renders the config of `env` (secret files not checked: they live where Alertmanager runs). */
  const configFor = (env: Record<string, string>): string => {
    const path = join(dir, `am-${++n}.yml`);
    writeFileSync(path, renderAlertmanagerConfig(defs, { notifications: notificationSettingsFromEnv(env, { checkFiles: false }), timers: DEFAULT_ROUTE_TIMERS }));
    return path;
  };
  const route = (config: string, labels: Record<string, string>): string =>
    run(amtool, ['config', 'routes', 'test', `--config.file=${config}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], dir).stdout.trim();

  const every = {
    [N.page.name]: 'pagerduty,webhook,slack',
    [N.ticket.name]: 'slack,email,feishu',
    [N.info.name]: 'slack,wecom',
    [N.staging.name]: 'dingtalk,slack,email',
    [N.heartbeatUrl.name]: 'https://hc-ping.example/ping/abc',
    [N.heartbeatTokenFile.name]: '/etc/genai-meter/secrets/heartbeat-token',
    [N.webhookUrl.name]: 'https://hooks.example/genai',
    [N.emailTo.name]: 'oncall@example.com',
    [N.emailFrom.name]: 'am@example.com',
    [N.smtpSmarthost.name]: 'smtp.example.com:587',
    [N.smtpUsername.name]: 'am@example.com',
    [N.pagerdutyUrl.name]: 'https://events.eu.pagerduty.com/v2/enqueue',
    [N.dingtalkRelayUrl.name]: 'http://dingtalk-relay:8060/dingtalk/genai/send',
    [N.feishuRelayUrl.name]: 'http://feishu-relay:8086/hook',
    [N.wecomRelayUrl.name]: 'http://wecom-relay:8087/hook',
  };

  it.each([
    ['the example the committed file is rendered from', EXAMPLE_NOTIFY_ENV, 8],
    ['every receiver on every route it may take', every, 12],
    ['nothing configured (the compose default)', {}, 0],
    ['Grafana notifies', { ...every, [N.source.name]: 'grafana' }, 0],
  ])('check-config accepts %s: six receivers, an inhibit rule per page, the integrations asked for', (_what, env, integrations) => {
    const config = configFor(env);
    const r = run(amtool, ['check-config', config], dir);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.stdout).toContain(' - 6 receivers');
    expect(r.stdout).toContain(` - ${new Set(inhibitionPairs(defs).map((p) => p.source)).size} inhibit rules`);
    expect(r.status).toBe(0);
    const receivers = (parse(readFileSync(config, 'utf8')) as { receivers: Record<string, unknown[] | string>[] }).receivers;
    const count = receivers.flatMap((rc) => Object.entries(rc).filter(([k]) => k.endsWith('_configs')).flatMap(([, v]) => v as unknown[])).length;
    expect(count).toBe(integrations);
  });

  it('the heartbeat route names the watchdog the rules define (category heartbeat), if they define one', () => {
    const beats = defs.filter((a) => (a.category as string) === 'heartbeat');
    expect(beats.length).toBeLessThanOrEqual(1);
    for (const a of beats) expect([a.name, a.instanceLabels.includes(L.environment)]).toEqual([WATCHDOG_ALERT, false]);
  });

  it('routes: staging never pages, production pages page, tickets ticket, info info; the watchdog beats; Grafana copies are held back', () => {
    const config = configFor(EXAMPLE_NOTIFY_ENV);
    const page = alertLabels('GenAIServerErrors', { ...CHECKOUT, [L.environment]: 'production' });
    const ticket = alertLabels('GenAITimeouts', { ...CHECKOUT, [L.environment]: 'production' });
    const info = alertLabels('GenAIExpensiveCalls', { ...CHECKOUT, [L.environment]: 'production' });
    const cases: [string, Record<string, string>, string][] = [
      ['production page', page, 'page'],
      ['"prod" page', { ...page, [L.environment]: 'prod' }, 'page'],
      ['staging page', { ...page, [L.environment]: 'staging' }, 'staging'],
      ['dev page', { ...page, [L.environment]: 'dev' }, 'staging'],
      ['"production-eu" page (not an exact production name)', { ...page, [L.environment]: 'production-eu' }, 'staging'],
      ['page without environment', withoutEnv(page), 'page'],
      ['production ticket', ticket, 'ticket'],
      ['staging ticket', { ...ticket, [L.environment]: 'staging' }, 'staging'],
      ['production info', info, 'info'],
      ['staging info', { ...info, [L.environment]: 'staging' }, 'staging'],
      ['an alert with an unknown severity', { alertname: 'Other', severity: 'critical', [L.environment]: 'production' }, 'ticket'],
      ['watchdog', { alertname: WATCHDOG_ALERT, severity: 'none' }, 'heartbeat'],
      ['watchdog carrying a staging label', { alertname: WATCHDOG_ALERT, severity: 'none', [L.environment]: 'staging' }, 'heartbeat'],
      ['Grafana copy of a production page', { ...page, grafana_folder: 'genai-meter' }, 'blackhole'],
      ['Grafana copy of the watchdog', { alertname: WATCHDOG_ALERT, grafana_folder: 'genai-meter' }, 'blackhole'],
    ];
    for (const [what, labels, receiver] of cases) expect(route(config, labels), what).toBe(receiver);
  });

  it('routes follow the environment settings: production names (regex characters are literal), unlabelled as staging, no heartbeat, Grafana as the source', () => {
    const page = alertLabels('GenAIServerErrors', { ...CHECKOUT, [L.environment]: 'prod.eu' });
    const custom = configFor({ [N.productionEnvironments.name]: 'prod.eu, live', [N.unlabelledEnvironment.name]: 'staging' });
    expect(route(custom, page)).toBe('page');
    expect(route(custom, { ...page, [L.environment]: 'live' })).toBe('page');
    expect(route(custom, { ...page, [L.environment]: 'prodxeu' })).toBe('staging');
    expect(route(custom, { ...page, [L.environment]: 'production' })).toBe('staging');
    expect(route(custom, withoutEnv(page))).toBe('staging');
    // Without a heartbeat URL the watchdog is held, not ticketed every 4 hours.
    expect(route(custom, { alertname: WATCHDOG_ALERT, severity: 'none' })).toBe('blackhole');
    // Grafana notifies: Alertmanager holds every alert it gets.
    const grafana = configFor({ [N.source.name]: 'grafana', [N.page.name]: 'slack' });
    for (const labels of [page, { ...page, [L.environment]: 'production' }, { alertname: WATCHDOG_ALERT }, { ...page, grafana_folder: 'genai-meter' }]) {
      expect(route(grafana, labels)).toBe('blackhole');
    }
  });
});

function withoutEnv(labels: Record<string, string>): Record<string, string> {
  const { [L.environment]: _dropped, ...rest } = labels;
  return rest;
}

describe('a real Alertmanager delivers each route to its receivers, secrets read from files', () => {
  let dir: string;
  let sink: Sink;
  let am: Alertmanager;
  const ROUTING_KEY = 'pd-routing-key-from-file';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genai-mixin-am-deliver-'));
    sink = await startSink();
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'pagerduty-routing-key'), `${ROUTING_KEY}\n`);
    // startAlertmanager writes the Slack URL (the sink's /slack) and the webhook token into the same directory.
    for (const f of ['slack-webhook-url', 'webhook-token']) writeFileSync(join(secrets, f), 'replaced by startAlertmanager');
    const notifications = notificationSettingsFromEnv({
      [N.secretsDir.name]: secrets,
      [N.page.name]: 'pagerduty,webhook',
      [N.ticket.name]: 'slack',
      [N.info.name]: 'slack',
      [N.staging.name]: 'dingtalk',
      [N.webhookUrl.name]: `${sink.url}/webhook`,
      [N.pagerdutyUrl.name]: `${sink.url}/pagerduty`,
      [N.dingtalkRelayUrl.name]: `${sink.url}/dingtalk-relay`,
      [N.heartbeatUrl.name]: `${sink.url}/heartbeat`,
    });
    const timers = { ...sameTimers('1s', '1s', '1h'), heartbeat: { groupWait: '0s', groupInterval: '1s', repeatInterval: '900ms' } };
    am = await startAlertmanager(dir, renderAlertmanagerConfig(defs, { notifications, timers }), sink.url);
  });

  afterAll(async () => {
    await stopAll();
    await sink?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  type Body = { receiver: string; alerts: { labels: Record<string, string>; status: string }[] };
  const bodies = (path: string) => sink.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Body);

  it('production page -> PagerDuty + webhook, staging page -> the DingTalk relay only, tickets and info -> Slack, watchdog -> heartbeat every flush, Grafana copy -> nobody', async () => {
    const prodPage = alertLabels('GenAIServerErrors', { ...CHECKOUT, [L.environment]: 'production' });
    const stagingPage = alertLabels('GenAIServerErrors', { ...CHECKOUT, [L.environment]: 'staging', [L.service]: 'checkout-staging' });
    const ticket = alertLabels('GenAITimeouts', { ...CHECKOUT, [L.environment]: 'production' });
    const info = alertLabels('GenAIExpensiveCalls', { ...CHECKOUT, [L.environment]: 'production' });
    const unlabelledTicket = withoutEnv(alertLabels('GenAIRateLimited', { ...CHECKOUT, [L.service]: 'nightly-job' }));
    const grafanaCopy = { ...alertLabels('GenAIServerErrors', { ...CHECKOUT, [L.environment]: 'production', [L.service]: 'grafana-copy' }), grafana_folder: 'genai-meter' };
    await postAlerts(am.url, [prodPage, stagingPage, ticket, info, unlabelledTicket, grafanaCopy, { alertname: WATCHDOG_ALERT, severity: 'none' }]);

    const slackTitles = () => sink.requests.filter((r) => r.path === '/slack').flatMap((r) => (JSON.parse(r.body) as { attachments: { title: string }[] }).attachments.map((a) => a.title));
    await waitFor(
      () =>
        bodies('/webhook').length > 0 &&
        sink.requests.some((r) => r.path === '/pagerduty') &&
        bodies('/dingtalk-relay').length > 0 &&
        slackTitles().length >= 3 &&
        bodies('/heartbeat').length >= 3,
      { what: 'deliveries on every route', timeoutMs: 20_000, intervalMs: 200 },
    );

    // Page: the webhook with the bearer token from its file, only production pages.
    for (const r of sink.requests.filter((x) => x.path === '/webhook')) expect(r.authorization).toBe(`Bearer ${am.webhookToken}`);
    const pageAlerts = bodies('/webhook').flatMap((b) => (expect(b.receiver).toBe('page'), b.alerts.map((a) => `${a.labels.alertname} ${a.labels[L.service]} ${a.labels[L.environment]}`)));
    expect([...new Set(pageAlerts)]).toEqual(['GenAIServerErrors checkout production']);
    // Page: PagerDuty Events API v2 with the routing key read from its file, critical.
    const pd = sink.requests.filter((r) => r.path === '/pagerduty').map((r) => JSON.parse(r.body) as { routing_key: string; event_action: string; payload: { severity: string; summary: string } });
    expect(pd.map((e) => [e.routing_key, e.event_action, e.payload.severity])).toEqual([[ROUTING_KEY, 'trigger', 'critical']]);
    expect(pd[0]!.payload.summary).toContain('GenAIServerErrors');
    // Staging: its page reaches the relay, and nothing paging.
    expect(bodies('/dingtalk-relay').flatMap((b) => b.alerts.map((a) => `${b.receiver} ${a.labels.alertname} ${a.labels[L.environment]}`))).toEqual(['staging GenAIServerErrors staging']);
    // Tickets (including one without an environment label) and info: Slack, by title.
    expect(slackTitles().sort()).toEqual(['[FIRING] GenAIExpensiveCalls checkout', '[FIRING] GenAIRateLimited nightly-job', '[FIRING] GenAITimeouts checkout']);
    // Each message carries the runbook and, where the alert has one, the dashboard link.
    const slackTexts = Object.fromEntries(
      sink.requests.filter((r) => r.path === '/slack').flatMap((r) => (JSON.parse(r.body) as { attachments: { title: string; text: string }[] }).attachments.map((a) => [a.title, a.text])),
    );
    expect(slackTexts['[FIRING] GenAITimeouts checkout']).toContain('Runbook: https://runbook.example/#genaitimeouts\nDashboard: https://grafana.example/d/genai-meter-reliability?var-service=checkout\n');
    expect(slackTexts['[FIRING] GenAIRateLimited nightly-job']).toContain('Runbook: https://runbook.example/#genairatelimited');
    expect(slackTexts['[FIRING] GenAIRateLimited nightly-job']).not.toContain('Dashboard:');
    // Heartbeat: one request per flush (a repeat shorter than the group interval), the watchdog alone.
    for (const b of bodies('/heartbeat')) expect([b.receiver, b.alerts.map((a) => a.labels.alertname)]).toEqual(['heartbeat', [WATCHDOG_ALERT]]);

    // The Grafana copy is held by Alertmanager (receiver blackhole) and delivered nowhere.
    const held = await amAlerts(am.url);
    expect(held.find((a) => a.labels[L.service] === 'grafana-copy')?.receivers.map((r) => r.name)).toEqual(['blackhole']);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(sink.requests.filter((r) => r.body.includes('grafana-copy') || r.body.includes('checkout-staging')).map((r) => r.path)).toEqual(['/dingtalk-relay']);
  });
});

describe('timers and pairs', () => {
  type Route = { group_wait?: string; group_interval?: string; repeat_interval?: string; receiver: string; matchers?: string[]; routes?: Route[] };
  const notifications = notificationSettingsFromEnv(EXAMPLE_NOTIFY_ENV, { checkFiles: false });
  const routeOf = (yaml: string) => (parse(yaml) as { route: Route }).route;

  it('default timers: 30s/5m/4h, pages wait 10s and repeat hourly, staging twice a day, info daily, the heartbeat every minute', () => {
    const r = routeOf(renderAlertmanagerConfig(defs));
    expect([r.group_wait, r.group_interval, r.repeat_interval]).toEqual(['30s', '5m', '4h']);
    expect(r.routes).toEqual([
      { receiver: 'blackhole', matchers: ['grafana_folder=~".+"'] },
      { receiver: 'heartbeat', matchers: [`alertname="${WATCHDOG_ALERT}"`], group_wait: '0s', group_interval: '1m', repeat_interval: '50s' },
      { receiver: 'staging', matchers: ['deployment_environment_name!~"production|prod|"'], repeat_interval: '12h' },
      { receiver: 'page', matchers: ['severity="page"'], group_wait: '10s', repeat_interval: '1h' },
      { receiver: 'info', matchers: ['severity="info"'], repeat_interval: '24h' },
    ]);
  });

  it('timers per route; a child route states only what differs from the root; bad durations are refused', () => {
    const r = routeOf(renderAlertmanagerConfig(defs, { notifications, timers: sameTimers('1s', '2s', '1m') }));
    expect([r.group_wait, r.group_interval, r.repeat_interval]).toEqual(['1s', '2s', '1m']);
    expect(r.routes!.map((c) => Object.keys(c).sort())).toEqual(Array(5).fill(['matchers', 'receiver']));
    const mixed = routeOf(renderAlertmanagerConfig(defs, { notifications, timers: { ...sameTimers('1s', '2s', '1m'), info: { groupWait: '1s', groupInterval: '3s', repeatInterval: '1m' } } }));
    expect(mixed.routes![4]).toEqual({ receiver: 'info', matchers: ['severity="info"'], group_interval: '3s' });
    expect(() => renderAlertmanagerConfig(defs, { notifications, timers: sameTimers('1 s', '2s', '1m') })).toThrow('timers.page.groupWait: "1 s"');
    expect(() => renderAlertmanagerConfig(defs, { notifications, timers: sameTimers('1s', '0s', '1m') })).toThrow('cannot be zero');
  });

  it('pairs: only a page silences, never another page, on labels both carry; a name that is not an alert is an error', () => {
    const byName = new Map(defs.map((a) => [a.name, a]));
    for (const p of inhibitionPairs(defs)) {
      const [source, target] = [byName.get(p.source)!, byName.get(p.target)!];
      expect([source.severity, target.severity === 'page'], `${p.source} -> ${p.target}`).toEqual(['page', false]);
      expect(p.equal.every((l) => source.instanceLabels.includes(l) && target.instanceLabels.includes(l))).toBe(true);
      expect(p.reason.length, `${p.source} -> ${p.target}`).toBeGreaterThan(40);
    }
    // Demoting every page to a ticket leaves nothing that may silence.
    const demoted = defs.map((a) => ({ ...a, severity: a.severity === 'page' ? ('ticket' as const) : a.severity }));
    expect(inhibitionPairs(demoted)).toEqual([]);
    const source = inhibitionPairs(defs)[0]!.source;
    const broken = defs.map((a) => (a.name === source ? { ...a, inhibits: [{ alert: 'GenAINoSuchAlert', reason: 'typo' }] } : a));
    expect(() => inhibitionPairs(broken)).toThrow(`${source} inhibits GenAINoSuchAlert, which is not an alert`);
  });
});
