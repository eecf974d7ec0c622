// The real PM2 (pm2-runtime, cluster mode, two instances), as users run it: the app under
// `--node-args="--require @genai-meter/node/register"`. cluster.test.ts covers the same with Node's
// cluster and a PM2-like primary; here PM2's own process container, its NODE_APP_INSTANCE and its graceful
// reload (`pm2 reload`: a replacement starts while the old instance still holds its port) are the real ones.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { consecutiveFreePorts, waitFor } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, SUPPORT } from './support/apps.js';
import { scrape, select, total } from './support/prometheus-text.js';

const APP = join(SUPPORT, '../fixtures/pm2-app.cjs');
const PM2_BIN = join(dirname(createRequire(import.meta.url).resolve('pm2/package.json')), 'bin');
const CALLS = 'gen_ai_client_operation_duration_count';

let sim: Simulator;
let home: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, latencyScale: 0 });
  home = mkdtempSync(join(tmpdir(), 'genai-meter-pm2-'));
});
afterAll(async () => {
  await killAll();
  await sim?.close();
  rmSync(home, { recursive: true, force: true });
});

/** Calls counted and the pid in target_info, on one instance's port. */
async function instance(port: number): Promise<{ calls: number; pid: string | undefined }> {
  const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
  return { calls: total(samples, CALLS), pid: select(samples, 'target_info')[0]?.labels.process_pid };
}

const appPids = (out: string) => [...out.matchAll(/^PM2-APP (.+)$/gm)].map((m) => JSON.parse(m[1]!) as { instance: number; pid: number });

describe('the real PM2, cluster mode', () => {
  it('instance i serves base + i with its own calls; after `pm2 reload` each replacement waits for its port and then serves its own', async () => {
    const base = await consecutiveFreePorts(2);
    const env = appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(base), PM2_HOME: home });
    const runtime = launch([join(PM2_BIN, 'pm2-runtime'), 'start', APP, '-i', '2', '--node-args=--require @genai-meter/node/register'], env);
    const output = () => runtime.stdout() + runtime.stderr();
    await waitFor(() => appPids(output()).length >= 2, { what: 'both instances done', timeoutMs: 30_000, intervalMs: 100 });
    const first = appPids(output());
    const pidOf = (i: number, of: typeof first) => String(of.find((p) => p.instance === i)?.pid);
    // Each port: one instance, the same every time it is read.
    for (let read = 0; read < 4; read++) {
      expect(await instance(base)).toEqual({ calls: 3, pid: pidOf(0, first) });
      expect(await instance(base + 1)).toEqual({ calls: 7, pid: pidOf(1, first) });
    }

    execFileSync(process.execPath, [join(PM2_BIN, 'pm2'), 'reload', 'pm2-app'], { env, stdio: 'ignore', timeout: 60_000 });
    await waitFor(() => appPids(output()).length >= 4, { what: 'both replacements done', timeoutMs: 30_000, intervalMs: 100 });
    const replaced = appPids(output()).slice(2);
    await waitFor(async () => (await instance(base).catch(() => undefined))?.pid === pidOf(0, replaced) && (await instance(base + 1).catch(() => undefined))?.pid === pidOf(1, replaced), {
      what: 'the replacements serving their ports',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(await instance(base)).toEqual({ calls: 3, pid: pidOf(0, replaced) });
    expect(await instance(base + 1)).toEqual({ calls: 7, pid: pidOf(1, replaced) });
    expect(output()).toMatch(/is busy \(the worker this one replaces\?\); retrying/);
    expect(output()).not.toMatch(/cannot listen|EADDRINUSE|Error/);

    runtime.kill('SIGINT');
    await runtime.exit;
  }, 120_000);
});
