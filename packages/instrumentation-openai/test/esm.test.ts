// ESM: under `node --import` with the loader hook, the ESM and the CommonJS copies of openai are both patched.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { METRICS } from '../src/index.js';
import { firstChunkCounts, runEsmApp, tokenSum } from '../../instrumentation-core/test/support/esm.js';

const fixtures = fileURLToPath(new URL('fixtures', import.meta.url));
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
});
afterAll(() => sim?.close());

it('patches both copies of openai in an ESM app', async () => {
  const metrics = await runEsmApp(fixtures, { OPENAI_BASE_URL: sim.baseURL });
  expect(tokenSum(metrics, 'esm-model', 'input')).toBe(16);
  expect(tokenSum(metrics, 'esm-model', 'output')).toBe(5);
  expect(tokenSum(metrics, 'cjs-model', 'input')).toBe(13);
  expect(tokenSum(metrics, 'cjs-model', 'output')).toBe(4);
  expect(firstChunkCounts(metrics)).toEqual([['esm-model', 1]]);
  expect(tokenSum(metrics, 'gpt-image-1', 'output')).toBe(272);
  const durations = metrics.find((m) => m.name === METRICS.duration.name)!.points;
  const operations = durations.map((p) => [p.attributes['gen_ai.request.model'], p.attributes['gen_ai.operation.name']]).sort();
  expect(operations).toEqual([['cjs-model', 'chat'], ['esm-model', 'chat'], ['gpt-image-1', 'generate_image'], ['tts-1', 'generate_speech']]);
});
