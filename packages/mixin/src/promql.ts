// Tiny PromQL string helpers: enough to keep rule expressions readable and the label lists typed.
import { L, PROM } from './promnames.js';

export type Matchers = Readonly<Record<string, string>>;

/** `name{a="x", b!=""}`: values starting with `!=`, `=~`, `!~` keep their operator. */
export function sel(name: string, matchers: Matchers = {}): string {
  const parts = Object.entries(matchers).map(([k, v]) => {
    const m = /^(!=|=~|!~)(.*)$/s.exec(v);
    return m ? `${k}${m[1]}${JSON.stringify(m[2])}` : `${k}=${JSON.stringify(v)}`;
  });
  return parts.length ? `${name}{${parts.join(', ')}}` : name;
}

export const sumBy = (labels: readonly string[], inner: string): string =>
  labels.length ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;

/** Aggregation levels of the recording rules, named for the `level:` part of a record name. */
// Every level keeps `deployment_environment_name` next to `service_name`: a service runs in several
// environments, and the dashboards' environment filter must work on recorded series too. When the
// label is absent (a direct scrape without it) `sum by` simply leaves it out.
export const LEVELS = {
  service: [L.service, L.environment],
  service_model: [L.service, L.environment, L.provider, L.requestModel],
  service_provider_error_type: [L.service, L.environment, L.provider, L.errorType],
  service_model_token_type: [L.service, L.environment, L.provider, L.requestModel, L.tokenType],
  service_model_token_detail: [L.service, L.environment, L.provider, L.requestModel, L.tokenDetail],
  service_model_rate_limit_type: [L.service, L.environment, L.provider, L.requestModel, L.rateLimitType],
} as const satisfies Record<string, readonly string[]>;

export type Level = keyof typeof LEVELS;

/** Series of the duration histogram: every finished call has exactly one `_count` increment. */
export const DURATION = {
  bucket: `${PROM.duration}_bucket`,
  count: `${PROM.duration}_count`,
  sum: `${PROM.duration}_sum`,
} as const;

/** Calls that failed carry a non-empty `error_type`. */
export const FAILED: Matchers = { [L.errorType]: '!=' };

/** Recording-rule names for a metric that is a rate of a counter: Prometheus convention drops `_total`. */
export function withoutTotal(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}

/** Seconds in a Prometheus duration such as `5m`, `1h`, `1d`, `1w` (single unit). */
export function durationSeconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as 'ms'];
  return Number(m[1]) * unit;
}

/**
 * Matcher value for a bucket bound: Prometheus 3 normalises `le="1"` to `le="1.0"` on ingestion,
 * 2.x keeps what the exporter wrote, so whole numbers match both spellings.
 */
export function leMatcher(bound: number): string {
  return Number.isInteger(bound) ? `=~${bound}|${bound}.0` : String(bound);
}
