// PromQL building blocks shared by the rules, alerts and dashboards: selectors (which always restrict
// raw genai-meter metrics to genai-meter's own instrumentation scopes), aggregation levels, error classes.
import { ERROR_TYPE_CLASSES, ERROR_TYPE_VALUES, GENAI_METER_SCOPE_PREFIX, METRICS, type MetricDefinition } from '@genai-meter/instrumentation-openai/semconv';
import type { MixinSettings } from './config.js';
import { L, PROM, seriesNames } from './promnames.js';

export { durationSeconds, formatDuration } from './durations.js';

/** Label -> value; `!=`, `=~`, `!~` prefixes keep their operator; a list puts several matchers on one label. */
export type Matchers = Readonly<Record<string, string | readonly string[]>>;

/** The OTel scope label both paths put on every series (exporter-prometheus and the collector's exporters). */
export const SCOPE_LABEL = 'otel_scope_name';

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * genai-meter's own instrumentation scopes. Another instrumentation in the same process (the contrib
 * @opentelemetry/instrumentation-openai, OpenLIT) records the same semconv names under its own scope;
 * selecting ours means a call is never counted twice.
 */
export const GENAI_METER_SCOPE: Matchers = { [SCOPE_LABEL]: `=~${escapeRegex(GENAI_METER_SCOPE_PREFIX)}.+` };

/** Every raw series name genai-meter emits (canonical names, histograms expanded). */
const RAW_SERIES: ReadonlySet<string> = new Set(
  (Object.entries(METRICS) as [keyof typeof PROM, MetricDefinition][]).flatMap(([key, def]) => seriesNames(PROM[key], def)),
);

/**
 * `name{a="x", b!=""}`: values starting with `!=`, `=~`, `!~` keep their operator. A raw genai-meter
 * metric also gets the scope matcher (recorded series have no scope label and get none).
 */
export function sel(name: string, matchers: Matchers = {}): string {
  const all = RAW_SERIES.has(name) && !(SCOPE_LABEL in matchers) ? { ...matchers, ...GENAI_METER_SCOPE } : matchers;
  const parts = Object.entries(all).flatMap(([k, values]) =>
    (typeof values === 'string' ? [values] : values).map((v) => {
      const m = /^(!=|=~|!~)(.*)$/s.exec(v);
      return m ? `${k}${m[1]}${JSON.stringify(m[2])}` : `${k}=${JSON.stringify(v)}`;
    }),
  );
  return parts.length ? `${name}{${parts.join(', ')}}` : name;
}

export const sumBy = (labels: readonly string[], inner: string): string =>
  labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;

/**
 * Aggregation levels of the recording rules, named for the `level:` part of a record name. Every level
 * keeps `deployment_environment_name` next to `service_name` (a service runs in several environments,
 * and routing needs it: staging never pages) and the configured extra grouping labels (e.g. `cluster`).
 * When a label is absent (a direct scrape without it) `sum by` simply leaves it out.
 */
export function levels(s: Pick<MixinSettings, 'extraGroupingLabels'>) {
  const service = [L.service, L.environment, ...s.extraGroupingLabels];
  return {
    service,
    service_model: [...service, L.provider, L.requestModel],
    service_provider_error_type: [...service, L.provider, L.errorType],
    service_model_error_type: [...service, L.provider, L.requestModel, L.errorType],
    service_model_token_type: [...service, L.provider, L.requestModel, L.tokenType],
    service_model_token_detail: [...service, L.provider, L.requestModel, L.tokenDetail],
    service_model_rate_limit_type: [...service, L.provider, L.requestModel, L.rateLimitType],
  } as const;
}

export type Levels = ReturnType<typeof levels>;
/** The levels without extra grouping labels: which labels a recorded series of each level has at least. */
export const LEVELS: Levels = levels({ extraGroupingLabels: [] });
export type Level = keyof Levels;

/** Series of the duration histogram: every finished call has exactly one `_count` increment. */
export const DURATION = {
  bucket: `${PROM.duration}_bucket`,
  count: `${PROM.duration}_count`,
  sum: `${PROM.duration}_sum`,
} as const;

/** Calls that failed carry a non-empty `error_type`. */
export const FAILED: Matchers = { [L.errorType]: '!=' };
/** Calls that succeeded carry none. */
export const SUCCEEDED: Matchers = { [L.errorType]: '' };

export type ErrorClass = keyof typeof ERROR_TYPE_CLASSES;

/** `error_type` matcher of one or more classes of ERROR_TYPE_CLASSES; `withSuccess` also matches calls without error. */
export function errorClass(classes: readonly ErrorClass[], withSuccess = false): Matchers {
  const values = classes.flatMap((c) => ERROR_TYPE_CLASSES[c] as readonly string[]).map(escapeRegex);
  return { [L.errorType]: `=~${[...(withSuccess ? [''] : []), ...values].join('|')}` };
}

/** Every call the caller did not cancel. */
export const NOT_CANCELLED: Matchers = { [L.errorType]: `!=${ERROR_TYPE_VALUES.CANCELLED}` };

/** Recording-rule names for a metric that is a rate of a counter: Prometheus convention drops `_total`. */
export function withoutTotal(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/**
 * Matcher value for a bucket bound: Prometheus 3 normalises `le="1"` to `le="1.0"` on ingestion,
 * 2.x keeps what the exporter wrote, so whole numbers match both spellings.
 */
export function leMatcher(bound: number): string {
  return Number.isInteger(bound) ? `=~${bound}|${bound}.0` : String(bound);
}
