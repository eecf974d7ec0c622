import type { GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';

/** The options every genai-meter instrumentation takes; the Anthropic SDK needs none of its own. */
export type AnthropicInstrumentationConfig = GenAIInstrumentationConfig;
