// The README's runnable example runs as written and prints the metrics it promises.
import { expect, it } from 'vitest';
import { METRICS } from '../src/index.js';
import { runExample } from '../../instrumentation-core/test/support/example.js';

it('examples/basic.cjs prints a generateText, a stream and their metrics', async () => {
  const stdout = await runExample(new URL('.', import.meta.url), 'OPENAI_BASE_URL');
  expect(stdout).toMatch(/^text: .*\| usage \d+ \d+$/m);
  expect(stdout).toMatch(/^stream deltas: \d+/m);
  for (const m of [METRICS.duration, METRICS.tokenUsage, METRICS.timeToFirstChunk, METRICS.cost]) {
    expect(stdout).toContain(`name: '${m.name}'`);
  }
});
