// Child (run with --expose-gc): RSS and heap over many calls through genai-meter on openai 7.
//   --mode fixed: the same model every call; memory must be flat after warm-up.
//   --mode flood: a new model name every call; the label set must stay bounded by maxModels (200 -> _OTHER).
// The reader is collected every 10,000 calls, as a periodic exporter would.
import { chatCompletionJson, echoModelFetch, jsonFetch } from './fixtures.js';
import { countPoints, summarize } from './meter.js';
import { emit, flag } from './stats.js';
import { setupVariant, type Variant } from './variants.js';

const mode = flag('mode') === 'flood' ? 'flood' : 'fixed';
const calls = Number(flag('calls') ?? (mode === 'fixed' ? 1_000_000 : 100_000));
const warmup = Math.round(calls / 10);
const COLLECT_EVERY = 10_000;
const READINGS = 5;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const variant = (flag('variant') ?? 'genai-meter') as Variant;
const setup = setupVariant(variant, 7);
const client = new setup.OpenAI({ apiKey: 'sk-bench', fetch: mode === 'fixed' ? jsonFetch(chatCompletionJson()) : echoModelFetch() });
const messages = [{ role: 'user', content: 'Say hello.' }];

interface Reading {
  calls: number;
  rssMB: number;
  heapUsedMB: number;
  series: number;
}
const MB = 1024 * 1024;
async function reading(done: number): Promise<Reading> {
  const series = countPoints(await summarize(setup.reader));
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { calls: done, rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB, series };
}

let done = 0;
const run = async (n: number) => {
  for (let i = 0; i < n; i++, done++) {
    const model = mode === 'fixed' ? 'gpt-4o-mini' : `flood-model-${done}`;
    await client.chat.completions.create({ model, messages });
    if ((done + 1) % COLLECT_EVERY === 0) await setup.reader.collect();
  }
};

const t0 = Date.now();
const start = await reading(0);
await run(warmup);
const readings: Reading[] = [await reading(done)];
const step = Math.round((calls - warmup) / READINGS);
while (done < calls) {
  await run(Math.min(step, calls - done));
  readings.push(await reading(done));
}
const first = readings[0] as Reading;
const last = readings[readings.length - 1] as Reading;
// Model label values seen on the duration histogram: bounded by maxModels (+ _OTHER).
const { resourceMetrics } = await setup.reader.collect();
const models = new Set<string>();
for (const s of resourceMetrics.scopeMetrics)
  for (const m of s.metrics)
    if (m.descriptor.name === 'gen_ai.client.operation.duration')
      for (const p of m.dataPoints) models.add(String(p.attributes['gen_ai.request.model']));
emit({
  variant,
  mode,
  calls,
  warmup,
  seconds: (Date.now() - t0) / 1000,
  start,
  readings,
  rssGrowthPct: ((last.rssMB - first.rssMB) / first.rssMB) * 100,
  heapGrowthPct: ((last.heapUsedMB - first.heapUsedMB) / first.heapUsedMB) * 100,
  distinctModelLabels: models.size,
  overflowLabel: models.has('_OTHER'),
});
await setup.provider.shutdown();
process.exit(0);
