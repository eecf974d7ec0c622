// The differential suite: each scenario runs without, then with the instrumentation, each time against a
// fresh simulator with the same seed, and what the caller observed must be identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_TOKEN_TYPE, ATTR_GENAI_METER_TOKEN_DETAIL, METRICS } from '../../src/index.js';
import { differentialTests } from '../../../instrumentation-core/test/support/transparency.js';
import { withSimulator } from '../../../instrumentation-core/test/support/simulator.js';
import { AnthropicHarness, anthropicVersion, loadAnthropic, sum, where, type Install } from './harness.js';
import { SCENARIOS, isAbsent } from './scenarios.js';

export function transparencySuite(install: Install): void {
  describe(`@anthropic-ai/sdk ${anthropicVersion(install)} transparency`, () => {
    let h: AnthropicHarness;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let Anthropic: any;
    beforeAll(() => {
      h = new AnthropicHarness();
      Anthropic = loadAnthropic(install).Anthropic;
    });
    afterAll(() => h.shutdown());

    it('records exact tokens, cache details, TTFC and retries on this version (SDK spans off and on where it has them)', async () => {
      await withSimulator(9, async (sim) => {
        const { TracerProvider } = await import('@opentelemetry/sdk-trace');
        const client = new Anthropic({ apiKey: 'k', baseURL: sim.url, maxRetries: 1 });
        const traced = new Anthropic({ apiKey: 'k', baseURL: sim.url, maxRetries: 0, openTelemetry: { tracerProvider: new TracerProvider() } });
        const model = `sdk-${install}`;
        const m = [{ role: 'user', content: 'x' }];
        const headers = (usage: string, extra: Record<string, string> = {}) => ({ headers: { 'x-sim-usage': usage, ...extra } });
        await client.messages.create({ model, max_tokens: 100, messages: m }, headers('prompt=101,cached=60,completion=7', { 'x-sim-fault': 'rate_limit', 'x-sim-fault-times': '1' }));
        for await (const _ of await client.messages.create({ model, max_tokens: 100, messages: m, stream: true }, headers('prompt=20,cache_write=10,completion=9')));
        await client.messages.stream({ model, max_tokens: 100, messages: m }, headers('prompt=30,completion=3')).finalMessage();
        await client.beta.messages.create({ model, max_tokens: 100, messages: m }, headers('prompt=40,completion=4'));
        await traced.messages.create({ model, max_tokens: 100, messages: m }, headers('prompt=50,completion=5'));
        for await (const _ of await traced.messages.create({ model, max_tokens: 100, messages: m, stream: true }, headers('prompt=60,completion=6')));
        const tokens = where(await h.histogram(METRICS.tokenUsage.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model });
        const total = (type: string) => sum(where(tokens, { [ATTR_GEN_AI_TOKEN_TYPE]: type }).map((t) => t.sum));
        expect([total('input'), total('output')]).toEqual([101 + 20 + 30 + 40 + 50 + 60, 7 + 9 + 3 + 4 + 5 + 6]);
        const details = where(await h.points(METRICS.tokenDetails.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model });
        expect(details.map((d) => [d.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], d.value]).sort()).toEqual([
          ['cache_read', 60],
          ['cache_write', 10],
        ]);
        expect(sum(where(await h.histogram(METRICS.timeToFirstChunk.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model }).map((p) => p.count))).toBe(3);
        expect(sum(where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model }).map((p) => p.count))).toBe(6);
        expect(where(await h.points(METRICS.retries.name), { [ATTR_GEN_AI_REQUEST_MODEL]: model }).map((p) => p.value)).toEqual([1]);
      });
    });

    differentialTests(
      () => h,
      SCENARIOS,
      (scenario, sim) => scenario(new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.url, maxRetries: 0 }), Anthropic, sim.url),
      // countTokens records nothing, by design; a feature this version lacks calls nothing.
      { records: (name, observed) => name !== 'messages.countTokens' && !isAbsent(observed) },
    );
  });
}
