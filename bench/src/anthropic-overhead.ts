// Added CPU per call of @genai-meter/instrumentation-anthropic over @anthropic-ai/sdk alone, measured as
// paired-rounds.ts describes (the method every per-SDK script shares). The replayed answers: a Message with
// cache reads and 1-hour cache writes, a 20-delta stream, and the same stream read through the
// messages.stream() helper, against api.anthropic.com's address as production calls go (a gateway host would
// also read a gateway's cost header).
//
//   bash scripts/with-node.sh npx tsx bench/src/anthropic-overhead.ts [--rounds 20] [--scale 1] [--json]
import { createRequire } from 'node:module';
import { startSimulator } from '@genai-meter/simulator';
import { capture, freshCommonJsCopy, packageRequire, replay, runMain, runSdkOverhead, type InstrumentationLike, type Recorded } from './paired-rounds.js';
import { packageVersion } from './versions.js';

const SDK = '@anthropic-ai/sdk';
const sdkRequire = packageRequire('instrumentation-anthropic');
const MODEL = 'claude-haiku-4-5';
const REQUEST = { model: MODEL, max_tokens: 1024, messages: [{ role: 'user', content: 'Tell me about metrics' }] };

/** One real answer per shape, from the simulator. */
async function captureWire(): Promise<{ json: Recorded; stream: Recorded }> {
  const sim = await startSimulator({ seed: 1, latencyScale: 0 });
  const headers = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
  try {
    return {
      json: await capture(`${sim.url}/v1/messages`, REQUEST, { ...headers, 'x-sim-usage': 'prompt=3000,cached=1800,cache_write_1h=300,completion=340' }),
      stream: await capture(`${sim.url}/v1/messages`, { ...REQUEST, stream: true }, { ...headers, 'x-sim-usage': 'prompt=300,cached=200,completion=200', 'x-sim-chunks': '20' }),
    };
  } finally {
    await sim.close();
  }
}

type Client = { messages: { create(body: object): Promise<AsyncIterable<unknown>>; stream(body: object): { finalMessage(): Promise<unknown> } } };
type AnthropicClass = { new (o: object): Client; Messages: { prototype: { create: { name: string } } } };

runMain(async () => {
  const wire = await captureWire();
  const fetchStub = async (_url: unknown, init?: { body?: unknown }) => replay(String(init?.body).includes('"stream":true') ? wire.stream : wire.json);
  const { AnthropicInstrumentation } = createRequire(import.meta.url)('@genai-meter/instrumentation-anthropic') as {
    AnthropicInstrumentation: new (c: object) => InstrumentationLike & { patchAnthropic(m: unknown): void };
  };
  await runSdkOverhead({
    sdk: SDK,
    version: packageVersion(sdkRequire, SDK),
    instrumentation: '@genai-meter/instrumentation-anthropic',
    Instrumentation: AnthropicInstrumentation,
    scenarios: {
      json: { title: 'messages.create, a Message with cache reads and writes', iterations: 2000, warmup: 2000 },
      stream20: { title: 'messages.create, stream: true, 20 deltas', iterations: 400, warmup: 400 },
      helper20: { title: 'messages.stream().finalMessage(), 20 deltas', iterations: 400, warmup: 400 },
    },
    load: async () => freshCommonJsCopy(sdkRequire, SDK),
    patch: (inst, copy) => {
      inst.patchAnthropic(copy);
      return copy;
    },
    wrapped: (copy) => (copy.Anthropic as AnthropicClass).Messages.prototype.create.name === 'genaiMeterCall',
    calls: (copy) => {
      const client = new (copy.Anthropic as AnthropicClass)({ apiKey: 'k', baseURL: 'https://api.anthropic.com', maxRetries: 0, fetch: fetchStub });
      return {
        json: () => client.messages.create(REQUEST),
        stream20: async () => {
          for await (const _ of await client.messages.create({ ...REQUEST, stream: true }));
        },
        helper20: () => client.messages.stream(REQUEST).finalMessage(),
      };
    },
  });
});
