// Every threshold, budget, window and severity the rules use, in one object. Change a value here,
// run `npm run generate`, and the Prometheus rules, Alertmanager config, runbook and promtool tests
// all follow. Durations are Prometheus duration strings.
import { COST_BUCKETS, DURATION_BUCKETS } from '@genai-meter/instrumentation-openai/semconv';

export type Severity = 'page' | 'ticket' | 'info';

export interface MixinSettings {
  /** Where runbook links point; anchors are appended. */
  runbookBaseUrl: string;
  /** Rule evaluation interval of the generated groups. */
  evaluationInterval: string;
  /** Scrape interval in prometheus.yml. */
  scrapeInterval: string;

  rateLimit: { maxIn5m: number; for: string; severity: Severity; maxShare: number; shareFor: string; shareSeverity: Severity };
  serverErrors: { maxPerMinute: number; for: string; severity: Severity };
  timeouts: { maxIn5m: number; for: string; severity: Severity };
  errorRatio: { max: number; for: string; severity: Severity };
  /** Availability SLO on the share of calls without `error.type`. */
  slo: {
    objective: number;
    /** Google SRE workbook multi-window multi-burn-rate pairs: fire when both windows burn faster than `factor`. */
    burnRates: readonly { long: string; short: string; factor: number; severity: Severity }[];
    /** `for` of the burn-rate alert of each severity (pairs of the same severity share one alert). */
    for: Readonly<Partial<Record<Severity, string>>>;
  };
  latency: {
    p99Seconds: number;
    p99For: string;
    p99Severity: Severity;
    p95Seconds: number;
    p95For: string;
    p95Severity: Severity;
    /** Latency SLO target for the "share of calls under target" rule: must be a duration bucket boundary. */
    sloTargetSeconds: number;
  };
  timeToFirstChunk: { p95Seconds: number; for: string; severity: Severity };
  spend: {
    dailyBudgetUSD: number;
    dailyFor: string;
    dailySeverity: Severity;
    monthlyBudgetUSD: number;
    /** Projected month = the last 24 h of spend times this many days. */
    daysPerMonth: number;
    monthlyFor: string;
    monthlySeverity: Severity;
    hourlyMaxUSD: number;
    hourlyFor: string;
    hourlySeverity: Severity;
  };
  tokenSpike: {
    /** Fire when the last hour's token rate exceeds `factor` x the baseline ... */
    factor: number;
    /** ... and exceeds this floor (tokens per second), so quiet services do not alert on noise. */
    minTokensPerSecond: number;
    /** Baselines tried in order: the same hour last week, else yesterday. */
    baselineOffsets: readonly string[];
    for: string;
    severity: Severity;
  };
  expensiveCall: {
    /** A call costing more than this is "expensive": must be a cost bucket boundary. */
    thresholdUSD: number;
    window: string;
    for: string;
    severity: Severity;
  };
  unpriced: { window: string; for: string; severity: Severity };
  telemetryAbsent: {
    /** A service that reported within this lookback and reports nothing now is missing. */
    lookback: string;
    for: string;
    severity: Severity;
  };
}

export const settings: MixinSettings = {
  runbookBaseUrl: 'https://github.com/genai-meter/genai-meter/blob/main/docs/runbook.md',
  evaluationInterval: '1m',
  scrapeInterval: '15s',

  rateLimit: { maxIn5m: 10, for: '1m', severity: 'ticket', maxShare: 0.05, shareFor: '10m', shareSeverity: 'ticket' },
  serverErrors: { maxPerMinute: 1, for: '2m', severity: 'page' },
  timeouts: { maxIn5m: 5, for: '1m', severity: 'ticket' },
  errorRatio: { max: 0.05, for: '5m', severity: 'ticket' },
  slo: {
    objective: 0.99,
    burnRates: [
      { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
      { long: '6h', short: '30m', factor: 6, severity: 'page' },
      { long: '1d', short: '2h', factor: 3, severity: 'ticket' },
      { long: '3d', short: '6h', factor: 1, severity: 'ticket' },
    ],
    for: { page: '2m', ticket: '15m' },
  },
  latency: {
    p99Seconds: 20,
    p99For: '5m',
    p99Severity: 'page',
    p95Seconds: 3,
    p95For: '5m',
    p95Severity: 'ticket',
    sloTargetSeconds: 10.24,
  },
  timeToFirstChunk: { p95Seconds: 2, for: '10m', severity: 'ticket' },
  spend: {
    dailyBudgetUSD: 50,
    dailyFor: '5m',
    dailySeverity: 'ticket',
    monthlyBudgetUSD: 1000,
    daysPerMonth: 30,
    monthlyFor: '1h',
    monthlySeverity: 'ticket',
    hourlyMaxUSD: 10,
    hourlyFor: '5m',
    hourlySeverity: 'page',
  },
  tokenSpike: { factor: 3, minTokensPerSecond: 50, baselineOffsets: ['1w', '1d'], for: '15m', severity: 'ticket' },
  expensiveCall: { thresholdUSD: 0.5, window: '5m', for: '0m', severity: 'info' },
  unpriced: { window: '1h', for: '0m', severity: 'ticket' },
  telemetryAbsent: { lookback: '1d', for: '10m', severity: 'ticket' },
};

/** Throws when a setting cannot be expressed by the metrics (e.g. a threshold between buckets). */
export function validateSettings(s: MixinSettings): void {
  if (!DURATION_BUCKETS.includes(s.latency.sloTargetSeconds)) {
    throw new Error(`latency.sloTargetSeconds ${s.latency.sloTargetSeconds} is not a duration bucket boundary (${DURATION_BUCKETS.join(', ')})`);
  }
  if (!COST_BUCKETS.includes(s.expensiveCall.thresholdUSD)) {
    throw new Error(`expensiveCall.thresholdUSD ${s.expensiveCall.thresholdUSD} is not a cost bucket boundary (${COST_BUCKETS.join(', ')})`);
  }
  if (!(s.slo.objective > 0 && s.slo.objective < 1)) throw new Error(`slo.objective must be in (0, 1), got ${s.slo.objective}`);
  if (s.tokenSpike.baselineOffsets.length === 0) throw new Error('tokenSpike.baselineOffsets must not be empty');
}
