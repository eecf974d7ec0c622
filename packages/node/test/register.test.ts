// The zero-code path: real `node --require|--import @genai-meter/node/register` processes running the
// examples against the simulator; /metrics scraped over HTTP with exact values.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, CJS_APP, ESM_APP, killAll, launch, nodeArgs, REPO_ROOT, run, TS_APP, type Loader } from './support/apps.js';
import { EXAMPLE, expectExampleSeries } from './support/expect.js';
import { scrape, select, total } from './support/prometheus-text.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, latencyScale: 0 });
});
afterEach(() => killAll());
afterAll(() => sim?.close());

async function runAndScrape(loader: Loader, script: string, extraEnv: Record<string, string> = {}, cwd?: string) {
  const port = await freePort();
  const app = launch(
    nodeArgs(loader, script, { linger: true }),
    appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), ...extraEnv }),
    cwd,
  );
  const summary = await app.summary();
  const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
  app.kill('SIGTERM');
  const exit = await app.exit;
  return { app, summary, samples, exit, port };
}

describe.each([
  ['require', 'cjs-app', CJS_APP],
  ['import', 'esm-app', ESM_APP],
  // An ES module app under --require: the CommonJS register entry registers the ESM loader too.
  ['require', 'esm-app', ESM_APP],
  ['import', 'cjs-app', CJS_APP],
] as const)('node --%s @genai-meter/node/register %s', (loader, _name, script) => {
  it('serves exact token, duration and cost series on /metrics, and SIGTERM still ends the process', async () => {
    const { app, summary, samples, exit, port } = await runAndScrape(loader, script, {
      OTEL_SERVICE_NAME: 'example-svc',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.namespace=genai',
    });
    expect(summary).toEqual({ calls: 3, input: EXAMPLE.chatInput + EXAMPLE.embeddingsInput, output: EXAMPLE.chatOutput });
    expectExampleSeries(samples);
    const target = select(samples, 'target_info');
    expect(target).toHaveLength(1);
    expect(target[0]!.labels).toMatchObject({ service_name: 'example-svc', service_namespace: 'genai', deployment_environment_name: 'test' });
    expect(target[0]!.labels.service_instance_id).toMatch(/^[0-9a-f-]{36}$/);
    // Command-line arguments are not put in the resource.
    expect(Object.keys(target[0]!.labels).filter((k) => k.startsWith('process_command'))).toEqual([]);
    // genai-meter was the only SIGTERM listener: the signal is re-raised, so the process ends by it.
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    // One line says where the metrics go; nothing else (no warning).
    expect(app.stderr().trim().split('\n')).toEqual([
      `[genai-meter] LLM call metrics: prometheus on http://127.0.0.1:${port}/metrics (aggregation: internal)`,
    ]);
  });
});

describe('TypeScript app run by tsx', () => {
  it.each(['require', 'import'] as const)('node --%s @genai-meter/node/register --import tsx: per-feature series from withAttributes', async (loader) => {
    const { summary, samples } = await runAndScrape(loader, TS_APP);
    expect(summary.calls).toBe(3);
    const input = (feature: string) => total(samples, 'gen_ai_client_token_usage_sum', { genai_meter_feature: feature, gen_ai_token_type: 'input' });
    const output = (feature: string) => total(samples, 'gen_ai_client_token_usage_sum', { genai_meter_feature: feature, gen_ai_token_type: 'output' });
    expect(input('qa')).toBe(14);
    expect(output('qa')).toBe(60);
    expect(input('search')).toBe(9);
    expect(input('summary')).toBe(summary.input - 14 - 9);
    expect(output('summary')).toBe(60);
    // Every point carries a feature: the three scopes cover all calls.
    expect(total(samples, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' })).toBe(summary.input);
    expect(total(samples, 'gen_ai_client_operation_duration_count', { genai_meter_feature: 'summary' })).toBe(1);
    expect(select(samples, 'gen_ai_client_operation_duration_count').every((s) => s.labels.genai_meter_feature !== undefined)).toBe(true);
  });
});

describe('openai 6', () => {
  // A throw-away app directory whose node_modules/openai is the openai 6 of packages/openai-compat/v6.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'genai-meter-v6-'));
    mkdirSync(join(dir, 'node_modules/@genai-meter'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'packages/openai-compat/v6/node_modules/openai'), join(dir, 'node_modules/openai'));
    symlinkSync(join(REPO_ROOT, 'packages/node'), join(dir, 'node_modules/@genai-meter/node'));
    cpSync(CJS_APP, join(dir, 'index.cjs'));
    cpSync(ESM_APP, join(dir, 'index.mjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves openai 6 from the app directory', () => {
    const resolved = realpathSync(createRequire(join(dir, 'index.cjs')).resolve('openai'));
    expect(resolved.startsWith(join(REPO_ROOT, 'packages/openai-compat/v6/node_modules/openai/'))).toBe(true);
    const version = (JSON.parse(readFileSync(join(dir, 'node_modules/openai/package.json'), 'utf8')) as { version: string }).version;
    expect(version).toMatch(/^6\./);
  });

  it.each([
    ['require', 'index.cjs'],
    ['import', 'index.mjs'],
  ] as const)('node --%s register with openai 6 (%s): exact series', async (loader, file) => {
    const { summary, samples } = await runAndScrape(loader, join(dir, file), {}, dir);
    expect(summary.calls).toBe(3);
    expectExampleSeries(samples);
  });
});

describe('GENAI_METER_ESM_LOADER', () => {
  it.each(['require', 'import'] as const)('async (module.register fallback) under --%s: the ESM copy of openai is patched', async (loader) => {
    const { samples, app } = await runAndScrape(loader, ESM_APP, { GENAI_METER_ESM_LOADER: 'async' });
    expectExampleSeries(samples);
    // The hooks thread does not start a second pipeline: one start line, no port clash.
    expect(app.stderr().match(/\[genai-meter\] LLM call metrics:/g)).toHaveLength(1);
    expect(app.stderr()).not.toMatch(/EADDRINUSE|Warning/);
  });

  it('none: an ES module app is not instrumented (only CommonJS requires are), so nothing is announced and no port opens', async () => {
    const port = await freePort();
    const app = launch(nodeArgs('import', ESM_APP, { linger: true }), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), GENAI_METER_ESM_LOADER: 'none' }));
    expect((await app.summary()).calls).toBe(3);
    await expect(scrape(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    expect(app.stderr()).not.toMatch(/LLM call metrics/);
    app.kill('SIGTERM');
    await app.exit;
  });
});

describe("an app's own start() under the register entry", () => {
  it('called before the first SDK load: it starts genai-meter with the app options (its port), the entry uses that instance, openai is patched once', async () => {
    const [own, env] = [await freePort(), await freePort()];
    const r = await run(['--require', '@genai-meter/node/register', join(REPO_ROOT, 'packages/node/test/fixtures/own-start.cjs')], appEnv({ OWN_PORT: String(own), OTEL_EXPORTER_PROMETHEUS_PORT: String(env) }));
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('OWN-START '));
    expect(JSON.parse(line!.slice('OWN-START '.length))).toEqual({ same: true, listening: true, patched: 'genaiMeterCall' });
    expect(r.stderr.match(/LLM call metrics: .*/g)).toEqual([`LLM call metrics: prometheus on http://127.0.0.1:${own}/metrics (aggregation: internal)`]);
  });
});
