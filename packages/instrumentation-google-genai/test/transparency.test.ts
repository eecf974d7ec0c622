// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '@genai-meter/simulator';
import { METRICS } from '../src/index.js';
import { MetricsHarness, genAIVersion, loadGenAI, sum, type GenAIModule } from './support/harness.js';
import { SCENARIOS, type Scenario } from './support/scenarios.js';

async function run(scenario: Scenario, genai: GenAIModule): Promise<unknown> {
  const sim = await startSimulator({ seed: 42, latencyScale: 0 });
  try {
    return await scenario(new genai.GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: sim.url } }), genai, sim.url);
  } finally {
    await sim.close();
  }
}

describe(`@google/genai transparency (${genAIVersion()})`, () => {
  let h: MetricsHarness;
  let genai: GenAIModule;
  beforeAll(() => {
    h = new MetricsHarness();
    genai = loadGenAI();
  });
  afterAll(() => h.shutdown());

  const durationCount = async () => sum((await h.histogram(METRICS.duration.name)).map((p) => p.count));

  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, async () => {
      h.instrumentation.disable();
      const before = await durationCount();
      const without = await run(scenario, genai);
      expect(await durationCount()).toBe(before); // really uninstrumented
      h.instrumentation.enable();
      const withIt = await run(scenario, genai);
      expect(withIt).toEqual(without);
      // countTokens is not an instrumented operation; every other scenario is recorded.
      if (!name.startsWith('countTokens')) expect(await durationCount()).toBeGreaterThan(before);
    });
  }
});
