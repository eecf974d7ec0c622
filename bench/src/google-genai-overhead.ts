// Added CPU per call of @genai-meter/instrumentation-google-genai over @google/genai alone, measured in one
// process: paired, interleaved rounds of the SDK alone, with the instrumentation aggregating on its own
// (aggregation 'internal', as @genai-meter/node runs it) and through OTel SDK instruments ('sdk'), in rotating
// order. The SDK calls an in-process fetch stub that replays the simulator's real wire bytes (captured once at
// start), so the figure is the SDK's and the instrumentation's CPU, not a server's or the network's.
//
//   bash scripts/with-node.sh npx tsx bench/src/google-genai-overhead.ts [--rounds 20] [--scale 1] [--json]
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@genai-meter/simulator';
import { MeterProvider, OnDemandReader, summarize } from './meter.js';
import { emit, flag, median, timeLoop, type Sample } from './stats.js';

const benchRequire = createRequire(import.meta.url);

/** A full collection before each timed round, so that one variant's garbage is not collected in another's round. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
// The instrumentation's own package resolves @google/genai (a dev dependency there).
const packageRequire = createRequire(fileURLToPath(new URL('../../packages/instrumentation-google-genai/package.json', import.meta.url)));

const MODEL = 'gemini-2.5-flash';
const EMBEDDING_MODEL = 'gemini-embedding-001';
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
    const res = await fetch(`${sim.url}/v1beta/models/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k', ...extra },
      body: JSON.stringify(body),
    });
    const headers: [string, string][] = [];
    res.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding') headers.push([k, v]);
    });
    // Each Response made from it copies the buffer.
    return { status: res.status, headers, body: await res.arrayBuffer() };
  };
  const contents = [{ role: 'user', parts: [{ text: 'Tell me about metrics' }] }];
  try {
    return {
      json: await post(`${MODEL}:generateContent`, { contents }, { 'x-sim-usage': 'prompt=1200,cached=200,completion=340,reasoning=100' }),
      stream20: await post(`${MODEL}:streamGenerateContent?alt=sse`, { contents }, { 'x-sim-usage': 'prompt=300,completion=200,reasoning=40', 'x-sim-chunks': '20' }),
      embeddings: await post(`${EMBEDDING_MODEL}:batchEmbedContents`, { requests: [{ model: `models/${EMBEDDING_MODEL}`, content: contents[0] }] }),
    };
  } finally {
    await sim.close();
  }
}

const stubFetch = (wire: Record<Scenario, Recorded>) =>
  async function fetchStub(url: string | URL): Promise<Response> {
    const u = String(url);
    const r = u.includes(':streamGenerateContent') ? wire.stream20 : u.includes(':batchEmbedContents') ? wire.embeddings : wire.json;
    return new Response(r.body, { status: r.status, headers: r.headers });
  };

interface InstrumentationLike {
  enable(): void;
  disable(): void;
  setMeterProvider(p: unknown): void;
  createMetricProducer(): unknown;
  patchGoogleGenAI(m: unknown): void;
}

async function main(): Promise<void> {
  process.setSourceMapsEnabled(false);
  const rounds = Number(flag('rounds') ?? 20);
  const scale = Number(flag('scale') ?? 1);
  const wire = await captureWire();

  const { GoogleGenAIInstrumentation } = benchRequire('@genai-meter/instrumentation-google-genai') as { GoogleGenAIInstrumentation: new (c: object) => InstrumentationLike };
  const internal = new GoogleGenAIInstrumentation({ enabled: false, aggregation: 'internal' });
  const internalReader = new OnDemandReader(undefined, [internal.createMetricProducer()]);
  internal.setMeterProvider(new MeterProvider({ readers: [internalReader] }));
  const sdk = new GoogleGenAIInstrumentation({ enabled: false, aggregation: 'sdk' });
  const sdkReader = new OnDemandReader();
  sdk.setMeterProvider(new MeterProvider({ readers: [sdkReader] }));

  const genai = packageRequire('@google/genai');
  const entry = packageRequire.resolve('@google/genai');
  const version = (JSON.parse(readFileSync(`${entry.slice(0, entry.lastIndexOf('/dist/'))}/package.json`, 'utf8')) as { version: string }).version;
  const ai = new genai.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://127.0.0.1:9', fetch: stubFetch(wire) } });
  const proto = genai.Models.prototype as Record<string, { name: string }>;

  const instrumentations: Record<Exclude<Variant, 'baseline'>, InstrumentationLike> = { 'genai-meter': internal, 'genai-meter-sdk': sdk };
  const use = (variant: Variant): void => {
    for (const inst of Object.values(instrumentations)) inst.disable();
    if (variant !== 'baseline') {
      const inst = instrumentations[variant];
      inst.enable();
      inst.patchGoogleGenAI(genai);
    }
    const wrapped = proto.generateContentInternal!.name === 'genaiMeterModels';
    if (wrapped !== (variant !== 'baseline')) throw new Error(`${variant}: generateContentInternal wrapped=${wrapped}`);
  };

  const calls: Record<Scenario, () => Promise<unknown>> = {
    json: () => ai.models.generateContent({ model: MODEL, contents: 'Tell me about metrics' }),
    stream20: async () => {
      for await (const _ of await ai.models.generateContentStream({ model: MODEL, contents: 'Tell me about metrics' }));
    },
    embeddings: () => ai.models.embedContent({ model: EMBEDDING_MODEL, contents: 'Tell me about metrics' }),
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
      `${scenario.padEnd(10)} @google/genai alone ${row.baseline.median.cpuUs.toFixed(1)} µs CPU/call; ` +
        `+ genai-meter (internal) ${row['genai-meter'].addedCpuUs!.toFixed(1)} µs, (sdk) ${row['genai-meter-sdk'].addedCpuUs!.toFixed(1)} µs ` +
        `[${rounds} rounds x ${iterations} calls]\n`,
    );
  }
  use('baseline');
  // The instrumented rounds were recorded: a benchmark of an instrumentation that records nothing measures nothing.
  const recorded = (await summarize(internalReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  const recordedSdk = (await summarize(sdkReader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  if (recorded === 0 || recordedSdk === 0) throw new Error('the instrumented rounds recorded no calls');
  if (process.argv.includes('--json')) emit({ googleGenai: version, node: process.version, rounds, results, recorded: { internal: recorded, sdk: recordedSdk } });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
