// PromQL building blocks of the panels: every selector carries the dashboard filters its series can
// honour as `=~` matchers (and, through `sel`, genai-meter's scope on raw series), every counter goes
// through rate()/increase() before it is summed, and exact totals sum the recorded per-step increments.
import { ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { L, PROM } from '../promnames.js';
import { errorClass, LEVELS, sel, type ErrorClass, type Level, type Matchers } from '../promql.js';
import { FILTER_LABELS, FILTER_VARS, filterMatchers, type FilterVar } from './variables.js';

export const RATE = '$__rate_interval';
export const RANGE = '$__range';

/**
 * Series recorded once per (endpoint, operation, model) rather than per call carry no attribution
 * (feature) label: the in-flight and rate-limit gauges and the SDK retry counter.
 */
const PER_SERIES_METRICS: ReadonlySet<string> = new Set([PROM.activeRequests, PROM.rateLimitRemaining, PROM.rateLimitLimit, PROM.retries]);

const varsWithLabels = (labels: readonly string[]): FilterVar[] => FILTER_VARS.filter((v) => labels.includes(FILTER_LABELS[v]));

/** Selector of a raw genai-meter series (`sel` adds its scope) with the given filter variables and extra matchers. */
export const select = (metric: string, vars: readonly FilterVar[], extra: Matchers = {}): string => sel(metric, { ...filterMatchers(vars), ...extra });

/** Selector of a raw genai-meter series with every dashboard filter its labels allow, plus extra matchers. */
export function f(metric: string, extra: Matchers = {}): string {
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  return select(metric, PER_SERIES_METRICS.has(base) ? FILTER_VARS.filter((v) => v !== 'feature') : FILTER_VARS, extra);
}

/** Selector of a recorded series (`level:metric:operation`) with the filters of its level's labels only. */
export function fRec(record: string, extra: Matchers = {}): string {
  const level = record.slice(0, record.indexOf(':')) as Level;
  const labels = LEVELS[level] as readonly string[] | undefined;
  if (!labels) throw new Error(`unknown recording level in ${record}`);
  return sel(record, { ...filterMatchers(varsWithLabels(labels)), ...extra });
}

export const rate = (metric: string, extra: Matchers = {}, window = RATE): string => `rate(${f(metric, extra)}[${window}])`;
export const increase = (metric: string, extra: Matchers = {}, window = RANGE): string => `increase(${f(metric, extra)}[${window}])`;
/** The exact total over the dashboard range of a recorded per-step increment (it counts a series' first sample). */
export const total = (stepRecord: string, extra: Matchers = {}): string => `sum_over_time(${fRec(stepRecord, extra)}[${RANGE}])`;

export const by = (labels: readonly string[], inner: string): string => (labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`);

/** `error_type` matcher of the given classes of ERROR_TYPE_CLASSES. */
export const errors = (...classes: ErrorClass[]): Matchers => errorClass(classes);
/** The calls the availability SLO counts: successes and provider-path failures (not cancellations, client errors, quota). */
export const SLO_CALLS = errorClass(['provider'], true);

/**
 * The availability error ratio, as the SLO computes it: provider-path failures over successes plus
 * provider-path failures; 0 rather than absent when there were calls and none failed.
 */
export function errorRatio(countMetric: string, labels: readonly string[], window = RATE): string {
  const all = by(labels, `rate(${f(countMetric, SLO_CALLS)}[${window}])`);
  const failures = by(labels, `rate(${f(countMetric, errors('provider'))}[${window}])`);
  return `(${failures} or ${all} * 0) / ${all}`;
}

/** histogram_quantile over bucket rates (raw `_bucket` with rate, or a recorded bucket rate as is). */
export function quantile(q: number, bucketRate: string, extraBy: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${by([...extraBy, L.le], bucketRate)})`;
}

export const ERR = ERROR_TYPE_VALUES;
