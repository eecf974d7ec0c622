// The four genai-meter dashboards: Overview, Cost, Reliability, Model drill-down. Every metric name
// comes from PROM / recordNames, every label from L, every threshold from settings.
import { COST_BUCKETS, ERROR_TYPE_CLASSES, TOKEN_DETAIL_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import type { MixinSettings } from '../config.js';
import type { AlertCategory } from '../model.js';
import { L, PROM } from '../promnames.js';
import { DURATION, durationSeconds, SCOPE_LABEL } from '../promql.js';
import { errorRatioWindows, recordNames } from '../recording.js';
import type { AlertList, DashboardSpec, Panel, Row, Target } from './builder.js';
import { by, ERR, errorRatio, errors, f, fRec, increase, quantile, rate, RATE, SLO_CALLS, total } from './queries.js';
import type { DataLink } from './schema.js';
import { FEATURE_LABEL, VARS, type FilterVar } from './variables.js';

/** Dashboard uids: links between the dashboards and from alerts point at them. */
export const DASHBOARD_UIDS = {
  overview: 'genai-meter-overview',
  cost: 'genai-meter-cost',
  reliability: 'genai-meter-reliability',
  model: 'genai-meter-model',
} as const;

const row = (title: string, repeat?: FilterVar): Row => ({ kind: 'row', title, ...(repeat ? { repeat } : {}) });
const data = { data: true } as const;
const pct = (r: number): string => `${Number((r * 100).toPrecision(6))}%`;
/** Spend from the raw counters misses the first export of a series that is born in the range (a new process, a short job). */
const RAW_SPEND_NOTE = 'From the raw counters (the exact increments are recorded per model, without this label): the first export of a series that appeared in the range (a new process, a short job) is not counted.';
const costSum = `${PROM.cost}_sum`;
const costCount = `${PROM.cost}_count`;
const tokenSum = `${PROM.tokenUsage}_sum`;
const tokenCount = `${PROM.tokenUsage}_count`;
const detail = (d: keyof typeof TOKEN_DETAIL_VALUES) => ({ [L.tokenDetail]: TOKEN_DETAIL_VALUES[d] });
const tokenType = (t: 'input' | 'output') => ({ [L.tokenType]: t });

/** The filters a link carries over to the dashboard it opens (the clicked label replaces its own). */
const KEPT_VARS: readonly string[] = [VARS.datasource, VARS.environment, VARS.service, VARS.provider];

/** A data link from a series' label value to a dashboard filtered on it, in the same time range. */
function drillDown(to: keyof typeof DASHBOARD_UIDS, variable: FilterVar, label: string, title: string): DataLink {
  const kept = KEPT_VARS.filter((v) => v !== variable).map((v) => `\${${v}:queryparam}`);
  return { title: `${title} \${__field.labels.${label}}`, url: `/d/${DASHBOARD_UIDS[to]}?var-${variable}=\${__field.labels.${label}}&${kept.join('&')}&\${__url_time_range}` };
}
const toModel = drillDown('model', 'model', L.requestModel, 'Model drill-down:');
const serviceTo = (to: 'cost' | 'reliability') => drillDown(to, 'service', L.service, to === 'cost' ? 'Cost of' : 'Reliability of');

function quantileTargets(bucketRate: string, expect: boolean, extraBy: readonly string[] = [], legend = ''): Target[] {
  return [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, bucketRate, extraBy), legend: `${legend}P${q * 100}`, ...(expect ? { expect: data } : {}) }));
}

/** The heartbeat (dead man's switch) always fires: it is for a monitor of the monitoring, not for this list. */
const HEARTBEAT: AlertCategory = 'heartbeat';

const firingAlerts = (w: number, h: number): AlertList => ({
  kind: 'alertlist',
  title: 'Firing alerts',
  w,
  h,
  // Every genai-meter alert carries a category label, in Prometheus and in Grafana alike.
  labelFilter: `{category=~".+", category!="${HEARTBEAT}"}`,
  description:
    'genai-meter alerts that are firing or pending, from both engines: Grafana-managed rules (grafana/provisioning/alerting) and the Prometheus rules Grafana reads from the datasource. Each alert links to its runbook section and to the panel it is about.',
});

type StatOf = (p: Omit<Panel, 'kind'>) => Panel;

export const expensiveCallsTitle = (s: MixinSettings): string => `Calls over $${s.expensiveCall.thresholdUSD} by model`;

/** Spend today, month to date, its forecast and the last hour: exact recorded series, the figures the budget alerts read. */
function spendStats(s: MixinSettings, stat: StatOf): Panel[] {
  const n = recordNames(s);
  return [
    stat({
      title: 'Spend today',
      unit: 'currencyUSD',
      decimals: 2,
      description: `USD spent since 00:00 UTC, exact (recorded ${n.serviceCostToday}: a series' first export counts in full), the figure the daily budget alerts compare. Calls to models without a price are not included (Unpriced calls).`,
      targets: [{ expr: `sum(${fRec(n.serviceCostToday)})`, instant: true, expect: data }],
    }),
    stat({
      title: 'Month to date',
      unit: 'currencyUSD',
      decimals: 2,
      description: `USD spent since 00:00 UTC on the 1st, exact (recorded ${n.serviceCostThisMonth}). The bars below compare each service with its monthly budget (packages/mixin/budgets.yaml).`,
      targets: [{ expr: `sum(${fRec(n.serviceCostThisMonth)})`, instant: true, expect: data }],
    }),
    stat({
      title: 'Forecast for the month',
      unit: 'currencyUSD',
      decimals: 0,
      description: `Month to date plus the pace of the last 24 hours until the month ends (recorded ${n.serviceCostForecastThisMonth}). GenAIProjectedMonthlySpendOverBudget fires when a service's forecast passes its budget: move traffic to cheaper models or enable prompt caching before the invoice does.`,
      targets: [{ expr: `sum(${fRec(n.serviceCostForecastThisMonth)})`, instant: true, expect: data }],
    }),
    stat({
      title: 'Spend, last hour',
      unit: 'currencyUSD',
      decimals: 2,
      description: `USD spent in the last 60 minutes, exact (recorded ${n.serviceCost1h}). GenAIHourlySpendHigh pages when a service passes its hourly budget: look for a loop or abuse on the Cost dashboard.`,
      targets: [{ expr: `sum(${fRec(n.serviceCost1h)})`, instant: true, expect: data }],
    }),
  ];
}

/** Calls in the range for models without a price (exact). */
function unpricedStat(s: MixinSettings, stat: StatOf): Panel {
  const n = recordNames(s);
  return stat({
    title: 'Unpriced calls',
    unit: 'short',
    decimals: 0,
    noValue: '0',
    description: 'Calls in the time range for models the price catalog does not know (exact): every spend number here is missing their cost. Non-zero: add the model to @genai-meter/pricing or set a price override (Cost dashboard, Unpriced calls by model).',
    thresholds: [{ value: 1, color: 'red' }],
    targets: [{ expr: by([], total(n.unpricedCallsStep)), instant: true, expect: data }],
  });
}

export function overviewDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const stat = (p: Omit<Panel, 'kind'>): Panel => ({ kind: 'stat', w: 4, h: 5, ...p });
  const spendBy = (label: string, title: string, description: string, links: DataLink[], exact: boolean): Panel => ({
    kind: 'bargauge',
    title,
    unit: 'currencyUSD',
    w: 8,
    description: exact ? `${description} Exact (recorded ${n.modelCostStep}, summed over the range).` : `${description} ${RAW_SPEND_NOTE}`,
    links,
    targets: [{ expr: `topk(10, ${by([label], exact ? total(n.modelCostStep) : increase(costSum))})`, instant: true, legend: `{{${label}}}`, expect: data }],
  });
  /** Bars of each service's spend series as a share of its budget series (both recorded per service and environment). */
  const againstBudget = (title: string, description: string, series: readonly { record: string; what: string }[], budget: string): Panel => ({
    kind: 'bargauge',
    title,
    unit: 'percentunit',
    w: 12,
    h: 7,
    min: 0,
    max: 1,
    description,
    thresholds: [{ value: 0.8, color: 'orange' }, { value: 1, color: 'red' }],
    links: [serviceTo('cost')],
    targets: series.map((x) => ({
      expr: `${by([L.service, L.environment], fRec(x.record))} / ${by([L.service, L.environment], fRec(budget))}`,
      instant: true,
      legend: `{{${L.service}}} ({{${L.environment}}}) ${x.what}`,
      expect: data,
    })),
  });
  return {
    uid: DASHBOARD_UIDS.overview,
    title: 'GenAI / Overview',
    file: 'genai-overview',
    description: 'What are we spending, and is it healthy: spend against the budget, where it goes, errors and latency, tokens.',
    items: [
      row('Spend'),
      ...spendStats(s, stat),
      stat({
        title: 'Cost per call',
        unit: 'currencyUSD',
        decimals: 4,
        description: 'Mean USD per priced call over the time range. Rising with flat traffic: prompts or outputs grew, or traffic moved to a pricier model (Spend by model below).',
        targets: [{ expr: `${by([], increase(costSum))} / ${by([], increase(costCount))}`, instant: true, expect: data }],
      }),
      unpricedStat(s, stat),
      againstBudget(
        'Today against the daily budget',
        `Each service's spend since 00:00 UTC as a share of its daily budget (${n.serviceCostToday} / ${n.budget.daily}; budgets per service and environment in packages/mixin/budgets.yaml), and where today's pace leads by 24:00 UTC (${n.serviceCostForecastToday}). Red: over budget; a forecast past 100% is the early warning GenAIProjectedDailySpendOverBudget acts on.`,
        [
          { record: n.serviceCostToday, what: 'today' },
          { record: n.serviceCostForecastToday, what: 'forecast' },
        ],
        n.budget.daily,
      ),
      againstBudget(
        'This month against the monthly budget',
        `Each service's month to date and its forecast for the month (${n.serviceCostThisMonth}, ${n.serviceCostForecastThisMonth}) as a share of its monthly budget (${n.budget.monthly}). A forecast past 100% is the time to act, weeks before the invoice.`,
        [
          { record: n.serviceCostThisMonth, what: 'to date' },
          { record: n.serviceCostForecastThisMonth, what: 'forecast' },
        ],
        n.budget.monthly,
      ),
      row('Where the money goes'),
      spendBy(L.service, 'Spend by service', 'USD per service (service.name) over the time range, the ten largest: who to talk to about a budget. Click a bar for that service on the Cost dashboard.', [serviceTo('cost')], true),
      spendBy(L.requestModel, 'Spend by model', 'USD per requested model over the time range, the ten largest: where savings are (a cheaper model, shorter prompts, caching). Click a bar for the model drill-down.', [toModel], true),
      spendBy(
        FEATURE_LABEL,
        'Spend by feature',
        `USD per product feature over the time range, from the ${FEATURE_LABEL} label that @genai-meter/node's withAttributes({ 'genai_meter.feature': ... }) sets. An empty name is spend outside any withAttributes scope.`,
        [],
        false,
      ),
      row('Health'),
      stat({
        title: 'Requests per minute',
        unit: 'cpm',
        description: 'Finished calls per minute (failed or not). A drop to zero with traffic expected means the app or its telemetry stopped: check GenAITelemetryAbsent.',
        targets: [{ expr: `${by([], rate(DURATION.count))} * 60`, expect: data }],
      }),
      stat({
        title: 'Provider error ratio',
        unit: 'percentunit',
        description: `Provider-path failures (${ERROR_TYPE_CLASSES.provider.join(', ')}) over successes plus those failures: the error ratio of the availability SLO. Cancellations by callers, client errors and quota are in neither. Above ${pct(s.errorRatio.max)} GenAIErrorRatioHigh fires: the Reliability dashboard shows which type dominates.`,
        thresholds: [{ value: s.errorRatio.max / 2, color: 'orange' }, { value: s.errorRatio.max, color: 'red' }],
        targets: [{ expr: errorRatio(DURATION.count, []), expect: data }],
      }),
      stat({
        title: 'Client and billing errors',
        unit: 'short',
        decimals: 0,
        noValue: '0',
        description: `Calls in the time range (exact) the provider refused because of the caller (${ERROR_TYPE_CLASSES.client.join(', ')}) or the account (${ERROR_TYPE_CLASSES.billing.join(', ')}): a deploy, a rotated key, an exhausted quota. Retrying does not help; not a provider outage.`,
        thresholds: [{ value: 1, color: 'orange' }],
        targets: [{ expr: by([], total(n.callsStep, errors('client', 'billing'))), instant: true, expect: data }],
      }),
      stat({
        title: 'Cancelled by callers',
        unit: 'percentunit',
        noValue: '0',
        description: 'Share of calls the caller aborted or stopped reading before the answer was complete (error.type="cancelled"): users pressing stop. Not a failure of anything; a sudden rise is a UX or timeout-budget question.',
        targets: [{ expr: `${by([], total(n.callsStep, errors('caller')))} / ${by([], total(n.callsStep))}`, instant: true }],
      }),
      stat({
        title: 'In flight',
        unit: 'short',
        description: 'Calls started and not finished yet. Growing while requests per minute stay flat means calls get slower (provider queueing): check latency below.',
        targets: [{ expr: `sum(${f(PROM.activeRequests)})`, expect: data }],
      }),
      stat({
        title: 'Rate limit used (max)',
        unit: 'percentunit',
        max: 1,
        description: `The highest used share of any provider rate limit (requests or tokens, from the x-ratelimit-* headers; recording rule ${n.rateLimitUsed}). Above 80%: 429s are next; smooth bursts or raise the limit.`,
        thresholds: [{ value: 0.8, color: 'orange' }, { value: 0.95, color: 'red' }],
        targets: [{ expr: `max(${fRec(n.rateLimitUsed)})`, expect: data }],
      }),
      {
        kind: 'timeseries',
        title: 'Unsuccessful calls per minute: failures and cancellations',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: 'Calls per minute that did not succeed, by kind: provider failures (they count against availability), quota or billing, client errors, and cancellations by the caller (not failures). The Reliability dashboard splits them by error.type.',
        targets: [
          { expr: `${by([], rate(DURATION.count, errors('provider')))} * 60`, legend: 'provider failures', expect: data },
          { expr: `${by([], rate(DURATION.count, errors('billing')))} * 60`, legend: 'quota / billing', expect: data },
          { expr: `${by([], rate(DURATION.count, errors('client')))} * 60`, legend: 'client errors' },
          { expr: `${by([], rate(DURATION.count, errors('caller')))} * 60`, legend: 'cancelled by caller' },
        ],
      },
      firingAlerts(12, 8),
      {
        kind: 'timeseries',
        title: 'Call duration P95 by model',
        unit: 's',
        description: `P95 of gen_ai.client.operation.duration per model (recorded ${n.durationBucketRate}): one line per model, never blended across embeddings and long reasoning answers. A line far above its usual level is that model slowing down; click it for the model drill-down.`,
        links: [toModel],
        targets: [{ expr: quantile(0.95, fRec(n.durationBucketRate), [L.provider, L.requestModel]), legend: `{{${L.requestModel}}} ({{${L.provider}}})`, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Time to first chunk P95 by model',
        unit: 's',
        description: `How long streaming users wait for the first token, P95 per model (recorded ${n.ttfcBucketRate}). The line at ${s.timeToFirstChunk.p95Seconds}s is a reference; the alerts judge each model against its own target (Reliability, calls over their latency target). Rising: long prompts (prefill) or provider queueing.`,
        thresholds: [{ value: s.timeToFirstChunk.p95Seconds, color: 'red' }],
        links: [toModel],
        targets: [{ expr: quantile(0.95, fRec(n.ttfcBucketRate), [L.provider, L.requestModel]), legend: `{{${L.requestModel}}} ({{${L.provider}}})`, expect: data }],
      },
      row('Tokens'),
      {
        kind: 'timeseries',
        title: 'Tokens per second: input, cached, output, reasoning',
        unit: 'suffix: tokens/s',
        w: 16,
        description: 'Input and output tokens per second (gen_ai.client.token.usage), with the part of the input read from the provider prompt cache and the part of the output spent on reasoning (genai_meter.client.token.details). Input growing faster than calls: prompts grow (history, retrieval); reasoning growing: a reasoning model or effort setting changed.',
        targets: [
          { expr: by([], rate(tokenSum, tokenType('input'))), legend: 'input', expect: data },
          { expr: by([], rate(PROM.tokenDetails, detail('CACHE_READ'))), legend: 'input from cache', expect: data },
          { expr: by([], rate(tokenSum, tokenType('output'))), legend: 'output', expect: data },
          { expr: by([], rate(PROM.tokenDetails, detail('REASONING'))), legend: 'output for reasoning', expect: data },
        ],
      },
      stat({
        title: 'Cache hit ratio',
        unit: 'percentunit',
        h: 8,
        max: 1,
        description: 'Share of input tokens in the time range served from the provider prompt cache (billed at the cached price). Low on traffic with long shared prompts: put the static part first so the cache can match it.',
        targets: [{ expr: `${by([], increase(PROM.tokenDetails, detail('CACHE_READ')))} / ${by([], increase(tokenSum, tokenType('input')))}`, instant: true, expect: data }],
      }),
      stat({
        title: 'Reasoning share of output',
        unit: 'percentunit',
        h: 8,
        max: 1,
        description: 'Share of output tokens in the time range spent on reasoning: billed as output, never shown to users. High: lower the reasoning effort where the answers do not need it.',
        targets: [{ expr: `${by([], increase(PROM.tokenDetails, detail('REASONING')))} / ${by([], increase(tokenSum, tokenType('output')))}`, instant: true, expect: data }],
      }),
    ],
  };
}

export function costDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const threshold = s.expensiveCall.thresholdUSD;
  if (!COST_BUCKETS.includes(threshold)) throw new Error(`expensive-call threshold ${threshold} is not a cost bucket`);
  const stat = (p: Omit<Panel, 'kind'>): Panel => ({ kind: 'stat', w: 4, h: 5, ...p });
  const budgetLines = (title: string, description: string, series: readonly { record: string; what: string }[]): Panel => ({
    kind: 'timeseries',
    title,
    unit: 'currencyUSD',
    description,
    links: [serviceTo('reliability')],
    targets: series.map((x) => ({ expr: by([L.service, L.environment], fRec(x.record)), legend: `{{${L.service}}} ({{${L.environment}}}) ${x.what}`, expect: data })),
  });
  const stepsPerHour = 3600 / durationSeconds(s.evaluationInterval);
  /** USD per hour at the current pace: exact from the recorded per-step spend, else from the raw counter's rate. */
  const perHour = (label: string, title: string, description: string, links: DataLink[], exact: boolean, w = 12): Panel => ({
    kind: 'timeseries',
    title,
    unit: 'currencyUSD',
    w,
    stack: true,
    description: exact ? `${description} Exact: the recorded per-step spend (${n.modelCostStep}) averaged over the rate interval.` : `${description} ${RAW_SPEND_NOTE}`,
    links,
    targets: [
      {
        expr: exact ? `${by([label], `avg_over_time(${fRec(n.modelCostStep)}[${RATE}])`)} * ${stepsPerHour}` : `${by([label], rate(costSum))} * 3600`,
        legend: `{{${label}}}`,
        expect: data,
      },
    ],
  });
  return {
    uid: DASHBOARD_UIDS.cost,
    title: 'GenAI / Cost',
    file: 'genai-cost',
    description: 'Where the money goes: by model, provider, service and feature; per-call cost; calls without a price; prompt cache and reasoning tokens.',
    time: 'now-24h',
    items: [
      row('Totals'),
      stat({
        title: 'Spend in the time range',
        unit: 'currencyUSD',
        decimals: 2,
        description: `USD spent over the dashboard time range, exact (recorded ${n.modelCostStep}, summed over the range). Excludes unpriced calls.`,
        targets: [{ expr: by([], total(n.modelCostStep)), instant: true, expect: data }],
      }),
      ...spendStats(s, stat).filter((p) => p.title !== 'Spend, last hour'),
      stat({
        title: 'Spend, last 24 hours',
        unit: 'currencyUSD',
        decimals: 2,
        description: `Rolling 24-hour spend, exact (recorded ${n.serviceCost1d}).`,
        targets: [{ expr: `sum(${fRec(n.serviceCost1d)})`, instant: true, expect: data }],
      }),
      unpricedStat(s, stat),
      row('Budgets'),
      budgetLines(
        'This month: to date, forecast and budget by service',
        `Month to date (${n.serviceCostThisMonth}), the forecast for the month at the pace of the last 24 hours (${n.serviceCostForecastThisMonth}) and the monthly budget in force (${n.budget.monthly}, from packages/mixin/budgets.yaml), per service and environment. The forecast line crossing the budget line is when to act.`,
        [
          { record: n.serviceCostThisMonth, what: 'to date' },
          { record: n.serviceCostForecastThisMonth, what: 'forecast' },
          { record: n.budget.monthly, what: 'budget' },
        ],
      ),
      budgetLines(
        'Today: spend, forecast and budget by service',
        `Spend since 00:00 UTC (${n.serviceCostToday}), where today's pace leads by 24:00 UTC (${n.serviceCostForecastToday}) and the daily budget in force (${n.budget.daily}), per service and environment.`,
        [
          { record: n.serviceCostToday, what: 'today' },
          { record: n.serviceCostForecastToday, what: 'forecast' },
          { record: n.budget.daily, what: 'budget' },
        ],
      ),
      row('Breakdown'),
      perHour(L.requestModel, 'Spend per hour by model', 'USD per hour at the current pace, by requested model. The biggest band is the first candidate for a cheaper model, shorter prompts or caching. Click a series for its model drill-down.', [toModel], true, 24),
      perHour(L.service, 'Spend per hour by service', 'USD per hour at the current pace, by service. A step up after a deploy points at a prompt or model change in that service.', [serviceTo('reliability')], true),
      perHour(FEATURE_LABEL, 'Spend per hour by feature', `USD per hour at the current pace, by ${FEATURE_LABEL} (withAttributes). A feature growing faster than its usage is where a prompt got longer.`, [], false),
      {
        kind: 'bargauge',
        title: 'Spend by provider',
        unit: 'currencyUSD',
        w: 8,
        description: `USD per provider (gen_ai.provider.name) over the time range, exact (${n.modelCostStep}). A provider you did not expect here means a service calls it directly (keys in the wrong place).`,
        targets: [{ expr: by([L.provider], total(n.modelCostStep)), instant: true, legend: `{{${L.provider}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by SDK',
        unit: 'currencyUSD',
        w: 8,
        description: `USD per SDK over the time range: the instrumentation scope that recorded the calls (openai, anthropic, google-genai, and ai for the Vercel AI SDK). A call through the Vercel AI SDK over another instrumented SDK is counted once, by the inner one. ${RAW_SPEND_NOTE}`,
        targets: [{ expr: by([SCOPE_LABEL], increase(costSum)), instant: true, legend: `{{${SCOPE_LABEL}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Calls by SDK',
        unit: 'short',
        w: 8,
        description: 'Calls per SDK over the time range, by the instrumentation scope that recorded them: which SDKs a service reaches its models through.',
        targets: [{ expr: by([SCOPE_LABEL], increase(`${PROM.duration}_count`)), instant: true, legend: `{{${SCOPE_LABEL}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by operation',
        unit: 'currencyUSD',
        w: 8,
        description: `USD per operation (chat, generate_content, embeddings, text_completion, generate_image, transcribe_audio, generate_speech, ...) over the time range: embeddings re-indexing and chat traffic have different owners and different levers. ${RAW_SPEND_NOTE}`,
        targets: [{ expr: by([L.operation], increase(costSum)), instant: true, legend: `{{${L.operation}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: 'Spend by service and feature',
        unit: 'currencyUSD',
        w: 8,
        description: `USD per service and ${FEATURE_LABEL} over the time range, the ten largest: the feature of a service to look at first. ${RAW_SPEND_NOTE}`,
        links: [serviceTo('reliability')],
        targets: [{ expr: `topk(10, ${by([L.service, FEATURE_LABEL], increase(costSum))})`, instant: true, legend: `{{${L.service}}} / {{${FEATURE_LABEL}}}`, expect: data }],
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
        description: 'Mean USD per priced call, by model. Rising for one model with the same traffic: prompts or outputs grew (tokens per call on the model drill-down, one click away).',
        links: [toModel],
        targets: [{ expr: `${by([L.requestModel], rate(costSum))} / ${by([L.requestModel], rate(costCount))}`, legend: `{{${L.requestModel}}}`, expect: data }],
      },
      {
        kind: 'bargauge',
        title: expensiveCallsTitle(s),
        unit: 'short',
        decimals: 0,
        description: `Calls that cost more than $${threshold} each over the time range, exact (${n.expensiveCallsStep}), per service and model: the models behind the most expensive calls. Trim context, cap max_tokens or route to a cheaper model.`,
        targets: [
          {
            expr: `topk(10, ${by([L.service, L.requestModel], total(n.expensiveCallsStep))} > 0)`,
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
        description: `Calls without a price over the time range, with the response model the provider reported (often a dated snapshot or a relay alias): that is the name to add to the price catalog. From the raw counter (the exact count without the response model is the Unpriced calls total above): the first call of a new series is not counted.`,
        targets: [
          {
            expr: by([L.service, L.requestModel, L.responseModel], increase(PROM.unpricedCalls)),
            instant: true,
            legend: `{{${L.requestModel}}} → {{${L.responseModel}}} ({{${L.service}}})`,
            expect: data,
          },
        ],
      },
      row('Prompt cache and reasoning'),
      {
        kind: 'timeseries',
        title: 'Cache hit ratio by model',
        unit: 'percentunit',
        max: 1,
        w: 8,
        description:
          "Share of input tokens served from the provider prompt cache (cache_read / input tokens). The saving is cached tokens x (input price - cached price); the prices are not in Prometheus, so this shows the share and the cached token rate instead of inventing a dollar figure (typically 50-90% of the input price). Low on a model with long shared prompts: put the static part first so the cache can match it.",
        links: [toModel],
        targets: [{ expr: `${by([L.requestModel], rate(PROM.tokenDetails, detail('CACHE_READ')))} / ${by([L.requestModel], rate(tokenSum, tokenType('input')))}`, legend: `{{${L.requestModel}}}`, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Cached input tokens per second by model',
        unit: 'suffix: tokens/s',
        w: 8,
        description: 'Input tokens read from (cache_read) and written to (cache_write, where the provider bills writes) the provider prompt cache per second. Each cached read was billed at the cached price instead of the input price.',
        targets: [{ expr: by([L.requestModel, L.tokenDetail], rate(PROM.tokenDetails, { [L.tokenDetail]: `=~${TOKEN_DETAIL_VALUES.CACHE_READ}|${TOKEN_DETAIL_VALUES.CACHE_WRITE}` })), legend: `{{${L.requestModel}}} {{${L.tokenDetail}}}`, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Reasoning share of output by model',
        unit: 'percentunit',
        max: 1,
        w: 8,
        description: 'Share of output tokens spent on reasoning, per model. Reasoning tokens are billed as output and never shown to users: a high share on simple tasks is money a lower reasoning effort saves.',
        links: [toModel],
        targets: [{ expr: `${by([L.requestModel], rate(PROM.tokenDetails, detail('REASONING')))} / ${by([L.requestModel], rate(tokenSum, tokenType('output')))}`, legend: `{{${L.requestModel}}}`, expect: data }],
      },
    ],
  };
}

export function reliabilityDashboard(s: MixinSettings): DashboardSpec {
  const n = recordNames(s);
  const budget = 1 - s.slo.objective;
  const latencySlow = Object.values(n.latencySlowRatio)[0]!;
  const typeStat = (title: string, type: string, what: string, expect: boolean, color: 'red' | 'orange' = 'red'): Panel => ({
    kind: 'stat',
    w: 3,
    h: 5,
    title,
    unit: 'short',
    decimals: 0,
    noValue: '0',
    description: `Calls that ended with error.type="${type}" over the time range (after the SDK's retries; exact, from ${n.callsStep}). ${what}`,
    thresholds: [{ value: 1, color }],
    targets: [{ expr: by([L.errorType], total(n.callsStep, { [L.errorType]: type })), instant: true, ...(expect ? { expect: { data: true, labels: { [L.errorType]: type } } } : {}) }],
  });
  return {
    uid: DASHBOARD_UIDS.reliability,
    title: 'GenAI / Reliability',
    file: 'genai-reliability',
    description: 'Errors by type (cancellations apart), retries, rate-limit headroom, availability and latency SLOs, burn rates, firing alerts.',
    items: [
      row('Errors'),
      typeStat('Rate limited (429)', ERR.RATE_LIMIT, 'Requests- or tokens-per-minute limit hit: smooth bursts, lower concurrency, or raise the tier (runbook GenAIRateLimited).', true),
      typeStat('Server errors (5xx)', ERR.SERVER_ERROR, 'Provider incidents: check the status page, fail over (runbook GenAIServerErrors).', true),
      typeStat('Timeouts', ERR.TIMEOUT, 'The client timeout fired or HTTP 408: stream long generations or cap max_tokens (runbook GenAITimeouts).', true),
      typeStat('Connection errors', ERR.CONNECTION, 'No HTTP response (refused, reset, DNS) or a stream cut mid-way: network path or provider edge.', true),
      typeStat('Quota exhausted', ERR.INSUFFICIENT_QUOTA, 'Billing: insufficient_quota (HTTP 429) or insufficient balance (402). Nothing recovers by itself: someone has to pay or raise the limit.', true),
      typeStat('Auth errors (401/403)', ERR.AUTH, 'A revoked or rotated API key: fix the secret, nothing else helps.', false),
      typeStat('Bad requests (4xx)', ERR.BAD_REQUEST, 'Client bugs (invalid parameters, unknown model): usually a deploy; roll back.', false),
      typeStat('Cancelled by callers', ERR.CANCELLED, 'The caller aborted or stopped reading a stream before the answer was complete. Not a failure: it never counts against availability.', false, 'orange'),
      {
        kind: 'timeseries',
        title: 'Failed calls per minute by error.type',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: 'Failed calls per minute by error.type (rate_limit, server_error, timeout, connection, insufficient_quota, auth, bad_request, ...), cancellations by callers excluded (next panel). The dominating type names the runbook section to follow.',
        targets: [
          {
            expr: `${by([L.errorType], rate(DURATION.count, errors('provider', 'billing', 'client')))} * 60`,
            legend: `{{${L.errorType}}}`,
            expect: { data: true, labels: { [L.errorType]: ERR.RATE_LIMIT } },
          },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Calls and failures per minute by SDK',
        unit: 'cpm',
        description:
          'Calls and failed calls per minute by the SDK that made them: the instrumentation scope (openai, anthropic, google-genai, and ai for the Vercel AI SDK; a call through the Vercel AI SDK over another instrumented SDK is counted once, by the inner one). Failures as in the panel before (cancellations excluded). A failure share that only one SDK shows points at its configuration (keys, base URL, retries) rather than at the provider.',
        targets: [
          { expr: `${by([SCOPE_LABEL], rate(DURATION.count))} * 60`, legend: `{{${SCOPE_LABEL}}} calls`, expect: data },
          { expr: `${by([SCOPE_LABEL], rate(DURATION.count, errors('provider', 'billing', 'client')))} * 60`, legend: `{{${SCOPE_LABEL}}} failed`, expect: data },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Cancelled calls per minute by operation',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: 'Calls per minute the caller cancelled (AbortSignal, a stream abandoned before its answer was complete), by operation. Users pressing stop on streaming chat is normal (10-30%); a jump after a deploy can be a client timeout set too short.',
        targets: [{ expr: `${by([L.operation], rate(DURATION.count, errors('caller')))} * 60`, legend: `{{${L.operation}}}` }],
      },
      {
        kind: 'timeseries',
        title: 'Failed calls per minute by HTTP status',
        unit: 'cpm',
        stack: true,
        bars: true,
        description: 'Failed calls that got an HTTP response, by status code (429, 500, 503, 401, ...). Errors without a status (timeouts, connection, cancellations) are not here.',
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
        title: 'Provider error ratio by model',
        unit: 'percentunit',
        description: `Provider-path failures (${ERROR_TYPE_CLASSES.provider.join(', ')}) per model, over its successes plus those failures. One model far above the others: a model-specific quota or outage; move its traffic. Alert threshold ${pct(s.errorRatio.max)}. Click a series for its model drill-down.`,
        thresholds: [{ value: s.errorRatio.max, color: 'red' }],
        links: [toModel],
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
        targets: [{ expr: `max by (${L.requestModel}, ${L.rateLimitType}) (${fRec(n.rateLimitUsed)})`, legend: `{{${L.requestModel}}} {{${L.rateLimitType}}}`, expect: data }],
      },
      row('SLOs'),
      {
        kind: 'stat',
        title: 'Availability over the time range',
        unit: 'percentunit',
        decimals: 3,
        w: 6,
        description: `Share of calls without a provider-path failure over the dashboard time range (exact, from ${n.callsStep}), against the ${pct(s.slo.objective)} objective (error budget ${pct(budget)}). Cancellations, client errors and quota count neither way. Red: the budget for this range is spent.`,
        thresholds: [{ value: 0, color: 'red' }, { value: s.slo.objective, color: 'green' }],
        targets: [{ expr: `1 - ${by([], total(n.callsStep, errors('provider')))} / ${by([], total(n.callsStep, SLO_CALLS))}`, instant: true, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Calls over their latency target by model',
        unit: 'percentunit',
        w: 18,
        max: 1,
        description: `Share of each model's calls slower than its own target (recorded ${latencySlow}, label sli: duration = the whole call, time_to_first_chunk = streams), targets per model and operation in settings.latency.targets: a reasoning model is not held to a chat model's target. The latency burn-rate alerts read these ratios; above the ${pct(1 - s.latency.objective)} budget line the budget burns faster than it refills.`,
        thresholds: [{ value: 1 - s.latency.objective, color: 'red' }],
        links: [toModel],
        targets: [{ expr: `max by (${L.requestModel}, sli) (${fRec(latencySlow)})`, legend: `{{${L.requestModel}}} {{sli}}`, expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Error budget burn rate',
        unit: 'short',
        w: 24,
        description: `Error ratio divided by the error budget (${pct(budget)}) per window, per service (recorded ${Object.values(n.errorRatio)[0]} and siblings). 1 = the budget lasts exactly the SLO period. The alerts page when both windows of a pair exceed the factor (${s.slo.burnRates.map((b) => `${b.long}/${b.short} ${b.factor}x`).join(', ')}). Long windows need that much history.`,
        thresholds: [...new Set(s.slo.burnRates.map((b) => b.factor))].sort((a, b) => a - b).map((v, i, all) => ({ value: v, color: i === all.length - 1 ? 'red' : 'orange' })),
        targets: errorRatioWindows(s).map((w) => ({
          expr: `max by (${L.service}) (${fRec(n.errorRatio[w]!)}) / ${Number(budget.toPrecision(12))}`,
          legend: `{{${L.service}}} ${w}`,
          // A short run has data at 5m and 1h; longer windows fill in with history.
          ...(w === '5m' || w === '1h' ? { expect: data } : {}),
        })),
      },
      firingAlerts(24, 8),
    ],
  };
}

export function modelDashboard(s: MixinSettings): DashboardSpec {
  const ttfc = `${PROM.timeToFirstChunk}_bucket`;
  const chunk = `${PROM.timePerOutputChunk}_bucket`;
  const perCall = (num: string, type: 'input' | 'output') => `${num} / ${by([], rate(tokenCount, tokenType(type)))}`;
  return {
    uid: DASHBOARD_UIDS.model,
    title: 'GenAI / Model drill-down',
    file: 'genai-model',
    description: 'One section per selected model (the Model variable): latency distribution and quantiles, time to first chunk and per chunk, tokens per call, outcomes, response models, cost per call.',
    items: [
      row('$model', 'model'),
      {
        kind: 'heatmap',
        title: 'Call duration heatmap',
        unit: 's',
        description: 'Calls per second in each duration bucket over time, for this model. A second band appearing higher up is a slow subset (one region, long outputs, retries); a whole-band shift is the provider slowing down.',
        targets: [{ expr: by([L.le], rate(DURATION.bucket)), format: 'heatmap', legend: '{{le}}', expect: data }],
      },
      {
        kind: 'timeseries',
        title: 'Call duration P50 / P95 / P99',
        unit: 's',
        description: `Duration quantiles of this model by operation, from the raw histogram over $__rate_interval (finer than the recorded ones). The lines at ${s.latency.p95Seconds}s and ${s.latency.p99Seconds}s are references; the alerts judge the share of calls over this model's own target (Reliability).`,
        thresholds: [{ value: s.latency.p95Seconds, color: 'orange' }, { value: s.latency.p99Seconds, color: 'red' }],
        targets: quantileTargets(rate(DURATION.bucket), true, [L.operation], `{{${L.operation}}} `),
      },
      {
        kind: 'timeseries',
        title: 'Time to first chunk P50 / P95 / P99',
        unit: 's',
        description: `Streaming calls of this model only: how long until the first chunk. Grows with input tokens (prefill) and provider queueing. The line at ${s.timeToFirstChunk.p95Seconds}s is a reference; the alerts judge the share of streams over this model's own target.`,
        thresholds: [{ value: s.timeToFirstChunk.p95Seconds, color: 'red' }],
        targets: quantileTargets(rate(ttfc), true),
      },
      {
        kind: 'timeseries',
        title: 'Time per output chunk P50 / P95 / P99',
        unit: 's',
        description: 'Streaming calls of this model only: the gap between consecutive chunks, i.e. generation speed as users see it. Rising: the provider is overloaded or the model is slower; a faster model or region helps.',
        targets: quantileTargets(rate(chunk), true),
      },
      {
        kind: 'timeseries',
        title: 'Tokens per call: input, cached, output, reasoning',
        unit: 'short',
        description: 'Mean tokens per call of this model: input (with the part read from the prompt cache) and output (with the part spent on reasoning). Input creeping up: growing chat history or retrieval; output growing: answers get longer (set max_tokens). Both drive cost and latency.',
        targets: [
          { expr: perCall(by([], rate(tokenSum, tokenType('input'))), 'input'), legend: 'input', expect: data },
          { expr: perCall(by([], rate(PROM.tokenDetails, detail('CACHE_READ'))), 'input'), legend: 'input from cache' },
          { expr: perCall(by([], rate(tokenSum, tokenType('output'))), 'output'), legend: 'output', expect: data },
          { expr: perCall(by([], rate(PROM.tokenDetails, detail('REASONING'))), 'output'), legend: 'output for reasoning' },
        ],
      },
      {
        kind: 'timeseries',
        title: 'Calls per minute by operation and outcome',
        unit: 'cpm',
        stack: true,
        description: 'Calls per minute of this model by operation and error.type (empty = success, cancelled = stopped by the caller). Shows whether failures concentrate on streaming chat, embeddings or the Responses API.',
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
        description: 'Mean USD per priced call of this model, by feature. Together with tokens per call it tells whether cost moves with prompt size or with output size.',
        targets: [{ expr: `${by([FEATURE_LABEL], rate(costSum))} / ${by([FEATURE_LABEL], rate(costCount))}`, legend: `{{${FEATURE_LABEL}}}`, expect: data }],
      },
    ],
  };
}

export function dashboards(s: MixinSettings): DashboardSpec[] {
  return [overviewDashboard(s), costDashboard(s), reliabilityDashboard(s), modelDashboard(s)];
}
