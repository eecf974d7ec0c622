// promtool unit tests for the generated rules, built from scenarios: per-minute increments of the
// raw series of a few services. Expected values are derived from those increments with plain
// arithmetic (Prometheus' documented rate/increase/histogram_quantile formulas), never by running
// PromQL, so a wrong rule expression fails `promtool test rules`.
import { ERROR_TYPE_VALUES, GEN_AI_TOKEN_TYPE_VALUES, TOKEN_DETAIL_VALUES, RATE_LIMIT_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { stringify } from 'yaml';
import { alertDefinitions } from './alerts.js';
import type { MixinSettings } from './config.js';
import type { AlertDefinition, TemplateRefs, ValueFormat } from './model.js';
import { L, PROM } from './promnames.js';
import { DURATION, durationSeconds } from './promql.js';
import { QUANTILES, recordNames } from './recording.js';
import { GENERATED_HEADER, runbookUrl } from './render-prometheus.js';

type Labels = Record<string, string>;

interface InputSeries {
  series: string;
  values: string;
}
interface ExpSample {
  labels: string;
  value: number;
}
interface ExpAlert {
  exp_labels: Labels;
  exp_annotations: Labels;
}
export interface PromtoolTestGroup {
  name: string;
  interval: string;
  input_series: InputSeries[];
  promql_expr_test: { expr: string; eval_time: string; exp_samples: ExpSample[] }[];
  alert_rule_test: { eval_time: string; alertname: string; exp_alerts: ExpAlert[] }[];
}

// ---------- reference arithmetic (mirrors Prometheus 2.42's functions for fully covered windows) ----------

/** rate() of a counter growing `perMin` every minute, window fully covered: delta * (1/window). */
export function refRate(perMin: number, window: string): number {
  const w = durationSeconds(window);
  return perMin * (w / 60) * (1 / w);
}
/** increase() of the same counter: exactly its growth over the window. */
export function refIncrease(perMin: number, window: string): number {
  return perMin * (durationSeconds(window) / 60);
}

/** histogram_quantile over cumulative bucket rates (upper bound -> rate), as Prometheus interpolates. */
export function refQuantile(q: number, buckets: readonly (readonly [number, number])[]): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1]![1];
  let rank = q * total;
  const b = sorted.findIndex(([, c], i) => i < sorted.length - 1 && c >= rank);
  const idx = b === -1 ? sorted.length - 1 : b;
  if (idx === sorted.length - 1) return sorted[sorted.length - 2]![0];
  let start = 0;
  const end = sorted[idx]![0];
  let count = sorted[idx]![1];
  if (idx > 0) {
    start = sorted[idx - 1]![0];
    count -= sorted[idx - 1]![1];
    rank -= sorted[idx - 1]![1];
  }
  return start + (end - start) * (rank / count);
}

/** Go's %.4g for values in [1e-4, 1e4). */
function goG4(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) throw new Error(`goG4: ${v} out of the supported range`);
  return String(Number(v.toPrecision(4)));
}
/** Prometheus' humanizePercentage for ratios between 1% and 100%. */
function humanizePercentage(v: number): string {
  const p = v * 100;
  if (p < 1 || p >= 1000) throw new Error(`humanizePercentage: ${v} out of the supported range`);
  return `${goG4(p)}%`;
}

const FORMATTERS: Record<ValueFormat, (v: number) => string> = {
  count: (v) => v.toFixed(0),
  perMinute: (v) => v.toFixed(2),
  percent: humanizePercentage,
  seconds: (v) => `${v.toFixed(2)}s`,
  usd: (v) => `$${v.toFixed(2)}`,
  tokensPerSecond: (v) => v.toFixed(0),
};

function expectedRefs(labels: Labels, value: number): TemplateRefs {
  return {
    label: (name) => labels[name] ?? '',
    value: (format) => FORMATTERS[format](value),
  };
}

// ---------- scenario model ----------

const seriesText = (name: string, labels: Labels) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

/** `0+<perMin>x<points>`: a counter starting at 0 that grows perMin each minute. */
const linear = (perMin: number, points: number) => `0+${perMin}x${points}`;

interface ServiceScenario {
  service: string;
  provider: string;
  model: string;
  /** Finished calls per minute by error.type ('' = success). */
  callsPerMin: Partial<Record<string, number>>;
  /** Cumulative duration bucket increments per minute of the successful calls (upper bound -> calls). */
  durationBuckets: readonly (readonly [number, number])[];
  ttfcBuckets: readonly (readonly [number, number])[];
  chunkBuckets: readonly (readonly [number, number])[];
  tokensPerMin: { input: number; output: number };
  cacheReadPerMin: number;
  costUSDPerMin: number;
  /** Priced calls per minute, and how many of them cost at most the expensive-call threshold. */
  pricedCallsPerMin: number;
  cheapCallsPerMin: number;
  unpricedPerMin: number;
  retriesPerMin: number;
  /** In-flight gauge per instance. */
  active: readonly number[];
  rateLimit: { remaining: number; limit: number };
}

function baseLabels(s: ServiceScenario): Labels {
  return {
    job: 'demo-app',
    instance: `${s.service}:9464`,
    [L.service]: s.service,
    [L.provider]: s.provider,
    [L.requestModel]: s.model,
    [L.operation]: 'chat',
  };
}

const le = (bound: number) => (bound === Infinity ? '+Inf' : String(bound));

function scenarioSeries(s: ServiceScenario, points: number): InputSeries[] {
  const base = baseLabels(s);
  const out: InputSeries[] = [];
  const add = (name: string, labels: Labels, values: string) => out.push({ series: seriesText(name, labels), values });
  for (const [errorType, perMin] of Object.entries(s.callsPerMin)) {
    const labels = errorType ? { ...base, [L.errorType]: errorType } : base;
    add(DURATION.count, labels, linear(perMin!, points));
  }
  for (const [bound, perMin] of s.durationBuckets) add(DURATION.bucket, { ...base, le: le(bound) }, linear(perMin, points));
  for (const [bound, perMin] of s.ttfcBuckets) add(`${PROM.timeToFirstChunk}_bucket`, { ...base, le: le(bound) }, linear(perMin, points));
  for (const [bound, perMin] of s.chunkBuckets) add(`${PROM.timePerOutputChunk}_bucket`, { ...base, le: le(bound) }, linear(perMin, points));
  add(`${PROM.tokenUsage}_sum`, { ...base, [L.tokenType]: GEN_AI_TOKEN_TYPE_VALUES.INPUT }, linear(s.tokensPerMin.input, points));
  add(`${PROM.tokenUsage}_sum`, { ...base, [L.tokenType]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT }, linear(s.tokensPerMin.output, points));
  add(PROM.tokenDetails, { ...base, [L.tokenDetail]: TOKEN_DETAIL_VALUES.CACHE_READ }, linear(s.cacheReadPerMin, points));
  add(`${PROM.cost}_sum`, base, linear(s.costUSDPerMin, points));
  add(`${PROM.cost}_count`, base, linear(s.pricedCallsPerMin, points));
  return out;
}

function scenarioExtraSeries(s: ServiceScenario, points: number, expensiveLe: number): InputSeries[] {
  const base = baseLabels(s);
  const out: InputSeries[] = [
    { series: seriesText(`${PROM.cost}_bucket`, { ...base, le: le(expensiveLe) }), values: linear(s.cheapCallsPerMin, points) },
    { series: seriesText(PROM.unpricedCalls, base), values: linear(s.unpricedPerMin, points) },
    { series: seriesText(PROM.retries, base), values: linear(s.retriesPerMin, points) },
  ];
  s.active.forEach((v, i) =>
    out.push({ series: seriesText(PROM.activeRequests, { ...base, instance: `${s.service}-${i}:9464` }), values: `${v}+0x${points}` }),
  );
  const rl = { ...base, [L.rateLimitType]: RATE_LIMIT_TYPE_VALUES.REQUESTS };
  out.push({ series: seriesText(PROM.rateLimitRemaining, rl), values: `${s.rateLimit.remaining}+0x${points}` });
  out.push({ series: seriesText(PROM.rateLimitLimit, rl), values: `${s.rateLimit.limit}+0x${points}` });
  return out;
}

/** Series labels of a recorded sample: the record name plus the given labels. */
const sample = (record: string, labels: Labels, value: number): ExpSample => ({ labels: seriesText(record, labels), value });

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function callsRate(s: ServiceScenario, window: string, filter: (errorType: string) => boolean): number {
  return sum(
    Object.entries(s.callsPerMin)
      .filter(([t]) => filter(t))
      .map(([, perMin]) => refRate(perMin!, window)),
  );
}

/** Error ratio as the recording rule computes it: failed rate / all rate (0 with no failures). */
function errorRatio(s: ServiceScenario, window: string, filter: (errorType: string) => boolean = (t) => t !== ''): number {
  const all = callsRate(s, window, () => true);
  const failed = Object.keys(s.callsPerMin).some((t) => t !== '' && filter(t)) ? callsRate(s, window, (t) => t !== '' && filter(t)) : 0;
  return failed / all;
}

function alertExpectation(settings: MixinSettings, alert: AlertDefinition, labels: Labels, value: number): ExpAlert {
  const refs = expectedRefs(labels, value);
  return {
    exp_labels: { ...labels, severity: alert.severity, category: alert.category },
    exp_annotations: {
      summary: alert.summary(refs),
      description: alert.description(refs),
      runbook_url: runbookUrl(settings, alert.name),
    },
  };
}

// ---------- the scenarios ----------

const SHORT_POINTS = 100; // minutes of data in the short groups
const SHORT_EVAL = '70m'; // every window up to 1h is fully covered; 1d windows see all 70 minutes

/** A service in trouble: every short-window alert should fire for it. */
const troubled: ServiceScenario = {
  service: 'chat-api',
  provider: 'openai',
  model: 'gpt-4o-mini',
  callsPerMin: { '': 60, [ERROR_TYPE_VALUES.RATE_LIMIT]: 15, [ERROR_TYPE_VALUES.SERVER_ERROR]: 15, [ERROR_TYPE_VALUES.TIMEOUT]: 15 },
  durationBuckets: [
    [1.28, 0],
    [2.56, 0],
    [5.12, 30],
    [10.24, 45],
    [20.48, 45],
    [40.96, 60],
    [Infinity, 60],
  ],
  ttfcBuckets: [
    [1.28, 0],
    [2.56, 0],
    [5.12, 15],
    [Infinity, 15],
  ],
  chunkBuckets: [
    [0.02, 0],
    [0.04, 60],
    [Infinity, 60],
  ],
  tokensPerMin: { input: 6000, output: 1500 },
  cacheReadPerMin: 3000,
  costUSDPerMin: 4,
  pricedCallsPerMin: 60,
  cheapCallsPerMin: 45,
  unpricedPerMin: 1,
  retriesPerMin: 15,
  active: [2, 1],
  rateLimit: { remaining: 250, limit: 1000 },
};

/** A healthy service next to it: none of its alerts may fire. */
const healthy: ServiceScenario = {
  service: 'batch-job',
  provider: 'openai',
  model: 'gpt-4o',
  callsPerMin: { '': 60, [ERROR_TYPE_VALUES.RATE_LIMIT]: 0.46875 },
  durationBuckets: [
    [0.32, 0],
    [0.64, 30],
    [1.28, 60],
    [2.56, 60],
    [Infinity, 60],
  ],
  ttfcBuckets: [
    [0.32, 0],
    [0.64, 15],
    [Infinity, 15],
  ],
  chunkBuckets: [
    [0.02, 60],
    [Infinity, 60],
  ],
  tokensPerMin: { input: 600, output: 150 },
  cacheReadPerMin: 0,
  costUSDPerMin: 0.125,
  pricedCallsPerMin: 60,
  cheapCallsPerMin: 60,
  unpricedPerMin: 0,
  retriesPerMin: 0,
  active: [1],
  rateLimit: { remaining: 1000, limit: 1000 },
};

function svcLabels(s: ServiceScenario): Labels {
  return { [L.service]: s.service };
}
function modelLabels(s: ServiceScenario): Labels {
  return { [L.service]: s.service, [L.provider]: s.provider, [L.requestModel]: s.model };
}

/** Expected values of every short-window recording rule for one service. */
function shortWindowSamples(settings: MixinSettings, s: ServiceScenario): { expr: string; samples: ExpSample[] }[] {
  const n = recordNames(settings);
  const out: { expr: string; samples: ExpSample[] }[] = [];
  const one = (record: string, labels: Labels, value: number) => out.push({ expr: seriesText(record, labels), samples: [sample(record, labels, value)] });
  const svc = svcLabels(s);
  const model = modelLabels(s);
  const rate5 = (perMin: number) => refRate(perMin, '5m');

  one(n.requestsRate, svc, callsRate(s, '5m', () => true));
  one(n.modelRequestsRate, model, callsRate(s, '5m', () => true));
  for (const [t, perMin] of Object.entries(s.callsPerMin)) {
    if (t === '') continue;
    one(n.errorsRate, { [L.service]: s.service, [L.provider]: s.provider, [L.errorType]: t }, rate5(perMin!));
  }
  for (const w of ['5m', '30m', '1h']) one(n.errorRatio[w]!, svc, errorRatio(s, w));
  one(n.rateLimitedRatio, svc, errorRatio(s, '5m', (t) => t === ERROR_TYPE_VALUES.RATE_LIMIT));
  const target = s.durationBuckets.find(([b]) => b === settings.latency.sloTargetSeconds);
  if (target) {
    one(n.withinLatencyTarget, { ...svc, latency_target_seconds: String(settings.latency.sloTargetSeconds) }, rate5(target[1]) / callsRate(s, '5m', () => true));
  }
  for (const [bound, perMin] of s.durationBuckets) one(n.durationBucketRate, { ...model, le: le(bound) }, rate5(perMin));
  const durationRates = s.durationBuckets.map(([b, c]) => [b, rate5(c)] as const);
  for (const q of QUANTILES) one(n.durationQuantile, { ...model, quantile: String(q) }, refQuantile(q, durationRates));
  for (const [bound, perMin] of s.ttfcBuckets) one(n.ttfcBucketRate, { ...model, le: le(bound) }, rate5(perMin));
  const ttfcRates = s.ttfcBuckets.map(([b, c]) => [b, rate5(c)] as const);
  for (const q of QUANTILES) one(n.ttfcQuantile, { ...model, quantile: String(q) }, refQuantile(q, ttfcRates));
  for (const [bound, perMin] of s.chunkBuckets) one(n.chunkBucketRate, { ...model, le: le(bound) }, rate5(perMin));
  one(n.tokenRate, { ...model, [L.tokenType]: 'input' }, rate5(s.tokensPerMin.input));
  one(n.tokenRate, { ...model, [L.tokenType]: 'output' }, rate5(s.tokensPerMin.output));
  one(n.serviceTokenRate1h, svc, refRate(s.tokensPerMin.input, '1h') + refRate(s.tokensPerMin.output, '1h'));
  one(n.tokenDetailRate, { ...model, [L.tokenDetail]: TOKEN_DETAIL_VALUES.CACHE_READ }, rate5(s.cacheReadPerMin));
  one(n.modelCost1h, model, refIncrease(s.costUSDPerMin, '1h'));
  one(n.serviceCost1h, svc, refIncrease(s.costUSDPerMin, '1h'));
  // 1d windows at 70m: the counters start at 0, so Prometheus does not extrapolate before the first sample.
  const cost1d = refIncrease(s.costUSDPerMin, SHORT_EVAL);
  one(n.serviceCost1d, svc, cost1d);
  one(n.serviceCostProjectedMonth, svc, cost1d * settings.spend.daysPerMonth);
  const ew = settings.expensiveCall.window;
  one(n.expensiveCalls, { ...model, threshold_usd: String(settings.expensiveCall.thresholdUSD) }, refIncrease(s.pricedCallsPerMin, ew) - refIncrease(s.cheapCallsPerMin, ew));
  one(n.unpricedCalls, model, refIncrease(s.unpricedPerMin, settings.unpriced.window));
  one(n.retriesRate, model, rate5(s.retriesPerMin));
  one(n.activeRequests, svc, sum(s.active));
  one(n.rateLimitUsed, { ...model, [L.rateLimitType]: RATE_LIMIT_TYPE_VALUES.REQUESTS }, 1 - s.rateLimit.remaining / s.rateLimit.limit);
  one(n.telemetryUp, svc, 1);
  return out;
}

function byName(alerts: readonly AlertDefinition[]): (name: string) => AlertDefinition {
  return (name) => {
    const a = alerts.find((x) => x.name === name);
    if (!a) throw new Error(`rule-tests: no alert named ${name}`);
    return a;
  };
}

function shortWindowGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  const alert = byName(alerts);
  const s = troubled;
  const svc = svcLabels(s);
  const model = modelLabels(s);
  const withErr = (t: string) => ({ [L.service]: s.service, [L.provider]: s.provider, [L.errorType]: t });
  const cost1dTotal = refIncrease(troubled.costUSDPerMin, SHORT_EVAL) + refIncrease(healthy.costUSDPerMin, SHORT_EVAL);
  const ratio5m = errorRatio(s, '5m');
  const firing: Record<string, ExpAlert[]> = {
    GenAIRateLimited: [alertExpectation(settings, alert('GenAIRateLimited'), withErr(ERROR_TYPE_VALUES.RATE_LIMIT), refRate(s.callsPerMin.rate_limit!, '5m') * 300)],
    GenAIRateLimitShareHigh: [alertExpectation(settings, alert('GenAIRateLimitShareHigh'), svc, errorRatio(s, '5m', (t) => t === ERROR_TYPE_VALUES.RATE_LIMIT))],
    GenAIServerErrors: [alertExpectation(settings, alert('GenAIServerErrors'), withErr(ERROR_TYPE_VALUES.SERVER_ERROR), refRate(s.callsPerMin.server_error!, '5m') * 60)],
    GenAITimeouts: [alertExpectation(settings, alert('GenAITimeouts'), withErr(ERROR_TYPE_VALUES.TIMEOUT), refRate(s.callsPerMin.timeout!, '5m') * 300)],
    GenAIErrorRatioHigh: [alertExpectation(settings, alert('GenAIErrorRatioHigh'), svc, ratio5m)],
    GenAIErrorBudgetBurnFast: [alertExpectation(settings, alert('GenAIErrorBudgetBurnFast'), svc, errorRatio(s, '1h'))],
    GenAILatencyP99High: [
      alertExpectation(settings, alert('GenAILatencyP99High'), { ...model, quantile: '0.99' }, refQuantile(0.99, s.durationBuckets.map(([b, c]) => [b, refRate(c, '5m')]))),
    ],
    GenAILatencyP95High: [
      alertExpectation(settings, alert('GenAILatencyP95High'), { ...model, quantile: '0.95' }, refQuantile(0.95, s.durationBuckets.map(([b, c]) => [b, refRate(c, '5m')]))),
    ],
    GenAITimeToFirstChunkHigh: [
      alertExpectation(settings, alert('GenAITimeToFirstChunkHigh'), { ...model, quantile: '0.95' }, refQuantile(0.95, s.ttfcBuckets.map(([b, c]) => [b, refRate(c, '5m')]))),
    ],
    GenAIHourlySpendHigh: [alertExpectation(settings, alert('GenAIHourlySpendHigh'), svc, refIncrease(s.costUSDPerMin, '1h'))],
    GenAIDailySpendOverBudget: [alertExpectation(settings, alert('GenAIDailySpendOverBudget'), {}, cost1dTotal)],
    GenAIProjectedMonthlySpendOverBudget: [
      alertExpectation(settings, alert('GenAIProjectedMonthlySpendOverBudget'), {}, cost1dTotal * settings.spend.daysPerMonth),
    ],
    GenAIExpensiveCalls: [
      alertExpectation(
        settings,
        alert('GenAIExpensiveCalls'),
        { ...model, threshold_usd: String(settings.expensiveCall.thresholdUSD) },
        refIncrease(s.pricedCallsPerMin, settings.expensiveCall.window) - refIncrease(s.cheapCallsPerMin, settings.expensiveCall.window),
      ),
    ],
    GenAIUnpricedCalls: [alertExpectation(settings, alert('GenAIUnpricedCalls'), model, refIncrease(s.unpricedPerMin, settings.unpriced.window))],
    // At 70 minutes the 1d and 2h windows hold the same 70 minutes of errors: the slow burn fires too.
    GenAIErrorBudgetBurnSlow: [alertExpectation(settings, alert('GenAIErrorBudgetBurnSlow'), svc, errorRatio(s, '5m'))],
    // No history a week or a day ago, and nothing went missing.
    GenAITokenRateAbnormal: [],
    GenAITelemetryAbsent: [],
  };
  return {
    name: 'short windows: chat-api in trouble fires every short-window alert, batch-job next to it fires none',
    interval: '1m',
    input_series: [
      ...scenarioSeries(troubled, SHORT_POINTS),
      ...scenarioExtraSeries(troubled, SHORT_POINTS, settings.expensiveCall.thresholdUSD),
      ...scenarioSeries(healthy, SHORT_POINTS),
      ...scenarioExtraSeries(healthy, SHORT_POINTS, settings.expensiveCall.thresholdUSD),
    ],
    promql_expr_test: [troubled, healthy].flatMap((sc) =>
      shortWindowSamples(settings, sc).map(({ expr, samples }) => ({ expr, eval_time: SHORT_EVAL, exp_samples: samples })),
    ),
    alert_rule_test: alerts.map((a) => {
      const exp = firing[a.name];
      if (!exp) throw new Error(`rule-tests: short-window group has no expectation for ${a.name}`);
      return { eval_time: SHORT_EVAL, alertname: a.name, exp_alerts: exp };
    }),
  };
}

/** Only the healthy service: no alert fires at all. */
function quietGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  return {
    name: 'quiet: healthy traffic below every threshold fires nothing',
    interval: '1m',
    input_series: [...scenarioSeries(healthy, SHORT_POINTS), ...scenarioExtraSeries(healthy, SHORT_POINTS, settings.expensiveCall.thresholdUSD)],
    promql_expr_test: [],
    alert_rule_test: alerts.map((a) => ({ eval_time: SHORT_EVAL, alertname: a.name, exp_alerts: [] })),
  };
}

/** Three days of steady errors: exact ratios for every SLO window, the slow burn fires, the fast one does not. */
function burnRateGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  const alert = byName(alerts);
  const n = recordNames(settings);
  const longest = Math.max(...settings.slo.burnRates.map((b) => durationSeconds(b.long)));
  const evalMinutes = longest / 60;
  const mk = (service: string, callsPerMin: Partial<Record<string, number>>): ServiceScenario => ({ ...healthy, service, callsPerMin });
  // 1.5% errors: above the 1x budget (1%), below 3x: only the 3d/6h pair fires.
  const leaky = mk('leaky', { '': 60, [ERROR_TYPE_VALUES.SERVER_ERROR]: 0.9375 });
  // 4% errors: above 3x (1d/2h) and below 6x: slow burn, not fast.
  const bursty = mk('bursty', { '': 60, [ERROR_TYPE_VALUES.SERVER_ERROR]: 2.5 });
  const clean = mk('clean', { '': 60 });
  const services = [leaky, bursty, clean];
  const windows = Object.keys(n.errorRatio);
  return {
    name: `burn rates: ${evalMinutes / 1440} days of steady error ratios`,
    interval: '1m',
    input_series: services.flatMap((sc) =>
      Object.entries(sc.callsPerMin).map(([t, perMin]) => ({
        series: seriesText(DURATION.count, t ? { ...baseLabels(sc), [L.errorType]: t } : baseLabels(sc)),
        values: linear(perMin!, evalMinutes + 10),
      })),
    ),
    promql_expr_test: services.flatMap((sc) =>
      windows.map((w) => ({
        expr: seriesText(n.errorRatio[w]!, svcLabels(sc)),
        eval_time: `${evalMinutes}m`,
        exp_samples: [sample(n.errorRatio[w]!, svcLabels(sc), errorRatio(sc, w))],
      })),
    ),
    alert_rule_test: [
      {
        eval_time: `${evalMinutes}m`,
        alertname: 'GenAIErrorBudgetBurnSlow',
        // The value is the long window's ratio of the first pair that matches.
        exp_alerts: [leaky, bursty].map((sc) => {
          const pair = settings.slo.burnRates.find(
            (b) => b.severity === 'ticket' && errorRatio(sc, b.long) > b.factor * (1 - settings.slo.objective) && errorRatio(sc, b.short) > b.factor * (1 - settings.slo.objective),
          );
          if (!pair) throw new Error(`burn-rate scenario ${sc.service} matches no ticket pair`);
          return alertExpectation(settings, alert('GenAIErrorBudgetBurnSlow'), svcLabels(sc), errorRatio(sc, pair.long));
        }),
      },
      { eval_time: `${evalMinutes}m`, alertname: 'GenAIErrorBudgetBurnFast', exp_alerts: [] },
      { eval_time: `${evalMinutes}m`, alertname: 'GenAIErrorRatioHigh', exp_alerts: [] },
    ],
  };
}

/** A week of history, then a spike: compares with the same hour last week, or yesterday for a young service. */
function tokenSpikeGroup(settings: MixinSettings): PromtoolTestGroup {
  const alert = byName(alertDefinitions(settings))('GenAITokenRateAbnormal');
  const n = recordNames(settings);
  const ts = settings.tokenSpike;
  const week = 7 * 24 * 60;
  const spikeAt = week + 60; // minute the spike starts
  const evalAt = spikeAt + 60 + durationSeconds(ts.for) / 60 + 5;
  const tail = evalAt + 10 - spikeAt;
  const spikyRate = ts.minTokensPerSecond * 2; // tokens/s during the spike: above the floor
  const series = (service: string, beforePerMin: number, afterPerMin: number, startMinute = 0) => ({
    series: seriesText(`${PROM.tokenUsage}_sum`, { [L.service]: service, [L.provider]: 'openai', [L.requestModel]: 'gpt-4o-mini', [L.tokenType]: 'input' }),
    values: `${startMinute > 0 ? `_x${startMinute} ` : ''}${linear(beforePerMin, spikeAt - startMinute)} ${beforePerMin * (spikeAt - startMinute) + afterPerMin}+${afterPerMin}x${tail - 1}`,
  });
  // Baseline 1 token/s -> spike: more than factor x baseline and above the floor.
  const spiky = series('spiky', 60, spikyRate * 60);
  // Already at the spike level a week ago: no change, no alert.
  const steady = series('steady', spikyRate * 60, spikyRate * 60);
  // 10x its baseline but below the floor: no alert.
  const quiet = series('quiet', 6, (ts.minTokensPerSecond / 2) * 60);
  // No data a week ago; yesterday's same hour is the baseline.
  const youngStart = spikeAt - 24 * 60 - 120;
  const young = series('young', 60, spikyRate * 60, youngStart);
  const firing = (service: string) => alertExpectation(settings, alert, { [L.service]: service }, refRate(spikyRate * 60, '1h'));
  return {
    name: 'token spike: same hour last week (or yesterday) as the baseline, with a floor',
    interval: '1m',
    input_series: [spiky, steady, quiet, young],
    promql_expr_test: [
      {
        expr: seriesText(n.serviceTokenRate1h, { [L.service]: 'spiky' }),
        eval_time: `${evalAt}m`,
        exp_samples: [sample(n.serviceTokenRate1h, { [L.service]: 'spiky' }, refRate(spikyRate * 60, '1h'))],
      },
    ],
    alert_rule_test: [
      { eval_time: `${spikeAt}m`, alertname: 'GenAITokenRateAbnormal', exp_alerts: [] },
      { eval_time: `${evalAt}m`, alertname: 'GenAITokenRateAbnormal', exp_alerts: [firing('spiky'), firing('young')] },
    ],
  };
}

/** One service stops reporting; the alert fires after `for`, the one still reporting never does. */
function telemetryGroup(settings: MixinSettings): PromtoolTestGroup {
  const alert = byName(alertDefinitions(settings))('GenAITelemetryAbsent');
  const n = recordNames(settings);
  const stopsAt = 30;
  const forMin = durationSeconds(settings.telemetryAbsent.for) / 60;
  const labels = (service: string) => ({ ...baseLabels({ ...healthy, service }) });
  return {
    name: 'telemetry absent: a service that was reporting goes silent',
    interval: '1m',
    input_series: [
      { series: seriesText(DURATION.count, labels('gone')), values: linear(60, stopsAt) },
      { series: seriesText(DURATION.count, labels('alive')), values: linear(60, 120) },
    ],
    promql_expr_test: [
      { expr: n.telemetryUp, eval_time: '20m', exp_samples: [sample(n.telemetryUp, { [L.service]: 'alive' }, 1), sample(n.telemetryUp, { [L.service]: 'gone' }, 1)] },
      { expr: n.telemetryUp, eval_time: '60m', exp_samples: [sample(n.telemetryUp, { [L.service]: 'alive' }, 1)] },
    ],
    alert_rule_test: [
      { eval_time: '20m', alertname: alert.name, exp_alerts: [] },
      // Stale after 5m without samples, then pending for `for`: still silent just before.
      { eval_time: `${stopsAt + 5 + forMin - 1}m`, alertname: alert.name, exp_alerts: [] },
      { eval_time: '60m', alertname: alert.name, exp_alerts: [alertExpectation(settings, alert, { [L.service]: 'gone' }, 1)] },
    ],
  };
}

export interface RuleTestFile {
  /** Rules are evaluated every this often; the week-long groups use a coarser step to stay fast. */
  evaluationInterval: string;
  groups: PromtoolTestGroup[];
}

/** Short scenarios at the production evaluation interval, long ones (days of history) every 5m. */
export function ruleTestFiles(settings: MixinSettings): { short: RuleTestFile; long: RuleTestFile } {
  return {
    short: { evaluationInterval: settings.evaluationInterval, groups: [shortWindowGroup(settings), quietGroup(settings), telemetryGroup(settings)] },
    long: { evaluationInterval: '5m', groups: [burnRateGroup(settings), tokenSpikeGroup(settings)] },
  };
}

/**
 * A promtool test file; rule file paths are relative to prometheus/tests/. Recording groups are
 * evaluated before the alert group at each step, so alerts see the values recorded at that step.
 */
export function renderRuleTests(file: RuleTestFile, ruleFiles: readonly string[], groupEvalOrder: readonly string[]): string {
  const doc = {
    rule_files: [...ruleFiles],
    evaluation_interval: file.evaluationInterval,
    group_eval_order: [...groupEvalOrder],
    tests: file.groups,
  };
  return GENERATED_HEADER + stringify(doc, { lineWidth: 0, indent: 2 });
}
