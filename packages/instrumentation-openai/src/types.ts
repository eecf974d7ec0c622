import type { GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';

/** The options every genai-meter instrumentation takes (GenAIInstrumentationConfig), plus openai's own. */
export interface OpenAIInstrumentationConfig extends GenAIInstrumentationConfig {
  /**
   * Add `stream_options.include_usage` to streaming chat/completions calls that did not ask for it, and
   * hide the extra usage-only chunk from the caller. Without it a stream reports no tokens and no cost.
   * `'known-providers'` (default) does it only where the endpoint is known to accept the option
   * (openai, deepseek, gcp.gemini, x_ai, groq); `true` everywhere; `false` never.
   */
  injectStreamUsage?: boolean | 'known-providers';
}
