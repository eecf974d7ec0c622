// ESM: under `node --import` with the loader hook, the ESM and the CommonJS copies of openai are both patched.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { METRICS } from '../src/index.js';

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

it('patches both copies of openai in an ESM app', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', join(fixtures, 'esm-register.mjs'), join(fixtures, 'esm-app.mjs')],
    { env: { ...process.env, OPENAI_BASE_URL: sim.baseURL }, cwd: fixtures, timeout: 30_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('METRICS '));
  expect(line).toBeDefined();
  const metrics = JSON.parse(line!.slice('METRICS '.length)) as Dumped[];
  const tokens = metrics.find((m) => m.name === METRICS.tokenUsage.name)!.points;
  const tokenSum = (model: string, type: string) =>
    tokens
      .filter((p) => p.attributes['gen_ai.request.model'] === model && p.attributes['gen_ai.token.type'] === type)
      .reduce((a, p) => a + (p.value as { sum: number }).sum, 0);
  expect(tokenSum('esm-model', 'input')).toBe(16);
  expect(tokenSum('esm-model', 'output')).toBe(5);
  expect(tokenSum('cjs-model', 'input')).toBe(13);
  expect(tokenSum('cjs-model', 'output')).toBe(4);
  const ttfc = metrics.find((m) => m.name === METRICS.timeToFirstChunk.name)!.points;
  expect(ttfc.map((p) => [p.attributes['gen_ai.request.model'], (p.value as { count: number }).count])).toEqual([['esm-model', 1]]);
  expect(tokenSum('gpt-image-1', 'output')).toBe(272);
  const durations = metrics.find((m) => m.name === METRICS.duration.name)!.points;
  const operations = durations.map((p) => [p.attributes['gen_ai.request.model'], p.attributes['gen_ai.operation.name']]).sort();
  expect(operations).toEqual([['cjs-model', 'chat'], ['esm-model', 'chat'], ['gpt-image-1', 'generate_image'], ['tts-1', 'generate_speech']]);
});
