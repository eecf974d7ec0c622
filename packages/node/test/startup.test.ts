// What the register entry costs an app at start-up, checked on real processes: the files it reads, and the
// work it adds to the app's own require() calls. The time and memory figures are in bench/ (startup rows).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, run, SUPPORT } from './support/apps.js';

const PROBE = join(SUPPORT, '../fixtures/startup-probe.cjs');

interface Probe {
  loaded: string[];
  builtins: string[];
  unrelatedResolutionsBefore: number;
  unrelatedResolutions: number;
  patched: boolean;
  loadedAfterSdk: string[];
}

async function probe(preload: string[], env: Record<string, string> = {}): Promise<Probe> {
  const r = await run([...preload, PROBE], appEnv({ OTEL_METRICS_EXPORTER: 'none', ...env }));
  expect(r.code, r.stderr).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('PROBE '));
  if (!line) throw new Error(`no PROBE line\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line.slice('PROBE '.length)) as Probe;
}

describe('start-up of the register entry', () => {
  it.each([
    ['none', {}],
    ['prometheus', {}],
    ['otlp', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }],
    ['otlp', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
  ] as const)('OTEL_METRICS_EXPORTER=%s %o: until an SDK loads, only its own small bundle; then genai-meter comes from its bundle, no OpenTelemetry package is read from node_modules', async (exporter, env) => {
    const { loaded, builtins, loadedAfterSdk, patched } = await probe(['--require', '@genai-meter/node/register'], {
      OTEL_METRICS_EXPORTER: exporter,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      GENAI_METER_SHUTDOWN_TIMEOUT_MS: '0',
      ...env,
    });
    // Before: the entry, and import-in-the-middle's registry of hooks alone (its main module, with
    // worker_threads, waits for an ES module import of an SDK: deferred-import-hook.ts).
    expect(loaded).toEqual(['packages/node/dist/register.cjs', 'node_modules/import-in-the-middle/lib/register.js']);
    expect(builtins).not.toContain('worker_threads');
    // Once openai is required: the main bundle and the price catalog package.
    expect(patched).toBe(true);
    const added = loadedAfterSdk.filter((f) => !loaded.includes(f) && !/^node_modules\/(openai|ms|picocolors)\//.test(f) && !f.endsWith('startup-probe.cjs'));
    expect(added).toEqual(['packages/node/dist/index.cjs', 'packages/pricing/dist/index.cjs']);
    // node:crypto (OpenSSL) is left to the app: the instance id does not need it.
    expect(builtins).not.toContain('crypto');
  });

  it("import-in-the-middle's hook module is loaded at the first ES module import, not before: an app that imports none never pays for it, the first import still goes through it (also after a require of the SDK)", async () => {
    const { loaded } = await probe(['--require', '@genai-meter/node/register']);
    expect(loaded.filter((f) => /import-in-the-middle\/(create-hook|register-hooks)\.mjs$/.test(f))).toEqual([]);
    for (const cjsFirst of ['0', '1']) {
      const r = await run(['--require', '@genai-meter/node/register', join(SUPPORT, '../fixtures/first-esm-import.cjs')], appEnv({ OTEL_METRICS_EXPORTER: 'none', CJS_FIRST: cjsFirst }));
      expect(r.code, r.stderr).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.startsWith('FIRST-ESM '));
      expect(JSON.parse(line!.slice('FIRST-ESM '.length)), `CJS_FIRST=${cjsFirst}`).toEqual({ before: false, after: true, esm: 'genaiMeterCall', cjs: 'genaiMeterCall' });
      expect(r.stderr).not.toMatch(/warn|circular/i);
    }
  });

  it('an ES module app loads import-in-the-middle at its first import of an SDK, not before; that import is still patched', async () => {
    const r = await run(['--import', '@genai-meter/node/register', join(SUPPORT, '../fixtures/esm-no-sdk.mjs')], appEnv({ OTEL_METRICS_EXPORTER: 'none' }));
    expect(r.code, r.stderr).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.startsWith('ESM-NO-SDK '));
    expect(JSON.parse(line!.slice('ESM-NO-SDK '.length))).toEqual({ before: ['lib/register.js'], after: true, patched: 'genaiMeterCall' });
    expect(r.stderr).not.toMatch(/warn/i);
  });

  it('the bundle is ASCII: V8 would hold its whole source as a two-byte string for one character beyond Latin-1', () => {
    for (const file of ['index.cjs', 'register.cjs']) {
      expect(readFileSync(join(SUPPORT, '../../dist', file), 'utf8')).toMatch(/^[\x00-\x7f]*$/);
    }
  });

  it("require-in-the-middle's `debug` is a stand-in: no tty at start, DEBUG still prints its lines", async () => {
    const quiet = await probe(['--require', '@genai-meter/node/register']);
    expect(quiet.builtins).not.toContain('tty');
    const r = await run(['--require', '@genai-meter/node/register', PROBE], appEnv({ OTEL_METRICS_EXPORTER: 'none', DEBUG: 'require-in-the-*' }));
    expect(r.stderr).toContain('require-in-the-middle registering require hook');
  });

  it('the gRPC exporter (with @grpc/grpc-js) is loaded from node_modules, and only when chosen, once an SDK is loaded', async () => {
    const { loaded, loadedAfterSdk } = await probe(['--require', '@genai-meter/node/register'], {
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      GENAI_METER_SHUTDOWN_TIMEOUT_MS: '0',
    });
    expect(loaded.some((f) => f.includes('node_modules/@grpc/grpc-js/'))).toBe(false);
    expect(loadedAfterSdk.some((f) => f.includes('node_modules/@opentelemetry/exporter-metrics-otlp-grpc/'))).toBe(true);
    expect(loadedAfterSdk.some((f) => f.includes('node_modules/@grpc/grpc-js/'))).toBe(true);
  });

  it('before an SDK is patched there is no pipeline, even with genai-meter started at once (the module.register loader): the Prometheus exporter (which creates an http server) has not loaded http', async () => {
    const { builtins, loaded, patched } = await probe(['--require', '@genai-meter/node/register'], {
      GENAI_METER_ESM_LOADER: 'async',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      GENAI_METER_SHUTDOWN_TIMEOUT_MS: '0',
    });
    expect(loaded).toContain('packages/node/dist/index.cjs');
    expect(builtins).not.toContain('http');
    expect(patched).toBe(true);
  });

  it("the app's require() of other modules does not go through the instrumentation's require hook; openai is still patched", async () => {
    const bare = await probe([]);
    expect(bare.patched).toBe(false);
    const registered = await probe(['--require', '@genai-meter/node/register']);
    expect(registered.patched).toBe(true);
    // One resolution, as without genai-meter (require-in-the-middle's own hook resolves every module twice
    // more): before openai is loaded (only the entry's gate) and after (the instrumentations' hook in place).
    expect(registered.unrelatedResolutionsBefore).toBe(bare.unrelatedResolutionsBefore);
    expect(registered.unrelatedResolutions).toBe(bare.unrelatedResolutions);
  });
});
