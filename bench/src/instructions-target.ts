// Child run under `valgrind --tool=callgrind`: sets up one variant, warms up, then makes --calls
// non-streaming chat calls and exits. The parent runs it at two call counts; the difference of the
// instruction totals divided by the difference of calls is the per-call cost, start-up and warm-up cancel.
import { chatCompletionJson, jsonFetch, CHAT_MODEL } from './fixtures.js';
import { flag } from './stats.js';
import { setupVariant, type Variant } from './variants.js';

const variant = (flag('variant') ?? 'baseline') as Variant | 'floor';
const calls = Number(flag('calls') ?? 1000);
if (variant === 'floor') await floor();
const setup = setupVariant(variant === 'floor' ? 'baseline' : variant, 6);
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch: jsonFetch(chatCompletionJson()), maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say hello.' }];
for (let i = 0; i < 500 + calls; i++) {
  await client.chat.completions.create({ model: CHAT_MODEL, messages });
  if (i % 500 === 499) await setup.reader.collect();
}
await setup.reader.collect();

/** The 4 SDK records genai-meter makes for one non-streaming chat call, alone, with prebuilt attribute sets. */
async function floor(): Promise<never> {
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  const { METRICS } = await import('@genai-meter/instrumentation-openai');
  class Reader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  const reader = new Reader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('floor');
  const h = (d: { name: string; unit: string; buckets?: readonly number[] }) =>
    meter.createHistogram(d.name, { unit: d.unit, advice: d.buckets ? { explicitBucketBoundaries: [...d.buckets] } : undefined });
  const [duration, tokens, cost] = [h(METRICS.duration), h(METRICS.tokenUsage), h(METRICS.cost)];
  const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'server.address': 'api.openai.com', 'server.port': 443 };
  const input = { ...base, 'gen_ai.token.type': 'input' };
  const output = { ...base, 'gen_ai.token.type': 'output' };
  for (let i = 0; i < 500 + calls; i++) {
    duration.record(0.05, base);
    tokens.record(20, input);
    tokens.record(5, output);
    cost.record(0.000006, base);
    if (i % 500 === 499) await reader.collect();
  }
  await reader.collect();
  process.exit(0);
}
