// Rate-limit headers and windows, the latency model and its overrides, and seeded determinism.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';
import { setup, USER_HELLO } from './helpers.js';

describe('rate-limit headers', () => {
  it('decrement per request and per token in a per-model window, then answer 429 when exhausted', async () => {
    const { sim, client } = await setup({ rateLimits: { 'gpt-4o-mini': { requests: 3, tokens: 1000 } } });
    try {
      const headers = [];
      for (let i = 0; i < 3; i++) {
        const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=10,completion=5' } }).withResponse();
        headers.push(response.headers);
      }
      expect(headers.map((h) => h.get('x-ratelimit-limit-requests'))).toEqual(['3', '3', '3']);
      expect(headers.map((h) => h.get('x-ratelimit-remaining-requests'))).toEqual(['2', '1', '0']);
      expect(headers.map((h) => h.get('x-ratelimit-limit-tokens'))).toEqual(['1000', '1000', '1000']);
      expect(headers.map((h) => h.get('x-ratelimit-remaining-tokens'))).toEqual(['985', '970', '955']);
      for (const h of headers) {
        expect(h.get('x-ratelimit-reset-requests')).toMatch(/^(\d+(\.\d+)?s|\d+ms|1m0s)$/);
        expect(h.get('x-ratelimit-reset-tokens')).toMatch(/^(\d+(\.\d+)?s|\d+ms|1m0s)$/);
        expect(h.get('openai-processing-ms')).toBe('0');
        expect(h.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
      }
      const error = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.type).toBe('requests');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
      // Other models have their own window with the default limits.
      const { response } = await client.chat.completions.create({ model: 'gpt-4.1', messages: USER_HELLO }).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('5000');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('4999');
      expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('2000000');
      expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe(String(2_000_000 - 70));
    } finally {
      await sim.close();
    }
  });

  it('refuses a request whose tokens exceed the remaining token budget', async () => {
    const { sim, client } = await setup({ rateLimits: { default: { tokens: 100 } } });
    try {
      await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=50,completion=40' } });
      const error = (await client.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, { headers: { 'x-sim-usage': 'prompt=50,completion=40' } }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.type).toBe('tokens');
      expect(error.headers?.get('x-ratelimit-remaining-tokens')).toBe('10');
    } finally {
      await sim.close();
    }
  });

  it('with the built-in defaults counts down to 0 but never refuses (benchmarks run above 5000 rpm)', async () => {
    const { sim } = await setup();
    try {
      // Plain fetch: the SDK would make this test several times slower.
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: USER_HELLO });
      const remaining: number[] = [];
      let started = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (started++ < 5001) {
            const res = await fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', body, headers: { 'x-sim-usage': 'prompt=1,completion=1' } });
            await res.arrayBuffer();
            expect(res.status).toBe(200);
            remaining.push(Number(res.headers.get('x-ratelimit-remaining-requests')));
          }
        }),
      );
      expect(remaining).toHaveLength(5001);
      remaining.sort((a, b) => a - b);
      expect(remaining[0]).toBe(0);
      expect(remaining[1]).toBe(0);
      expect(remaining.at(-1)).toBe(4999);
    } finally {
      await sim.close();
    }
  });
});

describe('latency', () => {
  it('x-sim-latency-ms sets time to first chunk and per chunk, even with latencyScale 0', async () => {
    const { sim, client } = await setup();
    try {
      const headers = { 'x-sim-latency-ms': 'ttfc=150,chunk=20', 'x-sim-chunks': '5' };
      const started = performance.now();
      const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true }, { headers }).withResponse();
      let firstChunkAt = 0;
      for await (const _ of stream) firstChunkAt ||= performance.now() - started;
      const total = performance.now() - started;
      expect(response.headers.get('openai-processing-ms')).toBe('150');
      expect(firstChunkAt).toBeGreaterThanOrEqual(145);
      expect(total).toBeGreaterThanOrEqual(245);
      expect(total).toBeLessThan(1500);

      const t0 = performance.now();
      const { response: json } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, { headers }).withResponse();
      expect(json.headers.get('openai-processing-ms')).toBe('250');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(245);
    } finally {
      await sim.close();
    }
  });

  it('models a family per model: small models answer faster than reasoning models, scaled by latencyScale', async () => {
    const { sim, client } = await setup({ latencyScale: 0.02, seed: 5 });
    try {
      const median = async (model: string) => {
        const values: number[] = [];
        for (let i = 0; i < 15; i++) {
          const { response } = await client.chat.completions.create({ model, messages: USER_HELLO, stream: true }).withResponse();
          await response.body?.cancel();
          values.push(Number(response.headers.get('openai-processing-ms')));
        }
        return values.sort((a, b) => a - b)[7]!;
      };
      const small = await median('gpt-4o-mini');
      const large = await median('gpt-4o');
      const reasoning = await median('o3');
      // Profiles: 280 ms, 520 ms, 3200 ms time to first chunk, times 0.02.
      expect(small).toBeGreaterThanOrEqual(3);
      expect(small).toBeLessThanOrEqual(9);
      expect(large).toBeGreaterThan(small);
      expect(reasoning).toBeGreaterThanOrEqual(40);
      expect(reasoning).toBeLessThanOrEqual(100);
    } finally {
      await sim.close();
    }
  });
});

describe('determinism', () => {
  async function run(seed: number) {
    const sim = await startSimulator({ seed, latencyScale: 1 });
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
    try {
      const out = [];
      for (const model of ['gpt-4o-mini', 'o3-mini']) {
        // Latency fixed by header so the test is fast; the modelled value is still drawn and reported.
        const { data, response } = await client.chat.completions.create({ model, messages: USER_HELLO }, { headers: { 'x-sim-latency-ms': 'ttfc=1,chunk=0' } }).withResponse();
        out.push({ requestId: response.headers.get('x-request-id'), id: data.id, content: data.choices[0]!.message.content, fingerprint: data.system_fingerprint });
      }
      const scaled = await startSimulator({ seed, latencyScale: 0.01 });
      const scaledClient = new OpenAI({ baseURL: scaled.baseURL, apiKey: 'k', maxRetries: 0 });
      const { response } = await scaledClient.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }).withResponse();
      out.push({ processingMs: response.headers.get('openai-processing-ms') });
      await scaled.close();
      return out;
    } finally {
      await sim.close();
    }
  }

  it('gives identical ids, request ids, content and latency for the same seed, different for another', async () => {
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a[0]!.requestId).not.toBe(c[0]!.requestId);
    expect(a[0]!.id).not.toBe(c[0]!.id);
    expect(new Set([a[0]!.requestId, a[1]!.requestId]).size).toBe(2);
  });
});
