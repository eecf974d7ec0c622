// Runnable example: node packages/instrumentation-anthropic/examples/basic.cjs
// Uses ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY when set; otherwise starts the bundled simulator.
const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics');
const { AnthropicInstrumentation } = require('@genai-meter/instrumentation-anthropic');

// 1. Metrics SDK and the instrumentation, before @anthropic-ai/sdk is required.
const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const instrumentation = new AnthropicInstrumentation();
instrumentation.setMeterProvider(meterProvider);

// 2. The app, unchanged.
const { Anthropic } = require('@anthropic-ai/sdk');

async function main() {
  let sim;
  let baseURL = process.env.ANTHROPIC_BASE_URL;
  if (!baseURL) {
    const { startSimulator } = require('@genai-meter/simulator');
    sim = await startSimulator({ latencyScale: 0.05 });
    baseURL = sim.url;
  }
  const client = new Anthropic({ baseURL, apiKey: process.env.ANTHROPIC_API_KEY ?? 'sk-ant-simulator' });
  const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] });
  console.log('message:', message.content[0].text.slice(0, 40), '| usage', message.usage);
  const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Count' }] });
  let deltas = 0;
  stream.on('text', () => deltas++);
  await stream.finalMessage();
  console.log('stream text deltas:', deltas);
  await meterProvider.forceFlush(); // prints every metric recorded above
  await meterProvider.shutdown();
  await sim?.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
