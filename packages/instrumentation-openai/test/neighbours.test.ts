// genai-meter beside the instrumentations and wrappers real apps load with it, in both load orders, each in
// a real process: the contrib @opentelemetry/instrumentation-openai 0.22, OpenLIT 1.15, and a library wrapper
// that returns a plain Promise (or its own async generator for streams); in a CommonJS app
// (fixtures/neighbours-app.cjs) and in an ES module app (fixtures/neighbours-app.mjs, which imports the ES module
// copy of openai under import-in-the-middle's loader hook). Every run is compared with the same run without
// genai-meter: the caller sees the same values, chunks and errors, the neighbour keeps its telemetry, and
// genai-meter records every call.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const FIXTURES = fileURLToPath(new URL('fixtures', import.meta.url));
const fixture = join(FIXTURES, 'neighbours-app.cjs');
const GENAI_SCOPE = '@genai-meter/instrumentation-openai';
const CONTRIB_SCOPE = '@opentelemetry/instrumentation-openai';
/** openai 6, beside the neighbours (contrib supports openai < 7); the CommonJS fixture requires it from there. */
const NEIGHBOURS_OPENAI = fileURLToPath(new URL('../../openai-compat/neighbours/node_modules/openai', import.meta.url));

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

/** genai-meter directly on the SDK's create(), or above a wrapper, is all the token count depends on. */
type Position = 'under the neighbour' | 'above the neighbour';

/**
 * Stream tokens genai-meter can see. Chat 100/20 always; the read-through stream 50/4 and the stream the
 * caller leaves at finish_reason 30/3 only when usage could be requested: always when genai-meter sits
 * under the neighbour; above a wrapper it learns from the first stream whether the result comes back as
 * the SDK's Stream (so the first goes out unchanged); above a wrapper returning its own generator, never.
 */
function expectedChatTokens(neighbour: Neighbour, position: Position): { input: number; output: number } {
  if (position === 'under the neighbour') return { input: 180, output: 27 };
  if (neighbour === 'generator') return { input: 100, output: 20 };
  return { input: 130, output: 23 };
}

/**
 * What every run checks, CommonJS or ES module: the caller sees exactly what it sees without genai-meter,
 * genai-meter records every call (with `tokens`), and contrib keeps its spans and metrics.
 */
function expectTransparentAndRecorded(neighbour: Neighbour, alone: Run, both: Run, tokens: { input: number; output: number }): void {
  // The caller: same values, chunks (no extra usage chunk, no usage key) and errors.
  expect(normalize(both.seen)).toEqual(normalize(alone.seen));
  expect((both.seen.stream as unknown[]).length).toBe(6);
  for (const chunk of [...(both.seen.stream as object[]), ...(both.seen.stopping as object[])]) expect(chunk).not.toHaveProperty('usage');
  expect(both.seen.failure).toBe('RateLimitError 429');

  // genai-meter: 4 successes (the stream left at finish_reason included) and the 429.
  const durations = both.genaiMetrics![`${GENAI_SCOPE} ${METRICS.duration.name}`]!;
  const byOutcome = (type: string | undefined) => durations.filter((p) => p.attributes[ATTR_ERROR_TYPE] === type).reduce((a, p) => a + count(p), 0);
  expect(byOutcome(undefined)).toBe(4);
  expect(byOutcome('rate_limit')).toBe(1);
  expect(durations.every((p) => p.attributes[ATTR_ERROR_TYPE] !== 'cancelled')).toBe(true);
  expect(genaiTokens(both, 'input', 'embeddings')).toBeGreaterThan(0);
  expect({ input: genaiTokens(both, 'input'), output: genaiTokens(both, 'output') }).toEqual(tokens);
  const active = both.genaiMetrics![`${GENAI_SCOPE} ${METRICS.activeRequests.name}`] ?? [];
  expect(active.reduce((a, p) => a + total(p), 0)).toBe(0);

  if (neighbour === 'contrib') {
    // contrib keeps its spans (every one it makes alone, as many times) and its metrics, under its own scope.
    const tally = (r: Run) => {
      const spans = new Map<string, number>();
      for (const s of r.spans) spans.set(`${s.name} ${s.error ?? ''}`, (spans.get(`${s.name} ${s.error ?? ''}`) ?? 0) + 1);
      return spans;
    };
    expect(alone.spans.length).toBeGreaterThanOrEqual(4);
    for (const [span, times] of tally(alone)) expect(tally(both).get(span) ?? 0, span).toBeGreaterThanOrEqual(times);
    const contribDurations = both.neighbourMetrics[`${CONTRIB_SCOPE} ${METRICS.duration.name}`]!;
    expect(contribDurations.reduce((a, p) => a + count(p), 0)).toBeGreaterThanOrEqual(4);
    const contribAlone = alone.neighbourMetrics[`${CONTRIB_SCOPE} ${METRICS.duration.name}`]!;
    expect(contribAlone.reduce((a, p) => a + count(p), 0)).toBeGreaterThanOrEqual(4);
  }
}

const positionIn = (order: Order): Position => (order === 'genai-first' ? 'under the neighbour' : 'above the neighbour');

describe('CommonJS app', () => {
  describe.each(inBothOrders<Neighbour>(['contrib', 'openlit', 'plain-promise', 'generator']))('beside %s, %s', (neighbour, order) => {
    it('changes nothing the caller sees, keeps the neighbour, and records every call', async () => {
      const [alone, both] = await Promise.all([run(neighbour, order, false), run(neighbour, order, true)]);
      // Nobody removed anybody: both wrappers are in the chain, the later one wrapping the earlier one.
      expectChainKeepsBoth(alone, both, order);
      expectTransparentAndRecorded(neighbour, alone, both, expectedChatTokens(neighbour, positionIn(order)));
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// ES module app: `import OpenAI from 'openai'` loads openai/index.mjs, which genai-meter patches at import
// time through import-in-the-middle's hooks (registered first by fixtures/neighbours-esm-preload.mjs, under
// `node --import`, as the package README says). What the orders mean there (see the preload):
// - neighbour-first: the neighbour's import hook is registered before genai-meter's: it sits inside.
// - genai-first: the neighbour's import hook is registered after genai-meter's: it sits outside.
// - after-import (the libraries' wrappers): the library wraps the class the app imported, after the import,
//   when genai-meter has already patched it: it sits outside.
// ---------------------------------------------------------------------------------------------------------

interface EsmRun extends Run {
  /** What `openai` resolved to in the app. */
  openaiUrl: string;
  /** The wrappers on the CommonJS copy's chat create(), null when nothing loaded that copy. */
  cjsChain: string[] | null;
}
type EsmOrder = Order | 'after-import';

// Under import-in-the-middle's asynchronous loader (module.register, as the package README shows) and under its
// synchronous hooks (module.registerHooks, what @genai-meter/node registers on this Node).
describe.each([
  ['async loader hook', 'async'],
  ['sync hooks', 'sync'],
])('ES module app, import-in-the-middle %s', (_, hooks) => {
  // A throw-away app directory whose node_modules/openai is the neighbours' openai 6, so that the app's bare
  // `import 'openai'` resolves there (the repository's own openai is 7, which contrib does not patch).
  let appDir: string;
  beforeAll(() => {
    appDir = mkdtempSync(join(tmpdir(), 'genai-meter-openai-neighbours-'));
    mkdirSync(join(appDir, 'node_modules'));
    symlinkSync(NEIGHBOURS_OPENAI, join(appDir, 'node_modules/openai'));
    cpSync(join(FIXTURES, 'neighbours-app.mjs'), join(appDir, 'neighbours-app.mjs'));
  });
  afterAll(() => rmSync(appDir, { recursive: true, force: true }));

  const runEsm = (neighbour: Neighbour, order: EsmOrder, genai: boolean, env: Record<string, string> = {}) =>
    runNeighbours<EsmRun>(join(appDir, 'neighbours-app.mjs'), (sim) => ({ OPENAI_BASE_URL: sim.baseURL }), neighbour, order, genai, {
      nodeArgs: ['--import', join(FIXTURES, 'neighbours-esm-preload.mjs')],
      cwd: appDir,
      env: { NEIGHBOURS_FIXTURES: FIXTURES, ESM_HOOKS: hooks, ...env },
    });

  /** Both processes used the ES module copy of the neighbours' openai, and never loaded the CommonJS one. */
  function expectEsmCopyOnly(...runs: EsmRun[]): void {
    for (const r of runs) {
      expect(r.openaiUrl).toMatch(/\/packages\/openai-compat\/neighbours\/node_modules\/openai\/index\.mjs(\?|$)/);
      expect(r.cjsChain).toBeNull();
    }
  }

  const wrapperCases: [Neighbour, EsmOrder][] = [...inBothOrders<Neighbour>(['contrib', 'plain-promise', 'generator'])];
  wrapperCases.push(['plain-promise', 'after-import'], ['generator', 'after-import']);

  describe.each(wrapperCases)('beside %s, %s', (neighbour, order) => {
    it('changes nothing the caller sees, keeps the neighbour, and records every call', async () => {
      const [alone, both] = await Promise.all([runEsm(neighbour, order, false), runEsm(neighbour, order, true)]);
      expectEsmCopyOnly(alone, both);
      // Both wrappers are on the ES module copy's create(): the neighbour's alone, and with genai-meter where
      // the order puts it (after-import: outside genai-meter, as with genai-first).
      expect(alone.chain[0]).not.toBe('genaiMeterCall');
      expect(alone.chain.length).toBeGreaterThan(1);
      const chainOrder: Order = order === 'neighbour-first' ? 'neighbour-first' : 'genai-first';
      expectChainKeepsBoth(alone, both, chainOrder);
      expectTransparentAndRecorded(neighbour, alone, both, expectedChatTokens(neighbour, positionIn(chainOrder)));
    });
  });

  // OpenLIT instruments openai through its own copy of import-in-the-middle (1.15, under its own
  // @opentelemetry/instrumentation 0.203). import-in-the-middle keeps each copy's hooks to itself, so the
  // loader hook an app registers for genai-meter (and contrib) never runs OpenLIT's: OpenLIT leaves the ES
  // module copy alone, in either order, and genai-meter meters it as if alone.
  describe.each(inBothOrders<Neighbour>(['openlit']))('beside %s, %s', (neighbour, order) => {
    it('OpenLIT does not patch the ES module copy; genai-meter changes nothing the caller sees and records every call', async () => {
      const [alone, both] = await Promise.all([runEsm(neighbour, order, false), runEsm(neighbour, order, true)]);
      expectEsmCopyOnly(alone, both);
      expect(alone.chain).toEqual(['create']);
      expect(both.chain).toEqual(['genaiMeterCall', 'create']);
      expect(alone.spans).toEqual([]);
      expectTransparentAndRecorded(neighbour, alone, both, expectedChatTokens(neighbour, 'under the neighbour'));
    });
  });

  // OpenLIT's own loader hook (OPENLIT_LOADER, see the preload) is the only way OpenLIT reaches the ES module
  // copy: registered before genai-meter's, it does patch it.
  it("with OpenLIT's own loader hook registered first, OpenLIT patches the ES module copy", async () => {
    const alone = await runEsm('openlit', 'neighbour-first', false, { OPENLIT_LOADER: 'first' });
    expectEsmCopyOnly(alone);
    expect(alone.chain).toHaveLength(2);
    expect(alone.chain.at(-1)).toBe('create');
  });

  // A limitation of import-in-the-middle, not of genai-meter: each copy runs only the hooks registered with it,
  // and with a second copy's loader hook in the process (OpenLIT's 1.15 beside the app's 3.6, asynchronous loader or
  // synchronous hooks alike; Node may warn "The 'import-in-the-middle' hook has already been initialized") the
  // module the app gets no longer runs the app's copy's hooks: neither genai-meter's nor contrib's (nor, checked
  // by hand, a library's own Hook) reach the ES module copy, and genai-meter records no call, with no error.
  // OpenLIT's wrapper is then the only one on create(), except when its loader is registered after the app's
  // asynchronous loader: then nobody's is.
  describe.each(['first', 'after'])("with OpenLIT's own loader hook registered %s", (loader) => {
    it('no import hook of the app\'s import-in-the-middle runs: genai-meter and contrib both miss the ES module copy', async () => {
      const env = { OPENLIT_LOADER: loader };
      const [openlit, contrib] = await Promise.all([runEsm('openlit', 'neighbour-first', true, env), runEsm('contrib', 'neighbour-first', true, env)]);
      expectEsmCopyOnly(openlit, contrib);
      expect(openlit.chain).toHaveLength(loader === 'after' && hooks === 'async' ? 1 : 2);
      for (const r of [openlit, contrib]) {
        expect(r.chain).not.toContain('genaiMeterCall');
        expect(r.genaiMetrics?.[`${GENAI_SCOPE} ${METRICS.duration.name}`] ?? []).toEqual([]);
        expect(r.seen.failure).toBe('RateLimitError 429');
      }
      expect(contrib.chain).toEqual(['create']);
      expect(contrib.spans).toEqual([]);
    });
  });
});
