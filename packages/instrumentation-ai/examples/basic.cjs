// Runnable example: node packages/instrumentation-ai/examples/basic.cjs
// Uses OPENAI_BASE_URL / OPENAI_API_KEY when set; otherwise starts the bundled simulator.
const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics');
const { AIInstrumentation } = require('@genai-meter/instrumentation-ai');

// 1. Metrics SDK and the instrumentation, before ai is required.
const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const instrumentation = new AIInstrumentation();
instrumentation.setMeterProvider(meterProvider);

// 2. The app, unchanged (ai 7 is an ES module: require() loads it through require(esm)).
const { generateText, streamText } = require('ai');
const { createOpenAI } = require('@ai-sdk/openai');

async function main() {
  let sim;
  let baseURL = process.env.OPENAI_BASE_URL;
  if (!baseURL) {
    const { startSimulator } = require('@genai-meter/simulator');
    sim = await startSimulator({ latencyScale: 0.05 });
    baseURL = sim.baseURL;
  }
  const openai = createOpenAI({ baseURL, apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator' });
  const { text, usage } = await generateText({ model: openai('gpt-4o-mini'), prompt: 'Say hello' });
  console.log('text:', text.slice(0, 40), '| usage', usage.inputTokens, usage.outputTokens);
  const result = streamText({ model: openai('gpt-4o-mini'), prompt: 'Count' });
  let deltas = 0;
  for await (const _ of result.textStream) deltas++;
  console.log('stream deltas:', deltas);
  await meterProvider.forceFlush(); // prints every metric recorded above
  await meterProvider.shutdown();
  await sim?.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
