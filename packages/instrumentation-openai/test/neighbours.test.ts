// genai-meter beside the instrumentations and wrappers real apps load with it, in both load orders, each in
// a real process (fixtures/neighbours-app.cjs): the contrib @opentelemetry/instrumentation-openai 0.22,
// OpenLIT 1.15, and a library wrapper that returns a plain Promise (or its own async generator for
// streams). Every run is compared with the same run without genai-meter: the caller sees the same values,
// chunks and errors, the neighbour keeps its telemetry, and genai-meter records every call.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOKEN_TYPE, METRICS } from '../src/index.js';
import {
  count,
  expectChainKeepsBoth,
  inBothOrders,
  runNeighbours,
  total,
  type NeighbourRun,
  type Order,
  type Point,
} from '../../instrumentation-core/test/support/neighbours.js';

const fixture = fileURLToPath(new URL('fixtures/neighbours-app.cjs', import.meta.url));
const GENAI_SCOPE = '@genai-meter/instrumentation-openai';
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';

type Neighbour = 'contrib' | 'openlit' | 'plain-promise' | 'generator';

interface Run extends NeighbourRun {
  spans: { name: string; status: number; error: string | null }[];
  neighbourMetrics: Record<string, Point[]>;
}

const run = (neighbour: Neighbour, order: Order, genai: boolean) => runNeighbours<Run>(fixture, (sim) => ({ OPENAI_BASE_URL: sim.baseURL }), neighbour, order, genai);

/** What the caller saw, without wall-clock and random fields that differ between two processes. */
const normalize = (seen: unknown) =>
  JSON.parse(JSON.stringify(seen), (key, v) => (['id', 'created', 'system_fingerprint'].includes(key) ? 0 : v)) as unknown;

function genaiTokens(r: Run, type: string, operation = 'chat'): number {
  const points = r.genaiMetrics?.[`${GENAI_SCOPE} ${METRICS.tokenUsage.name}`] ?? [];
  return points
    .filter((p) => p.attributes[ATTR_GEN_AI_TOKEN_TYPE] === type && p.attributes[ATTR_GEN_AI_OPERATION_NAME] === operation)
    .reduce((a, p) => a + total(p), 0);
}

/**
 * Stream tokens genai-meter can see. Chat 100/20 always; the read-through stream 50/4 and the stream the
 * caller leaves at finish_reason 30/3 only when usage could be requested: always when genai-meter sits
 * under the neighbour; above a wrapper it learns from the first stream whether the result comes back as
 * the SDK's Stream (so the first goes out unchanged); above a wrapper returning its own generator, never.
 */
function expectedChatTokens(neighbour: Neighbour, order: Order): { input: number; output: number } {
  if (order === 'genai-first') return { input: 180, output: 27 };
  if (neighbour === 'generator') return { input: 100, output: 20 };
  return { input: 130, output: 23 };
}

describe.each(inBothOrders<Neighbour>(['contrib', 'openlit', 'plain-promise', 'generator']))('beside %s, %s', (neighbour, order) => {
  it('changes nothing the caller sees, keeps the neighbour, and records every call', async () => {
    const [alone, both] = await Promise.all([run(neighbour, order, false), run(neighbour, order, true)]);

    // The caller: same values, chunks (no extra usage chunk, no usage key) and errors.
    expect(normalize(both.seen)).toEqual(normalize(alone.seen));
    expect((both.seen.stream as unknown[]).length).toBe(6);
    expect(both.seen.failure).toBe('RateLimitError 429');

    // Nobody removed anybody: both wrappers are in the chain, the later one wrapping the earlier one.
    expectChainKeepsBoth(alone, both, order);

    // genai-meter: 4 successes (the stream left at finish_reason included) and the 429.
    const durations = both.genaiMetrics![`${GENAI_SCOPE} ${METRICS.duration.name}`]!;
    const byOutcome = (type: string | undefined) => durations.filter((p) => p.attributes[ATTR_ERROR_TYPE] === type).reduce((a, p) => a + count(p), 0);
    expect(byOutcome(undefined)).toBe(4);
    expect(byOutcome('rate_limit')).toBe(1);
    expect(durations.every((p) => p.attributes[ATTR_ERROR_TYPE] !== 'cancelled')).toBe(true);
    expect(genaiTokens(both, 'input', 'embeddings')).toBeGreaterThan(0);
    const expected = expectedChatTokens(neighbour, order);
    expect({ input: genaiTokens(both, 'input'), output: genaiTokens(both, 'output') }).toEqual(expected);
    const active = both.genaiMetrics![`${GENAI_SCOPE} ${METRICS.activeRequests.name}`] ?? [];
    expect(active.reduce((a, p) => a + total(p), 0)).toBe(0);

    if (neighbour === 'contrib') {
      // contrib keeps its spans (every one it makes alone) and its metrics, under its own scope.
      const names = (r: Run) => r.spans.map((s) => `${s.name} ${s.error ?? ''}`).sort();
      expect(names(alone).length).toBeGreaterThanOrEqual(4);
      for (const span of names(alone)) expect(names(both)).toContain(span);
      const contribDurations = both.neighbourMetrics[`${CONTRIB_SCOPE} ${METRICS.duration.name}`]!;
      expect(contribDurations.reduce((a, p) => a + count(p), 0)).toBeGreaterThanOrEqual(4);
      const contribAlone = alone.neighbourMetrics[`${CONTRIB_SCOPE} ${METRICS.duration.name}`]!;
      expect(contribAlone.reduce((a, p) => a + count(p), 0)).toBeGreaterThanOrEqual(4);
    }
  });
});
