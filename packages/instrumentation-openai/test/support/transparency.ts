// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOKEN_TYPE, METRICS } from '../../src/index.js';
import { differentialTests } from '../../../instrumentation-core/test/support/transparency.js';
import { withSimulator } from '../../../instrumentation-core/test/support/simulator.js';
import { MetricsHarness, loadOpenAI, openAIVersion, sum, where, type Major } from './harness.js';
import { SCENARIOS } from './scenarios.js';

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

    it('records exact tokens, TTFC and retries on this major', async () => {
      await withSimulator(9, async (sim) => {
        const client = new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 1 });
        const model = `major-${major}`;
        const m = [{ role: 'user', content: 'x' }];
        await client.chat.completions.create({ model, messages: m }, { headers: { 'x-sim-usage': 'prompt=101,completion=7', 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '1' } });
        const s = await client.chat.completions.create({ model, messages: m, stream: true }, { headers: { 'x-sim-usage': 'prompt=20,completion=9' } });
        for await (const _ of s);
        await client.embeddings.create({ model, input: 'x' }, { headers: { 'x-sim-usage': 'prompt=4' } });
        const tokens = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model });
        const total = (op: string, type: string) => sum(where(tokens, { [ATTR_GEN_AI_OPERATION_NAME]: op, [ATTR_GEN_AI_TOKEN_TYPE]: type }).map((t) => t.sum));
        expect([total('chat', 'input'), total('chat', 'output'), total('embeddings', 'input')]).toEqual([121, 16, 4]);
        expect(sum(where(await h.histogram(METRICS.timeToFirstChunk.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model }).map((p) => p.count))).toBe(1);
        expect(where(await h.points(METRICS.retries.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model }).map((p) => p.value)).toEqual([1]);
      });
    });

    differentialTests(
      () => h,
      SCENARIOS,
      (scenario, sim) => scenario(new OpenAI({ apiKey: 'sk-test', baseURL: sim.baseURL, maxRetries: 0 }), OpenAI, sim.baseURL),
    );
  });
}
