// The instrumentations the register entry runs, configured from genai-meter's options and environment:
// one per SDK, sharing one price catalog and one attribution source.
import { AIInstrumentation } from '@genai-meter/instrumentation-ai';
import { AnthropicInstrumentation } from '@genai-meter/instrumentation-anthropic';
import { isPricer, pricerFor, type GenAIInstrumentation, type GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';
import { GoogleGenAIInstrumentation } from '@genai-meter/instrumentation-google-genai';
import { OpenAIInstrumentation } from '@genai-meter/instrumentation-openai';
import { createAttributeSource } from './attribution.js';
import { resolveConfig, type GenAIMeterOptions, type ResolvedConfig } from './config.js';
import { log } from './log.js';

export type InstrumentationOptions = Pick<
  GenAIMeterOptions,
  'providerName' | 'pricing' | 'instrumentation' | 'baggageAttributes' | 'attributeValueMaxLength' | 'maxContextAttributes' | 'env'
>;

type AttributeSource = ReturnType<typeof createAttributeSource>;

/**
 * Every SDK genai-meter instruments: its instrumentation, given the options all of them share. The openai
 * one is first (the `instrumentation` options are openai's). The Vercel AI SDK's layer is recorded by the
 * provider-level instrumentation beneath it when both see one HTTP call (counted once, see core's layers).
 */
const SDKS: readonly ((shared: GenAIInstrumentationConfig, options: Pick<GenAIMeterOptions, 'instrumentation'>) => GenAIInstrumentation)[] = [
  (shared, options) => new OpenAIInstrumentation({ ...options.instrumentation, ...shared }),
  (shared) => new AnthropicInstrumentation(shared),
  (shared) => new GoogleGenAIInstrumentation(shared),
  (shared) => new AIInstrumentation(shared),
];

/**
 * The prices every instrumentation shares, loaded once: at start when the user gave prices (a bad
 * GENAI_METER_PRICING_FILE is reported on stderr and loading goes on: unparseable, bundled prices; a bad
 * entry, its models unpriced; the app is never stopped by it), at the first priced call for the bundled
 * catalog alone.
 */
function sharedPricing(pricing: GenAIMeterOptions['pricing']): GenAIInstrumentationConfig['pricing'] {
  if (pricing === false || isPricer(pricing)) return pricing;
  return pricerFor(pricing ?? {}, (problem) => log.warn(problem.message));
}

export function instrumentationsFromConfig(
  config: ResolvedConfig,
  options: Pick<GenAIMeterOptions, 'pricing' | 'instrumentation'>,
  wrapAttributes?: (source: AttributeSource) => AttributeSource,
  aggregation: GenAIInstrumentationConfig['aggregation'] = 'sdk',
): GenAIInstrumentation[] {
  const source = createAttributeSource(config);
  const shared: GenAIInstrumentationConfig = {
    ...(options.instrumentation?.maxModels !== undefined ? { maxModels: options.instrumentation.maxModels } : {}),
    ...(options.instrumentation?.recordTimePerOutputChunk !== undefined ? { recordTimePerOutputChunk: options.instrumentation.recordTimePerOutputChunk } : {}),
    ...(config.providerName !== undefined ? { providerName: config.providerName } : {}),
    pricing: sharedPricing(options.pricing),
    // The same attribute lists and limit as the Views (views.ts): the own aggregation applies them itself.
    ...(config.allowAttributes ? { allowAttributes: config.allowAttributes } : {}),
    ...(config.dropAttributes.length > 0 ? { dropAttributes: config.dropAttributes } : {}),
    cardinalityLimit: config.cardinalityLimit,
    aggregation,
    extraAttributes: wrapAttributes ? wrapAttributes(source) : source,
  };
  return SDKS.map((create) => create(shared, options));
}

/**
 * An OpenAIInstrumentation for apps that wire their own NodeSDK or MeterProvider, configured like the
 * register entry: GENAI_METER_PROVIDER_NAME, GENAI_METER_PRICING_FILE, the attribution API and
 * GENAI_METER_BAGGAGE_ATTRIBUTES. Create it before `openai` is loaded; it attaches to the global
 * MeterProvider unless you call `setMeterProvider`.
 */
export function createInstrumentation(options: InstrumentationOptions = {}): OpenAIInstrumentation {
  return instrumentationsFromConfig(resolveConfig(options), options)[0] as OpenAIInstrumentation;
}

/** Every genai-meter instrumentation (one per SDK), configured like the register entry, for `instrumentations: [...]`. */
export function createInstrumentations(options: InstrumentationOptions = {}): GenAIInstrumentation[] {
  return instrumentationsFromConfig(resolveConfig(options), options);
}
