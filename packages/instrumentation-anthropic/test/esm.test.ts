// ESM: under `node --import` with import-in-the-middle limited to the `@anthropic-ai/sdk` specifier (both the
// asynchronous loader and the synchronous hooks), the ESM and the CommonJS copies of the SDK are both patched.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe.each(['async', 'sync'])('ESM loader %s', (loader) => {
  it('patches both copies of @anthropic-ai/sdk in an ESM app', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(fixtures, 'esm-register.mjs'), join(fixtures, 'esm-app.mjs')], {
      env: { ...process.env, ANTHROPIC_BASE_URL: sim.url, ESM_LOADER: loader },
      cwd: fixtures,
      timeout: 30_000,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('METRICS '));
    expect(line).toBeDefined();
    const metrics = JSON.parse(line!.slice('METRICS '.length)) as Dumped[];
    const tokens = metrics.find((m) => m.name === METRICS.tokenUsage.name)!.points;
    const tokenSum = (model: string, type: string) =>
      tokens.filter((p) => p.attributes['gen_ai.request.model'] === model && p.attributes['gen_ai.token.type'] === type).reduce((a, p) => a + (p.value as { sum: number }).sum, 0);
    expect([tokenSum('esm-model', 'input'), tokenSum('esm-model', 'output')]).toEqual([16, 5]);
    expect([tokenSum('esm-helper', 'input'), tokenSum('esm-helper', 'output')]).toEqual([7, 4]);
    expect([tokenSum('esm-beta', 'input'), tokenSum('esm-beta', 'output')]).toEqual([9, 1]);
    expect([tokenSum('cjs-model', 'input'), tokenSum('cjs-model', 'output')]).toEqual([13, 4]);
    const ttfc = metrics.find((m) => m.name === METRICS.timeToFirstChunk.name)!.points;
    expect(ttfc.map((p) => [p.attributes['gen_ai.request.model'], (p.value as { count: number }).count]).sort()).toEqual([
      ['esm-helper', 1],
      ['esm-model', 1],
    ]);
  });
});
