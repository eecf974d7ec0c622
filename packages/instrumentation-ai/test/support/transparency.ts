// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/index.js';
import { differentialTests, recordedCalls, type Harness } from '../../../instrumentation-core/test/support/transparency.js';
import { MetricsHarness, loadAI, sum, type AISdk, type Major } from './harness.js';
import { SCENARIOS } from './scenarios.js';

// Calls recorded, or still in flight (a stream the caller stopped reading is neither finished nor dropped yet).
const operations = async (h: Harness) => (await recordedCalls(h)) + sum((await h.points(METRICS.activeRequests.name)).map((p) => p.value));

export function transparencySuite(major: Major): void {
  describe(`ai ${major}.x transparency`, () => {
    let h: MetricsHarness;
    let sdk: AISdk;
    beforeAll(() => {
      h = new MetricsHarness();
      sdk = loadAI(major);
    });
    afterAll(() => h.shutdown());

    it(`loads ai ${major} (${loadAI(major).version})`, () => {
      expect(sdk.version.startsWith(`${major}.`)).toBe(true);
    });

    differentialTests(() => h, SCENARIOS, (scenario, sim) => scenario(sdk, sim.url), {
      operations,
      records: (name) => name !== 'the module as the app sees it',
    });
  });
}
