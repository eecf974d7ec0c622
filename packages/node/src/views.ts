// Views for genai-meter's instruments: one per instrument (two matching Views would make two streams),
// pinning the semconv buckets (the instruments also carry them as advice, but a View also wins over a
// reader's default aggregation, e.g. exponential histograms that the Prometheus exporter cannot print),
// applying the operator's attribute allow/deny lists, and the per-instrument cardinality limit.
import { METRICS } from '@genai-meter/instrumentation-openai';
import {
  AggregationType,
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
