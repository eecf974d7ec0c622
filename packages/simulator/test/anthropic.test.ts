// Anthropic's Messages API through the real @anthropic-ai/sdk over real HTTP: messages.create
// (JSON and stream), the messages.stream() helpers, the beta namespace, thinking, tools, prompt
// caching, count_tokens, every fault as the SDK's error class, retries and rate-limit headers.
// Wire shapes follow docs.anthropic.com (streaming events, errors, rate limits).
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FaultKind, type Simulator, type SimulatorOptions } from '../src/index.js';
import { parseSse, USER_HELLO, USER_HELLO_TOKENS } from './helpers.js';

let sim: Simulator;
let client: Anthropic;
beforeAll(async () => {
  sim = await startSimulator({ latencyScale: 0 });
  client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-ant-test', maxRetries: 0 });
});
afterAll(() => sim.close());

const MODEL = 'claude-sonnet-4-5';
const REQUEST = { model: MODEL, max_tokens: 1024, messages: USER_HELLO };
const headers = (h: Record<string, string>) => ({ headers: h });
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function withSim<T>(options: SimulatorOptions, run: (sim: Simulator, client: Anthropic) => Promise<T>, clientOptions: ConstructorParameters<typeof Anthropic>[0] = {}): Promise<T> {
  const own = await startSimulator({ latencyScale: 0, ...options });
  try {
    return await run(own, new Anthropic({ baseURL: own.url, apiKey: 'sk-ant-test', maxRetries: 0, ...clientOptions }));
  } finally {
    await own.close();
  }
}

function rawMessages(target: Simulator, body: unknown, extra: Record<string, string> = {}) {
  return fetch(`${target.url}/v1/messages`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', ...extra },
  });
}

describe('messages.create', () => {
  it('answers a Message with the dated model, text, end_turn and Anthropic usage (no cache, standard tier)', async () => {
    const { data: message, response, request_id: requestId } = await client.messages.create(REQUEST).withResponse();
    expect(message.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_sequence).toBeNull();
    expect(message.content).toHaveLength(1);
    const block = message.content[0]!;
    expect(block.type === 'text' && block.text.split(' ')).toHaveLength(60);
    expect(message.usage).toEqual({
      input_tokens: USER_HELLO_TOKENS,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: 60,
      service_tier: 'standard',
    });
    expect(requestId).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    expect(response.headers.get('request-id')).toBe(requestId);
    for (const family of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      expect(Number(response.headers.get(`anthropic-ratelimit-${family}-limit`)), family).toBeGreaterThan(0);
      expect(Number(response.headers.get(`anthropic-ratelimit-${family}-remaining`)), family).toBeGreaterThan(0);
      expect(response.headers.get(`anthropic-ratelimit-${family}-reset`), family).toMatch(RFC3339);
    }
    expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
  });

  it('splits x-sim-usage into uncached input, cache reads and cache writes by lifetime', async () => {
    const message = await client.messages.create(REQUEST, headers({ 'x-sim-usage': 'prompt=1000,cached=600,cache_write=200,cache_write_1h=100,completion=50' }));
    expect(message.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 50,
    });
    await expect(client.messages.create(REQUEST, headers({ 'x-sim-usage': 'prompt=10,cached=20' }))).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('stops at max_tokens with stop_reason max_tokens', async () => {
    const message = await client.messages.create({ ...REQUEST, max_tokens: 20 });
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage.output_tokens).toBe(20);
  });

  it('thinks first when extended thinking is enabled: a signed thinking block, thinking tokens inside output_tokens', async () => {
    const message = await client.messages.create({ ...REQUEST, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    const thinking = message.content[0]!;
    expect(thinking.type === 'thinking' && thinking.signature.length).toBeGreaterThan(20);
    expect(thinking.type === 'thinking' && thinking.thinking.split(' ')).toHaveLength(192);
    expect(message.usage.output_tokens).toBe(192 + 60);
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 192 });
  });

  it('answers a forced tool with a tool_use block whose input fits the schema', async () => {
    const tools = [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'] } }];
    const message = await client.messages.create({ ...REQUEST, tools, tool_choice: { type: 'tool', name: 'get_weather' } });
    expect(message.stop_reason).toBe('tool_use');
    const block = message.content[0]!;
    if (block.type !== 'tool_use') throw new Error(`expected tool_use, got ${block.type}`);
    expect(block.id).toMatch(/^toolu_01/);
    expect(block.name).toBe('get_weather');
    expect(Object.keys(block.input as object).sort()).toEqual(['city', 'days']);
  });

  it('writes a cache_control prefix on first use (by its ttl) and reads it afterwards', async () => {
    await withSim({}, async (_sim, c) => {
      const system = [{ type: 'text' as const, text: 'policy '.repeat(1200), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } }];
      const first = await c.messages.create({ ...REQUEST, system });
      const prefix = first.usage.cache_creation_input_tokens!;
      expect(prefix).toBeGreaterThanOrEqual(1024);
      expect(first.usage.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: prefix });
      expect(first.usage.cache_read_input_tokens).toBe(0);
      const second = await c.messages.create({ ...REQUEST, system });
      expect(second.usage.cache_read_input_tokens).toBe(prefix);
      expect(second.usage.cache_creation_input_tokens).toBe(0);
      // Every input token is in exactly one of the three fields.
      const total = (u: Anthropic.Usage) => u.input_tokens + u.cache_read_input_tokens! + u.cache_creation_input_tokens!;
      expect(total(second.usage)).toBe(total(first.usage));
      expect(second.usage.input_tokens).toBeLessThan(total(second.usage) - prefix + 1);
      // A prefix too short to cache is neither written nor read.
      const short = await c.messages.create({ ...REQUEST, system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }] });
      expect(short.usage.cache_creation_input_tokens).toBe(0);
      expect(short.usage.cache_read_input_tokens).toBe(0);
    });
  });

  it('counts tokens with messages.countTokens', async () => {
    expect(await client.messages.countTokens({ model: MODEL, messages: USER_HELLO })).toEqual({ input_tokens: USER_HELLO_TOKENS });
    expect((await client.messages.countTokens({ model: MODEL, messages: USER_HELLO, system: 'be brief' })).input_tokens).toBe(USER_HELLO_TOKENS + 4 + 2);
  });

  it('serves the beta namespace (?beta=true with anthropic-beta headers)', async () => {
    const message = await client.beta.messages.create({ ...REQUEST, betas: ['context-1m-2025-08-07'] }, headers({ 'x-sim-usage': 'prompt=42,completion=7' }));
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.usage.input_tokens).toBe(42);
    expect(message.usage.output_tokens).toBe(7);
    const final = await client.beta.messages.stream({ ...REQUEST, betas: ['context-1m-2025-08-07'] }).finalMessage();
    expect(final.usage.output_tokens).toBe(60);
    expect(final.content[0]!.type).toBe('text');
  });
});

describe('streaming', () => {
  it('streams the documented event sequence with usage in message_start and cumulative usage in message_delta', async () => {
    const stream = await client.messages.create({ ...REQUEST, stream: true }, headers({ 'x-sim-chunks': '4', 'x-sim-usage': 'prompt=300,cached=100,completion=12' }));
    const events: Anthropic.RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const start = events[0]!;
    if (start.type !== 'message_start') throw new Error('expected message_start');
    expect(start.message.content).toEqual([]);
    expect(start.message.stop_reason).toBeNull();
    expect(start.message.usage).toMatchObject({ input_tokens: 200, cache_read_input_tokens: 100, output_tokens: 1 });
    const delta = events[7]!;
    if (delta.type !== 'message_delta') throw new Error('expected message_delta');
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage).toEqual({ input_tokens: 200, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 12 });
    const text = events.flatMap((e) => (e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [])).join('');
    expect(text.split(' ')).toHaveLength(12);
  });

  it('puts named SSE events on the wire, with a ping after the first content_block_start', async () => {
    const res = await rawMessages(sim, { ...REQUEST, stream: true }, { 'x-sim-chunks': '2' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
  });

  it('messages.stream(): text events, finalText and finalMessage agree with the JSON answer', async () => {
    const json = await client.messages.create(REQUEST);
    const runner = client.messages.stream(REQUEST);
    const deltas: string[] = [];
    runner.on('text', (delta) => deltas.push(delta));
    const final = await runner.finalMessage();
    const jsonText = json.content[0]!.type === 'text' ? json.content[0]!.text : '';
    expect(deltas.join('')).toBe(jsonText);
    expect(await runner.finalText()).toBe(jsonText);
    expect(final.usage).toEqual(json.usage);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('streams thinking_delta and signature_delta before the text block', async () => {
    const runner = client.messages.stream({ ...REQUEST, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } });
    const deltaTypes = new Set<string>();
    for await (const event of runner) if (event.type === 'content_block_delta') deltaTypes.add(event.delta.type);
    const final = await runner.finalMessage();
    expect([...deltaTypes]).toEqual(['thinking_delta', 'signature_delta', 'text_delta']);
    const thinking = final.content[0]!;
    expect(thinking.type === 'thinking' && thinking.signature.length).toBeGreaterThan(20);
    expect(final.usage.output_tokens).toBe(252);
  });

  it('streams a forced tool call as input_json_delta and the helper parses its input', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const, properties: { id: { type: 'integer' } }, required: ['id'] } }];
    const final = await client.messages.stream({ ...REQUEST, tools, tool_choice: { type: 'any' } }).finalMessage();
    const block = final.content[0]!;
    expect(block.type === 'tool_use' && Number.isInteger((block.input as { id: number }).id)).toBe(true);
    expect(final.stop_reason).toBe('tool_use');
  });

  it('paces the stream with the latency model (x-sim-latency-ms) and reports the processing time', async () => {
    const started = performance.now();
    const { data: stream, response } = await client.messages.create({ ...REQUEST, stream: true }, headers({ 'x-sim-latency-ms': 'ttfc=150,chunk=20', 'x-sim-chunks': '5' })).withResponse();
    let first = 0;
    for await (const event of stream) if (event.type === 'content_block_delta') first ||= performance.now() - started;
    const total = performance.now() - started;
    expect(response.headers.get('x-envoy-upstream-service-time')).toBe('150');
    expect(first).toBeGreaterThanOrEqual(145);
    expect(total).toBeGreaterThanOrEqual(245);
  });
});

describe('errors and faults', () => {
  const cases: Array<[FaultKind, new (...args: any[]) => Error, number, string]> = [
    ['rate_limit', Anthropic.RateLimitError, 429, 'rate_limit_error'],
    ['server_error', Anthropic.InternalServerError, 500, 'api_error'],
    ['service_unavailable', Anthropic.OverloadedError, 529, 'overloaded_error'],
    ['stream_error', Anthropic.OverloadedError, 529, 'overloaded_error'],
    ['unauthorized', Anthropic.AuthenticationError, 401, 'authentication_error'],
    ['forbidden', Anthropic.PermissionDeniedError, 403, 'permission_error'],
    ['bad_request', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['not_found', Anthropic.NotFoundError, 404, 'not_found_error'],
    ['insufficient_quota', Anthropic.BadRequestError, 400, 'invalid_request_error'],
    ['payment_required', Anthropic.PaymentRequiredError, 402, 'billing_error'],
    ['response_failed', Anthropic.OverloadedError, 529, 'overloaded_error'],
  ];
  for (const [kind, errorClass, status, type] of cases) {
    it(`${kind} -> ${errorClass.name} (${status} ${type})`, async () => {
      const error = (await client.messages.create(REQUEST, headers({ 'x-sim-fault': kind })).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(error).toBeInstanceOf(errorClass);
      expect(error.status).toBe(status);
      expect(error.type).toBe(type);
      expect(error.requestID).toMatch(/^req_011C/);
      expect(error.error).toEqual({ type: 'error', error: { type, message: expect.any(String) }, request_id: error.requestID });
      expect(error.headers?.get('anthropic-ratelimit-requests-limit')).toBe('5000');
    });
  }

  it('rate_limit carries retry-after; not_found names the model', async () => {
    const limited = (await client.messages.create(REQUEST, headers({ 'x-sim-fault': 'rate_limit', 'x-sim-retry-after': '7' })).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(limited.headers?.get('retry-after')).toBe('7');
    const missing = (await client.messages.create({ ...REQUEST, model: 'claude-9' }, headers({ 'x-sim-fault': 'not_found' })).catch((e: unknown) => e)) as Error;
    expect(missing.message).toContain('model: claude-9');
  });

  it('insufficient_quota is the exhausted credit balance: a 400 told apart by its message; payment_required is not retried', async () => {
    const res = await rawMessages(sim, REQUEST, { 'x-sim-fault': 'insufficient_quota' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.' },
      request_id: res.headers.get('request-id'),
    });
    await withSim({}, async (own, c) => {
      await expect(c.messages.create(REQUEST, headers({ 'x-sim-fault': 'payment_required' }))).rejects.toBeInstanceOf(Anthropic.PaymentRequiredError);
      expect(own.requests).toBe(1);
    }, { maxRetries: 2 });
  });

  it('response_incomplete stops the answer half way with stop_reason max_tokens, JSON and stream', async () => {
    const message = await client.messages.create(REQUEST, headers({ 'x-sim-fault': 'response_incomplete' }));
    expect([message.stop_reason, message.usage.output_tokens]).toEqual(['max_tokens', 30]);
    const final = await client.messages.stream(REQUEST, headers({ 'x-sim-fault': 'response_incomplete' })).finalMessage();
    expect([final.stop_reason, final.usage.output_tokens]).toEqual(['max_tokens', 30]);
  });

  it('response_failed fails a stream as stream_error does (the API has no failed status)', async () => {
    const raw = parseSse(await (await rawMessages(sim, { ...REQUEST, stream: true }, { 'x-sim-fault': 'response_failed' })).text()).at(-1)!;
    expect(raw).toEqual({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) });
  });

  it('answers 400 invalid_request_error for a missing max_tokens or messages, and for an unparsable body', async () => {
    const noMax = await rawMessages(sim, { model: MODEL, messages: USER_HELLO });
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' }, request_id: noMax.headers.get('request-id') });
    const noMessages = await rawMessages(sim, { model: MODEL, max_tokens: 10 });
    expect((await noMessages.json()).error.message).toBe('messages: Field required');
    const broken = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: '{"model":', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.type).toBe('invalid_request_error');
  });

  it('requires x-api-key (or a bearer token) and anthropic-version, as the API does', async () => {
    const noKey = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify(REQUEST), headers: { 'anthropic-version': '2023-06-01' } });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error).toEqual({ type: 'authentication_error', message: 'x-api-key header is required' });
    const noVersion = await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify(REQUEST), headers: { 'x-api-key': 'k' } });
    expect(noVersion.status).toBe(400);
    const bearer = new Anthropic({ baseURL: sim.url, authToken: 'oauth-token', apiKey: null, maxRetries: 0 });
    expect((await bearer.messages.create(REQUEST)).type).toBe('message');
    const unknown = await fetch(`${sim.url}/v1/messages/batches/x`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.type).toBe('not_found_error');
  });

  it('stream_error: an overloaded_error event after some deltas makes the iterator throw', async () => {
    const stream = await client.messages.create({ ...REQUEST, stream: true }, headers({ 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' }));
    const seen: string[] = [];
    const error = (await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.type).toBe('overloaded_error');
    expect(error.status).toBeUndefined();
    // message_start, content_block_start, deltas 1..3 (the middle of 6), then the error event.
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta']);
    const raw = parseSse(await (await rawMessages(sim, { ...REQUEST, stream: true }, { 'x-sim-fault': 'stream_error' })).text()).at(-1)!;
    expect(raw).toEqual({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) });
  });

  it('stream_cut and malformed_json break a messages.stream() run', async () => {
    await expect(client.messages.stream(REQUEST, headers({ 'x-sim-fault': 'stream_cut' })).finalMessage()).rejects.toThrow('terminated');
    const stream = await client.messages.create({ ...REQUEST, stream: true }, headers({ 'x-sim-fault': 'malformed_json' }));
    await expect((async () => {
      for await (const _ of stream) void _;
    })()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('hang -> APIConnectionTimeoutError; reset -> APIConnectionError', async () => {
    await expect(client.messages.create(REQUEST, { headers: { 'x-sim-fault': 'hang' }, timeout: 300 })).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const reset = await client.messages.create(REQUEST, headers({ 'x-sim-fault': 'reset' })).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(Anthropic.APIConnectionError);
    expect(reset).not.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it('the SDK retries a 529 and a 429 (x-sim-fault-times with x-stainless-retry-count)', async () => {
    await withSim(
      {},
      async (own, c) => {
        const message = await c.messages.create(REQUEST, headers({ 'x-sim-fault': 'service_unavailable', 'x-sim-fault-times': '1' }));
        expect(message.stop_reason).toBe('end_turn');
        expect(own.requests).toBe(2);
        const retried = await c.messages.create(REQUEST, headers({ 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '2', 'x-sim-retry-after': '0.01' }));
        expect(retried.type).toBe('message');
        expect(own.requests).toBe(5);
      },
      { maxRetries: 2 },
    );
  });
});

describe('rate limits', () => {
  it('count requests, input and output tokens per model, then refuse with rate_limit_error and retry-after', async () => {
    await withSim({ rateLimits: { 'claude-haiku-4-5': { requests: 10, tokens: 10_000, inputTokens: 10_000, outputTokens: 100 } } }, async (_own, c) => {
      const request = { ...REQUEST, model: 'claude-haiku-4-5' };
      const seen = [];
      for (let i = 0; i < 2; i++) {
        const { response } = await c.messages.create(request, headers({ 'x-sim-usage': 'prompt=30,cached=10,completion=40' })).withResponse();
        seen.push(response.headers);
      }
      expect(seen.map((h) => h.get('anthropic-ratelimit-requests-remaining'))).toEqual(['9', '8']);
      expect(seen.map((h) => h.get('anthropic-ratelimit-input-tokens-remaining'))).toEqual(['9970', '9940']);
      expect(seen.map((h) => h.get('anthropic-ratelimit-output-tokens-remaining'))).toEqual(['60', '20']);
      expect(seen.map((h) => h.get('anthropic-ratelimit-tokens-remaining'))).toEqual(['9930', '9860']);
      const reset = Date.parse(seen[1]!.get('anthropic-ratelimit-output-tokens-reset')!);
      expect(reset - Date.now()).toBeGreaterThan(50_000);
      expect(reset - Date.now()).toBeLessThanOrEqual(61_000);
      const error = (await c.messages.create(request, headers({ 'x-sim-usage': 'prompt=30,completion=40' })).catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect(error.message).toContain('output tokens per minute');
      expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
      expect(error.headers?.get('anthropic-ratelimit-output-tokens-remaining')).toBe('20');
    });
  });
});
