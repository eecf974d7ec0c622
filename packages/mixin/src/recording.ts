// Recording rules: the rates, ratios, quantiles and spend that dashboards and alerts read, so a
// panel over 30 days touches one pre-aggregated series per service instead of every raw bucket.
// Names follow `level:metric:operations` (https://prometheus.io/docs/practices/rules/).
import type { MixinSettings } from './config.js';
import type { RecordingRule } from './model.js';
import { L, PROM } from './promnames.js';
import { DURATION, FAILED, LEVELS, leMatcher, sel, sumBy, withoutTotal, type Level, type Matchers } from './promql.js';
import { ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';

export const QUANTILES = [0.5, 0.95, 0.99] as const;

const GROUPS = {
  requests: 'genai-meter.requests',
  latency: 'genai-meter.latency',
  tokens: 'genai-meter.tokens',
  cost: 'genai-meter.cost',
  capacity: 'genai-meter.capacity',
  presence: 'genai-meter.presence',
} as const;

const rec = (level: Level, metric: string, operations: string): string => `${level}:${metric}:${operations}`;

/** Windows whose error ratio the SLO burn-rate alerts need, plus 5m for dashboards, shortest first. */
export function errorRatioWindows(s: MixinSettings): string[] {
  const seen = new Set<string>(['5m']);
  for (const b of s.slo.burnRates) seen.add(b.short).add(b.long);
  const order = (d: string) => ({ m: 60, h: 3600, d: 86400, w: 604800 })[d.slice(-1) as 'm'] * Number(d.slice(0, -1));
  return [...seen].sort((a, b) => order(a) - order(b));
}

/** Names of every recorded series, so alerts and dashboards never retype them. */
export function recordNames(s: MixinSettings) {
  const errorRatio = Object.fromEntries(
    errorRatioWindows(s).map((w) => [w, rec('service', 'gen_ai_errors', `ratio_rate${w}`)]),
  ) as Record<string, string>;
  return {
    requestsRate: rec('service', 'gen_ai_requests', 'rate5m'),
    modelRequestsRate: rec('service_model', 'gen_ai_requests', 'rate5m'),
    errorsRate: rec('service_provider_error_type', 'gen_ai_errors', 'rate5m'),
    errorRatio,
    rateLimitedRatio: rec('service', 'gen_ai_rate_limited', 'ratio_rate5m'),
    withinLatencyTarget: rec('service', 'gen_ai_requests_within_latency_target', 'ratio_rate5m'),
    durationBucketRate: rec('service_model', `${PROM.duration}_bucket`, 'rate5m'),
    durationQuantile: rec('service_model', PROM.duration, 'histogram_quantile_rate5m'),
    ttfcBucketRate: rec('service_model', `${PROM.timeToFirstChunk}_bucket`, 'rate5m'),
    ttfcQuantile: rec('service_model', PROM.timeToFirstChunk, 'histogram_quantile_rate5m'),
    chunkBucketRate: rec('service_model', `${PROM.timePerOutputChunk}_bucket`, 'rate5m'),
    tokenRate: rec('service_model_token_type', PROM.tokenUsage, 'rate5m'),
    serviceTokenRate1h: rec('service', PROM.tokenUsage, 'rate1h'),
    tokenDetailRate: rec('service_model_token_detail', withoutTotal(PROM.tokenDetails), 'rate5m'),
    modelCost1h: rec('service_model', PROM.cost, 'increase1h'),
    serviceCost1h: rec('service', PROM.cost, 'increase1h'),
    serviceCost1d: rec('service', PROM.cost, 'increase1d'),
    serviceCostProjectedMonth: rec('service', PROM.cost, 'projected_month_from_1d'),
    expensiveCalls: rec('service_model', 'gen_ai_expensive_calls', `increase${s.expensiveCall.window}`),
    unpricedCalls: rec('service_model', withoutTotal(PROM.unpricedCalls), `increase${s.unpriced.window}`),
    retriesRate: rec('service_model', withoutTotal(PROM.retries), 'rate5m'),
    activeRequests: rec('service', PROM.activeRequests, 'sum'),
    rateLimitUsed: rec('service_model_rate_limit_type', 'genai_meter_client_rate_limit_used', 'ratio'),
    telemetryUp: rec('service', 'genai_meter_telemetry', 'up'),
  };
}

export type RecordNames = ReturnType<typeof recordNames>;

/** `errors / requests`, 0 (not absent) when a service had requests and no errors. */
function ratio(level: readonly string[], errors: Matchers, window: string): string {
  const all = sumBy(level, `rate(${DURATION.count}[${window}])`);
  return `(${sumBy(level, `rate(${sel(DURATION.count, errors)}[${window}])`)} or ${all} * 0) / ${all}`;
}

export function recordingRules(s: MixinSettings): RecordingRule[] {
  const n = recordNames(s);
  const svc = LEVELS.service;
  const model = LEVELS.service_model;
  const rules: RecordingRule[] = [
    // ---- requests and errors ----
    {
      group: GROUPS.requests,
      record: n.requestsRate,
      expr: sumBy(svc, `rate(${DURATION.count}[5m])`),
      help: 'Calls per second per service (every finished call, failed or not).',
    },
    {
      group: GROUPS.requests,
      record: n.modelRequestsRate,
      expr: sumBy(model, `rate(${DURATION.count}[5m])`),
      help: 'Calls per second per service, provider and requested model.',
    },
    {
      group: GROUPS.requests,
      record: n.errorsRate,
      expr: sumBy(LEVELS.service_provider_error_type, `rate(${sel(DURATION.count, FAILED)}[5m])`),
      help: 'Failed calls per second by error.type (rate_limit, server_error, timeout, ...).',
    },
    ...errorRatioWindows(s).map(
      (w): RecordingRule => ({
        group: GROUPS.requests,
        record: n.errorRatio[w]!,
        expr: ratio(svc, FAILED, w),
        help: `Share of calls that failed over ${w}: the SLO error ratio the burn-rate alerts compare.`,
      }),
    ),
    {
      group: GROUPS.requests,
      record: n.rateLimitedRatio,
      expr: ratio(svc, { [L.errorType]: ERROR_TYPE_VALUES.RATE_LIMIT }, '5m'),
      help: 'Share of calls that ended in HTTP 429 after the SDK retries.',
    },
    {
      group: GROUPS.requests,
      record: n.withinLatencyTarget,
      expr: `${sumBy(svc, `rate(${sel(DURATION.bucket, { le: leMatcher(s.latency.sloTargetSeconds) })}[5m])`)} / ${sumBy(svc, `rate(${DURATION.count}[5m])`)}`,
      labels: { latency_target_seconds: String(s.latency.sloTargetSeconds) },
      help: `Share of calls that finished within the latency SLO target (${s.latency.sloTargetSeconds}s).`,
    },
    // ---- latency ----
    {
      group: GROUPS.latency,
      record: n.durationBucketRate,
      expr: sumBy([...model, L.le], `rate(${DURATION.bucket}[5m])`),
      help: 'Duration histogram buckets per model: the input of latency quantiles and heatmaps.',
    },
    ...QUANTILES.map(
      (q): RecordingRule => ({
        group: GROUPS.latency,
        record: n.durationQuantile,
        expr: `histogram_quantile(${q}, ${n.durationBucketRate})`,
        labels: { quantile: String(q) },
        help: `P${q * 100} call duration per model over 5m.`,
      }),
    ),
    {
      group: GROUPS.latency,
      record: n.ttfcBucketRate,
      expr: sumBy([...model, L.le], `rate(${PROM.timeToFirstChunk}_bucket[5m])`),
      help: 'Time-to-first-chunk histogram buckets per model (streaming calls only).',
    },
    ...QUANTILES.map(
      (q): RecordingRule => ({
        group: GROUPS.latency,
        record: n.ttfcQuantile,
        expr: `histogram_quantile(${q}, ${n.ttfcBucketRate})`,
        labels: { quantile: String(q) },
        help: `P${q * 100} time to first chunk per model over 5m.`,
      }),
    ),
    {
      group: GROUPS.latency,
      record: n.chunkBucketRate,
      expr: sumBy([...model, L.le], `rate(${PROM.timePerOutputChunk}_bucket[5m])`),
      help: 'Time-per-output-chunk histogram buckets per model (streaming calls only).',
    },
    // ---- tokens ----
    {
      group: GROUPS.tokens,
      record: n.tokenRate,
      expr: sumBy(LEVELS.service_model_token_type, `rate(${PROM.tokenUsage}_sum[5m])`),
      help: 'Tokens per second by token type (input, output) per model.',
    },
    {
      group: GROUPS.tokens,
      record: n.serviceTokenRate1h,
      expr: sumBy(svc, `rate(${PROM.tokenUsage}_sum[1h])`),
      help: 'Tokens per second per service over the last hour: the token-spike alert compares it with history.',
    },
    {
      group: GROUPS.tokens,
      record: n.tokenDetailRate,
      expr: sumBy(LEVELS.service_model_token_detail, `rate(${PROM.tokenDetails}[5m])`),
      help: 'Cached (read/write) and reasoning tokens per second per model.',
    },
    // ---- cost ----
    {
      group: GROUPS.cost,
      record: n.modelCost1h,
      expr: sumBy(model, `increase(${PROM.cost}_sum[1h])`),
      help: 'USD spent in the last hour per model.',
    },
    {
      group: GROUPS.cost,
      record: n.serviceCost1h,
      expr: sumBy(svc, `increase(${PROM.cost}_sum[1h])`),
      help: 'USD spent in the last hour per service.',
    },
    {
      group: GROUPS.cost,
      record: n.serviceCost1d,
      expr: sumBy(svc, `increase(${PROM.cost}_sum[1d])`),
      help: 'USD spent in the last 24 hours per service.',
    },
    {
      group: GROUPS.cost,
      record: n.serviceCostProjectedMonth,
      expr: `${n.serviceCost1d} * ${s.spend.daysPerMonth}`,
      help: `Projected monthly spend per service: the last 24 hours times ${s.spend.daysPerMonth} days.`,
    },
    {
      group: GROUPS.cost,
      record: n.expensiveCalls,
      // Calls above the threshold = all calls minus those in buckets up to it.
      expr: `${sumBy(model, `increase(${PROM.cost}_count[${s.expensiveCall.window}])`)} - ${sumBy(model, `increase(${sel(`${PROM.cost}_bucket`, { le: leMatcher(s.expensiveCall.thresholdUSD) })}[${s.expensiveCall.window}])`)}`,
      labels: { threshold_usd: String(s.expensiveCall.thresholdUSD) },
      help: `Calls that cost more than $${s.expensiveCall.thresholdUSD} each in the last ${s.expensiveCall.window}.`,
    },
    {
      group: GROUPS.cost,
      record: n.unpricedCalls,
      expr: sumBy(model, `increase(${PROM.unpricedCalls}[${s.unpriced.window}])`),
      help: `Calls in the last ${s.unpriced.window} for models the price catalog does not know (no cost recorded).`,
    },
    // ---- capacity ----
    {
      group: GROUPS.capacity,
      record: n.retriesRate,
      expr: sumBy(model, `rate(${PROM.retries}[5m])`),
      help: 'Retries per second made inside the openai SDK per model.',
    },
    {
      group: GROUPS.capacity,
      record: n.activeRequests,
      expr: sumBy(svc, PROM.activeRequests),
      help: 'Calls in flight per service.',
    },
    {
      group: GROUPS.capacity,
      record: n.rateLimitUsed,
      expr: `1 - ${`min by (${LEVELS.service_model_rate_limit_type.join(', ')}) (${PROM.rateLimitRemaining})`} / ${`max by (${LEVELS.service_model_rate_limit_type.join(', ')}) (${PROM.rateLimitLimit})`}`,
      help: 'Used share of the provider rate limit (requests or tokens) from the last response headers.',
    },
    // ---- presence ----
    {
      group: GROUPS.presence,
      record: n.telemetryUp,
      expr: `group by (${svc.join(', ')}) (${DURATION.count})`,
      help: 'One series (value 1) per service whose call metrics Prometheus currently has.',
    },
  ];
  return rules;
}
