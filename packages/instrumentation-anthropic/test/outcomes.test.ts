// How calls end, as apps end them (@anthropic-ai/sdk 1.x over real HTTP to the simulator): a loop that stops at
// message_delta's stop_reason, a user pressing stop (raw stream and MessageStream), a stream never read;
// the tier that prices a call; quota and in-stream errors; rate-limit headroom after its window resets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { PriceCatalog } from '@genai-meter/pricing';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_GENAI_METER_RATE_LIMIT_TYPE, METRICS, classifyError } from '../src/index.js';
import { AnthropicHarness, byModel, loadAnthropic, sum, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';
import { collectGarbage } from '../../instrumentation-core/test/support/gc.js';

let sim: Simulator;
let h: AnthropicHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let AnthropicModule: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const catalog = PriceCatalog.load({ file: undefined });

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new AnthropicHarness(), 5));
  AnthropicModule = loadAnthropic('v1'); // after the instrumentation: patched on require
  client = new AnthropicModule.Anthropic({ apiKey: 'k', baseURL: sim.url, maxRetries: 0 });
});
afterAll(() => shutDown(h, sim));

const m = [{ role: 'user', content: 'x' }];

type Event = { type: string; delta?: { stop_reason?: string | null } };

/** The loop many apps write: stop reading once message_delta carries the stop_reason. Returns the events read. */
async function readUntilStopReason(stream: AsyncIterable<Event>): Promise<Event[]> {
  const read: Event[] = [];
  for await (const event of stream) {
    read.push(event);
    if (event.type === 'message_delta' && event.delta?.stop_reason) break;
  }
  return read;
}

describe('a caller that stops at stop_reason', () => {
  it('messages.create stream: a successful call with its tokens and cost (message_stop never read)', async () => {
    const model = 'claude-haiku-4-5';
    const stream = await client.messages.create({ model, max_tokens: 100, messages: m, stream: true }, { headers: { 'x-sim-chunks': '5', 'x-sim-usage': 'prompt=40,completion=10' } });
    const read = await readUntilStopReason(stream);
    expect(read.at(-1)!.type).toBe('message_delta');
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 40, 1],
      ['output', 10, 1],
    ]);
    expect((await h.cost(model)).count).toBe(1);
    expect(await h.inFlight(model)).toBe(0);
  });

  it('messages.stream() iterated with for-await: breaking after message_delta is a success (the helper aborts its request)', async () => {
    const model = 'claude-sonnet-4-5';
    const stream = client.messages.stream({ model, max_tokens: 100, messages: m }, { headers: { 'x-sim-chunks': '4', 'x-sim-usage': 'prompt=12,completion=6' } });
    await readUntilStopReason(stream);
    await stream.done().catch(() => undefined);
    expect(stream.aborted).toBe(true);
    expect(await h.outcomes(model)).toEqual([[1, undefined]]);
    expect(await h.tokens(model)).toEqual([
      ['input', 12, 1],
      ['output', 6, 1],
    ]);
    expect(await h.inFlight(model)).toBe(0);
  });
});

describe('a user pressing stop mid-answer', () => {
  it('messages.create stream: cancelled, with the input tokens message_start reported and no output', async () => {
    const model = 'stop-pressed';
    const stream = await client.messages.create({ model, max_tokens: 100, messages: m, stream: true }, { headers: { 'x-sim-chunks': '40', 'x-sim-usage': 'prompt=9,completion=40' } });
    let n = 0;
    for await (const _ of stream) if (++n === 4) break;
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
    expect(await h.tokens(model)).toEqual([['input', 9, 1]]);
    expect(await h.inFlight(model)).toBe(0);
  });

  it('messages.stream().abort(): cancelled; the helper emits its abort as without the instrumentation', async () => {
    const model = 'stop-helper';
    const stream = client.messages.stream({ model, max_tokens: 100, messages: m }, { headers: { 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=0,chunk=30', 'x-sim-usage': 'prompt=7,completion=30' } });
    let texts = 0;
    stream.on('text', () => {
      if (++texts === 3) stream.abort();
    });
    const aborted = new Promise((resolve) => stream.on('abort', resolve));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect((await aborted) as Error).toBeInstanceOf(AnthropicModule.APIUserAbortError);
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
    expect(await h.tokens(model)).toEqual([['input', 7, 1]]);
    expect(await h.inFlight(model)).toBe(0);
  });
});

describe('a stream nobody reads', () => {
  it('leaves in-flight once the dropped stream is collected, recorded as cancelled', async () => {
    const model = 'never-read';
    await (async () => {
      await client.messages.create({ model, max_tokens: 100, messages: m, stream: true }, { headers: { 'x-sim-chunks': '4' } });
    })();
    expect(await h.inFlight(model)).toBe(1);
    expect(await collectGarbage(async () => (await h.inFlight(model)) === 0)).toBe(true);
    expect(await h.outcomes(model)).toEqual([[1, 'cancelled']]);
  });
});

describe('the tier that prices a call', () => {
  /** A client whose responses say what the simulator cannot: another service_tier, or fast mode. */
  const rewriting = (from: string, to: string) =>
    new AnthropicModule.Anthropic({
      apiKey: 'k',
      baseURL: sim.url,
      maxRetries: 0,
      fetch: async (url: string, init: RequestInit) => {
        const res = await fetch(url, init);
        return new Response((await res.text()).replaceAll(from, to), { status: res.status, headers: res.headers });
      },
    });

  it('usage.service_tier batch: priced at the batch rates, JSON and stream alike, and not an attribute', async () => {
    const c = rewriting('"service_tier":"standard"', '"service_tier":"batch"');
    const model = 'claude-haiku-4-5';
    const usage = { 'x-sim-usage': 'prompt=1000,completion=200', 'x-sim-response-model': 'claude-haiku-4-5-batch-test' };
    const message = await c.messages.create({ model, max_tokens: 300, messages: m }, { headers: usage });
    expect(message.usage.service_tier).toBe('batch');
    const stream = await c.messages.create({ model, max_tokens: 300, messages: m, stream: true }, { headers: usage });
    for await (const _ of stream);
    const batch = catalog.priceCall([model], { inputTokens: 1000, outputTokens: 200 }, { serviceTier: 'batch' });
    const standard = catalog.priceCall([model], { inputTokens: 1000, outputTokens: 200 });
    expect(batch.priced && standard.priced && batch.totalUsd).toBeCloseTo(standard.priced ? standard.totalUsd / 2 : NaN, 12);
    const points = where(await h.histogram(METRICS.cost.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model, 'gen_ai.response.model': 'claude-haiku-4-5-batch-test' });
    expect(points.map((p) => [p.count, p.attributes['openai.response.service_tier']])).toEqual([[2, undefined]]);
    expect(points[0]!.sum).toBeCloseTo(2 * (batch.priced ? batch.totalUsd : NaN), 12);
  });

  it('fast mode (usage.speed fast) is never priced at the standard rates: unpriced unless the catalog lists a fast_mode tier', async () => {
    const c = rewriting('"service_tier":"standard"', '"service_tier":"standard","speed":"fast"');
    const model = 'claude-opus-4-6';
    const message = await c.messages.create({ model, max_tokens: 300, messages: m }, { headers: { 'x-sim-usage': 'prompt=100,completion=20' } });
    expect(message.usage.speed).toBe('fast');
    expect(await h.cost(model)).toEqual({ count: 0, sum: 0 });
    expect(sum(where(await h.points(METRICS.unpricedCalls.name), byModel(model)).map((p) => p.value))).toBe(1);
    expect(await h.tokens(model)).toEqual([
      ['input', 100, 1],
      ['output', 20, 1],
    ]);
  });
});

describe('rate-limit headroom', () => {
  afterEach(() => vi.useRealTimers());

  it('reads the full limit once the window the RFC 3339 reset header names has passed', async () => {
    const model = 'rl-reset';
    const { response } = await client.messages.create({ model, max_tokens: 10, messages: m }).withResponse();
    const remaining = async (type: string) =>
      where(await h.points(METRICS.rateLimitRemaining.name), { ...byModel(model), [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: type }).map((p) => p.value);
    const limit = Number(response.headers.get('anthropic-ratelimit-requests-limit'));
    const left = Number(response.headers.get('anthropic-ratelimit-requests-remaining'));
    const reset = response.headers.get('anthropic-ratelimit-requests-reset') as string;
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(left).toBeLessThan(limit);
    expect(await remaining('requests')).toEqual([left]);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(reset) - 1000 });
    expect(await remaining('requests')).toEqual([left]);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse(reset) + 1000 });
    expect(await remaining('requests')).toEqual([limit]);
    expect(await remaining('tokens')).toEqual([Number(response.headers.get('anthropic-ratelimit-tokens-limit'))]);
  });
});

describe("Anthropic's errors", () => {
  const headers = new Headers();
  const APIError = () => AnthropicModule.APIError;
  const body = (type: string, message: string) => ({ type: 'error', error: { type, message } });
  const cases: [string, () => unknown, string][] = [
    ['HTTP 529 overloaded_error', () => APIError().generate(529, body('overloaded_error', 'Overloaded'), undefined, headers), 'server_error'],
    ['HTTP 400 credit balance too low', () => APIError().generate(400, body('invalid_request_error', 'Your credit balance is too low to access the Anthropic API.'), undefined, headers), 'insufficient_quota'],
    ['HTTP 400 invalid request', () => APIError().generate(400, body('invalid_request_error', 'max_tokens: Field required'), undefined, headers), 'bad_request'],
    ['HTTP 402 billing_error', () => APIError().generate(402, body('billing_error', 'Billing issue'), undefined, headers), 'insufficient_quota'],
    ['HTTP 413 request_too_large', () => APIError().generate(413, body('request_too_large', 'Request exceeds the maximum size'), undefined, headers), 'bad_request'],
    ['an overloaded_error event in a stream', () => new (APIError())(undefined, body('overloaded_error', 'Overloaded'), undefined, headers), 'server_error'],
    ['a rate_limit_error event in a stream', () => new (APIError())(undefined, body('rate_limit_error', 'slow down'), undefined, headers), 'rate_limit'],
    ['an api_error event in a stream', () => new (APIError())(undefined, body('api_error', 'Internal server error'), undefined, headers), 'server_error'],
  ];
  for (const [name, make, type] of cases) {
    it(`${name} -> ${type}`, () => {
      expect(classifyError(make()).type).toBe(type);
    });
  }
});
