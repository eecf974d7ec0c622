// How the per-SDK scripts (anthropic-overhead.ts, google-genai-overhead.ts, ai-overhead.ts) measure an
// instrumentation against the same SDK alone in one process, the same way for every SDK:
// - each variant gets its own copy of the SDK (the same files loaded again), patched once by its own
//   instrumentation or not at all, so no round re-patches a prototype the other variants' compiled code uses;
// - the SDK calls an in-process fetch that replays the simulator's real wire bytes, captured once at start, so
//   the figure is the SDK's and the instrumentation's CPU, not a server's or the network's;
// - paired rounds: every variant once per round, in rotating order, a full GC before each; added CPU = median
//   over rounds of (variant - SDK alone in the same round);
// - a second copy of the SDK alone is measured like the instrumented ones: what the method scatters here.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { MeterProvider, OnDemandReader, summarize } from './meter.js';
import { emit, flag, median, timeLoop, type Sample } from './stats.js';

/** A full collection before each timed round, so that one variant's garbage is not collected in another's round. */
export const fullGc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** One HTTP answer as bytes and headers, replayable any number of times. */
export interface Recorded {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
}

/** POSTs `body` to `url` and keeps the answer (without the framing headers a replay must not repeat). */
export async function capture(url: string, body: unknown, headers: Record<string, string>): Promise<Recorded> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`capture ${url}: ${res.status} ${await res.text()}`);
  const kept: [string, string][] = [];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') kept.push([name, value]);
  });
  return { status: res.status, headers: kept, body: new Uint8Array(await res.arrayBuffer()) };
}

export const replay = (r: Recorded): Response => new Response(r.body, { status: r.status, headers: r.headers });

/**
 * A CommonJS package loaded again, sharing none of its own modules with the copies loaded before (its
 * dependencies are shared: no instrumentation patches them).
 */
export function freshCommonJsCopy(req: NodeJS.Require, name: string): Record<string, unknown> {
  const dir = `/node_modules/${name}/`;
  for (const key of Object.keys(req.cache)) if (key.includes(dir)) delete req.cache[key];
  return req(name) as Record<string, unknown>;
}

/** An ES module loaded again: a distinct URL is a distinct module instance (its own imports are shared). */
export const freshModuleCopy = async (path: string, copy: string): Promise<Record<string, unknown>> =>
  (await import(`${pathToFileURL(path).href}?copy=${copy}`)) as Record<string, unknown>;

export interface RoundSize {
  iterations: number;
  warmup: number;
}

export interface VariantResult {
  median: Sample;
  /** Median over rounds of this variant's CPU per call minus the baseline's in the same round (µs). */
  addedCpuUs?: number;
  /** addedCpuUs against the baseline's median CPU per call. */
  addedPercent?: number;
}

export interface PairedOptions<S extends string, V extends string> {
  sizes: Record<S, RoundSize>;
  /** The first is the baseline the others are compared with. */
  variants: readonly [V, ...V[]];
  /** Each variant's call of each scenario (on its own copy of the SDK). */
  calls: Record<V, Record<S, () => Promise<unknown>>>;
  rounds: number;
  /** Multiplies iterations and warm-up (quick runs). */
  scale: number;
  /** One line on stderr per scenario. */
  describe: (scenario: S, row: Record<V, VariantResult>, iterations: number) => string;
}

export const scaled = (n: number, scale: number): number => Math.max(20, Math.round(n * scale));

export async function pairedRounds<S extends string, V extends string>(o: PairedOptions<S, V>): Promise<Record<S, Record<V, VariantResult>>> {
  const baseline = o.variants[0];
  const results = {} as Record<S, Record<V, VariantResult>>;
  for (const scenario of Object.keys(o.sizes) as S[]) {
    const iterations = scaled(o.sizes[scenario].iterations, o.scale);
    const warmup = scaled(o.sizes[scenario].warmup, o.scale);
    for (const v of o.variants) await timeLoop(warmup, o.calls[v][scenario]);
    const samples = Object.fromEntries(o.variants.map((v) => [v, [] as Sample[]])) as Record<V, Sample[]>;
    for (let r = 0; r < o.rounds; r++) {
      // Rotate the order each round so no variant always follows the same one.
      for (let k = 0; k < o.variants.length; k++) {
        const variant = o.variants[(k + r) % o.variants.length]!;
        fullGc();
        samples[variant].push(await timeLoop(iterations, o.calls[variant][scenario]));
      }
    }
    const medianOf = (v: V): Sample => ({ cpuUs: median(samples[v].map((s) => s.cpuUs)), wallUs: median(samples[v].map((s) => s.wallUs)) });
    const base = medianOf(baseline);
    const row = { [baseline]: { median: base } } as Record<V, VariantResult>;
    for (const v of o.variants.slice(1)) {
      const added = median(samples[v].map((s, i) => s.cpuUs - samples[baseline][i]!.cpuUs));
      row[v] = { median: medianOf(v), addedCpuUs: added, addedPercent: (100 * added) / base.cpuUs };
    }
    results[scenario] = row;
    process.stderr.write(`${o.describe(scenario, row, iterations)}\n`);
  }
  return results;
}

/** The SDK alone, genai-meter with each aggregation, and a second copy of the SDK alone (the noise control). */
export const SDK_VARIANTS = ['baseline', 'genai-meter', 'genai-meter-sdk', 'baseline-copy'] as const;
export type SdkVariant = (typeof SDK_VARIANTS)[number];

/** What a per-SDK script prints on its RESULT line (the `sdks` section of the report). */
export interface SdkOverheadResult {
  /** The SDK's package name. */
  sdk: string;
  version: string;
  /** The instrumentation measured. */
  instrumentation: string;
  node: string;
  rounds: number;
  scenarios: Record<string, { title: string; iterations: number; variants: Record<SdkVariant, VariantResult> }>;
  /** gen_ai.client.operation.duration values each instrumentation recorded: one per call made through its copy. */
  recorded: { internal: number; sdk: number; expected: number };
}

export interface InstrumentationLike {
  enable(): void;
  setMeterProvider(p: unknown): void;
  createMetricProducer(): unknown;
}

export interface SdkBench<S extends string, M, I extends InstrumentationLike> {
  sdk: string;
  version: string;
  instrumentation: string;
  Instrumentation: new (config: object) => I;
  scenarios: Record<S, RoundSize & { title: string }>;
  /** Loads one variant's copy of the SDK. Every copy is loaded before any instrumentation is enabled, so no require hook patches one. */
  load: (variant: SdkVariant) => Promise<M>;
  /** Patches a copy by hand with an enabled instrumentation; returns what the app would use. */
  patch: (instrumentation: I, copy: M) => M;
  /** Whether a copy's entry point is genai-meter's wrapper. */
  wrapped: (copy: M) => boolean;
  /** The calls of each scenario, on one copy (clients made once here). */
  calls: (copy: M) => Record<S, () => Promise<unknown>>;
}

/** Measures one SDK's variants and prints the result (with --json, on a RESULT line for the parent). */
export async function runSdkOverhead<S extends string, M, I extends InstrumentationLike>(b: SdkBench<S, M, I>): Promise<void> {
  process.setSourceMapsEnabled(false);
  const rounds = Number(flag('rounds') ?? 20);
  const scale = Number(flag('scale') ?? 1);
  const copies = {} as Record<SdkVariant, M>;
  for (const v of SDK_VARIANTS) copies[v] = await b.load(v);

  const internal = new b.Instrumentation({ enabled: false, aggregation: 'internal' });
  const internalReader = new OnDemandReader(undefined, [internal.createMetricProducer()]);
  internal.setMeterProvider(new MeterProvider({ readers: [internalReader] }));
  const sdk = new b.Instrumentation({ enabled: false, aggregation: 'sdk' });
  const sdkReader = new OnDemandReader();
  sdk.setMeterProvider(new MeterProvider({ readers: [sdkReader] }));
  for (const [inst, variant] of [
    [internal, 'genai-meter'],
    [sdk, 'genai-meter-sdk'],
  ] as const) {
    inst.enable();
    copies[variant] = b.patch(inst, copies[variant]);
  }
  const calls = {} as Record<SdkVariant, Record<S, () => Promise<unknown>>>;
  for (const v of SDK_VARIANTS) {
    const wrapped = b.wrapped(copies[v]);
    if (wrapped !== (v === 'genai-meter' || v === 'genai-meter-sdk')) throw new Error(`${b.sdk} ${v}: wrapped=${wrapped}`);
    calls[v] = b.calls(copies[v]);
  }

  const pct = (r: VariantResult) => `${r.addedCpuUs!.toFixed(1)} µs (${r.addedPercent!.toFixed(1)}%)`;
  const results = await pairedRounds({
    sizes: b.scenarios,
    variants: SDK_VARIANTS,
    calls,
    rounds,
    scale,
    describe: (scenario, row, iterations) =>
      `${scenario.padEnd(10)} ${b.sdk} ${b.version} alone ${row.baseline.median.cpuUs.toFixed(1)} µs CPU/call; ` +
      `+ genai-meter (internal) ${pct(row['genai-meter'])}, (sdk) ${pct(row['genai-meter-sdk'])}; ` +
      `a second copy alone ${pct(row['baseline-copy'])} [${rounds} rounds x ${iterations} calls]`,
  });

  // Each instrumented copy recorded every call made through it, and nothing else: a benchmark of an
  // instrumentation that records nothing measures nothing, and one that also saw another copy's calls measures a mix.
  const expected = (Object.keys(b.scenarios) as S[]).reduce((n, s) => n + scaled(b.scenarios[s].warmup, scale) + rounds * scaled(b.scenarios[s].iterations, scale), 0);
  const durations = async (reader: OnDemandReader) => (await summarize(reader))['gen_ai.client.operation.duration']?.recorded ?? 0;
  const recorded = { internal: await durations(internalReader), sdk: await durations(sdkReader), expected };
  if (recorded.internal !== expected || recorded.sdk !== expected) throw new Error(`${b.sdk}: calls recorded ${JSON.stringify(recorded)}`);

  const scenarios = Object.fromEntries(
    (Object.keys(b.scenarios) as S[]).map((s) => [s, { title: b.scenarios[s].title, iterations: scaled(b.scenarios[s].iterations, scale), variants: results[s] }]),
  );
  const result: SdkOverheadResult = { sdk: b.sdk, version: b.version, instrumentation: b.instrumentation, node: process.version, rounds, scenarios, recorded };
  if (process.argv.includes('--json')) emit(result);
}

/** Runs a script's main and exits non-zero on failure. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/** A require that resolves what an instrumentation package resolves (its SDK is a dev dependency there). */
export const packageRequire = (pkg: string): NodeJS.Require => createRequire(new URL(`../../packages/${pkg}/package.json`, import.meta.url));
