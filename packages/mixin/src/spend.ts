// Spend in USD, exact (increments.ts): per evaluation step, rolling windows, today and this month (UTC),
// forecasts to the end of the day and of the month.
//
// "Today" and "this month" are running sums: each evaluation adds its step to the value recorded at the
// previous one, if that value belongs to the same UTC day (month). A companion series records the day
// (month) number each value belongs to, so after a gap (Prometheus down across midnight) the sum
// restarts instead of carrying yesterday's money into today. Days and months are UTC.
import type { MixinSettings } from './config.js';
import { increaseSinceLastEvaluation, sumOfSteps } from './increments.js';
import type { RecordingRule } from './model.js';
import { PROM } from './promnames.js';
import { durationSeconds, levels, leMatcher, sel, sumBy } from './promql.js';
import type { RecordNames } from './recording.js';

// The steps read the counters `ingestionDelay` in the past (increments.ts), so the money of a step
// evaluated at time t was spent up to t - delay: that is the "data time" days and months are taken from.
// A step ending at data time d covers (d - interval, d]: it belongs to the day (month) of d - 1 ms, so
// the step that ends exactly at 00:00 is still yesterday's and "today" is what samples after 00:00 added.
const dataTime = (s: Pick<MixinSettings, 'ingestionDelay'>): string => {
  const delay = durationSeconds(s.ingestionDelay);
  return delay > 0 ? `(time() - ${delay})` : 'time()';
};
/** The UTC day number (days since 1970-01-01) of the step ending now, as a scalar. */
const utcDay = (s: MixinSettings): string => `scalar(ceil(vector(${dataTime(s)}) / 86400) - 1)`;
/** The UTC month number (year * 12 + month) of the step ending now, as a scalar. */
const utcMonth = (s: MixinSettings): string => `scalar(year(vector(${dataTime(s)} - 0.001)) * 12 + month(vector(${dataTime(s)} - 0.001)))`;
/** Seconds left until 24:00 UTC after the last step's data time. */
export const secondsLeftToday = (s: Pick<MixinSettings, 'ingestionDelay'>): string => `(86400 - ${dataTime(s)} % 86400)`;
/** Seconds left until the end of the UTC month after the last step's data time. */
export const secondsLeftThisMonth = (s: Pick<MixinSettings, 'ingestionDelay'>): string => {
  const v = `vector(${dataTime(s)})`;
  return `(scalar((days_in_month(${v}) - day_of_month(${v}) + 1) * 86400) - ${dataTime(s)} % 86400)`;
};

/**
 * `running = step + previous` where previous is the value recorded at the last evaluation if it is of the
 * same period (its companion `period` series holds `periodNow`), else the step alone.
 */
function runningSum(step: string, running: string, period: string, periodNow: string, s: MixinSettings): string {
  const last = (name: string) => `last_over_time(${name}[${s.counterGapTolerance}] offset ${s.evaluationInterval})`;
  const previous = `(${last(running)} and (${last(period)} == ${periodNow}))`;
  return `${step} + ${previous} or ${previous} or ${step}`;
}

export function spendRules(s: MixinSettings, n: RecordNames, group: string): RecordingRule[] {
  const lv = levels(s);
  const pace = (window: string) => `${n.serviceCost[window]!} / ${durationSeconds(window)}`;
  const forecast = (sofar: string, window: string, left: string) => `${sofar} + (${pace(window)} * ${left} or ${sofar} * 0)`;
  const bucketLe = leMatcher(s.expensiveCall.thresholdUSD);
  return [
    {
      group,
      record: n.modelCostStep,
      expr: sumBy(lv.service_model, increaseSinceLastEvaluation(sel(`${PROM.cost}_sum`), s)),
      help: `USD spent in the evaluation step ending ${s.ingestionDelay} ago (samples still landing are waited for) per model, exact: a series' first sample (a new process, a job that exported once) counts in full.`,
    },
    {
      group,
      record: n.serviceCostStep,
      expr: sumBy(lv.service, n.modelCostStep),
      help: 'USD spent since the previous evaluation per service. sum_over_time(...[range]) is the exact spend of a range.',
    },
    {
      group,
      record: n.modelCost1h,
      expr: sumOfSteps(n.modelCostStep, '1h', s),
      help: 'USD spent in the last hour per model.',
    },
    ...Object.keys(n.serviceCost).map(
      (w): RecordingRule => ({
        group,
        record: n.serviceCost[w]!,
        expr: sumOfSteps(n.serviceCostStep, w, s),
        help: `USD spent in the last ${w} per service.`,
      }),
    ),
    {
      group,
      record: n.serviceCostToday,
      expr: runningSum(n.serviceCostStep, n.serviceCostToday, n.serviceCostTodayDay, utcDay(s), s),
      help: `USD spent since 00:00 UTC per service, up to ${s.ingestionDelay} ago.`,
    },
    {
      group,
      record: n.serviceCostTodayDay,
      expr: `${n.serviceCostToday} * 0 + ${utcDay(s)}`,
      help: `The UTC day (days since 1970-01-01) each value of ${n.serviceCostToday} belongs to.`,
    },
    {
      group,
      record: n.serviceCostThisMonth,
      expr: runningSum(n.serviceCostStep, n.serviceCostThisMonth, n.serviceCostThisMonthMonth, utcMonth(s), s),
      help: `USD spent since 00:00 UTC on the 1st of the month per service, up to ${s.ingestionDelay} ago.`,
    },
    {
      group,
      record: n.serviceCostThisMonthMonth,
      expr: `${n.serviceCostThisMonth} * 0 + ${utcMonth(s)}`,
      help: `The UTC month (year * 12 + month) each value of ${n.serviceCostThisMonth} belongs to.`,
    },
    {
      group,
      record: n.serviceCostForecastToday,
      expr: forecast(n.serviceCostToday, s.spend.dailyForecast.long, secondsLeftToday(s)),
      help: `Today's spend at 24:00 UTC if the pace of the last ${s.spend.dailyForecast.long} holds.`,
    },
    {
      group,
      record: n.serviceCostForecastThisMonth,
      expr: forecast(n.serviceCostThisMonth, s.spend.monthlyForecast.long, secondsLeftThisMonth(s)),
      help: `This month's spend at its end (UTC) if the pace of the last ${s.spend.monthlyForecast.long} holds.`,
    },
    {
      group,
      record: n.serviceCostProjectedMonth,
      expr: `${n.serviceCost1d} * ${s.spend.daysPerMonth}`,
      help: `The last 24 hours of spend times ${s.spend.daysPerMonth} days (see ${n.serviceCostForecastThisMonth} for the month-to-date forecast).`,
    },
    {
      group,
      record: n.expensiveCallsStep,
      // Calls above the threshold = all priced calls minus those in buckets up to it.
      expr: `${sumBy(lv.service_model, increaseSinceLastEvaluation(sel(`${PROM.cost}_count`), s))} - ${sumBy(lv.service_model, increaseSinceLastEvaluation(sel(`${PROM.cost}_bucket`, { le: bucketLe }), s))}`,
      help: `Calls since the previous evaluation that cost more than $${s.expensiveCall.thresholdUSD} each, exact.`,
    },
    {
      group,
      record: n.expensiveCalls,
      expr: sumOfSteps(n.expensiveCallsStep, s.expensiveCall.window, s),
      labels: { threshold_usd: String(s.expensiveCall.thresholdUSD) },
      help: `Calls that cost more than $${s.expensiveCall.thresholdUSD} each in the last ${s.expensiveCall.window}.`,
    },
    {
      group,
      record: n.unpricedCallsStep,
      expr: sumBy(lv.service_model, increaseSinceLastEvaluation(sel(PROM.unpricedCalls), s)),
      help: 'Calls since the previous evaluation for models the price catalog does not know, exact.',
    },
    {
      group,
      record: n.unpricedCalls,
      expr: sumOfSteps(n.unpricedCallsStep, s.unpriced.window, s),
      help: `Calls in the last ${s.unpriced.window} for models the price catalog does not know (no cost recorded).`,
    },
  ];
}
