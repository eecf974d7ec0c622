// The four genai-meter dashboards: Overview, Cost, Reliability, Model drill-down. Every metric name
// comes from PROM / recordNames, every label from L, every threshold from settings.
import { COST_BUCKETS } from '@genai-meter/instrumentation-openai/semconv';
import type { MixinSettings } from '../config.js';
import { L, PROM } from '../promnames.js';
import { DURATION, leMatcher } from '../promql.js';
import { errorRatioWindows, recordNames } from '../recording.js';
import type { DashboardSpec, Panel, Row, Target } from './builder.js';
import { by, ERR, errorRatio, f, FEATURE_LABEL, fService, increase, quantile, rate, RANGE } from './queries.js';

const row = (title: string): Row => ({ kind: 'row', title });
const data = { data: true } as const;
const pct = (r: number): string => `${Number((r * 100).toPrecision(6))}%`;

const FILTER_NOTE = 'Filtered by the service, environment, provider and model variables.';

function quantileTargets(bucketRate: string, expect: boolean): Target[] {
  return [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, bucketRate), legend: `P${q * 100}`, ...(expect ? { expect: data } : {}) }));
}

export function overviewDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const stat = (p: Omit<Panel, 'kind' | 'w' | 'h'>): Panel => ({ kind: 'stat', w: 4, h: 5, ...p });
  return {
    uid: 'genai-meter-overview',
    title: 'GenAI / Overview',
    file: 'genai-overview',
    description: 'What the GenAI calls of your services do right now: traffic, errors, spend, tokens, latency.',
    items: [
      row('Now'),
      stat({
        title: 'Requests per minute',
        unit: 'cpm',
        description: `Finished calls per minute (failed or not), summed over the selection. ${FILTER_NOTE} A drop to zero with traffic expected means the app or its telemetry stopped: check GenAITelemetryAbsent.`,
        targets: [{ expr: `${by([], rate(DURATION.count))} * 60`, expect: data }],
      }),
      stat({
        title: 'Error ratio',
        unit: 'percentunit',
        description: `Share of calls that ended with an error.type (429, 5xx, timeout, connection, auth, ...). Above ${pct(s.errorRatio.max)} GenAIErrorRatioHigh fires: open the Reliability dashboard to see which error type dominates.`,
        thresholds: [{ value: s.errorRatio.max / 2, color: 'orange' }, { value: s.errorRatio.max, color: 'red' }],
        targets: [{ expr: errorRatio(DURATION.count, []), expect: data }],
      }),
      stat({
        title: 'Spend today',
        unit: 'currencyUSD',
        decimals: 2,
        timeFrom: 'now/d',
        description: 'USD spent since midnight (dashboard time zone), from gen_ai.usage.cost. Calls to models without a price are not included (see Unpriced calls on the Cost dashboard).',
        targets: [{ expr: by([], increase(`${PROM.cost}_sum`)), instant: true, expect: data }],
      }),
      stat({
        title: 'Spend this hour',
        unit: 'currencyUSD',
        decimals: 2,
        timeFrom: 'now/h',
        description: `USD spent since the start of the hour. GenAIHourlySpendHigh pages above $${s.spend.hourlyMaxUSD} per rolling hour: look for a loop or abuse on the Cost dashboard.`,
        thresholds: [{ value: s.spend.hourlyMaxUSD, color: 'red' }],
        targets: [{ expr: by([], increase(`${PROM.cost}_sum`)), instant: true, expect: data }],
      }),
      stat({
        title: 'Projected month',
        unit: 'currencyUSD',
        decimals: 0,
        description: `The last 24 hours of spend times ${s.spend.daysPerMonth} (recording rule ${n.serviceCostProjectedMonth}; filtered by service and environment only). Above the $${s.spend.monthlyBudgetUSD} budget: move traffic to cheaper models or enable prompt caching.`,
        thresholds: [{ value: s.spend.monthlyBudgetUSD, color: 'red' }],
        targets: [{ expr: `sum(${fService(n.serviceCostProjectedMonth)})`, instant: true, expect: data }],
      }),
      stat({
        title: 'In flight',
        unit: 'short',
        description: 'Calls started and not finished yet. Growing while requests per minute stay flat means calls get slower (provider queueing): check latency below.',
        targets: [{ expr: `sum(${f(PROM.activeRequests)})`, expect: data }],
      }),
      row('Traffic'),
      {
        kind: 'timeseries',
        title: 'Requests per minute by operation',
        unit: 'cpm',
        stack: true,
        description: `Finished calls per minute by gen_ai.operation.name (chat, embeddings, ...). ${FILTER_NOTE} Sudden growth without a product reason: a loop or abuse; compare with spend.`,
        targets: [{ expr: `${by([L.operation], rate(DURATION.count))} * 60`, legend: `{{${L.operation}}}`, expect: { data: true, labels: { [L.operation]: 'chat' } } }],
      },
      {
        kind: 'timeseries',
        title: 'Tokens per second, input and output',
        unit: 'suffix: tokens/s',
        description: 'Input (prompt) and output (completion) tokens per second from gen_ai.client.token.usage. Input growing faster than calls means prompts grow (history, retrieval): trim them or enable prompt caching.',
        targets: [{ expr: by([L.tokenType], rate(`${PROM.tokenUsage}_sum`)), legend: `{{${L.tokenType}}}`, expect: { data: true, labels: { [L.tokenType]: 'input' } } }],
      },
      row('Latency'),
      {
        kind: 'timeseries',
        title: 'Call duration P50 / P95 / P99',
        unit: 's',
        description: `Quantiles of gen_ai.client.operation.duration over 5 minutes, from the recorded bucket rates (${n.durationBucketRate}). Alerts: P95 above ${s.latency.p95Seconds}s, P99 above ${s.latency.p99Seconds}s. A rising P99 with a flat P50 is a tail (timeouts next); open Model drill-down.`,
        thresholds: [{ value: s.latency.p95Seconds, color: 'orange' }, { value: s.latency.p99Seconds, color: 'red' }],
        targets: quantileTargets(f(n.durationBucketRate), true),
      },
      {
        kind: 'timeseries',
        title: 'Time to first chunk P50 / P95 / P99',
        unit: 's',
        description: `How long streaming users wait for the first token (${n.ttfcBucketRate}, 5 minutes). GenAITimeToFirstChunkHigh fires when P95 exceeds ${s.timeToFirstChunk.p95Seconds}s: long prompts (prefill) or provider queueing.`,
        thresholds: [{ value: s.timeToFirstChunk.p95Seconds, color: 'red' }],
        targets: quantileTargets(f(n.ttfcBucketRate), true),
      },
      row('Spend'),
      {
        kind: 'bargauge',
        title: 'Top models by spend',
        unit: 'currencyUSD',
        w: 12,
        description: 'USD per model over the dashboard time range, the ten largest. The first place is where savings are: a cheaper model, shorter prompts, caching.',
        targets: [
          {
            expr: `topk(10, ${by([L.provider, L.requestModel], increase(`${PROM.cost}_sum`))})`,
            instant: true,
            legend: `{{${L.requestModel}}} ({{${L.provider}}})`,
            expect: data,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Spend per hour by service',
        unit: 'currencyUSD',
        description: 'USD per hour at the current rate, by service. A step up after a deploy points at a prompt or model change in that service.',
        targets: [{ expr: `${by([L.service], rate(`${PROM.cost}_sum`))} * 3600`, legend: `{{${L.service}}}`, expect: data }],
      },
    ],
  };
}

export function costDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const costSum = `${PROM.cost}_sum`;
  const threshold = s.expensiveCall.thresholdUSD;
  if (!COST_BUCKETS.includes(threshold)) throw new Error(`expensive-call threshold ${threshold} is not a cost bucket`);
  const stat = (p: Omit<Panel, 'kind' | 'w' | 'h'>): Panel => ({ kind: 'stat', w: 6, h: 5, ...p });
  const cacheRead = { [L.tokenDetail]: 'cache_read' };
  return {
    uid: 'genai-meter-cost',
    title: 'GenAI / Cost',
    file: 'genai-cost',
    description: 'Where the money goes: by model, provider, service and feature; per-call cost; calls without a price; prompt-cache use.',
    time: 'now-24h',
    items: [
      row('Totals'),
      stat({
        title: 'Spend in the time range',
        unit: 'currencyUSD',
        decimals: 2,
        description: `USD spent over the dashboard time range. ${FILTER_NOTE} Excludes unpriced calls.`,
        targets: [{ expr: by([], increase(costSum)), instant: true, expect: data }],
      }),
      stat({
        title: 'Spend, last 24 hours',
        unit: 'currencyUSD',
        decimals: 2,
        description: `Rolling 24-hour spend (${n.serviceCost1d}; filtered by service and environment). GenAIDailySpendOverBudget fires above the $${s.spend.dailyBudgetUSD} daily budget (all services).`,
        thresholds: [{ value: s.spend.dailyBudgetUSD, color: 'red' }],
        targets: [{ expr: `sum(${fService(n.serviceCost1d)})`, instant: true, expect: data }],
      }),
      stat({
        title: 'Projected month',
        unit: 'currencyUSD',
        decimals: 0,
        description: `Last 24 hours x ${s.spend.daysPerMonth} (${n.serviceCostProjectedMonth}), not month-to-date. Above the $${s.spend.monthlyBudgetUSD} budget: act before the invoice does.`,
        thresholds: [{ value: s.spend.monthlyBudgetUSD, color: 'red' }],
        targets: [{ expr: `sum(${fService(n.serviceCostProjectedMonth)})`, instant: true, expect: data }],
      }),
      stat({
        title: 'Unpriced calls',
        unit: 'short',
        decimals: 0,
        noValue: '0',
        description: 'Calls in the time range for models the price catalog does not know: their cost is missing from every spend number here. Non-zero: add the model to @genai-meter/pricing or set a price override (see the table below for the exact model names).',
        thresholds: [{ value: 1, color: 'red' }],
        targets: [{ expr: by([], increase(PROM.unpricedCalls)), instant: true, expect: data }],
      }),
      row('Breakdown'),
      {
        kind: 'timeseries',
        title: 'Spend per hour by model',
        unit: 'currencyUSD',
        w: 24,
        stack: true,
        description: 'USD per hour at the current rate, by provider and requested model. The biggest band is the first candidate for a cheaper model, shorter prompts or caching.',
        targets: [{ expr: `${by([L.provider, L.requestModel], rate(costSum))} * 3600`, legend: `{{${L.requestModel}}} ({{${L.provider}}})`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by provider',
        unit: 'currencyUSD',
        w: 8,
        description: 'USD per provider (gen_ai.provider.name) over the time range. A provider you did not expect here means a service calls it directly (keys in the wrong place).',
        targets: [{ expr: by([L.provider], increase(costSum)), instant: true, legend: `{{${L.provider}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by service',
        unit: 'currencyUSD',
        w: 8,
        description: 'USD per service (service.name) over the time range: who to talk to about a budget.',
        targets: [{ expr: by([L.service], increase(costSum)), instant: true, legend: `{{${L.service}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by feature',
        unit: 'currencyUSD',
        w: 8,
        description: `USD per product feature over the time range, from the ${FEATURE_LABEL} label that @genai-meter/node's withAttributes({ 'genai_meter.feature': ... }) sets. An empty name is spend of calls made outside any withAttributes scope.`,
        targets: [{ expr: by([FEATURE_LABEL], increase(costSum)), instant: true, legend: `{{${FEATURE_LABEL}}}`, expect: data }],
      },
      row('Per call'),
      {
        kind: 'heatmap',
        title: 'Cost per call distribution',
        unit: 'currencyUSD',
        description: `How many calls fall in each cost bucket over time (gen_ai.usage.cost histogram). A band moving up means calls got more expensive: longer prompts or outputs, or a pricier model. Calls above $${threshold} trigger GenAIExpensiveCalls.`,
        targets: [{ expr: by([L.le], rate(`${PROM.cost}_bucket`)), format: 'heatmap', legend: '{{le}}', expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Average cost per call by model',
        unit: 'currencyUSD',
        decimals: 4,
        description: 'Mean USD per priced call, by model. Rising for one model with the same traffic: prompts or outputs grew (check tokens per call on Model drill-down).',
        targets: [
          {
            expr: `${by([L.requestModel], rate(costSum))} / ${by([L.requestModel], rate(`${PROM.cost}_count`))}`,
            legend: `{{${L.requestModel}}}`,
            expect: data,
          },
        ],
      },
      {
        kind: 'bargauge',
        title: `Calls over $${threshold} by model`,
        unit: 'short',
        decimals: 0,
        description: `Calls that cost more than $${threshold} each over the time range (all calls minus those in the $${threshold} bucket), per service and model: the models behind the most expensive calls. A call that is the very first of its series is not counted by increase(). Trim context, cap max_tokens or route to a cheaper model.`,
        targets: [
          {
            expr: `topk(10, ${by([L.service, L.requestModel], increase(`${PROM.cost}_count`))} - ${by([L.service, L.requestModel], increase(`${PROM.cost}_bucket`, { [L.le]: leMatcher(threshold) }))})`,
            instant: true,
            legend: `{{${L.requestModel}}} ({{${L.service}}})`,
            expect: data,
          },
        ],
      },
      {
        kind: 'bargauge',
        title: 'Unpriced calls by model',
        unit: 'short',
        decimals: 0,
        description: 'Calls without a price over the time range, with the response model the provider reported (often a dated snapshot or a relay alias): that is the name to add to the price catalog.',
        targets: [
          {
            expr: by([L.service, L.requestModel, L.responseModel], increase(PROM.unpricedCalls)),
            instant: true,
            legend: `{{${L.requestModel}}} → {{${L.responseModel}}} ({{${L.service}}})`,
            expect: data,
          },
        ],
      },
      row('Prompt cache'),
      {
        kind: 'timeseries',
        title: 'Cached input token share by model',
        unit: 'percentunit',
        max: 1,
        description:
          'Share of input tokens served from the provider prompt cache (genai_meter.client.token.details cache_read / input tokens). The savings are cached tokens x (input price - cached price); the prices are not in Prometheus, so this dashboard shows the share and the cached token rate instead of inventing a dollar figure: multiply the cached tokens by your model\'s price difference (typically 50-90% of the input price). Low share on a model with long shared prompts: put the static part first so the cache can match it.',
        targets: [
          {
            expr: `${by([L.requestModel], rate(PROM.tokenDetails, cacheRead))} / ${by([L.requestModel], rate(`${PROM.tokenUsage}_sum`, { [L.tokenType]: 'input' }))}`,
            legend: `{{${L.requestModel}}}`,
            expect: data,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Cached input tokens per second by model',
        unit: 'suffix: tokens/s',
        description: 'Input tokens read from the provider prompt cache per second. Each was billed at the cached price instead of the input price; see the share panel for why no dollar saving is computed here.',
        targets: [{ expr: by([L.requestModel], rate(PROM.tokenDetails, cacheRead)), legend: `{{${L.requestModel}}}`, expect: data }],
      },
    ],
  };
}

export function reliabilityDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const budget = 1 - s.slo.objective;
  const typeStat = (title: string, type: string, what: string, expect: boolean): Panel => ({
    kind: 'stat',
    w: 4,
    h: 5,
    title,
    unit: 'short',
    decimals: 0,
    noValue: '0',
    description: `Calls that ended with error.type="${type}" over the time range (after the SDK's retries). ${what}`,
    thresholds: [{ value: 1, color: 'red' }],
    targets: [{ expr: by([L.errorType], increase(DURATION.count, { [L.errorType]: type })), instant: true, ...(expect ? { expect: { data: true, labels: { [L.errorType]: type } } } : {}) }],
  });
  return {
    uid: 'genai-meter-reliability',
    title: 'GenAI / Reliability',
    file: 'genai-reliability',
    description: 'Errors by type, retries, rate-limit headroom, latency and availability SLOs, burn rates.',
    items: [
      row('Errors'),
      typeStat('Rate limited (429)', ERR.RATE_LIMIT, 'Requests- or tokens-per-minute limit hit: smooth bursts, lower concurrency, or raise the tier (runbook GenAIRateLimited).', true),
      typeStat('Server errors (5xx)', ERR.SERVER_ERROR, 'Provider incidents: check the status page, fail over (runbook GenAIServerErrors).', true),
      typeStat('Timeouts', ERR.TIMEOUT, 'The client timeout fired or HTTP 408: stream long generations or cap max_tokens (runbook GenAITimeouts).', true),
      typeStat('Connection errors', ERR.CONNECTION, 'No HTTP response (refused, reset, DNS) or a stream cut mid-way: network path or provider edge.', true),
      typeStat('Auth errors (401/403)', ERR.AUTH, 'A revoked or rotated API key: fix the secret, nothing else helps.', false),
      typeStat('Bad requests (4xx)', ERR.BAD_REQUEST, 'Client bugs (invalid parameters, unknown model): usually a deploy; roll back.', false),
      {
        kind: 'timeseries',
        title: 'Failed calls per minute by error.type',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: `Failed calls per minute by error.type (rate_limit, server_error, timeout, connection, auth, bad_request, cancelled, ...). ${FILTER_NOTE} The dominating type names the runbook section to follow.`,
        targets: [
          {
            expr: `${by([L.errorType], rate(DURATION.count, { [L.errorType]: '!=' }))} * 60`,
            legend: `{{${L.errorType}}}`,
            expect: { data: true, labels: { [L.errorType]: ERR.RATE_LIMIT } },
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Failed calls per minute by HTTP status',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: 'Failed calls that got an HTTP response, by status code (429, 500, 503, 401, ...). Errors without a status (timeouts, connection) are not here.',
        targets: [
          {
            expr: `${by([L.httpStatus], rate(DURATION.count, { [L.errorType]: '!=', [L.httpStatus]: '!=' }))} * 60`,
            legend: `{{${L.httpStatus}}}`,
            expect: data,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Error ratio by model',
        unit: 'percentunit',
        w: 24,
        description: `Share of failed calls per provider and model. One model far above the others: a model-specific quota or outage; move its traffic. Alert threshold ${pct(s.errorRatio.max)}.`,
        thresholds: [{ value: s.errorRatio.max, color: 'red' }],
        targets: [{ expr: errorRatio(DURATION.count, [L.provider, L.requestModel]), legend: `{{${L.requestModel}}} ({{${L.provider}}})`, expect: data }],
      },
      row('Retries and rate limits'),
      {
        kind: 'timeseries',
        title: 'SDK retries per minute by model',
        unit: 'cpm',
        w: 8,
        description: 'Retries the openai SDK made (each one an extra HTTP request after 408/409/429/5xx or a connection error). Retries rising before errors do: the provider is near its limit; users already wait longer.',
        targets: [{ expr: `${by([L.provider, L.requestModel], rate(PROM.retries))} * 60`, legend: `{{${L.requestModel}}} ({{${L.provider}}})`, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Rate limit remaining vs limit',
        unit: 'short',
        w: 8,
        description: 'Requests or tokens left in the current window (from x-ratelimit-remaining-*) and the window size (x-ratelimit-limit-*), by model. Remaining close to zero: 429s are next; smooth bursts or raise the limit.',
        targets: [
          {
            expr: `min by (${L.requestModel}, ${L.rateLimitType}) (${f(PROM.rateLimitRemaining)})`,
            legend: `{{${L.requestModel}}} {{${L.rateLimitType}}} remaining`,
            expect: { data: true, labels: { [L.rateLimitType]: 'requests' } },
          },
          {
            expr: `max by (${L.requestModel}, ${L.rateLimitType}) (${f(PROM.rateLimitLimit)})`,
            legend: `{{${L.requestModel}}} {{${L.rateLimitType}}} limit`,
            expect: { data: true, labels: { [L.rateLimitType]: 'requests' } },
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Rate limit used',
        unit: 'percentunit',
        w: 8,
        max: 1,
        description: `Used share of the provider limit (${n.rateLimitUsed}). Above 80% most of the time: ask for a higher tier or spread traffic over deployments.`,
        thresholds: [{ value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }],
        targets: [{ expr: `max by (${L.requestModel}, ${L.rateLimitType}) (${f(n.rateLimitUsed)})`, legend: `{{${L.requestModel}}} {{${L.rateLimitType}}}`, expect: data }],
      },
      row('SLOs'),
      {
        kind: 'stat',
        title: 'Availability over the time range',
        unit: 'percentunit',
        decimals: 3,
        w: 6,
        description: `Share of calls without an error over the dashboard time range, against the ${pct(s.slo.objective)} objective (error budget ${pct(budget)}). Red: the budget for this range is spent.`,
        thresholds: [{ value: 0, color: 'red' }, { value: s.slo.objective, color: 'green' }],
        targets: [{ expr: `1 - ${errorRatio(DURATION.count, [], RANGE, 'increase')}`, instant: true, expect: data }],
      },
      {
        kind: 'timeseries',
        title: `Latency SLO: share of calls within ${s.latency.sloTargetSeconds}s`,
        unit: 'percentunit',
        w: 18,
        max: 1,
        description: `Share of calls that finished within ${s.latency.sloTargetSeconds}s (a duration bucket bound, so exact). Falling: the provider slows down or outputs grow; see Call duration on Model drill-down.`,
        thresholds: [{ value: 0, color: 'red' }, { value: s.slo.objective, color: 'green' }],
        targets: [
          {
            expr: `${by([], rate(DURATION.bucket, { [L.le]: leMatcher(s.latency.sloTargetSeconds) }))} / ${by([], rate(DURATION.count))}`,
            legend: `within ${s.latency.sloTargetSeconds}s`,
            expect: data,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Error budget burn rate',
        unit: 'short',
        w: 24,
        description: `Error ratio divided by the error budget (${pct(budget)}) per window, per service (recorded ${n.errorRatio['5m']} and siblings; filtered by service and environment). 1 = the budget lasts exactly the SLO period. The alerts page when both windows of a pair exceed the factor (${s.slo.burnRates.map((b) => `${b.long}/${b.short} ${b.factor}x`).join(', ')}). Long windows need that much history.`,
        thresholds: [...new Set(s.slo.burnRates.map((b) => b.factor))].sort((a, b) => a - b).map((v, i, all) => ({ value: v, color: i === all.length - 1 ? 'red' : 'orange' })),
        targets: errorRatioWindows(s).map((w) => ({
          expr: `max by (${L.service}) (${fService(n.errorRatio[w]!)}) / ${Number(budget.toPrecision(12))}`,
          legend: `{{${L.service}}} ${w}`,
          // A short run has data at 5m and 1h; longer windows fill in with history.
          ...(w === '5m' || w === '1h' ? { expect: data } : {}),
        })),
      },
      {
        kind: 'bargauge',
        title: 'Firing genai-meter alerts',
        unit: 'short',
        decimals: 0,
        w: 24,
        h: 6,
        noValue: '0',
        description: 'Prometheus alerts of this mixin that fire now, by name and severity (the ALERTS series). Each one has a runbook section in docs/runbook.md.',
        targets: [
          {
            expr: `sum by (alertname, severity) (ALERTS{alertstate="firing", category!="", ${L.service}=~"$service"})`,
            instant: true,
            legend: '{{alertname}} ({{severity}})',
          },
        ],
      },
    ],
  };
}

export function modelDashboard(s: MixinSettings): DashboardSpec {
  const ttfc = `${PROM.timeToFirstChunk}_bucket`;
  const chunk = `${PROM.timePerOutputChunk}_bucket`;
  return {
    uid: 'genai-meter-model',
    title: 'GenAI / Model drill-down',
    file: 'genai-model',
    description: 'One model (pick it in the Model variable): latency distribution, tokens per call, time to first chunk and per chunk.',
    items: [
      row('Latency'),
      {
        kind: 'heatmap',
        title: 'Call duration heatmap',
        unit: 's',
        description: 'Calls per second in each duration bucket over time, for the selected models. A second band appearing higher up is a slow subset (one region, long outputs, retries); a whole-band shift is the provider slowing down.',
        targets: [{ expr: by([L.le], rate(DURATION.bucket)), format: 'heatmap', legend: '{{le}}', expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Call duration P50 / P95 / P99',
        unit: 's',
        description: `Duration quantiles from the raw histogram over $__rate_interval (finer than the 5-minute recorded ones). Alerts: P95 ${s.latency.p95Seconds}s, P99 ${s.latency.p99Seconds}s.`,
        thresholds: [{ value: s.latency.p95Seconds, color: 'orange' }, { value: s.latency.p99Seconds, color: 'red' }],
        targets: quantileTargets(rate(DURATION.bucket), true),
      },
      {
        kind: 'timeseries',
        title: 'Time to first chunk P50 / P95 / P99',
        unit: 's',
        description: `Streaming calls only: how long until the first chunk. Grows with input tokens (prefill) and provider queueing. Alert at P95 ${s.timeToFirstChunk.p95Seconds}s.`,
        thresholds: [{ value: s.timeToFirstChunk.p95Seconds, color: 'red' }],
        targets: quantileTargets(rate(ttfc), true),
      },
      {
        kind: 'timeseries',
        title: 'Time per output chunk P50 / P95 / P99',
        unit: 's',
        description: 'Streaming calls only: the gap between consecutive chunks, i.e. generation speed as users see it. Rising: the provider is overloaded or the model is slower; a faster model or region helps.',
        targets: quantileTargets(rate(chunk), true),
      },
      row('Tokens'),
      {
        kind: 'timeseries',
        title: 'Tokens per call (mean)',
        unit: 'short',
        description: 'Mean input and output tokens per call. Input creeping up: growing chat history or retrieval; output growing: answers get longer (set max_tokens). Both drive cost and latency.',
        targets: [
          {
            expr: `${by([L.tokenType], rate(`${PROM.tokenUsage}_sum`))} / ${by([L.tokenType], rate(`${PROM.tokenUsage}_count`))}`,
            legend: `{{${L.tokenType}}}`,
            expect: { data: true, labels: { [L.tokenType]: 'output' } },
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Tokens per call P95',
        unit: 'short',
        description: 'P95 of tokens per call by type, from the token-usage histogram (buckets are powers of 4, so read it as an order of magnitude). Outliers here are the expensive calls.',
        targets: [
          {
            expr: quantile(0.95, rate(`${PROM.tokenUsage}_bucket`), [L.tokenType]),
            legend: `{{${L.tokenType}}}`,
            expect: { data: true, labels: { [L.tokenType]: 'input' } },
          },
        ],
      },
      row('Calls'),
      {
        kind: 'timeseries',
        title: 'Calls per minute by operation and outcome',
        unit: 'cpm',
        stack: true,
        description: 'Calls per minute by operation and error.type (empty = success). Shows whether failures concentrate on streaming chat, embeddings or the Responses API.',
        targets: [
          {
            expr: `${by([L.operation, L.errorType], rate(DURATION.count))} * 60`,
            legend: `{{${L.operation}}} {{${L.errorType}}}`,
            expect: { data: true, labels: { [L.operation]: 'chat' } },
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Response models served',
        unit: 'cpm',
        description: 'Successful calls per minute by the model the provider actually answered with (gen_ai.response.model). A new snapshot appearing means an alias moved: check quality and whether the price catalog knows it.',
        targets: [
          {
            expr: `${by([L.requestModel, L.responseModel], rate(DURATION.count, { [L.responseModel]: '!=' }))} * 60`,
            legend: `{{${L.requestModel}}} → {{${L.responseModel}}}`,
            expect: data,
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Cost per call (mean)',
        unit: 'currencyUSD',
        decimals: 4,
        w: 24,
        description: 'Mean USD per priced call for the selected models. Together with tokens per call it tells whether cost moves with prompt size or with output size.',
        targets: [{ expr: `${by([L.requestModel], rate(`${PROM.cost}_sum`))} / ${by([L.requestModel], rate(`${PROM.cost}_count`))}`, legend: `{{${L.requestModel}}}`, expect: data }],
      },
    ],
  };
}

export function dashboards(s: MixinSettings): DashboardSpec[] {
  return [overviewDashboard(s), costDashboard(s), reliabilityDashboard(s), modelDashboard(s)];
}
