// A failure inside the instrumentation never reaches the caller: it is logged through the OTel diag
// logger and the call goes on with the same result.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { failingInternals } from '../../instrumentation-core/test/support/robustness.js';
import { METRICS } from '../src/index.js';
import { MetricsHarness, loadOpenAI, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

const { errors, logged, scope, explodeAttributes, config } = failingInternals();
let sim: Simulator;
let h: MetricsHarness;
beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(config), 5));
});
afterAll(() => shutDown(h, sim));

it('a throwing price catalog: same result, error logged, duration still recorded', async () => {
  const OpenAI = loadOpenAI(7).OpenAI;
  const client = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
  const res = await client.chat.completions.create({ model: 'boom-model', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-sim-usage': 'prompt=5,completion=6' } });
  expect(res.usage.completion_tokens).toBe(6);
  expect(logged('catalog exploded')).toBeGreaterThan(0);
  expect((await h.durations('boom-model')).map((d) => d.count)).toEqual([1]);
});

it('throwing extra attributes: streams still deliver every chunk', async () => {
  const OpenAI = loadOpenAI(7).OpenAI;
  const client = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
  explodeAttributes(true);
  errors.length = 0;
  const stream = await client.chat.completions.create({ model: 'boom-stream', messages: [{ role: 'user', content: 'x' }], stream: true }, { headers: { 'x-sim-chunks': '5' } });
  let n = 0;
  for await (const c of stream) if (c.choices.length) n++;
  const json = await client.chat.completions.create({ model: 'boom-json', messages: [{ role: 'user', content: 'x' }] });
  explodeAttributes(false);
  expect(n).toBeGreaterThanOrEqual(5);
  expect(json.choices).toHaveLength(1);
  expect(logged('attributes exploded')).toBeGreaterThanOrEqual(2);
  // The measurements themselves were still taken.
  expect((await h.durations('boom-stream')).map((d) => d.count)).toEqual([1]);
  expect((await h.durations('boom-json')).map((d) => d.count)).toEqual([1]);
});

it('attribution attributes come from the scope the call was made in, wherever it is awaited', async () => {
  const OpenAI = loadOpenAI(7).OpenAI;
  const client = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
  const m = [{ role: 'user', content: 'x' }];
  // Created inside the scope, awaited (and the stream read) outside it.
  const pending = scope.run({ 'genai_meter.feature': 'search' }, () => client.chat.completions.create({ model: 'scoped-json', messages: m }));
  const streamPending = scope.run({ 'genai_meter.feature': 'chat' }, () => client.chat.completions.create({ model: 'scoped-stream', messages: m, stream: true }));
  await pending;
  for await (const _ of await streamPending);
  const durations = await h.histogram(METRICS.duration.name);
  const feature = (model: string) => where(durations, { 'gen_ai.request.model': model }).map((d) => d.attributes['genai_meter.feature']);
  expect(feature('scoped-json')).toEqual(['search']);
  expect(feature('scoped-stream')).toEqual(['chat']);
  const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), { 'gen_ai.request.model': 'scoped-stream' });
  expect(ttfc.map((p) => p.attributes['genai_meter.feature'])).toEqual(['chat']);
});
