import type { GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';

/**
 * The options every genai-meter instrumentation takes. `providerName` (a string, or a function of the
 * model's base URL) overrides the provider the model names; `defaultProviderName` replaces the first
 * segment of an unknown provider id (`my-relay.chat` -> `my-relay`).
 */
export type AIInstrumentationConfig = GenAIInstrumentationConfig;
