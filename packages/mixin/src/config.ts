// Every threshold, window and severity the rules use, in one object. Change a value here, run
// `npm run generate`, and the Prometheus rules, Alertmanager config, runbook and promtool tests all
// follow. Budgets are data in packages/mixin/budgets.yaml (see budgets.ts). Durations are Prometheus
// duration strings.
import { COST_BUCKETS, DURATION_BUCKETS, GENAI_METER_OPERATION_NAME_VALUES as OPS } from '@genai-meter/instrumentation-openai/semconv';
import { loadBudgets, type Budgets } from './budgets.js';
import { durationSeconds } from './durations.js';

export type Severity = 'page' | 'ticket' | 'info';

/** A multi-window burn-rate pair: fire when both windows burn faster than `factor` times the budget. */
export interface BurnRate {
  readonly long: string;
  readonly short: string;
  readonly factor: number;
  readonly severity: Severity;
}

/**
 * Latency targets, first match wins: a model pattern (Prometheus regex on gen_ai_request_model, anchored),
 * else the call's operation, else `otherwise`. Every value must be a duration bucket boundary.
 */
export interface LatencyTargets {
  readonly models: readonly { readonly pattern: string; readonly seconds: number }[];
  readonly operations: Readonly<Record<string, number>>;
  readonly otherwise: number;
}

export interface MixinSettings {
  /** Where runbook links point; anchors are appended. */
  runbookBaseUrl: string;
  /** Grafana's root URL as the people an alert notifies open it: the alerts' dashboard links start with it. */
  grafanaUrl: string;
  /** Rule evaluation interval; also the step of the exact increments (`*:increase1m`). */
  evaluationInterval: string;
  /** Scrape interval in prometheus.yml. */
  scrapeInterval: string;
  /**
   * The longest time between two updates of a series' value: the OTLP export interval on the collector
   * path (the SDK's default is 60 s), the scrape interval on the direct path. Rate windows are at least
   * four of these, so a window always spans several updates (no saw-tooth on Prometheus 3's left-open windows).
   */
  exportInterval: string;
  /**
   * Labels every aggregation keeps besides service and environment, e.g. `['cluster']` when several
   * clusters write into one store (Thanos, Mimir) with an external label of that name.
   */
  extraGroupingLabels: readonly string[];
  /**
   * The exact increments compare each series with its own last sample up to this far back. A series
   * absent for longer (an outage of Prometheus or of the collector) and back again is counted as new:
   * its whole cumulative value lands in one step. Longer is safer and costs more (each evaluation reads
   * this much of the raw counters).
   */
  counterGapTolerance: string;
  /**
   * How far behind the evaluation time the exact increments read the raw counters. A scrape is stamped
   * when it starts and lands when it ends (up to its timeout later); remote write lands later still. A
   * sample that lands after the evaluation covering its timestamp would be in neither step, so steps read
   * samples this old: spend and counts lag by this much and lose nothing. `0s` if Prometheus' own
   * `rule_query_offset` (2.53+) already covers it; at least the scrape timeout otherwise.
   */
  ingestionDelay: string;

  rateLimit: { maxIn5m: number; for: string; severity: Severity; maxShare: number; shareFor: string; shareSeverity: Severity; minCalls: number };
  serverErrors: { maxPerMinute: number; for: string; severity: Severity };
  timeouts: { maxIn5m: number; for: string; severity: Severity };
  /** Availability error ratio over 5 minutes (provider failures only), with a minimum-traffic guard. */
  errorRatio: { max: number; for: string; severity: Severity; minCalls: number };
  /** Quota or balance exhausted (`insufficient_quota`): nothing recovers by itself. */
  quota: { window: string; for: string; severity: Severity };
  /** Client mistakes (auth, bad_request, incomplete): a bad deploy or a revoked key, not an outage. */
  clientErrors: { max: number; window: string; for: string; severity: Severity; minCalls: number };
  /** Availability SLO: successes over successes + provider failures (ERROR_TYPE_CLASSES.provider). */
  slo: {
    objective: number;
    /** Google SRE workbook multi-window multi-burn-rate pairs. */
    burnRates: readonly BurnRate[];
    /** `for` of the burn-rate alert of each severity (pairs of the same severity share one alert). */
    for: Readonly<Partial<Record<Severity, string>>>;
    /** Calls needed in a pair's long window before it may fire: two failures of a quiet job are not an outage. */
    minCalls: number;
  };
  /**
   * Latency SLO: the share of calls over their target. Streams are judged on time to first chunk
   * (what a user waits for); every call on its full duration against a target per model/operation.
   */
  latency: {
    objective: number;
    burnRates: readonly BurnRate[];
    for: Readonly<Partial<Record<Severity, string>>>;
    minCalls: number;
    targets: { readonly duration: LatencyTargets; readonly timeToFirstChunk: LatencyTargets };
    /** One fixed target for the "share of calls within target" dashboard series (a duration bucket bound). */
    sloTargetSeconds: number;
    /** Reference lines on the dashboards' latency quantile panels; no alert uses them. */
    p95Seconds: number;
    p99Seconds: number;
  };
  /** Reference line on the dashboards' time-to-first-chunk panels; no alert uses it. */
  timeToFirstChunk: { p95Seconds: number };
  spend: {
    /** The default budgets (the `defaults` of budgets.yaml); per service and environment in `budgets`. */
    hourlyMaxUSD: number;
    dailyBudgetUSD: number;
    monthlyBudgetUSD: number;
    /** Kept for `*:projected_month_from_1d`: the last 24 hours times this many days. */
    daysPerMonth: number;
    hourlyFor: string;
    hourlySeverity: Severity;
    dailyFor: string;
    dailySeverity: Severity;
    monthlyFor: string;
    monthlySeverity: Severity;
    /** Today's forecast = today so far + the pace of `long` (and, to fire, of `short`) until 24:00 UTC. */
    dailyForecast: { long: string; short: string; for: string; severity: Severity };
    /** This month's forecast = month to date + the pace of `long` (and of `short`) until the month ends. */
    monthlyForecast: { long: string; short: string; for: string; severity: Severity };
  };
  /** Budgets per service and environment (packages/mixin/budgets.yaml). */
  budgets: Budgets;
  tokenSpike: {
    /** Fire when the last hour's token rate exceeds `factor` x the baseline ... */
    factor: number;
    /** ... and exceeds this floor (tokens per second), so quiet services do not alert on noise. */
    minTokensPerSecond: number;
    /** Baselines tried in order: the same hour last week, then yesterday ... */
    baselineOffsets: readonly string[];
    /** ... then, for a service only hours old, the hours before the last one. */
    recentBaseline: string;
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
    /** A service that reported within this lookback and reports nothing now is missing ... */
    lookback: string;
    /** ... if it reported for at least this long: a short-lived job is expected to go away. */
    minPresence: string;
    for: string;
    severity: Severity;
  };
  /** The monitoring stack watching itself. */
  stack: {
    /** Prometheus' own scrape job (rule evaluation metrics). */
    prometheusJob: string;
    /** The collector's own metrics (its telemetry endpoint, :8888). */
    collectorJob: string;
    ruleFailures: { for: string; severity: Severity };
    missedEvaluations: { for: string; severity: Severity };
    collectorDown: { for: string; severity: Severity };
    /** Metric points refused, failed or dropped by the collector. */
    collectorDrops: { window: string; for: string; severity: Severity };
    /** Exporter queue fuller than this share of its capacity. */
    collectorQueue: { maxFill: number; for: string; severity: Severity };
  };
}

/** Model names of reasoning models (bare or behind a relay prefix): they think before the first token. */
export const REASONING_MODELS = '(.+/)?(o[1-9]|gpt-5|deepseek-r1|deepseek-reasoner|qwq|.*thinking|.*reasoning)([-.:@].*)?';

const budgets = loadBudgets();

export const settings: MixinSettings = {
  runbookBaseUrl: 'https://github.com/genai-meter/genai-meter/blob/main/docs/runbook.md',
  // docker-compose.yml publishes Grafana on the loopback interface; set the URL your on-call opens.
  grafanaUrl: 'http://127.0.0.1:3000',
  evaluationInterval: '1m',
  scrapeInterval: '15s',
  exportInterval: '60s',
  extraGroupingLabels: [],
  counterGapTolerance: '1d',
  ingestionDelay: '1m',

  rateLimit: { maxIn5m: 10, for: '1m', severity: 'ticket', maxShare: 0.05, shareFor: '10m', shareSeverity: 'ticket', minCalls: 20 },
  serverErrors: { maxPerMinute: 1, for: '2m', severity: 'page' },
  timeouts: { maxIn5m: 5, for: '1m', severity: 'ticket' },
  errorRatio: { max: 0.05, for: '5m', severity: 'ticket', minCalls: 20 },
  quota: { window: '10m', for: '1m', severity: 'page' },
  clientErrors: { max: 0.1, window: '30m', for: '10m', severity: 'ticket', minCalls: 20 },
  slo: {
    objective: 0.99,
    burnRates: [
      { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
      { long: '6h', short: '30m', factor: 6, severity: 'page' },
      { long: '1d', short: '2h', factor: 3, severity: 'ticket' },
      { long: '3d', short: '6h', factor: 1, severity: 'ticket' },
    ],
    for: { page: '2m', ticket: '15m' },
    minCalls: 20,
  },
  latency: {
    objective: 0.99,
    burnRates: [
      { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
      { long: '6h', short: '30m', factor: 6, severity: 'ticket' },
    ],
    for: { page: '5m', ticket: '15m' },
    minCalls: 20,
    targets: {
      // A 500-token answer streams for 10-20 s, a reasoning model for 20-60 s: healthy, and long.
      // High-quality images take up to a minute; a transcription lasts as long as its audio; speech is timed to
      // its headers; moderation and embeddings are quick.
      duration: {
        models: [{ pattern: REASONING_MODELS, seconds: 81.92 }],
        operations: {
          embeddings: 5.12,
          [OPS.MODERATE_CONTENT]: 5.12,
          [OPS.GENERATE_SPEECH]: 10.24,
          [OPS.GENERATE_IMAGE]: 81.92,
          [OPS.EDIT_IMAGE]: 81.92,
          [OPS.TRANSCRIBE_AUDIO]: 81.92,
          [OPS.TRANSLATE_AUDIO]: 81.92,
        },
        otherwise: 40.96,
      },
      // What a user waits for before anything shows: reasoning models think first; an image stream's first
      // partial image comes after much of the rendering.
      timeToFirstChunk: {
        models: [{ pattern: REASONING_MODELS, seconds: 20.48 }],
        operations: { [OPS.GENERATE_IMAGE]: 40.96, [OPS.EDIT_IMAGE]: 40.96 },
        otherwise: 5.12,
      },
    },
    sloTargetSeconds: 10.24,
    p95Seconds: 20.48,
    p99Seconds: 40.96,
  },
  timeToFirstChunk: { p95Seconds: 5.12 },
  spend: {
    hourlyMaxUSD: budgets.defaults.hourly,
    dailyBudgetUSD: budgets.defaults.daily,
    monthlyBudgetUSD: budgets.defaults.monthly,
    daysPerMonth: 30,
    hourlyFor: '5m',
    hourlySeverity: 'page',
    dailyFor: '5m',
    dailySeverity: 'ticket',
    monthlyFor: '5m',
    monthlySeverity: 'ticket',
    dailyForecast: { long: '6h', short: '30m', for: '15m', severity: 'ticket' },
    monthlyForecast: { long: '1d', short: '6h', for: '1h', severity: 'ticket' },
  },
  budgets,
  tokenSpike: { factor: 3, minTokensPerSecond: 50, baselineOffsets: ['1w', '1d'], recentBaseline: '6h', for: '15m', severity: 'ticket' },
  expensiveCall: { thresholdUSD: 0.5, window: '5m', for: '0m', severity: 'info' },
  unpriced: { window: '1h', for: '0m', severity: 'ticket' },
  telemetryAbsent: { lookback: '1d', minPresence: '1h', for: '10m', severity: 'ticket' },
  stack: {
    prometheusJob: 'prometheus',
    collectorJob: 'otel-collector-self',
    ruleFailures: { for: '5m', severity: 'page' },
    missedEvaluations: { for: '10m', severity: 'ticket' },
    collectorDown: { for: '5m', severity: 'ticket' },
    collectorDrops: { window: '10m', for: '5m', severity: 'ticket' },
    collectorQueue: { maxFill: 0.8, for: '10m', severity: 'ticket' },
  },
};

/** The window of every rate(): at least 5 minutes and at least four export (or scrape) intervals. */
export function rateWindow(s: MixinSettings): string {
  const seconds = Math.max(300, 4 * Math.max(durationSeconds(s.exportInterval), durationSeconds(s.scrapeInterval)));
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function latencyTargetValues(t: LatencyTargets): number[] {
  return [...t.models.map((m) => m.seconds), ...Object.values(t.operations), t.otherwise];
}

/** Throws when a setting cannot be expressed by the metrics (e.g. a threshold between buckets). */
export function validateSettings(s: MixinSettings): void {
  const problems: string[] = [];
  const bucket = (what: string, v: number) => {
    if (!DURATION_BUCKETS.includes(v)) problems.push(`${what} ${v} is not a duration bucket boundary (${DURATION_BUCKETS.join(', ')})`);
  };
  bucket('latency.sloTargetSeconds', s.latency.sloTargetSeconds);
  for (const [sli, t] of Object.entries(s.latency.targets)) latencyTargetValues(t).forEach((v) => bucket(`latency.targets.${sli}`, v));
  if (!COST_BUCKETS.includes(s.expensiveCall.thresholdUSD)) {
    problems.push(`expensiveCall.thresholdUSD ${s.expensiveCall.thresholdUSD} is not a cost bucket boundary (${COST_BUCKETS.join(', ')})`);
  }
  for (const [what, o] of [['slo.objective', s.slo.objective], ['latency.objective', s.latency.objective]] as const) {
    if (!(o > 0 && o < 1)) problems.push(`${what} must be in (0, 1), got ${o}`);
  }
  if (s.tokenSpike.baselineOffsets.length === 0) problems.push('tokenSpike.baselineOffsets must not be empty');
  const step = durationSeconds(s.evaluationInterval);
  if (durationSeconds(s.counterGapTolerance) < 5 * 60) problems.push(`counterGapTolerance ${s.counterGapTolerance} must be at least 5m (the staleness lookback)`);
  const delay = durationSeconds(s.ingestionDelay);
  if (!(delay >= 0 && delay < durationSeconds(s.counterGapTolerance)) || delay % 1 !== 0) {
    problems.push(`ingestionDelay ${s.ingestionDelay} must be whole seconds, at least 0s and shorter than counterGapTolerance ${s.counterGapTolerance}`);
  }
  // Every window summed from per-evaluation increments must be a whole number of evaluation steps.
  const windows = [
    ...s.slo.burnRates.flatMap((b) => [b.long, b.short]),
    ...s.latency.burnRates.flatMap((b) => [b.long, b.short]),
    s.quota.window,
    s.clientErrors.window,
    s.expensiveCall.window,
    s.unpriced.window,
    s.spend.dailyForecast.long,
    s.spend.dailyForecast.short,
    s.spend.monthlyForecast.long,
    s.spend.monthlyForecast.short,
  ];
  for (const w of windows) if (durationSeconds(w) % step !== 0 || durationSeconds(w) < step) problems.push(`window ${w} is not a multiple of evaluationInterval ${s.evaluationInterval}`);
  if (durationSeconds(s.telemetryAbsent.minPresence) % step !== 0) problems.push(`telemetryAbsent.minPresence ${s.telemetryAbsent.minPresence} is not a multiple of evaluationInterval ${s.evaluationInterval}`);
  if (86400 % step !== 0) problems.push(`evaluationInterval ${s.evaluationInterval} must divide a day (the UTC day boundary)`);
  for (const l of s.extraGroupingLabels) if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l)) problems.push(`extraGroupingLabels: "${l}" is not a Prometheus label name`);
  if (problems.length) throw new Error(`invalid mixin settings:\n- ${problems.join('\n- ')}`);
}
