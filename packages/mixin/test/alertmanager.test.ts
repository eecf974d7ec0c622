// The generated Alertmanager config on a real Alertmanager: which alert a firing page silences is read
// back from Alertmanager's own API (suppressed + inhibitedBy), for explicit page -> ticket pairs that
// match on the labels both alerts carry. Plus the timer options and the pair validation.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startAlertmanager, type Alertmanager } from '../../../tests/e2e/stack.js';
import { amAlerts } from '../../../tests/e2e/prom-api.js';
import { stopAll, waitFor } from '../../../tests/support/tools.js';
import {
  alertDefinitions,
  DEFAULT_ALERTMANAGER_OPTIONS,
  inhibitionPairs,
  L,
  renderAlertmanagerConfig,
  sameTimers,
  settings,
  type AlertDefinition,
} from '../src/index.js';

const defs = alertDefinitions(settings);
const def = (name: string): AlertDefinition => defs.find((a) => a.name === name)!;

/** The labels Prometheus puts on a firing instance of `name` (rule labels + its instance labels). */
function alertLabels(name: string, instance: Record<string, string>): Record<string, string> {
  const a = def(name);
  const labels: Record<string, string> = { alertname: name, severity: a.severity, category: a.category };
  for (const l of a.instanceLabels) labels[l] = instance[l] ?? `unset-${l}`;
  return labels;
}

const CHECKOUT = { [L.service]: 'checkout', [L.environment]: 'prod', [L.provider]: 'openai', [L.requestModel]: 'gpt-4o', [L.errorType]: 'server_error' };

describe('inhibition on a real Alertmanager', () => {
  let dir: string;
  let am: Alertmanager;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genai-mixin-am-'));
    const config = renderAlertmanagerConfig(defs, {
      ...DEFAULT_ALERTMANAGER_OPTIONS,
      pageWebhookUrl: 'http://127.0.0.1:9/page', // discard port: deliveries fail quietly, inhibition does not depend on them
      secretsDir: join(dir, 'secrets'),
      smtpSmarthost: '127.0.0.1:9',
    });
    am = await startAlertmanager(dir, config, 'http://127.0.0.1:9');
  });

  afterAll(async () => {
    await stopAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a firing page silences exactly the tickets it names, where their common labels agree', async () => {
    const pages = defs.filter((a) => a.severity === 'page').map((a) => a.name);
    const tickets = defs.filter((a) => a.severity !== 'page').map((a) => a.name);
    expect(pages.sort()).toEqual(['GenAIErrorBudgetBurnFast', 'GenAIHourlySpendHigh', 'GenAILatencyP99High', 'GenAIServerErrors']);
    const posted = [
      // Every page and every ticket/info alert of checkout in prod, on model gpt-4o.
      ...[...pages, ...tickets].map((n) => alertLabels(n, CHECKOUT)),
      // The same tickets elsewhere: another environment, another service, another model.
      alertLabels('GenAIErrorRatioHigh', { ...CHECKOUT, [L.environment]: 'staging' }),
      alertLabels('GenAIErrorRatioHigh', { ...CHECKOUT, [L.service]: 'search' }),
      alertLabels('GenAILatencyP95High', { ...CHECKOUT, [L.requestModel]: 'gpt-4o-mini' }),
    ];
    const res = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(posted.map((labels) => ({ labels, annotations: {}, startsAt: new Date().toISOString() }))),
    });
    expect(res.status).toBe(200);
    const key = (l: Record<string, string>) => `${l.alertname} ${l[L.service] ?? '-'} ${l[L.environment] ?? '-'} ${l[L.requestModel] ?? '-'}`;
    const held = await waitFor(async () => {
      const all = await amAlerts(am.url);
      return all.length === posted.length && all.every((a) => a.status.state !== 'unprocessed') ? all : undefined;
    }, { what: 'alertmanager holds the posted alerts', timeoutMs: 10_000 });
    const suppressed = held.filter((a) => a.status.state === 'suppressed').map((a) => key(a.labels)).sort();
    expect(suppressed).toEqual(
      [
        'GenAIErrorBudgetBurnSlow checkout prod -',
        'GenAIErrorRatioHigh checkout prod -',
        'GenAILatencyP95High checkout prod gpt-4o',
        // The budget alerts sum all services: no label to match, the spend page silences them.
        'GenAIDailySpendOverBudget - - -',
        'GenAIProjectedMonthlySpendOverBudget - - -',
      ].sort(),
    );
    // Not silenced: every page, the 5xx page's unrelated tickets (timeouts, 429s, ...), and the same
    // tickets in another environment, service or model.
    const active = held.filter((a) => a.status.state === 'active').map((a) => key(a.labels));
    for (const k of ['GenAITimeouts checkout prod -', 'GenAIRateLimited checkout prod -', 'GenAITelemetryAbsent checkout prod -', 'GenAIErrorRatioHigh checkout staging -', 'GenAIErrorRatioHigh search prod -', 'GenAILatencyP95High checkout prod gpt-4o-mini']) {
      expect(active, k).toContain(k);
    }
    for (const p of pages) expect(active).toContain(key(alertLabels(p, CHECKOUT)));
    expect(active.length + suppressed.length).toBe(posted.length);
    // Each suppressed alert names a page that is paired with it (Alertmanager reports the first rule that muted it).
    const fp = new Map(held.map((a) => [a.fingerprint, a.labels.alertname]));
    const pairs = new Set(inhibitionPairs(defs).map((p) => `${p.source} -> ${p.target}`));
    for (const a of held.filter((x) => x.status.state === 'suppressed')) {
      expect(a.status.inhibitedBy.length, a.labels.alertname).toBeGreaterThan(0);
      for (const f of a.status.inhibitedBy) expect(pairs, a.labels.alertname).toContain(`${fp.get(f)} -> ${a.labels.alertname}`);
    }
  });
});

describe('renderAlertmanagerConfig options and pairs', () => {
  type Route = { group_wait?: string; group_interval?: string; repeat_interval?: string; receiver: string; routes?: Route[] };
  const route = (yaml: string) => (parse(yaml) as { route: Route }).route;

  it('default timers: 30s/5m/4h, pages wait 10s and repeat hourly, info repeats daily', () => {
    const r = route(renderAlertmanagerConfig(defs));
    expect([r.group_wait, r.group_interval, r.repeat_interval]).toEqual(['30s', '5m', '4h']);
    expect(r.routes).toEqual([
      { receiver: 'page', matchers: ['severity="page"'], group_wait: '10s', repeat_interval: '1h' },
      { receiver: 'info', matchers: ['severity="info"'], repeat_interval: '24h' },
    ]);
  });

  it('timers per severity; a child route states only what differs from the root', () => {
    const r = route(renderAlertmanagerConfig(defs, { ...DEFAULT_ALERTMANAGER_OPTIONS, timers: sameTimers('1s', '2s', '1m') }));
    expect([r.group_wait, r.group_interval, r.repeat_interval]).toEqual(['1s', '2s', '1m']);
    expect(r.routes!.map((c) => Object.keys(c).sort())).toEqual([['matchers', 'receiver'], ['matchers', 'receiver']]);
    const mixed = route(
      renderAlertmanagerConfig(defs, { ...DEFAULT_ALERTMANAGER_OPTIONS, timers: { ...sameTimers('1s', '2s', '1m'), info: { groupWait: '1s', groupInterval: '3s', repeatInterval: '1m' } } }),
    );
    expect(mixed.routes![1]).toEqual({ receiver: 'info', matchers: ['severity="info"'], group_interval: '3s' });
    expect(() => renderAlertmanagerConfig(defs, { ...DEFAULT_ALERTMANAGER_OPTIONS, timers: sameTimers('1 s', '2s', '1m') })).toThrow('timers.page.groupWait: "1 s"');
  });

  it('pairs: only a page silences, never another page; a name that is not an alert is an error', () => {
    expect(inhibitionPairs(defs).map((p) => `${p.source} -> ${p.target} [${p.equal.join(',')}]`)).toEqual([
      'GenAIServerErrors -> GenAIErrorRatioHigh [service_name,deployment_environment_name]',
      'GenAIErrorBudgetBurnFast -> GenAIErrorBudgetBurnSlow [service_name,deployment_environment_name]',
      'GenAIErrorBudgetBurnFast -> GenAIErrorRatioHigh [service_name,deployment_environment_name]',
      'GenAILatencyP99High -> GenAILatencyP95High [service_name,deployment_environment_name,gen_ai_provider_name,gen_ai_request_model]',
      'GenAIHourlySpendHigh -> GenAIDailySpendOverBudget []',
      'GenAIHourlySpendHigh -> GenAIProjectedMonthlySpendOverBudget []',
    ]);
    for (const p of inhibitionPairs(defs)) expect(p.reason.length, `${p.source} -> ${p.target}`).toBeGreaterThan(40);
    // Settings that demote the 5xx alert to a ticket, or promote P95 to a page, drop those pairs.
    const changed = alertDefinitions({ ...settings, serverErrors: { ...settings.serverErrors, severity: 'ticket' }, latency: { ...settings.latency, p95Severity: 'page' } });
    expect(inhibitionPairs(changed).map((p) => p.source)).toEqual(['GenAIErrorBudgetBurnFast', 'GenAIErrorBudgetBurnFast', 'GenAIHourlySpendHigh', 'GenAIHourlySpendHigh']);
    const broken = defs.map((a) => (a.name === 'GenAILatencyP99High' ? { ...a, inhibits: [{ alert: 'GenAILatencyP95', reason: 'typo' }] } : a));
    expect(() => inhibitionPairs(broken)).toThrow('GenAILatencyP99High inhibits GenAILatencyP95, which is not an alert');
  });
});
