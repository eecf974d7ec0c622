// gen_ai.usage.cost through real SDK calls, against figures computed by hand from the catalog's published
// prices (USD per 1M tokens), so a change in either the catalog or the arithmetic shows up here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_RESPONSE_MODEL, METRICS } from '../src/index.js';
import { MetricsHarness, loadOpenAI, sum, where } from './support/harness.js';

const warnings: string[] = [];
let sim: Simulator;
let h: MetricsHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

beforeAll(async () => {
  diag.setLogger({ warn: (...a: unknown[]) => void warnings.push(a.map(String).join(' ')), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  sim = await startSimulator({ seed: 11, latencyScale: 0 });
  h = new MetricsHarness({
    pricing: {
      file: undefined,
      // A negotiated price and an Azure-style deployment name, over the bundled catalog.
      overrides: { 'gpt-4.1': { input: 1.5 } },
      deployments: { 'prod-chat': 'gpt-4o-mini' },
    },
  });
  client = new (loadOpenAI(7).OpenAI)({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
});
afterAll(async () => {
  diag.disable();
  await h.shutdown();
  await sim.close();
});

const costOf = async (model: string) => where(await h.histogram(METRICS.cost.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model });
const relClose = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-9);
const m = [{ role: 'user', content: 'x' }];

describe('exact cost', () => {
  it('sums to the hand-computed figure over many calls, with cached and reasoning splits', async () => {
    // gpt-4o-mini: input 0.15, cached input 0.075, output 0.60.
    // o4-mini: input 1.10, cached 0.275, output 4.40 (reasoning billed as output).
    // deepseek-chat: input 0.14, cache hit 0.0028, output 0.28.
    const calls: [model: string, usage: string, usd: number][] = [
      ['gpt-4o-mini', 'prompt=1000,completion=500,cached=0', (1000 * 0.15 + 500 * 0.6) / 1e6],
      ['gpt-4o-mini', 'prompt=1000,completion=500,cached=400', (600 * 0.15 + 400 * 0.075 + 500 * 0.6) / 1e6],
      ['o4-mini', 'prompt=2000,completion=3000,cached=1024,reasoning=2500', (976 * 1.1 + 1024 * 0.275 + 3000 * 4.4) / 1e6],
      ['deepseek-chat', 'prompt=12345,completion=678,cached=10000', (2345 * 0.14 + 10000 * 0.0028 + 678 * 0.28) / 1e6],
    ];
    const rounds = 25;
    for (let r = 0; r < rounds; r++) {
      for (const [model, usage] of calls) {
        await client.chat.completions.create({ model, messages: m }, { headers: { 'x-sim-usage': usage, 'x-sim-response-model': model } });
      }
    }
    for (const model of ['gpt-4o-mini', 'o4-mini', 'deepseek-chat']) {
      const expected = rounds * sum(calls.filter((c) => c[0] === model).map((c) => c[2]));
      const points = await costOf(model);
      expect(sum(points.map((p) => p.count))).toBe(rounds * calls.filter((c) => c[0] === model).length);
      relClose(sum(points.map((p) => p.sum)), expected);
    }
  });

  it('prices a stream from its final usage chunk', async () => {
    const s = await client.chat.completions.create(
      { model: 'gpt-5-mini', messages: m, stream: true },
      { headers: { 'x-sim-usage': 'prompt=800,completion=1200,cached=300,reasoning=900', 'x-sim-response-model': 'gpt-5-mini-2025-08-07' } },
    );
    for await (const _ of s);
    // gpt-5-mini: input 0.25, cached 0.025, output 2.00.
    const [p] = await costOf('gpt-5-mini');
    expect(p!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe('gpt-5-mini-2025-08-07');
    relClose(p!.sum, (500 * 0.25 + 300 * 0.025 + 1200 * 2.0) / 1e6);
  });

  it('applies overrides over the bundled price and maps deployment names', async () => {
    await client.chat.completions.create({ model: 'gpt-4.1', messages: m }, { headers: { 'x-sim-usage': 'prompt=1000,completion=100', 'x-sim-response-model': 'gpt-4.1' } });
    relClose((await costOf('gpt-4.1'))[0]!.sum, (1000 * 1.5 + 100 * 8.0) / 1e6);
    // An Azure deployment answers with its deployment name as the model.
    await client.chat.completions.create({ model: 'prod-chat', messages: m }, { headers: { 'x-sim-usage': 'prompt=1000,completion=100', 'x-sim-response-model': 'prod-chat' } });
    relClose((await costOf('prod-chat'))[0]!.sum, (1000 * 0.15 + 100 * 0.6) / 1e6);
  });
});

describe('unpriced models', () => {
  it('records no cost, counts the call with its model, and warns once per model', async () => {
    for (let i = 0; i < 3; i++) {
      await client.chat.completions.create({ model: 'my-private-llm', messages: m }, { headers: { 'x-sim-usage': 'prompt=10,completion=10', 'x-sim-response-model': 'my-private-llm' } });
    }
    expect(await costOf('my-private-llm')).toEqual([]);
    const unpriced = where(await h.points(METRICS.unpricedCalls.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'my-private-llm' });
    expect(unpriced.map((u) => [u.value, u.attributes[ATTR_GEN_AI_RESPONSE_MODEL]])).toEqual([[3, 'my-private-llm']]);
    expect(warnings.filter((w) => w.includes('my-private-llm'))).toHaveLength(1);
    // Calls without usage (an error) are neither priced nor unpriced.
    await expect(client.chat.completions.create({ model: 'my-private-llm', messages: m }, { headers: { 'x-sim-fault': 'server_error' } })).rejects.toThrow();
    expect(where(await h.points(METRICS.unpricedCalls.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'my-private-llm' }).map((u) => u.value)).toEqual([3]);
  });
});

describe('tiers and the cost a gateway reports', () => {
  it('prices a call at the rates of the service tier its response reports', async () => {
    // gpt-5-mini: input 0.25, output 2.00; flex is half of that.
    await client.chat.completions.create({ model: 'gpt-5-mini', messages: m, service_tier: 'flex' }, { headers: { 'x-sim-usage': 'prompt=1000,completion=100', 'x-sim-response-model': 'gpt-5-mini-flex-test' } });
    const [p] = (await costOf('gpt-5-mini')).filter((x) => x.attributes['openai.response.service_tier'] === 'flex');
    relClose(p!.sum, ((1000 * 0.25 + 100 * 2.0) * 0.5) / 1e6);
  });

  it('prices a long prompt at the long-context rates for the whole call', async () => {
    // gpt-5.4: above 272k input tokens, input 5.00 and output 22.50 instead of 2.50 / 15.00.
    await client.chat.completions.create({ model: 'gpt-5.4', messages: m }, { headers: { 'x-sim-usage': 'prompt=300000,completion=100', 'x-sim-response-model': 'gpt-5.4' } });
    relClose((await costOf('gpt-5.4'))[0]!.sum, (300000 * 5.0 + 100 * 22.5) / 1e6);
  });

  it("records a gateway's own figure (usage.cost, x-litellm-response-cost), marked genai_meter.cost.source=provider", async () => {
    await client.chat.completions.create({ model: 'via-openrouter', messages: m }, { headers: { 'x-sim-usage': 'prompt=10,completion=10', 'x-sim-reported-cost': 'usage=0.0042' } });
    await client.chat.completions.create({ model: 'via-litellm', messages: m }, { headers: { 'x-sim-usage': 'prompt=10,completion=10', 'x-sim-reported-cost': 'header=0.0017' } });
    const stream = await client.chat.completions.create(
      { model: 'via-openrouter-stream', messages: m, stream: true },
      { headers: { 'x-sim-usage': 'prompt=10,completion=10', 'x-sim-reported-cost': 'usage=0.003' } },
    );
    for await (const _ of stream);
    for (const [model, usd] of [['via-openrouter', 0.0042], ['via-litellm', 0.0017], ['via-openrouter-stream', 0.003]] as const) {
      const points = await costOf(model);
      expect(points.map((p) => [p.count, p.attributes['genai_meter.cost.source']])).toEqual([[1, 'provider']]);
      relClose(points[0]!.sum, usd);
    }
    // Unknown to the catalog, but priced by the gateway: not an unpriced call.
    expect(where(await h.points(METRICS.unpricedCalls.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'via-openrouter' })).toEqual([]);
  });
});
