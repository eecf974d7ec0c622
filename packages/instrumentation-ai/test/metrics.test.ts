// Exact values recorded for real AI SDK calls (ai 5, 6 and 7, each with the openai, anthropic, google and
// openai-compatible provider packages of its major) over real HTTP to the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { PriceCatalog, type CallUsage } from '@genai-meter/pricing';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DURATION_BUCKETS,
  METRICS,
} from '../src/index.js';
import { MAJORS, MetricsHarness, byModel, loadAI, providers, sum, where, type AISdk } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

let sim: Simulator;
let h: MetricsHarness;
const catalog = PriceCatalog.load({ file: undefined });

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(), 7));
});
afterAll(() => shutDown(h, sim));

const outcomes = (model: string) => h.outcomes(model, ATTR_HTTP_RESPONSE_STATUS_CODE);

// Every provider of a major answers the same usage; what each reports of it differs (see usage.ts).
const USAGE = 'prompt=1000,cached=600,cache_write=100,completion=50,reasoning=10';
interface Case {
  provider: 'openai' | 'chat' | 'anthropic' | 'google' | 'relay';
  semconv: string;
  requestModel: string;
  responseModel: string | undefined;
  /** Cache writes the API reports (chat completions and Gemini report none). */
  cacheWrite: number;
}
const CASES: Case[] = [
  { provider: 'openai', semconv: 'openai', requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18', cacheWrite: 100 },
  { provider: 'chat', semconv: 'openai', requestModel: 'gpt-4.1-mini', responseModel: 'gpt-4.1-mini-2025-04-14', cacheWrite: 0 },
  { provider: 'anthropic', semconv: 'anthropic', requestModel: 'claude-sonnet-4-5', responseModel: 'claude-sonnet-4-5-20250929', cacheWrite: 100 },
  // The Gemini API's response names the model (modelVersion), but the provider package does not pass it on.
  { provider: 'google', semconv: 'gcp.gemini', requestModel: 'gemini-2.5-flash', responseModel: undefined, cacheWrite: 0 },
  { provider: 'relay', semconv: 'relay', requestModel: 'deepseek-chat', responseModel: 'deepseek-chat', cacheWrite: 0 },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function modelFor(sdk: AISdk, c: Case, id: string): any {
  const p = providers(sdk, sim.url);
  return c.provider === 'chat' ? p.openai.chat(id) : p[c.provider](id);
}

for (const major of MAJORS) {
  describe(`ai ${major}`, () => {
    let sdk: AISdk;
    beforeAll(() => {
      sdk = loadAI(major);
    });

    for (const c of CASES) {
      it(`${c.provider}: generateText records duration, tokens (input with cache reads and writes, output with reasoning), details and cost`, async () => {
        // One series per provider and model, shared by the three majors: values are checked per call.
        const model = c.requestModel;
        const res = await sdk.ai.generateText({ model: modelFor(sdk, c, model), prompt: 'hello there', maxRetries: 0, headers: { 'x-sim-usage': USAGE, 'x-sim-response-model': c.responseModel ?? model, 'x-sim-latency-ms': 'ttfc=100' }});
        expect(res.text.length).toBeGreaterThan(0);
        const base = {
          [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
          [ATTR_GEN_AI_PROVIDER_NAME]: c.semconv,
          [ATTR_GEN_AI_REQUEST_MODEL]: model,
          [ATTR_SERVER_ADDRESS]: '127.0.0.1',
          [ATTR_SERVER_PORT]: sim.port,
          ...(c.responseModel ? { [ATTR_GEN_AI_RESPONSE_MODEL]: c.responseModel } : {}),
          ...(c.provider === 'openai' ? { [ATTR_OPENAI_RESPONSE_SERVICE_TIER]: 'default' } : {}),
        };
        const durations = where(await h.histogram(METRICS.duration.name), { ...byModel(model), [ATTR_GEN_AI_PROVIDER_NAME]: c.semconv });
        const mine = durations.filter((d) => d.attributes[ATTR_ERROR_TYPE] === undefined);
        expect(mine.map((d) => d.attributes)).toContainEqual(base);
        const point = mine.find((d) => JSON.stringify(d.attributes) === JSON.stringify(Object.fromEntries(Object.entries(base).sort())))!;
        expect(point.buckets.boundaries).toEqual(DURATION_BUCKETS);
        expect(point.sum / point.count).toBeGreaterThanOrEqual(0.1);

        const t = where(await h.histogram(METRICS.tokenUsage.name), base);
        const last = (type: string) => where(t, { [ATTR_GEN_AI_TOKEN_TYPE]: type })[0]!;
        // Each major's test adds one call to the same series: per call 1000 in, 50 out.
        expect(last('input').sum / last('input').count).toBe(1000);
        expect(last('output').sum / last('output').count).toBe(50);
        const d = where(await h.points(METRICS.tokenDetails.name), base);
        const detail = (kind: string) => sum(where(d, { [ATTR_GENAI_METER_TOKEN_DETAIL]: kind }).map((p) => p.value)) / last('input').count;
        expect([detail('cache_read'), detail('cache_write'), detail('reasoning')]).toEqual([600, c.cacheWrite, 10]);

        const usage: CallUsage = { inputTokens: 1000, outputTokens: 50, cacheReadTokens: 600, cacheWriteTokens: c.cacheWrite, reasoningTokens: 10 };
        const expected = catalog.priceCall([c.responseModel, model], usage);
        expect(expected.priced).toBe(true);
        const cost = where(await h.histogram(METRICS.cost.name), { ...base, [ATTR_GENAI_METER_COST_SOURCE]: 'catalog' });
        expect(cost).toHaveLength(1);
        expect(cost[0]!.sum / cost[0]!.count).toBeCloseTo(expected.priced ? expected.totalUsd : NaN, 12);
      });

      it(`${c.provider}: streamText records time to first chunk, time per chunk, tokens from the finish part`, async () => {
        const model = `${c.requestModel}-stream-${major}`;
        const result = sdk.ai.streamText({
          model: modelFor(sdk, c, model),
          prompt: 'stream please',
          maxRetries: 0,
          headers: { 'x-sim-usage': 'prompt=30,completion=12', 'x-sim-chunks': '6', 'x-sim-latency-ms': 'ttfc=100,chunk=5' },
        });
        const parts: string[] = [];
        for await (const part of result.fullStream) parts.push(part.type);
        const usage = await result.usage;
        expect([usage.inputTokens, usage.outputTokens]).toEqual([30, 12]);
        const deltas = parts.filter((p) => p === 'text-delta').length;
        expect(deltas).toBeGreaterThanOrEqual(6);
        const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), byModel(model));
        expect(ttfc.map((p) => p.count)).toEqual([1]);
        expect(ttfc[0]!.sum).toBeGreaterThanOrEqual(0.1);
        const perChunk = where(await h.histogram(METRICS.timePerOutputChunk.name), byModel(model));
        // One point per output delta after the first (the AI SDK passes the provider's deltas on one for one).
        expect(sum(perChunk.map((p) => p.count))).toBe(deltas - 1);
        expect(await h.tokens(model)).toEqual([
          ['input', 30, 1],
          ['output', 12, 1],
        ]);
        const durations = where(await h.histogram(METRICS.duration.name), byModel(model));
        expect(durations.map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE], d.attributes[ATTR_GEN_AI_PROVIDER_NAME]])).toEqual([[1, undefined, c.semconv]]);
        expect(durations[0]!.sum).toBeGreaterThanOrEqual(ttfc[0]!.sum);
        if (c.responseModel) expect(durations[0]!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe(model);
        expect(sum(where(await h.points(METRICS.activeRequests.name), byModel(model)).map((p) => p.value))).toBe(0);
      });
    }

    it('generateObject and streamObject are chat calls with their usage', async () => {
      const { z } = await import('zod');
      const schema = z.object({ name: z.string(), count: z.number() });
      const model = `gpt-4o-mini-object-${major}`;
      const m = providers(sdk, sim.url).openai.chat(model);
      const obj = await sdk.ai.generateObject({ model: m, schema, prompt: 'x', headers: { 'x-sim-usage': 'prompt=21,completion=8' } });
      expect(typeof obj.object.name).toBe('string');
      const streamed = sdk.ai.streamObject({ model: m, schema, prompt: 'x', headers: { 'x-sim-usage': 'prompt=5,completion=7' } });
      for await (const _ of streamed.partialObjectStream);
      expect(typeof (await streamed.object).count).toBe('number');
      expect(await h.tokens(model)).toEqual([
        ['input', 26, 2],
        ['output', 15, 2],
      ]);
      expect(where(await h.histogram(METRICS.timeToFirstChunk.name), byModel(model)).map((p) => p.count)).toEqual([1]);
    });

    it('embed and embedMany are embeddings calls with their input tokens and cost', async () => {
      // One series shared by the three majors (a priced model name): values are checked as increments.
      const model = 'text-embedding-3-small';
      const openai = providers(sdk, sim.url).openai;
      const m = openai.embedding ? openai.embedding(model) : openai.textEmbeddingModel(model);
      const before = where(await h.histogram(METRICS.tokenUsage.name), byModel(model));
      const costBefore = sum(where(await h.histogram(METRICS.cost.name), byModel(model)).map((p) => p.count));
      const one = await sdk.ai.embed({ model: m, value: 'hello', headers: { 'x-sim-usage': 'prompt=4' } });
      expect(one.usage.tokens).toBe(4);
      const many = await sdk.ai.embedMany({ model: m, values: ['a', 'b', 'c'], headers: { 'x-sim-usage': 'prompt=9' } });
      expect(many.embeddings).toHaveLength(3);
      const after = where(await h.histogram(METRICS.tokenUsage.name), byModel(model));
      expect(after.map((p) => [p.attributes[ATTR_GEN_AI_OPERATION_NAME], p.attributes[ATTR_GEN_AI_TOKEN_TYPE]])).toEqual([['embeddings', 'input']]);
      expect([after[0]!.sum - (before[0]?.sum ?? 0), after[0]!.count - (before[0]?.count ?? 0)]).toEqual([13, 2]);
      expect(sum(where(await h.histogram(METRICS.cost.name), byModel(model)).map((p) => p.count)) - costBefore).toBe(2);
    });
  });
}

describe('ai 7: what only some providers report', () => {
  let sdk: AISdk;
  beforeAll(() => {
    sdk = loadAI(7);
  });

  it('Anthropic cache writes with the 1-hour lifetime are priced at their own rate', async () => {
    const model = 'claude-haiku-4-5';
    await sdk.ai.generateText({ model: providers(sdk, sim.url).anthropic(model), prompt: 'x', headers: { 'x-sim-usage': 'prompt=3000,cache_write_1h=2000,completion=10' } });
    const usage = { inputTokens: 3000, outputTokens: 10, cacheWriteTokens: 2000, cacheWriteTokensByTtl: { '1h': 2000 } };
    const withTtl = catalog.priceCall(['claude-haiku-4-5-20251001'], usage);
    const without = catalog.priceCall(['claude-haiku-4-5-20251001'], { ...usage, cacheWriteTokensByTtl: undefined });
    expect(withTtl.priced && without.priced && withTtl.totalUsd > without.totalUsd).toBe(true);
    const cost = where(await h.histogram(METRICS.cost.name), byModel(model));
    expect(cost[0]!.sum).toBeCloseTo(withTtl.priced ? withTtl.totalUsd : NaN, 12);
    expect(await h.details(model)).toEqual([['cache_write', 2000]]);
  });

  it('rate-limit headroom from each provider\'s own headers (OpenAI x-ratelimit-*, Anthropic anthropic-ratelimit-*), none for Gemini', async () => {
    const p = providers(sdk, sim.url);
    const gauges = async (model: string) =>
      where(await h.points(METRICS.rateLimitRemaining.name), byModel(model))
        .map((x) => [x.attributes[ATTR_GENAI_METER_RATE_LIMIT_TYPE], x.value])
        .sort();
    const o = await sdk.ai.generateText({ model: p.openai.chat('rl-openai'), prompt: 'x' });
    const a = await sdk.ai.generateText({ model: p.anthropic('rl-anthropic'), prompt: 'x' });
    await sdk.ai.generateText({ model: p.google('rl-gemini'), prompt: 'x' });
    const oh = o.response.headers;
    const ah = a.response.headers;
    expect(await gauges('rl-openai')).toEqual([
      ['requests', Number(oh['x-ratelimit-remaining-requests'])],
      ['tokens', Number(oh['x-ratelimit-remaining-tokens'])],
    ]);
    expect(await gauges('rl-anthropic')).toEqual([
      ['requests', Number(ah['anthropic-ratelimit-requests-remaining'])],
      ['tokens', Number(ah['anthropic-ratelimit-tokens-remaining'])],
    ]);
    expect(await gauges('rl-gemini')).toEqual([]);
  });

  it('a model named by a string through the default provider is measured', async () => {
    const g = globalThis as { AI_SDK_DEFAULT_PROVIDER?: unknown };
    g.AI_SDK_DEFAULT_PROVIDER = providers(sdk, sim.url).openai;
    try {
      await sdk.ai.generateText({ model: 'gpt-4o', prompt: 'x', headers: { 'x-sim-usage': 'prompt=3,completion=2' } });
    } finally {
      delete g.AI_SDK_DEFAULT_PROVIDER;
    }
    expect(await h.tokens('gpt-4o')).toEqual([
      ['input', 3, 1],
      ['output', 2, 1],
    ]);
  });
});

describe('ai 7: errors', () => {
  let sdk: AISdk;
  beforeAll(() => {
    sdk = loadAI(7);
  });
  type Provider = 'openai' | 'anthropic' | 'google';
  const cases: [fault: string, provider: Provider, errorType: string, status: number | undefined][] = [
    ['rate_limit', 'openai', 'rate_limit', 429],
    ['rate_limit', 'anthropic', 'rate_limit', 429],
    ['rate_limit', 'google', 'rate_limit', 429],
    ['server_error', 'openai', 'server_error', 500],
    ['service_unavailable', 'anthropic', 'server_error', 529],
    ['service_unavailable', 'google', 'server_error', 503],
    ['unauthorized', 'openai', 'auth', 401],
    ['unauthorized', 'google', 'auth', 400],
    ['forbidden', 'anthropic', 'auth', 403],
    ['bad_request', 'openai', 'bad_request', 400],
    ['not_found', 'anthropic', 'bad_request', 404],
    ['insufficient_quota', 'openai', 'insufficient_quota', 429],
    ['insufficient_quota', 'anthropic', 'insufficient_quota', 400],
    ['insufficient_quota', 'google', 'insufficient_quota', 429],
    ['payment_required', 'openai', 'insufficient_quota', 402],
    ['reset', 'anthropic', 'connection', undefined],
    ['malformed_json', 'google', 'invalid_response', undefined],
    ['response_failed', 'openai', 'server_error', undefined],
  ];
  for (const [fault, provider, errorType, status] of cases) {
    it(`${provider} ${fault} -> error.type=${errorType}`, async () => {
      const model = `err-${provider}-${fault}`;
      await expect(sdk.ai.generateText({ model: providers(sdk, sim.url)[provider](model), prompt: 'x', maxRetries: 0, headers: { 'x-sim-fault': fault } })).rejects.toThrow();
      expect(await outcomes(model)).toEqual([[1, errorType, status]]);
      expect(await h.tokens(model)).toEqual([]);
    });
  }

  for (const provider of ['openai', 'anthropic', 'google', 'relay'] as const) {
    it(`${provider}: an error inside a stream fails the call with the provider's error`, async () => {
      const model = `stream-err-${provider}`;
      const errors: unknown[] = [];
      const result = sdk.ai.streamText({ model: providers(sdk, sim.url)[provider](model), prompt: 'x', maxRetries: 0, headers: { 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' }, onError: (e: unknown) => void errors.push(e) });
      for await (const _ of result.fullStream);
      expect(errors.length).toBeGreaterThan(0);
      expect(await outcomes(model)).toEqual([[1, 'server_error', undefined]]);
    });
  }

  it('a hang past the call\'s abort signal -> cancelled; past its timeout -> timeout', async () => {
    const m = providers(sdk, sim.url).openai.chat('err-hang');
    await expect(sdk.ai.generateText({ model: m, prompt: 'x', maxRetries: 0, abortSignal: AbortSignal.timeout(200), headers: { 'x-sim-fault': 'hang' } })).rejects.toThrow();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await expect(sdk.ai.generateText({ model: providers(sdk, sim.url).openai.chat('err-abort'), prompt: 'x', maxRetries: 0, abortSignal: controller.signal, headers: { 'x-sim-fault': 'hang' } })).rejects.toThrow();
    expect(await outcomes('err-hang')).toEqual([[1, 'timeout', undefined]]);
    expect(await outcomes('err-abort')).toEqual([[1, 'cancelled', undefined]]);
  });
});

describe('ai 7: the SDK\'s own retries', () => {
  let sdk: AISdk;
  let n = 0;
  beforeAll(() => {
    sdk = loadAI(7);
  });
  const once = (fault: string, times: number) => ({ 'x-sim-fault': fault, 'x-sim-fault-times': String(times), 'x-sim-fault-id': `retry-${++n}`, 'x-sim-usage': 'prompt=10,completion=4' });

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`${provider}: a 429 then a success is one successful call and one retry`, async () => {
      const model = `retry-ok-${provider}`;
      const res = await sdk.ai.generateText({ model: providers(sdk, sim.url)[provider](model), prompt: 'x', headers: once('rate_limit', 1) });
      expect(res.usage.inputTokens).toBe(10);
      expect(await outcomes(model)).toEqual([[1, undefined, undefined]]);
      expect(where(await h.points(METRICS.retries.name), byModel(model)).map((p) => p.value)).toEqual([1]);
      expect(await h.tokens(model)).toEqual([
        ['input', 10, 1],
        ['output', 4, 1],
      ]);
    });
  }

  it('retries exhausted: one failed call (the last attempt\'s error) and maxRetries retries', async () => {
    const model = 'retry-exhausted';
    await expect(sdk.ai.generateText({ model: providers(sdk, sim.url).openai(model), prompt: 'x', maxRetries: 2, headers: once('rate_limit', 9) })).rejects.toThrow();
    expect(await outcomes(model)).toEqual([[1, 'rate_limit', 429]]);
    expect(where(await h.points(METRICS.retries.name), byModel(model)).map((p) => p.value)).toEqual([2]);
    expect(sum(where(await h.points(METRICS.activeRequests.name), byModel(model)).map((p) => p.value))).toBe(0);
  });

  it('a streamed call retried before its stream started, and an embedding retried', async () => {
    const model = 'retry-stream';
    const result = sdk.ai.streamText({ model: providers(sdk, sim.url).openai.chat(model), prompt: 'x', headers: once('rate_limit', 1) });
    for await (const _ of result.textStream);
    expect(await outcomes(model)).toEqual([[1, undefined, undefined]]);
    expect(where(await h.points(METRICS.retries.name), byModel(model)).map((p) => p.value)).toEqual([1]);
    const openai = providers(sdk, sim.url).openai;
    await sdk.ai.embed({ model: openai.embedding('retry-embed'), value: 'x', headers: once('rate_limit', 2) });
    expect(await outcomes('retry-embed')).toEqual([[1, undefined, undefined]]);
    expect(where(await h.points(METRICS.retries.name), byModel('retry-embed')).map((p) => p.value)).toEqual([2]);
  });

  it('maxRetries: 0 records the first failure at once', async () => {
    const model = 'retry-none';
    await expect(sdk.ai.generateText({ model: providers(sdk, sim.url).openai(model), prompt: 'x', maxRetries: 0, headers: once('rate_limit', 1) })).rejects.toThrow();
    expect(await outcomes(model)).toEqual([[1, 'rate_limit', 429]]);
    expect(where(await h.points(METRICS.retries.name), byModel(model))).toEqual([]);
  });
});
