// For the neighbours suites: a package's fixtures/neighbours-app.cjs or .mjs (built on neighbours-fixture.cjs) run as its
// own process against a fresh simulator, beside one neighbour in one load order, with or without genai-meter.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';

export type Order = 'neighbour-first' | 'genai-first';

/** A metric point as the fixture prints it (histograms as their count and sum). */
export interface Point {
  attributes: Record<string, unknown>;
  value: number | { count: number; sum: number };
}

/** What every neighbours fixture prints; `genaiMetrics` (by `<scope> <metric name>`) only when genai-meter ran. */
export interface NeighbourRun {
  chain: string[];
  seen: Record<string, unknown>;
  genaiMetrics?: Record<string, Point[]>;
}

/** Each neighbour in both load orders, neighbour first. */
export const inBothOrders = <N extends string>(neighbours: N[]): [N, Order][] => neighbours.flatMap((n): [N, Order][] => [[n, 'neighbour-first'], [n, 'genai-first']]);

/** How the fixture runs beyond its environment: node's options before it (`--import` ...), its working directory, more variables. */
export interface NeighbourProcess {
  nodeArgs?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * Runs the fixture once, against a fresh simulator with a fixed seed (the same answers for every run).
 * `baseURL(sim)`: the variable that points the fixture's SDK at the simulator. `order`: an Order, or another
 * order a fixture knows (ESM's after-import).
 */
export async function runNeighbours<R extends NeighbourRun>(
  fixture: string,
  baseURL: (sim: Simulator) => Record<string, string>,
  neighbour: string,
  order: Order | (string & {}),
  genai: boolean,
  how: NeighbourProcess = {},
): Promise<R> {
  const sim = await startSimulator({ seed: 11, latencyScale: 0 });
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...(how.nodeArgs ?? []), fixture], {
      cwd: how.cwd,
      env: { ...process.env, ...how.env, ...baseURL(sim), NEIGHBOUR: neighbour, ORDER: order, GENAI: genai ? '1' : '0' },
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`no result from the fixture: ${stdout}`);
    return JSON.parse(line.slice('RESULT '.length)) as R;
  } finally {
    await sim.close();
  }
}

/** Nobody removed anybody: genai-meter joined the chain of wrappers, the one loaded later outside, the SDK's create() innermost. */
export function expectChainKeepsBoth(alone: NeighbourRun, both: NeighbourRun, order: Order): void {
  expect(both.chain.indexOf('genaiMeterCall')).toBe(order === 'genai-first' ? 1 : 0);
  expect(both.chain).toHaveLength(alone.chain.length + 1);
  expect(both.chain.at(-1)).toBe('create');
}

export const count = (p: Point): number => (typeof p.value === 'number' ? p.value : p.value.count);
export const total = (p: Point): number => (typeof p.value === 'number' ? p.value : p.value.sum);
