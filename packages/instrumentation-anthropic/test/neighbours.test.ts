// genai-meter beside what wraps @anthropic-ai/sdk in real apps, in both load orders, each in a real process
// (fixtures/neighbours-app.cjs): OpenLIT 1.15 (its Anthropic instrumentation returns a plain Promise, and a
// proxy of the stream), and a library wrapper that returns a plain Promise or its own async generator for
// streams. Every run is compared with the same run without genai-meter: the caller sees the same values,
// events and errors, the neighbour stays in the chain, and genai-meter records every call with its tokens.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSimulator } from '@genai-meter/simulator';
import { ATTR_ERROR_TYPE, ATTR_GEN_AI_TOKEN_TYPE, ATTR_GENAI_METER_TOKEN_DETAIL, METRICS } from '../src/index.js';

const fixture = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/neighbours-app.cjs');

type Neighbour = 'openlit' | 'plain-promise' | 'generator';
type Order = 'neighbour-first' | 'genai-first';
interface Point {
  attributes: Record<string, unknown>;
  value: number | { count: number; sum: number };
}
interface Run {
  chain: string[];
  seen: Record<string, unknown>;
  genaiMetrics?: Record<string, Point[]>;
}

async function run(neighbour: Neighbour, order: Order, genai: boolean): Promise<Run> {
  const sim = await startSimulator({ seed: 11, latencyScale: 0 });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture], {
      env: { ...process.env, ANTHROPIC_BASE_URL: sim.url, NEIGHBOUR: neighbour, ORDER: order, GENAI: genai ? '1' : '0' },
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no result from the fixture: ${stdout}`);
    return JSON.parse(line.slice('RESULT '.length)) as Run;
  } finally {
    await sim.close();
  }
}

const count = (p: Point) => (typeof p.value === 'number' ? p.value : p.value.count);
const total = (p: Point) => (typeof p.value === 'number' ? p.value : p.value.sum);

const CASES: [Neighbour, Order][] = [
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
    expect(both.seen).toEqual(alone.seen);
    expect((both.seen.stream as unknown[]).length).toBe(4 + 5);
    expect(both.seen.failure).toBe('RateLimitError 429');

    // Both wrappers are in the chain, the later one outside.
    const ours = both.chain.indexOf('genaiMeterCall');
    expect(ours).toBe(order === 'genai-first' ? 1 : 0);
    expect(both.chain).toHaveLength(alone.chain.length + 1);
    expect(both.chain.at(-1)).toBe('create');

    const metrics = both.genaiMetrics!;
    const durations = metrics[METRICS.duration.name]!;
    const byOutcome = (type: string | undefined) => durations.filter((p) => p.attributes[ATTR_ERROR_TYPE] === type).reduce((a, p) => a + count(p), 0);
    // The stream left at message_delta is a success too.
    expect(byOutcome(undefined)).toBe(3);
    expect(byOutcome('rate_limit')).toBe(1);
    const tokens = (type: string) => metrics[METRICS.tokenUsage.name]!.filter((p) => p.attributes[ATTR_GEN_AI_TOKEN_TYPE] === type).reduce((a, p) => a + total(p), 0);
    expect([tokens('input'), tokens('output')]).toEqual([180, 27]);
    expect(metrics[METRICS.tokenDetails.name]!.map((p) => [p.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], total(p)])).toEqual([['cache_read', 40]]);
    expect(metrics[METRICS.timeToFirstChunk.name]!.reduce((a, p) => a + count(p), 0)).toBe(2);
    expect((metrics[METRICS.activeRequests.name] ?? []).reduce((a, p) => a + total(p), 0)).toBe(0);
  });
});
