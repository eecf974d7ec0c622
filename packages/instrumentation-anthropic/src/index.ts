export { AnthropicInstrumentation, SUPPORTED_ANTHROPIC_VERSIONS } from './instrumentation.js';
export type { AnthropicInstrumentationConfig } from './types.js';
// The shared definitions and helpers, for apps that import them from the instrumentation they use.
export * from '@genai-meter/instrumentation-core/semconv';
export { classifyError, providerForHost, GenAIMeterMetricProducer, type MetricProducerOptions, type ProviderOverride } from '@genai-meter/instrumentation-core';
