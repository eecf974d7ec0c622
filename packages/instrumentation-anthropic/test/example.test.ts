// The README's runnable example runs as written and prints the metrics it promises.
import { expect, it } from 'vitest';
import { METRICS } from '../src/index.js';
import { runExample } from '../../instrumentation-core/test/support/example.js';

it('examples/basic.cjs prints a message, a stream and their metrics', async () => {
  const stdout = await runExample(new URL('.', import.meta.url), 'ANTHROPIC_BASE_URL');
  expect(stdout).toMatch(/^message: /m);
  expect(stdout).toMatch(/^stream text deltas: [1-9]\d*/m);
  for (const m of [METRICS.duration, METRICS.tokenUsage, METRICS.timeToFirstChunk, METRICS.timePerOutputChunk, METRICS.cost, METRICS.rateLimitRemaining]) {
    expect(stdout).toContain(`name: '${m.name}'`);
  }
});
