// The README's runnable example runs as written and prints the metrics it promises.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { METRICS } from '../src/index.js';

it('examples/basic.cjs prints a message, a stream and their metrics', async () => {
  const file = join(fileURLToPath(new URL('.', import.meta.url)), '../examples/basic.cjs');
  const env = { ...process.env };
  delete env.ANTHROPIC_BASE_URL;
  const { stdout } = await promisify(execFile)(process.execPath, [file], { env, timeout: 30_000 });
  expect(stdout).toMatch(/^message: /m);
  expect(stdout).toMatch(/^stream text deltas: [1-9]\d*/m);
  for (const m of [METRICS.duration, METRICS.tokenUsage, METRICS.timeToFirstChunk, METRICS.timePerOutputChunk, METRICS.cost, METRICS.rateLimitRemaining]) {
    expect(stdout).toContain(`name: '${m.name}'`);
  }
});
