// Per-call overhead: every variant in its own worker process, driven round by round in rotating order.
import { Rpc, srcFile } from './child.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { medianSample, type Sample } from './stats.js';
import type { Major } from './variants.js';
import type { WorkerInfo, WorkerKind } from './worker.js';

/** Iterations at scale 1: warm-up calls, then `rounds` timed rounds of `iterations` calls per worker. */
export const PLAN: Record<Scenario, { warmup: number; iterations: number }> = {
  chat: { warmup: 3000, iterations: 2000 },
  stream50: { warmup: 400, iterations: 300 },
  stream500: { warmup: 60, iterations: 40 },
  embeddings: { warmup: 3000, iterations: 2000 },
};
/** The floor replays only SDK records, far cheaper than a call: longer rounds for the same timer resolution. */
const FLOOR_ITERATION_FACTOR = 10;

export const WORKERS: { kind: WorkerKind; major: Major }[] = [
  { kind: 'baseline', major: 6 },
  { kind: 'genai-meter', major: 6 },
  { kind: 'genai-meter-sdk', major: 6 },
  { kind: 'contrib', major: 6 },
  { kind: 'openlit', major: 6 },
  { kind: 'baseline', major: 7 },
  { kind: 'genai-meter', major: 7 },
  { kind: 'floor', major: 6 },
];

export const workerLabel = (w: { kind: WorkerKind; major: Major }): string => (w.kind === 'floor' ? 'floor' : `${w.kind}@openai${w.major}`);

export interface OverheadResult {
  workers: (WorkerInfo & { label: string; metrics: Record<string, { points: number; recorded: number }> })[];
  /** scenario -> worker label -> median per-call sample, and all rounds. */
  scenarios: Record<string, Record<string, { median: Sample; rounds: Sample[] }>>;
  floorRecordsPerCall: Record<string, number>;
  rounds: number;
}

export async function runOverhead(scale: number, rounds: number, log: (s: string) => void, only: readonly Scenario[] = SCENARIOS): Promise<OverheadResult> {
  const started = await Promise.all(
    WORKERS.map((w) => Rpc.start<WorkerInfo>(workerLabel(w), srcFile('./worker.ts'), ['--variant', w.kind, '--major', String(w.major)])),
  );
  const scenarios: OverheadResult['scenarios'] = {};
  const floorRecordsPerCall: Record<string, number> = {};
  for (const scenario of only) {
    const plan = PLAN[scenario];
    const warmup = Math.max(20, Math.round(plan.warmup * scale));
    const iterations = Math.max(10, Math.round(plan.iterations * scale));
    log(`overhead: ${scenario}: warm-up ${warmup} calls, ${rounds} rounds of ${iterations} calls per variant`);
    const samples = new Map<string, Sample[]>();
    for (const { rpc, info } of started) {
      const isFloor = info.kind === 'floor';
      const out = await rpc.request<{ recordsPerCall?: number }>({ cmd: 'prepare', scenario, warmup: isFloor ? warmup * FLOOR_ITERATION_FACTOR : warmup });
      if (isFloor) floorRecordsPerCall[scenario] = out.recordsPerCall ?? 0;
      samples.set(rpc.label, []);
    }
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no variant always follows the same neighbour.
      for (let k = 0; k < started.length; k++) {
        const { rpc, info } = started[(k + r) % started.length] as (typeof started)[number];
        const n = info.kind === 'floor' ? iterations * FLOOR_ITERATION_FACTOR : iterations;
        samples.get(rpc.label)?.push(await rpc.request<Sample>({ cmd: 'round', scenario, iterations: n }));
      }
    }
    scenarios[scenario] = Object.fromEntries([...samples].map(([label, s]) => [label, { median: medianSample(s), rounds: s }]));
  }
  const workers: OverheadResult['workers'] = [];
  for (const { rpc, info } of started) {
    const { metrics } = await rpc.request<{ metrics: Record<string, { points: number; recorded: number }> }>({ cmd: 'finish' });
    await rpc.close();
    workers.push({ ...info, label: rpc.label, metrics });
  }
  return { workers, scenarios, floorRecordsPerCall, rounds };
}
