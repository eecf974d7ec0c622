// promtool groups for the situations real deployments put genai-meter in (design/FIELD-CASES.md), on a
// 15 s scrape grid with 60 s OTLP exports: series born non-zero (a batch job that exports once at exit,
// a new pod whose first export carries $3, restarts), counter resets and stale markers, another
// instrumentation's series with the same names, 20% cancelled streams, long answers, a job calling once
// every ten minutes, a provider slowing down, a new service burning its budget over a UTC day, the
// collector and Prometheus themselves failing. Expected values come from the samples (trueIncrease).
import { DURATION_BUCKETS, ERROR_TYPE_VALUES, GEN_AI_TOKEN_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { alertDefinitions } from './alerts.js';
import { COLLECTOR_EXPORTER_JOB } from './alerts-stack.js';
import { rateWindow, type MixinSettings } from './config.js';
import type { AlertDefinition } from './model.js';
import { L, PROM } from './promnames.js';
import { DURATION, durationSeconds } from './promql.js';
import { recordingRules, recordNames } from './recording.js';
import { alertExpectation, byName, sample, type ExpAlert, type ExpSample, type PromtoolTestGroup } from './rule-tests.js';
import {
  CONTRIB_SCOPE_LABELS,
  GRID,
  promtoolValues,
  random,
  resource,
  SCOPE_LABELS,
  scrapedDirectly,
  seriesKey,
  seriesText,
  trueIncrease,
  viaCollector,
  type GridSeries,
  type Labels,
  type ProcessSpec,
} from './rule-tests-series.js';
import { SECONDS_PER_DAY, utcDayNumber, utcMonthNumber } from './rule-tests-time.js';
import { SLI_LABEL } from './slo.js';

const minutes = (m: number) => m * 60;
const at = (seconds: number) => `${seconds / 60}m`;

function input(series: readonly GridSeries[], until: number) {
  const points = until / GRID + 1;
  return series.map((s) => ({ series: seriesText(s.name, s.labels), values: promtoolValues(s.values, points) }));
}

/** The data time of an evaluation at `t`: the exact steps read the raw counters `ingestionDelay` in the past. */
const dataTime = (s: Pick<MixinSettings, 'ingestionDelay'>, t: number) => t - durationSeconds(s.ingestionDelay);

/** Truth over (from, to] of the series matching `keep` (genai-meter's scope only, as the rules read). */
function truth(series: readonly GridSeries[], name: string, keep: (l: Labels) => boolean, from: number, to: number): number {
  return series
    .filter((s) => s.name === name && s.labels.otel_scope_name === SCOPE_LABELS.otel_scope_name && keep(s.labels))
    .reduce((acc, s) => acc + trueIncrease(s, from, to), 0);
}

// ---------------------------------------------------------------- calls of a process

interface Call {
  /** Seconds after the process started. */
  at: number;
  labels: Labels;
  errorType?: string;
  duration: number;
  /** Streams: seconds to the first chunk. */
  ttfc?: number;
  costUSD?: number;
}

/** A process whose series are the cumulative histograms, counters and cost of its calls. */
function callsProcess(
  labels: Labels,
  start: number,
  end: number,
  calls: readonly Call[],
  extra: (c: Call) => [string, Labels, number][] = () => [],
  histograms = true,
): ProcessSpec {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  const memo = new Map<number, Map<string, number>>();
  // Exports are asked for in time order: each one continues the running totals from the previous one.
  let totals = new Map<string, number>();
  let next = 0;
  let until = -Infinity;
  const add = (name: string, l: Labels, v: number) => {
    const k = seriesKey(name, l);
    totals.set(k, (totals.get(k) ?? 0) + v);
  };
  return {
    labels,
    start,
    end,
    cumulative(elapsed) {
      const hit = memo.get(elapsed);
      if (hit) return hit;
      if (elapsed < until) [totals, next] = [new Map(), 0];
      until = elapsed;
      for (; next < sorted.length && sorted[next]!.at <= elapsed; next++) {
        const c = sorted[next]!;
        const withError = c.errorType ? { ...c.labels, [L.errorType]: c.errorType } : c.labels;
        add(DURATION.count, withError, 1);
        if (histograms) for (const b of [...DURATION_BUCKETS, Infinity]) add(DURATION.bucket, { ...withError, le: b === Infinity ? '+Inf' : String(b) }, c.duration <= b ? 1 : 0);
        if (histograms && c.ttfc !== undefined) {
          add(`${PROM.timeToFirstChunk}_count`, c.labels, 1);
          for (const b of [...DURATION_BUCKETS, Infinity]) add(`${PROM.timeToFirstChunk}_bucket`, { ...c.labels, le: b === Infinity ? '+Inf' : String(b) }, c.ttfc <= b ? 1 : 0);
        }
        if (c.costUSD !== undefined) add(`${PROM.cost}_sum`, c.labels, c.costUSD);
        for (const [name, l, v] of extra(c)) add(name, l, v);
      }
      const out = new Map(totals);
      memo.set(elapsed, out);
      return out;
    },
  };
}

/** Calls at a steady pace (`every` seconds from `phase`) over [0, length). */
function steady(length: number, every: number, phase: number, make: (i: number, at: number) => Omit<Call, 'at'>): Call[] {
  const out: Call[] = [];
  for (let t = phase, i = 0; t < length; t += every, i++) out.push({ at: t, ...make(i, t) });
  return out;
}

const chatLabels = (model: string, provider = 'openai'): Labels => ({ [L.provider]: provider, [L.requestModel]: model, [L.operation]: 'chat' });
const collectorLabels = (service: string, environment: string, instance: string): Labels => ({
  job: `shop/${service}`,
  instance,
  ...resource(service, environment),
  ...SCOPE_LABELS,
});

// ---------------------------------------------------------------- exact spend

/**
 * checkout (production) runs pods behind the collector (15 s scrape, 60 s exports, 5 m metric expiration)
 * and pods scraped directly every 30 s and 60 s; nightly-batch runs once for 40 s and exports at exit.
 */
export function exactSpendGroup(s: MixinSettings): PromtoolTestGroup {
  const n = recordNames(s);
  const alert = byName(alertDefinitions(s));
  const until = minutes(100);
  const model = chatLabels('gpt-4.1-mini');
  const call = (costUSD: number, errorType?: string): Omit<Call, 'at'> => ({ labels: model, duration: 1.5, costUSD: errorType ? undefined : costUSD, ...(errorType ? { errorType } : {}) });
  // The contrib instrumentation counts the same calls under its scope, OpenLIT the same cost under its own.
  const neighbours = (c: Call): [string, Labels, number][] => [
    [DURATION.count, { ...c.labels, ...(c.errorType ? { [L.errorType]: c.errorType } : {}), ...CONTRIB_SCOPE_LABELS }, 1],
    ...(c.costUSD !== undefined ? ([[`${PROM.cost}_sum`, { ...c.labels, otel_scope_name: 'openlit', otel_scope_version: '1.15.0' }, c.costUSD]] as [string, Labels, number][]) : []),
  ];
  const checkout = (instance: string) => collectorLabels('checkout', 'production', instance);
  const viaTheCollector: ProcessSpec[] = [
    // Pod A, restarted at 40 m: a new service.instance.id, so new series born at the new process's first export.
    callsProcess(checkout('a1f0c3'), 0, minutes(40), steady(minutes(40), 60, 10, () => call(0.03125)), neighbours),
    callsProcess(checkout('a2b7e1'), minutes(40) + 5, until + 60, steady(until, 60, 10, () => call(0.03125)), neighbours),
    // Pod B, scaled out at 20 m: its first export carries $3 of one long call and two 429s.
    callsProcess(
      checkout('b91d44'),
      minutes(20),
      until + 60,
      [{ at: 20, ...call(3) }, { at: 25, ...call(0, ERROR_TYPE_VALUES.RATE_LIMIT) }, { at: 26, ...call(0, ERROR_TYPE_VALUES.RATE_LIMIT) }, ...steady(until, 60, 40, () => call(0.03125))],
      neighbours,
    ),
    // nightly-batch: 320 calls of $0.125 in 40 s, one export at exit.
    callsProcess(collectorLabels('nightly-batch', 'production', '5c2e8a'), minutes(30), minutes(30) + 40, steady(40, 0.125, 0, () => call(0.125))),
  ];
  // Pod D scraped directly every 30 s, restarted behind the same target at 50 m (a counter reset, stale markers while down).
  const direct = (instance: string): Labels => ({ job: 'checkout-direct', instance, ...resource('checkout', 'production'), ...SCOPE_LABELS });
  const d1 = callsProcess(direct('10.0.3.7:9464'), 0, minutes(50), steady(minutes(50), 60, 20, () => call(0.03125)));
  const d2 = callsProcess(direct('10.0.3.7:9464'), minutes(50) + 30, until + 60, steady(until, 60, 20, () => call(0.03125)));
  // Pod E scraped directly every 60 s.
  const e1 = callsProcess(direct('10.0.3.9:9464'), 0, until + 60, steady(until, 60, 50, () => call(0.03125)));
  const series = [
    ...viaTheCollector.flatMap((p) => viaCollector(p, { until })),
    ...scrapedDirectly([d1, d2], { scrapeEvery: 30, until }),
    ...scrapedDirectly([e1], { scrapeEvery: 60, scrapePhase: 45, until }),
  ];
  const isService = (svc: string) => (l: Labels) => l[L.service] === svc;
  // What the exact records show at evaluation time `to` for the window (from, to].
  const cost = (svc: string, from: number, to: number) => truth(series, `${PROM.cost}_sum`, isService(svc), dataTime(s, from), dataTime(s, to));
  const calls = (svc: string, errorType: string | undefined, from: number, to: number) =>
    truth(series, DURATION.count, (l) => isService(svc)(l) && l[L.errorType] === errorType, dataTime(s, from), dataTime(s, to));
  const svcL = (svc: string): Labels => ({ [L.service]: svc, [L.environment]: 'production' });
  const modelL = (svc: string): Labels => ({ ...svcL(svc), [L.provider]: 'openai', [L.requestModel]: 'gpt-4.1-mini' });
  const tests: { expr: string; eval_time: string; exp_samples: ExpSample[] }[] = [];
  const expect = (record: string, labels: Labels, t: number, value: number) => tests.push({ expr: seriesText(record, labels), eval_time: at(t), exp_samples: [sample(record, labels, value)] });
  const batchSeen = minutes(30) + 45 + durationSeconds(s.ingestionDelay);
  for (const t of [minutes(25), minutes(45), minutes(55), minutes(90)]) {
    for (const svc of ['checkout', ...(t > batchSeen ? ['nightly-batch'] : [])]) {
      expect(n.serviceCost1h, svcL(svc), t, cost(svc, t - 3600, t));
      expect(n.serviceCostToday, svcL(svc), t, cost(svc, 0, t));
      expect(n.serviceCostThisMonth, svcL(svc), t, cost(svc, 0, t));
    }
    expect(n.modelCost1h, modelL('checkout'), t, cost('checkout', t - 3600, t));
    tests.push({
      expr: seriesText(n.calls['1h']!, { ...svcL('checkout'), [L.provider]: 'openai', [L.errorType]: '' }),
      eval_time: at(t),
      exp_samples: [sample(n.calls['1h']!, { ...svcL('checkout'), [L.provider]: 'openai' }, calls('checkout', undefined, t - 3600, t))],
    });
  }
  // The first two 429s of pod B are in its first export.
  expect(n.errorsIncrease5m, { ...svcL('checkout'), [L.provider]: 'openai', [L.errorType]: ERROR_TYPE_VALUES.RATE_LIMIT }, minutes(25), calls('checkout', ERROR_TYPE_VALUES.RATE_LIMIT, minutes(20), minutes(25)));
  const hourly = alert('GenAIHourlySpendHigh');
  return {
    name: 'exact spend: a batch job exporting once at exit, a pod born at $3, restarts, a counter reset, stale series, other scopes with the same names',
    interval: `${GRID}s`,
    input_series: input(series, until),
    promql_expr_test: tests,
    alert_rule_test: [
      // The batch job's $40 pages as soon as the hourly budget is crossed, the service around it does not.
      { eval_time: '40m', alertname: hourly.name, exp_alerts: [alertExpectation(s, hourly, svcL('nightly-batch'), cost('nightly-batch', minutes(40) - 3600, minutes(40)))] },
      // An hour after its export the money has left the rolling hour.
      { eval_time: '95m', alertname: hourly.name, exp_alerts: [] },
    ],
  };
}

// ---------------------------------------------------------------- a healthy day and a slow provider

/** A chat service and a reasoning service on a healthy provider, with users stopping 20% of the streams. */
function chatTraffic(rnd: () => number, length: number, slowFrom = Infinity) {
  const stream = (model: string, [dLo, dHi]: [number, number], [tLo, tHi]: [number, number]) => (_: number, t: number): Omit<Call, 'at'> => {
    const slow = t >= slowFrom;
    const ttfc = slow ? 6 + 4 * rnd() : tLo + (tHi - tLo) * rnd();
    const duration = slow ? 45 + 25 * rnd() : dLo + (dHi - dLo) * rnd();
    // One stream in five is stopped by its user after a few seconds (the provider was fine).
    const cancelled = rnd() < 0.2;
    return { labels: chatLabels(model), ttfc, duration: cancelled ? ttfc + 3 * rnd() : duration, costUSD: 0.000244140625, ...(cancelled ? { errorType: ERROR_TYPE_VALUES.CANCELLED } : {}) };
  };
  return {
    chat: steady(length, 2, 1, stream('gpt-4.1-mini', [10, 20], [0.3, 0.6])),
    reasoning: steady(length, 15, 7, stream('o4-mini', [20, 40], [1.3, 2.5])),
  };
}

function healthyDayGroup(s: MixinSettings): PromtoolTestGroup {
  const n = recordNames(s);
  const alerts = alertDefinitions(s);
  const alert = byName(alerts);
  const until = minutes(120);
  const { chat, reasoning } = chatTraffic(random(12), until);
  // A nightly job: one call every ten minutes, two of them failing in a row.
  const nightly = steady(until, 600, 30, (i) => ({ labels: chatLabels('gpt-4.1'), duration: 6, ...(i === 6 || i === 7 ? { errorType: ERROR_TYPE_VALUES.SERVER_ERROR } : { costUSD: 0.0078125 }) }));
  const series = [
    ...viaCollector(callsProcess(collectorLabels('assistant', 'production', '3f1a9c'), 0, until + 60, chat), { until, exportPhase: 20 }),
    ...viaCollector(callsProcess(collectorLabels('research', 'production', '8e0b52'), 0, until + 60, reasoning), { until, exportPhase: 35 }),
    ...viaCollector(callsProcess(collectorLabels('nightly-report', 'production', 'c44d10'), 0, until + 60, nightly), { until, exportPhase: 50 }),
  ];
  const svcL = (svc: string): Labels => ({ [L.service]: svc, [L.environment]: 'production' });
  const failedShare = (svc: string, from: number, to: number) => {
    const [a, b] = [dataTime(s, from), dataTime(s, to)];
    const failed = truth(series, DURATION.count, (l) => l[L.service] === svc && l[L.errorType] === ERROR_TYPE_VALUES.SERVER_ERROR, a, b);
    const ok = truth(series, DURATION.count, (l) => l[L.service] === svc && l[L.errorType] === undefined, a, b);
    return failed / (failed + ok);
  };
  const evals = [minutes(30), minutes(75), minutes(120)];
  const watchdog = [alertExpectation(s, alert('GenAIMeterWatchdog'), {}, 1)];
  return {
    name: 'a healthy day: 10-20 s chat streams and 20-40 s reasoning streams, 20% of them stopped by users, a job calling every ten minutes with two failures in a row: nothing fires',
    interval: `${GRID}s`,
    input_series: input(series, until),
    promql_expr_test: [
      // Cancellations are not failures: the availability ratio of the chat service is exactly 0.
      { expr: seriesText(n.errorRatio['1h']!, svcL('assistant')), eval_time: '2h', exp_samples: [sample(n.errorRatio['1h']!, svcL('assistant'), 0)] },
      // Long answers are within their targets: no call is slow.
      ...(['duration', 'time_to_first_chunk'] as const).flatMap((sli) =>
        ['assistant', 'research'].map((svc) => {
          const labels = { ...svcL(svc), [L.provider]: 'openai', [L.requestModel]: svc === 'assistant' ? 'gpt-4.1-mini' : 'o4-mini', [SLI_LABEL]: sli };
          return { expr: seriesText(n.latencySlowRatio['1h']!, labels), eval_time: '2h', exp_samples: [sample(n.latencySlowRatio['1h']!, labels, 0)] };
        }),
      ),
      // Two failures of six calls in the hour: a third of them, and still no alert (too few calls).
      { expr: seriesText(n.errorRatio['1h']!, svcL('nightly-report')), eval_time: '80m', exp_samples: [sample(n.errorRatio['1h']!, svcL('nightly-report'), failedShare('nightly-report', minutes(20), minutes(80)))] },
    ],
    alert_rule_test: evals.flatMap((t) => alerts.map((a) => ({ eval_time: at(t), alertname: a.name, exp_alerts: a.name === 'GenAIMeterWatchdog' ? watchdog : [] }))),
  };
}

function slowProviderGroup(s: MixinSettings): PromtoolTestGroup {
  const n = recordNames(s);
  const alert = byName(alertDefinitions(s));
  const until = minutes(75);
  const slowFrom = minutes(10);
  const { chat } = chatTraffic(random(34), until, slowFrom);
  const series = viaCollector(callsProcess(collectorLabels('assistant', 'production', '3f1a9c'), 0, until + 60, chat), { until, exportPhase: 20 });
  const labels = (sli: string): Labels => ({ [L.service]: 'assistant', [L.environment]: 'production', [L.provider]: 'openai', [L.requestModel]: 'gpt-4.1-mini', [SLI_LABEL]: sli });
  const t = minutes(70);
  const slowShare = (sli: 'duration' | 'time_to_first_chunk') => slowShareSince(series, sli, s, t - 3600, t);
  const fast = alert('GenAILatencyBudgetBurnFast');
  const slow = alert('GenAILatencyBudgetBurnSlow');
  const slowLong = s.latency.burnRates.find((b) => b.severity === 'ticket')!.long;
  return {
    name: 'a provider slows down: first chunks after 6-10 s and 45-70 s answers page on the latency SLO',
    interval: `${GRID}s`,
    input_series: input(series, until),
    promql_expr_test: (['duration', 'time_to_first_chunk'] as const).map((sli) => ({
      expr: seriesText(n.latencySlowRatio['1h']!, labels(sli)),
      eval_time: at(t),
      exp_samples: [sample(n.latencySlowRatio['1h']!, labels(sli), slowShare(sli))],
    })),
    alert_rule_test: [
      { eval_time: '9m', alertname: fast.name, exp_alerts: [] },
      { eval_time: at(t), alertname: fast.name, exp_alerts: (['duration', 'time_to_first_chunk'] as const).map((sli) => alertExpectation(s, fast, labels(sli), slowShare(sli))) },
      // The slow burn's long window is longer than the data: it holds the same calls as the fast one's.
      ...(slowLong === '6h'
        ? [{ eval_time: at(t), alertname: slow.name, exp_alerts: (['duration', 'time_to_first_chunk'] as const).map((sli) => alertExpectation(s, slow, labels(sli), slowShareSince(series, sli, s, 0, t))) }]
        : []),
    ],
  };
}

/** Share of the successful calls (every stream, for time to first chunk) over their target in (from, to], as the exact records show it at `to`. */
function slowShareSince(series: readonly GridSeries[], sli: 'duration' | 'time_to_first_chunk', s: MixinSettings, from: number, to: number): number {
  const hist = sli === 'duration' ? PROM.duration : PROM.timeToFirstChunk;
  const target = sli === 'duration' ? s.latency.targets.duration.otherwise : s.latency.targets.timeToFirstChunk.otherwise;
  const ok = (l: Labels) => l[L.errorType] === undefined;
  const [a, b] = [dataTime(s, from), dataTime(s, to)];
  return 1 - truth(series, `${hist}_bucket`, (l) => ok(l) && l.le === String(target), a, b) / truth(series, `${hist}_count`, ok, a, b);
}

// ---------------------------------------------------------------- rates with 60 s exports

/**
 * Token rates from 60 s exports, evaluated at every 15 s phase (a subquery): within 25% of the truth at
 * every one. A window shorter than a few exports saw-tooths on Prometheus 3 (left-open windows hold three
 * or four samples of a 60 s step function: some windows see no change at all).
 */
export function sawToothGroup(s: MixinSettings, window = rateWindow(s)): PromtoolTestGroup {
  const until = minutes(45);
  const perExport = 6000;
  const proc = callsProcess(
    collectorLabels('assistant', 'production', '3f1a9c'),
    0,
    until + 60,
    steady(until, 60, 5, () => ({ labels: chatLabels('gpt-4.1-mini'), duration: 2 })),
    (c) => [[`${PROM.tokenUsage}_sum`, { ...c.labels, [L.tokenType]: GEN_AI_TOKEN_TYPE_VALUES.INPUT }, perExport]],
    false,
  );
  const series = viaCollector(proc, { until, exportPhase: 20 });
  // The shipped rule's expression, with another window when a test asks for one.
  const expr = recordingRules(s)
    .find((r) => r.record === recordNames(s).tokenRate)!
    .expr.replace(`[${rateWindow(s)}]`, `[${window}]`);
  return {
    name: `rates over ${window} of 60 s exports stay within 25% of the truth at every 15 s phase (no saw-tooth)`,
    interval: `${GRID}s`,
    input_series: input(series, until),
    promql_expr_test: [{ expr: `max(max_over_time(abs(${expr} / ${perExport / 60} - 1)[30m:15s])) < bool 0.25`, eval_time: at(until), exp_samples: [{ labels: '{}', value: 1 }] }],
    alert_rule_test: [],
  };
}

// ---------------------------------------------------------------- the stack itself

function stackGroup(s: MixinSettings): PromtoolTestGroup {
  const alert = byName(alertDefinitions(s));
  const st = s.stack;
  const group = (file: string, name: string) => `/etc/prometheus/rules/${file};${name}`;
  const prom = { job: st.prometheusJob, instance: 'localhost:9090' };
  const self = { job: st.collectorJob, instance: 'otel-collector:8888' };
  const rw = { ...self, exporter: 'prometheus_remote_write' };
  const failing = group('genai-recording.rules.yml', 'genai-meter.cost');
  const missing = group('genai-recording.rules.yml', 'genai-meter.requests');
  const series = [
    { series: seriesText('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: failing }), values: '0x20 1+1x40' },
    // Someone else's rules failing are not ours to report.
    { series: seriesText('prometheus_rule_evaluation_failures_total', { ...prom, rule_group: group('node.rules.yml', 'node') }), values: '0+1x60' },
    // Born non-zero at 20m (its first skipped evaluations), then one more every two minutes.
    { series: seriesText('prometheus_rule_group_iterations_missed_total', { ...prom, rule_group: missing }), values: '_x20 3 3 4 4 5 5 6 6 7 7 8 8 9 9 10 10 11 11 12 12 13' },
    { series: seriesText('up', { job: COLLECTOR_EXPORTER_JOB, instance: 'otel-collector:8889' }), values: '1x10 0x50' },
    { series: seriesText('up', self), values: '1x60' },
    // Two counters with the same labels once their names are dropped, both born at their first failure.
    { series: seriesText('otelcol_exporter_send_failed_metric_points', rw), values: '_x12 100+100x48' },
    { series: seriesText('otelcol_exporter_enqueue_failed_metric_points', rw), values: '_x15 10+10x45' },
    { series: seriesText('otelcol_exporter_queue_size', { ...rw, data_type: 'metrics' }), values: '0x5 9000x55' },
    { series: seriesText('otelcol_exporter_queue_capacity', { ...rw, data_type: 'metrics' }), values: '10000x60' },
  ];
  const expect = (name: string, labels: Labels, value: number): ExpAlert => alertExpectation(s, alert(name), labels, value);
  const firingAt30: Record<string, ExpAlert[]> = {
    GenAIMeterRuleEvaluationFailures: [expect('GenAIMeterRuleEvaluationFailures', { rule_group: failing }, 5)],
    // 8 at 30m, 3 at 20m.
    GenAIMeterRuleEvaluationsMissed: [expect('GenAIMeterRuleEvaluationsMissed', { rule_group: missing }, 8 - 3)],
    GenAIMeterCollectorDown: [expect('GenAIMeterCollectorDown', { job: COLLECTOR_EXPORTER_JOB, instance: 'otel-collector:8889' }, 0)],
    // 10 minutes: 2000 points failed to send (since 20m) + 100 dropped from the full queue (since 20m).
    GenAIMeterCollectorDroppingData: [expect('GenAIMeterCollectorDroppingData', self, 1000 + 100)],
    GenAIMeterCollectorQueueFilling: [expect('GenAIMeterCollectorQueueFilling', { ...rw }, 0.9)],
  };
  return {
    name: 'the stack: genai-meter rule evaluations failing or skipped, the collector down, dropping points, its queue filling',
    interval: '1m',
    input_series: series,
    promql_expr_test: [],
    alert_rule_test: Object.entries(firingAt30).flatMap(([name, exp]) => [
      { eval_time: '4m', alertname: name, exp_alerts: [] },
      { eval_time: '30m', alertname: name, exp_alerts: exp },
    ]),
  };
}

// ---------------------------------------------------------------- a budget over a UTC day

/**
 * A brand-new service spends a steady $3.75 an hour from 00:00 UTC ($90 a day against the $50 default):
 * flagged about three hours in, over budget after 13 h 20 m, today starts again at midnight while the
 * month goes on, and the month's forecast passes $1,000 within the first day.
 */
function budgetDayGroup(s: MixinSettings): PromtoolTestGroup {
  const n = recordNames(s);
  const alert = byName(alertDefinitions(s));
  const until = minutes(25 * 60);
  const perCall = 0.0625; // one call a minute: $3.75 an hour
  const proc = callsProcess(collectorLabels('runaway-agent', 'staging', '0d1e2f'), 0, until + 60, steady(until, 60, 30, () => ({ labels: chatLabels('gpt-4.1'), duration: 4, costUSD: perCall })), () => [], false);
  // Scraped every 60 s: a day of 15 s samples would make the test slow, not more realistic.
  const series = viaCollector(proc, { until, exportPhase: 40, scrapeEvery: 60 });
  const svc: Labels = { [L.service]: 'runaway-agent', [L.environment]: 'staging' };
  const cost = (from: number, to: number) => truth(series, `${PROM.cost}_sum`, () => true, from, to);
  // The records at evaluation time `t` hold the money up to its data time (days and months follow it too).
  const dayStart = (d: number) => utcDayNumber(d) * SECONDS_PER_DAY;
  const today = (t: number) => cost(dayStart(dataTime(s, t)), dataTime(s, t));
  const month = (t: number) => cost(0, dataTime(s, t));
  const left = (d: number) => SECONDS_PER_DAY - (d % SECONDS_PER_DAY);
  const df = s.spend.dailyForecast;
  const mf = s.spend.monthlyForecast;
  const pace = (t: number, window: string) => cost(dataTime(s, t) - durationSeconds(window), dataTime(s, t)) / durationSeconds(window);
  const forecastToday = (t: number) => today(t) + pace(t, df.long) * left(dataTime(s, t));
  const forecastMonth = (t: number) => month(t) + pace(t, mf.long) * (31 * SECONDS_PER_DAY - (dataTime(s, t) % SECONDS_PER_DAY));
  const fire = (a: AlertDefinition, t: number, value: number) => ({ eval_time: at(t), alertname: a.name, exp_alerts: [alertExpectation(s, a, svc, value)] });
  const silent = (a: AlertDefinition, t: number) => ({ eval_time: at(t), alertname: a.name, exp_alerts: [] });
  const projectedDaily = alert('GenAIProjectedDailySpendOverBudget');
  const overDaily = alert('GenAIDailySpendOverBudget');
  const projectedMonthly = alert('GenAIProjectedMonthlySpendOverBudget');
  const hourly = alert('GenAIHourlySpendHigh');
  const h = (x: number) => minutes(x * 60);
  const recorded = (record: string, t: number, value: number) => ({ expr: seriesText(record, svc), eval_time: at(t), exp_samples: [sample(record, svc, value)] });
  return {
    name: 'a budget over a UTC day: a new service at $3.75/h is flagged hours before its $50 day is spent; today restarts at 00:00 UTC, the month goes on',
    interval: `${GRID}s`,
    input_series: input(series, until),
    promql_expr_test: [
      recorded(n.serviceCostToday, h(13), today(h(13))),
      recorded(n.serviceCostForecastToday, h(3), forecastToday(h(3))),
      recorded(n.serviceCostToday, h(24.5), today(h(24.5))),
      recorded(n.serviceCostTodayDay, h(24.5), 1),
      recorded(n.serviceCostThisMonth, h(24.5), month(h(24.5))),
      recorded(n.serviceCostThisMonthMonth, h(24.5), utcMonthNumber(h(24.5))),
      recorded(n.serviceCostForecastThisMonth, h(10), forecastMonth(h(10))),
      recorded(n.budget.daily, h(24.5), s.budgets.defaults.daily),
    ],
    alert_rule_test: [
      silent(projectedDaily, h(2.75)),
      fire(projectedDaily, h(3.5), forecastToday(h(3.5))),
      silent(overDaily, h(13)),
      fire(overDaily, h(14), today(h(14))),
      silent(projectedDaily, h(14)),
      // A new UTC day: yesterday's money is not today's, and the pace still leads over the budget.
      silent(overDaily, h(24.5)),
      fire(projectedDaily, h(24.5), forecastToday(h(24.5))),
      silent(projectedMonthly, h(8)),
      fire(projectedMonthly, h(10), forecastMonth(h(10))),
      silent(hourly, h(3.5)),
      silent(hourly, h(24.5)),
    ],
  };
}

export function fieldGroups(s: MixinSettings): PromtoolTestGroup[] {
  return [exactSpendGroup(s), healthyDayGroup(s), slowProviderGroup(s), sawToothGroup(s), stackGroup(s)];
}

export function longFieldGroups(s: MixinSettings): PromtoolTestGroup[] {
  return [budgetDayGroup(s)];
}
