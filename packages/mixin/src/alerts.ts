// Alert definitions: one entry per alert, thresholds from `settings`, expressions over the recording
// rules. Renderer-neutral (see model.ts): Prometheus rule files, Grafana-managed rules and the runbook
// are rendered from this list. Every alert about a service carries service_name and
// deployment_environment_name (its instanceLabels), which is what routing needs: staging never pages.
import { ERROR_TYPE_CLASSES, ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { stackAlerts } from './alerts-stack.js';
import { rateWindow, type BurnRate, type MixinSettings, type Severity } from './config.js';
import type { AlertDefinition, Inhibition } from './model.js';
import { L, PROM } from './promnames.js';
import { durationSeconds, errorClass, levels, NOT_CANCELLED, sel, sumBy } from './promql.js';
import { recordNames } from './recording.js';
import { SLI_LABEL } from './slo.js';
import { secondsLeftThisMonth, secondsLeftToday } from './spend.js';

export const ALERT_GROUP = 'genai-meter.alerts';

/** A ratio as a percentage without float noise: 0.05 -> "5%", 1 - 0.99 -> "1%". */
const pct = (ratio: number): string => `${Number((ratio * 100).toPrecision(6))}%`;
const list = (xs: readonly string[]): string => xs.map((x) => `\`${x}\``).join(', ');

/** `(long > f * budget and short > f * budget and calls in long >= min) or ...` over the pairs of one severity. */
function burnCondition(pairs: readonly BurnRate[], ratio: Record<string, string>, calls: Record<string, string>, budget: number, minCalls: number, extra: Record<string, string> = {}): string {
  const r = (w: string) => sel(ratio[w]!, extra);
  return pairs
    .map((b) => `(${r(b.long)} > ${b.factor} * ${budget} and ${r(b.short)} > ${b.factor} * ${budget} and ${sel(calls[b.long]!, extra)} >= ${minCalls})`)
    .join(' or ');
}

const windowsText = (pairs: readonly BurnRate[]): string => pairs.map((b) => `${b.long}/${b.short} at ${b.factor}x`).join(', ');

export function alertDefinitions(s: MixinSettings): AlertDefinition[] {
  const n = recordNames(s);
  const lv = levels(s);
  const svc = lv.service;
  const model = lv.service_model;
  const rw = rateWindow(s);
  const errors5m = (type: string) => sel(n.errorsIncrease5m, { [L.errorType]: type });
  const errorBudget = Number((1 - s.slo.objective).toPrecision(12));
  const latencyBudget = Number((1 - s.latency.objective).toPrecision(12));
  const group = ALERT_GROUP;

  const availabilityBurn = (severity: Severity, name: string, inhibits: Inhibition[] = []): AlertDefinition | undefined => {
    const pairs = s.slo.burnRates.filter((b) => b.severity === severity);
    if (pairs.length === 0) return undefined;
    return {
      name,
      group,
      severity,
      category: 'errors',
      ...(inhibits.length ? { inhibits } : {}),
      for: s.slo.for[severity] ?? '0m',
      expr: burnCondition(pairs, n.errorRatio, n.sloCalls, errorBudget, s.slo.minCalls),
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is burning its ${pct(s.slo.objective)} availability error budget ${severity === 'page' ? 'fast' : 'steadily'}`,
      description: (t) =>
        `${t.value('percent')} of the calls from ${t.label(L.service)} in ${t.label(L.environment)} failed on the provider path over the long window; at this burn rate (${windowsText(pairs)}) the error budget of ${pct(1 - s.slo.objective)} runs out early.`,
      runbook: {
        meaning: `The share of calls that failed on the provider path (\`error.type\` in ${list(ERROR_TYPE_CLASSES.provider)}) is high in both a long and a short window (${windowsText(pairs)}), the Google SRE workbook's multi-window multi-burn-rate rule for a ${pct(s.slo.objective)} objective, and the long window holds at least ${s.slo.minCalls} calls. Calls the caller cancelled, client mistakes and exhausted quota are not in this SLO (they have their own alerts). ${severity === 'page' ? "At this pace the month's budget is gone in days or hours." : 'The budget is being spent faster than it refills.'}`,
        check: [
          `\`${sel(n.errorsIncrease5m, { [L.service]: '<service>' })}\`: which \`error_type\` dominates (rate_limit, server_error, timeout, connection, ...).`,
          "The provider's status page; whether one provider or one model carries the errors (Reliability dashboard).",
        ],
        act: [
          'Follow the runbook section of the error type that dominates (GenAIRateLimited, GenAIServerErrors, GenAITimeouts).',
          'If the provider is down, fail over to another model/provider or shed load.',
        ],
      },
    };
  };

  const latencyBurn = (severity: Severity, name: string, inhibits: Inhibition[] = []): AlertDefinition | undefined => {
    const pairs = s.latency.burnRates.filter((b) => b.severity === severity);
    if (pairs.length === 0) return undefined;
    const t = s.latency.targets;
    const targetsText = (x: typeof t.duration) =>
      [...x.models.map((m) => `${m.seconds}s for models \`${m.pattern}\``), ...Object.entries(x.operations).map(([op, v]) => `${v}s for ${op}`), `${x.otherwise}s otherwise`].join(', ');
    return {
      name,
      group,
      severity,
      category: 'latency',
      ...(inhibits.length ? { inhibits } : {}),
      for: s.latency.for[severity] ?? '0m',
      expr: burnCondition(pairs, n.latencySlowRatio, n.latencyCalls, latencyBudget, s.latency.minCalls),
      instanceLabels: [...model, SLI_LABEL],
      summary: (r) => `${r.label(L.requestModel)} in ${r.label(L.service)} is slow (${r.label(SLI_LABEL)}) ${severity === 'page' ? 'for most calls' : 'too often'}`,
      description: (r) =>
        `${r.value('percent')} of the successful calls from ${r.label(L.service)} in ${r.label(L.environment)} to ${r.label(L.requestModel)} (${r.label(L.provider)}) exceeded their ${r.label(SLI_LABEL)} target over the long window (${windowsText(pairs)}; objective ${pct(s.latency.objective)} within target).`,
      runbook: {
        meaning: `Latency is judged per call against a target that fits LLM traffic, as a burn rate on the share of calls over it (${windowsText(pairs)} of a ${pct(latencyBudget)} budget, with at least ${s.latency.minCalls} calls in the long window). \`sli="time_to_first_chunk"\`: streams whose first chunk came later than ${targetsText(t.timeToFirstChunk)} (what a user waits for; long answers do not matter). \`sli="duration"\`: calls that took longer than ${targetsText(t.duration)} in all. Healthy long answers (a 500-token stream in 10-20 s, a reasoning model in 20-60 s) stay within these; a provider that queues or slows down pushes calls over them.`,
        check: [
          `\`${n.ttfcQuantile}\` and \`${n.durationQuantile}\` for the model (Model drill-down dashboard): a shift of the whole distribution (provider) or a tail?`,
          `\`${n.tokenRate}\` per call: did prompts (time to first chunk grows with input tokens) or outputs (duration) grow?`,
          "The provider's status page and the same SLI for other models of the provider.",
        ],
        act: [
          'If the provider is slow for everyone, fail over to another region/provider or a faster model.',
          'If prompts grew, trim them or use prompt caching; if answers grew, cap max_tokens. If the targets do not fit this model, set one for it in latency.targets (packages/mixin/src/config.ts).',
        ],
      },
    };
  };

  const budgetRef = (kind: 'hourly' | 'daily' | 'monthly') => `\`${n.budget[kind]}\` (packages/mixin/budgets.yaml)`;
  const forecastToday = (window: string) => `${n.serviceCostToday} + ${n.serviceCost[window]!} / ${durationSeconds(window)} * ${secondsLeftToday(s)}`;
  const forecastMonth = (window: string) => `${n.serviceCostThisMonth} + ${n.serviceCost[window]!} / ${durationSeconds(window)} * ${secondsLeftThisMonth(s)}`;
  const df = s.spend.dailyForecast;
  const mf = s.spend.monthlyForecast;
  const spendChecks = [`\`${n.modelCost1h}\`: which model.`, `\`${n.tokenRate}\`: input or output tokens?`, `\`${n.modelRequestsRate}\`: more calls, or the same calls with more tokens?`];

  const alerts: (AlertDefinition | undefined)[] = [
    {
      name: 'GenAIRateLimited',
      group,
      severity: s.rateLimit.severity,
      category: 'rate_limit',
      for: s.rateLimit.for,
      expr: `${errors5m(ERROR_TYPE_VALUES.RATE_LIMIT)} > ${s.rateLimit.maxIn5m}`,
      threshold: { query: errors5m(ERROR_TYPE_VALUES.RATE_LIMIT), op: '>', value: s.rateLimit.maxIn5m },
      instanceLabels: lv.service_provider_error_type,
      summary: (t) => `${t.label(L.service)} is rate limited by ${t.label(L.provider)}`,
      description: (t) =>
        `${t.value('count')} calls from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.provider)} ended in HTTP 429 in the last 5 minutes (after the SDK's retries); threshold ${s.rateLimit.maxIn5m}.`,
      runbook: {
        meaning: 'The provider refused calls with HTTP 429 (requests-per-minute or tokens-per-minute limit) even after the openai SDK retried them. Users saw errors. A 429 saying `insufficient_quota` is not this: it is GenAIQuotaExhausted.',
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
      group,
      severity: s.rateLimit.shareSeverity,
      category: 'rate_limit',
      for: s.rateLimit.shareFor,
      expr: `${n.rateLimitedRatio} > ${s.rateLimit.maxShare} and ${n.sloCalls[rw]!} >= ${s.rateLimit.minCalls}`,
      instanceLabels: svc,
      summary: (t) => `A large share of ${t.label(L.service)}'s calls are rate limited`,
      description: (t) => `${t.value('percent')} of the calls from ${t.label(L.service)} in ${t.label(L.environment)} ended in HTTP 429 over ${rw} (threshold ${pct(s.rateLimit.maxShare)}).`,
      runbook: {
        meaning: `Rate limiting affects a large share of the calls (of at least ${s.rateLimit.minCalls} in ${rw}), not only a burst: the service runs at or above its quota.`,
        check: [`\`${n.rateLimitUsed}\`: how close to the limit the service runs all the time.`, `\`${n.modelRequestsRate}\`: which model carries the traffic.`],
        act: ['Ask the provider for a higher tier or spread the traffic over more deployments/keys the provider allows.', 'Lower concurrency so the SDK retries less.'],
      },
    },
    {
      name: 'GenAIServerErrors',
      group,
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
      expr: `${errors5m(ERROR_TYPE_VALUES.SERVER_ERROR)} / 5 > ${s.serverErrors.maxPerMinute}`,
      threshold: { query: `${errors5m(ERROR_TYPE_VALUES.SERVER_ERROR)} / 5`, op: '>', value: s.serverErrors.maxPerMinute },
      instanceLabels: lv.service_provider_error_type,
      summary: (t) => `${t.label(L.provider)} returns server errors to ${t.label(L.service)}`,
      description: (t) =>
        `${t.value('perMinute')} calls per minute from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.provider)} failed with HTTP 5xx over the last 5 minutes (threshold ${s.serverErrors.maxPerMinute}/min).`,
      runbook: {
        meaning: 'The provider answers with HTTP 5xx (500, 502, 503, 529 overloaded) after the SDK retried, more than the threshold per minute over 5 minutes (a quiet job with two failures does not reach it). This is usually a provider incident.',
        check: [
          "The provider's status page.",
          `\`${sel(`${PROM.duration}_count`, { [L.errorType]: ERROR_TYPE_VALUES.SERVER_ERROR })}\` by \`${L.requestModel}\` and \`${L.httpStatus}\`: one model or all?`,
        ],
        act: ['Fail over to another provider or region if you have one.', 'Reduce non-essential traffic; the SDK retries add load.', 'Open a ticket with the provider with the x-request-id of failed calls from the logs.'],
      },
    },
    {
      name: 'GenAITimeouts',
      group,
      severity: s.timeouts.severity,
      category: 'errors',
      for: s.timeouts.for,
      expr: `${errors5m(ERROR_TYPE_VALUES.TIMEOUT)} > ${s.timeouts.maxIn5m}`,
      threshold: { query: errors5m(ERROR_TYPE_VALUES.TIMEOUT), op: '>', value: s.timeouts.maxIn5m },
      instanceLabels: lv.service_provider_error_type,
      summary: (t) => `Calls from ${t.label(L.service)} to ${t.label(L.provider)} time out`,
      description: (t) => `${t.value('count')} calls from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.provider)} timed out in the last 5 minutes (threshold ${s.timeouts.maxIn5m}).`,
      runbook: {
        meaning: "The openai SDK's request timeout fired (or the provider answered 408). Long generations or a slow provider exceed the client's timeout.",
        check: [`\`${n.durationQuantile}\`: is P99 close to the client timeout?`, 'Whether the timeouts are on streaming or non-streaming calls, and on which model.'],
        act: ['Use streaming for long generations, cap max_tokens, or raise the client timeout if users can wait.', 'If the provider is slow for everyone, fail over.'],
      },
    },
    {
      name: 'GenAIErrorRatioHigh',
      group,
      severity: s.errorRatio.severity,
      category: 'errors',
      for: s.errorRatio.for,
      expr: `${n.errorRatio[rw]!} > ${s.errorRatio.max} and ${n.sloCalls[rw]!} >= ${s.errorRatio.minCalls}`,
      instanceLabels: svc,
      summary: (t) => `More than ${pct(s.errorRatio.max)} of ${t.label(L.service)}'s calls fail on the provider path`,
      description: (t) => `${t.value('percent')} of the calls from ${t.label(L.service)} in ${t.label(L.environment)} failed on the provider path over ${rw} (threshold ${pct(s.errorRatio.max)}).`,
      runbook: {
        meaning: `A high share of calls (of at least ${s.errorRatio.minCalls} in ${rw}) failed on the provider path: \`error.type\` in ${list(ERROR_TYPE_CLASSES.provider)}. Cancellations, client mistakes and quota are not counted.`,
        check: [`\`${n.errorsIncrease5m}\` for the service: which error type.`],
        act: ['Follow the section of the dominating error type (GenAIRateLimited, GenAIServerErrors, GenAITimeouts); connection errors point at the network path (proxy, DNS, egress).'],
      },
    },
    availabilityBurn('page', 'GenAIErrorBudgetBurnFast', [
      {
        alert: 'GenAIErrorBudgetBurnSlow',
        reason: 'the same SLO and the same failed calls, over longer windows: the fast burn already pages about them, and the slow burn is still reported if it outlasts the fast one.',
      },
      {
        alert: 'GenAIErrorRatioHigh',
        reason: `the same share of failed calls; its ${rw} window is the short window of the fast burn, which already pages about it.`,
      },
    ]),
    availabilityBurn('ticket', 'GenAIErrorBudgetBurnSlow'),
    {
      name: 'GenAIQuotaExhausted',
      group,
      severity: s.quota.severity,
      category: 'billing',
      for: s.quota.for,
      expr: `${sel(n.calls[s.quota.window]!, errorClass(['billing']))} > 0`,
      threshold: { query: sel(n.calls[s.quota.window]!, errorClass(['billing'])), op: '>', value: 0 },
      instanceLabels: lv.service_provider_error_type,
      summary: (t) => `${t.label(L.provider)} refuses ${t.label(L.service)}'s calls: quota or balance exhausted`,
      description: (t) =>
        `${t.value('count')} calls from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.provider)} were refused for quota or billing (${t.label(L.errorType)}) in the last ${s.quota.window}.`,
      runbook: {
        meaning: `The provider refuses calls because the account's quota or prepaid balance is exhausted (\`error.type\` ${list(ERROR_TYPE_CLASSES.billing)}: OpenAI's \`insufficient_quota\` sent as HTTP 429, HTTP 402 from DeepSeek and relays). Retrying does not help and nothing recovers by itself, so it pages on the first failures. It is kept out of the availability SLO: the provider is up, the account is not.`,
        check: ["The provider console's billing and usage limits (monthly budget cap, prepaid credit, organisation quota).", `\`${n.serviceCostThisMonth}\`: did spend run ahead of the budget?`],
        act: ['Top up the balance or raise the usage limit in the provider console.', 'Fail over to another key, organisation or provider if one is configured.'],
      },
    },
    {
      name: 'GenAIClientErrorsHigh',
      group,
      severity: s.clientErrors.severity,
      category: 'errors',
      for: s.clientErrors.for,
      expr: `${n.clientErrorRatio} > ${s.clientErrors.max} and ${sumBy(svc, sel(n.calls[s.clientErrors.window]!, NOT_CANCELLED))} >= ${s.clientErrors.minCalls}`,
      instanceLabels: svc,
      summary: (t) => `The provider rejects many of ${t.label(L.service)}'s calls as invalid`,
      description: (t) =>
        `${t.value('percent')} of the calls from ${t.label(L.service)} in ${t.label(L.environment)} over ${s.clientErrors.window} were rejected as the caller's mistake (auth, bad request, incomplete answer; threshold ${pct(s.clientErrors.max)}).`,
      runbook: {
        meaning: `The provider works, but rejects calls for what the caller sent (\`error.type\` ${list(ERROR_TYPE_CLASSES.client)}): a revoked or rotated API key (auth), a bad deploy (bad_request: unknown model, invalid parameters, context too long), or answers cut by max_output_tokens or a content filter (incomplete). Not an outage, and not in the availability SLO.`,
        check: [`\`${n.errorsIncrease5m}\` for the service: which of ${list(ERROR_TYPE_CLASSES.client)}, and \`${L.httpStatus}\` on the raw \`${PROM.duration}_count\`.`, 'The last deploy and the API key rotation log.'],
        act: ['auth: restore or rotate the key in the service secret. bad_request: roll back or fix the request. incomplete: raise max_output_tokens or review the filter.'],
      },
    },
    latencyBurn('page', 'GenAILatencyBudgetBurnFast', [
      {
        alert: 'GenAILatencyBudgetBurnSlow',
        reason: 'the same latency SLI of the same model over longer windows: the fast burn already pages about it.',
      },
    ]),
    latencyBurn('ticket', 'GenAILatencyBudgetBurnSlow'),
    {
      name: 'GenAIHourlySpendHigh',
      group,
      severity: s.spend.hourlySeverity,
      category: 'spend',
      inhibits: [
        { alert: 'GenAIProjectedDailySpendOverBudget', reason: "the forecast is the same money going out at the same pace: the page already has someone on it." },
        { alert: 'GenAIDailySpendOverBudget', reason: 'the same money: while a runaway spend pages, someone is already on it. The budget ticket comes back if the spend is still over once the page resolves.' },
      ],
      for: s.spend.hourlyFor,
      expr: `${n.serviceCost1h} > ${n.budget.hourly}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} spends more than its hourly budget`,
      description: (t) => `${t.label(L.service)} in ${t.label(L.environment)} spent ${t.value('usd')} in the last 60 minutes, more than its hourly budget (default $${s.spend.hourlyMaxUSD}).`,
      runbook: {
        meaning: `Money is going out fast: the last 60 minutes cost more than the hourly budget of the service (${budgetRef('hourly')}). A runaway loop, abuse, or a new feature with an expensive model. Exact: a short-lived job or a new pod is counted from its first export.`,
        check: spendChecks,
        act: ['Stop the loop or the job; block the abusing tenant; set a hard usage limit in the provider console.'],
      },
    },
    {
      name: 'GenAIProjectedDailySpendOverBudget',
      group,
      severity: df.severity,
      category: 'spend',
      for: df.for,
      expr: `${n.serviceCostForecastToday} > ${n.budget.daily} and (${forecastToday(df.short)}) > ${n.budget.daily} and ${n.serviceCostToday} <= ${n.budget.daily}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is on course to exceed its daily budget`,
      description: (t) =>
        `At the pace of the last ${df.long} (and of the last ${df.short}), ${t.label(L.service)} in ${t.label(L.environment)} ends the UTC day at ${t.value('usd')}, over its daily budget (default $${s.spend.dailyBudgetUSD}).`,
      runbook: {
        meaning: `Spend since 00:00 UTC plus the pace of the last ${df.long} until 24:00 UTC exceeds the daily budget (${budgetRef('daily')}), and so does the pace of the last ${df.short}: hours before the budget is gone. No history is needed, so a brand-new service stuck in a loop is caught the same day.`,
        check: [`\`${n.serviceCostForecastToday}\` and \`${n.serviceCostToday}\` for the service.`, ...spendChecks],
        act: ['Stop a loop or job that should not run; otherwise raise the budget in packages/mixin/budgets.yaml (and `npm run generate`) before it is crossed.'],
      },
    },
    {
      name: 'GenAIDailySpendOverBudget',
      group,
      severity: s.spend.dailySeverity,
      category: 'spend',
      for: s.spend.dailyFor,
      expr: `${n.serviceCostToday} > ${n.budget.daily}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is over its daily budget`,
      description: (t) => `${t.label(L.service)} in ${t.label(L.environment)} spent ${t.value('usd')} since 00:00 UTC, over its daily budget (default $${s.spend.dailyBudgetUSD}).`,
      runbook: {
        meaning: `Spend since 00:00 UTC (the day boundary is UTC) is over the daily budget of the service (${budgetRef('daily')}).`,
        check: [`\`${n.serviceCostToday}\`; \`${n.modelCost1h}\` over the day: which model and when it started.`],
        act: ['Decide whether the spend is expected (launch, batch job) and raise the budget in packages/mixin/budgets.yaml, or stop the source.'],
      },
    },
    {
      name: 'GenAIProjectedMonthlySpendOverBudget',
      group,
      severity: mf.severity,
      category: 'spend',
      for: mf.for,
      expr: `${n.serviceCostForecastThisMonth} > ${n.budget.monthly} and (${forecastMonth(mf.short)}) > ${n.budget.monthly} and ${n.serviceCostThisMonth} <= ${n.budget.monthly}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is on course to exceed its monthly budget`,
      description: (t) =>
        `At the pace of the last ${mf.long} (and of the last ${mf.short}), ${t.label(L.service)} in ${t.label(L.environment)} ends the month at ${t.value('usd')}, over its monthly budget (default $${s.spend.monthlyBudgetUSD}).`,
      runbook: {
        meaning: `Month-to-date spend (since 00:00 UTC on the 1st) plus the pace of the last ${mf.long} until the month ends exceeds the monthly budget (${budgetRef('monthly')}), and so does the pace of the last ${mf.short}: not an emergency, but the bill will be over budget if nothing changes.`,
        check: [`\`${n.serviceCostForecastThisMonth}\` and \`${n.serviceCostThisMonth}\` per service, \`${n.modelCost1h}\` per model.`],
        act: ['Move traffic to cheaper models, enable prompt caching, trim prompts, or adjust the budget in packages/mixin/budgets.yaml.'],
      },
    },
    {
      name: 'GenAIMonthlySpendOverBudget',
      group,
      severity: s.spend.monthlySeverity,
      category: 'spend',
      for: s.spend.monthlyFor,
      expr: `${n.serviceCostThisMonth} > ${n.budget.monthly}`,
      instanceLabels: svc,
      summary: (t) => `${t.label(L.service)} is over its monthly budget`,
      description: (t) => `${t.label(L.service)} in ${t.label(L.environment)} spent ${t.value('usd')} this month (UTC), over its monthly budget (default $${s.spend.monthlyBudgetUSD}).`,
      runbook: {
        meaning: `Month-to-date spend (since 00:00 UTC on the 1st) is over the monthly budget of the service (${budgetRef('monthly')}).`,
        check: [`\`${n.serviceCostThisMonth}\` per service; \`${n.modelCost1h}\` per model.`],
        act: ['Cut or move traffic, or raise the budget in packages/mixin/budgets.yaml if the spend is intended.'],
      },
    },
    tokenSpike(s),
    {
      name: 'GenAIExpensiveCalls',
      group,
      severity: s.expensiveCall.severity,
      category: 'spend',
      for: s.expensiveCall.for,
      expr: `${n.expensiveCalls} > 0`,
      threshold: { query: n.expensiveCalls, op: '>', value: 0 },
      instanceLabels: model,
      summary: (t) => `${t.label(L.service)} made calls to ${t.label(L.requestModel)} costing over $${s.expensiveCall.thresholdUSD} each`,
      description: (t) =>
        `${t.value('count')} calls from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.requestModel)} (${t.label(L.provider)}) cost more than $${s.expensiveCall.thresholdUSD} each in the last ${s.expensiveCall.window}.`,
      runbook: {
        meaning: `Single calls cost more than $${s.expensiveCall.thresholdUSD}: very long prompts (whole documents, unbounded chat history), huge outputs, or an expensive model used where a cheap one was meant. Counted exactly from the cost histogram's ${s.expensiveCall.thresholdUSD} bucket, the first call of a new model included.`,
        check: [`\`${PROM.cost}_bucket\` for that model: how far above the threshold.`, `Input tokens per call of the model (\`${PROM.tokenUsage}_bucket\`).`],
        act: ['Trim context (summarise history, retrieve fewer documents), cap max_tokens, or route to a cheaper model.'],
      },
    },
    {
      name: 'GenAIUnpricedCalls',
      group,
      severity: s.unpriced.severity,
      category: 'spend',
      for: s.unpriced.for,
      expr: `${n.unpricedCalls} > 0`,
      threshold: { query: n.unpricedCalls, op: '>', value: 0 },
      instanceLabels: model,
      summary: (t) => `Calls to ${t.label(L.requestModel)} have no price: spend is under-reported`,
      description: (t) =>
        `${t.value('count')} calls from ${t.label(L.service)} in ${t.label(L.environment)} to ${t.label(L.requestModel)} (${t.label(L.provider)}) in the last ${s.unpriced.window} used a model the price catalog does not know; their cost is not counted.`,
      runbook: {
        meaning: 'The price catalog has no entry for the model the provider reported, so these calls are recorded with tokens but without cost (never guessed as zero or as the cheapest model). Spend dashboards and budget alerts under-report.',
        check: [`\`${PROM.unpricedCalls}\` with its \`${L.responseModel}\` label: the exact model name the provider returned (often a dated snapshot or a relay's alias).`],
        act: ['Add the model (or an alias) to the @genai-meter/pricing catalog, or set a price override for it, and redeploy.'],
      },
    },
    {
      name: 'GenAITelemetryAbsent',
      group,
      severity: s.telemetryAbsent.severity,
      category: 'telemetry',
      for: s.telemetryAbsent.for,
      // Evaluations in which the service was present within the lookback: at least minPresence of them.
      expr: `count_over_time(${n.telemetryUp}[${s.telemetryAbsent.lookback}]) >= ${durationSeconds(s.telemetryAbsent.minPresence) / durationSeconds(s.evaluationInterval)} unless ${n.telemetryUp}`,
      instanceLabels: svc,
      summary: (t) => `No GenAI metrics from ${t.label(L.service)}`,
      description: (t) =>
        `${t.label(L.service)} in ${t.label(L.environment)} reported GenAI call metrics within the last ${s.telemetryAbsent.lookback} and reports none now: the app, its exporter, the collector or the scrape is down. Spend and error alerts are blind for it.`,
      runbook: {
        meaning: `Prometheus had call metrics for the service for at least ${s.telemetryAbsent.minPresence} within the last ${s.telemetryAbsent.lookback} and has none now. Either the service stopped (expected?) or the telemetry path broke. A short-lived job (present for less than ${s.telemetryAbsent.minPresence}: a batch run, a CI job) is expected to go away and is not reported. After ${s.telemetryAbsent.lookback} of silence the alert resolves by itself.`,
        check: [
          '`up{job="otel-collector"}` and `up` of the app\'s direct scrape job; Prometheus Status > Targets for "connection refused" / "context deadline exceeded"; GenAIMeterCollectorDown.',
          "The collector's health_check endpoint and its logs (exporter errors, memory_limiter refusing data).",
          'The app: is it running, is `OTEL_METRICS_EXPORTER` set, does its /metrics (port 9464) answer?',
        ],
        act: ['Restart the broken component; fix the scrape target (hostnames of the compose network, not host.docker.internal).', 'If the service was retired on purpose, silence the alert until it resolves.'],
      },
    },
    ...stackAlerts(s),
  ];
  return alerts.filter((a): a is AlertDefinition => a !== undefined);
}

/** Token use far above the service's own history: a week ago, a day ago, or, for a service only hours old, the hours before. */
function tokenSpike(s: MixinSettings): AlertDefinition {
  const n = recordNames(s);
  const svc = levels(s).service;
  const ts = s.tokenSpike;
  const tokens = sel(`${PROM.tokenUsage}_sum`);
  const baselines = [...ts.baselineOffsets.map((o) => sumBy(svc, `rate(${tokens}[1h] offset ${o})`)), sumBy(svc, `rate(${tokens}[${ts.recentBaseline}] offset 1h)`)];
  const history = `${ts.baselineOffsets.map((o) => `the same hour ${o} ago`).join(', or ')}, or, for a young service, the ${ts.recentBaseline} before the last hour`;
  return {
    name: 'GenAITokenRateAbnormal',
    group: ALERT_GROUP,
    severity: ts.severity,
    category: 'tokens',
    for: ts.for,
    expr: `${n.serviceTokenRate1h} > ${ts.factor} * (${baselines.join(' or ')}) and ${n.serviceTokenRate1h} > ${ts.minTokensPerSecond}`,
    instanceLabels: svc,
    summary: (t) => `${t.label(L.service)} uses tokens at an abnormal rate`,
    description: (t) => `${t.label(L.service)} in ${t.label(L.environment)} used ${t.value('tokensPerSecond')} tokens/s over the last hour, more than ${ts.factor}x its baseline (${history}).`,
    runbook: {
      meaning: `The token rate of the last hour is more than ${ts.factor}x the first baseline that exists (${history}) and above ${ts.minTokensPerSecond} tokens/s. Typical causes: a test script or agent stuck in a loop, abuse of a public endpoint, a prompt that grew. A service with no history at all cannot be compared with anything: GenAIProjectedDailySpendOverBudget and GenAIHourlySpendHigh catch a runaway from its first hours.`,
      check: [`\`${n.tokenRate}\`: input or output, which model.`, `\`${n.modelRequestsRate}\`: more calls or bigger calls?`, 'Application logs for repeated identical requests.'],
      act: ['Stop the loop/job; rate-limit the tenant; set max_tokens.', 'If the growth is real (launch), acknowledge; the baseline catches up.'],
    },
  };
}

/** Seconds of an alert's `for`, for tests and renderers that need a number. */
export const forSeconds = (a: AlertDefinition): number => durationSeconds(a.for);
