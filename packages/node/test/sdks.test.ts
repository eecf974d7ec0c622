// Every SDK genai-meter instruments, side by side in one app under the register entry (CommonJS under
// --require, ES modules under --import): each SDK's calls are recorded once, under its own instrumentation
// scope, with exact tokens.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, LINGER, SUPPORT, type Loader } from './support/apps.js';
import { scrape, total } from './support/prometheus-text.js';

const FIXTURES = join(SUPPORT, '../fixtures');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 2, latencyScale: 0 });
});
afterEach(() => killAll());
afterAll(() => sim?.close());

/** [scope, calls, input tokens, output tokens, operation] the fixture's calls make per SDK. */
const EXPECTED: [string, number, number, number, string][] = [
  ['@genai-meter/instrumentation-openai', 2, 10 + 11, 5 + 6, 'chat'],
  ['@genai-meter/instrumentation-anthropic', 2, 20 + 21, 7 + 8, 'chat'],
  ['@genai-meter/instrumentation-google-genai', 2, 30 + 31, 9 + 10, 'generate_content'],
  // ai over @ai-sdk/openai calls the API with fetch: recorded by the AI SDK's instrumentation alone.
  ['@genai-meter/instrumentation-ai', 1, 40, 11, 'chat'],
];

describe.each([
  ['require', 'four-sdks.cjs'],
  ['import', 'four-sdks.mjs'],
] as [Loader, string][])('node --%s @genai-meter/node/register with four SDKs (%s)', (loader, file) => {
  it('records every SDK once, under its own scope, with exact tokens', async () => {
    const port = await freePort();
    const app = launch(
      [`--${loader}`, '@genai-meter/node/register', '--require', LINGER, join(FIXTURES, file)],
      appEnv({ SIM_URL: sim.url, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
    );
    expect((await app.summary()).calls).toBe(7);
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    for (const [scope, calls, input, output, operation] of EXPECTED) {
      const of = { otel_scope_name: scope };
      expect([scope, total(samples, 'gen_ai_client_operation_duration_count', of)]).toEqual([scope, calls]);
      expect([scope, total(samples, 'gen_ai_client_operation_duration_count', { ...of, gen_ai_operation_name: operation })]).toEqual([scope, calls]);
      expect([scope, total(samples, 'gen_ai_client_token_usage_sum', { ...of, gen_ai_token_type: 'input' })]).toEqual([scope, input]);
      expect([scope, total(samples, 'gen_ai_client_token_usage_sum', { ...of, gen_ai_token_type: 'output' })]).toEqual([scope, output]);
      expect([scope, total(samples, 'gen_ai_usage_cost_count', of)]).toEqual([scope, calls]);
    }
    // One time to first chunk per stream (the SDKs that streamed).
    expect(total(samples, 'gen_ai_client_operation_time_to_first_chunk_count')).toBe(3);
    expect(samples.filter((s) => s.name === 'gen_ai_client_operation_duration_count' && s.labels.error_type !== undefined)).toEqual([]);
    app.kill('SIGTERM');
    await app.exit;
  });
});
