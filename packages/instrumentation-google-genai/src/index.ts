export { GOOGLE_GENAI_ESM_SPECIFIERS, GoogleGenAIInstrumentation, SUPPORTED_GOOGLE_GENAI_VERSIONS } from './instrumentation.js';
export type { GoogleGenAIInstrumentationConfig } from './types.js';
// The shared definitions and helpers, for apps that import them from the instrumentation they use.
export * from '@genai-meter/instrumentation-core/semconv';
export { GenAIMeterMetricProducer, type MetricProducerOptions, type ProviderOverride } from '@genai-meter/instrumentation-core';
