// What a per-SDK overhead script needs to measure an instrumentation against the same SDK alone in one process:
// the simulator's real answers captured once and replayed by an in-process fetch (so the figure is the SDK's and
// the instrumentation's CPU, not a server's or the network's), and paired rounds: every variant once per round,
// in rotating order, a full GC before each, added CPU = median over rounds of (variant - baseline of that round).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, timeLoop, type Sample } from './stats.js';

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
  const kept: [string, string][] = [];
  res.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'transfer-encoding') kept.push([name, value]);
  });
  return { status: res.status, headers: kept, body: new Uint8Array(await res.arrayBuffer()) };
}

export const replay = (r: Recorded): Response => new Response(r.body, { status: r.status, headers: r.headers });

export interface RoundSize {
  iterations: number;
  warmup: number;
}

export interface VariantResult {
  median: Sample;
  /** Median over rounds of this variant's CPU per call minus the baseline's in the same round (µs). */
  addedCpuUs?: number;
  addedPercent?: number;
}

export interface PairedOptions<S extends string, V extends string> {
  sizes: Record<S, RoundSize>;
  /** The first is the baseline the others are compared with. */
  variants: readonly [V, ...V[]];
  /** Puts a variant in place (and checks it is). */
  use: (variant: V) => void;
  calls: Record<S, () => Promise<unknown>>;
  rounds: number;
  /** Multiplies iterations and warm-up (quick runs). */
  scale: number;
  /** One line on stderr per scenario. */
  describe: (scenario: S, row: Record<V, VariantResult>, iterations: number) => string;
}

export async function pairedRounds<S extends string, V extends string>(o: PairedOptions<S, V>): Promise<Record<S, Record<V, VariantResult>>> {
  const baseline = o.variants[0];
  const results = {} as Record<S, Record<V, VariantResult>>;
  for (const scenario of Object.keys(o.sizes) as S[]) {
    const iterations = Math.max(20, Math.round(o.sizes[scenario].iterations * o.scale));
    const warmup = Math.max(20, Math.round(o.sizes[scenario].warmup * o.scale));
    const call = o.calls[scenario];
    for (const v of o.variants) {
      o.use(v);
      await timeLoop(warmup, call);
    }
    const samples = Object.fromEntries(o.variants.map((v) => [v, [] as Sample[]])) as Record<V, Sample[]>;
    for (let r = 0; r < o.rounds; r++) {
      // Rotate the order each round so no variant always follows the same one.
      for (let k = 0; k < o.variants.length; k++) {
        const variant = o.variants[(k + r) % o.variants.length]!;
        o.use(variant);
        fullGc();
        samples[variant].push(await timeLoop(iterations, call));
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
