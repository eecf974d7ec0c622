// genai-meter beside what wraps @anthropic-ai/sdk in real apps, in both load orders, each in a real process
// (fixtures/neighbours-app.cjs): OpenLIT 1.15 (its Anthropic instrumentation returns a plain Promise, and a
// proxy of the stream), and a library wrapper that returns a plain Promise or its own async generator for
// streams. Every run is compared with the same run without genai-meter: the caller sees the same values,
// events and errors, the neighbour stays in the chain, and genai-meter records every call with its tokens.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_TOKEN_TYPE, ATTR_GENAI_METER_TOKEN_DETAIL, METRICS } from '../src/index.js';
import { count, expectChainKeepsBoth, inBothOrders, runNeighbours, total, type NeighbourRun, type Order } from '../../instrumentation-core/test/support/neighbours.js';

const fixture = fileURLToPath(new URL('fixtures/neighbours-app.cjs', import.meta.url));
const GENAI_SCOPE = '@genai-meter/instrumentation-anthropic';

type Neighbour = 'openlit' | 'plain-promise' | 'generator';

const run = (neighbour: Neighbour, order: Order, genai: boolean) => runNeighbours<NeighbourRun>(fixture, (sim) => ({ ANTHROPIC_BASE_URL: sim.url }), neighbour, order, genai);

describe.each(inBothOrders<Neighbour>(['openlit', 'plain-promise', 'generator']))('beside %s, %s', (neighbour, order) => {
  it('changes nothing the caller sees, keeps the neighbour, and records every call', async () => {
    const [alone, both] = await Promise.all([run(neighbour, order, false), run(neighbour, order, true)]);
    expect(both.seen).toEqual(alone.seen);
    expect((both.seen.stream as unknown[]).length).toBe(4 + 5);
    expect(both.seen.failure).toBe('RateLimitError 429');

    // Both wrappers are in the chain, the later one outside.
    expectChainKeepsBoth(alone, both, order);

    const metric = (name: string) => both.genaiMetrics![`${GENAI_SCOPE} ${name}`];
    const durations = metric(METRICS.duration.name)!;
    const byOutcome = (type: string | undefined) => durations.filter((p) => p.attributes[ATTR_ERROR_TYPE] === type).reduce((a, p) => a + count(p), 0);
    // The stream left at message_delta is a success too.
    expect(byOutcome(undefined)).toBe(3);
    expect(byOutcome('rate_limit')).toBe(1);
    const tokens = (type: string) => metric(METRICS.tokenUsage.name)!.filter((p) => p.attributes[ATTR_GEN_AI_TOKEN_TYPE] === type).reduce((a, p) => a + total(p), 0);
    expect([tokens('input'), tokens('output')]).toEqual([180, 27]);
    expect(metric(METRICS.tokenDetails.name)!.map((p) => [p.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], total(p)])).toEqual([['cache_read', 40]]);
    expect(metric(METRICS.timeToFirstChunk.name)!.reduce((a, p) => a + count(p), 0)).toBe(2);
    expect((metric(METRICS.activeRequests.name) ?? []).reduce((a, p) => a + total(p), 0)).toBe(0);
  });
});
