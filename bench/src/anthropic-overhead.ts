// Added CPU per call of @genai-meter/instrumentation-anthropic over @anthropic-ai/sdk alone, measured in one
// process: paired, interleaved rounds of the SDK alone, with the instrumentation aggregating on its own
// (aggregation 'internal', as @genai-meter/node runs it) and through OTel SDK instruments ('sdk'), in rotating
// order. Each variant has its own copy of the SDK (the same files loaded three times), patched once by its own
// instrumentation or not at all, so no round re-patches a prototype the others' compiled code depends on. The
// SDK calls an in-process fetch stub that replays the simulator's real wire bytes (captured once at start): a
// Message with cache reads and 1-hour cache writes, a 20-delta stream, and the same stream read through the
// messages.stream() helper, against api.anthropic.com's address as production calls go (a gateway host would
// also read a gateway's cost header). A fourth variant, a second copy of the SDK alone, shows what the
// measurement itself scatters on this machine. "Added %" is against the SDK's own CPU per call.
//
//   bash scripts/with-node.sh npx tsx bench/src/anthropic-overhead.ts [--rounds 20] [--scale 1] [--json]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@genai-meter/simulator';
import { MeterProvider, OnDemandReader, summarize } from './meter.js';
import { capture, pairedRounds, replay, type Recorded } from './paired-rounds.js';
import { emit, flag } from './stats.js';

const benchRequire = createRequire(import.meta.url);
// The instrumentation's own package resolves @anthropic-ai/sdk 1.x (a dev dependency there).
const packageRequire = createRequire(fileURLToPath(new URL('../../packages/instrumentation-anthropic/package.json', import.meta.url)));

const MODEL = 'claude-haiku-4-5';
const SIZES = {
  json: { iterations: 2000, warmup: 2000 },
  stream20: { iterations: 400, warmup: 400 },
  helper20: { iterations: 400, warmup: 400 },
};
type Scenario = keyof typeof SIZES;
const VARIANTS = ['baseline', 'genai-meter', 'genai-meter-sdk', 'baseline-copy'] as const;
type Variant = (typeof VARIANTS)[number];

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

interface InstrumentationLike {
  enable(): void;
  disable(): void;
  setMeterProvider(p: unknown): void;
  createMetricProducer(): unknown;
  patchAnthropic(m: unknown): void;
}

async function main(): Promise<void> {
  process.setSourceMapsEnabled(false);
  const rounds = Number(flag('rounds') ?? 20);
  const scale = Number(flag('scale') ?? 1);
  const wire = await captureWire();

  /** A copy of the SDK of its own: its modules loaded again, sharing nothing with the other copies. */
  const freshCopy = (): Record<string, unknown> => {
    for (const key of Object.keys(packageRequire.cache)) if (key.includes('/node_modules/@anthropic-ai/sdk/')) delete packageRequire.cache[key];
    return packageRequire('@anthropic-ai/sdk') as Record<string, unknown>;
  };
  // All loaded before any instrumentation is enabled, so no require hook patches them; each
  // instrumentation then patches its own copy by hand.
  const copies = { baseline: freshCopy(), 'genai-meter': freshCopy(), 'genai-meter-sdk': freshCopy(), 'baseline-copy': freshCopy() } satisfies Record<Variant, unknown>;
  const version = (packageRequire('@anthropic-ai/sdk/version') as { VERSION: string }).VERSION;

  const { AnthropicInstrumentation } = benchRequire('@genai-meter/instrumentation-anthropic') as { AnthropicInstrumentation: new (c: object) => InstrumentationLike };
  const internal = new AnthropicInstrumentation({ enabled: false, aggregation: 'internal' });
  const internalReader = new OnDemandReader(undefined, [internal.createMetricProducer()]);
  internal.setMeterProvider(new MeterProvider({ readers: [internalReader] }));
  const sdk = new AnthropicInstrumentation({ enabled: false, aggregation: 'sdk' });
  const sdkReader = new OnDemandReader();
  sdk.setMeterProvider(new MeterProvider({ readers: [sdkReader] }));
  for (const [inst, copy] of [
    [internal, copies['genai-meter']],
    [sdk, copies['genai-meter-sdk']],
  ] as const) {
    inst.enable();
    inst.patchAnthropic(copy);
  }

  const fetchStub = async (_url: unknown, init?: { body?: unknown }) => replay(String(init?.body).includes('"stream":true') ? wire.stream : wire.json);
  type Client = { messages: { create(body: object): Promise<AsyncIterable<unknown>>; stream(body: object): { finalMessage(): Promise<unknown> } } };
  const clients = {} as Record<Variant, Client>;
  for (const v of VARIANTS) {
    const A = copies[v].Anthropic as { new (o: object): Client; Messages: { prototype: { create: { name: string } } } };
    const wrapped = A.Messages.prototype.create.name === 'genaiMeterCall';
    if (wrapped !== (v === 'genai-meter' || v === 'genai-meter-sdk')) throw new Error(`${v}: messages.create wrapped=${wrapped}`);
    clients[v] = new A({ apiKey: 'k', baseURL: 'https://api.anthropic.com', maxRetries: 0, fetch: fetchStub });
  }
  let client = clients.baseline;
  const use = (variant: Variant): void => {
    client = clients[variant];
  };

  const calls: Record<Scenario, () => Promise<unknown>> = {
    json: () => client.messages.create(REQUEST),
    stream20: async () => {
      for await (const _ of await client.messages.create({ ...REQUEST, stream: true }));
    },
    helper20: () => client.messages.stream(REQUEST).finalMessage(),
  };

  const results = await pairedRounds({
    sizes: SIZES,
    variants: VARIANTS,
    use,
    calls,
    rounds,
    scale,
    describe: (scenario, row, iterations) =>
      `${scenario.padEnd(9)} @anthropic-ai/sdk ${version} alone ${row.baseline.median.cpuUs.toFixed(1)} µs CPU/call; ` +
      `+ genai-meter (internal) ${row['genai-meter'].addedCpuUs!.toFixed(1)} µs (${row['genai-meter'].addedPercent!.toFixed(1)}%), ` +
      `(sdk) ${row['genai-meter-sdk'].addedCpuUs!.toFixed(1)} µs (${row['genai-meter-sdk'].addedPercent!.toFixed(1)}%); ` +
      `a second copy alone ${row['baseline-copy'].addedCpuUs!.toFixed(1)} µs [${rounds} rounds x ${iterations} calls]`,
  });
  // The instrumented rounds were recorded: a benchmark of an instrumentation that records nothing measures nothing.
  const recorded = (await summarize(internalReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  const recordedSdk = (await summarize(sdkReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  const tokens = (await summarize(internalReader))['gen_ai.client.token.usage']?.recorded ?? 0;
  if (recorded === 0 || recordedSdk === 0 || tokens === 0) throw new Error('the instrumented rounds recorded no calls');
  if (process.argv.includes('--json')) emit({ anthropic: version, node: process.version, rounds, results, recorded: { internal: recorded, sdk: recordedSdk } });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
