// @genai-meter/instrumentation-core: what every genai-meter instrumentation shares (call timing and
// outcomes, recording into SDK instruments or the own aggregation, pricing, the MetricProducer, stream
// observation, error classification, the metric and attribute definitions).
export * from './semconv.js';
export { GenAIInstrumentation, isForeignWrapper, underOwnWrappers, type AnyFunction, type SdkDefaults } from './instrumentation-base.js';
export type { GenAIInstrumentationConfig } from './config.js';
export { deferredPricer, hasUserPrices, isPricer, pricerFor, type Pricer } from './pricer.js';
export { markInterned } from './interner.js';
export { Call, type Recorder } from './call.js';
export { classifyError, errorTypeForBody, errorTypeForCode, errorTypeForStatus, type ClassifiedError } from './error-type.js';
export { providerForHost, EndpointResolver, type Endpoint, type ProviderOverride } from './provider.js';
export { HIDE, READ_AHEAD_MILLIS, isStreamLike, observeAsyncGenerator, observeAsyncIterable, observeStream, type ChunkObserver, type StreamLike } from './stream.js';
export { ANTHROPIC_RATE_LIMIT_HEADERS, OPENAI_RATE_LIMIT_HEADERS, parseResetDelayMillis, rateLimitResetAt, type RateLimitHeaders } from './rate-limit.js';
export { GenAIMeterMetricProducer, type MetricProducerOptions, type ProducerScope } from './producer.js';
export { OuterCallScope, runAsOuterCall } from './layers.js';
export { StainlessInstrumentation, isAPIPromise, type APIPromiseLike, type ResultReader, type RetryTarget, type StartedCall } from './stainless.js';
