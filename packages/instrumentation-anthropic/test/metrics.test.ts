// Exact values recorded for real @anthropic-ai/sdk 1.x calls over real HTTP to the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { PriceCatalog } from '@genai-meter/pricing';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DURATION_BUCKETS,
  METRICS,
} from '../src/index.js';
import { AnthropicHarness, bucketIndex, byModel, loadAnthropic, sum, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

let sim: Simulator;
let h: AnthropicHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let Anthropic: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const catalog = PriceCatalog.load({ file: undefined });

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new AnthropicHarness(), 7));
  Anthropic = loadAnthropic('v1').Anthropic; // after the instrumentation: patched on require
  client = new Anthropic({ apiKey: 'sk-ant-test-secret-key', baseURL: sim.url, maxRetries: 0 });
});

afterAll(() => shutDown(h, sim));

const user = (content: string) => [{ role: 'user', content }];
const sim_ = (headers: Record<string, string>) => ({ headers });
const outcomes = (model: string) => h.outcomes(model, ATTR_HTTP_RESPONSE_STATUS_CODE);

describe('messages.create', () => {
  it('records duration, input tokens with cache reads and writes, token details and cost priced by cache lifetime', async () => {
    const model = 'claude-sonnet-4-5';
    const message = await client.messages.create(
      { model, max_tokens: 1024, messages: user('hello there') },
      sim_({ 'x-sim-usage': 'prompt=3000,cached=1800,cache_write=400,cache_write_1h=300,completion=250', 'x-sim-latency-ms': 'ttfc=100' }),
    );
    // What Anthropic reports: input_tokens without the cache reads and writes.
    expect(message.usage).toMatchObject({
      input_tokens: 500,
      cache_read_input_tokens: 1800,
      cache_creation_input_tokens: 700,
      cache_creation: { ephemeral_5m_input_tokens: 400, ephemeral_1h_input_tokens: 300 },
      output_tokens: 250,
      service_tier: 'standard',
    });
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    const base = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'anthropic',
      [ATTR_GEN_AI_REQUEST_MODEL]: model,
      [ATTR_GEN_AI_RESPONSE_MODEL]: message.model,
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: sim.port,
    };
    const durations = where(await h.histogram(METRICS.duration.name), byModel(model));
    expect(durations).toHaveLength(1);
    // No openai.response.service_tier: semconv defines it for OpenAI only; Anthropic's tier prices the call.
    expect(durations[0]!.attributes).toEqual(base);
    expect(durations[0]!.attributes[ATTR_OPENAI_RESPONSE_SERVICE_TIER]).toBeUndefined();
    expect(durations[0]!.count).toBe(1);
    expect(durations[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(durations[0]!.sum).toBeLessThan(5);
    expect(durations[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, durations[0]!.sum)]).toBe(1);

    // semconv input = input_tokens + cache reads + cache writes.
    expect(await h.tokens(model)).toEqual([
      ['input', 3000, 1],
      ['output', 250, 1],
    ]);
    const input = where(await h.histogram(METRICS.tokenUsage.name), { ...byModel(model), [ATTR_GEN_AI_TOKEN_TYPE]: 'input' })[0]!;
    expect(input.attributes).toEqual({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    expect(await h.details(model)).toEqual([
      ['cache_read', 1800],
      ['cache_write', 700],
    ]);

    // 1200 uncached at $3, 1800 reads at $0.30, 400 5-minute writes at $3.75, 300 1-hour writes at $6, 250 output at $15 (per 1M).
    const expected = catalog.cost(message.model, { inputTokens: 3000, outputTokens: 250, cacheReadTokens: 1800, cacheWriteTokens: 700, cacheWriteTokensByTtl: { '1h': 300 } })!;
    expect(expected.totalUsd).toBeCloseTo((500 * 3 + 1800 * 0.3 + 400 * 3.75 + 300 * 6 + 250 * 15) / 1e6, 12);
    const cost = where(await h.histogram(METRICS.cost.name), byModel(model));
    expect(cost).toHaveLength(1);
    expect(cost[0]!.attributes).toEqual({ ...base, [ATTR_GENAI_METER_COST_SOURCE]: 'catalog' });
    expect(cost[0]!.sum).toBeCloseTo(expected.totalUsd, 12);
  });

  it('records thinking tokens as the reasoning detail of output, counted once', async () => {
    const model = 'claude-opus-4-1';
    const message = await client.messages.create(
      { model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: user('think') },
      sim_({ 'x-sim-usage': 'prompt=50,completion=500,reasoning=384' }),
    );
    expect(message.content[0].type).toBe('thinking');
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 384 });
    expect(await h.tokens(model)).toEqual([
      ['input', 50, 1],
      ['output', 500, 1],
    ]);
    expect(await h.details(model)).toEqual([['reasoning', 384]]);
    const expected = catalog.cost(message.model, { inputTokens: 50, outputTokens: 500, reasoningTokens: 384 })!;
    expect((await h.cost(model)).sum).toBeCloseTo(expected.totalUsd, 12);
  });
});

describe('streams', () => {
  it('messages.create({ stream: true }): TTFC, one time_per_output_chunk per content delta after the first, tokens from message_delta', async () => {
    const model = 'claude-haiku-4-5';
    const stream = await client.messages.create(
      { model, max_tokens: 1024, messages: user('stream please'), stream: true },
      sim_({ 'x-sim-usage': 'prompt=30,completion=12,cached=10', 'x-sim-chunks': '6', 'x-sim-latency-ms': 'ttfc=100,chunk=5' }),
    );
    const events: { type: string }[] = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      ...Array(6).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), byModel(model));
    expect(ttfc.map((p) => p.count)).toEqual([1]);
    expect(ttfc[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(ttfc[0]!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]).toBe('claude-haiku-4-5-20251001');
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), byModel(model)).map((p) => p.count)).toEqual([5]);
    expect(await h.tokens(model)).toEqual([
      ['input', 30, 1],
      ['output', 12, 1],
    ]);
    expect(await h.details(model)).toEqual([['cache_read', 10]]);
    const durations = where(await h.histogram(METRICS.duration.name), byModel(model));
    expect(durations.map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, undefined]]);
    // The stream's duration ends at its last event, so it covers TTFC plus the chunks.
    expect(durations[0]!.sum).toBeGreaterThanOrEqual(ttfc[0]!.sum);
    const expected = catalog.cost('claude-haiku-4-5-20251001', { inputTokens: 30, outputTokens: 12, cacheReadTokens: 10 })!;
    expect((await h.cost(model)).sum).toBeCloseTo(expected.totalUsd, 12);
  });

  it('a thinking stream: thinking deltas are output chunks, its signature is not; thinking tokens are reasoning', async () => {
    const model = 'claude-opus-4-6';
    const stream = await client.messages.create(
      { model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: user('think'), stream: true },
      sim_({ 'x-sim-usage': 'prompt=20,completion=100,reasoning=40', 'x-sim-chunks': '3' }),
    );
    const deltas: string[] = [];
    for await (const e of stream) if (e.type === 'content_block_delta') deltas.push(e.delta.type);
    const outputDeltas = deltas.filter((d) => d !== 'signature_delta').length;
    expect(deltas).toContain('signature_delta');
    expect(outputDeltas).toBe(10 + 3); // 40 thinking tokens in ~4-token deltas, then 3 text chunks
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), byModel(model)).map((p) => p.count)).toEqual([outputDeltas - 1]);
    expect(await h.details(model)).toEqual([['reasoning', 40]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 20, 1],
      ['output', 100, 1],
    ]);
  });

  it('messages.stream(): the same events and final message as without the instrumentation, recorded once', async () => {
    const model = 'claude-sonnet-4-5-helper';
    const stream = client.messages.stream(
      { model, max_tokens: 1024, messages: user('write') },
      sim_({ 'x-sim-usage': 'prompt=1500,cached=1000,cache_write_1h=200,completion=40', 'x-sim-chunks': '4' }),
    );
    let text = '';
    stream.on('text', (delta: string) => (text += delta));
    const final = await stream.finalMessage();
    expect(final.content[0].text).toBe(text);
    expect(final.usage).toMatchObject({ input_tokens: 300, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 40 });
    expect(await outcomes(model)).toEqual([[1, undefined, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 1500, 1],
      ['output', 40, 1],
    ]);
    expect(await h.details(model)).toEqual([
      ['cache_read', 1000],
      ['cache_write', 200],
    ]);
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), byModel(model)).map((p) => p.count)).toEqual([3]);
    // An unknown model (not in the catalog): no cost, counted as unpriced.
    expect((await h.cost(model)).sum).toBe(0);
    expect(sum(where(await h.points(METRICS.unpricedCalls.name), byModel(model)).map((p) => p.value))).toBe(1);
  });
});

describe('the beta namespace', () => {
  it('beta.messages.create and beta.messages.stream() are recorded like messages', async () => {
    const model = 'claude-sonnet-4-5';
    const betaModel = { [ATTR_GEN_AI_RESPONSE_MODEL]: 'claude-sonnet-4-5-20250929', ...byModel(model) };
    const before = sum(where(await h.histogram(METRICS.duration.name), betaModel).map((p) => p.count));
    const message = await client.beta.messages.create(
      { model, max_tokens: 100, messages: user('beta'), betas: ['context-management-2025-06-27'] },
      sim_({ 'x-sim-usage': 'prompt=70,completion=7' }),
    );
    expect(message.usage.input_tokens).toBe(70);
    const stream = client.beta.messages.stream({ model, max_tokens: 100, messages: user('beta stream') }, sim_({ 'x-sim-usage': 'prompt=80,completion=8', 'x-sim-chunks': '2' }));
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(8);
    const durations = where(await h.histogram(METRICS.duration.name), betaModel);
    expect(sum(durations.map((p) => p.count)) - before).toBe(2);
    const input = where(await h.histogram(METRICS.tokenUsage.name), { ...betaModel, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    // 3000 from the first test of this file, then 70 and 80.
    expect(sum(input.map((p) => p.sum))).toBe(3000 + 70 + 80);
  });
});

describe('errors', () => {
  const cases: [fault: string, errorType: string, status: number | undefined][] = [
    ['rate_limit', 'rate_limit', 429],
    ['server_error', 'server_error', 500],
    ['service_unavailable', 'server_error', 529],
    ['unauthorized', 'auth', 401],
    ['forbidden', 'auth', 403],
    ['bad_request', 'bad_request', 400],
    ['not_found', 'bad_request', 404],
    ['insufficient_quota', 'insufficient_quota', 400],
    ['payment_required', 'insufficient_quota', 402],
    ['reset', 'connection', undefined],
    ['malformed_json', 'invalid_response', undefined],
  ];
  for (const [fault, errorType, status] of cases) {
    it(`${fault} -> error.type=${errorType}`, async () => {
      const model = `err-${fault}`;
      await expect(client.messages.create({ model, max_tokens: 10, messages: user('x') }, sim_({ 'x-sim-fault': fault }))).rejects.toThrow();
      expect(await outcomes(model)).toEqual([[1, errorType, status]]);
      expect(await h.tokens(model)).toEqual([]);
    });
  }

  it('a hang past the client timeout -> timeout', async () => {
    const c = new Anthropic({ apiKey: 'k', baseURL: sim.url, maxRetries: 0, timeout: 200 });
    await expect(c.messages.create({ model: 'err-hang', max_tokens: 10, messages: user('x') }, sim_({ 'x-sim-fault': 'hang' }))).rejects.toThrow();
    expect(await outcomes('err-hang')).toEqual([[1, 'timeout', undefined]]);
  });

  it('an error event inside the stream (overloaded_error) -> server_error, with the input tokens message_start reported', async () => {
    const model = 'err-stream-event';
    const stream = await client.messages.create({ model, max_tokens: 100, messages: user('x'), stream: true }, sim_({ 'x-sim-fault': 'stream_error', 'x-sim-usage': 'prompt=25,completion=30' }));
    let thrown: unknown;
    try {
      for await (const _ of stream);
    } catch (err) {
      thrown = err;
    }
    expect((thrown as { error?: { error?: { type?: string } } }).error?.error?.type).toBe('overloaded_error');
    expect(await outcomes(model)).toEqual([[1, 'server_error', undefined]]);
    // Anthropic bills the input of a failed stream; the output it generated is never reported.
    expect(await h.tokens(model)).toEqual([['input', 25, 1]]);
  });

  it('a stream cut off mid-way -> connection', async () => {
    const model = 'err-cut';
    const stream = await client.messages.create({ model, max_tokens: 100, messages: user('x'), stream: true }, sim_({ 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '10' }));
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    expect(await outcomes(model)).toEqual([[1, 'connection', undefined]]);
  });

  it('a request the caller aborts -> cancelled', async () => {
    const ac = new AbortController();
    const p = client.messages.create({ model: 'err-abort', max_tokens: 10, messages: user('x') }, { signal: ac.signal, headers: { 'x-sim-latency-ms': 'ttfc=2000' } });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toThrow();
    expect(await outcomes('err-abort')).toEqual([[1, 'cancelled', undefined]]);
  });
});

describe('retries, rate limits, in-flight', () => {
  it('counts SDK retries (a 529 retried twice) and records the call once, successful', async () => {
    const c = new Anthropic({ apiKey: 'k', baseURL: sim.url, maxRetries: 2 });
    const before = sim.requests;
    const res = await c.messages.create({ model: 'retry-model', max_tokens: 10, messages: user('x') }, sim_({ 'x-sim-fault': 'service_unavailable', 'x-sim-fault-times': '2' }));
    expect(res.content).toHaveLength(1);
    expect(sim.requests - before).toBe(3);
    expect(where(await h.points(METRICS.retries.name), byModel('retry-model')).map((r) => r.value)).toEqual([2]);
    expect(await outcomes('retry-model')).toEqual([[1, undefined, undefined]]);
  });

  it('reports the last anthropic-ratelimit-* headers per model', async () => {
    const { response } = await client.messages.create({ model: 'rl-model', max_tokens: 10, messages: user('x') }).withResponse();
    const remaining = where(await h.points(METRICS.rateLimitRemaining.name), byModel('rl-model'));
    const limit = where(await h.points(METRICS.rateLimitLimit.name), byModel('rl-model'));
    const get = (pts: typeof remaining, type: string) => where(pts, { [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: type }).map((p) => p.value);
    const header = (name: string) => Number(response.headers.get(name));
    expect(header('anthropic-ratelimit-requests-limit')).toBeGreaterThan(header('anthropic-ratelimit-requests-remaining'));
    expect(get(remaining, 'requests')).toEqual([header('anthropic-ratelimit-requests-remaining')]);
    expect(get(remaining, 'tokens')).toEqual([header('anthropic-ratelimit-tokens-remaining')]);
    expect(get(limit, 'requests')).toEqual([header('anthropic-ratelimit-requests-limit')]);
    expect(get(limit, 'tokens')).toEqual([header('anthropic-ratelimit-tokens-limit')]);
  });

  it('counts calls in flight while they wait on the provider, and a stream until its last event', async () => {
    const model = 'inflight-model';
    const p = client.messages.create({ model, max_tokens: 10, messages: user('x') }, sim_({ 'x-sim-latency-ms': 'ttfc=400' }));
    const s = await client.messages.create({ model, max_tokens: 10, messages: user('x'), stream: true }, sim_({ 'x-sim-latency-ms': 'ttfc=0,chunk=100', 'x-sim-chunks': '5' }));
    await new Promise((r) => setTimeout(r, 150));
    const active = async () => sum(where(await h.points(METRICS.activeRequests.name), byModel(model)).map((a) => a.value));
    expect(await active()).toBe(2);
    await p;
    expect(await active()).toBe(1);
    for await (const _ of s);
    expect(await active()).toBe(0);
  });
});

describe('what is not a Messages call', () => {
  it('countTokens is not recorded (free, no generation: it would skew chat latency and double input tokens)', async () => {
    const count = await client.messages.countTokens({ model: 'count-model', messages: user('how many tokens') }, sim_({ 'x-sim-usage': 'prompt=77' }));
    expect(count.input_tokens).toBe(77);
    const all = await h.collect();
    const series = all.flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).filter((p) => p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === 'count-model'));
    expect(series).toEqual([]);
  });
});

describe('labels', () => {
  it('never carries prompt text, completion text, the API key or the user id', async () => {
    const prompt = 'my-very-secret-prompt-text';
    const res = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: user(prompt), metadata: { user_id: 'user-42@example.com' } });
    const completion = res.content[0].text as string;
    const values = (await h.collect()).flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((p) => Object.values(p.attributes).map(String)));
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) {
      expect(v).not.toContain(prompt);
      expect(v).not.toContain('sk-ant-test-secret-key');
      expect(v).not.toContain('user-42');
      if (completion.length > 8) expect(v).not.toContain(completion);
    }
  });
});
