// Options of genai-meter and their resolution: explicit option > environment variable > default.
// Every environment variable the package reads is named here (the README's table follows this file).
import type { Attributes } from '@opentelemetry/api';
import type { OpenAIInstrumentationConfig } from '@genai-meter/instrumentation-openai';
import { envBoolean, envChoice, envInteger, envList, envString, type Env } from './env.js';
import { clusterWorkerIndex } from './cluster-worker.js';
import { log } from './log.js';

export type MetricsExporterName = 'prometheus' | 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
/**
 * Where genai-meter's metrics go when the app has a global MeterProvider of its own:
 * - `auto`: the app's provider if it was registered before genai-meter started; otherwise genai-meter's
 *   own exporters, and they stay (a provider the app registers later is reported, not adopted);
 * - `own`: always genai-meter's own exporters;
 * - `app`: the app's provider, also when the app registers it later (genai-meter's exporters then stop).
 */
export type MeterProviderChoice = 'auto' | 'own' | 'app';
/** `internal`: genai-meter aggregates itself (fast); `sdk`: through SDK instruments. See the README. */
export type AggregationChoice = 'internal' | 'sdk';

export const METRICS_EXPORTERS: readonly MetricsExporterName[] = ['prometheus', 'otlp', 'console'];
export const OTLP_PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
export const METER_PROVIDER_CHOICES: readonly MeterProviderChoice[] = ['auto', 'own', 'app'];
export const AGGREGATION_CHOICES: readonly AggregationChoice[] = ['internal', 'sdk'];

/** Defaults, documented in the README. */
export const DEFAULTS = {
  exporters: ['prometheus'] as MetricsExporterName[],
  /** Loopback only: metrics (model names, spend) are not for the whole network unless asked. */
  prometheusHost: '127.0.0.1',
  prometheusPort: 9464,
  otlpProtocol: 'http/protobuf' as OtlpProtocol,
  exportIntervalMillis: 60_000,
  exportTimeoutMillis: 30_000,
  shutdownTimeoutMillis: 2_000,
  cardinalityLimit: 2_000,
  meterProvider: 'auto' as MeterProviderChoice,
  aggregation: 'internal' as AggregationChoice,
  attributeValueMaxLength: 64,
  maxContextAttributes: 5,
};

export interface GenAIMeterOptions {
  /** Metric exporters; `[]` for none. Env: OTEL_METRICS_EXPORTER. Default `['prometheus']`. */
  exporters?: MetricsExporterName[];
  /** Env: GENAI_METER_PROMETHEUS_HOST, then OTEL_EXPORTER_PROMETHEUS_HOST. Default `127.0.0.1`. */
  prometheusHost?: string;
  /**
   * Env: GENAI_METER_PROMETHEUS_PORT, then OTEL_EXPORTER_PROMETHEUS_PORT. Default 9464. A cluster worker
   * (Node's cluster, PM2's cluster mode) adds its index to the port from the environment (cluster-worker.ts).
   */
  prometheusPort?: number;
  /** Env: OTEL_EXPORTER_OTLP_METRICS_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL. Default `http/protobuf`. */
  otlpProtocol?: OtlpProtocol;
  /** Env: OTEL_METRIC_EXPORT_INTERVAL (ms). Default 60000. */
  exportIntervalMillis?: number;
  /** Env: OTEL_METRIC_EXPORT_TIMEOUT (ms). Default 30000, never above the interval. */
  exportTimeoutMillis?: number;
  /** Longest wait for the last export when the process ends. Env: GENAI_METER_SHUTDOWN_TIMEOUT_MS. Default 2000. */
  shutdownTimeoutMillis?: number;
  /** Series per instrument per reader before the SDK folds new ones into otel.metric.overflow. Env: GENAI_METER_CARDINALITY_LIMIT. */
  cardinalityLimit?: number;
  /** Keep only these attribute keys on genai-meter's metrics. Env: GENAI_METER_ATTRIBUTES_ALLOW. Default: all. */
  allowAttributes?: string[];
  /** Drop these attribute keys from genai-meter's metrics. Env: GENAI_METER_ATTRIBUTES_DROP. */
  dropAttributes?: string[];
  /** Baggage keys copied onto every point as attributes. Env: GENAI_METER_BAGGAGE_ATTRIBUTES. Default: none. */
  baggageAttributes?: string[];
  /** Longer context/baggage attribute values are cut to this many characters. Env: GENAI_METER_ATTRIBUTE_VALUE_MAX_LENGTH. Default 64. */
  attributeValueMaxLength?: number;
  /** At most this many context/baggage attributes per point. Env: GENAI_METER_MAX_CONTEXT_ATTRIBUTES. Default 5. */
  maxContextAttributes?: number;
  /** Where metrics go beside an app's own MeterProvider. Env: GENAI_METER_METER_PROVIDER. Default `auto`. */
  meterProvider?: MeterProviderChoice;
  /** How genai-meter's own pipeline aggregates. Env: GENAI_METER_AGGREGATION. Default `internal`. */
  aggregation?: AggregationChoice;
  /** gen_ai.provider.name for every call (gateways, relays). Env: GENAI_METER_PROVIDER_NAME. */
  providerName?: OpenAIInstrumentationConfig['providerName'];
  /** Price catalog (default: bundled + GENAI_METER_PRICING_FILE), or false for no cost metric. */
  pricing?: OpenAIInstrumentationConfig['pricing'];
  /**
   * Everything else the instrumentation accepts (injectStreamUsage, maxModels, defaultProviderName). The
   * aggregation is chosen by the pipeline; attribute lists and the cardinality limit are the options above.
   */
  instrumentation?: Omit<
    OpenAIInstrumentationConfig,
    'providerName' | 'pricing' | 'extraAttributes' | 'aggregation' | 'allowAttributes' | 'dropAttributes' | 'cardinalityLimit'
  >;
  /** Resource attributes added under OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME (the environment wins). */
  resourceAttributes?: Attributes;
  /** Environment to read (default `process.env`). */
  env?: Env;
}

export interface ResolvedConfig {
  disabled: boolean;
  exporters: MetricsExporterName[];
  prometheusHost: string;
  prometheusPort: number;
  /** Set in a cluster worker: the port is its own, bound in this process rather than shared through the primary. */
  clusterWorker: number | undefined;
  otlpProtocol: OtlpProtocol;
  exportIntervalMillis: number;
  exportTimeoutMillis: number;
  shutdownTimeoutMillis: number;
  cardinalityLimit: number;
  allowAttributes: string[] | undefined;
  dropAttributes: string[];
  baggageAttributes: string[];
  attributeValueMaxLength: number;
  maxContextAttributes: number;
  meterProvider: MeterProviderChoice;
  aggregation: AggregationChoice;
  providerName: OpenAIInstrumentationConfig['providerName'];
}

/** OTEL_METRICS_EXPORTER: a comma list; `none` alone means no exporter; unknown names are skipped with a warning. */
export function exportersFromEnv(env: Env): MetricsExporterName[] {
  const names = envList(env, 'OTEL_METRICS_EXPORTER');
  if (names === undefined || names.length === 0) return [...DEFAULTS.exporters];
  const lower = names.map((n) => n.toLowerCase());
  if (lower.length === 1 && lower[0] === 'none') return [];
  const out: MetricsExporterName[] = [];
  for (const name of lower) {
    if (name === 'none') {
      log.warn(`OTEL_METRICS_EXPORTER: 'none' combined with other exporters is ignored`);
      continue;
    }
    const known = METRICS_EXPORTERS.find((e) => e === name);
    if (!known) {
      log.warn(`OTEL_METRICS_EXPORTER: unknown exporter '${name}' ignored (known: ${METRICS_EXPORTERS.join(', ')}, none)`);
      continue;
    }
    if (!out.includes(known)) out.push(known);
  }
  if (out.length === 0) {
    log.warn(`OTEL_METRICS_EXPORTER='${env.OTEL_METRICS_EXPORTER}' names no usable exporter; using ${DEFAULTS.exporters.join(',')}`);
    return [...DEFAULTS.exporters];
  }
  return out;
}

function otlpProtocolFromEnv(env: Env): OtlpProtocol {
  const name = envString(env, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  return envChoice(env, name, OTLP_PROTOCOLS, DEFAULTS.otlpProtocol);
}

/** Resolves options against the environment. Never throws: bad values warn and fall back. */
export function resolveConfig(options: GenAIMeterOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const interval = options.exportIntervalMillis ?? envInteger(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULTS.exportIntervalMillis, 1);
  const timeoutSet = options.exportTimeoutMillis !== undefined || envString(env, 'OTEL_METRIC_EXPORT_TIMEOUT') !== undefined;
  let timeout = options.exportTimeoutMillis ?? envInteger(env, 'OTEL_METRIC_EXPORT_TIMEOUT', DEFAULTS.exportTimeoutMillis, 1);
  if (timeout > interval) {
    // PeriodicExportingMetricReader refuses a timeout above the interval; an unset timeout follows the interval quietly.
    if (timeoutSet) log.warn(`OTEL_METRIC_EXPORT_TIMEOUT (${timeout}) is above OTEL_METRIC_EXPORT_INTERVAL (${interval}); using ${interval}`);
    timeout = interval;
  }
  const exporters = options.exporters ? [...new Set(options.exporters)] : exportersFromEnv(env);
  // Only asked when there is a port to take (getting the cluster module is free in a worker, not in a primary).
  const clusterWorker = exporters.includes('prometheus') ? clusterWorkerIndex(env) : undefined;
  let prometheusPort =
    options.prometheusPort ??
    envInteger(env, envString(env, 'GENAI_METER_PROMETHEUS_PORT') !== undefined ? 'GENAI_METER_PROMETHEUS_PORT' : 'OTEL_EXPORTER_PROMETHEUS_PORT', DEFAULTS.prometheusPort, 1, 65535);
  if (clusterWorker !== undefined && options.prometheusPort === undefined) {
    if (prometheusPort + clusterWorker <= 65535) prometheusPort += clusterWorker;
    else log.warn(`cluster worker ${clusterWorker}: port ${prometheusPort} + ${clusterWorker} is above 65535; using ${prometheusPort}`);
  }
  return {
    disabled: envBoolean(env, 'OTEL_SDK_DISABLED', false),
    exporters,
    // GENAI_METER_PROMETHEUS_* win over the OTEL_* pair, which an app's own NodeSDK reads as well.
    prometheusHost: options.prometheusHost ?? envString(env, 'GENAI_METER_PROMETHEUS_HOST') ?? envString(env, 'OTEL_EXPORTER_PROMETHEUS_HOST') ?? DEFAULTS.prometheusHost,
    prometheusPort,
    clusterWorker,
    otlpProtocol: options.otlpProtocol ?? otlpProtocolFromEnv(env),
    exportIntervalMillis: interval,
    exportTimeoutMillis: timeout,
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? envInteger(env, 'GENAI_METER_SHUTDOWN_TIMEOUT_MS', DEFAULTS.shutdownTimeoutMillis, 0, 600_000),
    cardinalityLimit: options.cardinalityLimit ?? envInteger(env, 'GENAI_METER_CARDINALITY_LIMIT', DEFAULTS.cardinalityLimit, 1),
    allowAttributes: options.allowAttributes ?? envList(env, 'GENAI_METER_ATTRIBUTES_ALLOW'),
    dropAttributes: options.dropAttributes ?? envList(env, 'GENAI_METER_ATTRIBUTES_DROP') ?? [],
    baggageAttributes: options.baggageAttributes ?? envList(env, 'GENAI_METER_BAGGAGE_ATTRIBUTES') ?? [],
    attributeValueMaxLength:
      options.attributeValueMaxLength ?? envInteger(env, 'GENAI_METER_ATTRIBUTE_VALUE_MAX_LENGTH', DEFAULTS.attributeValueMaxLength, 1, 1024),
    maxContextAttributes: options.maxContextAttributes ?? envInteger(env, 'GENAI_METER_MAX_CONTEXT_ATTRIBUTES', DEFAULTS.maxContextAttributes, 0, 32),
    meterProvider: options.meterProvider ?? envChoice(env, 'GENAI_METER_METER_PROVIDER', METER_PROVIDER_CHOICES, DEFAULTS.meterProvider),
    aggregation: options.aggregation ?? envChoice(env, 'GENAI_METER_AGGREGATION', AGGREGATION_CHOICES, DEFAULTS.aggregation),
    providerName: options.providerName ?? envString(env, 'GENAI_METER_PROVIDER_NAME'),
  };
}
