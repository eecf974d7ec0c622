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

describe('the same core behind every API', () => {
  const anthropicBody = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 100, messages: USER_HELLO });
  const geminiBody = JSON.stringify({ contents: 'hello there' });
  const anthropicHeaders = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'x-sim-latency-ms': 'ttfc=1,chunk=0' };
  const geminiHeaders = { 'x-goog-api-key': 'k', 'x-sim-latency-ms': 'ttfc=1,chunk=0' };

  async function run(seed: number) {
    const sim = await startSimulator({ seed, latencyScale: 1 });
    try {
      const a = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: anthropicBody, headers: anthropicHeaders });
      const g = await fetch(`${sim.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: geminiBody, headers: geminiHeaders });
      const message = await a.json();
      const generated = await g.json();
      return { requestId: a.headers.get('request-id'), id: message.id, text: message.content[0].text, responseId: generated.responseId, geminiText: generated.candidates[0].content.parts[0].text };
    } finally {
      await sim.close();
    }
  }

  it('derives ids and content from the seed for Anthropic and Gemini too', async () => {
    const a = await run(21);
    expect(await run(21)).toEqual(a);
    const other = await run(22);
    expect(other.requestId).not.toBe(a.requestId);
    expect(other.id).not.toBe(a.id);
    expect(other.responseId).not.toBe(a.responseId);
  });

  it('draws random faults from options.faults for Anthropic and Gemini requests', async () => {
    const sim = await startSimulator({ latencyScale: 0, faults: { service_unavailable: 1 } });
    try {
      const a = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: anthropicBody, headers: anthropicHeaders });
      expect(a.status).toBe(529);
      expect((await a.json()).error.type).toBe('overloaded_error');
      const g = await fetch(`${sim.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: geminiBody, headers: geminiHeaders });
      expect(g.status).toBe(503);
      expect((await g.json()).error.status).toBe('UNAVAILABLE');
    } finally {
      await sim.close();
    }
  });

  it('models latency by family for Claude and Gemini names (Haiku small, Sonnet large, Gemini 2.5 Pro reasoning)', async () => {
    const sim = await startSimulator({ latencyScale: 0.02, seed: 5 });
    try {
      const median = async (path: string, body: string, headers: Record<string, string>, header: string) => {
        const values: number[] = [];
        for (let i = 0; i < 9; i++) {
          const res = await fetch(`${sim.url}${path}`, { method: 'POST', body, headers });
          await res.body?.cancel();
          values.push(Number(/(\d+)$/.exec(res.headers.get(header) ?? '')?.[1]));
        }
        return values.sort((x, y) => x - y)[4]!;
      };
      const streamBody = (model: string) => JSON.stringify({ model, max_tokens: 100, messages: USER_HELLO, stream: true });
      const keys = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
      const haiku = await median('/v1/messages', streamBody('claude-haiku-4-5'), keys, 'x-envoy-upstream-service-time');
      const sonnet = await median('/v1/messages', streamBody('claude-sonnet-4-5'), keys, 'x-envoy-upstream-service-time');
      const pro = await median('/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', geminiBody, { 'x-goog-api-key': 'k' }, 'server-timing');
      // Profiles: 280 ms, 520 ms and 3200 ms to the first chunk, times 0.02.
      expect(haiku).toBeLessThanOrEqual(9);
      expect(sonnet).toBeGreaterThan(haiku);
      expect(pro).toBeGreaterThanOrEqual(40);
    } finally {
      await sim.close();
    }
  });
});
