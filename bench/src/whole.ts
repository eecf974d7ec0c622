// Whole processes as users run them: a batch job that makes N sequential non-streaming chat calls to the
// simulator over real HTTP and exits, timed from outside (process.ts) with and without the register entry,
// in paired rounds with the order rotated. Each variant runs at two call counts: the CPU difference between
// them, divided by the difference in calls, is the per-call cost with start-up and exit taken out. The
// "naive" figure divides the whole difference at the larger count by its calls, as a measurement that does
// not subtract start-up reads it.
import { startSimulator } from '@genai-meter/simulator';
import { measure, pairedRounds, spread, type Command, type ProcessSample, type Spread } from './process.js';
import { APPS, cleanEnv } from './startup.js';
import { median } from './stats.js';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../tests/support/tools.js';

const BENCH = fileURLToPath(new URL('..', import.meta.url));

export interface WholeVariant {
  name: string;
  /** CPU ms of the process at each call count (median over rounds). */
  cpuMsLow: number;
  cpuMsHigh: number;
  /** CPU µs per call, start-up excluded: (high - low) / (callsHigh - callsLow), median over rounds. */
  perCallUs: number;
  /** CPU µs per call of the call loop measured inside the process (process.cpuUsage), at the larger count. */
  loopPerCallUs: number;
  /** Paired with the app alone, per round (absent for the app alone). */
  added?: {
    perCallUs: Spread;
    /** The same from inside the process: the call loop's CPU per call, start-up and exit excluded by construction. */
    loopPerCallUs: Spread;
    /** Fixed cost (start-up and exit): the low-count difference minus the per-call part. */
    fixedMs: Spread;
    /** (high-count CPU difference) / callsHigh: start-up included, spread over the calls. */
    naivePerCallUs: Spread;
  };
}

/** apps/real-vs-stub.cjs: one process under the register entry, instrumentation off/on, over HTTP and in-process. */
export interface SameProcessResult {
  rounds: number;
  [client: string]: number | { offUs: number; addedUs: number; q1: number; q3: number };
}

export interface WholeResult {
  callsLow: number;
  callsHigh: number;
  rounds: number;
  openai: string;
  variants: WholeVariant[];
  sameProcess?: SameProcessResult;
}

const VARIANTS: { name: string; register: boolean; attribution: boolean; flags?: string[] }[] = [
  { name: 'app alone', register: false, attribution: false },
  { name: '--require register', register: true, attribution: false },
  { name: '--require register, calls in withAttributes (1 key)', register: true, attribution: true },
  // Node 22 has no AsyncContextFrame: AsyncLocalStorage.run() turns on promise hooks for the whole process.
  { name: '--require register, calls in withAttributes (1 key), AsyncLocalStorage as on Node 22', register: true, attribution: true, flags: ['--no-async-context-frame'] },
];

/**
 * `appDir`: where calls.cjs is run from (default bench/apps, resolving openai 6 and @genai-meter/node from
 * the repository); another directory measures another build with the same harness.
 */
export async function runWholeProcess(
  opts: { callsLow: number; callsHigh: number; rounds: number; sameProcessRounds: number; appDir?: string },
  log: (s: string) => void,
): Promise<WholeResult> {
  const { appDir, sameProcessRounds, ...counts } = opts;
  const dir = appDir ?? APPS;
  const sim = await startSimulator({ latencyScale: 0, seed: 1 });
  const port = String(await freePort());
  try {
    const commands: Command[] = [];
    for (const v of VARIANTS) {
      for (const calls of [opts.callsLow, opts.callsHigh]) {
        commands.push({
          args: [...(v.flags ?? []), ...(v.register ? ['--require', '@genai-meter/node/register'] : []), `${dir}/calls.cjs`],
          // The default configuration (Prometheus on /metrics, on a free port); nothing scrapes it.
          env: cleanEnv({ OPENAI_BASE_URL: sim.baseURL, CALLS: String(calls), OTEL_EXPORTER_PROMETHEUS_PORT: port, ...(v.attribution ? { ATTRIBUTION: 'feature' } : {}) }),
          cwd: appDir ?? BENCH,
        });
      }
    }
    log(`whole process: ${opts.rounds} paired rounds of ${commands.length} processes (${opts.callsLow} and ${opts.callsHigh} calls)`);
    const samples = await pairedRounds(commands, opts.rounds);
    const cpu = (i: number) => (samples[i] as ProcessSample[]).map((s) => s.cpuMs);
    const span = opts.callsHigh - opts.callsLow;
    const perCall = (v: number) => cpu(2 * v + 1).map((hi, r) => ((hi - (cpu(2 * v)[r] as number)) / span) * 1000);
    log(`whole process: one process, instrumentation off/on, calls over HTTP and with an in-process fetch (${sameProcessRounds} rounds)`);
    const same = await measure({
      args: ['--require', '@genai-meter/node/register', `${dir}/real-vs-stub.cjs`],
      env: cleanEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_METRICS_EXPORTER: 'none', ROUNDS: String(sameProcessRounds) }),
      cwd: appDir ?? BENCH,
    });
    const base = perCall(0);
    const loop = (v: number) => (samples[2 * v + 1] as ProcessSample[]).map((s) => {
      const r = s.report as { loopCpuUs: number; calls: number };
      return r.loopCpuUs / r.calls;
    });
    return {
      ...counts,
      openai: 'openai 6 (bench/node_modules)',
      sameProcess: same.report as SameProcessResult,
      variants: VARIANTS.map((v, i) => {
        const own = perCall(i);
        const out: WholeVariant = { name: v.name, cpuMsLow: median(cpu(2 * i)), cpuMsHigh: median(cpu(2 * i + 1)), perCallUs: median(own), loopPerCallUs: median(loop(i)) };
        if (i > 0) {
          const added = own.map((x, r) => x - (base[r] as number));
          out.added = {
            perCallUs: spread(added),
            loopPerCallUs: spread(loop(i).map((x, r) => x - (loop(0)[r] as number))),
            fixedMs: spread(cpu(2 * i).map((lo, r) => lo - (cpu(0)[r] as number) - ((added[r] as number) * opts.callsLow) / 1000)),
            naivePerCallUs: spread(cpu(2 * i + 1).map((hi, r) => ((hi - (cpu(1)[r] as number)) / opts.callsHigh) * 1000)),
          };
        }
        return out;
      }),
    };
  } finally {
    await sim.close();
  }
}
