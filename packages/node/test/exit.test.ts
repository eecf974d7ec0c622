// Short-lived processes lose nothing, and a collector that is down never slows the app or holds its exit
// longer than GENAI_METER_SHUTDOWN_TIMEOUT_MS. Real processes, OTLP http/json to a test receiver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort, waitFor } from '../../../tests/support/tools.js';
import { appEnv, CJS_APP, ESM_APP, killAll, launch, nodeArgs, run, SUPPORT, type Loader } from './support/apps.js';
import { EXAMPLE } from './support/expect.js';
import { countOf, OtlpReceiver, sumOf } from './support/otlp-receiver.js';

const OWN_HANDLER_APP = join(SUPPORT, '../fixtures/own-signal-handler.cjs');
const TOKENS = 'gen_ai.client.token.usage';
const DURATION = 'gen_ai.client.operation.duration';

let sim: Simulator;
let receiver: OtlpReceiver;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, latencyScale: 0 });
  receiver = await new OtlpReceiver().start();
});
afterEach(async () => {
  await killAll();
  receiver.exports.length = 0;
  receiver.requests = 0;
  receiver.mode = 'ok';
});
afterAll(async () => {
  await receiver?.close();
  await sim?.close();
});

const otlpEnv = (endpoint: string, extra: Record<string, string> = {}) =>
  appEnv({
    OPENAI_BASE_URL: sim.baseURL,
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    ...extra,
  });

function expectAllThreeCalls(): void {
  expect(countOf(receiver.latest(DURATION))).toBe(3);
  expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.token.type': 'input' }))).toBe(EXAMPLE.chatInput + EXAMPLE.embeddingsInput);
  expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.token.type': 'output' }))).toBe(EXAMPLE.chatOutput);
}

describe('flush on exit', () => {
  it.each([
    ['require', CJS_APP],
    ['import', ESM_APP],
  ] as [Loader, string][])('--%s: a script that makes three calls and exits has all three exported (%s)', async (loader, script) => {
    const result = await run(nodeArgs(loader, script), otlpEnv(receiver.url));
    expect(result.code).toBe(0);
    expect(receiver.exports).toHaveLength(1); // interval 60 s: only the exit flush
    expectAllThreeCalls();
  });

  it('SIGINT: flushes, then the process still ends by SIGINT', async () => {
    const app = launch(nodeArgs('import', ESM_APP, { linger: true }), otlpEnv(receiver.url));
    await app.summary();
    expect(receiver.exports).toHaveLength(0);
    app.kill('SIGINT');
    const exit = await app.exit;
    expect(exit).toMatchObject({ code: null, signal: 'SIGINT' });
    expectAllThreeCalls();
  });

  it("an app with its own SIGTERM handler keeps control of its exit, and the calls are still exported", async () => {
    const app = launch(nodeArgs('require', OWN_HANDLER_APP), otlpEnv(receiver.url));
    const summary = await app.summary();
    app.kill('SIGTERM');
    const exit = await app.exit;
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(app.stdout()).toContain('app: draining');
    expect(app.stdout()).toContain('app: bye');
    expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.operation.name': 'embeddings' }))).toBe(summary.input);
  });
});

describe('collector down', () => {
  // Baseline: the same app with genai-meter loaded but exporting nowhere (same start-up cost, nothing to wait for).
  async function baseline(): Promise<{ ms: number; stdout: string }> {
    const r = await run(nodeArgs('require', CJS_APP), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_METRICS_EXPORTER: 'none' }));
    expect(r.code).toBe(0);
    return r;
  }
  const summaryLine = (stdout: string) => stdout.split('\n').find((l) => l.startsWith('SUMMARY '));

  it('connection refused: same results, exit not delayed beyond the shutdown timeout', async () => {
    const base = await baseline();
    const closedPort = await freePort();
    const down = await run(nodeArgs('require', CJS_APP), otlpEnv(`http://127.0.0.1:${closedPort}`));
    expect(down.code).toBe(0);
    expect(summaryLine(down.stdout)).toBe(summaryLine(base.stdout));
    console.log(`collector refused: exit after ${down.ms.toFixed(0)} ms (no exporter: ${base.ms.toFixed(0)} ms)`);
    expect(down.ms).toBeLessThan(base.ms + 2_000 + 1_500); // default GENAI_METER_SHUTDOWN_TIMEOUT_MS, plus loading the OTLP exporter
  });

  it('a black-holed collector (accepts, never answers): exit bounded by GENAI_METER_SHUTDOWN_TIMEOUT_MS', async () => {
    const base = await baseline();
    receiver.mode = 'hang';
    const hung = await run(nodeArgs('require', CJS_APP), otlpEnv(receiver.url, { GENAI_METER_SHUTDOWN_TIMEOUT_MS: '1000' }));
    expect(hung.code).toBe(0);
    expect(summaryLine(hung.stdout)).toBe(summaryLine(base.stdout));
    expect(receiver.requests).toBe(1); // the export was attempted, and abandoned at the timeout
    console.log(`collector black-holed: exit after ${hung.ms.toFixed(0)} ms (timeout 1000 ms, no exporter: ${base.ms.toFixed(0)} ms)`);
    expect(hung.ms).toBeGreaterThanOrEqual(1_000);
    expect(hung.ms).toBeLessThan(base.ms + 1_000 + 1_500);
  });

  it('an exit code set by the app survives a timed-out flush', async () => {
    receiver.mode = 'hang';
    const script = `require(${JSON.stringify(CJS_APP)}); process.exitCode = 3;`;
    const r = await run(['--require', '@genai-meter/node/register', '-e', script], otlpEnv(receiver.url, { GENAI_METER_SHUTDOWN_TIMEOUT_MS: '500' }));
    expect(r.stdout).toMatch(/^SUMMARY /m);
    expect(r.code).toBe(3);
  });

  it('export resumes when the collector comes back, with nothing lost (cumulative)', async () => {
    const port = await freePort(); // nothing listens yet
    const app = launch(nodeArgs('require', CJS_APP, { linger: true }), otlpEnv(`http://127.0.0.1:${port}`, { OTEL_METRIC_EXPORT_INTERVAL: '200' }));
    await app.summary();
    await new Promise((r) => setTimeout(r, 1_000)); // several failed exports
    const late = await new OtlpReceiver().start(port);
    try {
      await waitFor(() => late.exports.length >= 1, { timeoutMs: 10_000, what: 'an export after the collector came back' });
      expect(countOf(late.latest(DURATION))).toBe(3);
      expect(sumOf(late.latest(TOKENS, { 'gen_ai.token.type': 'output' }))).toBe(EXAMPLE.chatOutput);
    } finally {
      app.kill('SIGKILL');
      await app.exit;
      await late.close();
    }
  });
});
