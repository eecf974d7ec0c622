// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '@genai-meter/simulator';
import { METRICS } from '../../src/index.js';
import { MetricsHarness, loadAI, sum, type AISdk, type Major } from './harness.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

async function run(scenario: Scenario, sdk: AISdk): Promise<unknown> {
  const sim = await startSimulator({ seed: 42, latencyScale: 0 });
  try {
    return await scenario(sdk, sim.url);
  } finally {
    await sim.close();
  }
}

export function transparencySuite(major: Major): void {
  describe(`ai ${major}.x transparency`, () => {
    let h: MetricsHarness;
    let sdk: AISdk;
    beforeAll(() => {
      h = new MetricsHarness();
      sdk = loadAI(major);
    });
    afterAll(() => h.shutdown());

    // Calls recorded, or still in flight (a stream the caller stopped reading is neither finished nor dropped yet).
    const operations = async () =>
      sum((await h.histogram(METRICS.duration.name)).map((p) => p.count)) + sum((await h.points(METRICS.activeRequests.name)).map((p) => p.value));

    it(`loads ai ${major} (${loadAI(major).version})`, () => {
      expect(sdk.version.startsWith(`${major}.`)).toBe(true);
    });

    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        h.instrumentation.disable();
        const before = await operations();
        const without = await run(scenario, sdk);
        expect(await operations()).toBe(before); // really uninstrumented
        h.instrumentation.enable();
        const withIt = await run(scenario, sdk);
        expect(withIt).toEqual(without);
        if (name !== 'the module as the app sees it') expect(await operations()).toBeGreaterThan(before); // really instrumented
      });
    }
  });
}
