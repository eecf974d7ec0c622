import type { GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';

/**
 * The options every genai-meter instrumentation takes. `defaultProviderName` is the provider of a Gemini API
 * client whose host is not recognised (default `gcp.gemini`); a Vertex AI client (`vertexai: true`) is
 * `gcp.vertex_ai`.
 */
export type GoogleGenAIInstrumentationConfig = GenAIInstrumentationConfig;
