export { OpenAIInstrumentation, SUPPORTED_OPENAI_VERSIONS } from './instrumentation.js';
export type { OpenAIInstrumentationConfig } from './types.js';
export { providerForHost, type ProviderOverride } from './provider.js';
export { classifyError } from './error-type.js';
export * from './semconv.js';
export { GenAIMeterMetricProducer, type MetricProducerOptions } from './producer.js';
