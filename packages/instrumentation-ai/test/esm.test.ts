// ESM: under `node --import` with import-in-the-middle's loader hooking the `ai` specifier, the ES module
// builds of ai (7, ES module only; 5, with both builds) are patched through their live bindings, and
// require(esm) of ai 7 through the exports object require hands out.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { METRICS } from '../src/index.js';
import { repoRoot } from './support/harness.js';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures');
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
});
afterAll(() => sim?.close());

interface Dumped {
  name: string;
  points: { attributes: Record<string, unknown>; value: number | { count: number; sum: number } }[];
}

for (const loader of ['sync', 'async']) {
  it(`patches ai through import, require(esm) and ai 5's ES module build (${loader} loader hooks)`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(fixtures, 'esm-register.mjs'), join(fixtures, 'esm-app.mjs')], {
      env: { ...process.env, SIM_URL: sim.url, AI5_APP: join(repoRoot, 'packages/ai-compat/v5/esm-app.mjs'), GENAI_METER_TEST_LOADER: loader },
      cwd: fixtures,
      timeout: 60_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('METRICS '));
    expect(line).toBeDefined();
    const metrics = JSON.parse(line!.slice('METRICS '.length)) as Dumped[];
    const tokens = metrics.find((m) => m.name === METRICS.tokenUsage.name)!.points;
    const tokenSum = (model: string, type: string) =>
      tokens.filter((p) => p.attributes['gen_ai.request.model'] === model && p.attributes['gen_ai.token.type'] === type).reduce((a, p) => a + (p.value as { sum: number }).sum, 0);
    expect([tokenSum('esm-model', 'input'), tokenSum('esm-model', 'output')]).toEqual([16, 5]);
    expect([tokenSum('require-esm-model', 'input'), tokenSum('require-esm-model', 'output')]).toEqual([13, 4]);
    expect([tokenSum('esm5-model', 'input'), tokenSum('esm5-model', 'output')]).toEqual([17, 6]);
    const ttfc = metrics.find((m) => m.name === METRICS.timeToFirstChunk.name)!.points;
    expect(ttfc.map((p) => [p.attributes['gen_ai.request.model'], (p.value as { count: number }).count])).toEqual([['esm-model', 1]]);
  });
}
