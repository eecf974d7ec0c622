// ESM: under `node --import` with import-in-the-middle's loader limited to the specifiers the register entry
// lists, the ES module build and the CommonJS build of @google/genai are both patched.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { GOOGLE_GENAI_ESM_SPECIFIERS } from '../src/index.js';
import { firstChunkCounts, runEsmApp, tokenSum } from '../../instrumentation-core/test/support/esm.js';

const fixtures = fileURLToPath(new URL('fixtures', import.meta.url));
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
});
afterAll(() => sim?.close());

const ESM_SPECIFIERS = [...GOOGLE_GENAI_ESM_SPECIFIERS];

const runApp = (specifier: string, include: string[], loader: 'sync' | 'async' = 'async') =>
  runEsmApp(fixtures, { GOOGLE_GEMINI_BASE_URL: sim.url, GENAI_METER_TEST_SPECIFIER: specifier, GENAI_METER_TEST_INCLUDE: include.join(','), GENAI_METER_TEST_LOADER: loader });

for (const [specifier, loader] of ESM_SPECIFIERS.flatMap((s) => [[s, 'async'] as const, [s, 'sync'] as const])) {
  it(`patches both builds of @google/genai in an ESM app importing ${specifier} (${loader} loader hooks)`, async () => {
    const metrics = await runApp(specifier, ESM_SPECIFIERS, loader);
    expect([tokenSum(metrics, 'esm-model', 'input'), tokenSum(metrics, 'esm-model', 'output')]).toEqual([16, 5]);
    expect(tokenSum(metrics, 'esm-embedding', 'input')).toBe(4);
    expect([tokenSum(metrics, 'cjs-model', 'input'), tokenSum(metrics, 'cjs-model', 'output')]).toEqual([13, 4]);
    expect(firstChunkCounts(metrics)).toEqual([['esm-model', 1]]);
  });
}

it('misses the ES module build when the loader does not include its specifier', async () => {
  const metrics = await runApp('@google/genai/node', ['@google/genai']);
  expect(tokenSum(metrics, 'esm-model', 'input')).toBe(0);
  expect(tokenSum(metrics, 'cjs-model', 'input')).toBe(13);
});
