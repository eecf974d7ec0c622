// The `@genai-meter/instrumentation-openai/semconv` entry point: the metric and attribute definitions every
// genai-meter instrumentation shares, defined once in @genai-meter/instrumentation-core.
export * from '@genai-meter/instrumentation-core/semconv';
