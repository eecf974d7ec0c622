// The README's runnable example runs as written and prints the metrics it promises.
import { expect, it } from 'vitest';
import { METRICS } from '../src/index.js';
import { runExample } from '../../instrumentation-core/test/support/example.js';

it('examples/basic.cjs prints a generateContent, a stream, embeddings and their metrics', async () => {
  const stdout = await runExample(new URL('.', import.meta.url), 'GOOGLE_GEMINI_BASE_URL');
  expect(stdout).toMatch(/^generateContent: /m);
  expect(stdout).toMatch(/^stream chunks: \d+/m);
  expect(stdout).toMatch(/^embeddings: 2$/m);
  for (const m of [METRICS.duration, METRICS.tokenUsage, METRICS.timeToFirstChunk, METRICS.timePerOutputChunk, METRICS.cost, METRICS.tokenDetails]) {
    expect(stdout).toContain(`name: '${m.name}'`);
  }
  expect(stdout).toContain("'gen_ai.operation.name': 'generate_content'");
  expect(stdout).toContain("'gen_ai.operation.name': 'embeddings'");
});
