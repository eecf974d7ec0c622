// Added CPU per call of @genai-meter/instrumentation-ai over the Vercel AI SDK alone (ai 7 with @ai-sdk/openai 4),
// measured in one process: paired, interleaved rounds of the SDK alone, with the instrumentation aggregating on
// its own (aggregation 'internal', as @genai-meter/node runs it) and through OTel SDK instruments ('sdk'), in
// rotating order. The provider calls an in-process fetch stub that replays the simulator's real wire bytes
// (captured once at start), so the figure is the SDK's and the instrumentation's CPU, not a server's.
//
// The instrumentation wraps the model class's methods in place, so in the baseline rounds the two (disabled)
// instrumentations' wrappers are still on the model's prototype and pass calls straight through: the added
// figures are against the SDK with those pass-through calls, a few tens of nanoseconds.
//
//   bash scripts/with-node.sh npx tsx bench/src/ai-overhead.ts [--rounds 20] [--scale 1] [--json]
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulator } from '@genai-meter/simulator';
import { MeterProvider, OnDemandReader, summarize } from './meter.js';
import { emit, flag, median, timeLoop, type Sample } from './stats.js';

const benchRequire = createRequire(import.meta.url);

/** A full collection before each timed round, so that one variant's garbage is not collected in another's round. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
// The instrumentation's own package resolves ai 7 and @ai-sdk/openai 4 (dev dependencies there).
const packageRequire = createRequire(fileURLToPath(new URL('../../packages/instrumentation-ai/package.json', import.meta.url)));

const MODEL = 'gpt-4o-mini';
const EMBEDDING_MODEL = 'text-embedding-3-small';
const SCENARIOS = {
  json: { iterations: 2000, warmup: 2000 },
  stream20: { iterations: 400, warmup: 400 },
  embeddings: { iterations: 2000, warmup: 2000 },
} as const;
type Scenario = keyof typeof SCENARIOS;
const VARIANTS = ['baseline', 'genai-meter', 'genai-meter-sdk'] as const;
type Variant = (typeof VARIANTS)[number];

interface Recorded {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

/** One real answer per endpoint, from the simulator, as bytes and headers. */
async function captureWire(): Promise<Record<Scenario, Recorded>> {
  const sim = await startSimulator({ seed: 1, latencyScale: 0 });
  const post = async (path: string, body: unknown, extra: Record<string, string> = {}): Promise<Recorded> => {
    const res = await fetch(`${sim.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...extra }, body: JSON.stringify(body) });
    const headers: [string, string][] = [];
    res.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding') headers.push([name, value]);
    });
    return { status: res.status, headers, body: await res.arrayBuffer() };
  };
  const messages = [{ role: 'user', content: 'Tell me about metrics' }];
  try {
    return {
      json: await post('/chat/completions', { model: MODEL, messages }, { 'x-sim-usage': 'prompt=1200,cached=200,completion=340,reasoning=0' }),
      stream20: await post('/chat/completions', { model: MODEL, messages, stream: true, stream_options: { include_usage: true } }, { 'x-sim-usage': 'prompt=300,completion=200', 'x-sim-chunks': '20' }),
      embeddings: await post('/embeddings', { model: EMBEDDING_MODEL, input: ['Tell me about metrics'], encoding_format: 'float' }),
    };
  } finally {
    await sim.close();
  }
}

const stubFetch = (wire: Record<Scenario, Recorded>) =>
  async function fetchStub(url: string | URL, init?: { body?: unknown }): Promise<Response> {
    const u = String(url);
    const r = u.endsWith('/embeddings') ? wire.embeddings : typeof init?.body === 'string' && init.body.includes('"stream":true') ? wire.stream20 : wire.json;
    return new Response(r.body, { status: r.status, headers: r.headers });
  };

interface InstrumentationLike {
  enable(): void;
  disable(): void;
  setMeterProvider(p: unknown): void;
  createMetricProducer(): unknown;
  patchAI<T>(m: T): T;
}
/* eslint-disable @typescript-eslint/no-explicit-any */
type AIModule = any;

async function main(): Promise<void> {
  process.setSourceMapsEnabled(false);
  const rounds = Number(flag('rounds') ?? 20);
  const scale = Number(flag('scale') ?? 1);
  const wire = await captureWire();

  const { AIInstrumentation } = benchRequire('@genai-meter/instrumentation-ai') as { AIInstrumentation: new (c: object) => InstrumentationLike };
  const internal = new AIInstrumentation({ enabled: false, aggregation: 'internal' });
  const internalReader = new OnDemandReader(undefined, [internal.createMetricProducer()]);
  internal.setMeterProvider(new MeterProvider({ readers: [internalReader] }));
  const sdk = new AIInstrumentation({ enabled: false, aggregation: 'sdk' });
  const sdkReader = new OnDemandReader();
  sdk.setMeterProvider(new MeterProvider({ readers: [sdkReader] }));

  // The ES module build, imported without any loader hook: the baseline's exports are the SDK's own.
  const aiPath = packageRequire.resolve('ai');
  const ai: AIModule = await import(pathToFileURL(aiPath).href);
  const version = (JSON.parse(readFileSync(`${aiPath.slice(0, aiPath.lastIndexOf('/dist/'))}/package.json`, 'utf8')) as { version: string }).version;
  const { createOpenAI } = await import(pathToFileURL(packageRequire.resolve('@ai-sdk/openai')).href);
  const openai = createOpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', fetch: stubFetch(wire) });
  const chat = openai.chat(MODEL);
  const embedding = openai.embedding(EMBEDDING_MODEL);

  const modules: Record<Variant, AIModule> = { baseline: ai, 'genai-meter': internal.patchAI(ai), 'genai-meter-sdk': sdk.patchAI(ai) };
  const instrumentations: Record<Exclude<Variant, 'baseline'>, InstrumentationLike> = { 'genai-meter': internal, 'genai-meter-sdk': sdk };
  let current: AIModule = ai;
  const use = (variant: Variant): void => {
    for (const inst of Object.values(instrumentations)) inst.disable();
    if (variant !== 'baseline') instrumentations[variant].enable();
    current = modules[variant];
    if ((current.generateText === ai.generateText) !== (variant === 'baseline')) throw new Error(`${variant}: generateText wrapped wrongly`);
  };

  const calls: Record<Scenario, () => Promise<unknown>> = {
    json: () => current.generateText({ model: chat, prompt: 'Tell me about metrics' }),
    stream20: async () => {
      const result = current.streamText({ model: chat, prompt: 'Tell me about metrics' });
      for await (const _ of result.textStream);
    },
    embeddings: () => current.embed({ model: embedding, value: 'Tell me about metrics' }),
  };

  const results: Record<string, Record<Variant, { median: Sample; addedCpuUs?: number; addedPercent?: number }>> = {};
  for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
    const iterations = Math.max(20, Math.round(SCENARIOS[scenario].iterations * scale));
    const warmup = Math.max(20, Math.round(SCENARIOS[scenario].warmup * scale));
    const call = calls[scenario];
    for (const v of VARIANTS) {
      use(v);
      await timeLoop(warmup, call);
    }
    const samples: Record<Variant, Sample[]> = { baseline: [], 'genai-meter': [], 'genai-meter-sdk': [] };
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no variant always follows the same one.
      for (let k = 0; k < VARIANTS.length; k++) {
        const variant = VARIANTS[(k + r) % VARIANTS.length]!;
        use(variant);
        gc();
        samples[variant].push(await timeLoop(iterations, call));
      }
    }
    const base = samples.baseline;
    results[scenario] = Object.fromEntries(
      VARIANTS.map((v) => {
        const med = { cpuUs: median(samples[v].map((s) => s.cpuUs)), wallUs: median(samples[v].map((s) => s.wallUs)) };
        if (v === 'baseline') return [v, { median: med }];
        // Paired: each round's difference to the baseline of the same round, then the median.
        const added = median(samples[v].map((s, i) => s.cpuUs - base[i]!.cpuUs));
        return [v, { median: med, addedCpuUs: added, addedPercent: (100 * added) / med.cpuUs }];
      }),
    ) as Record<Variant, { median: Sample; addedCpuUs?: number; addedPercent?: number }>;
    const row = results[scenario]!;
    process.stderr.write(
      `${scenario.padEnd(10)} ai ${version} alone ${row.baseline.median.cpuUs.toFixed(1)} µs CPU/call; ` +
        `+ genai-meter (internal) ${row['genai-meter'].addedCpuUs!.toFixed(1)} µs, (sdk) ${row['genai-meter-sdk'].addedCpuUs!.toFixed(1)} µs ` +
        `[${rounds} rounds x ${iterations} calls]\n`,
    );
  }
  use('baseline');
  // The instrumented rounds were recorded: a benchmark of an instrumentation that records nothing measures nothing.
  const recorded = (await summarize(internalReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  const recordedSdk = (await summarize(sdkReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  if (recorded === 0 || recordedSdk === 0) throw new Error('the instrumented rounds recorded no calls');
  if (process.argv.includes('--json')) emit({ ai: version, node: process.version, rounds, results, recorded: { internal: recorded, sdk: recordedSdk } });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
