// Exporter choice from the standard OTel environment variables, in real processes: OTLP (to a test
// receiver speaking http/json, and to the real collector over http/protobuf and gRPC), console, none,
// several at once, the Prometheus bind address, OTEL_SDK_DISABLED and bad values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { collectorConfig, startCollector } from '../../../tests/support/collector.js';
import { freePort, waitFor } from '../../../tests/support/tools.js';
import { appEnv, CJS_APP, ESM_APP, killAll, launch, nodeArgs, run } from './support/apps.js';
import { EXAMPLE, expectExampleSeries } from './support/expect.js';
import { countOf, OtlpReceiver, sumOf } from './support/otlp-receiver.js';
import { scrape, total } from './support/prometheus-text.js';
import { externalIPv4, listeningAddresses } from './support/sockets.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, latencyScale: 0 });
});
afterEach(() => killAll());
afterAll(() => sim?.close());

const TOKENS = 'gen_ai.client.token.usage';
const DURATION = 'gen_ai.client.operation.duration';

function expectExamplePoints(receiver: OtlpReceiver): void {
  expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'input' }))).toBe(EXAMPLE.chatInput);
  expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'output' }))).toBe(EXAMPLE.chatOutput);
  expect(sumOf(receiver.latest(TOKENS, { 'gen_ai.operation.name': 'embeddings', 'gen_ai.token.type': 'input' }))).toBe(EXAMPLE.embeddingsInput);
  expect(countOf(receiver.latest(DURATION, { 'gen_ai.operation.name': 'chat' }))).toBe(2);
  expect(countOf(receiver.latest(DURATION, { 'gen_ai.operation.name': 'embeddings' }))).toBe(1);
}

describe('OTLP http/json to a test receiver', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
  });
  afterEach(() => {
    receiver.exports.length = 0;
  });
  afterAll(() => receiver?.close());

  const otlpEnv = (extra: Record<string, string> = {}) =>
    appEnv({
      OPENAI_BASE_URL: sim.baseURL,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'otlp-json-svc',
      ...extra,
    });

  it('exports exact cumulative values with the resource from OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES', async () => {
    const result = await run(nodeArgs('require', CJS_APP), otlpEnv({ OTEL_RESOURCE_ATTRIBUTES: 'team=search' }));
    expect(result.code).toBe(0);
    // The default interval is 60 s: the one export is the flush at exit.
    expect(receiver.exports).toHaveLength(1);
    expectExamplePoints(receiver);
    expect(receiver.exports[0]!.resource).toMatchObject({ 'service.name': 'otlp-json-svc', team: 'search' });
    expect(receiver.latest(TOKENS).every((p) => p.temporality === 2)).toBe(true); // CUMULATIVE
  });

  it('honours OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta and the signal-specific endpoint', async () => {
    const result = await run(
      nodeArgs('import', ESM_APP),
      otlpEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', // overridden by the metrics-specific endpoint
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
      }),
    );
    expect(result.code).toBe(0);
    expectExamplePoints(receiver);
    expect(receiver.latest(TOKENS).every((p) => p.temporality === 1)).toBe(true); // DELTA
  });

  it('exports periodically at OTEL_METRIC_EXPORT_INTERVAL', async () => {
    const app = launch(nodeArgs('require', CJS_APP, { linger: true }), otlpEnv({ OTEL_METRIC_EXPORT_INTERVAL: '200' }));
    await app.summary();
    await waitFor(() => receiver.exports.length >= 3, { timeoutMs: 5_000, what: 'three periodic exports' });
    expectExamplePoints(receiver);
  });

  it('several exporters at once: OTEL_METRICS_EXPORTER=prometheus,otlp', async () => {
    const port = await freePort();
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      otlpEnv({ OTEL_METRICS_EXPORTER: 'prometheus,otlp', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
    );
    await app.summary();
    expectExampleSeries(await scrape(`http://127.0.0.1:${port}/metrics`));
    app.kill('SIGTERM');
    expect((await app.exit).signal).toBe('SIGTERM');
    expectExamplePoints(receiver); // flushed on SIGTERM
  });
});

describe('Prometheus exporter: resource attributes as labels, like the collector', () => {
  it('promotes exactly service.name, service.namespace and deployment.environment.name onto every series', async () => {
    const port = await freePort();
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({
        OPENAI_BASE_URL: sim.baseURL,
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_SERVICE_NAME: 'checkout',
        // `team` and the look-alike `service.name.alias` must stay in target_info only.
        OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,deployment.environment.name=staging,team=search,service.name.alias=co',
      }),
    );
    await app.summary();
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    expectExampleSeries(samples);
    const genai = samples.filter((s) => s.name.startsWith('gen_ai_') || s.name.startsWith('genai_meter_'));
    expect(genai.length).toBeGreaterThan(10);
    const resourceLabels = { service_name: 'checkout', service_namespace: 'shop', deployment_environment_name: 'staging' };
    expect(genai.filter((s) => !Object.entries(resourceLabels).every(([k, v]) => s.labels[k] === v)).map((s) => s.name)).toEqual([]);
    for (const absent of ['team', 'service_name_alias', 'host_name', 'service_instance_id', 'process_pid']) {
      expect(genai.filter((s) => absent in s.labels).map((s) => s.name), absent).toEqual([]);
    }
    // The whole resource is still described once, in target_info.
    const info = samples.filter((s) => s.name === 'target_info');
    expect(info).toHaveLength(1);
    expect(info[0]!.labels).toMatchObject({ ...resourceLabels, team: 'search', service_name_alias: 'co' });
  });

  it('without the optional attributes, only service_name (the SDK default when unset) is added', async () => {
    const port = await freePort();
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
    );
    await app.summary();
    const genai = (await scrape(`http://127.0.0.1:${port}/metrics`)).filter((s) => s.name.startsWith('gen_ai_'));
    expect(new Set(genai.map((s) => s.labels.service_name))).toEqual(new Set([expect.stringMatching(/^unknown_service:/)]));
    expect(genai.filter((s) => 'service_namespace' in s.labels || 'deployment_environment_name' in s.labels)).toEqual([]);
  });
});

describe('OTLP to the real collector (sidecar config)', () => {
  it.each([
    ['http/protobuf', 'default protocol'],
    ['grpc', 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc'],
  ] as [string, string][])('%s (%s): exact values on the collector Prometheus endpoint', async (protocol) => {
    const collector = await startCollector(collectorConfig('sidecar'));
    try {
      const env: Record<string, string> = {
        OPENAI_BASE_URL: sim.baseURL,
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_SERVICE_NAME: `collector-${protocol.replace('/', '-')}`,
      };
      if (protocol === 'grpc') {
        env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
        env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://${collector.otlpGrpc}`;
      } else {
        env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.otlpHttpUrl; // no protocol set: http/protobuf
      }
      const result = await run(nodeArgs('require', CJS_APP), appEnv(env));
      expect(result.code).toBe(0);
      const job = { job: env.OTEL_SERVICE_NAME! };
      const samples = await waitFor(
        async () => {
          const s = await scrape(collector.prometheusUrl);
          return total(s, 'gen_ai_client_operation_duration_seconds_count', job) === 3 ? s : undefined;
        },
        { timeoutMs: 15_000, what: 'three calls on the collector' },
      );
      const chat = { ...job, gen_ai_operation_name: 'chat' };
      expect(total(samples, 'gen_ai_client_token_usage_sum', { ...chat, gen_ai_token_type: 'input' })).toBe(EXAMPLE.chatInput);
      expect(total(samples, 'gen_ai_client_token_usage_sum', { ...chat, gen_ai_token_type: 'output' })).toBe(EXAMPLE.chatOutput);
      expect(total(samples, 'gen_ai_client_token_usage_sum', { ...job, gen_ai_operation_name: 'embeddings' })).toBe(EXAMPLE.embeddingsInput);
      expect(total(samples, 'gen_ai_usage_cost_USD_sum', chat)).toBeCloseTo(EXAMPLE.chatCost, 12);
    } finally {
      await collector.stop();
    }
  });
});

describe('console and none', () => {
  it('OTEL_METRICS_EXPORTER=console prints the metrics at exit', async () => {
    const result = await run(nodeArgs('require', CJS_APP), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_METRICS_EXPORTER: 'console' }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`name: '${TOKENS}'`);
    expect(result.stdout).toMatch(/sum: 120\b/); // chat output tokens
    expect(result.stdout).toMatch(/sum: 27\b/); // chat input tokens
  });

  it('OTEL_METRICS_EXPORTER=none: nothing listens, one line says so, the app is unchanged', async () => {
    const port = await freePort();
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_METRICS_EXPORTER: 'none', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }),
    );
    expect((await app.summary()).calls).toBe(3);
    expect(listeningAddresses(port)).toEqual([]);
    app.kill('SIGTERM');
    expect((await app.exit).signal).toBe('SIGTERM');
    expect(app.stderr()).toBe('[genai-meter] LLM call metrics: no exporter (OTEL_METRICS_EXPORTER=none) (aggregation: internal)\n');
  });
});

describe('Prometheus bind address', () => {
  it('binds 127.0.0.1 by default: not reachable on a non-loopback address', async () => {
    const port = await freePort();
    const app = launch(nodeArgs('require', CJS_APP, { linger: true }), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port) }));
    await app.summary();
    expect(listeningAddresses(port)).toEqual(['127.0.0.1']);
    const external = externalIPv4();
    if (external) await expect(fetch(`http://${external}:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });

  it('OTEL_EXPORTER_PROMETHEUS_HOST=0.0.0.0 (containers) binds all interfaces', async () => {
    const port = await freePort();
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0' }),
    );
    await app.summary();
    expect(listeningAddresses(port)).toEqual(['0.0.0.0']);
    const external = externalIPv4();
    if (external) expectExampleSeries(await scrape(`http://${external}:${port}/metrics`));
  });

  it('GENAI_METER_PROMETHEUS_PORT/HOST win over the OTEL_* pair an app SDK reads too', async () => {
    const [ours, theirs] = await Promise.all([freePort(), freePort()]);
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(theirs), GENAI_METER_PROMETHEUS_PORT: String(ours), GENAI_METER_PROMETHEUS_HOST: '127.0.0.1' }),
    );
    await app.summary();
    expectExampleSeries(await scrape(`http://127.0.0.1:${ours}/metrics`));
    expect(listeningAddresses(theirs)).toEqual([]);
  });

  it('a busy port is a warning, not a crash', async () => {
    const receiver = await new OtlpReceiver().start(); // occupies a port
    try {
      const result = await run(nodeArgs('require', CJS_APP), appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(receiver.port) }));
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^SUMMARY \{"calls":3,/m);
      expect(result.stderr).toContain(`[genai-meter] Prometheus exporter cannot listen on 127.0.0.1:${receiver.port}`);
    } finally {
      await receiver.close();
    }
  });
});

describe('OTEL_SDK_DISABLED and bad values', () => {
  it('OTEL_SDK_DISABLED=true: no server, no export, no output', async () => {
    const receiver = await new OtlpReceiver().start();
    const port = await freePort();
    try {
      const app = launch(
        nodeArgs('import', ESM_APP, { linger: true }),
        appEnv({
          OPENAI_BASE_URL: sim.baseURL,
          OTEL_SDK_DISABLED: 'true',
          OTEL_METRICS_EXPORTER: 'prometheus,otlp',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
          OTEL_METRIC_EXPORT_INTERVAL: '100',
        }),
      );
      expect((await app.summary()).calls).toBe(3);
      await new Promise((r) => setTimeout(r, 500));
      expect(listeningAddresses(port)).toEqual([]);
      app.kill('SIGTERM');
      expect((await app.exit).signal).toBe('SIGTERM');
      expect(receiver.requests).toBe(0);
      expect(app.stderr()).toBe('');
    } finally {
      await receiver.close();
    }
  });

  it('bad values warn with the variable name and fall back to defaults; the app runs unchanged', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'genai-meter-prices-'));
    // One valid override (gpt-4o-mini at ten times its price) and one broken entry for text-embedding-3-small.
    const pricing = join(dir, 'prices.json');
    writeFileSync(
      pricing,
      JSON.stringify({
        models: {
          'gpt-4o-mini': { provider: 'openai', input: 1.5, output: 6, source: 'https://example.com/contract', date: '2026-11-01' },
          'text-embedding-3-small': { provider: 'openai', input: 'cheap', source: 'https://example.com', date: '2026-11-01' },
        },
      }),
    );
    const app = launch(
      nodeArgs('require', CJS_APP, { linger: true }),
      appEnv({
        OPENAI_BASE_URL: sim.baseURL,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_METRICS_EXPORTER: 'prometheus,carrier-pigeon',
        OTEL_METRIC_EXPORT_INTERVAL: 'soon',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'smoke-signals',
        OTEL_SDK_DISABLED: 'maybe',
        GENAI_METER_SHUTDOWN_TIMEOUT_MS: '-1',
        GENAI_METER_CARDINALITY_LIMIT: 'lots',
        GENAI_METER_METER_PROVIDER: 'theirs',
        GENAI_METER_AGGREGATION: 'fast',
        GENAI_METER_PRICING_FILE: pricing,
      }),
    );
    expect((await app.summary()).calls).toBe(3);
    const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
    // Every call is timed and counted; the valid override applies, the broken entry's model is unpriced.
    const chat = { gen_ai_operation_name: 'chat', gen_ai_request_model: 'gpt-4o-mini' };
    expect(total(samples, 'gen_ai_client_operation_duration_count', chat)).toBe(2);
    expect(total(samples, 'gen_ai_usage_cost_sum', chat)).toBeCloseTo(EXAMPLE.chatCost * 10, 12);
    const emb = { gen_ai_operation_name: 'embeddings', gen_ai_request_model: 'text-embedding-3-small' };
    expect(total(samples, 'gen_ai_client_operation_duration_count', emb)).toBe(1);
    expect(total(samples, 'gen_ai_usage_cost_count', emb)).toBe(0);
    expect(total(samples, 'genai_meter_client_unpriced_calls_total', emb)).toBe(1);
    const err = app.stderr();
    expect(err).toContain(`OTEL_METRICS_EXPORTER: unknown exporter 'carrier-pigeon' ignored`);
    expect(err).toContain(`OTEL_METRIC_EXPORT_INTERVAL='soon' is not an integer`);
    expect(err).toContain(`OTEL_EXPORTER_OTLP_METRICS_PROTOCOL='smoke-signals' is not one of http/protobuf, http/json, grpc; using http/protobuf`);
    expect(err).toContain(`OTEL_SDK_DISABLED='maybe' is not 'true' or 'false'; using false`);
    expect(err).toContain(`GENAI_METER_SHUTDOWN_TIMEOUT_MS='-1'`);
    expect(err).toContain(`GENAI_METER_CARDINALITY_LIMIT='lots'`);
    expect(err).toContain(`GENAI_METER_METER_PROVIDER='theirs' is not one of auto, own, app; using auto`);
    expect(err).toContain(`GENAI_METER_AGGREGATION='fast' is not one of internal, sdk; using internal`);
    // The pricing file's problem names the file and the entry, once.
    expect(err.split('\n').filter((l) => l.includes(pricing) && l.includes('text-embedding-3-small'))).toHaveLength(1);
  });
});
