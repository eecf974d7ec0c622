// How calls end, as apps end them (openai v7 over real HTTP to the simulator): a loop that stops at
// finish_reason, a user pressing stop, a stream never read, several choices; quota, in-stream errors and
// Responses calls that end failed or incomplete with HTTP 200; rate-limit headroom after its window resets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { ATTR_GENAI_METER_RATE_LIMIT_TYPE, METRICS, classifyError } from '../src/index.js';
import { MetricsHarness, byModel, loadOpenAI, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';
import { collectGarbage } from '../../instrumentation-core/test/support/gc.js';

let sim: Simulator;
let h: MetricsHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let OpenAIModule: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(), 5));
  OpenAIModule = loadOpenAI(7); // after the instrumentation: patched on require
  client = new OpenAIModule.OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
});
afterAll(() => shutDown(h, sim));

const m = [{ role: 'user', content: 'x' }];

/** The loop many apps write: stop reading once the answer says it is finished. Returns the chunks read. */
async function readUntilFinished(stream: AsyncIterable<{ choices: { finish_reason: string | null }[] }>, choices = 1) {
  let finished = 0;
  const read: { choices: { finish_reason: string | null }[] }[] = [];
  for await (const chunk of stream) {
    read.push(chunk);
    finished += chunk.choices.filter((c) => c.finish_reason).length;
    if (finished >= choices) break;
  }
  return read;
}

describe('a caller that stops at finish_reason', () => {
  it('made a successful call; the usage the instrumentation asked for is recorded with its cost', async () => {
    const model = 'gpt-4o-mini';
    const stream = await client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-chunks': '5', 'x-sim-usage': 'prompt=40,completion=10' } });
    const read = await readUntilFinished(stream);
    expect(read.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 40, 1],
      ['output', 10, 1],
    ]);
    expect((await h.cost(model)).count).toBe(1);
    expect(await h.inFlight(model)).toBe(0);
  });

  it('made a successful call when it asked for usage itself (the report it never read is still counted)', async () => {
    const model = 'gpt-4.1-mini';
    const stream = await client.chat.completions.create(
      { model, messages: m, stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-sim-chunks': '3', 'x-sim-usage': 'prompt=12,completion=6' } },
    );
    await readUntilFinished(stream);
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 12, 1],
      ['output', 6, 1],
    ]);
  });

  it('with n=2, once both choices have finished', async () => {
    const stream = await client.chat.completions.create({ model: 'n-both', messages: m, stream: true, n: 2 }, { headers: { 'x-sim-chunks': '4', 'x-sim-usage': 'prompt=5,completion=4' } });
    const read = await readUntilFinished(stream, 2);
    expect(read.at(-1)!.choices.map((c) => c.finish_reason)).toEqual(['stop', 'stop']);
    expect(await h.outcomes('n-both')).toEqual([[1, undefined]]);
    // The simulator bills completion tokens per choice.
    expect(await h.tokens('n-both')).toEqual([
      ['input', 5, 1],
      ['output', 8, 1],
    ]);
  });

  it('a user pressing stop mid-answer is a cancellation, with no tokens', async () => {
    const model = 'stop-pressed';
    const stream = await client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-chunks': '40', 'x-sim-usage': 'prompt=9,completion=40' } });
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
    expect(await h.tokens(model)).toEqual([]);
    expect(await h.inFlight(model)).toBe(0);
  });
});

describe('a stream nobody reads', () => {
  it('leaves in-flight once the dropped stream is collected, recorded as cancelled', async () => {
    const model = 'never-read';
    await (async () => {
      await client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-chunks': '4' } });
    })();
    expect(await h.inFlight(model)).toBe(1);
    expect(await collectGarbage(async () => (await h.inFlight(model)) === 0)).toBe(true);
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
  });

  it('leaves in-flight when the APIPromise of a stream is dropped without being awaited', async () => {
    const model = 'never-awaited';
    // The promise is created and dropped, never awaited; its response arrives meanwhile.
    (() => void client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-chunks': '4' } }))();
    await new Promise((r) => setTimeout(r, 200));
    expect(await collectGarbage(async () => (await h.inFlight(model)) === 0)).toBe(true);
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
  });
});

describe('rate-limit headroom', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the full limit once the window the headers described has reset', async () => {
    const model = 'rl-reset';
    const { response } = await client.chat.completions.create({ model, messages: m }).withResponse();
    const remaining = async (type: string) =>
      where(await h.points(METRICS.rateLimitRemaining.name), { ...byModel(model), [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: type }).map((p) => p.value);
    const limit = Number(response.headers.get('x-ratelimit-limit-requests'));
    const left = Number(response.headers.get('x-ratelimit-remaining-requests'));
    expect(left).toBeLessThan(limit);
    expect(await remaining('requests')).toEqual([left]);
    // The simulator's window resets within a minute (x-ratelimit-reset-requests, e.g. "59.98s").
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^[\d.]+(ms|s)$|m/);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect(await remaining('requests')).toEqual([limit]);
    expect(await remaining('tokens')).toEqual([Number(response.headers.get('x-ratelimit-limit-tokens'))]);
  });
});

describe('failures the provider reports (simulator faults, real HTTP)', () => {
  async function fails(model: string, call: (c: typeof client) => Promise<unknown>) {
    await call(client).catch(() => undefined);
    return h.outcomes(model);
  }

  it('quota exhausted (OpenAI insufficient_quota 429) is insufficient_quota, not rate_limit', async () => {
    const model = 'quota-429';
    expect(await fails(model, (c) => c.chat.completions.create({ model, messages: m }, { headers: { 'x-sim-fault': 'insufficient_quota' } }))).toEqual([[1, 'insufficient_quota']]);
    const status = (await h.durations(model))[0]!.attributes['http.response.status_code'];
    expect(status).toBe(429);
  });

  it('an empty balance (HTTP 402, DeepSeek and relays) is insufficient_quota', async () => {
    const model = 'quota-402';
    expect(await fails(model, (c) => c.chat.completions.create({ model, messages: m }, { headers: { 'x-sim-fault': 'payment_required' } }))).toEqual([[1, 'insufficient_quota']]);
  });

  it('an error event inside a chat stream is a failure classified by its body', async () => {
    const model = 'chat-stream-error';
    const stream = await client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-fault': 'stream_error', 'x-sim-chunks': '6' } });
    await expect((async () => { for await (const _ of stream); })()).rejects.toThrow();
    expect(await h.outcomes(model)).toEqual([[1, 'server_error']]);
  });

  it('a Responses stream ending in response.failed (HTTP 200) is a failure, with the usage it reported', async () => {
    const model = 'responses-failed';
    const stream = await client.responses.create({ model, input: 'x', stream: true }, { headers: { 'x-sim-fault': 'response_failed', 'x-sim-chunks': '6' } });
    const events: string[] = [];
    for await (const e of stream) events.push(e.type);
    expect(events.at(-1)).toBe('response.failed');
    expect(await h.outcomes(model)).toEqual([[1, 'server_error']]);
    expect((await h.tokens(model)).map(([type]) => type)).toEqual(['input', 'output']);
  });

  it('a Responses JSON answer with status failed (HTTP 200) is a failure', async () => {
    const model = 'responses-failed-json';
    const r = await client.responses.create({ model, input: 'x' }, { headers: { 'x-sim-fault': 'response_failed' } });
    expect(r.status).toBe('failed');
    expect(await h.outcomes(model)).toEqual([[1, 'server_error']]);
  });

  it('a Responses call that ends incomplete (max_output_tokens) is incomplete, stream and JSON, with usage', async () => {
    const model = 'responses-incomplete';
    const stream = await client.responses.create({ model, input: 'x', stream: true }, { headers: { 'x-sim-fault': 'response_incomplete' } });
    for await (const _ of stream);
    const r = await client.responses.create({ model, input: 'x' }, { headers: { 'x-sim-fault': 'response_incomplete' } });
    expect(r.status).toBe('incomplete');
    expect(await h.outcomes(model)).toEqual([[2, 'incomplete']]);
    expect(where(await h.histogram(METRICS.tokenUsage.name), byModel(model)).map((t) => t.count)).toEqual([2, 2]);
  });

  it('an error event in a Responses stream is a failure classified by its code', async () => {
    const model = 'responses-error-event';
    const stream = await client.responses.create({ model, input: 'x', stream: true }, { headers: { 'x-sim-fault': 'stream_error' } });
    await expect((async () => { for await (const _ of stream); })()).rejects.toThrow();
    expect(await h.outcomes(model)).toEqual([[1, 'server_error']]);
  });
});

describe('errors that mean different things', () => {
  const headers = new Headers();
  const APIError = () => OpenAIModule.APIError;
  const cases: [string, () => unknown, string][] = [
    ['HTTP 429 with insufficient_quota', () => APIError().generate(429, { error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota' } }, undefined, headers), 'insufficient_quota'],
    ['HTTP 429 rate limit', () => APIError().generate(429, { error: { type: 'requests', code: 'rate_limit_exceeded', message: 'slow down' } }, undefined, headers), 'rate_limit'],
    ['HTTP 402 (DeepSeek: Insufficient Balance)', () => APIError().generate(402, { error: { message: 'Insufficient Balance', type: 'unknown_error' } }, undefined, headers), 'insufficient_quota'],
    ['HTTP 529 overloaded (Anthropic)', () => APIError().generate(529, { error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, headers), 'server_error'],
    ['an error event in a chat stream', () => new (APIError())(undefined, { message: 'The server had an error', type: 'server_error' }, undefined, headers), 'server_error'],
    ['a quota error event in a stream', () => new (APIError())(undefined, { message: 'quota', code: 'insufficient_quota' }, undefined, headers), 'insufficient_quota'],
    ['an invalid prompt in a Responses stream', () => new (APIError())(undefined, { code: 'invalid_prompt', message: 'bad' }, undefined, headers), 'bad_request'],
  ];
  for (const [name, make, type] of cases) {
    it(`${name} -> ${type}`, () => {
      expect(classifyError(make()).type).toBe(type);
    });
  }
});
