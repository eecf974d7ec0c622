// The simulator as the suites use it: one per suite beside its harness, or a fresh one per run.
import { startSimulator, type Simulator } from '@genai-meter/simulator';

/**
 * A suite's harness, then a simulator with that seed and no latency. The harness comes first: its
 * instrumentation is enabled before the suite loads the SDK, so the require hook patches it.
 */
export async function harnessAndSimulator<H>(createHarness: () => H, seed: number): Promise<{ h: H; sim: Simulator }> {
  const h = createHarness();
  return { h, sim: await startSimulator({ seed, latencyScale: 0 }) };
}

/** Shuts down a harness and a simulator (either missing when the suite's set-up failed before it). */
export async function shutDown(h: { shutdown(): Promise<void> } | undefined, sim: Simulator | undefined): Promise<void> {
  await h?.shutdown();
  await sim?.close();
}

/** Runs `fn` against a fresh simulator with that seed, closed afterwards. */
export async function withSimulator<T>(seed: number, fn: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator({ seed, latencyScale: 0 });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}
