// core's observeAsyncGenerator on both kinds of generator an SDK may hand out: a native async generator
// (methods on its prototype) and tslib's (own methods, what @google/genai's build returns). The caller sees the
// same object, keys, values and outcomes; the call sees every chunk either way.
import { afterAll, expect, it } from 'vitest';
import { Call, observeAsyncGenerator, type ChunkObserver } from '@genai-meter/instrumentation-core';
import { METRICS } from '../src/index.js';
import { MetricsHarness, where } from './support/harness.js';

const h = new MetricsHarness();
afterAll(() => h.shutdown());

async function* native(n: number) {
  for (let i = 0; i < n; i++) yield { i };
}
/** The shape tslib's __asyncGenerator builds: an object with own next/throw/return over a native generator. */
function tslibLike(n: number) {
  const g = native(n);
  const i = Object.create(Object.getPrototypeOf(Object.getPrototypeOf(g)));
  for (const m of ['next', 'throw', 'return'] as const) i[m] = (v?: unknown) => g[m](v as never);
  i[Symbol.asyncIterator] = function (this: unknown) {
    return this;
  };
  return i as AsyncGenerator<{ i: number }>;
}

const observer: ChunkObserver = (call, chunk) => {
  call.onChunk();
  return chunk;
};
// A Call as the instrumentation makes one, on its recorder and endpoints.
const inst = h.instrumentation as unknown as { _recorder: ConstructorParameters<typeof Call>[0]; _endpoints: { resolve(c: undefined): ConstructorParameters<typeof Call>[2] } };
const start = (model: string) => new Call(inst._recorder, 'generate_content', inst._endpoints.resolve(undefined), model, true);

for (const [kind, make] of [['native', native], ['tslib', tslibLike]] as const) {
  it(`${kind}: same keys, values and early return; every chunk timed; a stop mid-way is cancelled`, async () => {
    const plain = make(5);
    const observed = make(5);
    expect(observeAsyncGenerator(observed, start(`${kind}-a`), observer, { error: () => {} } as never)).toBe(true);
    expect(observeAsyncGenerator(observed, start(`${kind}-a`), observer, { error: () => {} } as never)).toBe(false); // once
    expect(Object.keys(observed).sort()).toEqual(Object.keys(plain).sort());
    expect(observed[Symbol.asyncIterator]()).toBe(observed);
    const read = async (g: AsyncGenerator<{ i: number }>) => {
      const first = await g.next();
      const rest: unknown[] = [];
      for await (const c of g) {
        rest.push(c);
        if (rest.length === 2) break;
      }
      return { first, rest, after: await g.next() };
    };
    expect(await read(observed)).toEqual(await read(plain));
    const m = { [`gen_ai.request.model`]: `${kind}-a` };
    expect(where(await h.histogram(METRICS.timePerOutputChunk.name), m).map((p) => p.count)).toEqual([2]);
    expect(where(await h.histogram(METRICS.duration.name), m).map((p) => [p.count, p.attributes['error.type']])).toEqual([[1, 'cancelled']]);
  });
}
