// Runnable example: node packages/instrumentation-google-genai/examples/basic.cjs
// Uses GOOGLE_GEMINI_BASE_URL / GEMINI_API_KEY when set; otherwise starts the bundled simulator.
const { MeterProvider, PeriodicExportingMetricReader, ConsoleMetricExporter } = require('@opentelemetry/sdk-metrics');
const { GoogleGenAIInstrumentation } = require('@genai-meter/instrumentation-google-genai');

// 1. Metrics SDK and the instrumentation, before @google/genai is required.
const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
const instrumentation = new GoogleGenAIInstrumentation();
instrumentation.setMeterProvider(meterProvider);

// 2. The app, unchanged.
const { GoogleGenAI } = require('@google/genai');

async function main() {
  let sim;
  let baseUrl = process.env.GOOGLE_GEMINI_BASE_URL;
  if (!baseUrl) {
    const { startSimulator } = require('@genai-meter/simulator');
    sim = await startSimulator({ latencyScale: 0.05 });
    baseUrl = sim.url;
  }
  const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY ?? 'gemini-simulator', httpOptions: { baseUrl } });
  const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello' });
  console.log('generateContent:', res.text.slice(0, 40), '| usage', res.usageMetadata);
  let chunks = 0;
  for await (const _ of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Count' })) chunks++;
  console.log('stream chunks:', chunks);
  const embedded = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['metrics', 'tokens'] });
  console.log('embeddings:', embedded.embeddings.length);
  await meterProvider.forceFlush(); // prints every metric recorded above
  await meterProvider.shutdown();
  await sim?.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
