// A failure inside the instrumentation never reaches the caller: it is logged through the OTel diag logger and
// the call goes on with the same result. Attribution comes from the scope a call was made in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { failingInternals } from '../../instrumentation-core/test/support/robustness.js';
import { METRICS } from '../src/index.js';
import { AnthropicHarness, loadAnthropic, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

const { errors, logged, scope, explodeAttributes, config } = failingInternals();
let sim: Simulator;
let h: AnthropicHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const m = [{ role: 'user', content: 'x' }];

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new AnthropicHarness(config), 5));
  client = new (loadAnthropic('v1').Anthropic)({ apiKey: 'k', baseURL: sim.url, maxRetries: 0 });
});
afterAll(() => shutDown(h, sim));

it('a throwing price catalog: same result, error logged, duration still recorded', async () => {
  const res = await client.messages.create({ model: 'boom-model', max_tokens: 10, messages: m }, { headers: { 'x-sim-usage': 'prompt=5,completion=6' } });
  expect(res.usage.output_tokens).toBe(6);
  expect(logged('catalog exploded')).toBeGreaterThan(0);
  expect((await h.durations('boom-model')).map((d) => d.count)).toEqual([1]);
});

it('throwing extra attributes: streams and the MessageStream helper still deliver every event', async () => {
  explodeAttributes(true);
  errors.length = 0;
  let deltas = 0;
  for await (const e of await client.messages.create({ model: 'boom-stream', max_tokens: 10, messages: m, stream: true }, { headers: { 'x-sim-chunks': '5' } })) {
    if (e.type === 'content_block_delta') deltas++;
  }
  let texts = 0;
  const helper = client.messages.stream({ model: 'boom-helper', max_tokens: 100, messages: m }, { headers: { 'x-sim-chunks': '4' } });
  helper.on('text', () => texts++);
  const final = await helper.finalMessage();
  explodeAttributes(false);
  expect([deltas, texts, final.stop_reason]).toEqual([5, 4, 'end_turn']);
  expect(logged('attributes exploded')).toBeGreaterThanOrEqual(2);
  // The measurements themselves were still taken.
  expect((await h.durations('boom-stream')).map((d) => d.count)).toEqual([1]);
  expect((await h.durations('boom-helper')).map((d) => d.count)).toEqual([1]);
});

it('attribution attributes come from the scope the call was made in, wherever it is awaited or read', async () => {
  const pending = scope.run({ 'genai_meter.feature': 'search' }, () => client.messages.create({ model: 'scoped-json', max_tokens: 10, messages: m }));
  const streamPending = scope.run({ 'genai_meter.feature': 'chat' }, () => client.messages.create({ model: 'scoped-stream', max_tokens: 10, messages: m, stream: true }));
  const helper = scope.run({ 'genai_meter.feature': 'assistant' }, () => client.messages.stream({ model: 'scoped-helper', max_tokens: 10, messages: m }));
  await pending;
  for await (const _ of await streamPending);
  await helper.finalMessage();
  const feature = async (model: string) => (await h.durations(model)).map((d) => d.attributes['genai_meter.feature']);
  expect([await feature('scoped-json'), await feature('scoped-stream'), await feature('scoped-helper')]).toEqual([['search'], ['chat'], ['assistant']]);
  const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), { 'gen_ai.request.model': 'scoped-stream' });
  expect(ttfc.map((p) => p.attributes['genai_meter.feature'])).toEqual(['chat']);
});
