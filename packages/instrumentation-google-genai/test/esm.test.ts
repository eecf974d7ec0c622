// ESM: under `node --import` with import-in-the-middle's loader limited to the specifiers the register entry
// lists, the ES module build and the CommonJS build of @google/genai are both patched.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { GOOGLE_GENAI_ESM_SPECIFIERS, METRICS } from '../src/index.js';

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

const ESM_SPECIFIERS = [...GOOGLE_GENAI_ESM_SPECIFIERS];

async function runApp(specifier: string, include: string[], loader: 'sync' | 'async' = 'async'): Promise<Dumped[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(fixtures, 'esm-register.mjs'), join(fixtures, 'esm-app.mjs')], {
    env: { ...process.env, GOOGLE_GEMINI_BASE_URL: sim.url, GENAI_METER_TEST_SPECIFIER: specifier, GENAI_METER_TEST_INCLUDE: include.join(','), GENAI_METER_TEST_LOADER: loader },
    cwd: fixtures,
    timeout: 30_000,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('METRICS '));
  expect(line).toBeDefined();
  return JSON.parse(line!.slice('METRICS '.length)) as Dumped[];
}

const tokenSum = (metrics: Dumped[], model: string, type: string) =>
  metrics
    .find((m) => m.name === METRICS.tokenUsage.name)!
    .points.filter((p) => p.attributes['gen_ai.request.model'] === model && p.attributes['gen_ai.token.type'] === type)
    .reduce((a, p) => a + (p.value as { sum: number }).sum, 0);

for (const [specifier, loader] of ESM_SPECIFIERS.flatMap((s) => [[s, 'async'] as const, [s, 'sync'] as const])) {
  it(`patches both builds of @google/genai in an ESM app importing ${specifier} (${loader} loader hooks)`, async () => {
    const metrics = await runApp(specifier, ESM_SPECIFIERS, loader);
    expect([tokenSum(metrics, 'esm-model', 'input'), tokenSum(metrics, 'esm-model', 'output')]).toEqual([16, 5]);
    expect(tokenSum(metrics, 'esm-embedding', 'input')).toBe(4);
    expect([tokenSum(metrics, 'cjs-model', 'input'), tokenSum(metrics, 'cjs-model', 'output')]).toEqual([13, 4]);
    const ttfc = metrics.find((m) => m.name === METRICS.timeToFirstChunk.name)!.points;
    expect(ttfc.map((p) => [p.attributes['gen_ai.request.model'], (p.value as { count: number }).count])).toEqual([['esm-model', 1]]);
  });
}

it('misses the ES module build when the loader does not include its specifier', async () => {
  const metrics = await runApp('@google/genai/node', ['@google/genai']);
  expect(tokenSum(metrics, 'esm-model', 'input')).toBe(0);
  expect(tokenSum(metrics, 'cjs-model', 'input')).toBe(13);
});
