// The OpenAIInstrumentation configured from genai-meter's options and environment.
import { OpenAIInstrumentation } from '@genai-meter/instrumentation-openai';
import { createAttributeSource } from './attribution.js';
import { resolveConfig, type GenAIMeterOptions, type ResolvedConfig } from './config.js';

export type InstrumentationOptions = Pick<
  GenAIMeterOptions,
  'providerName' | 'pricing' | 'instrumentation' | 'baggageAttributes' | 'attributeValueMaxLength' | 'maxContextAttributes' | 'env'
>;

export function instrumentationFromConfig(
  config: ResolvedConfig,
  options: Pick<GenAIMeterOptions, 'pricing' | 'instrumentation'>,
  wrapAttributes?: (source: ReturnType<typeof createAttributeSource>) => ReturnType<typeof createAttributeSource>,
): OpenAIInstrumentation {
  const source = createAttributeSource(config);
  // pricing: PriceCatalog.load throws PricingFileError on a bad GENAI_METER_PRICING_FILE; let it: wrong
  // prices must stop the start, not be discovered on an invoice.
  return new OpenAIInstrumentation({
    ...options.instrumentation,
    ...(config.providerName !== undefined ? { providerName: config.providerName } : {}),
    ...(options.pricing !== undefined ? { pricing: options.pricing } : {}),
    extraAttributes: wrapAttributes ? wrapAttributes(source) : source,
  });
}

/**
 * An OpenAIInstrumentation for apps that wire their own NodeSDK or MeterProvider, configured like the
 * register entry: GENAI_METER_PROVIDER_NAME, GENAI_METER_PRICING_FILE, the attribution API and
 * GENAI_METER_BAGGAGE_ATTRIBUTES. Create it before `openai` is loaded; it attaches to the global
 * MeterProvider unless you call `setMeterProvider`.
 */
export function createInstrumentation(options: InstrumentationOptions = {}): OpenAIInstrumentation {
  return instrumentationFromConfig(resolveConfig(options), options);
}
