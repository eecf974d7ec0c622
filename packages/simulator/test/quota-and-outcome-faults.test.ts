// The faults an instrumentation must tell apart from rate limits and plain errors, on the OpenAI
// endpoints: billing exhaustion (insufficient_quota on a 429, DeepSeek's 402) and answers that end
// badly with HTTP 200 (a Responses API response 'failed' or 'incomplete'). Each through the real
// openai SDK (7.x, and 4.x where it behaves differently) and as exact wire bodies over raw fetch.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind, type Simulator } from '../src/index.js';
import { parseSse, rawPost, setup, USER_HELLO, USER_HELLO_TOKENS } from './helpers.js';

let sim: Simulator;
let client: OpenAI;
beforeAll(async () => ({ sim, client } = await setup()));
afterAll(() => sim.close());

const fault = (kind: FaultKind, extra: Record<string, string> = {}) => ({ headers: { 'x-sim-fault': kind, ...extra } });
const CHAT = { model: 'gpt-4o-mini', messages: USER_HELLO };
/** responsesInputTokens of input 'hi': 3 + 4 + ceil(2 / 4). */
const HI_TOKENS = 8;
const FAILED_MESSAGE = 'An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists.';

const v4Json = fileURLToPath(new URL('../../openai-compat/v4/package.json', import.meta.url));
const OpenAIv4 = createRequire(v4Json)('openai') as typeof import('openai').default;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('fault order', () => {
  it('appends the new kinds, so a seed draws the same earlier faults as before they existed', () => {
    expect(FAULT_KINDS).toEqual([
      'rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found',
      'hang', 'reset', 'malformed_json', 'stream_cut', 'stream_error',
      'insufficient_quota', 'payment_required', 'response_failed', 'response_incomplete',
    ]);
  });
});

describe('insufficient_quota: billing exhaustion on the rate-limit status', () => {
  it("is OpenAI's 429 insufficient_quota body, without retry-after", async () => {
    const res = await rawPost(sim, '/v1/chat/completions', JSON.stringify(CHAT), { 'x-sim-fault': 'insufficient_quota' });
    expect(res.status).toBe(429);
    expect(res.json).toEqual({
      error: {
        message: 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    });
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('surfaces as RateLimitError with code and type insufficient_quota (rate_limit has rate_limit_exceeded), in openai 7 and 4', async () => {
    for (const SDK of [OpenAI, OpenAIv4]) {
      const c = new SDK({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      const quota = (await c.chat.completions.create(CHAT, fault('insufficient_quota')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(quota).toBeInstanceOf(SDK.RateLimitError);
      expect([quota.status, quota.code, quota.type]).toEqual([429, 'insufficient_quota', 'insufficient_quota']);
      const limited = (await c.chat.completions.create(CHAT, fault('rate_limit')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect([limited.status, limited.code, limited.type]).toEqual([429, 'rate_limit_exceeded', 'requests']);
    }
  });

  it('is retried by the SDK like any 429 (real behaviour): maxRetries 1 sends it twice', async () => {
    const { sim: own, client: retrying } = await setup({}, { maxRetries: 1 });
    try {
      await expect(retrying.responses.create({ model: 'gpt-4o', input: 'hi' }, fault('insufficient_quota'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      expect(own.requests).toBe(2);
    } finally {
      await own.close();
    }
  });
});

describe('payment_required: HTTP 402 as DeepSeek and relays send it', () => {
  it("is DeepSeek's Insufficient Balance body", async () => {
    const res = await rawPost(sim, '/v1/chat/completions', JSON.stringify(CHAT), { 'x-sim-fault': 'payment_required' });
    expect(res.status).toBe(402);
    expect(res.json).toEqual({ error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } });
  });

  it('surfaces as a plain APIError with status 402 (no subclass), and is not retried', async () => {
    const { sim: own, client: retrying } = await setup({}, { maxRetries: 2 });
    try {
      for (const SDK of [OpenAI, OpenAIv4]) {
        const c = SDK === OpenAI ? retrying : new OpenAIv4({ baseURL: own.baseURL, apiKey: 'k', maxRetries: 2 });
        const before = own.requests;
        const error = (await c.chat.completions.create(CHAT, fault('payment_required')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(error.constructor).toBe(SDK.APIError);
        expect([error.status, error.code, error.type, error.message]).toEqual([402, 'invalid_request_error', 'unknown_error', '402 Insufficient Balance']);
        expect(own.requests - before).toBe(1);
      }
    } finally {
      await own.close();
    }
  });
});

describe('response_failed: a Responses API response that ends failed with HTTP 200', () => {
  it('JSON: status failed, error server_error, no output, usage of the prompt and of the output generated before the failure', async () => {
    const res = await rawPost(sim, '/v1/responses', JSON.stringify({ model: 'gpt-4o', input: 'hi' }), { 'x-sim-fault': 'response_failed' });
    expect(res.status).toBe(200);
    // 60 visible tokens in 15 chunks; it fails after chunk 8 of 15: 32 tokens.
    expect(res.json).toMatchObject({
      object: 'response',
      status: 'failed',
      completed_at: null,
      error: { code: 'server_error', message: FAILED_MESSAGE },
      incomplete_details: null,
      output: [],
      usage: { input_tokens: HI_TOKENS, output_tokens: 32, total_tokens: HI_TOKENS + 32, output_tokens_details: { reasoning_tokens: 0 } },
    });
    const sdk = await client.responses.create({ model: 'gpt-4o', input: 'hi' }, fault('response_failed'));
    expect([sdk.status, sdk.error?.code, sdk.output_text, sdk.usage?.output_tokens]).toEqual(['failed', 'server_error', '', 32]);
  });

  it('counts the reasoning spent before the failure and the visible tokens sent', async () => {
    const res = await client.responses.create({ model: 'o3', input: 'hi' }, fault('response_failed', { 'x-sim-usage': 'prompt=100,completion=40,reasoning=8' }));
    // 32 visible tokens in 8 chunks: 4 sent, 16 tokens, after the 8 reasoning tokens.
    expect(res.usage).toMatchObject({ input_tokens: 100, output_tokens: 24, total_tokens: 124, output_tokens_details: { reasoning_tokens: 8 } });
  });

  it('stream: response.created ... deltas up to the middle chunk, then response.failed (with usage) ends it; no response.completed', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true }, fault('response_failed', { 'x-sim-chunks': '6' }));
    const events = await collect(stream);
    expect(events.map((e) => e.type)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta', 'response.failed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const failed = events.at(-1)!;
    if (failed.type !== 'response.failed') throw new Error('expected response.failed last');
    expect(failed.response).toMatchObject({ status: 'failed', error: { code: 'server_error', message: FAILED_MESSAGE }, output: [] });
    expect(failed.response.id).toBe(events[0]!.type === 'response.created' && events[0]!.response.id);
    // 3 of 6 chunks of 60 tokens.
    expect(failed.response.usage).toMatchObject({ input_tokens: HI_TOKENS, output_tokens: 30, total_tokens: HI_TOKENS + 30 });
  });

  it('on the wire: named events, the last one response.failed, the stream then ends', async () => {
    const res = await fetch(`${sim.baseURL}/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o', input: 'hi', stream: true }),
      headers: { 'content-type': 'application/json', 'x-sim-fault': 'response_failed', 'x-sim-chunks': '4' },
    });
    expect(res.status).toBe(200);
    const frames = parseSse(await res.text());
    expect(frames.every((f) => f.event === JSON.parse(f.data).type)).toBe(true);
    expect(frames.filter((f) => f.event === 'response.output_text.delta')).toHaveLength(2);
    const last = JSON.parse(frames.at(-1)!.data);
    expect(Object.keys(last).slice(0, 2)).toEqual(['type', 'sequence_number']);
    expect(last).toMatchObject({ type: 'response.failed', sequence_number: frames.length - 1, response: { status: 'failed', usage: { output_tokens: 30 } } });
  });

  it('the stream helpers resolve, not reject: openai 7 with the failed response, openai 4 with the in_progress snapshot', async () => {
    const final = await client.responses.stream({ model: 'gpt-4o', input: 'hi' }, fault('response_failed')).finalResponse();
    expect([final.status, final.error?.code, final.usage?.output_tokens]).toEqual(['failed', 'server_error', 32]);
    const old = new OpenAIv4({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
    const oldFinal = await old.responses.stream({ model: 'gpt-4o', input: 'hi' }, fault('response_failed')).finalResponse();
    expect([oldFinal.status, oldFinal.usage]).toEqual(['in_progress', null]);
  });

  it('is not stream_error: that one ends a Responses stream with an error event, which the SDK throws', async () => {
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true }, fault('stream_error', { 'x-sim-chunks': '6' }));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(seen.at(-1)).toBe('response.output_text.delta');
  });

  it('other endpoints have no failed status: there it fails as stream_error does (in-stream error; JSON: 500)', async () => {
    const stream = await client.chat.completions.create({ ...CHAT, stream: true }, fault('response_failed', { 'x-sim-chunks': '6' }));
    const error = await collect(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeUndefined();
    await expect(client.chat.completions.create(CHAT, fault('response_failed'))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, fault('response_failed'))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('response_incomplete: the answer stops half way, as at the output-token limit', () => {
  it('Responses JSON: status incomplete, reason max_output_tokens, the limit that cut it, half the text and its usage', async () => {
    const res = await rawPost(sim, '/v1/responses', JSON.stringify({ model: 'gpt-4o', input: 'hi' }), { 'x-sim-fault': 'response_incomplete' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      error: null,
      max_output_tokens: 30,
      usage: { input_tokens: HI_TOKENS, output_tokens: 30, total_tokens: HI_TOKENS + 30 },
    });
    const sdk = await client.responses.create({ model: 'gpt-4o', input: 'hi' }, fault('response_incomplete'));
    expect(sdk.output_text.split(' ')).toHaveLength(30);
  });

  it('keeps the reasoning a reasoning model spent and halves what it showed', async () => {
    const res = await client.responses.create({ model: 'o3-mini', input: 'hi' }, fault('response_incomplete'));
    expect(res.usage).toMatchObject({ output_tokens: 64 + 30, output_tokens_details: { reasoning_tokens: 64 } });
  });

  it('stream: ends with response.incomplete carrying usage; the openai 7 helper resolves with it', async () => {
    const events = await collect(await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true }, fault('response_incomplete')));
    expect(events.some((e) => e.type === 'response.completed')).toBe(false);
    const last = events.at(-1)!;
    if (last.type !== 'response.incomplete') throw new Error(`expected response.incomplete last, got ${last.type}`);
    expect(last.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { output_tokens: 30 } });
    const final = await client.responses.stream({ model: 'gpt-4o', input: 'hi' }, fault('response_incomplete')).finalResponse();
    expect([final.status, final.usage?.output_tokens]).toEqual(['incomplete', 30]);
  });

  it("chat and legacy completions: finish_reason 'length' with the cut usage, JSON and stream", async () => {
    const json = await client.chat.completions.create(CHAT, fault('response_incomplete'));
    expect([json.choices[0]!.finish_reason, json.usage?.completion_tokens, json.choices[0]!.message.content!.split(' ').length]).toEqual(['length', 30, 30]);
    const chunks = await collect(await client.chat.completions.create({ ...CHAT, stream: true, stream_options: { include_usage: true } }, fault('response_incomplete')));
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: USER_HELLO_TOKENS, completion_tokens: 30 });
    // The legacy endpoint's default max_tokens is 16: the fault stops it at 8.
    const legacy = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' }, fault('response_incomplete'));
    expect([legacy.choices[0]!.finish_reason, legacy.usage?.completion_tokens]).toEqual(['length', 8]);
  });

  it('leaves answers with nothing to cut alone (embeddings)', async () => {
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, fault('response_incomplete'));
    expect(res.data).toHaveLength(1);
  });
});

describe('random draws of the new kinds', () => {
  it('options.faults injects them like the others', async () => {
    const { sim: own, client: c } = await setup({ faults: { insufficient_quota: 1 } });
    try {
      const error = (await c.chat.completions.create(CHAT).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect([error.status, error.code]).toEqual([429, 'insufficient_quota']);
    } finally {
      await own.close();
    }
    const { sim: other, client: d } = await setup({ faults: { response_failed: 1 } });
    try {
      expect((await d.responses.create({ model: 'gpt-4o', input: 'hi' })).status).toBe('failed');
    } finally {
      await other.close();
    }
  });
});
