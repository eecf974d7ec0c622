// ESM: under `node --import` with import-in-the-middle limited to the `@anthropic-ai/sdk` specifier (both the
// asynchronous loader and the synchronous hooks), the ESM and the CommonJS copies of the SDK are both patched.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { firstChunkCounts, runEsmApp, tokenSum } from '../../instrumentation-core/test/support/esm.js';

const fixtures = fileURLToPath(new URL('fixtures', import.meta.url));
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
});
afterAll(() => sim?.close());

describe.each(['async', 'sync'])('ESM loader %s', (loader) => {
  it('patches both copies of @anthropic-ai/sdk in an ESM app', async () => {
    const metrics = await runEsmApp(fixtures, { ANTHROPIC_BASE_URL: sim.url, ESM_LOADER: loader });
    const tokens = (model: string) => [tokenSum(metrics, model, 'input'), tokenSum(metrics, model, 'output')];
    expect(tokens('esm-model')).toEqual([16, 5]);
    expect(tokens('esm-helper')).toEqual([7, 4]);
    expect(tokens('esm-beta')).toEqual([9, 1]);
    expect(tokens('cjs-model')).toEqual([13, 4]);
    expect(firstChunkCounts(metrics).sort()).toEqual([
      ['esm-helper', 1],
      ['esm-model', 1],
    ]);
  });
});
