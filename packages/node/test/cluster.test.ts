// Several processes on one host behind one configured port: Node's cluster with genai-meter in the primary
// too (which, loading no SDK, opens no port), and PM2's cluster mode (only the workers preloaded, each with its NODE_APP_INSTANCE). Each worker's
// calls must be scraped, exactly and always from the same worker; before cluster-worker.ts the workers
// shared the port round-robin (a scrape alternated 3, 7, 3, 7 under the same labels) or, beside a primary
// holding the port, exposed nothing at all.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { consecutiveFreePorts, waitFor } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, nodeArgs, type App } from './support/apps.js';
import { scrape, total } from './support/prometheus-text.js';

const APP = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/cluster-app.cjs');
const CALLS = 'gen_ai_client_operation_duration_count';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 9, latencyScale: 0 });
});
afterAll(async () => {
  await killAll();
  await sim?.close();
});

async function start(mode: 'node' | 'pm2', extra: Record<string, string> = {}): Promise<{ app: App; base: number }> {
  // One port for the primary, one per worker.
  const base = await consecutiveFreePorts(3);
  const app = launch(mode === 'node' ? nodeArgs('require', APP) : [APP], appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(base), CLUSTER_MODE: mode, ...extra }));
  await waitFor(() => (app.stdout().match(/^WORKER /gm) ?? []).length >= 2, { what: 'both workers done', timeoutMs: 30_000, intervalMs: 50 });
  return { app, base };
}

/** The calls one port shows, read `times` times in a row: a port shared by several workers would change. */
async function reads(port: number, times = 6): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(total(await scrape(`http://127.0.0.1:${port}/metrics`), CALLS));
  return out;
}

describe('cluster workers', () => {
  it("Node's cluster, genai-meter in the primary too: worker n serves base + n, each its own calls; the primary, which loads no SDK, opens nothing", async () => {
    const { app, base } = await start('node');
    await expect(scrape(`http://127.0.0.1:${base}/metrics`)).rejects.toThrow();
    expect(await reads(base + 1)).toEqual(Array(6).fill(3));
    expect(await reads(base + 2)).toEqual(Array(6).fill(7));
    expect(app.stderr()).not.toMatch(/cannot listen|busy/);
    expect(app.stderr().match(/LLM call metrics: prometheus on http:\/\/127\.0\.0\.1:(\d+)/g)?.map((l) => Number(l.split(':').at(-1))).sort()).toEqual([base + 1, base + 2]);
    app.kill();
    await app.exit;
  }, 60_000);

  it("PM2's cluster mode (only the workers preloaded): instance i serves base + i, each its own calls", async () => {
    const { app, base } = await start('pm2');
    expect(await reads(base)).toEqual(Array(6).fill(3));
    expect(await reads(base + 1)).toEqual(Array(6).fill(7));
    expect(app.stderr()).not.toMatch(/cannot listen|busy/);
    app.kill();
    await app.exit;
  }, 60_000);

  it("PM2's reload: the replacement waits for its predecessor's port instead of sharing it, then serves its own calls", async () => {
    const { app, base } = await start('pm2', { REPLACE: '1' });
    await waitFor(() => /busy/.test(app.stderr()), { what: 'the replacement finding its port busy', timeoutMs: 20_000, intervalMs: 50 });
    // While both live, the port is the old worker's alone: never the replacement's 2.
    expect(await reads(base, 3)).toEqual([3, 3, 3]);
    await waitFor(() => /now listening on 127\.0\.0\.1:\d+/.test(app.stderr()), { what: 'the replacement listening', timeoutMs: 20_000, intervalMs: 100 });
    expect(await reads(base)).toEqual(Array(6).fill(2));
    expect(await reads(base + 1, 2)).toEqual([7, 7]);
    app.kill();
    await app.exit;
  }, 60_000);
});
