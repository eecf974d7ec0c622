// Alert definitions: one entry per alert, thresholds from `settings`, expressions over the
// recording rules. Renderer-neutral (see model.ts): Prometheus rule files and the runbook are
// rendered from this list, and Grafana-managed rules can be.
import { ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import type { MixinSettings, Severity } from './config.js';
import type { AlertDefinition } from './model.js';
import { L, PROM } from './promnames.js';
import { durationSeconds, LEVELS, sel, sumBy } from './promql.js';
import { recordNames } from './recording.js';

const GROUP = 'genai-meter.alerts';

/** A ratio as a percentage without float noise: 0.05 -> "5%", 1 - 0.99 -> "1%". */
const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;

export function alertDefinitions(s: MixinSettings): AlertDefinition[] {
  const n = recordNames(s);
  const svc = LEVELS.service;
  const model = LEVELS.service_model;
  const errorsOf = (type: string) => sel(n.errorsRate, { [L.errorType]: type });
  const errorBudget = `(1 - ${s.slo.objective})`;

  const burnAlert = (severity: Severity, name: string, inhibits: AlertDefinition['inhibits'] = []): AlertDefinition | undefined => {
    const pairs = s.slo.burnRates.filter((b) => b.severity === severity);
    if (pairs.length === 0) return undefined;
    const expr = pairs
      .map(
        (b) =>
          `(${n.errorRatio[b.long]} > (${b.factor} * ${errorBudget}) and ${n.errorRatio[b.short]} > (${b.factor} * ${errorBudget}))`,
      )
      .join(' or ');
    const windows = pairs.map((b) => `${b.long}/${b.short} at ${b.factor}x`).join(', ');
    return {
      name,
      group: GROUP,
      severity,
      category: 'errors',
      ...(inhibits.length ? { inhibits } : {}),
      for: s.slo.for[severity] ?? '0m',
      expr,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is burning its ${pct(s.slo.objective)} availability error budget ${severity === 'page' ? 'fast' : 'steadily'}`,
      description: (t) =>
        `${t.value('percent')} of calls from ${t.label(L.service)} failed over the long window; at this burn rate (${windows}) the error budget of ${pct(1 - s.slo.objective)} runs out early.`,
      runbook: {
        meaning: `The share of failed calls (any \`error.type\`) is high in both a long and a short window (${windows}), the Google SRE workbook's multi-window multi-burn-rate rule for a ${pct(s.slo.objective)} objective. ${severity === 'page' ? 'At this pace the month\'s budget is gone in days or hours.' : 'The budget is being spent faster than it refills.'}`,
        check: [
          `\`${sel(n.errorsRate, { [L.service]: '<service>' })}\`: which \`error_type\` dominates (rate_limit, server_error, timeout, connection, auth, ...).`,
          'The provider\'s status page; whether one provider or one model carries the errors (Reliability dashboard).',
        ],
        act: [
          'Follow the runbook section of the error type that dominates (GenAIRateLimited, GenAIServerErrors, GenAITimeouts).',
          'If errors come from a bad deploy (auth, bad_request), roll it back; if from the provider, fail over to another model/provider or shed load.',
        ],
      },
    };
  };

  const alerts: (AlertDefinition | undefined)[] = [
    {
      name: 'GenAIRateLimited',
      group: GROUP,
      severity: s.rateLimit.severity,
      category: 'rate_limit',
      for: s.rateLimit.for,
      expr: `${errorsOf(ERROR_TYPE_VALUES.RATE_LIMIT)} * 300 > ${s.rateLimit.maxIn5m}`,
      threshold: { query: `${errorsOf(ERROR_TYPE_VALUES.RATE_LIMIT)} * 300`, op: '>', value: s.rateLimit.maxIn5m },
      instanceLabels: LEVELS.service_provider_error_type,
      summary: (t) => `${t.label(L.service)} is rate limited by ${t.label(L.provider)}`,
      description: (t) =>
        `${t.value('count')} calls from ${t.label(L.service)} to ${t.label(L.provider)} ended in HTTP 429 in the last 5 minutes (after the SDK's retries); threshold ${s.rateLimit.maxIn5m}.`,
      runbook: {
        meaning: 'The provider refused calls with HTTP 429 (requests-per-minute or tokens-per-minute limit) even after the openai SDK retried them. Users saw errors.',
        check: [
          `\`${n.rateLimitUsed}\` and \`${PROM.rateLimitRemaining}\`: is the requests or the tokens limit exhausted, for which model?`,
          `\`${n.retriesRate}\`: retries climbing before the 429s surfaced.`,
          `\`${n.tokenRate}\`: did token volume jump (see GenAITokenRateAbnormal)?`,
        ],
        act: [
          'Smooth bursts (queue, client-side concurrency limit), or raise the limit / tier with the provider.',
          'Move part of the traffic to another model or deployment with its own quota.',
          'If a loop or a new feature caused the jump, stop it.',
        ],
      },
    },
    {
      name: 'GenAIRateLimitShareHigh',
      group: GROUP,
      severity: s.rateLimit.shareSeverity,
      category: 'rate_limit',
      for: s.rateLimit.shareFor,
      expr: `${n.rateLimitedRatio} > ${s.rateLimit.maxShare}`,
      threshold: { query: n.rateLimitedRatio, op: '>', value: s.rateLimit.maxShare },
      instanceLabels: svc,
      summary: (t) => `A large share of ${t.label(L.service)}'s calls are rate limited`,
      description: (t) => `${t.value('percent')} of calls from ${t.label(L.service)} ended in HTTP 429 over 5 minutes (threshold ${pct(s.rateLimit.maxShare)}).`,
      runbook: {
        meaning: 'Rate limiting affects a large share of the calls, not only a burst: the service runs at or above its quota.',
        check: [`\`${n.rateLimitUsed}\`: how close to the limit the service runs all the time.`, `\`${n.modelRequestsRate}\`: which model carries the traffic.`],
        act: ['Ask the provider for a higher tier or spread the traffic over more deployments/keys the provider allows.', 'Lower concurrency so the SDK retries less.'],
      },
    },
    {
      name: 'GenAIServerErrors',
      group: GROUP,
      severity: s.serverErrors.severity,
      category: 'errors',
      inhibits: [
        {
          alert: 'GenAIErrorRatioHigh',
          reason:
            'HTTP 5xx answers are failed calls: while the provider incident pages, a high error ratio is mostly its consequence. The ratio ticket comes back if it stays high once the 5xx stop (another cause). Timeouts and 429s are not silenced: they have causes and fixes of their own.',
        },
      ],
      for: s.serverErrors.for,
      expr: `${errorsOf(ERROR_TYPE_VALUES.SERVER_ERROR)} * 60 > ${s.serverErrors.maxPerMinute}`,
      threshold: { query: `${errorsOf(ERROR_TYPE_VALUES.SERVER_ERROR)} * 60`, op: '>', value: s.serverErrors.maxPerMinute },
      instanceLabels: LEVELS.service_provider_error_type,
      summary: (t) => `${t.label(L.provider)} returns server errors to ${t.label(L.service)}`,
      description: (t) =>
        `${t.value('perMinute')} calls per minute from ${t.label(L.service)} to ${t.label(L.provider)} fail with HTTP 5xx (threshold ${s.serverErrors.maxPerMinute}/min).`,
      runbook: {
        meaning: 'The provider answers with HTTP 5xx (500, 502, 503, 529 overloaded) after the SDK retried. This is usually a provider incident.',
        check: [
          'The provider\'s status page.',
          `\`${sel(PROM.duration + '_count', { [L.errorType]: ERROR_TYPE_VALUES.SERVER_ERROR })}\` by \`${L.requestModel}\` and \`${L.httpStatus}\`: one model or all?`,
        ],
        act: ['Fail over to another provider or region if you have one.', 'Reduce non-essential traffic; the SDK retries add load.', 'Open a ticket with the provider with the x-request-id of failed calls from the logs.'],
      },
    },
    {
      name: 'GenAITimeouts',
      group: GROUP,
      severity: s.timeouts.severity,
      category: 'errors',
      for: s.timeouts.for,
      expr: `${errorsOf(ERROR_TYPE_VALUES.TIMEOUT)} * 300 > ${s.timeouts.maxIn5m}`,
      threshold: { query: `${errorsOf(ERROR_TYPE_VALUES.TIMEOUT)} * 300`, op: '>', value: s.timeouts.maxIn5m },
      instanceLabels: LEVELS.service_provider_error_type,
      summary: (t) => `Calls from ${t.label(L.service)} to ${t.label(L.provider)} time out`,
      description: (t) => `${t.value('count')} calls from ${t.label(L.service)} to ${t.label(L.provider)} timed out in the last 5 minutes (threshold ${s.timeouts.maxIn5m}).`,
      runbook: {
        meaning: 'The openai SDK\'s request timeout fired (or the provider answered 408). Long generations or a slow provider exceed the client\'s timeout.',
        check: [`\`${n.durationQuantile}\`: is P99 close to the client timeout?`, 'Whether the timeouts are on streaming or non-streaming calls, and on which model.'],
        act: ['Use streaming for long generations, cap max_tokens, or raise the client timeout if users can wait.', 'If the provider is slow for everyone, fail over.'],
      },
    },
    {
      name: 'GenAIErrorRatioHigh',
      group: GROUP,
      severity: s.errorRatio.severity,
      category: 'errors',
      for: s.errorRatio.for,
      expr: `${n.errorRatio['5m']} > ${s.errorRatio.max}`,
      threshold: { query: n.errorRatio['5m']!, op: '>', value: s.errorRatio.max },
      instanceLabels: svc,
      summary: (t) => `More than ${pct(s.errorRatio.max)} of ${t.label(L.service)}'s calls fail`,
      description: (t) => `${t.value('percent')} of calls from ${t.label(L.service)} failed over 5 minutes (threshold ${pct(s.errorRatio.max)}).`,
      runbook: {
        meaning: 'A high share of calls end with an error of any kind (see `error_type`).',
        check: [`\`${n.errorsRate}\` for the service: which error type.`],
        act: ['Follow the section of the dominating error type; auth errors mean a revoked or rotated API key, bad_request a client bug after a deploy.'],
      },
    },
    burnAlert('page', 'GenAIErrorBudgetBurnFast', [
      {
        alert: 'GenAIErrorBudgetBurnSlow',
        reason: 'the same SLO and the same failed calls, over longer windows: the fast burn already pages about them, and the slow burn is still reported if it outlasts the fast one.',
      },
      {
        alert: 'GenAIErrorRatioHigh',
        reason: 'the same share of failed calls; its 5-minute window is the short window of the fast burn, which already pages about it.',
      },
    ]),
    burnAlert('ticket', 'GenAIErrorBudgetBurnSlow'),
    {
      name: 'GenAILatencyP99High',
      group: GROUP,
      severity: s.latency.p99Severity,
      category: 'latency',
      inhibits: [
        {
          alert: 'GenAILatencyP95High',
          reason: 'the same latency distribution of the same model: a P95 over its threshold while P99 pages is the same slowdown.',
        },
      ],
      for: s.latency.p99For,
      expr: `${sel(n.durationQuantile, { quantile: '0.99' })} > ${s.latency.p99Seconds}`,
      threshold: { query: sel(n.durationQuantile, { quantile: '0.99' }), op: '>', value: s.latency.p99Seconds },
      instanceLabels: model,
      summary: (t) => `P99 latency of ${t.label(L.requestModel)} in ${t.label(L.service)} is high`,
      description: (t) => `P99 call duration of ${t.label(L.requestModel)} (${t.label(L.provider)}) in ${t.label(L.service)} is ${t.value('seconds')} (threshold ${s.latency.p99Seconds}s).`,
      runbook: {
        meaning: 'The slowest 1% of calls take longer than the threshold: users wait, and client timeouts come next.',
        check: [`\`${n.durationBucketRate}\` as a heatmap (Model drill-down dashboard): a shift of the whole distribution or a long tail?`, `\`${n.tokenRate}\`: did output tokens per call grow (longer answers take longer)?`],
        act: ['If the provider is slow, fail over or switch to a faster model.', 'Cap max_tokens or stream long answers.'],
      },
    },
    {
      name: 'GenAILatencyP95High',
      group: GROUP,
      severity: s.latency.p95Severity,
      category: 'latency',
      for: s.latency.p95For,
      expr: `${sel(n.durationQuantile, { quantile: '0.95' })} > ${s.latency.p95Seconds}`,
      threshold: { query: sel(n.durationQuantile, { quantile: '0.95' }), op: '>', value: s.latency.p95Seconds },
      instanceLabels: model,
      summary: (t) => `P95 latency of ${t.label(L.requestModel)} in ${t.label(L.service)} is high`,
      description: (t) => `P95 call duration of ${t.label(L.requestModel)} (${t.label(L.provider)}) in ${t.label(L.service)} is ${t.value('seconds')} (threshold ${s.latency.p95Seconds}s).`,
      runbook: {
        meaning: 'Most calls are slower than the target. Often a provider slowdown or longer outputs.',
        check: [`\`${n.durationQuantile}\` over the last day: sudden or gradual?`, 'Output tokens per call for that model.'],
        act: ['Compare with the provider status; consider a smaller/faster model for latency-sensitive paths.'],
      },
    },
    {
      name: 'GenAITimeToFirstChunkHigh',
      group: GROUP,
      severity: s.timeToFirstChunk.severity,
      category: 'latency',
      for: s.timeToFirstChunk.for,
      expr: `${sel(n.ttfcQuantile, { quantile: '0.95' })} > ${s.timeToFirstChunk.p95Seconds}`,
      threshold: { query: sel(n.ttfcQuantile, { quantile: '0.95' }), op: '>', value: s.timeToFirstChunk.p95Seconds },
      instanceLabels: model,
      summary: (t) => `Streams of ${t.label(L.requestModel)} in ${t.label(L.service)} are slow to start`,
      description: (t) => `P95 time to first chunk of ${t.label(L.requestModel)} (${t.label(L.provider)}) in ${t.label(L.service)} is ${t.value('seconds')} (threshold ${s.timeToFirstChunk.p95Seconds}s).`,
      runbook: {
        meaning: 'Streaming users see nothing for a long time: the provider queues the request or the prompt is long (prefill time grows with input tokens).',
        check: [`Input tokens per call (\`${n.tokenRate}\` with \`${L.tokenType}="input"\` / \`${n.modelRequestsRate}\`).`, 'Provider status and the same metric for other models.'],
        act: ['Shorten prompts or use prompt caching; switch to a model/region with lower queueing.'],
      },
    },
    {
      name: 'GenAIHourlySpendHigh',
      group: GROUP,
      severity: s.spend.hourlySeverity,
      category: 'spend',
      inhibits: [
        {
          alert: 'GenAIDailySpendOverBudget',
          reason:
            'the budgets count all services together (the budget alerts carry no service_name, so the pair matches on no label): while a runaway spend pages, someone is already on the money. The budget ticket comes back if the spend is still over once the page resolves.',
        },
        {
          alert: 'GenAIProjectedMonthlySpendOverBudget',
          reason: 'the projection is the last 24 hours of the same spend times the days of a month: the same money as the page, as for the daily budget.',
        },
      ],
      for: s.spend.hourlyFor,
      expr: `${n.serviceCost1h} > ${s.spend.hourlyMaxUSD}`,
      threshold: { query: n.serviceCost1h, op: '>', value: s.spend.hourlyMaxUSD },
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} spends more than $${s.spend.hourlyMaxUSD} per hour`,
      description: (t) => `${t.label(L.service)} spent ${t.value('usd')} in the last hour (threshold $${s.spend.hourlyMaxUSD}).`,
      runbook: {
        meaning: 'Money is going out fast: a runaway loop, abuse, or a new feature with an expensive model.',
        check: [`\`${n.modelCost1h}\`: which model.`, `\`${n.tokenRate}\`: input or output tokens?`, `\`${n.modelRequestsRate}\`: more calls, or the same calls with more tokens?`],
        act: ['Stop the loop or the job; block the abusing tenant; set a hard usage limit in the provider console.'],
      },
    },
    {
      name: 'GenAIDailySpendOverBudget',
      group: GROUP,
      severity: s.spend.dailySeverity,
      category: 'spend',
      for: s.spend.dailyFor,
      expr: `sum(${n.serviceCost1d}) > ${s.spend.dailyBudgetUSD}`,
      threshold: { query: `sum(${n.serviceCost1d})`, op: '>', value: s.spend.dailyBudgetUSD },
      instanceLabels: [],
      summary: () => `GenAI spend over the last 24 hours is above the $${s.spend.dailyBudgetUSD} daily budget`,
      description: (t) => `All services together spent ${t.value('usd')} in the last 24 hours (budget $${s.spend.dailyBudgetUSD}).`,
      runbook: {
        meaning: 'The rolling 24-hour spend of all services is over the daily budget.',
        check: [`\`${n.serviceCost1d}\`: which service; \`${n.modelCost1h}\` over the day: which model and when it started.`],
        act: ['Decide whether the spend is expected (launch, batch job) and raise the budget in packages/mixin/src/config.ts, or stop the source.'],
      },
    },
    {
      name: 'GenAIProjectedMonthlySpendOverBudget',
      group: GROUP,
      severity: s.spend.monthlySeverity,
      category: 'spend',
      for: s.spend.monthlyFor,
      expr: `sum(${n.serviceCostProjectedMonth}) > ${s.spend.monthlyBudgetUSD}`,
      threshold: { query: `sum(${n.serviceCostProjectedMonth})`, op: '>', value: s.spend.monthlyBudgetUSD },
      instanceLabels: [],
      summary: () => `Projected monthly GenAI spend is above the $${s.spend.monthlyBudgetUSD} budget`,
      description: (t) => `At the last 24 hours' pace the month costs ${t.value('usd')} (budget $${s.spend.monthlyBudgetUSD}).`,
      runbook: {
        meaning: `The last 24 hours of spend times ${s.spend.daysPerMonth} days exceeds the monthly budget: not an emergency, but the bill will be over budget if nothing changes.`,
        check: [`\`${n.serviceCostProjectedMonth}\` per service and \`${n.modelCost1h}\` per model.`],
        act: ['Move traffic to cheaper models, enable prompt caching, trim prompts, or adjust the budget.'],
      },
    },
    {
      name: 'GenAITokenRateAbnormal',
      group: GROUP,
      severity: s.tokenSpike.severity,
      category: 'tokens',
      for: s.tokenSpike.for,
      expr: `${n.serviceTokenRate1h} > ${s.tokenSpike.factor} * (${s.tokenSpike.baselineOffsets
        .map((o) => sumBy(svc, `rate(${PROM.tokenUsage}_sum[1h] offset ${o})`))
        .join(' or ')}) and ${n.serviceTokenRate1h} > ${s.tokenSpike.minTokensPerSecond}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} uses tokens at an abnormal rate`,
      description: (t) =>
        `${t.label(L.service)} used ${t.value('tokensPerSecond')} tokens/s over the last hour, more than ${s.tokenSpike.factor}x the same hour ${s.tokenSpike.baselineOffsets.map((o) => `${o} ago`).join(' (or ')}${')'.repeat(s.tokenSpike.baselineOffsets.length - 1)}.`,
      runbook: {
        meaning: `The token rate of the last hour is more than ${s.tokenSpike.factor}x the same hour ${s.tokenSpike.baselineOffsets.join(' or ')} ago and above ${s.tokenSpike.minTokensPerSecond} tokens/s. Typical causes: a test script or agent stuck in a loop, abuse of a public endpoint, a prompt that grew. A service with no history at those offsets cannot fire this alert (GenAIHourlySpendHigh still covers it).`,
        check: [`\`${n.tokenRate}\`: input or output, which model.`, `\`${n.modelRequestsRate}\`: more calls or bigger calls?`, 'Application logs for repeated identical requests.'],
        act: ['Stop the loop/job; rate-limit the tenant; set max_tokens.', 'If the growth is real (launch), acknowledge; the baseline catches up after a week.'],
      },
    },
    {
      name: 'GenAIExpensiveCalls',
      group: GROUP,
      severity: s.expensiveCall.severity,
      category: 'spend',
      for: s.expensiveCall.for,
      expr: `${n.expensiveCalls} > 0`,
      threshold: { query: n.expensiveCalls, op: '>', value: 0 },
      instanceLabels: model,
      summary: (t) => `${t.label(L.service)} made calls to ${t.label(L.requestModel)} costing over $${s.expensiveCall.thresholdUSD} each`,
      description: (t) =>
        `About ${t.value('count')} calls from ${t.label(L.service)} to ${t.label(L.requestModel)} (${t.label(L.provider)}) cost more than $${s.expensiveCall.thresholdUSD} each in the last ${s.expensiveCall.window}.`,
      runbook: {
        meaning: `Single calls cost more than $${s.expensiveCall.thresholdUSD}: very long prompts (whole documents, unbounded chat history), huge outputs, or an expensive model used where a cheap one was meant. Counted from the cost histogram's ${s.expensiveCall.thresholdUSD} bucket.`,
        check: [`\`${PROM.cost}_bucket\` for that model: how far above the threshold.`, `Input tokens per call of the model (\`${PROM.tokenUsage}_bucket\`).`],
        act: ['Trim context (summarise history, retrieve fewer documents), cap max_tokens, or route to a cheaper model.'],
      },
    },
    {
      name: 'GenAIUnpricedCalls',
      group: GROUP,
      severity: s.unpriced.severity,
      category: 'spend',
      for: s.unpriced.for,
      expr: `${n.unpricedCalls} > 0`,
      threshold: { query: n.unpricedCalls, op: '>', value: 0 },
      instanceLabels: model,
      summary: (t) => `Calls to ${t.label(L.requestModel)} have no price: spend is under-reported`,
      description: (t) =>
        `About ${t.value('count')} calls from ${t.label(L.service)} to ${t.label(L.requestModel)} (${t.label(L.provider)}) in the last ${s.unpriced.window} used a model the price catalog does not know; their cost is not counted.`,
      runbook: {
        meaning: 'The price catalog has no entry for the model the provider reported, so these calls are recorded with tokens but without cost (never guessed as zero or as the cheapest model). Spend dashboards and budget alerts under-report.',
        check: [`\`${PROM.unpricedCalls}\` with its \`${L.responseModel}\` label: the exact model name the provider returned (often a dated snapshot or a relay's alias).`],
        act: ['Add the model (or an alias) to the @genai-meter/pricing catalog, or set a price override for it, and redeploy.'],
      },
    },
    {
      name: 'GenAITelemetryAbsent',
      group: GROUP,
      severity: s.telemetryAbsent.severity,
      category: 'telemetry',
      for: s.telemetryAbsent.for,
      expr: `max_over_time(${n.telemetryUp}[${s.telemetryAbsent.lookback}]) unless ${n.telemetryUp}`,
      instanceLabels: svc,
      summary: (t) => `No GenAI metrics from ${t.label(L.service)}`,
      description: (t) =>
        `${t.label(L.service)} reported GenAI call metrics within the last ${s.telemetryAbsent.lookback} and reports none now: the app, its exporter, the collector or the scrape is down. Spend and error alerts are blind for it.`,
      runbook: {
        meaning: `Prometheus had call metrics for the service within ${s.telemetryAbsent.lookback} and has none now. Either the service stopped (expected?) or the telemetry path broke. After ${s.telemetryAbsent.lookback} of silence the alert resolves by itself.`,
        check: [
          '`up{job="otel-collector"}` and `up` of the app\'s direct scrape job; Prometheus Status > Targets for "connection refused" / "context deadline exceeded".',
          'The collector\'s health_check endpoint and its logs (exporter errors, memory_limiter refusing data).',
          'The app: is it running, is `OTEL_METRICS_EXPORTER` set, does its /metrics (port 9464) answer?',
        ],
        act: ['Restart the broken component; fix the scrape target (hostnames of the compose network, not host.docker.internal).', 'If the service was retired on purpose, silence the alert until it resolves.'],
      },
    },
  ];
  return alerts.filter((a): a is AlertDefinition => a !== undefined);
}

/** Seconds of an alert's `for`, for tests and renderers that need a number. */
export const forSeconds = (a: AlertDefinition): number => durationSeconds(a.for);
