// Recording rules: the rates, ratios, quantiles and spend that dashboards and alerts read, so a
// panel over 30 days touches one pre-aggregated series per service instead of every raw bucket.
// Names follow `level:metric:operations` (https://prometheus.io/docs/practices/rules/).
import { rateWindow, type MixinSettings } from './config.js';
import { stepOperation } from './increments.js';
import type { RecordingRule } from './model.js';
import { L, PROM } from './promnames.js';
import { durationSeconds, levels, sel, sumBy, withoutTotal, DURATION, leMatcher, type Level } from './promql.js';
import { callRules, latencySliRules } from './slo.js';
import { spendRules } from './spend.js';

export const QUANTILES = [0.5, 0.95, 0.99] as const;

/** Rule groups. A chain of per-step increments and the windows summed from them share a group, so they see the same evaluation. */
export const GROUPS = {
  requests: 'genai-meter.requests',
  latency: 'genai-meter.latency',
  tokens: 'genai-meter.tokens',
  cost: 'genai-meter.cost',
  capacity: 'genai-meter.capacity',
  presence: 'genai-meter.presence',
} as const;

const rec = (level: Level, metric: string, operations: string): string => `${level}:${metric}:${operations}`;

const uniqueWindows = (windows: readonly string[]): string[] => [...new Set(windows)].sort((a, b) => durationSeconds(a) - durationSeconds(b));

/** Windows of the availability error ratio: the rate window (dashboards, GenAIErrorRatioHigh) and every burn-rate window. */
export function errorRatioWindows(s: MixinSettings): string[] {
  return uniqueWindows([rateWindow(s), ...s.slo.burnRates.flatMap((b) => [b.short, b.long])]);
}

/** Windows over which calls are counted per error type: the error ratios', the 5-minute count alerts', quota and client errors'. */
export function callWindows(s: MixinSettings): string[] {
  return uniqueWindows([...errorRatioWindows(s), '5m', s.quota.window, s.clientErrors.window]);
}

/** Windows of the latency SLO ratios. */
export function latencyWindows(s: MixinSettings): string[] {
  return uniqueWindows(s.latency.burnRates.flatMap((b) => [b.short, b.long]));
}

/** Windows of the rolling spend series: the hour, the day, and the paces of the two forecasts. */
export function spendWindows(s: MixinSettings): string[] {
  const f = [s.spend.dailyForecast, s.spend.monthlyForecast];
  return uniqueWindows(['1h', '1d', ...f.flatMap((x) => [x.long, x.short])]);
}

const byWindow = (windows: readonly string[], name: (w: string) => string): Record<string, string> =>
  Object.fromEntries(windows.map((w) => [w, name(w)]));

/** Names of every recorded series, so alerts and dashboards never retype them. */
export function recordNames(s: MixinSettings) {
  const rw = rateWindow(s);
  const step = stepOperation(s);
  return {
    // ---- calls and errors (exact per-step increments, see increments.ts) ----
    callsStep: rec('service_model_error_type', 'gen_ai_calls', step),
    calls: byWindow(callWindows(s), (w) => rec('service_provider_error_type', 'gen_ai_calls', `increase${w}`)),
    errorsIncrease5m: rec('service_provider_error_type', 'gen_ai_errors', 'increase5m'),
    errorsRate: rec('service_provider_error_type', 'gen_ai_errors', `rate${rw}`),
    requestsRate: rec('service', 'gen_ai_requests', `rate${rw}`),
    modelRequestsRate: rec('service_model', 'gen_ai_requests', `rate${rw}`),
    sloCalls: byWindow(errorRatioWindows(s), (w) => rec('service', 'gen_ai_slo_calls', `increase${w}`)),
    errorRatio: byWindow(errorRatioWindows(s), (w) => rec('service', 'gen_ai_errors', `ratio_rate${w}`)),
    rateLimitedRatio: rec('service', 'gen_ai_rate_limited', `ratio_rate${rw}`),
    clientErrorRatio: rec('service', 'gen_ai_client_errors', `ratio_rate${s.clientErrors.window}`),
    // ---- latency ----
    withinLatencyTarget: rec('service', 'gen_ai_requests_within_latency_target', `ratio_rate${rw}`),
    durationBucketRate: rec('service_model', `${PROM.duration}_bucket`, `rate${rw}`),
    durationQuantile: rec('service_model', PROM.duration, `histogram_quantile_rate${rw}`),
    ttfcBucketRate: rec('service_model', `${PROM.timeToFirstChunk}_bucket`, `rate${rw}`),
    ttfcQuantile: rec('service_model', PROM.timeToFirstChunk, `histogram_quantile_rate${rw}`),
    chunkBucketRate: rec('service_model', `${PROM.timePerOutputChunk}_bucket`, `rate${rw}`),
    latencyWithinTargetStep: rec('service_model', 'gen_ai_latency_within_target', step),
    latencyCallsStep: rec('service_model', 'gen_ai_latency_calls', step),
    latencyCalls: byWindow(latencyWindows(s), (w) => rec('service_model', 'gen_ai_latency_calls', `increase${w}`)),
    latencySlowRatio: byWindow(latencyWindows(s), (w) => rec('service_model', 'gen_ai_latency_slow', `ratio_rate${w}`)),
    // ---- tokens ----
    tokenRate: rec('service_model_token_type', PROM.tokenUsage, `rate${rw}`),
    serviceTokenRate1h: rec('service', PROM.tokenUsage, 'rate1h'),
    tokenDetailRate: rec('service_model_token_detail', withoutTotal(PROM.tokenDetails), `rate${rw}`),
    // ---- cost (exact) ----
    modelCostStep: rec('service_model', PROM.cost, step),
    serviceCostStep: rec('service', PROM.cost, step),
    modelCost1h: rec('service_model', PROM.cost, 'increase1h'),
    serviceCost: byWindow(spendWindows(s), (w) => rec('service', PROM.cost, `increase${w}`)),
    serviceCost1h: rec('service', PROM.cost, 'increase1h'),
    serviceCost1d: rec('service', PROM.cost, 'increase1d'),
    serviceCostToday: rec('service', PROM.cost, 'increase_today_utc'),
    serviceCostTodayDay: rec('service', PROM.cost, 'increase_today_utc_day_number'),
    serviceCostThisMonth: rec('service', PROM.cost, 'increase_this_month_utc'),
    serviceCostThisMonthMonth: rec('service', PROM.cost, 'increase_this_month_utc_month_number'),
    serviceCostForecastToday: rec('service', PROM.cost, 'forecast_today_utc'),
    serviceCostForecastThisMonth: rec('service', PROM.cost, 'forecast_this_month_utc'),
    serviceCostProjectedMonth: rec('service', PROM.cost, 'projected_month_from_1d'),
    budget: {
      hourly: rec('service', 'genai_meter_budget_USD', 'hourly'),
      daily: rec('service', 'genai_meter_budget_USD', 'daily'),
      monthly: rec('service', 'genai_meter_budget_USD', 'monthly'),
    },
    expensiveCallsStep: rec('service_model', 'gen_ai_expensive_calls', step),
    expensiveCalls: rec('service_model', 'gen_ai_expensive_calls', `increase${s.expensiveCall.window}`),
    unpricedCallsStep: rec('service_model', withoutTotal(PROM.unpricedCalls), step),
    unpricedCalls: rec('service_model', withoutTotal(PROM.unpricedCalls), `increase${s.unpriced.window}`),
    // ---- capacity and presence ----
    retriesRate: rec('service_model', withoutTotal(PROM.retries), `rate${rw}`),
    activeRequests: rec('service', PROM.activeRequests, 'sum'),
    rateLimitUsed: rec('service_model_rate_limit_type', 'genai_meter_client_rate_limit_used', 'ratio'),
    telemetryUp: rec('service', 'genai_meter_telemetry', 'up'),
  };
}

export type RecordNames = ReturnType<typeof recordNames>;

export function recordingRules(s: MixinSettings): RecordingRule[] {
  const n = recordNames(s);
  const lv = levels(s);
  const svc = lv.service;
  const model = lv.service_model;
  const rw = rateWindow(s);
  const rate = (selector: string) => `rate(${selector}[${rw}])`;
  const bucketRateRule = (record: string, bucket: string, help: string): RecordingRule => ({
    group: GROUPS.latency,
    record,
    expr: sumBy([...model, L.le], rate(sel(bucket))),
    help,
  });
  const quantileRules = (record: string, bucketRate: string, what: string): RecordingRule[] =>
    QUANTILES.map((q) => ({
      group: GROUPS.latency,
      record,
      expr: `histogram_quantile(${q}, ${bucketRate})`,
      labels: { quantile: String(q) },
      help: `P${q * 100} ${what} per model over ${rw}.`,
    }));
  return [
    ...callRules(s, n, GROUPS.requests),
    // ---- latency ----
    {
      group: GROUPS.latency,
      record: n.withinLatencyTarget,
      expr: `${sumBy(svc, rate(sel(DURATION.bucket, { le: leMatcher(s.latency.sloTargetSeconds) })))} / (${sumBy(svc, rate(sel(DURATION.count)))} > 0)`,
      labels: { latency_target_seconds: String(s.latency.sloTargetSeconds) },
      help: `Share of calls that finished within ${s.latency.sloTargetSeconds}s (one target for every operation; the latency SLO uses per-model targets).`,
    },
    bucketRateRule(n.durationBucketRate, DURATION.bucket, 'Duration histogram buckets per model: the input of latency quantiles and heatmaps.'),
    ...quantileRules(n.durationQuantile, n.durationBucketRate, 'call duration'),
    bucketRateRule(n.ttfcBucketRate, `${PROM.timeToFirstChunk}_bucket`, 'Time-to-first-chunk histogram buckets per model (streaming calls only).'),
    ...quantileRules(n.ttfcQuantile, n.ttfcBucketRate, 'time to first chunk'),
    bucketRateRule(n.chunkBucketRate, `${PROM.timePerOutputChunk}_bucket`, 'Time-per-output-chunk histogram buckets per model (streaming calls only).'),
    ...latencySliRules(s, n, GROUPS.latency),
    // ---- tokens ----
    {
      group: GROUPS.tokens,
      record: n.tokenRate,
      expr: sumBy(lv.service_model_token_type, rate(sel(`${PROM.tokenUsage}_sum`))),
      help: 'Tokens per second by token type (input, output) per model.',
    },
    {
      group: GROUPS.tokens,
      record: n.serviceTokenRate1h,
      expr: sumBy(svc, `rate(${sel(`${PROM.tokenUsage}_sum`)}[1h])`),
      help: 'Tokens per second per service over the last hour: the token-spike alert compares it with history.',
    },
    {
      group: GROUPS.tokens,
      record: n.tokenDetailRate,
      expr: sumBy(lv.service_model_token_detail, rate(sel(PROM.tokenDetails))),
      help: 'Cached (read/write) and reasoning tokens per second per model.',
    },
    ...spendRules(s, n, GROUPS.cost),
    // ---- capacity ----
    {
      group: GROUPS.capacity,
      record: n.retriesRate,
      expr: sumBy(model, rate(sel(PROM.retries))),
      help: 'Retries per second made inside the openai SDK per model.',
    },
    {
      group: GROUPS.capacity,
      record: n.activeRequests,
      expr: sumBy(svc, sel(PROM.activeRequests)),
      help: 'Calls in flight per service.',
    },
    {
      group: GROUPS.capacity,
      record: n.rateLimitUsed,
      expr: `1 - min by (${lv.service_model_rate_limit_type.join(', ')}) (${sel(PROM.rateLimitRemaining)}) / max by (${lv.service_model_rate_limit_type.join(', ')}) (${sel(PROM.rateLimitLimit)})`,
      help: 'Used share of the provider rate limit (requests or tokens) from the last response headers.',
    },
    // ---- presence ----
    {
      group: GROUPS.presence,
      record: n.telemetryUp,
      expr: `group by (${svc.join(', ')}) (${sel(DURATION.count)})`,
      help: 'One series (value 1) per service whose call metrics Prometheus currently has.',
    },
  ];
}

