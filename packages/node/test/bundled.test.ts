// An app bundled with esbuild, the openai SDK inlined (a Lambda or a server built to one file): `require`
// and `import` hooks never see openai, so the register entry alone records nothing. The README's remedy
// is one line in the app: hand the bundled SDK to the running instrumentations. Both are pinned here
// against the real esbuild, the real openai 7 and the simulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, nodeArgs, REPO_ROOT } from './support/apps.js';
import { scrape, total } from './support/prometheus-text.js';

// The app: the README's line for bundles (behind PATCH), then three chat calls.
const APP = `
import * as openaiModule from 'openai';
import OpenAI from 'openai';
import { current } from '@genai-meter/node';

if (process.env.PATCH === '1') {
  for (const i of current()?.instrumentations ?? []) i.patchOpenAI?.(openaiModule);
}
(async () => {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: process.env.OPENAI_BASE_URL });
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  console.log('CALLED');
  setInterval(() => {}, 60_000);
})();
`;

let sim: Simulator;
let dir: string;
let bundle: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
  dir = mkdtempSync(join(tmpdir(), 'genai-meter-bundled-'));
  bundle = join(dir, 'app.cjs');
  // @genai-meter/node stays external: the app must reach the instance the register entry started.
  const result = await build({
    stdin: { contents: APP, resolveDir: join(REPO_ROOT, 'packages/node'), loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['@genai-meter/node'],
    outfile: bundle,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
});
afterAll(async () => {
  await killAll();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The calls /metrics shows once the bundled app made its three, or undefined when no port opened. */
async function callsSeen(patch: boolean): Promise<{ calls: number | undefined; stderr: string }> {
  const port = await freePort();
  // NODE_PATH: the bundle lives outside the repository and requires @genai-meter/node from it.
  const app = launch(nodeArgs('require', bundle), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), NODE_PATH: join(REPO_ROOT, 'node_modules'), PATCH: patch ? '1' : '0' }));
  await app.waitForLine(/^CALLED$/);
  const calls = await scrape(`http://127.0.0.1:${port}/metrics`).then(
    (samples) => total(samples, 'gen_ai_client_operation_duration_count'),
    () => undefined,
  );
  app.kill();
  await app.exit;
  return { calls, stderr: app.stderr() };
}

it('the SDK inlined into the bundle is invisible to the register entry alone: it sees no SDK, so it opens no port and says nothing', async () => {
  const { calls, stderr } = await callsSeen(false);
  expect(calls).toBeUndefined();
  expect(stderr).not.toMatch(/LLM call metrics/);
}, 60_000);

it("with the README's line for bundles, the port opens and every call of the bundled SDK is recorded", async () => {
  const { calls, stderr } = await callsSeen(true);
  expect(calls).toBe(3);
  expect(stderr).toMatch(/LLM call metrics: prometheus on/);
}, 60_000);
