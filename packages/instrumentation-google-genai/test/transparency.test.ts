// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe } from 'vitest';
import { differentialTests } from '../../instrumentation-core/test/support/transparency.js';
import { MetricsHarness, genAIVersion, loadGenAI, type GenAIModule } from './support/harness.js';
import { SCENARIOS } from './support/scenarios.js';

describe(`@google/genai transparency (${genAIVersion()})`, () => {
  let h: MetricsHarness;
  let genai: GenAIModule;
  beforeAll(() => {
    h = new MetricsHarness();
    genai = loadGenAI();
  });
  afterAll(() => h.shutdown());

  differentialTests(
    () => h,
    SCENARIOS,
    (scenario, sim) => scenario(new genai.GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: sim.url } }), genai, sim.url),
    // countTokens is not an instrumented operation; every other scenario is recorded.
    { records: (name) => !name.startsWith('countTokens') },
  );
});
