// genai-meter beside the instrumentations and wrappers real apps load with it, in both load orders, each in
// a real process (fixtures/neighbours-app.cjs): the contrib @opentelemetry/instrumentation-openai 0.22,
// OpenLIT 1.15, and a library wrapper that returns a plain Promise (or its own async generator for
// streams). Every run is compared with the same run without genai-meter: the caller sees the same values,
// chunks and errors, the neighbour keeps its telemetry, and genai-meter records every call.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '@genai-meter/simulator';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOKEN_TYPE, METRICS } from '../src/index.js';

const fixture = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/neighbours-app.cjs');
const GENAI_SCOPE = '@genai-meter/instrumentation-openai';
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';

type Neighbour = 'contrib' | 'openlit' | 'plain-promise' | 'generator';
type Order = 'neighbour-first' | 'genai-first';

interface Point {
  attributes: Record<string, unknown>;
  value: number | { count: number; sum: number };
}
interface Run {
  chain: string[];
  seen: Record<string, unknown>;
  spans: { name: string; status: number; error: string | null }[];
  neighbourMetrics: Record<string, Point[]>;
  genaiMetrics?: Record<string, Point[]>;
}

/** One process, against a fresh simulator with a fixed seed (same answers for every run). */
async function run(neighbour: Neighbour, order: Order, genai: boolean): Promise<Run> {
  const sim = await startSimulator({ seed: 11, latencyScale: 0 });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture], {
      env: { ...process.env, OPENAI_BASE_URL: sim.baseURL, NEIGHBOUR: neighbour, ORDER: order, GENAI: genai ? '1' : '0' },
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no result from the fixture: ${stdout}`);
    return JSON.parse(line.slice('RESULT '.length)) as Run;
  } finally {
    await sim.close();
  }
}

/** What the caller saw, without wall-clock and random fields that differ between two processes. */
const normalize = (seen: unknown) =>
  JSON.parse(JSON.stringify(seen), (key, v) => (['id', 'created', 'system_fingerprint'].includes(key) ? 0 : v)) as unknown;

const count = (p: Point) => (typeof p.value === 'number' ? p.value : p.value.count);
const total = (p: Point) => (typeof p.value === 'number' ? p.value : p.value.sum);

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

const CASES: [Neighbour, Order][] = [
  ['contrib', 'neighbour-first'],
  ['contrib', 'genai-first'],
  ['openlit', 'neighbour-first'],
  ['openlit', 'genai-first'],
  ['plain-promise', 'neighbour-first'],
  ['plain-promise', 'genai-first'],
  ['generator', 'neighbour-first'],
  ['generator', 'genai-first'],
];

describe.each(CASES)('beside %s, %s', (neighbour, order) => {
  it('changes nothing the caller sees, keeps the neighbour, and records every call', async () => {
    const [alone, both] = await Promise.all([run(neighbour, order, false), run(neighbour, order, true)]);

    // The caller: same values, chunks (no extra usage chunk, no usage key) and errors.
    expect(normalize(both.seen)).toEqual(normalize(alone.seen));
    expect((both.seen.stream as unknown[]).length).toBe(6);
    expect(both.seen.failure).toBe('RateLimitError 429');

    // Nobody removed anybody: both wrappers are in the chain, in load order.
    const ours = both.chain.indexOf('genaiMeterCall');
    expect(ours).toBeGreaterThanOrEqual(0);
    expect(both.chain).toHaveLength(alone.chain.length + 1);
    expect(both.chain.at(-1)).toBe('create');
    // The later one wraps the earlier one.
    expect(ours).toBe(order === 'genai-first' ? 1 : 0);

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
