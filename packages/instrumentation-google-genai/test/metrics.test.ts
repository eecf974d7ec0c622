// Exact values recorded for real @google/genai calls over real HTTP to the simulator's Gemini API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { PriceCatalog } from '@genai-meter/pricing';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DURATION_BUCKETS,
  METRICS,
} from '../src/index.js';
import { MetricsHarness, bucketIndex, byModel, headers, loadGenAI, sum, where, type GenAIModule } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

let sim: Simulator;
let h: MetricsHarness;
let genai: GenAIModule;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let ai: any;
const catalog = PriceCatalog.load({ file: undefined });

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(), 11));
  genai = loadGenAI();
  ai = new genai.GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: sim.url } });
});

afterAll(() => shutDown(h, sim));

const outcomes = (model: string) => h.outcomes(model, ATTR_HTTP_RESPONSE_STATUS_CODE);

describe('generateContent', () => {
  it('records duration, tokens (thoughts inside output, cached inside input), token details and cost with the semconv attributes', async () => {
    const res = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hello there',
      config: headers({ 'x-sim-usage': 'prompt=1200,cached=200,completion=340,reasoning=100', 'x-sim-latency-ms': 'ttfc=100' }),
    });
    // What Gemini reports: thoughts outside candidates, cached tokens inside the prompt.
    expect(res.usageMetadata).toMatchObject({ promptTokenCount: 1200, cachedContentTokenCount: 200, candidatesTokenCount: 240, thoughtsTokenCount: 100 });
    const base = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'generate_content',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'gcp.gemini',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gemini-2.5-flash',
      [ATTR_GEN_AI_RESPONSE_MODEL]: res.modelVersion,
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: sim.port,
    };
    const durations = where(await h.histogram(METRICS.duration.name), byModel('gemini-2.5-flash'));
    expect(durations).toHaveLength(1);
    expect(durations[0]!.attributes).toEqual(base);
    expect(durations[0]!.count).toBe(1);
    expect(durations[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(durations[0]!.sum).toBeLessThan(5);
    expect(durations[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, durations[0]!.sum)]).toBe(1);

    expect(await h.tokens('gemini-2.5-flash')).toEqual([
      ['input', 1200, 1],
      ['output', 340, 1],
    ]);
    const input = where(await h.histogram(METRICS.tokenUsage.name), { ...byModel('gemini-2.5-flash'), [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    expect(input[0]!.attributes).toEqual({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    expect(await h.details('gemini-2.5-flash')).toEqual([
      ['cache_read', 200],
      ['reasoning', 100],
    ]);

    const expected = catalog.cost(res.modelVersion, { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 200, reasoningTokens: 100 })!;
    expect(expected.totalUsd).toBeGreaterThan(0);
    const cost = where(await h.histogram(METRICS.cost.name), byModel('gemini-2.5-flash'));
    expect(cost.map((c) => [c.attributes, c.count])).toEqual([[{ ...base, [ATTR_GENAI_METER_COST_SOURCE]: 'catalog' }, 1]]);
    expect(cost[0]!.sum).toBeCloseTo(expected.totalUsd, 12);
    // Gemini bills thoughts as output: the same figure as 340 output tokens at the output rate.
    expect(expected.totalUsd).toBeCloseTo(catalog.cost(res.modelVersion, { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 200 })!.totalUsd, 12);
  });

  it('labels the model without its resource path and records the response model from modelVersion', async () => {
    const res = await ai.models.generateContent({
      model: 'models/gemini-2.0-flash',
      contents: 'hi',
      config: headers({ 'x-sim-usage': 'prompt=10,completion=5', 'x-sim-response-model': 'gemini-2.0-flash-001' }),
    });
    expect(res.modelVersion).toBe('gemini-2.0-flash-001');
    const d = where(await h.histogram(METRICS.duration.name), byModel('gemini-2.0-flash'));
    expect(d.map((p) => [p.count, p.attributes[ATTR_GEN_AI_RESPONSE_MODEL]])).toEqual([[1, 'gemini-2.0-flash-001']]);
    expect(await h.tokens('gemini-2.0-flash')).toEqual([
      ['input', 10, 1],
      ['output', 5, 1],
    ]);
  });

  it('prices by the requested service tier, which is never an attribute; a tier the catalog lacks is unpriced', async () => {
    await ai.models.generateContent({ model: 'gemini-2.5-flash-lite', contents: 'hi', config: { serviceTier: 'standard', ...headers({ 'x-sim-usage': 'prompt=100,completion=10' }) } });
    await ai.models.generateContent({ model: 'gemini-2.5-flash-lite', contents: 'hi', config: { serviceTier: 'flex', ...headers({ 'x-sim-usage': 'prompt=100,completion=10' }) } });
    const cost = where(await h.histogram(METRICS.cost.name), byModel('gemini-2.5-flash-lite'));
    expect(cost.map((c) => c.count)).toEqual([1]);
    expect(cost[0]!.sum).toBeCloseTo(catalog.cost('gemini-2.5-flash-lite', { inputTokens: 100, outputTokens: 10 })!.totalUsd, 12);
    expect(where(await h.points(METRICS.unpricedCalls.name), byModel('gemini-2.5-flash-lite')).map((p) => p.value)).toEqual([1]);
    const all = await h.collect();
    expect(all.some((m) => (m.dataPoints as { attributes: object }[]).some((p) => ATTR_OPENAI_RESPONSE_SERVICE_TIER in p.attributes))).toBe(false);
  });

  it('counts each round of automatic function calling as its own call, and a chat message once', async () => {
    const weather = {
      tool: async () => ({ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }),
      callTool: async (calls: { name: string }[]) => calls.map((c) => ({ functionResponse: { name: c.name, response: { celsius: 21 } } })),
    };
    await ai.models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'weather?',
      config: {
        tools: [weather],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
        automaticFunctionCalling: { maximumRemoteCalls: 2 },
        ...headers({ 'x-sim-usage': 'prompt=50,completion=20,reasoning=8' }),
      },
    });
    // Two model requests, each billed: both recorded with their usage.
    expect(await outcomes('gemini-2.5-pro')).toEqual([[2, undefined, undefined]]);
    expect(await h.tokens('gemini-2.5-pro')).toEqual([
      ['input', 100, 2],
      ['output', 40, 2],
    ]);

    const chat = ai.chats.create({ model: 'gemini-2.0-flash-lite' });
    await chat.sendMessage({ message: 'hi', config: headers({ 'x-sim-usage': 'prompt=7,completion=3' }) });
    for await (const _ of await chat.sendMessageStream({ message: 'more', config: headers({ 'x-sim-usage': 'prompt=9,completion=4' }) }));
    expect(await outcomes('gemini-2.0-flash-lite')).toEqual([[2, undefined, undefined]]);
    expect(await h.tokens('gemini-2.0-flash-lite')).toEqual([
      ['input', 16, 2],
      ['output', 7, 2],
    ]);
    expect(where(await h.histogram(METRICS.timeToFirstChunk.name), byModel('gemini-2.0-flash-lite')).map((p) => p.count)).toEqual([1]);
  });

  it('sends no rate-limit headers, so records no headroom; in-flight returns to zero', async () => {
    expect(await h.points(METRICS.rateLimitRemaining.name)).toEqual([]);
    expect(await h.points(METRICS.rateLimitLimit.name)).toEqual([]);
    const active = await h.points(METRICS.activeRequests.name);
    expect(active.length).toBeGreaterThan(0);
    expect(active.every((a) => a.value === 0)).toBe(true);
  });
});

describe('generateContentStream', () => {
  it('records TTFC, one time-per-chunk point per chunk after the first, and the final usage', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'stream please',
      config: headers({ 'x-sim-usage': 'prompt=30,completion=12,reasoning=4', 'x-sim-chunks': '6', 'x-sim-latency-ms': 'ttfc=100,chunk=5' }),
    });
    const chunks: { usageMetadata?: { candidatesTokenCount?: number } }[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks).toHaveLength(6);
    const m = { ...byModel('gemini-2.5-flash'), [ATTR_GEN_AI_OPERATION_NAME]: 'generate_content' };
    const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), m);
    expect(ttfc.map((p) => p.count)).toEqual([1]);
    expect(ttfc[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(ttfc[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, 0.05)]).toBe(0);
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), m).map((p) => p.count)).toEqual([5]);
    // The non-streaming call above recorded 1200/340; the stream adds its final (not running) counts once.
    expect(await h.tokens('gemini-2.5-flash')).toEqual([
      ['input', 1230, 2],
      ['output', 352, 2],
    ]);
    const durations = where(await h.histogram(METRICS.duration.name), byModel('gemini-2.5-flash'));
    expect(durations.map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE]])).toEqual([[2, undefined]]);
  });

  it('observes a stream read with next() as with for await', async () => {
    // Without automatic continuation the caller holds the SDK's own generator (nothing reads it for them).
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.5-flash-lite',
      contents: 'x',
      config: { automaticContinuation: false, ...headers({ 'x-sim-usage': 'prompt=5,completion=6', 'x-sim-chunks': '3' }) },
    });
    let n = 0;
    for (let r = await stream.next(); !r.done; r = await stream.next()) n++;
    expect(n).toBe(3);
    expect(where(await h.histogram(METRICS.timeToFirstChunk.name), byModel('gemini-2.5-flash-lite')).map((p) => p.count)).toEqual([1]);
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), byModel('gemini-2.5-flash-lite')).map((p) => p.count)).toEqual([2]);
  });

  it('a caller that stops at the finishReason chunk made a successful call; one that stops mid-answer cancelled it', async () => {
    const done = await ai.models.generateContentStream({ model: 'gemini-1.5-flash', contents: 'x', config: headers({ 'x-sim-usage': 'prompt=8,completion=20', 'x-sim-chunks': '4' }) });
    for await (const c of done) if (c.candidates?.[0]?.finishReason) break;
    expect(await outcomes('gemini-1.5-flash')).toEqual([[1, undefined, undefined]]);
    expect(await h.tokens('gemini-1.5-flash')).toEqual([
      ['input', 8, 1],
      ['output', 20, 1],
    ]);

    const stopped = await ai.models.generateContentStream({ model: 'gemini-1.5-pro', contents: 'x', config: headers({ 'x-sim-usage': 'prompt=8,completion=30', 'x-sim-chunks': '30' }) });
    let n = 0;
    for await (const _ of stopped) if (++n === 2) break;
    expect(await outcomes('gemini-1.5-pro')).toEqual([[1, 'cancelled', undefined]]);
    // What the provider had reported when the caller stopped (the running count of the second chunk).
    expect(await h.tokens('gemini-1.5-pro')).toEqual([
      ['input', 8, 1],
      ['output', 2, 1],
    ]);
    expect(where(await h.points(METRICS.activeRequests.name), byModel('gemini-1.5-pro')).map((a) => a.value)).toEqual([0]);
  });

  it('counts candidates: the call completes when every candidate has its finishReason', async () => {
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.0-pro', contents: 'x', config: { candidateCount: 2, ...headers({ 'x-sim-chunks': '3' }) } });
    const chunks: { candidates?: { finishReason?: string }[] }[] = [];
    for await (const c of stream) chunks.push(c);
    expect(await outcomes('gemini-2.0-pro')).toEqual([[1, undefined, undefined]]);
  });
});

describe('a gateway in front of the API', () => {
  it("records the cost it reports in a header (LiteLLM's), JSON and stream, as genai_meter.cost.source=provider", async () => {
    await ai.models.generateContent({ model: 'gateway-priced', contents: 'x', config: headers({ 'x-sim-usage': 'prompt=10,completion=5', 'x-sim-reported-cost': 'header=0.0125' }) });
    for await (const _ of await ai.models.generateContentStream({ model: 'gateway-priced', contents: 'x', config: headers({ 'x-sim-usage': 'prompt=10,completion=5', 'x-sim-reported-cost': 'header=0.5', 'x-sim-chunks': '3' }) }));
    const cost = where(await h.histogram(METRICS.cost.name), byModel('gateway-priced'));
    expect(cost.map((c) => [c.attributes[ATTR_GENAI_METER_COST_SOURCE], c.count, c.sum])).toEqual([['provider', 2, 0.5125]]);
    // The model is unknown to the catalog, but the gateway's figure prices it: not an unpriced call.
    expect(where(await h.points(METRICS.unpricedCalls.name), byModel('gateway-priced'))).toEqual([]);
  });
});

describe('embedContent', () => {
  it('records input tokens and cost, no output', async () => {
    const res = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['hello there', 'ab'], config: headers({ 'x-sim-usage': 'prompt=42' }) });
    expect(res.embeddings).toHaveLength(2);
    const m = { ...byModel('gemini-embedding-001'), [ATTR_GEN_AI_OPERATION_NAME]: 'embeddings' };
    expect(where(await h.histogram(METRICS.duration.name), m).map((d) => d.count)).toEqual([1]);
    expect(await h.tokens('gemini-embedding-001')).toEqual([['input', 42, 1]]);
    const cost = where(await h.histogram(METRICS.cost.name), m);
    expect(cost[0]!.sum).toBeCloseTo(catalog.cost('gemini-embedding-001', { inputTokens: 42 })!.totalUsd, 14);
  });
});

describe('errors', () => {
  const cases: [fault: string, errorType: string, status: number | undefined][] = [
    ['rate_limit', 'rate_limit', 429],
    ['insufficient_quota', 'insufficient_quota', 429],
    ['payment_required', 'insufficient_quota', 402],
    ['server_error', 'server_error', 500],
    ['service_unavailable', 'server_error', 503],
    ['unauthorized', 'auth', 400],
    ['forbidden', 'auth', 403],
    ['bad_request', 'bad_request', 400],
    ['not_found', 'bad_request', 404],
    ['reset', 'connection', undefined],
    ['malformed_json', 'invalid_response', undefined],
  ];
  for (const [fault, errorType, status] of cases) {
    it(`${fault} -> error.type=${errorType}`, async () => {
      const name = `err-${fault}`;
      await expect(ai.models.generateContent({ model: name, contents: 'x', config: headers({ 'x-sim-fault': fault }) })).rejects.toThrow();
      expect(await outcomes(name)).toEqual([[1, errorType, status]]);
      expect(await h.tokens(name)).toEqual([]);
    });
  }

  it('a hang past httpOptions.timeout -> timeout; the caller aborting -> cancelled', async () => {
    await expect(ai.models.generateContent({ model: 'err-hang', contents: 'x', config: { httpOptions: { timeout: 200, headers: { 'x-sim-fault': 'hang' } } } })).rejects.toThrow();
    expect(await outcomes('err-hang')).toEqual([[1, 'timeout', undefined]]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await expect(ai.models.generateContent({ model: 'err-abort', contents: 'x', config: { abortSignal: ac.signal, ...headers({ 'x-sim-fault': 'hang' }) } })).rejects.toThrow();
    expect(await outcomes('err-abort')).toEqual([[1, 'cancelled', undefined]]);
  });

  const streamCases: [fault: string, errorType: string | undefined, status: number | undefined][] = [
    ['stream_error', 'server_error', 503],
    ['stream_cut', 'connection', undefined],
    ['malformed_json', 'invalid_response', undefined],
    ['response_incomplete', undefined, undefined],
  ];
  for (const [fault, errorType, status] of streamCases) {
    it(`a stream with ${fault} -> ${errorType ?? 'success'}`, async () => {
      const name = `stream-${fault}`;
      const stream = await ai.models.generateContentStream({ model: name, contents: 'x', config: headers({ 'x-sim-fault': fault, 'x-sim-chunks': '6' }) });
      await (async () => {
        for await (const _ of stream);
      })().catch(() => undefined);
      expect(await outcomes(name)).toEqual([[1, errorType, status]]);
    });
  }

  it('a stream whose body outlives httpOptions.timeout -> timeout', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'stream-slow',
      contents: 'x',
      config: { httpOptions: { timeout: 300, headers: { 'x-sim-chunks': '10', 'x-sim-latency-ms': 'ttfc=0,chunk=100' } } },
    });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    expect(await outcomes('stream-slow')).toEqual([[1, 'timeout', undefined]]);
  });
});

describe('retries, providers and endpoints', () => {
  it('counts the retries of httpOptions.retryOptions and records the call once, with its final outcome', async () => {
    const retrying = { retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 } };
    const res = await ai.models.generateContent({
      model: 'retry-model',
      contents: 'x',
      config: { httpOptions: { ...retrying, headers: { 'x-sim-fault': 'service_unavailable', 'x-sim-fault-times': '2', 'x-sim-fault-id': 'retry-1' } } },
    });
    expect(res.candidates[0].finishReason).toBe('STOP');
    expect(await outcomes('retry-model')).toEqual([[1, undefined, undefined]]);
    const retries = where(await h.points(METRICS.retries.name), byModel('retry-model'));
    expect(retries.map((r) => [r.attributes[ATTR_GEN_AI_OPERATION_NAME], r.value])).toEqual([['generate_content', 2]]);
    // A stream's retries too; without retryOptions the SDK does not retry and nothing is counted.
    const stream = await ai.models.generateContentStream({
      model: 'retry-model',
      contents: 'x',
      config: { httpOptions: { ...retrying, headers: { 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '1', 'x-sim-fault-id': 'retry-2' } } },
    });
    for await (const _ of stream);
    await expect(ai.models.generateContent({ model: 'retry-model', contents: 'x', config: headers({ 'x-sim-fault': 'rate_limit' }) })).rejects.toThrow();
    expect(where(await h.points(METRICS.retries.name), byModel('retry-model')).map((r) => r.value)).toEqual([3]);
  });

  it('a Vertex AI client is gcp.vertex_ai; providerName overrides; a per-request baseUrl is the server', async () => {
    const vertex = new genai.GoogleGenAI({ vertexai: true, apiKey: 'k', httpOptions: { baseUrl: sim.url } });
    // The simulator serves the Gemini API only: the Vertex request is refused, and recorded as such.
    await expect(vertex.models.generateContent({ model: 'vertex-model', contents: 'x' })).rejects.toThrow();
    const d = where(await h.histogram(METRICS.duration.name), byModel('vertex-model'));
    expect(d.map((p) => [p.attributes[ATTR_GEN_AI_PROVIDER_NAME], p.attributes[ATTR_SERVER_PORT], p.attributes[ATTR_ERROR_TYPE]])).toEqual([['gcp.vertex_ai', sim.port, 'bad_request']]);

    const other = await startSimulator({ seed: 2, latencyScale: 0 });
    try {
      await ai.models.generateContent({ model: 'elsewhere', contents: 'x', config: { httpOptions: { baseUrl: other.url } } });
      expect(where(await h.histogram(METRICS.duration.name), byModel('elsewhere')).map((p) => p.attributes[ATTR_SERVER_PORT])).toEqual([other.port]);
    } finally {
      await other.close();
    }

    const own = new MetricsHarness({ providerName: 'my-gateway' });
    try {
      // The module is already loaded: a second instrumentation is given it by hand.
      own.instrumentation.patchGoogleGenAI(genai);
      await ai.models.generateContent({ model: 'gateway-model', contents: 'x' });
      const points = where(await own.histogram(METRICS.duration.name), byModel('gateway-model'));
      expect(points.map((p) => p.attributes[ATTR_GEN_AI_PROVIDER_NAME])).toEqual(['my-gateway']);
    } finally {
      await own.shutdown();
    }
  });

  it('records nothing while disabled, and again once enabled', async () => {
    h.instrumentation.disable();
    await ai.models.generateContent({ model: 'toggled', contents: 'x' });
    expect(await outcomes('toggled')).toEqual([]);
    h.instrumentation.enable();
    await ai.models.generateContent({ model: 'toggled', contents: 'x' });
    expect(sum((await outcomes('toggled')).map((o) => o[0] as number))).toBe(1);
  });
});
