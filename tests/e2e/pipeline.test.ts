// End to end with real processes on loopback (issue 5): simulator -> a real app under
// `node --require @genai-meter/node/register` exporting BOTH ways at once -> (a) scraped directly by
// Prometheus through the generated metric_relabel_configs and (b) OTLP http/protobuf -> the real
// collector (otel-collector/sidecar.yaml) -> its Prometheus exporter, scraped with honor_labels ->
// Prometheus with the generated rules -> Alertmanager with the generated config -> a local webhook.
//
// Collector path choice: Prometheus SCRAPES the collector's exporter (honor_labels: true), exactly as the
// generated prometheus.yml does, rather than receiving its remote write. That is the shipped config, and
// it makes a dead collector visible the way users see it (up == 0, series marked stale at once, the
// telemetry-absent alert). sidecar.yaml enables that one export path (remote write is the
// sidecar-remote-write.yaml overlay), so no series is written twice into Prometheus.
//
// Both paths land in ONE Prometheus with the same service_name, service_namespace and
// deployment_environment_name: the app's resource, promoted to labels by the collector and by
// @genai-meter/node's exporter alike. They are told apart by `job` only: service.namespace/service.name
// on the collector path ("genai/e2e-app", honor_labels), the scrape job on the direct path
// ("e2e-direct"). Per-service rules and alerts see both paths summed (the same series but for
// job/instance, as the canonical-naming test proves) and fire once for the one service.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mixin from '../../packages/mixin/src/index.js';
import { promQuery, startPrometheus, type PrometheusInstance } from '../support/prometheus.js';
import { findTool, freePorts, httpGet, REPO_ROOT, runTool, stopAll, waitFor } from '../support/tools.js';
import { alerts, amAlerts, runQuery, sorted, sumBy } from './prom-api.js';
import { createCollector, startAlertmanager, startSink, startTrafficApp, type Alertmanager, type Collector, type Sink, type TrafficApp } from './stack.js';
import { batchPhase, burstPhase, expectedOutcome, expectedTotals, outagePhase, warmupPhase, type CallSpec, type Expected } from './traffic-plan.js';

const { alertDefinitions, L, PATHS, PROM, recordingRules, renderAlertmanagerConfig, renderAlertRules, renderPrometheusConfig, renderRecordingRules, settings, validateSettings } = mixin;
type MixinSettings = mixin.MixinSettings;
type Severity = mixin.Severity;

const SERVICE = 'e2e-app';
const NAMESPACE = 'genai';
const ENVIRONMENT = 'e2e';
/** The resource labels every genai-meter series carries on both paths. */
const RESOURCE_LABELS = { [L.service]: SERVICE, service_namespace: NAMESPACE, [L.environment]: ENVIRONMENT };
/** The collector's exporter sets job from service.namespace/service.name; the direct path's job is the scrape job. */
const COLLECTOR_JOB = `${NAMESPACE}/${SERVICE}`;
/** A short-lived job next to the service: OTLP only, one export at exit. */
const BATCH_SERVICE = 'e2e-batch';
const DIRECT_JOB = 'e2e-direct';
const JOBS = [COLLECTOR_JOB, DIRECT_JOB] as const;

// ------------------------------------------------------------------ settings for the test

/** Page alerts wait PAGE_FOR, the others OTHER_FOR: pages fire first, so inhibition of their tickets is deterministic. */
const PAGE_FOR = '2s';
const OTHER_FOR = '5s';

/**
 * Intervals the test shortens: scrape, evaluation (also the step of the exact increments), export, and
 * the ingestion delay the steps wait for (a 1 s scrape times out within 1 s: 2 s lets every scrape land).
 */
const TEST_INTERVALS = { scrapeInterval: '1s', evaluationInterval: '1s', exportInterval: '1s', ingestionDelay: '2s' } as const;

/** The shipped settings with 1 s scrape/evaluation/export and short `for`s; every threshold and window unchanged. */
function testSettings(s: MixinSettings): MixinSettings {
  const f = (severity: Severity): string => (severity === 'page' ? PAGE_FOR : OTHER_FOR);
  const fors = (x: Readonly<Partial<Record<Severity, string>>>) => Object.fromEntries(Object.keys(x).map((sev) => [sev, f(sev as Severity)]));
  const one = <T extends { for: string; severity: Severity }>(x: T): T => ({ ...x, for: f(x.severity) });
  const out: MixinSettings = {
    ...s,
    ...TEST_INTERVALS,
    rateLimit: { ...s.rateLimit, for: f(s.rateLimit.severity), shareFor: f(s.rateLimit.shareSeverity) },
    serverErrors: one(s.serverErrors),
    timeouts: one(s.timeouts),
    errorRatio: one(s.errorRatio),
    quota: one(s.quota),
    clientErrors: one(s.clientErrors),
    slo: { ...s.slo, for: fors(s.slo.for) },
    latency: { ...s.latency, for: fors(s.latency.for) },
    spend: {
      ...s.spend,
      dailyFor: f(s.spend.dailySeverity),
      monthlyFor: f(s.spend.monthlySeverity),
      hourlyFor: f(s.spend.hourlySeverity),
      dailyForecast: one(s.spend.dailyForecast),
      monthlyForecast: one(s.spend.monthlyForecast),
    },
    tokenSpike: one(s.tokenSpike),
    expensiveCall: one(s.expensiveCall),
    unpriced: one(s.unpriced),
    // A service present for 10 s (not 1 h) is expected to keep reporting: the test's services live minutes.
    telemetryAbsent: { ...one(s.telemetryAbsent), minPresence: '10s' },
    stack: Object.fromEntries(Object.entries(s.stack).map(([k, v]) => [k, typeof v === 'object' ? one(v) : v])) as MixinSettings['stack'],
  };
  validateSettings(out);
  return out;
}

/** Settings without what testSettings changes: equal for the shipped and the test settings. */
function unchanged(s: MixinSettings): unknown {
  return JSON.parse(JSON.stringify({ ...s, ...TEST_INTERVALS }, (k, v: unknown) => (k === 'for' || /For$/.test(k) || k === 'minPresence' ? undefined : v)));
}

const TEST_SETTINGS = testSettings(settings);

/** Alerts the injected traffic must fire for the service. */
const MUST_FIRE = [
  'GenAIRateLimited',
  'GenAIRateLimitShareHigh',
  'GenAIServerErrors',
  'GenAITimeouts',
  'GenAIErrorRatioHigh',
  'GenAIErrorBudgetBurnFast',
  'GenAIErrorBudgetBurnSlow',
  'GenAIQuotaExhausted',
  'GenAIExpensiveCalls',
  'GenAIUnpricedCalls',
] as const;
/**
 * Alerts nothing in the traffic justifies (fast calls, no quota or client errors, spend far below the
 * default budgets and on no course to cross them, no history, a healthy stack).
 */
const MUST_NOT_FIRE = [
  'GenAIClientErrorsHigh',
  'GenAILatencyBudgetBurnFast',
  'GenAILatencyBudgetBurnSlow',
  'GenAIHourlySpendHigh',
  'GenAIProjectedDailySpendOverBudget',
  'GenAIDailySpendOverBudget',
  'GenAIProjectedMonthlySpendOverBudget',
  'GenAIMonthlySpendOverBudget',
  'GenAITokenRateAbnormal',
  'GenAITelemetryAbsent',
  'GenAIMeterRuleEvaluationFailures',
  'GenAIMeterRuleEvaluationsMissed',
  'GenAIMeterCollectorDown',
  'GenAIMeterCollectorDroppingData',
  'GenAIMeterCollectorQueueFilling',
] as const;

// ------------------------------------------------------------------ Prometheus builds

interface PrometheusBuild {
  label: string;
  bin: string;
  major: 2 | 3;
}

/**
 * Debian's 2.42 and Prometheus 3.x (built once from the Go module proxy by scripts/tools/ensure.sh, which
 * `npm test` runs): findTool fails the suite clearly when either is missing, it is never skipped.
 */
function prometheusBuilds(): PrometheusBuild[] {
  return [
    { label: 'Prometheus 2.42 (Debian)', bin: findTool('prometheus'), major: 2 },
    { label: 'Prometheus 3.x (Go module proxy build)', bin: findTool('prometheus3'), major: 3 },
  ];
}

// ------------------------------------------------------------------ helpers

const byJob = (job: string): string => `job="${job}"`;

function expectOutcomes(calls: readonly CallSpec[], outcomes: Record<string, string>): void {
  const expected = Object.fromEntries(calls.map((c) => [c.id, expectedOutcome(c)]));
  expect(outcomes).toEqual(expected);
}

/** Exact integer totals of one path (job); cost within 1e-9 relative (float sums depend on the order calls finished). */
async function pathTotals(promUrl: string, job: string) {
  const sel = `{${byJob(job)}}`;
  return {
    calls: await sumBy(promUrl, [L.requestModel, L.operation, 'genai_meter_feature', L.errorType], `${PROM.duration}_count${sel}`),
    tokens: await sumBy(promUrl, [L.requestModel, L.operation, 'genai_meter_feature', L.tokenType], `${PROM.tokenUsage}_sum${sel}`),
    cost: await sumBy(promUrl, [L.requestModel, 'genai_meter_feature'], `${PROM.cost}_sum${sel}`),
    pricedCalls: await sumBy(promUrl, [L.requestModel, 'genai_meter_feature'], `${PROM.cost}_count${sel}`),
    unpricedCalls: await sumBy(promUrl, [L.requestModel, 'genai_meter_feature'], `${PROM.unpricedCalls}${sel}`),
    tokenDetails: await sumBy(promUrl, [L.requestModel, L.tokenDetail], `${PROM.tokenDetails}${sel}`),
    retries: await sumBy(promUrl, [L.requestModel], `${PROM.retries}${sel}`),
    expensive: (await promQuery(promUrl, `sum(${PROM.cost}_count${sel}) - sum(${PROM.cost}_bucket{${byJob(job)}, le=~"0.5|0.50"})`))[0]?.value,
  };
}

type PathTotals = Awaited<ReturnType<typeof pathTotals>>;

/** True when the integer totals equal the expectation (used to wait for a path to catch up). */
function integerTotalsMatch(got: PathTotals, want: Expected): boolean {
  const same = (a: Map<string, number>, b: Map<string, number>) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
  return same(got.calls, want.calls) && same(got.tokens, want.tokens) && same(got.pricedCalls, want.pricedCalls);
}

function expectTotals(got: PathTotals, want: Expected): void {
  expect(sorted(got.calls)).toEqual(sorted(want.calls));
  expect(sorted(got.tokens)).toEqual(sorted(want.tokens));
  expect(sorted(got.pricedCalls)).toEqual(sorted(want.pricedCalls));
  expect(sorted(got.unpricedCalls)).toEqual(sorted(want.unpricedCalls));
  expect(sorted(got.tokenDetails)).toEqual(sorted(want.tokenDetails));
  expect(sorted(got.retries)).toEqual(sorted(want.retries));
  expect(got.expensive).toBe(want.expensiveCalls);
  expect([...got.cost.keys()].sort()).toEqual([...want.cost.keys()].sort());
  for (const [key, usd] of want.cost) {
    const actual = got.cost.get(key)!;
    expect(Math.abs(actual - usd) / usd, `cost of ${key}: ${actual} vs ${usd}`).toBeLessThan(1e-9);
  }
}

/** Labels that differ between the two paths by construction (which scrape target). */
const PATH_LABELS = new Set(['job', 'instance']);

/** `name{labels}` of every genai-meter series of a path, job/instance removed, `le` as a number. */
async function canonicalSeries(promUrl: string, job: string): Promise<Map<string, number>> {
  const rows = await promQuery(promUrl, `{__name__=~"gen_ai_.+|genai_meter_.+", ${byJob(job)}}`);
  const out = new Map<string, number>();
  for (const r of rows) {
    // Prometheus 2.x stores `le` as the exporter spelled it: the collector's scrape endpoint writes
    // 1.048576e+06 where exporter-prometheus writes 1048576 (Prometheus 3 normalises both). Same bucket.
    const labels = Object.entries(r.metric)
      .filter(([k]) => k !== '__name__' && !PATH_LABELS.has(k))
      .map(([k, v]) => [k, k === 'le' && v !== '+Inf' ? String(Number(v)) : v] as const)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    out.set(`${r.metric.__name__}{${labels.join(',')}}`, r.value);
  }
  return out;
}

// ------------------------------------------------------------------ the suite

describe.each(prometheusBuilds())('end to end: $label', ({ bin, major }) => {
  const timings: Record<string, number> = {};
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      timings[name] = Date.now() - t;
      console.log(`e2e [${major}.x] ${name}: ${timings[name]} ms`);
    }
  };

  let dir: string;
  let sink: Sink;
  let sim: Simulator;
  let collector: Collector;
  let am: Alertmanager;
  let prom: PrometheusInstance;
  let app: TrafficApp;
  let amConfig: string;
  const phases: Record<'warmup' | 'burst' | 'outage', CallSpec[]> = { warmup: warmupPhase(), burst: burstPhase(), outage: outagePhase() };
  const expectedAfter = {
    warmup: expectedTotals(phases.warmup),
    burst: expectedTotals([...phases.warmup, ...phases.burst]),
    outage: expectedTotals([...phases.warmup, ...phases.burst, ...phases.outage]),
  };

  const recordingRulesYaml = renderRecordingRules(recordingRules(TEST_SETTINGS));
  const budgetRulesYaml = renderRecordingRules(mixin.budgetRules(TEST_SETTINGS));
  const alertRulesYaml = renderAlertRules(TEST_SETTINGS, alertDefinitions(TEST_SETTINGS));

  beforeAll(async () => {
    await stage('startup', async () => {
      dir = await mkdtemp(join(tmpdir(), 'genai-meter-e2e-'));
      sink = await startSink();
      sim = await startSimulator({ seed: 1, latencyScale: 0 });
      collector = await createCollector();
      amConfig = renderAlertmanagerConfig(alertDefinitions(TEST_SETTINGS), {
        // Pages to the local webhook (bearer token from its file) and Slack, tickets and info to Slack;
        // the e2e environment counts as production, so its pages page.
        notifications: mixin.notificationSettingsFromEnv(
          {
            GENAI_METER_NOTIFY_SECRETS_DIR: join(dir, 'secrets'),
            GENAI_METER_NOTIFY_PRODUCTION_ENVIRONMENTS: ENVIRONMENT,
            GENAI_METER_NOTIFY_PAGE: 'webhook,slack',
            GENAI_METER_NOTIFY_TICKET: 'slack',
            GENAI_METER_NOTIFY_INFO: 'slack',
            GENAI_METER_NOTIFY_WEBHOOK_URL: `${sink.url}/page`,
          },
          { checkFiles: false }, // startAlertmanager writes the secret files
        ),
        timers: mixin.sameTimers('1s', '1s', '1h'), // notify within a second of an alert arriving
      });
      am = await startAlertmanager(dir, amConfig, sink.url);
      const [promPort, appPort] = await freePorts(2);
      prom = await startPrometheus({
        bin,
        port: promPort,
        config: renderPrometheusConfig(TEST_SETTINGS, {
          collectorTarget: collector.scrapeTarget,
          collectorTelemetryTarget: collector.telemetryTarget,
          appJobs: [{ job: DIRECT_JOB, targets: [`127.0.0.1:${appPort}`] }],
          alertmanagerTarget: new URL(am.url).host,
          selfTarget: `127.0.0.1:${promPort}`,
          ruleFiles: ['genai-recording.rules.yml', 'genai-budgets.rules.yml', 'genai-alerts.rules.yml'],
        }),
        files: { 'genai-recording.rules.yml': recordingRulesYaml, 'genai-budgets.rules.yml': budgetRulesYaml, 'genai-alerts.rules.yml': alertRulesYaml },
        extraArgs: ['--rules.alert.resend-delay=1s'],
      });
      app = await startTrafficApp({
        baseURL: sim.baseURL,
        metricsPort: appPort!,
        otlpHttpUrl: collector.otlpHttpUrl,
        serviceName: SERVICE,
        resourceAttributes: `deployment.environment.name=${ENVIRONMENT},service.namespace=${NAMESPACE}`,
      });
    });
  });

  afterAll(async () => {
    console.log(`e2e [${major}.x] timings (ms): ${JSON.stringify(timings)}`);
    await app?.stop();
    await stopAll();
    await prom?.stop();
    await sim?.close();
    await sink?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`runs Prometheus ${major}.x`, async () => {
    const r = await runTool(bin, ['--version']);
    expect(r.stdout + r.stderr).toMatch(new RegExp(`^prometheus, version ${major}\\.\\d+\\.\\d+`));
  });

  it('tests the shipped rules: the test settings differ only in intervals, `for:` and the presence a service needs, and with the shipped ones render the shipped files', () => {
    expect(unchanged(TEST_SETTINGS)).toEqual(unchanged(settings));
    const asShipped: MixinSettings = {
      ...TEST_SETTINGS,
      scrapeInterval: settings.scrapeInterval,
      evaluationInterval: settings.evaluationInterval,
      exportInterval: settings.exportInterval,
      ingestionDelay: settings.ingestionDelay,
      telemetryAbsent: { ...TEST_SETTINGS.telemetryAbsent, minPresence: settings.telemetryAbsent.minPresence },
    };
    const shipped = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8').split('\n');
    expect(renderRecordingRules(recordingRules(asShipped)).split('\n')).toEqual(shipped(PATHS.recordingRules));
    expect(renderRecordingRules(mixin.budgetRules(asShipped)).split('\n')).toEqual(shipped(PATHS.budgetRules));
    const alertLines = renderAlertRules(asShipped, alertDefinitions(asShipped)).split('\n');
    const shippedAlerts = shipped(PATHS.alertRules);
    expect(alertLines).toHaveLength(shippedAlerts.length);
    const differing = alertLines.filter((line, i) => line !== shippedAlerts[i]);
    expect(differing.length).toBeGreaterThan(0);
    for (const line of differing) expect(line).toMatch(/^\s+for: \d+s$/);
  });

  it('warmup: every call behaves as the simulator dictates, and both paths report exactly its totals', async () => {
    const outcomes = await stage('traffic: warmup', () => app.run(phases.warmup));
    expectOutcomes(phases.warmup, outcomes);
    await stage('wait: warmup visible on both paths', () =>
      Promise.all(
        JOBS.map((job) =>
          waitFor(async () => integerTotalsMatch(await pathTotals(prom.url, job), expectedAfter.warmup), { what: `warmup totals of ${job}`, timeoutMs: 30_000, intervalMs: 250 }),
        ),
      ),
    );
    // A few more scrapes, so that every series has a sample before the burst (increase() starts there).
    await new Promise((r) => setTimeout(r, 2_000));
  });

  it('burst: exact token, call, cost, retry and unpriced totals on both paths', async () => {
    const outcomes = await stage('traffic: burst', () => app.run(phases.burst));
    expectOutcomes(phases.burst, outcomes);
    await stage('wait: burst visible on both paths', () =>
      Promise.all(
        JOBS.map((job) =>
          waitFor(async () => integerTotalsMatch(await pathTotals(prom.url, job), expectedAfter.burst), { what: `burst totals of ${job}`, timeoutMs: 30_000, intervalMs: 250 }),
        ),
      ),
    );
    for (const job of JOBS) expectTotals(await pathTotals(prom.url, job), expectedAfter.burst);
    // The expected cost is the catalog's: one call of $0.575 dominates.
    expect(expectedAfter.burst.expensiveCalls).toBe(1);
    expect(expectedAfter.burst.totalCostUSD).toBeGreaterThan(0.5);
    expect(expectedAfter.burst.totalCostUSD).toBeLessThan(1);
  });

  it('canonical naming: both paths yield the same series names, label sets and values, but for job/instance', async () => {
    // Traffic has stopped: both paths carry the same cumulative state of one process.
    const viaCollector = await canonicalSeries(prom.url, COLLECTOR_JOB);
    const direct = await canonicalSeries(prom.url, DIRECT_JOB);
    // The resource labels are on every series of both paths (the dashboards' service/environment filters).
    for (const job of JOBS) {
      const rows = await promQuery(prom.url, `{__name__=~"gen_ai_.+|genai_meter_.+", ${byJob(job)}}`);
      expect(rows.length, job).toBeGreaterThan(100);
      const sets = new Set(rows.map((r) => JSON.stringify([r.metric[L.service], r.metric.service_namespace, r.metric[L.environment]])));
      expect([...sets], job).toEqual([JSON.stringify(Object.values(RESOURCE_LABELS))]);
    }
    const onlyCollector = [...viaCollector.keys()].filter((k) => !direct.has(k));
    const onlyDirect = [...direct.keys()].filter((k) => !viaCollector.has(k));
    console.log(`e2e [${major}.x] series: ${viaCollector.size} via collector, ${direct.size} direct; only collector: ${onlyCollector.slice(0, 5).join(' ')}; only direct: ${onlyDirect.slice(0, 5).join(' ')}`);
    expect(onlyCollector).toEqual([]);
    expect(onlyDirect).toEqual([]);
    expect(sorted(viaCollector)).toEqual(sorted(direct));
    // Every canonical metric name is present (histograms with bucket/sum/count).
    const names = new Set([...direct.keys()].map((k) => k.slice(0, k.indexOf('{'))));
    expect([...names].sort()).toEqual(
      Object.values(PROM)
        .flatMap((n) => (['duration', 'tokenUsage', 'timeToFirstChunk', 'timePerOutputChunk', 'cost'].some((k) => PROM[k as keyof typeof PROM] === n) ? [`${n}_bucket`, `${n}_count`, `${n}_sum`] : [n]))
        .sort(),
    );
  });

  it('every recording rule produces a finite value for the service, with its environment', async () => {
    const rules = recordingRules(TEST_SETTINGS);
    const problems = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const r of rules) {
        const rows = await promQuery(prom.url, r.record + (r.labels ? `{${Object.entries(r.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''));
        const mine = rows.filter((x) => x.metric.service_name === SERVICE && x.metric[L.environment] === ENVIRONMENT);
        if (mine.length === 0 || mine.some((x) => !Number.isFinite(x.value))) out.push(`${r.record}${JSON.stringify(r.labels ?? {})}: ${JSON.stringify(mine.map((x) => x.value))}`);
      }
      return out;
    };
    // The collector path trails the direct one by an export and a scrape, and a rule's value is from
    // its last evaluation: ratios and quantiles are NaN (0/0) until the burst is in the 5m window.
    await stage('wait: recording rules', () =>
      waitFor(async () => (await problems()).length === 0, { what: 'every recording rule', timeoutMs: 20_000, intervalMs: 500 }).catch(() => undefined),
    );
    expect(await problems()).toEqual([]);
    // Exact where exactness is possible: nothing in flight, one presence series per service.
    // (A rule's value is from its last evaluation, up to one interval behind the scrape: wait for it.)
    const n = mixin.recordNames(TEST_SETTINGS);
    const settled = { [SERVICE]: 0 };
    await waitFor(async () => JSON.stringify(sorted(await sumBy(prom.url, [L.service], n.activeRequests))) === JSON.stringify(settled), { what: 'no call in flight', timeoutMs: 10_000 }).catch(() => undefined);
    expect(sorted(await sumBy(prom.url, [L.service], n.activeRequests))).toEqual(settled);
    expect(sorted(await sumBy(prom.url, [L.service], n.telemetryUp))).toEqual({ [SERVICE]: 1 });
  });

  it('the alerts the faults justify are firing for the service, and no other alert is', async () => {
    const firing = await stage('wait: alerts firing', () =>
      waitFor(
        async () => {
          const rows = (await alerts(prom.url)).filter((a) => a.alertstate === 'firing');
          const ok = MUST_FIRE.every((name) => rows.some((a) => a.alertname === name && a.labels.service_name === SERVICE));
          return ok && rows;
        },
        { what: `alerts ${MUST_FIRE.join(', ')} firing for ${SERVICE}`, timeoutMs: 40_000, intervalMs: 500 },
      ),
    );
    const all = await alerts(prom.url);
    expect(all.filter((a) => (MUST_NOT_FIRE as readonly string[]).includes(a.alertname)).map((a) => `${a.alertname} ${a.alertstate} ${a.labels.service_name}`)).toEqual([]);
    // Exactly the expected alert instances, with the labels that identify them.
    const key = (a: { alertname: string; labels: Record<string, string> }) =>
      [a.alertname, a.labels.service_name, a.labels[L.provider] ?? '', a.labels[L.requestModel] ?? '', a.labels[L.errorType] ?? '', a.labels.severity].join(' ');
    expect(firing.map(key).sort()).toEqual(
      [key({ alertname: 'GenAIMeterWatchdog', labels: { severity: 'info' } })].concat([SERVICE].flatMap((svc) => [
        `GenAIErrorBudgetBurnFast ${svc}    page`,
        `GenAIErrorBudgetBurnSlow ${svc}    ticket`,
        `GenAIErrorRatioHigh ${svc}    ticket`,
        `GenAIExpensiveCalls ${svc} openai gpt-4o  info`,
        `GenAIQuotaExhausted ${svc} openai  insufficient_quota page`,
        `GenAIRateLimitShareHigh ${svc}    ticket`,
        `GenAIRateLimited ${svc} openai  rate_limit ticket`,
        `GenAIServerErrors ${svc} openai  server_error page`,
        `GenAITimeouts ${svc} openai  timeout ticket`,
        `GenAIUnpricedCalls ${svc} openai e2e-private-model  ticket`,
      ])).sort(),
    );
  });

  it('Alertmanager routes them: pages to the webhook (with its bearer token), tickets and info to Slack, a page silences only the tickets paired with it', async () => {
    const severityOf = Object.fromEntries(alertDefinitions(TEST_SETTINGS).map((a) => [a.name, a.severity]));
    const pairs = mixin.inhibitionPairs(alertDefinitions(TEST_SETTINGS));
    const firing = new Set<string>(MUST_FIRE);
    // A firing page silences the tickets its definition names (same service and environment), no others.
    const inhibited = MUST_FIRE.filter((n) => pairs.some((p) => p.target === n && firing.has(p.source)));
    const delivered = MUST_FIRE.filter((n) => !inhibited.includes(n));
    expect([...inhibited].sort()).toEqual(['GenAIErrorBudgetBurnSlow', 'GenAIErrorRatioHigh']);
    // The 5xx page fires next to the timeouts ticket: different cause, different fix, so it is delivered.
    expect(delivered).toEqual(expect.arrayContaining(['GenAIServerErrors', 'GenAITimeouts', 'GenAIRateLimited']));

    const pageHits = (name: string) =>
      sink.requests.filter((r) => r.path === '/page').some((r) => {
        const body = JSON.parse(r.body) as { alerts: { labels: Record<string, string>; status: string }[] };
        return body.alerts.some((a) => a.labels.alertname === name && a.labels.service_name === SERVICE && a.status === 'firing');
      });
    const slackHits = (name: string) =>
      sink.requests.filter((r) => r.path === '/slack').some((r) => {
        const body = JSON.parse(r.body) as { attachments?: { title?: string }[] };
        return (body.attachments ?? []).some((a) => a.title === `[FIRING] ${name} ${SERVICE}`);
      });

    await stage('wait: alertmanager deliveries', () =>
      waitFor(() => delivered.every((name) => (severityOf[name] === 'page' ? pageHits(name) && slackHits(name) : slackHits(name))), {
        what: `deliveries of ${delivered.join(', ')}`,
        timeoutMs: 30_000,
        intervalMs: 250,
      }),
    );
    // Pages only on the paging webhook, never tickets or info.
    for (const r of sink.requests.filter((x) => x.path === '/page')) {
      expect(r.authorization).toBe(`Bearer ${am.webhookToken}`);
      const body = JSON.parse(r.body) as { receiver: string; alerts: { labels: Record<string, string> }[] };
      expect(body.receiver).toBe('page');
      for (const a of body.alerts) expect(a.labels.severity).toBe('page');
    }
    // Alertmanager holds every firing alert; the inhibited ones are suppressed by a page paired with them.
    const held = await amAlerts(am.url);
    const nameOf = new Map(held.map((a) => [a.fingerprint, a.labels.alertname]));
    for (const name of MUST_FIRE) {
      const a = held.find((x) => x.labels.alertname === name && x.labels.service_name === SERVICE);
      expect(a, `${name} in Alertmanager`).toBeDefined();
      if (inhibited.includes(name)) {
        expect(a!.status.state, name).toBe('suppressed');
        expect(a!.status.inhibitedBy.length).toBeGreaterThan(0);
        for (const f of a!.status.inhibitedBy) expect(pairs.some((p) => p.source === nameOf.get(f) && p.target === name), `${name} inhibited by ${nameOf.get(f)}`).toBe(true);
        // Pages fire PAGE_FOR after the condition, tickets OTHER_FOR: the inhibitor is always there first.
        expect(slackHits(name), `${name} must not be delivered`).toBe(false);
      } else {
        expect(a!.status.state, name).toBe('active');
      }
    }
  });

  it('every query of the mixin (rules, alerts, dashboard panels, Grafana alerts) runs, and each entry that expects data gets it on both paths', async () => {
    const queries = mixin.allQueries(TEST_SETTINGS);
    const substitute = (expr: string, vars: mixin.SubstitutionValues = {}): string => (expr.includes('$') ? mixin.substituteVariables(expr, vars) : expr);
    const counts: Record<string, number> = {};
    for (const q of queries) counts[`${q.kind}${q.expect?.data ? '+expect' : ''}`] = (counts[`${q.kind}${q.expect?.data ? '+expect' : ''}`] ?? 0) + 1;
    console.log(`e2e [${major}.x] allQueries: ${JSON.stringify(counts)}`);
    expect(queries.filter((q) => q.kind === 'panel').length, 'dashboard panel queries in allQueries()').toBeGreaterThan(0);

    // With labels: a series carrying them with a non-zero value (a 429 panel shows 429s); without: any series.
    const check = async (q: mixin.QueryEntry, vars: mixin.SubstitutionValues, what: string): Promise<string | undefined> => {
      const expr = substitute(q.expr, vars);
      const r = await runQuery(prom.url, expr);
      if (r.error) return `${q.kind} ${q.name} (${what}): ${r.error} in ${expr}`;
      if (!q.expect?.data) return undefined;
      const want = Object.entries(q.expect.labels ?? {});
      const ok = r.labels.some((l, i) => want.every(([k, v]) => l[k] === v) && (want.length === 0 || (Number.isFinite(r.values[i]) && r.values[i] !== 0)));
      return ok ? undefined : `${q.kind} ${q.name} (${what}): no ${want.length ? 'non-zero series with ' + JSON.stringify(q.expect.labels) : 'series'} from ${expr} (got ${JSON.stringify(r.labels.slice(0, 3))} = ${JSON.stringify(r.values.slice(0, 3))})`;
    };
    const failures: string[] = [];
    for (const q of queries) {
      const all = await check(q, {}, 'All');
      if (all) failures.push(all);
      // Filtered to the service and its environment, as a dashboard user picks them.
      if (q.expect?.data && (q.expr.includes('$service') || q.expr.includes('$environment'))) {
        const one = await check(q, { service: SERVICE, environment: ENVIRONMENT }, `service=${SERVICE} environment=${ENVIRONMENT}`);
        if (one) failures.push(one);
      }
    }
    expect(failures).toEqual([]);
    expect(queries.length).toBeGreaterThanOrEqual(recordingRules(TEST_SETTINGS).length + alertDefinitions(TEST_SETTINGS).length);

    // The environment filter keeps both paths: choosing the environment shows the service, another hides it,
    // and the raw series of both jobs carry the environment.
    const requests = queries.find((q) => q.kind === 'panel' && q.expr.includes('$environment') && q.expect?.data && !q.expect.labels)!;
    expect((await runQuery(prom.url, substitute(requests.expr, { service: SERVICE, environment: ENVIRONMENT }))).series).toBeGreaterThan(0);
    expect((await runQuery(prom.url, substitute(requests.expr, { service: SERVICE, environment: 'elsewhere' }))).series).toBe(0);
    const jobsInEnvironment = await promQuery(prom.url, `count by (job) (${PROM.duration}_count{${L.environment}="${ENVIRONMENT}"})`);
    expect(jobsInEnvironment.map((r) => r.metric.job).sort()).toEqual([...JOBS].sort());
  });

  it('dashboards on this traffic: every variable lists its values on both paths, per-model panels keep models apart, the repeated model row and the data links work', async () => {
    const labelValues = async (label: string, selector: string): Promise<string[]> => {
      const { status, body } = await httpGet(`${prom.url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(selector)}`);
      expect(status, body).toBe(200);
      return ((JSON.parse(body) as { data: string[] }).data ?? []).sort();
    };
    const calls = [...phases.warmup, ...phases.burst];
    const distinct = (xs: readonly string[]) => [...new Set(xs)].sort();
    const providers = [...(await sumBy(prom.url, [L.provider], `${PROM.duration}_count`)).keys()];
    const want: Record<mixin.FilterVar, string[]> = {
      environment: [ENVIRONMENT],
      service: [SERVICE],
      provider: providers,
      operation: distinct(calls.map((c) => (c.api === 'embeddings' ? 'embeddings' : 'chat'))),
      model: distinct(calls.map((c) => c.model)),
      feature: distinct(calls.map((c) => c.feature)),
    };
    // As a user picks them: the environment and the service, then every other variable on All.
    const picked = { environment: ENVIRONMENT, service: SERVICE };
    for (const v of mixin.variableSelectors()) {
      const selector = mixin.substituteVariables(v.selector, picked);
      expect(await labelValues(v.label, selector), v.name).toEqual(want[v.name]);
      // genai-meter's scope matches the series of both paths.
      expect([...(await sumBy(prom.url, ['job'], selector)).keys()].sort(), v.name).toEqual([...JOBS].sort());
    }

    const entries = new Map(mixin.allQueries(TEST_SETTINGS).filter((q) => q.kind === 'panel').map((q) => [q.name, q]));
    const run = async (name: string, vars: mixin.SubstitutionValues = picked) => runQuery(prom.url, mixin.substituteVariables(entries.get(name)!.expr, vars));
    // One series per model, never one blended line.
    for (const name of ['GenAI / Overview / Call duration P95 by model [A]', 'GenAI / Reliability / Provider error ratio by model [A]']) {
      expect(distinct((await run(name)).labels.map((l) => l[L.requestModel]!)), name).toEqual(want.model);
    }
    // The drill-down's row repeated per model: each query with one model picked, as a repeat instance runs it.
    const drill = [...entries.values()].filter((q) => q.name.startsWith('GenAI / Model drill-down / ') && q.expect?.data);
    expect(drill.length).toBeGreaterThan(8);
    for (const q of drill) expect((await run(q.name, { ...picked, model: 'gpt-4o-mini' })).series, q.name).toBeGreaterThan(0);
    // Each data link's label is in the series of its panel, so the link has a value to carry.
    let linked = 0;
    for (const d of mixin.dashboards(TEST_SETTINGS).map(mixin.renderDashboard)) {
      for (const p of d.panels) {
        if (!('fieldConfig' in p) || !p.fieldConfig?.defaults.links?.length) continue;
        for (const link of p.fieldConfig.defaults.links) {
          const label = /\$\{__field\.labels\.(\w+)\}/.exec(link.url)![1]!;
          const rows = (await run(`${d.title} / ${p.title} [A]`)).labels;
          expect(rows.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
          expect(rows.every((l) => (l[label] ?? '') !== ''), `${d.title} / ${p.title}: ${label}`).toBe(true);
          linked++;
        }
      }
    }
    expect(linked).toBeGreaterThanOrEqual(8);
  });

  it("the stack's own metrics: the collector's telemetry is scraped, and the rule-evaluation counters of every genai-meter group are selected", async () => {
    // (The sidecar exports by scrape only, so it has no exporter queue; the queue alert is for the remote-write overlay and the gateway.)
    const st = TEST_SETTINGS.stack;
    expect((await promQuery(prom.url, `up{job="${st.collectorJob}"}`)).map((r) => r.value)).toEqual([1]);
    // What the collector's drop alert reads exists on the real collector (with or without _total).
    const accepted = await promQuery(prom.url, `sum({__name__=~"otelcol_receiver_accepted_metric_points(_total)?", job="${st.collectorJob}"})`);
    expect(accepted[0]?.value ?? 0).toBeGreaterThan(0);
    // Prometheus' rule_group label is "<file>;<group>": the alerts' matcher finds every genai-meter group.
    const groups = await promQuery(prom.url, `prometheus_rule_evaluation_failures_total{job="${st.prometheusJob}", rule_group=~".*;genai-meter\\\\..*"}`);
    expect(new Set(groups.map((r) => r.metric.rule_group!.split(';')[1])).size).toBe(new Set([...recordingRules(TEST_SETTINGS), ...mixin.budgetRules(TEST_SETTINGS), ...alertDefinitions(TEST_SETTINGS)].map((r) => r.group)).size);
    expect(groups.every((r) => r.value === 0)).toBe(true);
  });

  it('a short-lived job that exits after its only export: its exact spend and calls are recorded, where increase() sees nothing', async () => {
    const calls = batchPhase();
    const want = expectedTotals(calls);
    const job = await startTrafficApp({
      baseURL: sim.baseURL,
      otlpHttpUrl: collector.otlpHttpUrl,
      serviceName: BATCH_SERVICE,
      resourceAttributes: `deployment.environment.name=${ENVIRONMENT},service.namespace=${NAMESPACE}`,
      exportIntervalMs: 600_000, // never during its life: the only export is the one at shutdown
    });
    expectOutcomes(calls, await stage('traffic: batch job', () => job.run(calls)));
    await stage('batch job: exit (its one export)', () => job.stop());
    expect(job.exited()).toBe(true);

    const n = mixin.recordNames(TEST_SETTINGS);
    const svc = `{${L.service}="${BATCH_SERVICE}", ${L.environment}="${ENVIRONMENT}"}`;
    const value = async (expr: string) => (await promQuery(prom.url, expr))[0]?.value;
    const exact = (v: number | undefined, truth: number) => v !== undefined && Math.abs(v - truth) <= 1e-9 * truth;
    // On a timeout the message holds the value read last, the raw series and the rule iterations Prometheus
    // skipped (a wrong figure, a sample that never arrived and a late or skipped evaluation differ).
    const hour = await stage('wait: the batch job\'s spend recorded', () =>
      waitFor(async () => {
        const v = await value(`${n.serviceCost1h}${svc}`);
        if (exact(v, want.totalCostUSD)) return v;
        const rawNow = await value(`sum(${PROM.cost}_sum{${L.service}="${BATCH_SERVICE}", otel_scope_name=~"@genai-meter/.+"})`);
        const missed = await value('sum(prometheus_rule_group_iterations_missed_total)');
        throw new Error(`recorded ${v}, raw ${rawNow}, rule iterations missed ${missed}`);
      }, { what: `${n.serviceCost1h} of ${BATCH_SERVICE} = $${want.totalCostUSD}`, timeoutMs: 30_000, intervalMs: 250 }),
    );
    console.log(`e2e [${major}.x] short-lived job: recorded $${hour} of $${want.totalCostUSD}`);
    // Its series appeared once, already holding everything: a single value each.
    const raw = `${PROM.cost}_sum{${L.service}="${BATCH_SERVICE}", otel_scope_name=~"@genai-meter/.+"}`;
    expect(await value(`max(max_over_time(${raw}[10m]) - min_over_time(${raw}[10m]))`)).toBe(0);
    // increase() over the same series: nothing, as every dollar is in the first sample.
    expect(await value(`sum(increase(${raw}[1h]))`) ?? 0).toBe(0);
    // The value read last is in the timeout's message (a wrong figure and a late rule evaluation differ).
    const until = async (expr: string, ok: (v: number | undefined) => boolean) => {
      const v = await value(expr);
      if (!ok(v)) throw new Error(`${expr} = ${v}`);
      return true;
    };
    // Rule groups evaluate one after another: on a loaded machine a later group can trail the first by many seconds.
    for (const record of [n.serviceCostToday, n.serviceCostThisMonth]) {
      await waitFor(() => until(`${record}${svc}`, (v) => exact(v, want.totalCostUSD)), { what: `${record} of ${BATCH_SERVICE}`, timeoutMs: 30_000, intervalMs: 250 });
    }
    // Calls and failures likewise, from the same single export.
    await waitFor(() => until(`sum(${n.calls['1h']!}${svc})`, (v) => v === calls.length), { what: `${calls.length} calls of ${BATCH_SERVICE}`, timeoutMs: 30_000, intervalMs: 250 });
    const limited = calls.filter((c) => c.fault === 'rate_limit').length;
    await waitFor(() => until(`sum(${mixin.sel(n.errorsIncrease5m, { [L.service]: BATCH_SERVICE, [L.errorType]: 'rate_limit' })})`, (v) => v === limited), { what: `${limited} rate-limited calls of ${BATCH_SERVICE}`, timeoutMs: 30_000, intervalMs: 250 });
  });

  it("dashboards: the spend panels show the short-lived job's exact spend; a raw-counter panel shows none of it", async () => {
    const want = expectedTotals(batchPhase()).totalCostUSD;
    const entries = new Map(mixin.allQueries(TEST_SETTINGS).map((q) => [q.name, q]));
    const picked = { environment: ENVIRONMENT, service: BATCH_SERVICE, range: '1h' };
    const panel = async (name: string): Promise<number> => {
      const r = await runQuery(prom.url, mixin.substituteVariables(entries.get(name)!.expr, picked));
      expect(r.error, name).toBeUndefined();
      return r.values.reduce((a, b) => a + b, 0);
    };
    const exact = (v: number) => Math.abs(v - want) <= 1e-9 * want;
    const panels = [
      'GenAI / Overview / Spend today [A]',
      'GenAI / Overview / Month to date [A]',
      'GenAI / Overview / Spend, last hour [A]',
      'GenAI / Overview / Spend by service [A]',
      'GenAI / Overview / Spend by model [A]',
      'GenAI / Cost / Spend in the time range [A]',
      'GenAI / Cost / Spend by provider [A]',
    ];
    await waitFor(async () => (await Promise.all(panels.map(panel))).every(exact), { what: `the spend panels of ${BATCH_SERVICE} = $${want}`, timeoutMs: 15_000, intervalMs: 250 }).catch(() => undefined);
    const shown = Object.fromEntries(await Promise.all(panels.map(async (name) => [name, await panel(name)] as const)));
    expect(shown).toEqual(Object.fromEntries(panels.map((name) => [name, expect.closeTo(want, 9)])));
    expect(await panel('GenAI / Overview / Forecast for the month [A]')).toBeGreaterThanOrEqual(want * (1 - 1e-9));
    // The same money from the raw counter: the job's only export is its series' first sample, which increase() never sees.
    expect(await panel('GenAI / Overview / Spend by feature [A]')).toBe(0);
  });

  it('collector killed (SIGKILL) mid-run: the app is unaffected, the direct path stays exact, the collector path catches up with no counter reset', async () => {
    const before = await pathTotals(prom.url, COLLECTOR_JOB);
    expectTotals(before, expectedAfter.burst);

    await stage('collector: SIGKILL', () => collector.kill());
    const outcomes = await stage('traffic: outage', () => app.run(phases.outage));
    // No app error caused by telemetry: each call ends exactly as the simulator dictated.
    expectOutcomes(phases.outage, outcomes);
    expect(app.exited()).toBe(false);

    await stage('wait: outage seen (direct exact, collector target down, its series stale)', async () => {
      await waitFor(async () => integerTotalsMatch(await pathTotals(prom.url, DIRECT_JOB), expectedAfter.outage), { what: 'direct-path totals during the outage', timeoutMs: 20_000, intervalMs: 250 });
      await waitFor(async () => (await promQuery(prom.url, 'up{job="otel-collector"}'))[0]?.value === 0, { what: 'up{job="otel-collector"} == 0' });
      // The scrape failed, so Prometheus marked the collector-path series stale at once...
      expect(await promQuery(prom.url, `${PROM.duration}_count{${byJob(COLLECTOR_JOB)}}`)).toEqual([]);
      // ... but the service still reports through the direct path: after two more rule evaluations it is
      // still present, and the telemetry-absent alert (about a service, not a path) is not even pending.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(sorted(await sumBy(prom.url, [L.service], mixin.recordNames(TEST_SETTINGS).telemetryUp))).toEqual({ [SERVICE]: 1 });
      expect((await alerts(prom.url)).filter((a) => a.alertname === 'GenAITelemetryAbsent' && a.labels.service_name === SERVICE)).toEqual([]);
    });
    expectTotals(await pathTotals(prom.url, DIRECT_JOB), expectedAfter.outage);

    // The stack watches itself: the collector being down pages nobody but is a ticket, on both of its jobs.
    await stage('wait: GenAIMeterCollectorDown firing', () =>
      waitFor(
        async () => {
          const down = (await alerts(prom.url)).filter((a) => a.alertname === 'GenAIMeterCollectorDown' && a.alertstate === 'firing').map((a) => a.labels.job);
          return down.includes(mixin.COLLECTOR_EXPORTER_JOB) && down.includes(TEST_SETTINGS.stack.collectorJob);
        },
        { what: 'GenAIMeterCollectorDown firing for both collector jobs', timeoutMs: 20_000, intervalMs: 250 },
      ),
    );
    await stage('collector: restart on the same ports', () => collector.start());
    await stage('wait: collector path re-exported', () =>
      waitFor(async () => integerTotalsMatch(await pathTotals(prom.url, COLLECTOR_JOB), expectedAfter.outage), {
        what: 'collector-path totals after the restart',
        timeoutMs: 30_000,
        intervalMs: 250,
      }),
    );
    // Cumulative temporality: the app re-sends its running totals, so what was recorded while the
    // collector was dead is not lost, the first value after the restart already includes it, and
    // Prometheus sees no counter reset (a reset would only come from an app restart).
    const after = await pathTotals(prom.url, COLLECTOR_JOB);
    expectTotals(after, expectedAfter.outage);
    for (const [k, v] of before.calls) expect(after.calls.get(k)!).toBeGreaterThanOrEqual(v);
    const sel = `{${byJob(COLLECTOR_JOB)}}`;
    const resets = await promQuery(prom.url, `sum(resets(${PROM.duration}_count${sel}[10m])) + sum(resets(${PROM.tokenUsage}_sum${sel}[10m])) + sum(resets(${PROM.cost}_sum${sel}[10m]))`);
    expect(resets.map((r) => r.value)).toEqual([0]);
  });
});
