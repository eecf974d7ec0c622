// Worker threads inherit the --require/--import preloads: genai-meter starts in the main thread only (one
// pipeline, one Prometheus port), without loading worker_threads to tell (register.ts).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, run, SUPPORT } from './support/apps.js';

const APP = join(SUPPORT, '../fixtures/worker-thread-app.cjs');
const HIDE_MARKER = join(SUPPORT, '../fixtures/hide-worker-marker.cjs');

describe('the register entry in a worker thread', () => {
  it.each(['require', 'import'] as const)('--%s: the main thread is instrumented; a worker thread that loads openai starts nothing and patches nothing', async (loader) => {
    const port = await freePort();
    const r = await run([`--${loader}`, '@genai-meter/node/register', APP], appEnv({ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }));
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('THREADS '));
    expect(JSON.parse(line!.slice('THREADS '.length))).toEqual({
      main: 'genaiMeterCall',
      mainStarted: true,
      // Told apart at start: not even the gate is installed.
      worker: { gated: false, create: 'create', started: false },
    });
    expect(r.stderr.match(/LLM call metrics: /g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EADDRINUSE|warn|cannot/i);
  });

  it("without Node's marker on a worker's process.chdir, the worker still starts nothing (worker_threads is asked at its first SDK load)", async () => {
    const port = await freePort();
    const r = await run(['--require', HIDE_MARKER, '--require', '@genai-meter/node/register', APP], appEnv({ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }));
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('THREADS '));
    // The gate is there, and the first SDK load asks worker_threads.
    expect(JSON.parse(line!.slice('THREADS '.length))).toEqual({ main: 'genaiMeterCall', mainStarted: true, worker: { gated: true, create: 'create', started: false } });
    expect(r.stderr.match(/LLM call metrics: /g)).toHaveLength(1);
  });
});
