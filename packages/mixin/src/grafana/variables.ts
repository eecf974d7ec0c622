// Dashboard variables and the label filter every panel query carries, plus `substituteVariables`, which
// expands a panel query the way Grafana does so tests can run it against a real Prometheus.
import { L } from '../promnames.js';

/** The template variables every genai-meter dashboard has, in display order. */
export const VARS = {
  datasource: 'datasource',
  service: 'service',
  environment: 'environment',
  provider: 'provider',
  model: 'model',
} as const;

/** Filter variables and the label each one matches. */
export const FILTER_LABELS = {
  service: L.service,
  environment: L.environment,
  provider: L.provider,
  model: L.requestModel,
} as const;

export type FilterVar = keyof typeof FILTER_LABELS;

/** Value a multi-value variable takes for "All": a regex, so it also matches series without the label. */
export const ALL_VALUE = '.*';

/**
 * Matchers for the chosen filter variables, always `=~` (multi-value variables expand to `a|b`, and
 * "All" to `.*`; `=` would match a literal "a|b"). Recorded series without provider/model labels
 * must only be filtered by service and environment, hence the list.
 */
export function filterMatchers(vars: readonly FilterVar[] = ['service', 'environment', 'provider', 'model']): Record<string, string> {
  return Object.fromEntries(vars.map((v) => [FILTER_LABELS[v], `=~$${v}`]));
}

export interface SubstitutionValues {
  /** One selected value; absent = "All". */
  readonly service?: string;
  readonly environment?: string;
  readonly provider?: string;
  readonly model?: string;
  /** `$__rate_interval`; default `1m` = 4 x the 15 s scrape interval, Grafana's floor. */
  readonly rateInterval?: string;
  /** `$__range` (the dashboard time range); default `1h`. */
  readonly range?: string;
  /** `$__interval` (the step); default `15s`. */
  readonly interval?: string;
}

/** Grafana's regex escaping of a single selected value of a multi-value variable in a Prometheus query. */
function escapeForPromRegex(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

function seconds(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's'];
}

/**
 * Expands Grafana variables in a panel or alert query as Grafana would for one selected value per
 * filter variable (regex-escaped) or "All" (`.*`): `$service`/`${service}` (and environment, provider,
 * model), `$__rate_interval`, `$__range`, `$__range_s`, `$__range_ms`, `$__interval`, `$__interval_ms`.
 * An unknown variable throws, so a query cannot silently keep a `$` that Prometheus would reject.
 */
export function substituteVariables(expr: string, vars: SubstitutionValues = {}): string {
  const rateInterval = vars.rateInterval ?? '1m';
  const range = vars.range ?? '1h';
  const interval = vars.interval ?? '15s';
  const builtins: Record<string, string> = {
    __rate_interval: rateInterval,
    __range: range,
    __range_s: String(Math.round(seconds(range))),
    __range_ms: String(Math.round(seconds(range) * 1000)),
    __interval: interval,
    __interval_ms: String(Math.round(seconds(interval) * 1000)),
  };
  return expr.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (match, braced: string | undefined, _fmt: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    if (name in builtins) return builtins[name]!;
    if (name in FILTER_LABELS) {
      const value = vars[name as FilterVar];
      return value === undefined ? ALL_VALUE : escapeForPromRegex(value);
    }
    throw new Error(`substituteVariables: unknown variable ${match} in ${expr}`);
  });
}
