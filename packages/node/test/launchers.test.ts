// NODE_OPTIONS='--require @genai-meter/node/register' (as the README offers) reaches every Node process,
// the launcher too: with `npm start`, npm itself started genai-meter first and took the /metrics port, the
// app's listen() failed, and a scrape read npm's empty metrics with HTTP 200. The register entry now opens
// the port (and says where metrics go) only once an instrumented SDK is loaded, so the port is the app's.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort, waitFor } from '../../../tests/support/tools.js';
import { appEnv, REPO_ROOT } from './support/apps.js';
import { scrape, total } from './support/prometheus-text.js';

const APP_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/npm-start');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, latencyScale: 0 });
});
afterAll(() => sim?.close());

it('`npm start` under NODE_OPTIONS: the app, not npm, serves /metrics with its calls; npm opens no port and says nothing', async () => {
  const port = await freePort();
  const env = appEnv({
    OPENAI_BASE_URL: sim.baseURL,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
    NODE_OPTIONS: `--require ${join(REPO_ROOT, 'packages/node/dist/register.cjs')}`,
    // The fixture lives in the repository's test tree but has no node_modules of its own.
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
  });
  // npm as the machine has it, run by the Node on PATH (the one the tests run with).
  const npm = spawn('npm', ['start', '--silent'], { cwd: APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  npm.stdout.on('data', (c: Buffer) => (out += c.toString()));
  npm.stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const line = await waitFor(() => /^READY \d+$/m.exec(out)?.[0], { what: 'the app ready', timeoutMs: 30_000, intervalMs: 50 }).catch((e: Error) => {
      throw new Error(`${e.message}\n--- stdout ---\n${out}\n--- stderr ---\n${err}`);
    });
    expect(line).toMatch(/^READY \d+$/);
    expect(total(await scrape(`http://127.0.0.1:${port}/metrics`), 'gen_ai_client_operation_duration_count')).toBe(2);
    expect(err).not.toMatch(/cannot listen/);
    // One notice: the app's (npm loads no SDK).
    expect(err.match(/LLM call metrics: prometheus on/g)).toHaveLength(1);
  } finally {
    // The whole group: npm and the app it started.
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}, 60_000);
