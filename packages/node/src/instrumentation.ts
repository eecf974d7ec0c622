// The OpenAIInstrumentation configured from genai-meter's options and environment.
import { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from '@genai-meter/instrumentation-openai';
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
  aggregation: OpenAIInstrumentationConfig['aggregation'] = 'sdk',
): OpenAIInstrumentation {
  const source = createAttributeSource(config);
  // A bad GENAI_METER_PRICING_FILE is reported on stderr by the instrumentation and loading goes on
  // (unparseable: bundled prices; a bad entry: its models unpriced): the app is never stopped by it.
  return new OpenAIInstrumentation({
    ...options.instrumentation,
    ...(config.providerName !== undefined ? { providerName: config.providerName } : {}),
    ...(options.pricing !== undefined ? { pricing: options.pricing } : {}),
    // The same attribute lists and limit as the Views (views.ts): the own aggregation applies them itself.
    ...(config.allowAttributes ? { allowAttributes: config.allowAttributes } : {}),
    ...(config.dropAttributes.length > 0 ? { dropAttributes: config.dropAttributes } : {}),
    cardinalityLimit: config.cardinalityLimit,
    aggregation,
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
