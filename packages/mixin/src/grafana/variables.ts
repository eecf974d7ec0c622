// Dashboard variables and the label filter every panel query carries, plus `substituteVariables`, which
// expands a panel query the way Grafana does so tests can run it against a real Prometheus.
import { L, labelName } from '../promnames.js';

/** The attribution attribute @genai-meter/node's withAttributes() sets (per-feature spend). */
export const ATTR_GENAI_METER_FEATURE = 'genai_meter.feature';
export const FEATURE_LABEL = labelName(ATTR_GENAI_METER_FEATURE);

/**
 * Filter variables and the label each one matches, in display order: each one's values are narrowed by
 * the ones before it (environment first, so a service list never mixes staging and production).
 */
export const FILTER_LABELS = {
  environment: L.environment,
  service: L.service,
  provider: L.provider,
  operation: L.operation,
  model: L.requestModel,
  feature: FEATURE_LABEL,
} as const;

export type FilterVar = keyof typeof FILTER_LABELS;
export const FILTER_VARS = Object.keys(FILTER_LABELS) as FilterVar[];

/** The template variables every genai-meter dashboard has, in display order. */
export const VARS = { datasource: 'datasource', ...(Object.fromEntries(FILTER_VARS.map((v) => [v, v])) as { [V in FilterVar]: V }) } as const;

/** Value a multi-value variable takes for "All": a regex, so it also matches series without the label. */
export const ALL_VALUE = '.*';

/**
 * The environment a dashboard opens on. The environment variable has no "All" (staging spend is not
 * production spend); when this value is not among the environments Prometheus has, Grafana selects the
 * first one.
 */
export const DEFAULT_ENVIRONMENT = 'production';

/**
 * Matchers for the chosen filter variables, always `=~` (multi-value variables expand to `a|b`, and
 * "All" to `.*`; `=` would match a literal "a|b"). A series without one of the labels (recorded series
 * without provider/model) must only be given the filters it can honour, hence the list.
 */
export function filterMatchers(vars: readonly FilterVar[] = FILTER_VARS): Record<string, string> {
  return Object.fromEntries(vars.map((v) => [FILTER_LABELS[v], `=~$${v}`]));
}

/** Filter variables a PromQL expression applies (`$service`, `${model}`, ...). */
export function filterVarsIn(expr: string): FilterVar[] {
  return FILTER_VARS.filter((v) => new RegExp(`\\$\\{?${v}(?![\\w])`).test(expr));
}

export type SubstitutionValues = {
  /** One selected value per filter variable; absent = the whole range of the label (`.*`). */
  readonly [V in FilterVar]?: string;
} & {
  /** `$__rate_interval`; default `4m` = 4 x the datasource's 1m minimum interval. */
  readonly rateInterval?: string;
  /** `$__range` (the dashboard time range); default `1h`. */
  readonly range?: string;
  /** `$__interval` (the step); default `1m`. */
  readonly interval?: string;
};

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
 * filter variable (regex-escaped) or the whole range (`.*`): `$service`/`${service}` (and every other
 * filter), `$__rate_interval`, `$__range`, `$__range_s`, `$__range_ms`, `$__interval`, `$__interval_ms`.
 * An unknown variable throws, so a query cannot silently keep a `$` that Prometheus would reject.
 */
export function substituteVariables(expr: string, vars: SubstitutionValues = {}): string {
  const rateInterval = vars.rateInterval ?? '4m';
  const range = vars.range ?? '1h';
  const interval = vars.interval ?? '1m';
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
