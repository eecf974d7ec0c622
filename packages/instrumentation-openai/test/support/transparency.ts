// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '@genai-meter/simulator';
import { METRICS } from '../../src/index.js';
import { MetricsHarness, loadOpenAI, openAIVersion, sum, type Major } from './harness.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

async function run(scenario: Scenario, OpenAI: unknown): Promise<unknown> {
  const sim = await startSimulator({ seed: 42, latencyScale: 0 });
  try {
    const Ctor = OpenAI as new (o: object) => unknown;
    return await scenario(new Ctor({ apiKey: 'sk-test', baseURL: sim.baseURL, maxRetries: 0 }), OpenAI, sim.baseURL);
  } finally {
    await sim.close();
  }
}

export function transparencySuite(major: Major): void {
  describe(`openai ${major}.x transparency (${openAIVersion(major)})`, () => {
    let h: MetricsHarness;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let OpenAI: any;
    beforeAll(() => {
      h = new MetricsHarness();
      OpenAI = loadOpenAI(major).OpenAI;
    });
    afterAll(() => h.shutdown());

    const durationCount = async () => sum((await h.histogram(METRICS.duration.name)).map((p) => p.count));

    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        h.instrumentation.disable();
        const before = await durationCount();
        const without = await run(scenario, OpenAI);
        expect(await durationCount()).toBe(before); // really uninstrumented
        h.instrumentation.enable();
        const withIt = await run(scenario, OpenAI);
        expect(withIt).toEqual(without);
        expect(await durationCount()).toBeGreaterThan(before); // really instrumented
      });
    }
  });
}
