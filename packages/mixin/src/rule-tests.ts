// promtool unit tests for the generated rules, built from scenarios. Expected values are derived from
// the scenarios' samples with plain arithmetic (the documented formulas, and for spend and call counts
// the true sum of what every sample added), never by running PromQL, so a wrong rule expression fails
// `promtool test rules`. Two kinds of scenario: per-minute linear counters of a few services (every
// recording rule and every alert, exact), and field cases on a 15 s grid with 60 s exports, series born
// non-zero, restarts, staleness, cancellations, long answers, budgets (rule-tests-field.ts).
import { ERROR_TYPE_CLASSES, ERROR_TYPE_VALUES, GEN_AI_TOKEN_TYPE_VALUES, TOKEN_DETAIL_VALUES, RATE_LIMIT_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { stringify } from 'yaml';
import { alertDefinitions } from './alerts.js';
import { rateWindow, type MixinSettings } from './config.js';
import type { AlertDefinition, TemplateRefs, ValueFormat } from './model.js';
import { L, PROM } from './promnames.js';
import { DURATION, durationSeconds } from './promql.js';
import { QUANTILES, recordNames } from './recording.js';
import { GENERATED_HEADER } from './render-prometheus.js';
import { dashboardUrl, goQueryEscape, runbookUrl } from './alert-links.js';
import { fieldGroups, longFieldGroups } from './rule-tests-field.js';
import { resource, SCOPE_LABELS, seriesText, type Labels } from './rule-tests-series.js';
import { SLI_LABEL } from './slo.js';
import { SECONDS_PER_DAY, utcMonthNumber } from './rule-tests-time.js';

interface InputSeries {
  series: string;
  values: string;
}
export interface ExpSample {
  labels: string;
  value: number;
}
export interface ExpAlert {
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

// ---------- reference arithmetic (Prometheus' documented formulas for fully covered windows) ----------

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
/** Prometheus' humanizePercentage for ratios between 1% and 1000%. */
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

export function alertExpectation(settings: MixinSettings, alert: AlertDefinition, labels: Labels, value: number): ExpAlert {
  const refs: TemplateRefs = { label: (name) => labels[name] ?? '', value: (format) => FORMATTERS[format](value) };
  return {
    exp_labels: { ...labels, severity: alert.severity, category: alert.category },
    exp_annotations: {
      summary: alert.summary(refs),
      description: alert.description(refs),
      runbook_url: runbookUrl(settings, alert.name),
      dashboard_url: dashboardUrl(settings, alert, (label, param) => (labels[label] ? `&${param}=${goQueryEscape(labels[label])}` : '')),
    },
  };
}

export function byName(alerts: readonly AlertDefinition[]): (name: string) => AlertDefinition {
  return (name) => {
    const a = alerts.find((x) => x.name === name);
    if (!a) throw new Error(`rule-tests: no alert named ${name}`);
    return a;
  };
}

/** Series labels of a recorded sample: the record name plus the given labels. */
export const sample = (record: string, labels: Labels, value: number): ExpSample => ({ labels: seriesText(record, labels), value });

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

// ---------- per-minute scenarios ----------

/** `0+<perMin>x<points>`: a counter starting at 0 that grows perMin each minute. */
const linear = (perMin: number, points: number) => `0+${perMin}x${points}`;

interface ServiceScenario {
  service: string;
  environment: string;
  provider: string;
  model: string;
  /** Finished calls per minute by error.type ('' = success). */
  callsPerMin: Partial<Record<string, number>>;
  /** Cumulative duration bucket increments per minute of the successful calls (upper bound -> calls). */
  durationBuckets: readonly (readonly [number, number])[];
  /** The same for time to first chunk (successful streams); the +Inf bucket is their count. */
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
    job: `shop/${s.service}`,
    instance: `${s.service}-7d9f`,
    ...resource(s.service, s.environment),
    ...SCOPE_LABELS,
    [L.provider]: s.provider,
    [L.requestModel]: s.model,
    [L.operation]: 'chat',
  };
}

const le = (bound: number) => (bound === Infinity ? '+Inf' : String(bound));
const inf = (buckets: ServiceScenario['ttfcBuckets']) => buckets.find(([b]) => b === Infinity)![1];

function scenarioSeries(s: ServiceScenario, points: number, expensiveLe: number): InputSeries[] {
  const base = baseLabels(s);
  const out: InputSeries[] = [];
  const add = (name: string, labels: Labels, values: string) => out.push({ series: seriesText(name, labels), values });
  for (const [errorType, perMin] of Object.entries(s.callsPerMin)) add(DURATION.count, errorType ? { ...base, [L.errorType]: errorType } : base, linear(perMin!, points));
  for (const [bound, perMin] of s.durationBuckets) add(DURATION.bucket, { ...base, le: le(bound) }, linear(perMin, points));
  for (const [bound, perMin] of s.ttfcBuckets) add(`${PROM.timeToFirstChunk}_bucket`, { ...base, le: le(bound) }, linear(perMin, points));
  add(`${PROM.timeToFirstChunk}_count`, base, linear(inf(s.ttfcBuckets), points));
  for (const [bound, perMin] of s.chunkBuckets) add(`${PROM.timePerOutputChunk}_bucket`, { ...base, le: le(bound) }, linear(perMin, points));
  add(`${PROM.tokenUsage}_sum`, { ...base, [L.tokenType]: GEN_AI_TOKEN_TYPE_VALUES.INPUT }, linear(s.tokensPerMin.input, points));
  add(`${PROM.tokenUsage}_sum`, { ...base, [L.tokenType]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT }, linear(s.tokensPerMin.output, points));
  add(PROM.tokenDetails, { ...base, [L.tokenDetail]: TOKEN_DETAIL_VALUES.CACHE_READ }, linear(s.cacheReadPerMin, points));
  add(`${PROM.cost}_sum`, base, linear(s.costUSDPerMin, points));
  add(`${PROM.cost}_count`, base, linear(s.pricedCallsPerMin, points));
  add(`${PROM.cost}_bucket`, { ...base, le: le(expensiveLe) }, linear(s.cheapCallsPerMin, points));
  add(PROM.unpricedCalls, base, linear(s.unpricedPerMin, points));
  add(PROM.retries, base, linear(s.retriesPerMin, points));
  s.active.forEach((v, i) => add(PROM.activeRequests, { ...base, instance: `${s.service}-${i}` }, `${v}+0x${points}`));
  const rl = { ...base, [L.rateLimitType]: RATE_LIMIT_TYPE_VALUES.REQUESTS };
  add(PROM.rateLimitRemaining, rl, `${s.rateLimit.remaining}+0x${points}`);
  add(PROM.rateLimitLimit, rl, `${s.rateLimit.limit}+0x${points}`);
  return out;
}

const isProvider = (t: string) => (ERROR_TYPE_CLASSES.provider as readonly string[]).includes(t);
const isClient = (t: string) => (ERROR_TYPE_CLASSES.client as readonly string[]).includes(t);

/** Calls per minute of the error types `keep` accepts ('' = success). */
function perMin(s: ServiceScenario, keep: (errorType: string) => boolean): number {
  return sum(Object.entries(s.callsPerMin).filter(([t]) => keep(t)).map(([, v]) => v!));
}

/** `part / whole` the way the ratio rules compute it over any window (both grow linearly). */
const ratio = (s: ServiceScenario, part: (t: string) => boolean, whole: (t: string) => boolean) => perMin(s, part) / perMin(s, whole);
const sloEvent = (t: string) => t === '' || isProvider(t);

/**
 * The minute of the newest raw sample the steps have read at `evalMinute`: they read `ingestionDelay`
 * in the past, on the tests' one-minute grid.
 */
const dataMinute = (settings: Pick<MixinSettings, 'ingestionDelay'>, evalMinute: number) => Math.floor(evalMinute - durationSeconds(settings.ingestionDelay) / 60);
/** Minutes of steps a window of `w` holds at data minute `dataMin` when the counters start at minute 0. */
const covered = (w: string, dataMin: number) => Math.min(durationSeconds(w) / 60, dataMin);

const SHORT_POINTS = 100; // minutes of data in the short groups
const SHORT_EVAL_MINUTE = 70; // every window up to 1h is fully covered; longer windows see all 70 minutes
const SHORT_EVAL = `${SHORT_EVAL_MINUTE}m`;

/** A service in trouble in production: every short-window alert fires for it. */
const troubled: ServiceScenario = {
  service: 'chat-api',
  environment: 'production',
  provider: 'openai',
  model: 'gpt-4o-mini',
  callsPerMin: {
    '': 60,
    [ERROR_TYPE_VALUES.RATE_LIMIT]: 15,
    [ERROR_TYPE_VALUES.SERVER_ERROR]: 15,
    [ERROR_TYPE_VALUES.TIMEOUT]: 15,
    [ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA]: 1,
    [ERROR_TYPE_VALUES.BAD_REQUEST]: 15,
    [ERROR_TYPE_VALUES.CANCELLED]: 12,
  },
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
  costUSDPerMin: 16,
  pricedCallsPerMin: 60,
  cheapCallsPerMin: 45,
  unpricedPerMin: 1,
  retriesPerMin: 15,
  active: [2, 1],
  rateLimit: { remaining: 250, limit: 1000 },
};

/** A healthy service next to it, 20% of its streams stopped by users: none of its alerts may fire. */
const healthy: ServiceScenario = {
  service: 'batch-job',
  environment: 'production',
  provider: 'openai',
  model: 'gpt-4o',
  callsPerMin: { '': 60, [ERROR_TYPE_VALUES.RATE_LIMIT]: 0.46875, [ERROR_TYPE_VALUES.CANCELLED]: 15 },
  durationBuckets: [
    [0.32, 0],
    [0.64, 30],
    [1.28, 60],
    [2.56, 60],
    [40.96, 60],
    [Infinity, 60],
  ],
  ttfcBuckets: [
    [0.32, 0],
    [0.64, 15],
    [5.12, 15],
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

const svcLabels = (s: ServiceScenario): Labels => ({ [L.service]: s.service, [L.environment]: s.environment });
const modelLabels = (s: ServiceScenario): Labels => ({ ...svcLabels(s), [L.provider]: s.provider, [L.requestModel]: s.model });

/** Expected values of every recording rule for one service, at SHORT_EVAL. */
function shortWindowSamples(settings: MixinSettings, s: ServiceScenario): { expr: string; samples: ExpSample[] }[] {
  const n = recordNames(settings);
  const rw = rateWindow(settings);
  const T = dataMinute(settings, SHORT_EVAL_MINUTE);
  const out: { expr: string; samples: ExpSample[] }[] = [];
  // Series without error_type are selected with error_type="" (else the failed ones would match too).
  const one = (record: string, labels: Labels, value: number) =>
    out.push({ expr: seriesText(record, record.includes('error_type:') && !(L.errorType in labels) ? { ...labels, [L.errorType]: '' } : labels), samples: [sample(record, labels, value)] });
  const svc = svcLabels(s);
  const model = modelLabels(s);
  const rate = (pm: number) => refRate(pm, rw);
  const withError = (t: string): Labels => (t ? { [L.errorType]: t } : {});
  const providerLevel = (t: string): Labels => ({ ...svc, [L.provider]: s.provider, ...withError(t) });

  // Calls and errors: per-step increments, every window, the ratios.
  one(n.callsStep, { ...model, ...withError('') }, s.callsPerMin['']!);
  for (const w of Object.keys(n.calls)) for (const [t, pm] of Object.entries(s.callsPerMin)) one(n.calls[w]!, providerLevel(t), pm! * covered(w, T));
  for (const [t, pm] of Object.entries(s.callsPerMin)) {
    if (t === '') continue;
    one(n.errorsIncrease5m, providerLevel(t), pm! * 5);
    one(n.errorsRate, providerLevel(t), rate(pm!));
  }
  one(n.requestsRate, svc, rate(perMin(s, () => true)));
  one(n.modelRequestsRate, model, rate(perMin(s, () => true)));
  for (const w of Object.keys(n.sloCalls)) one(n.sloCalls[w]!, svc, perMin(s, sloEvent) * covered(w, T));
  for (const w of Object.keys(n.errorRatio)) one(n.errorRatio[w]!, svc, ratio(s, isProvider, sloEvent));
  one(n.rateLimitedRatio, svc, ratio(s, (t) => t === ERROR_TYPE_VALUES.RATE_LIMIT, sloEvent));
  one(n.clientErrorRatio, svc, ratio(s, isClient, (t) => t !== ERROR_TYPE_VALUES.CANCELLED));

  // Latency.
  const target = s.durationBuckets.find(([b]) => b === settings.latency.sloTargetSeconds);
  if (target) one(n.withinLatencyTarget, { ...svc, latency_target_seconds: String(settings.latency.sloTargetSeconds) }, rate(target[1]) / rate(perMin(s, () => true)));
  for (const [bound, pm] of s.durationBuckets) one(n.durationBucketRate, { ...model, le: le(bound) }, rate(pm));
  const durationRates = s.durationBuckets.map(([b, c]) => [b, rate(c)] as const);
  for (const q of QUANTILES) one(n.durationQuantile, { ...model, quantile: String(q) }, refQuantile(q, durationRates));
  for (const [bound, pm] of s.ttfcBuckets) one(n.ttfcBucketRate, { ...model, le: le(bound) }, rate(pm));
  const ttfcRates = s.ttfcBuckets.map(([b, c]) => [b, rate(c)] as const);
  for (const q of QUANTILES) one(n.ttfcQuantile, { ...model, quantile: String(q) }, refQuantile(q, ttfcRates));
  for (const [bound, pm] of s.chunkBuckets) one(n.chunkBucketRate, { ...model, le: le(bound) }, rate(pm));
  const sli = {
    duration: { within: s.durationBuckets.find(([b]) => b === settings.latency.targets.duration.otherwise)![1], calls: s.callsPerMin['']! },
    time_to_first_chunk: { within: s.ttfcBuckets.find(([b]) => b === settings.latency.targets.timeToFirstChunk.otherwise)![1], calls: inf(s.ttfcBuckets) },
  };
  for (const [name, v] of Object.entries(sli)) {
    const labels = { ...model, [SLI_LABEL]: name };
    one(n.latencyWithinTargetStep, labels, v.within);
    one(n.latencyCallsStep, labels, v.calls);
    for (const w of Object.keys(n.latencyCalls)) one(n.latencyCalls[w]!, labels, v.calls * covered(w, T));
    for (const w of Object.keys(n.latencySlowRatio)) one(n.latencySlowRatio[w]!, labels, 1 - v.within / v.calls);
  }

  // Tokens.
  one(n.tokenRate, { ...model, [L.tokenType]: 'input' }, rate(s.tokensPerMin.input));
  one(n.tokenRate, { ...model, [L.tokenType]: 'output' }, rate(s.tokensPerMin.output));
  one(n.serviceTokenRate1h, svc, refRate(s.tokensPerMin.input, '1h') + refRate(s.tokensPerMin.output, '1h'));
  one(n.tokenDetailRate, { ...model, [L.tokenDetail]: TOKEN_DETAIL_VALUES.CACHE_READ }, rate(s.cacheReadPerMin));

  // Spend: the counters start at 0 at minute 0, so every window holds `covered` minutes of steps.
  const c = s.costUSDPerMin;
  one(n.modelCostStep, model, c);
  one(n.serviceCostStep, svc, c);
  one(n.modelCost1h, model, c * covered('1h', T));
  for (const w of Object.keys(n.serviceCost)) one(n.serviceCost[w]!, svc, c * covered(w, T));
  const t = SHORT_EVAL_MINUTE * 60 - durationSeconds(settings.ingestionDelay);
  const today = c * T;
  one(n.serviceCostToday, svc, today);
  one(n.serviceCostTodayDay, svc, 0);
  one(n.serviceCostThisMonth, svc, today);
  one(n.serviceCostThisMonthMonth, svc, utcMonthNumber(t));
  const { long: dLong } = settings.spend.dailyForecast;
  const { long: mLong } = settings.spend.monthlyForecast;
  one(n.serviceCostForecastToday, svc, today + ((c * covered(dLong, T)) / durationSeconds(dLong)) * (SECONDS_PER_DAY - (t % SECONDS_PER_DAY)));
  one(n.serviceCostForecastThisMonth, svc, today + ((c * covered(mLong, T)) / durationSeconds(mLong)) * (31 * SECONDS_PER_DAY - (t % SECONDS_PER_DAY)));
  one(n.serviceCostProjectedMonth, svc, c * covered('1d', T) * settings.spend.daysPerMonth);
  for (const kind of ['hourly', 'daily', 'monthly'] as const) one(n.budget[kind], svc, settings.budgets.defaults[kind]);
  const expensivePerMin = s.pricedCallsPerMin - s.cheapCallsPerMin;
  one(n.expensiveCallsStep, model, expensivePerMin);
  one(n.expensiveCalls, { ...model, threshold_usd: String(settings.expensiveCall.thresholdUSD) }, expensivePerMin * covered(settings.expensiveCall.window, T));
  one(n.unpricedCallsStep, model, s.unpricedPerMin);
  one(n.unpricedCalls, model, s.unpricedPerMin * covered(settings.unpriced.window, T));

  // Capacity and presence.
  one(n.retriesRate, model, rate(s.retriesPerMin));
  one(n.activeRequests, svc, sum(s.active));
  one(n.rateLimitUsed, { ...model, [L.rateLimitType]: RATE_LIMIT_TYPE_VALUES.REQUESTS }, 1 - s.rateLimit.remaining / s.rateLimit.limit);
  one(n.telemetryUp, svc, 1);
  return out;
}

function shortWindowGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  const alert = byName(alerts);
  const s = troubled;
  const T = dataMinute(settings, SHORT_EVAL_MINUTE);
  const svc = svcLabels(s);
  const model = modelLabels(s);
  const withErr = (t: string) => ({ ...svc, [L.provider]: s.provider, [L.errorType]: t });
  const cost = (w: string) => s.costUSDPerMin * covered(w, T);
  const providerRatio = ratio(s, isProvider, sloEvent);
  const firing: Record<string, ExpAlert[]> = {
    GenAIRateLimited: [alertExpectation(settings, alert('GenAIRateLimited'), withErr(ERROR_TYPE_VALUES.RATE_LIMIT), s.callsPerMin.rate_limit! * 5)],
    GenAIRateLimitShareHigh: [alertExpectation(settings, alert('GenAIRateLimitShareHigh'), svc, ratio(s, (t) => t === ERROR_TYPE_VALUES.RATE_LIMIT, sloEvent))],
    GenAIServerErrors: [alertExpectation(settings, alert('GenAIServerErrors'), withErr(ERROR_TYPE_VALUES.SERVER_ERROR), s.callsPerMin.server_error!)],
    GenAITimeouts: [alertExpectation(settings, alert('GenAITimeouts'), withErr(ERROR_TYPE_VALUES.TIMEOUT), s.callsPerMin.timeout! * 5)],
    GenAIErrorRatioHigh: [alertExpectation(settings, alert('GenAIErrorRatioHigh'), svc, providerRatio)],
    GenAIErrorBudgetBurnFast: [alertExpectation(settings, alert('GenAIErrorBudgetBurnFast'), svc, providerRatio)],
    // At 70 minutes the 1d and 2h windows hold the same 70 minutes of errors: the slow burn fires too.
    GenAIErrorBudgetBurnSlow: [alertExpectation(settings, alert('GenAIErrorBudgetBurnSlow'), svc, providerRatio)],
    GenAIQuotaExhausted: [
      alertExpectation(settings, alert('GenAIQuotaExhausted'), withErr(ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA), s.callsPerMin.insufficient_quota! * covered(settings.quota.window, T)),
    ],
    GenAIClientErrorsHigh: [alertExpectation(settings, alert('GenAIClientErrorsHigh'), svc, ratio(s, isClient, (t) => t !== ERROR_TYPE_VALUES.CANCELLED))],
    // Every call within its latency targets (the slow provider is a field case).
    GenAILatencyBudgetBurnFast: [],
    GenAILatencyBudgetBurnSlow: [],
    GenAIHourlySpendHigh: [alertExpectation(settings, alert('GenAIHourlySpendHigh'), svc, cost('1h'))],
    GenAIDailySpendOverBudget: [alertExpectation(settings, alert('GenAIDailySpendOverBudget'), svc, s.costUSDPerMin * T)],
    // Over budget already: the forecast alerts give way to the over-budget ones.
    GenAIProjectedDailySpendOverBudget: [],
    GenAIMonthlySpendOverBudget: [alertExpectation(settings, alert('GenAIMonthlySpendOverBudget'), svc, s.costUSDPerMin * T)],
    GenAIProjectedMonthlySpendOverBudget: [],
    GenAIExpensiveCalls: [
      alertExpectation(
        settings,
        alert('GenAIExpensiveCalls'),
        { ...model, threshold_usd: String(settings.expensiveCall.thresholdUSD) },
        (s.pricedCallsPerMin - s.cheapCallsPerMin) * covered(settings.expensiveCall.window, T),
      ),
    ],
    GenAIUnpricedCalls: [alertExpectation(settings, alert('GenAIUnpricedCalls'), model, s.unpricedPerMin * covered(settings.unpriced.window, T))],
    // No history a week or a day ago, and nothing went missing.
    GenAITokenRateAbnormal: [],
    GenAITelemetryAbsent: [],
    GenAIMeterWatchdog: [alertExpectation(settings, alert('GenAIMeterWatchdog'), {}, 1)],
    GenAIMeterRuleEvaluationFailures: [],
    GenAIMeterRuleEvaluationsMissed: [],
    GenAIMeterCollectorDown: [],
    GenAIMeterCollectorDroppingData: [],
    GenAIMeterCollectorQueueFilling: [],
  };
  return {
    name: 'short windows: chat-api in trouble fires every short-window alert, batch-job next to it (20% of its streams cancelled) fires none',
    interval: '1m',
    input_series: [
      ...scenarioSeries(troubled, SHORT_POINTS, settings.expensiveCall.thresholdUSD),
      ...scenarioSeries(healthy, SHORT_POINTS, settings.expensiveCall.thresholdUSD),
    ],
    promql_expr_test: [troubled, healthy].flatMap((sc) => shortWindowSamples(settings, sc).map(({ expr, samples }) => ({ expr, eval_time: SHORT_EVAL, exp_samples: samples }))),
    alert_rule_test: alerts.map((a) => {
      const exp = firing[a.name];
      if (!exp) throw new Error(`rule-tests: short-window group has no expectation for ${a.name}`);
      return { eval_time: SHORT_EVAL, alertname: a.name, exp_alerts: exp };
    }),
  };
}

/** The healthy service and an idle one: no alert fires at all but the dead man's switch, and no ratio divides by zero. */
function quietGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  const alert = byName(alerts);
  const n = recordNames(settings);
  const rw = rateWindow(settings);
  // Up and exporting, but no call for the whole test: its counters stay where they were.
  const idle: Labels = { ...baseLabels({ ...healthy, service: 'idle' }) };
  const idleSvc = { [L.service]: 'idle', [L.environment]: healthy.environment };
  return {
    name: 'quiet: healthy traffic below every threshold fires nothing but the watchdog; an idle service has no ratios rather than NaN',
    interval: '1m',
    input_series: [
      ...scenarioSeries(healthy, SHORT_POINTS, settings.expensiveCall.thresholdUSD),
      { series: seriesText(DURATION.count, idle), values: `7+0x${SHORT_POINTS}` },
      { series: seriesText(DURATION.count, { ...idle, [L.errorType]: ERROR_TYPE_VALUES.SERVER_ERROR }), values: `1+0x${SHORT_POINTS}` },
    ],
    promql_expr_test: [
      { expr: seriesText(n.sloCalls[rw]!, idleSvc), eval_time: SHORT_EVAL, exp_samples: [sample(n.sloCalls[rw]!, idleSvc, 0)] },
      ...[n.errorRatio[rw]!, n.rateLimitedRatio, n.clientErrorRatio].map((record) => ({
        expr: `absent(${seriesText(record, idleSvc)})`,
        eval_time: SHORT_EVAL,
        exp_samples: [{ labels: seriesText('', idleSvc), value: 1 }],
      })),
    ],
    alert_rule_test: alerts.map((a) => ({
      eval_time: SHORT_EVAL,
      alertname: a.name,
      exp_alerts: a.name === 'GenAIMeterWatchdog' ? [alertExpectation(settings, alert(a.name), {}, 1)] : [],
    })),
  };
}

/**
 * Hours of steady errors: exact ratios for every SLO window, the slow burn fires, the fast one does not.
 * The ratio is the same over every window of a steady service, so the longest short window (not the
 * 3 days of the longest long one) is enough data, and keeps the test minutes rather than hours.
 */
function burnRateGroup(settings: MixinSettings): PromtoolTestGroup {
  const alerts = alertDefinitions(settings);
  const alert = byName(alerts);
  const n = recordNames(settings);
  const evalMinutes = Math.max(...settings.slo.burnRates.map((b) => durationSeconds(b.short))) / 60 + 10;
  const mk = (service: string, callsPerMin: Partial<Record<string, number>>): ServiceScenario => ({ ...healthy, service, callsPerMin });
  // 1.5% errors: above the 1x budget (1%), below 3x: only the 3d/6h pair fires.
  const leaky = mk('leaky', { '': 60, [ERROR_TYPE_VALUES.SERVER_ERROR]: 0.9375 });
  // 4% errors: above 3x (1d/2h) and below 6x: slow burn, not fast.
  const bursty = mk('bursty', { '': 60, [ERROR_TYPE_VALUES.SERVER_ERROR]: 2.5 });
  // 50% of its calls rejected as bad requests, 30% cancelled: no provider failure, no burn.
  const clumsy = mk('clumsy', { '': 60, [ERROR_TYPE_VALUES.BAD_REQUEST]: 60, [ERROR_TYPE_VALUES.CANCELLED]: 36 });
  const services = [leaky, bursty, clumsy];
  const budget = 1 - settings.slo.objective;
  return {
    name: `burn rates: ${evalMinutes} minutes of steady error ratios; client errors and cancellations burn nothing`,
    interval: '1m',
    input_series: services.flatMap((sc) =>
      Object.entries(sc.callsPerMin).map(([t, pm]) => ({
        series: seriesText(DURATION.count, t ? { ...baseLabels(sc), [L.errorType]: t } : baseLabels(sc)),
        values: linear(pm!, evalMinutes + 10),
      })),
    ),
    promql_expr_test: services.flatMap((sc) =>
      Object.keys(n.errorRatio).map((w) => ({
        expr: seriesText(n.errorRatio[w]!, svcLabels(sc)),
        eval_time: `${evalMinutes}m`,
        exp_samples: [sample(n.errorRatio[w]!, svcLabels(sc), ratio(sc, isProvider, sloEvent))],
      })),
    ),
    alert_rule_test: [
      {
        eval_time: `${evalMinutes}m`,
        alertname: 'GenAIErrorBudgetBurnSlow',
        // The value is the long window's ratio of the first pair that matches.
        exp_alerts: [leaky, bursty].map((sc) => {
          const r = ratio(sc, isProvider, sloEvent);
          if (!settings.slo.burnRates.some((b) => b.severity === 'ticket' && r > b.factor * budget)) throw new Error(`burn-rate scenario ${sc.service} matches no ticket pair`);
          return alertExpectation(settings, alert('GenAIErrorBudgetBurnSlow'), svcLabels(sc), r);
        }),
      },
      { eval_time: `${evalMinutes}m`, alertname: 'GenAIErrorBudgetBurnFast', exp_alerts: [] },
      { eval_time: `${evalMinutes}m`, alertname: 'GenAIErrorRatioHigh', exp_alerts: [] },
      {
        eval_time: `${evalMinutes}m`,
        alertname: 'GenAIClientErrorsHigh',
        exp_alerts: [alertExpectation(settings, alert('GenAIClientErrorsHigh'), svcLabels(clumsy), ratio(clumsy, isClient, (t) => t !== ERROR_TYPE_VALUES.CANCELLED))],
      },
    ],
  };
}

/** A week of history, then a spike: compares with the same hour last week, yesterday, or the hours before. */
function tokenSpikeGroup(settings: MixinSettings): PromtoolTestGroup {
  const alert = byName(alertDefinitions(settings))('GenAITokenRateAbnormal');
  const n = recordNames(settings);
  const ts = settings.tokenSpike;
  const week = 7 * 24 * 60;
  const spikeAt = week + 60; // minute the spike starts
  const step = durationSeconds(WEEK_EVALUATION_INTERVAL) / 60;
  // A full hour of spike, `for` and one more evaluation, on the file's evaluation grid.
  const evalAt = Math.ceil((spikeAt + 60 + durationSeconds(ts.for) / 60) / step) * step + step;
  const tail = evalAt + 10 - spikeAt;
  const spikyRate = ts.minTokensPerSecond * 2; // tokens/s during the spike: above the floor
  const labels = (service: string): Labels => ({ ...resource(service, 'production'), ...SCOPE_LABELS, [L.provider]: 'openai', [L.requestModel]: 'gpt-4o-mini', [L.tokenType]: 'input' });
  const series = (service: string, beforePerMin: number, afterPerMin: number, startMinute = 0) => ({
    series: seriesText(`${PROM.tokenUsage}_sum`, labels(service)),
    values: `${startMinute > 0 ? `_x${startMinute} ` : ''}${linear(beforePerMin, spikeAt - startMinute)} ${beforePerMin * (spikeAt - startMinute) + afterPerMin}+${afterPerMin}x${tail - 1}`,
  });
  // Baseline 1 token/s -> spike: more than factor x baseline and above the floor.
  const spiky = series('spiky', 60, spikyRate * 60);
  // Already at the spike level a week ago: no change, no alert.
  const steady = series('steady', spikyRate * 60, spikyRate * 60);
  // 10x its baseline but below the floor: no alert.
  const quiet = series('quiet', 6, (ts.minTokensPerSecond / 2) * 60);
  // No data a week ago; yesterday's same hour is the baseline.
  const young = series('young', 60, spikyRate * 60, spikeAt - 24 * 60 - 120);
  // Only hours old: the hours before the last one are the baseline.
  const newborn = series('newborn', 60, spikyRate * 60, spikeAt - durationSeconds(ts.recentBaseline) / 60 - 60);
  const svc = (service: string): Labels => ({ [L.service]: service, [L.environment]: 'production' });
  const firing = (service: string) => alertExpectation(settings, alert, svc(service), refRate(spikyRate * 60, '1h'));
  return {
    name: 'token spike: same hour last week, yesterday, or the hours before as the baseline, with a floor',
    interval: '1m',
    input_series: [spiky, steady, quiet, young, newborn],
    promql_expr_test: [
      {
        expr: seriesText(n.serviceTokenRate1h, svc('spiky')),
        eval_time: `${evalAt}m`,
        exp_samples: [sample(n.serviceTokenRate1h, svc('spiky'), refRate(spikyRate * 60, '1h'))],
      },
    ],
    alert_rule_test: [
      { eval_time: `${spikeAt}m`, alertname: alert.name, exp_alerts: [] },
      { eval_time: `${evalAt}m`, alertname: alert.name, exp_alerts: [firing('newborn'), firing('spiky'), firing('young')] },
    ],
  };
}

/** One service stops reporting; the alert fires after `for`; the one still reporting and a short-lived job never do. */
function telemetryGroup(settings: MixinSettings): PromtoolTestGroup {
  const alert = byName(alertDefinitions(settings))('GenAITelemetryAbsent');
  const n = recordNames(settings);
  const presence = durationSeconds(settings.telemetryAbsent.minPresence) / 60;
  const stopsAt = presence + 30;
  const forMin = durationSeconds(settings.telemetryAbsent.for) / 60;
  const labels = (service: string) => baseLabels({ ...healthy, service });
  const svc = (service: string): Labels => ({ [L.service]: service, [L.environment]: healthy.environment });
  const end = stopsAt + 5 + forMin + 20;
  return {
    name: 'telemetry absent: a service that was reporting goes silent; a short-lived job going away is expected',
    interval: '1m',
    input_series: [
      { series: seriesText(DURATION.count, labels('gone')), values: linear(60, stopsAt) },
      { series: seriesText(DURATION.count, labels('alive')), values: linear(60, end + 10) },
      // A batch job: 20 minutes of calls, then it exits.
      { series: seriesText(DURATION.count, labels('nightly-run')), values: `_x${stopsAt - 20} ${linear(60, 20)}` },
    ],
    promql_expr_test: [
      { expr: n.telemetryUp, eval_time: `${stopsAt - 10}m`, exp_samples: [sample(n.telemetryUp, svc('alive'), 1), sample(n.telemetryUp, svc('gone'), 1), sample(n.telemetryUp, svc('nightly-run'), 1)] },
      { expr: n.telemetryUp, eval_time: `${end}m`, exp_samples: [sample(n.telemetryUp, svc('alive'), 1)] },
    ],
    alert_rule_test: [
      { eval_time: `${stopsAt - 10}m`, alertname: alert.name, exp_alerts: [] },
      // Stale after 5m without samples, then pending for `for`: still silent just before.
      { eval_time: `${stopsAt + 5 + forMin - 1}m`, alertname: alert.name, exp_alerts: [] },
      // The count of evaluations it was present in is the value.
      { eval_time: `${end}m`, alertname: alert.name, exp_alerts: [alertExpectation(settings, alert, svc('gone'), stopsAt + 5)] },
    ],
  };
}

export interface RuleTestFile {
  /** Rules are evaluated every this often (the exact increments need the production interval). */
  evaluationInterval: string;
  groups: PromtoolTestGroup[];
}

/** The week-long token baseline reads only raw rates: a coarse step keeps a week of evaluations fast. */
const WEEK_EVALUATION_INTERVAL = '30m';

/**
 * Three files: minutes to hours at the production evaluation interval; hours to a day (burn rates, a
 * budget over a UTC day) at the same interval; the week-long token baseline every 30m.
 */
export function ruleTestFiles(settings: MixinSettings): { short: RuleTestFile; long: RuleTestFile; week: RuleTestFile } {
  return {
    short: { evaluationInterval: settings.evaluationInterval, groups: [shortWindowGroup(settings), quietGroup(settings), telemetryGroup(settings), ...fieldGroups(settings)] },
    long: { evaluationInterval: settings.evaluationInterval, groups: [burnRateGroup(settings), ...longFieldGroups(settings)] },
    week: { evaluationInterval: WEEK_EVALUATION_INTERVAL, groups: [tokenSpikeGroup(settings)] },
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
