// PromQL building blocks of the panels: every selector carries the dashboard filters its series can
// honour as `=~` matchers, every counter goes through rate()/increase() before it is summed.
import { ERROR_TYPE_CLASSES, ERROR_TYPE_VALUES, GENAI_METER_SCOPE_PREFIX } from '@genai-meter/instrumentation-openai/semconv';
import { L, PROM } from '../promnames.js';
import { LEVELS, sel, type Level, type Matchers } from '../promql.js';
import { FILTER_LABELS, FILTER_VARS, filterMatchers, type FilterVar } from './variables.js';

export const RATE = '$__rate_interval';
export const RANGE = '$__range';

/** Only genai-meter's own instruments: the contrib instrumentation records the same semconv names under its scope. */
const SCOPE: Matchers = { otel_scope_name: `=~${GENAI_METER_SCOPE_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.+` };

/**
 * Series recorded once per (endpoint, operation, model) rather than per call carry no attribution
 * (feature) label: the in-flight and rate-limit gauges and the SDK retry counter.
 */
const PER_SERIES_METRICS: ReadonlySet<string> = new Set([PROM.activeRequests, PROM.rateLimitRemaining, PROM.rateLimitLimit, PROM.retries]);

const varsWithLabels = (labels: readonly string[]): FilterVar[] => FILTER_VARS.filter((v) => labels.includes(FILTER_LABELS[v]));

/** Selector of a raw genai-meter series (its scope only) with the given filter variables and extra matchers. */
export const select = (metric: string, vars: readonly FilterVar[], extra: Matchers = {}): string => sel(metric, { ...SCOPE, ...filterMatchers(vars), ...extra });

/** Selector of a raw genai-meter series with every dashboard filter its labels allow, plus extra matchers. */
export function f(metric: string, extra: Matchers = {}): string {
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  return select(metric, PER_SERIES_METRICS.has(base) ? FILTER_VARS.filter((v) => v !== 'feature') : FILTER_VARS, extra);
}

/** Selector of a recorded series (`level:metric:operation`) with the filters of its level's labels only. */
export function fRec(record: string, extra: Matchers = {}): string {
  const level = record.slice(0, record.indexOf(':')) as Level;
  const labels = LEVELS[level];
  if (!labels) throw new Error(`unknown recording level in ${record}`);
  return sel(record, { ...filterMatchers(varsWithLabels(labels)), ...extra });
}

export const rate = (metric: string, extra: Matchers = {}, window = RATE): string => `rate(${f(metric, extra)}[${window}])`;
export const increase = (metric: string, extra: Matchers = {}, window = RANGE): string => `increase(${f(metric, extra)}[${window}])`;

export const by = (labels: readonly string[], inner: string): string => (labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`);

export type ErrorClass = keyof typeof ERROR_TYPE_CLASSES;
/** `error_type` matcher for one or more classes of ERROR_TYPE_CLASSES. */
export const errorClass = (...classes: ErrorClass[]): Matchers => ({ [L.errorType]: `=~${classes.flatMap((c) => ERROR_TYPE_CLASSES[c]).join('|')}` });

/**
 * `failed / all` of the finished calls, 0 rather than absent when there were calls and none failed.
 * Failed means a provider-path failure (ERROR_TYPE_CLASSES.provider), as the availability SLO counts it.
 */
export function errorRatio(countMetric: string, labels: readonly string[], window = RATE, fn: 'rate' | 'increase' = 'rate', failed: Matchers = errorClass('provider')): string {
  const all = by(labels, `${fn}(${f(countMetric)}[${window}])`);
  const failures = by(labels, `${fn}(${f(countMetric, failed)}[${window}])`);
  return `(${failures} or ${all} * 0) / ${all}`;
}

/** histogram_quantile over bucket rates (raw `_bucket` with rate, or a recorded bucket rate as is). */
export function quantile(q: number, bucketRate: string, extraBy: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${by([...extraBy, L.le], bucketRate)})`;
}

export const ERR = ERROR_TYPE_VALUES;
