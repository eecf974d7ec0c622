// Every fault kind, seen through the real SDK as the error class an application would catch.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type FaultKind, type Simulator } from '../src/index.js';
import { setup, USER_HELLO } from './helpers.js';

let sim: Simulator;
let client: OpenAI;
beforeAll(async () => ({ sim, client } = await setup()));
afterAll(() => sim.close());

const fault = (kind: FaultKind, extra: Record<string, string> = {}) => ({ headers: { 'x-sim-fault': kind, ...extra } });
const chat = (options?: Parameters<typeof client.chat.completions.create>[1]) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, options);

describe('HTTP error faults', () => {
  const cases: Array<[FaultKind, new (...args: any[]) => Error, number, string | null]> = [
    ['rate_limit', OpenAI.RateLimitError, 429, 'rate_limit_exceeded'],
    ['server_error', OpenAI.InternalServerError, 500, null],
    ['service_unavailable', OpenAI.InternalServerError, 503, null],
    ['unauthorized', OpenAI.AuthenticationError, 401, 'invalid_api_key'],
    ['forbidden', OpenAI.PermissionDeniedError, 403, 'model_not_allowed'],
    ['bad_request', OpenAI.BadRequestError, 400, 'invalid_value'],
    ['not_found', OpenAI.NotFoundError, 404, 'model_not_found'],
  ];
  for (const [kind, errorClass, status, code] of cases) {
    it(`${kind} -> ${errorClass.name} (${status})`, async () => {
      const error = await chat(fault(kind)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errorClass);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(status);
      expect(apiError.code).toBe(code);
      expect(typeof apiError.error).toBe('object');
      expect(apiError.requestID).toMatch(/^req_[0-9a-f]{32}$/);
      expect(apiError.headers?.get('x-ratelimit-limit-requests')).toBe('5000');
    });
  }

  it('rate_limit carries retry-after 0 by default and x-sim-retry-after when given', async () => {
    const first = (await chat(fault('rate_limit')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(first.headers?.get('retry-after')).toBe('0');
    expect(first.type).toBe('requests');
    const second = (await chat(fault('rate_limit', { 'x-sim-retry-after': '7' })).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(second.headers?.get('retry-after')).toBe('7');
  });

  it('not_found names the requested model', async () => {
    const error = (await client.chat.completions.create({ model: 'gpt-9', messages: USER_HELLO }, fault('not_found')).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('The model `gpt-9` does not exist');
  });
});

describe('x-sim-fault-times with SDK retries', () => {
  it('a 429 on the first attempt then success on the retry: maxRetries 2 succeeds and the server saw 2 requests', async () => {
    const { sim: own, client: retrying } = await setup({}, { maxRetries: 2 });
    try {
      const res = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, fault('rate_limit', { 'x-sim-fault-times': '1' }));
      expect(res.choices[0]!.finish_reason).toBe('stop');
      expect(own.requests).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('more failing attempts than retries surfaces the error after maxRetries + 1 requests', async () => {
    const { sim: own, client: retrying } = await setup({}, { maxRetries: 1 });
    try {
      const error = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, fault('rate_limit', { 'x-sim-fault-times': '3' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(own.requests).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('without x-sim-fault-times every attempt fails', async () => {
    const { sim: own, client: retrying } = await setup({}, { maxRetries: 2 });
    try {
      await expect(retrying.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }, fault('rate_limit'))).rejects.toBeInstanceOf(OpenAI.RateLimitError);
      expect(own.requests).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe('connection-level faults', () => {
  it('hang -> APIConnectionTimeoutError with a short client timeout', async () => {
    const started = Date.now();
    await expect(chat({ ...fault('hang'), timeout: 300 })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reset -> APIConnectionError (and not a timeout)', async () => {
    const error = await chat(fault('reset')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(error).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('malformed_json -> a JSON parse error for a JSON answer', async () => {
    await expect(chat(fault('malformed_json'))).rejects.toBeInstanceOf(SyntaxError);
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, fault('malformed_json'))).rejects.toBeInstanceOf(SyntaxError);
  });

  it('malformed_json -> an SSE data line that is not JSON makes the stream throw after the first content', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true }, fault('malformed_json', { 'x-sim-chunks': '4' }));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(seen).toHaveLength(2); // the role chunk and the first content chunk
  });

  it('stream_cut -> an error thrown mid-iteration, after some chunks, without [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true, stream_options: { include_usage: true } }, fault('stream_cut', { 'x-sim-chunks': '6' }));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    // undici reports the dropped connection as TypeError('terminated') from the body reader.
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
    // role chunk + content chunks 1..3 (cut after the middle content chunk of 6)
    expect(seen).toHaveLength(4);
  });

  it('stream_cut on a responses stream and the stream helper rejects', async () => {
    const runner = client.responses.stream({ model: 'gpt-4o', input: 'hi' }, fault('stream_cut'));
    await expect(runner.finalResponse()).rejects.toThrow('terminated');
  });

  it('stream_error -> the error object OpenAI sends inside a failing stream, thrown by the iterator after some chunks', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO, stream: true }, fault('stream_error', { 'x-sim-chunks': '6' }));
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBeUndefined();
    expect((error as Error).message).toContain('The server had an error');
    expect(seen).toHaveLength(4);
    const responses = client.responses.stream({ model: 'gpt-4o', input: 'hi' }, fault('stream_error'));
    await expect(responses.finalResponse()).rejects.toBeInstanceOf(OpenAI.APIError);
    // A JSON answer cannot fail after its 200: it gets the HTTP error instead.
    await expect(chat(fault('stream_error'))).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('stream_cut on a JSON answer -> the body read fails half way', async () => {
    const error = await chat(fault('stream_cut')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
  });
});

describe('close()', () => {
  it('ends hung requests and streams in progress promptly and stops listening', async () => {
    const own = await startSimulator({ latencyScale: 0 });
    const ownClient = new OpenAI({ baseURL: own.baseURL, apiKey: 'k', maxRetries: 0, timeout: 60_000 });
    const hung = ownClient.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO }, fault('hang')).catch((e: unknown) => e);
    const slowStream = await ownClient.chat.completions.create(
      { model: 'gpt-4o', messages: USER_HELLO, stream: true },
      { headers: { 'x-sim-latency-ms': 'ttfc=0,chunk=10000' } },
    );
    const consumed = (async () => {
      for await (const _ of slowStream) void _;
    })().catch((e: unknown) => e);
    while (own.requests < 2) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await consumed).toBeInstanceOf(Error);
    await expect(fetch(`${own.url}/health`)).rejects.toThrow();
    await own.close(); // idempotent
  });
});

describe('random faults from options.faults', () => {
  async function outcomes(seed: number): Promise<string[]> {
    const { sim: own, client: c } = await setup({ seed, faults: { rate_limit: 0.2, server_error: 0.2 } });
    try {
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        const result = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: USER_HELLO }).then(
          () => 'ok',
          (e: InstanceType<typeof OpenAI.APIError>) => String(e.status),
        );
        out.push(result);
      }
      return out;
    } finally {
      await own.close();
    }
  }

  it('injects the configured faults at about the configured rate, identically for the same seed', async () => {
    const a = await outcomes(42);
    const b = await outcomes(42);
    const c = await outcomes(43);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const count = (s: string) => a.filter((x) => x === s).length;
    expect(count('429')).toBeGreaterThan(0);
    expect(count('500')).toBeGreaterThan(0);
    expect(count('ok')).toBeGreaterThan(15);
    expect(count('ok') + count('429') + count('500')).toBe(40);
  });

  it('does not fault /v1/models or /health', async () => {
    const { sim: own, client: c } = await setup({ faults: { server_error: 1 } });
    try {
      expect((await fetch(`${own.url}/health`)).status).toBe(200);
      expect((await c.models.retrieve('gpt-4o')).id).toBe('gpt-4o');
      await expect(c.chat.completions.create({ model: 'gpt-4o', messages: USER_HELLO })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    } finally {
      await own.close();
    }
  });

  it('rejects invalid options', async () => {
    await expect(startSimulator({ faults: { meteor: 0.1 } as never })).rejects.toThrow(/unknown fault kind 'meteor'/);
    await expect(startSimulator({ faults: { reset: 2 } })).rejects.toThrow(/within 0..1/);
    await expect(startSimulator({ latencyScale: -1 })).rejects.toThrow(/latencyScale/);
  });
});
