// Prometheus names for genai-meter metrics, derived from the one definition in semconv.ts.
//
// Canonical naming = the OTel Collector's otlptranslator with unit suffixes (what Prometheus 3's
// OTLP receiver and the community GenAI dashboards use). The JS exporter-prometheus, scraped
// directly from an app, omits the unit suffix; `directScrapeRelabelConfigs()` maps its names onto
// the canonical ones so dashboards and rules see one set of series whichever path carried them.
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  METRICS,
  type MetricDefinition,
  type MetricKey,
} from '@genai-meter/instrumentation-openai/semconv';

/** otlptranslator's unit words for the UCUM units genai-meter uses (and the common ones around them). */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '%': 'percent',
};

/** Replace every character Prometheus does not allow in a name with `_` (dots, dashes, slashes). */
export function sanitize(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** The suffix otlptranslator appends for a unit: `s` -> `seconds`, `USD` -> `USD`, `{token}` -> none. */
export function unitSuffix(unit: string): string {
  // Annotations in braces are dropped, including inside compound units such as `{token}/s`.
  const plain = unit.replace(/\{[^}]*\}/g, '').trim();
  if (plain === '' || plain === '1') return '';
  const [num = '', per] = plain.split('/');
  const word = (u: string) => sanitize(UNIT_WORDS[u] ?? u);
  const parts: string[] = [];
  if (num !== '' && num !== '1') parts.push(word(num));
  if (per !== undefined && per !== '') parts.push('per', UNIT_WORDS[per] ? word(per).replace(/s$/, '') : word(per));
  return parts.join('_');
}

/** Canonical base name (without `_bucket`/`_sum`/`_count`): `gen_ai_client_operation_duration_seconds`. */
export function promName(def: MetricDefinition): string {
  let name = sanitize(def.name);
  const suffix = unitSuffix(def.unit);
  if (suffix !== '' && !name.endsWith(`_${suffix}`)) name = `${name}_${suffix}`;
  if (def.kind === 'counter') name = `${name}_total`;
  return name;
}

/** The name the JS exporter-prometheus exposes on an app's /metrics (no unit suffix). */
export function directScrapeName(def: MetricDefinition): string {
  const name = sanitize(def.name);
  return def.kind === 'counter' ? `${name}_total` : name;
}

/** Every series name a metric produces: histograms expand to `_bucket`, `_sum`, `_count`. */
export function seriesNames(name: string, def: MetricDefinition): string[] {
  return def.kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

/** Canonical names of every genai-meter metric, by METRICS key. */
export const PROM: { readonly [K in MetricKey]: string } = Object.fromEntries(
  Object.entries(METRICS).map(([key, def]) => [key, promName(def)]),
) as { [K in MetricKey]: string };

/** Label name for an attribute: dots become `_`. */
export function labelName(attribute: string): string {
  return sanitize(attribute);
}

/** Resource attributes that the collector (and the direct-scrape fallback) turn into labels. */
export const RESOURCE_ATTR_SERVICE_NAME = 'service.name';
export const RESOURCE_ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';

/** Labels the rules, alerts and dashboards group by. */
export const L = {
  service: labelName(RESOURCE_ATTR_SERVICE_NAME),
  environment: labelName(RESOURCE_ATTR_DEPLOYMENT_ENVIRONMENT_NAME),
  provider: labelName(ATTR_GEN_AI_PROVIDER_NAME),
  requestModel: labelName(ATTR_GEN_AI_REQUEST_MODEL),
  responseModel: labelName(ATTR_GEN_AI_RESPONSE_MODEL),
  operation: labelName(ATTR_GEN_AI_OPERATION_NAME),
  tokenType: labelName(ATTR_GEN_AI_TOKEN_TYPE),
  errorType: labelName(ATTR_ERROR_TYPE),
  serverAddress: labelName(ATTR_SERVER_ADDRESS),
  httpStatus: labelName(ATTR_HTTP_RESPONSE_STATUS_CODE),
  tokenDetail: labelName(ATTR_GENAI_METER_TOKEN_DETAIL),
  rateLimitType: labelName(ATTR_GENAI_METER_RATE_LIMIT_TYPE),
  le: 'le',
} as const;

export interface RelabelConfig {
  source_labels: string[];
  regex: string;
  target_label: string;
  replacement: string;
  action?: 'replace';
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `metric_relabel_configs` for a job that scrapes an app's exporter-prometheus directly: rename
 * every metric whose direct name differs from the canonical one, and fill `service_name` from the
 * job only when the series has none (@genai-meter/node sets it from the resource, like the
 * collector; an exporter set up without resource labels does not), so per-service rules still
 * group the series and never see the app's own service name replaced by a scrape job name.
 */
export function directScrapeRelabelConfigs(): RelabelConfig[] {
  const renames: RelabelConfig[] = [];
  for (const def of Object.values(METRICS) as MetricDefinition[]) {
    const direct = directScrapeName(def);
    const canonical = promName(def);
    if (direct === canonical) continue;
    // Prometheus anchors relabel regexes, so the canonical name never matches again.
    const suffixes = def.kind === 'histogram' ? '(_bucket|_sum|_count)' : '()';
    renames.push({
      source_labels: ['__name__'],
      regex: `${escapeRegex(direct)}${suffixes}`,
      target_label: '__name__',
      replacement: `${canonical}$1`,
    });
  }
  // Joined as "<service_name>;<job>": the anchored regex matches only an empty service_name.
  renames.push({
    source_labels: [L.service, 'job'],
    regex: ';(.+)',
    target_label: L.service,
    replacement: '$1',
  });
  return renames;
}
