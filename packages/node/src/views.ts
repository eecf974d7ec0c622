// Views for genai-meter's instruments: one per instrument (two matching Views would make two streams),
// pinning the semconv buckets (the instruments also carry them as advice, but a View also wins over a
// reader's default aggregation, e.g. exponential histograms that the Prometheus exporter cannot print),
// applying the operator's attribute allow/deny lists, and the per-instrument cardinality limit.
import { METRICS, type MetricDefinition } from '@genai-meter/instrumentation-openai';
import {
  AggregationType,
  InstrumentType,
  createAllowListAttributesProcessor,
  createDenyListAttributesProcessor,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import { resolveConfig, type GenAIMeterOptions, type ResolvedConfig } from './config.js';

/** The instrumentation scope (meter name) of @genai-meter/instrumentation-openai. */
export const INSTRUMENTATION_SCOPE = '@genai-meter/instrumentation-openai';

export type ViewsOptions = Pick<GenAIMeterOptions, 'allowAttributes' | 'dropAttributes' | 'cardinalityLimit' | 'env'>;

export function viewsFromConfig(config: Pick<ResolvedConfig, 'allowAttributes' | 'dropAttributes' | 'cardinalityLimit'>): ViewOptions[] {
  const processors = [
    ...(config.allowAttributes ? [createAllowListAttributesProcessor(config.allowAttributes)] : []),
    ...(config.dropAttributes.length > 0 ? [createDenyListAttributesProcessor(config.dropAttributes)] : []),
  ];
  return Object.values(METRICS).map((def) => {
    const view: ViewOptions = {
      instrumentName: def.name,
      meterName: INSTRUMENTATION_SCOPE,
      aggregationCardinalityLimit: config.cardinalityLimit,
    };
    if (processors.length > 0) view.attributesProcessors = processors;
    if (def.kind === 'histogram' && 'buckets' in def) {
      view.aggregation = { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...def.buckets] } };
    }
    return view;
  });
}

/**
 * Views to pass to your own MeterProvider / NodeSDK (`views: views()`): semconv buckets, the attribute
 * allow/deny lists (GENAI_METER_ATTRIBUTES_ALLOW / _DROP) and the cardinality limit (GENAI_METER_CARDINALITY_LIMIT).
 */
export function views(options: ViewsOptions = {}): ViewOptions[] {
  const env = options.env ?? process.env;
  const config = resolveConfig({ ...options, env });
  return viewsFromConfig(config);
}

const INSTRUMENT_TYPES: Record<MetricDefinition['kind'], InstrumentType> = {
  histogram: InstrumentType.HISTOGRAM,
  counter: InstrumentType.COUNTER,
  updowncounter: InstrumentType.OBSERVABLE_UP_DOWN_COUNTER,
  gauge: InstrumentType.OBSERVABLE_GAUGE,
};

/** `*` and `?` wildcards, as the SDK's instrument name selector. */
const wildcard = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name);

/** Whether a View would select one of genai-meter's instruments (its selector criteria, as the SDK applies them). */
export function viewMatches(view: ViewOptions, def: MetricDefinition): boolean {
  if (view.meterName !== undefined && view.meterName !== INSTRUMENTATION_SCOPE) return false;
  if (view.instrumentName !== undefined && !wildcard(view.instrumentName, def.name)) return false;
  if (view.instrumentUnit !== undefined && view.instrumentUnit !== def.unit) return false;
  if (view.instrumentType !== undefined && view.instrumentType !== INSTRUMENT_TYPES[def.kind]) return false;
  return true;
}
