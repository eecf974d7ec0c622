// The differential (transparency) suites: each scenario runs without, then with the instrumentation, each time
// against a fresh simulator with the same seed, and what the caller observed must be identical.
import { expect, it } from 'vitest';
import type { Simulator } from '@genai-meter/simulator';
import { METRICS } from '@genai-meter/instrumentation-core';
import { sum, type HistPoint, type Point } from './metrics-harness.js';
import { withSimulator } from './simulator.js';

/** What the suites need of a MetricsHarness, whatever its instrumentation. */
export interface Harness {
  instrumentation: { enable(): void; disable(): void };
  histogram(name: string): Promise<HistPoint[]>;
  points(name: string): Promise<Point[]>;
}

/** The calls the harness has recorded. */
export const recordedCalls = async (h: Harness): Promise<number> => sum((await h.histogram(METRICS.duration.name)).map((p) => p.count));

export interface DifferentialOptions {
  /** Whether the scenario makes a call the instrumentation records (default: all do), given what it observed. */
  records?: (name: string, observed: unknown) => boolean;
  /** What shows that a call was instrumented (default: recordedCalls). */
  operations?: (h: Harness) => Promise<number>;
}

/**
 * One test per scenario. `harness()` is the suite's harness (created in its beforeAll); `run(scenario, sim)`
 * runs one scenario against the simulator. Without the instrumentation nothing may be recorded, with it the
 * caller must observe the same, and each scenario that records must have recorded.
 */
export function differentialTests<S>(harness: () => Harness, scenarios: Record<string, S>, run: (scenario: S, sim: Simulator) => Promise<unknown>, options: DifferentialOptions = {}): void {
  const operations = options.operations ?? recordedCalls;
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const h = harness();
      h.instrumentation.disable();
      const before = await operations(h);
      const without = await withSimulator(42, (sim) => run(scenario, sim));
      expect(await operations(h)).toBe(before); // really uninstrumented
      h.instrumentation.enable();
      const withIt = await withSimulator(42, (sim) => run(scenario, sim));
      expect(withIt).toEqual(without);
      if (options.records?.(name, without) ?? true) expect(await operations(h)).toBeGreaterThan(before); // really instrumented
    });
  }
}
