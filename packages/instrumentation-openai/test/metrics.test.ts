// Exact values recorded for real openai v7 calls over real HTTP to the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { PriceCatalog } from '@genai-meter/pricing';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DURATION_BUCKETS,
  METRICS,
} from '../src/index.js';
import { MetricsHarness, bucketIndex, loadOpenAI, sum, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

let sim: Simulator;
let h: MetricsHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let OpenAI: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const catalog = PriceCatalog.load({ file: undefined });

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(), 7));
  OpenAI = loadOpenAI(7).OpenAI;
  client = new OpenAI({ apiKey: 'sk-test-secret-key', baseURL: sim.baseURL, maxRetries: 0 });
});

afterAll(() => shutDown(h, sim));

const usage = (s: string) => ({ headers: { 'x-sim-usage': s } });

describe('non-streaming chat', () => {
  it('records duration, tokens, token details and cost with the semconv attributes', async () => {
    const res = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] },
      { headers: { 'x-sim-usage': 'prompt=1200,completion=340,cached=200,reasoning=0', 'x-sim-latency-ms': 'ttfc=100' } },
    );
    expect(res.usage.prompt_tokens).toBe(1200);
    const base = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR_GEN_AI_RESPONSE_MODEL]: res.model,
      [ATTR_OPENAI_RESPONSE_SERVICE_TIER]: res.service_tier,
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: sim.port,
    };
    expect(res.service_tier).toBe('default');
    expect(res.model).not.toBe('gpt-4o-mini'); // the simulator answers with a dated snapshot
    const durations = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
    expect(durations).toHaveLength(1);
    expect(durations[0]!.attributes).toEqual(base);
    expect(durations[0]!.count).toBe(1);
    expect(durations[0]!.buckets.boundaries).toEqual(DURATION_BUCKETS);
    // 100 ms of simulated latency; the one point sits in the bucket of the value recorded.
    expect(durations[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(durations[0]!.sum).toBeLessThan(5);
    expect(durations[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, durations[0]!.sum)]).toBe(1);
    expect(durations[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, 0.05)]).toBe(0);

    const tokens = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
    expect(tokens.map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum, t.count]).sort()).toEqual([
      ['input', 1200, 1],
      ['output', 340, 1],
    ]);
    expect(where(tokens, { [ATTR_GEN_AI_TOKEN_TYPE]: 'input' })[0]!.attributes).toEqual({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    // 1200 falls in (1024, 4096].
    expect(where(tokens, { [ATTR_GEN_AI_TOKEN_TYPE]: 'input' })[0]!.buckets.counts[6]).toBe(1);

    const details = where(await h.points(METRICS.tokenDetails.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
    expect(details.map((d) => [d.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], d.value])).toEqual([['cache_read', 200]]);

    const expected = catalog.cost(res.model, { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 200 })!;
    expect(expected.totalUsd).toBeGreaterThan(0);
    const cost = where(await h.histogram(METRICS.cost.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' });
    expect(cost).toHaveLength(1);
    expect(cost[0]!.attributes).toEqual({ ...base, [ATTR_GENAI_METER_COST_SOURCE]: 'catalog' });
    expect(cost[0]!.sum).toBeCloseTo(expected.totalUsd, 12);
  });

  it('records reasoning tokens as a detail of output, without counting them twice', async () => {
    await client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'think' }] }, usage('prompt=50,completion=500,cached=0,reasoning=384'));
    const out = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'o4-mini', [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
    expect(out.map((p) => p.sum)).toEqual([500]);
    const details = where(await h.points(METRICS.tokenDetails.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'o4-mini' });
    expect(details.map((d) => [d.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], d.value])).toEqual([['reasoning', 384]]);
  });
});

describe('streaming chat', () => {
  it('adds include_usage, hides the usage-only chunk, and records TTFC, per-chunk time and tokens', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'stream please' }], stream: true },
      { headers: { 'x-sim-usage': 'prompt=30,completion=12,cached=0,reasoning=0', 'x-sim-chunks': '6', 'x-sim-latency-ms': 'ttfc=100,chunk=5' } },
    );
    const chunks: Record<string, unknown>[] = [];
    for await (const c of stream) chunks.push(c);
    // What the caller sees: no usage-only chunk and no `usage` key, as without the instrumentation.
    expect(chunks.every((c) => Array.isArray(c.choices) && (c.choices as unknown[]).length > 0)).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);

    const model = { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4.1-mini' };
    const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), model);
    expect(ttfc.map((p) => p.count)).toEqual([1]);
    expect(ttfc[0]!.sum).toBeGreaterThanOrEqual(0.1);
    expect(ttfc[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, ttfc[0]!.sum)]).toBe(1);
    expect(ttfc[0]!.buckets.counts[bucketIndex(DURATION_BUCKETS, 0.05)]).toBe(0);
    const perChunk = where(await h.histogram(METRICS.timePerOutputChunk.name), model);
    expect(perChunk.map((p) => p.count)).toEqual([chunks.length - 1]);
    const tokens = where(await h.histogram(METRICS.tokenUsage.name), model);
    expect(tokens.map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum]).sort()).toEqual([
      ['input', 30],
      ['output', 12],
    ]);
    const durations = where(await h.histogram(METRICS.duration.name), model);
    expect(durations.map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, undefined]]);
    // The stream's duration ends at its last chunk, so it covers TTFC plus the chunks.
    expect(durations[0]!.sum).toBeGreaterThanOrEqual(ttfc[0]!.sum);
  });

  it('leaves a caller-requested usage chunk visible and counts its tokens once', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } },
      usage('prompt=7,completion=9,cached=0,reasoning=0'),
    );
    const chunks: Record<string, unknown>[] = [];
    for await (const c of stream) chunks.push(c);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect((last.usage as { completion_tokens: number }).completion_tokens).toBe(9);
    const tokens = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4.1-nano' });
    expect(tokens.map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum, t.count]).sort()).toEqual([
      ['input', 7, 1],
      ['output', 9, 1],
    ]);
  });

  it('records an abandoned stream once, as cancelled', async () => {
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: 'long' }], stream: true },
      { headers: { 'x-sim-chunks': '50' } },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    const durations = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' });
    expect(durations.map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, 'cancelled']]);
    const active = where(await h.points(METRICS.activeRequests.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-4o' });
    expect(active.map((a) => a.value)).toEqual([0]);
  });
});

describe('errors', () => {
  const cases: [fault: string, errorType: string, status: number | undefined][] = [
    ['rate_limit', 'rate_limit', 429],
    ['server_error', 'server_error', 500],
    ['service_unavailable', 'server_error', 503],
    ['unauthorized', 'auth', 401],
    ['forbidden', 'auth', 403],
    ['bad_request', 'bad_request', 400],
    ['not_found', 'bad_request', 404],
    ['reset', 'connection', undefined],
    ['malformed_json', 'invalid_response', undefined],
  ];
  for (const [fault, errorType, status] of cases) {
    it(`${fault} -> error.type=${errorType}`, async () => {
      const model = `err-${fault}`;
      await expect(
        client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-fault': fault } }),
      ).rejects.toThrow();
      const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model });
      expect(d.map((p) => [p.count, p.attributes[ATTR_ERROR_TYPE], p.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]])).toEqual([[1, errorType, status]]);
      expect(where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model })).toEqual([]);
    });
  }

  it('a hang past the client timeout -> timeout', async () => {
    const c = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0, timeout: 200 });
    await expect(c.chat.completions.create({ model: 'err-hang', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-fault': 'hang' } })).rejects.toThrow();
    const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'err-hang' });
    expect(d.map((p) => [p.count, p.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, 'timeout']]);
  });

  it('a stream cut off mid-way -> connection', async () => {
    const stream = await client.chat.completions.create(
      { model: 'err-cut', messages: [{ role: 'user', content: 'x' }], stream: true },
      { headers: { 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '10' } },
    );
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toThrow();
    const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'err-cut' });
    expect(d.map((p) => [p.count, p.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, 'connection']]);
  });

  it('a request the caller aborts -> cancelled', async () => {
    const ac = new AbortController();
    const p = client.chat.completions.create({ model: 'err-abort', messages: [{ role: 'user', content: 'x' }] }, { signal: ac.signal, headers: { 'x-sim-latency-ms': 'ttfc=2000' } });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toThrow();
    const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'err-abort' });
    expect(d.map((p) => [p.count, p.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, 'cancelled']]);
  });
});

describe('retries, rate limits, in-flight', () => {
  it('counts SDK retries and records the call once, successful', async () => {
    const c = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 2 });
    const before = sim.requests;
    const res = await c.chat.completions.create(
      { model: 'retry-model', messages: [{ role: 'user', content: 'x' }] },
      { headers: { 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '2' } },
    );
    expect(res.choices.length).toBe(1);
    expect(sim.requests - before).toBe(3);
    const retries = where(await h.points(METRICS.retries.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'retry-model' });
    expect(retries.map((r) => r.value)).toEqual([2]);
    const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'retry-model' });
    expect(d.map((p) => [p.count, p.attributes[ATTR_ERROR_TYPE]])).toEqual([[1, undefined]]);
  });

  it('reports the last x-ratelimit-* headers per model', async () => {
    const { response } = await client.chat.completions.create({ model: 'rl-model', messages: [{ role: 'user', content: 'x' }] }).withResponse();
    const remaining = where(await h.points(METRICS.rateLimitRemaining.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'rl-model' });
    const limit = where(await h.points(METRICS.rateLimitLimit.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'rl-model' });
    const get = (pts: typeof remaining, type: string) => where(pts, { [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: type }).map((p) => p.value);
    expect(get(remaining, 'requests')).toEqual([Number(response.headers.get('x-ratelimit-remaining-requests'))]);
    expect(get(remaining, 'tokens')).toEqual([Number(response.headers.get('x-ratelimit-remaining-tokens'))]);
    expect(get(limit, 'requests')).toEqual([Number(response.headers.get('x-ratelimit-limit-requests'))]);
    expect(get(limit, 'tokens')).toEqual([Number(response.headers.get('x-ratelimit-limit-tokens'))]);
  });

  it('counts calls in flight while they wait on the provider', async () => {
    const p = client.chat.completions.create({ model: 'inflight-model', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-latency-ms': 'ttfc=400' } });
    const q = client.chat.completions.create({ model: 'inflight-model', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-latency-ms': 'ttfc=400' } });
    await new Promise((r) => setTimeout(r, 150));
    const during = where(await h.points(METRICS.activeRequests.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'inflight-model' });
    expect(during.map((a) => a.value)).toEqual([2]);
    await Promise.all([p, q]);
    const after = where(await h.points(METRICS.activeRequests.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'inflight-model' });
    expect(after.map((a) => a.value)).toEqual([0]);
  });
});

describe('other operations', () => {
  it('responses.create, JSON and streaming', async () => {
    const r = await client.responses.create({ model: 'gpt-5-mini', input: 'hi' }, usage('prompt=21,completion=34,cached=5,reasoning=13'));
    expect(r.usage.input_tokens).toBe(21);
    const s = await client.responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true }, usage('prompt=10,completion=20,cached=0,reasoning=0'));
    const events: string[] = [];
    for await (const e of s) events.push(e.type);
    expect(events.at(-1)).toBe('response.completed');
    const model = { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-5-mini' };
    const tokens = where(await h.histogram(METRICS.tokenUsage.name), model);
    expect(tokens.map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum, t.count]).sort()).toEqual([
      ['input', 31, 2],
      ['output', 54, 2],
    ]);
    const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), model);
    expect(ttfc.map((p) => p.count)).toEqual([1]);
    const perChunk = where(await h.histogram(METRICS.timePerOutputChunk.name), model);
    expect(perChunk.map((p) => p.count)).toEqual([events.filter((e) => e.endsWith('.delta')).length - 1]);
    expect(where(await h.histogram(METRICS.duration.name), model).map((d) => d.attributes[ATTR_GEN_AI_OPERATION_NAME])).toEqual(['chat']);
  });

  it('embeddings: input tokens only', async () => {
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }, usage('prompt=64,completion=0'));
    expect(e.data).toHaveLength(2);
    const tokens = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'text-embedding-3-small' });
    expect(tokens.map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.attributes[ATTR_GEN_AI_OPERATION_NAME], t.sum])).toEqual([['input', 'embeddings', 64]]);
  });

  it('legacy completions: text_completion', async () => {
    await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say' }, usage('prompt=3,completion=4'));
    const d = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'gpt-3.5-turbo-instruct' });
    expect(d.map((p) => p.attributes[ATTR_GEN_AI_OPERATION_NAME])).toEqual(['text_completion']);
  });
});

describe('labels', () => {
  it('never carries prompt text, completion text, the API key or the user id', async () => {
    const prompt = 'my-very-secret-prompt-text';
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], user: 'user-42@example.com' });
    const completion = res.choices[0].message.content as string;
    const values = (await h.collect()).flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((p) => Object.values(p.attributes).map(String)));
    expect(values.length).toBeGreaterThan(20);
    for (const v of values) {
      expect(v).not.toContain(prompt);
      expect(v).not.toContain('sk-test-secret-key');
      expect(v).not.toContain('user-42');
      if (completion.length > 8) expect(v).not.toContain(completion);
    }
  });
});

describe('options', () => {
  it('recordTimePerOutputChunk: false keeps time to first chunk and drops the per-chunk points', async () => {
    const config = h.instrumentation.getConfig();
    h.instrumentation.setConfig({ ...config, recordTimePerOutputChunk: false });
    try {
      const stream = await client.chat.completions.create(
        { model: 'no-per-chunk', messages: [{ role: 'user', content: 'x' }], stream: true },
        { headers: { 'x-sim-chunks': '6', 'x-sim-usage': 'prompt=3,completion=6' } },
      );
      for await (const _ of stream);
      const model = { [ATTR_GEN_AI_REQUEST_MODEL]: 'no-per-chunk' };
      expect(where(await h.histogram(METRICS.timeToFirstChunk.name), model).map((p) => p.count)).toEqual([1]);
      expect(where(await h.histogram(METRICS.timePerOutputChunk.name), model)).toEqual([]);
      expect(sum(where(await h.histogram(METRICS.tokenUsage.name), model).map((p) => p.sum))).toBe(9);
    } finally {
      h.instrumentation.setConfig(config);
    }
  });
});
