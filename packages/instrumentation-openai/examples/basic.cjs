// Runnable example: node packages/instrumentation-openai/examples/basic.cjs
// Uses OPENAI_BASE_URL / OPENAI_API_KEY when set; otherwise starts the bundled simulator.
const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics');
const { OpenAIInstrumentation } = require('@genai-meter/instrumentation-openai');

// 1. Metrics SDK and the instrumentation, before openai is required.
const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const instrumentation = new OpenAIInstrumentation();
instrumentation.setMeterProvider(meterProvider);

// 2. The app, unchanged.
const { OpenAI } = require('openai');

async function main() {
  let sim;
  let baseURL = process.env.OPENAI_BASE_URL;
  if (!baseURL) {
    const { startSimulator } = require('@genai-meter/simulator');
    sim = await startSimulator({ latencyScale: 0.05 });
    baseURL = sim.baseURL;
  }
  const client = new OpenAI({ baseURL, apiKey: process.env.OPENAI_API_KEY ?? 'sk-simulator' });
  const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
  console.log('chat:', chat.choices[0].message.content.slice(0, 40), '| usage', chat.usage);
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true });
  let chunks = 0;
  for await (const _ of stream) chunks++;
  console.log('stream chunks:', chunks);
  await meterProvider.forceFlush(); // prints every metric recorded above
  await meterProvider.shutdown();
  await sim?.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
