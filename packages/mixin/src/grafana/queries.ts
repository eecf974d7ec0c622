// PromQL building blocks of the panels: every selector carries the dashboard filters as `=~` matchers,
// every counter goes through rate()/increase() before it is summed.
import { ERROR_TYPE_VALUES } from '@genai-meter/instrumentation-openai/semconv';
import { L, labelName } from '../promnames.js';
import { sel, type Matchers } from '../promql.js';
import { filterMatchers, type FilterVar } from './variables.js';

/** The attribution attribute @genai-meter/node's withAttributes() sets (per-feature spend). */
export const ATTR_GENAI_METER_FEATURE = 'genai_meter.feature';
export const FEATURE_LABEL = labelName(ATTR_GENAI_METER_FEATURE);

export const RATE = '$__rate_interval';
export const RANGE = '$__range';

/** Every filter: for raw series and recorded series at model level. */
const ALL_FILTERS = filterMatchers();
/** Service-level recorded series have no provider/model labels. */
const SERVICE_FILTERS = filterMatchers(['service', 'environment'] satisfies FilterVar[]);

/** Selector with every dashboard filter plus extra matchers. */
export const f = (metric: string, extra: Matchers = {}): string => sel(metric, { ...ALL_FILTERS, ...extra });
/** Selector with the service and environment filters only (service-level recording rules). */
export const fService = (metric: string, extra: Matchers = {}): string => sel(metric, { ...SERVICE_FILTERS, ...extra });

export const rate = (metric: string, extra: Matchers = {}, window = RATE): string => `rate(${f(metric, extra)}[${window}])`;
export const increase = (metric: string, extra: Matchers = {}, window = RANGE): string => `increase(${f(metric, extra)}[${window}])`;

export const by = (labels: readonly string[], inner: string): string => (labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`);

/** `failed / all`, 0 rather than absent when there were calls and no failures. */
export function errorRatio(countMetric: string, labels: readonly string[], window = RATE, fn: 'rate' | 'increase' = 'rate'): string {
  const all = by(labels, `${fn}(${f(countMetric)}[${window}])`);
  const failed = by(labels, `${fn}(${f(countMetric, { [L.errorType]: '!=' })}[${window}])`);
  return `(${failed} or ${all} * 0) / ${all}`;
}

/** histogram_quantile over bucket rates (raw `_bucket` with rate, or a recorded bucket rate as is). */
export function quantile(q: number, bucketRate: string, extraBy: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${by([...extraBy, L.le], bucketRate)})`;
}

export const ERR = ERROR_TYPE_VALUES;
