// Cardinality policy under a flood of distinct model names (a proxy forwarding what end users send).
// 100k real SDK calls; the SDK's documented `fetch` option answers in-process so the test takes seconds,
// the instrumentation and the SDK run for real.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METRICS, MODEL_OVERFLOW_VALUE, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_MODEL } from '../src/index.js';
import { MetricsHarness, loadOpenAI, sum, where } from './support/harness.js';

const MAX_MODELS = 50;
const CALLS = 100_000;
let h: MetricsHarness;

beforeAll(() => {
  h = new MetricsHarness({ maxModels: MAX_MODELS, pricing: false });
});
afterAll(() => h.shutdown());

function cannedFetch(): typeof fetch {
  return (async (_url: unknown, init?: { body?: unknown }) => {
    const { model } = JSON.parse(String(init?.body)) as { model: string };
    const body = JSON.stringify({
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

it(`keeps ${MAX_MODELS} model values per attribute and folds ${CALLS} distinct names into ${MODEL_OVERFLOW_VALUE}`, async () => {
  const OpenAI = loadOpenAI(7).OpenAI;
  const client = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: cannedFetch() });
  const batch = 500;
  for (let i = 0; i < CALLS; i += batch) {
    await Promise.all(
      Array.from({ length: batch }, (_, j) => client.chat.completions.create({ model: `user-model-${i + j}`, messages: [{ role: 'user', content: 'x' }] })),
    );
  }
  // Names that do not look like model ids never get their own series.
  await client.chat.completions.create({ model: 'a'.repeat(300), messages: [{ role: 'user', content: 'x' }] });

  const durations = await h.histogram(METRICS.duration.name);
  expect(durations).toHaveLength(MAX_MODELS + 1);
  expect(sum(durations.map((d) => d.count))).toBe(CALLS + 1);
  const overflow = where(durations, { [ATTR_GEN_AI_REQUEST_MODEL]: MODEL_OVERFLOW_VALUE });
  expect(overflow).toHaveLength(1);
  expect(overflow[0]!.count).toBe(CALLS - MAX_MODELS + 1);
  expect(overflow[0]!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(MODEL_OVERFLOW_VALUE);
  const admitted = durations.map((d) => d.attributes[ATTR_GEN_AI_REQUEST_MODEL]).filter((m) => m !== MODEL_OVERFLOW_VALUE);
  expect(new Set(admitted)).toEqual(new Set(Array.from({ length: MAX_MODELS }, (_, i) => `user-model-${i}`)));
  // Token usage: input and output series per admitted model plus the overflow pair.
  const tokens = await h.histogram(METRICS.tokenUsage.name);
  expect(tokens).toHaveLength(2 * (MAX_MODELS + 1));
  expect(sum(tokens.map((t) => t.sum))).toBe(3 * (CALLS + 1));
  // In-flight entries are bounded the same way and all back to zero.
  const active = await h.points(METRICS.activeRequests.name);
  expect(active.length).toBeLessThanOrEqual(MAX_MODELS + 1);
  expect(active.every((a) => a.value === 0)).toBe(true);
}, 120_000);
