// A failure inside the instrumentation never reaches the caller: it is logged through the OTel diag logger
// and the call goes on with the same result. Attribution attributes belong to the scope a call was made in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { failingInternals } from '../../instrumentation-core/test/support/robustness.js';
import { METRICS } from '../src/index.js';
import { MetricsHarness, headers, loadGenAI, where } from './support/harness.js';
import { harnessAndSimulator, shutDown } from '../../instrumentation-core/test/support/simulator.js';

const { logged, scope, explodeAttributes, config } = failingInternals();
let sim: Simulator;
let h: MetricsHarness;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let ai: any;
const count = async (model: string) => (await h.durations(model)).map((d) => d.count);

beforeAll(async () => {
  ({ h, sim } = await harnessAndSimulator(() => new MetricsHarness(config), 5));
  ai = new (loadGenAI().GoogleGenAI)({ apiKey: 'k', httpOptions: { baseUrl: sim.url } });
});
afterAll(() => shutDown(h, sim));

it('a throwing price catalog: same result, error logged, duration still recorded (JSON and stream)', async () => {
  const res = await ai.models.generateContent({ model: 'boom-model', contents: 'x', config: headers({ 'x-sim-usage': 'prompt=5,completion=6' }) });
  expect(res.usageMetadata.candidatesTokenCount).toBe(6);
  let chunks = 0;
  for await (const _ of await ai.models.generateContentStream({ model: 'boom-model', contents: 'x', config: headers({ 'x-sim-chunks': '4' }) })) chunks++;
  expect(chunks).toBe(4);
  expect(logged('catalog exploded')).toBe(2);
  expect(await count('boom-model')).toEqual([2]);
});

it('throwing extra attributes: calls and streams go on; the measurements are taken without them', async () => {
  explodeAttributes(true);
  try {
    let chunks = 0;
    for await (const _ of await ai.models.generateContentStream({ model: 'boom-stream', contents: 'x', config: headers({ 'x-sim-chunks': '5' }) })) chunks++;
    const json = await ai.models.generateContent({ model: 'boom-json', contents: 'x' });
    const embedded = await ai.models.embedContent({ model: 'boom-embedding', contents: 'x' });
    expect([chunks, json.candidates.length, embedded.embeddings.length]).toEqual([5, 1, 1]);
  } finally {
    explodeAttributes(false);
  }
  expect(logged('attributes exploded')).toBe(3);
  expect([await count('boom-stream'), await count('boom-json'), await count('boom-embedding')]).toEqual([[1], [1], [1]]);
});

it('attribution attributes come from the scope the call was made in, wherever it is awaited or read', async () => {
  const pending = scope.run({ 'genai_meter.feature': 'search' }, () => ai.models.generateContent({ model: 'scoped-json', contents: 'x' }));
  const streamPending = scope.run({ 'genai_meter.feature': 'chat' }, () => ai.models.generateContentStream({ model: 'scoped-stream', contents: 'x' }));
  await pending;
  for await (const _ of await streamPending);
  const durations = await h.histogram(METRICS.duration.name);
  const feature = (model: string) => where(durations, { 'gen_ai.request.model': model }).map((d) => d.attributes['genai_meter.feature']);
  expect([feature('scoped-json'), feature('scoped-stream')]).toEqual([['search'], ['chat']]);
  const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), { 'gen_ai.request.model': 'scoped-stream' });
  expect(ttfc.map((p) => p.attributes['genai_meter.feature'])).toEqual(['chat']);
});

it('a Models copy whose methods return no promise or no stream: passed through, not recorded, not left in flight', async () => {
  // Another library's copy (or a future SDK) under the same names: what it returns goes back untouched.
  class Models {
    generateContentInternal(params: { model: string }) {
      return { sync: params.model };
    }
    async generateContentStreamInternal() {
      return 'not a stream';
    }
    embedContent() {
      throw new TypeError('embed exploded');
    }
  }
  h.instrumentation.patchGoogleGenAI({ Models });
  const m = new Models() as unknown as Record<string, (p: unknown) => unknown>;
  expect(m.generateContentInternal!({ model: 'odd-sync' })).toEqual({ sync: 'odd-sync' });
  expect(await m.generateContentStreamInternal!({ model: 'odd-stream' })).toBe('not a stream');
  expect(() => m.embedContent!({ model: 'odd-embed' })).toThrow('embed exploded');
  expect([await count('odd-sync'), await count('odd-stream')]).toEqual([[], []]);
  // A synchronous throw is a failed call like any other.
  const failed = (await h.durations('odd-embed'));
  expect(failed.map((d) => [d.count, d.attributes['error.type']])).toEqual([[1, '_OTHER']]);
  const active = await h.points(METRICS.activeRequests.name);
  expect(where(active, { 'gen_ai.request.model': 'odd-sync' }).concat(where(active, { 'gen_ai.request.model': 'odd-stream' })).map((a) => a.value)).toEqual([0, 0]);
});
