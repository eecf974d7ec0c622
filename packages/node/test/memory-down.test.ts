// The collector is down (every connection reset) while the app keeps calling: calls are unaffected,
// exports keep being attempted, and memory stays flat (nothing queues up behind failed exports).
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { appEnv, killAll, nodeArgs, run } from './support/apps.js';

const SOAK = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/soak.cjs');
let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, latencyScale: 0 });
});
afterAll(async () => {
  await killAll();
  await sim?.close();
});

it('keeps memory flat and calls unaffected over a 12 s soak with the collector down', async () => {
  let connections = 0;
  const down = createServer((socket) => {
    connections++;
    socket.destroy(); // accepts, then resets: a collector that is down
  });
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
  const port = (down.address() as { port: number }).port;
  try {
    const result = await run(
      ['--expose-gc', ...nodeArgs('require', SOAK)],
      appEnv({
        OPENAI_BASE_URL: sim.baseURL,
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_METRIC_EXPORT_TIMEOUT: '150',
        SOAK_MS: '12000',
      }),
      { timeoutMs: 60_000 },
    );
    const done = JSON.parse(/^DONE (.*)$/m.exec(result.stdout)?.[1] ?? 'null') as { calls: number; failed: number } | null;
    expect(done).not.toBeNull();
    expect(done!.failed).toBe(0);
    expect(done!.calls).toBeGreaterThan(1_000); // thousands; fewer beside a loaded CI run
    // Exports kept being attempted the whole time (every 200 ms, each reset).
    expect(connections).toBeGreaterThanOrEqual(20);
    const mem = [...result.stdout.matchAll(/^MEM (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { t: number; heap: number; rss: number; calls: number });
    expect(mem.length).toBeGreaterThanOrEqual(10);
    // After warm-up (from the 4th second) the heap after gc() does not grow with calls or failed exports.
    // Readings wobble by about 1.5 MB either way, so compare averages of three (seconds 4-6 vs the last 3).
    const avgHeap = (xs: typeof mem) => xs.reduce((a, m) => a + m.heap, 0) / xs.length;
    const warm = mem[3]!;
    const last = mem.at(-1)!;
    const growthMB = (avgHeap(mem.slice(-3)) - avgHeap(mem.slice(3, 6))) / 1024 / 1024;
    console.log(
      `collector down: ${done!.calls} calls, ${connections} export attempts, heap ${(warm.heap / 1048576).toFixed(1)} -> ${(last.heap / 1048576).toFixed(1)} MB (averaged growth ${growthMB.toFixed(2)} MB), ` +
        `rss ${(warm.rss / 1048576).toFixed(0)} -> ${(last.rss / 1048576).toFixed(0)} MB`,
    );
    expect(last.calls - warm.calls).toBeGreaterThan(500);
    expect(growthMB).toBeLessThan(2);
  } finally {
    await new Promise<void>((resolve) => down.close(() => resolve()));
  }
}, 90_000);
