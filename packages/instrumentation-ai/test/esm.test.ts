// ESM: under `node --import` with import-in-the-middle's loader hooking the `ai` specifier, the ES module
// builds of ai (7, ES module only; 5, with both builds) are patched through their live bindings, and
// require(esm) of ai 7 through the exports object require hands out.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { repoRoot } from './support/harness.js';
import { firstChunkCounts, runEsmApp, tokenSum } from '../../instrumentation-core/test/support/esm.js';

const fixtures = fileURLToPath(new URL('fixtures', import.meta.url));
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
});
afterAll(() => sim?.close());

for (const loader of ['sync', 'async']) {
  it(`patches ai through import, require(esm) and ai 5's ES module build (${loader} loader hooks)`, async () => {
    const env = { SIM_URL: sim.url, AI5_APP: join(repoRoot, 'packages/ai-compat/v5/esm-app.mjs'), GENAI_METER_TEST_LOADER: loader };
    const metrics = await runEsmApp(fixtures, env, 60_000);
    const tokens = (model: string) => [tokenSum(metrics, model, 'input'), tokenSum(metrics, model, 'output')];
    expect(tokens('esm-model')).toEqual([16, 5]);
    expect(tokens('require-esm-model')).toEqual([13, 4]);
    expect(tokens('esm5-model')).toEqual([17, 6]);
    expect(firstChunkCounts(metrics)).toEqual([['esm-model', 1]]);
  });
}
