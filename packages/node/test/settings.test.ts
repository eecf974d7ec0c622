// Every documented setting takes effect whichever aggregation runs: the same real app (fixtures/
// settings-app.cjs) under GENAI_METER_AGGREGATION=internal and =sdk must export the same data, and the
// setting's effect must be visible in it. Prometheus (scrape) and OTLP delta (http/json receiver) paths.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { freePort } from '../../../tests/support/tools.js';
import { appEnv, killAll, launch, LINGER, run, SUPPORT } from './support/apps.js';
import { OtlpReceiver, type OtlpPoint } from './support/otlp-receiver.js';
import { scrape, select, total, type Sample } from './support/prometheus-text.js';

const APP = join(SUPPORT, '../fixtures/settings-app.cjs');
const AGGREGATIONS = ['internal', 'sdk'] as const;
/** Timings differ between two runs: only their counts are compared. */
const TIMINGS = /^gen_ai_client_operation_(duration|time_to_first_chunk|time_per_output_chunk)_(sum|bucket)$/;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 4, latencyScale: 0 });
});
afterEach(() => killAll());
afterAll(() => sim?.close());

/** genai-meter's series, comparable across runs: timings by count, rate-limit headroom by its labels. */
function comparable(samples: Sample[]) {
  return samples
    .filter((s) => /^(gen_ai|genai_meter)_/.test(s.name) && !TIMINGS.test(s.name))
    .map((s) => ({
      name: s.name,
      labels: s.labels,
      value: s.name.startsWith('genai_meter_client_rate_limit_remaining') ? 0 : s.value,
    }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function scrapeRun(aggregation: string, env: Record<string, string>, register = true) {
  const port = await freePort();
  const args = register ? ['--require', '@genai-meter/node/register', '--require', LINGER, APP] : ['--require', LINGER, APP];
  const app = launch(args, appEnv({ OPENAI_BASE_URL: sim.baseURL, OTEL_EXPORTER_PROMETHEUS_PORT: String(port), GENAI_METER_AGGREGATION: aggregation, ...env }));
  await app.summary();
  const samples = await scrape(`http://127.0.0.1:${port}/metrics`);
  app.kill('SIGTERM');
  await app.exit;
  return { samples, stderr: app.stderr() };
}

/** Runs the app under both aggregations; their genai-meter series must be identical. Returns the internal run. */
async function bothAggregations(env: Record<string, string>, register = true) {
  const [internal, sdk] = await Promise.all(AGGREGATIONS.map((a) => scrapeRun(a, env, register)));
  expect(comparable(internal!.samples)).toEqual(comparable(sdk!.samples));
  expect(comparable(internal!.samples).length).toBeGreaterThan(10);
  return { internal: internal!, sdk: sdk! };
}

const genaiLabels = (samples: Sample[]) =>
  new Set(samples.filter((s) => s.name.startsWith('gen_ai_client_token_usage_sum')).flatMap((s) => Object.keys(s.labels)));

describe('the same settings, internal and sdk aggregation', () => {
  it('GENAI_METER_ATTRIBUTES_DROP removes the keys', async () => {
    const { internal } = await bothAggregations({ GENAI_METER_ATTRIBUTES_DROP: 'server.address,server.port,genai_meter.feature' });
    const labels = genaiLabels(internal.samples);
    for (const dropped of ['server_address', 'server_port', 'genai_meter_feature']) expect(labels.has(dropped)).toBe(false);
    expect(labels.has('gen_ai_request_model')).toBe(true);
    // Series that became equal were merged, not lost.
    expect(total(internal.samples, 'gen_ai_client_token_usage_sum', { gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' })).toBe(10 + 11 + 12 + 7);
  });

  it('GENAI_METER_ATTRIBUTES_ALLOW keeps only the listed keys', async () => {
    const { internal } = await bothAggregations({ GENAI_METER_ATTRIBUTES_ALLOW: 'gen_ai.operation.name,gen_ai.token.type' });
    const own = [...genaiLabels(internal.samples)].filter((k) => !k.startsWith('otel_scope') && !['service_name', 'job', 'instance'].includes(k));
    expect(own.sort()).toEqual(['gen_ai_operation_name', 'gen_ai_token_type']);
  });

  const featureCalls = (samples: Sample[]) => select(samples, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' }).filter((s) => s.labels.genai_meter_feature !== undefined);

  it('GENAI_METER_BAGGAGE_ATTRIBUTES copies the allow-listed baggage key onto the scoped calls', async () => {
    const { internal } = await bothAggregations({ GENAI_METER_BAGGAGE_ATTRIBUTES: 'app.tenant', TENANT: 'acme' });
    const scoped = featureCalls(internal.samples);
    expect(scoped).toHaveLength(3);
    for (const s of scoped) expect(s.labels.app_tenant).toBe('acme');
    // Calls outside the baggage context carry none.
    expect(select(internal.samples, 'gen_ai_client_token_usage_sum').filter((s) => s.labels.genai_meter_feature === undefined).every((s) => s.labels.app_tenant === undefined)).toBe(true);
  });

  it('GENAI_METER_ATTRIBUTE_VALUE_MAX_LENGTH cuts context attribute values', async () => {
    const { internal } = await bothAggregations({ GENAI_METER_ATTRIBUTE_VALUE_MAX_LENGTH: '12', LONG_FEATURE: '1' });
    expect(featureCalls(internal.samples).map((s) => s.labels.genai_meter_feature).sort()).toEqual(['feature-0-xx', 'feature-1-xx', 'feature-2-xx']);
  });

  it('GENAI_METER_MAX_CONTEXT_ATTRIBUTES caps the context attributes per point', async () => {
    const { internal, sdk } = await bothAggregations({ GENAI_METER_MAX_CONTEXT_ATTRIBUTES: '1', TEAM: 'search' });
    const scoped = featureCalls(internal.samples);
    expect(scoped).toHaveLength(3);
    for (const s of scoped) expect(s.labels.team).toBeUndefined();
    expect(internal.stderr).toMatch(/more than 1 attributes \(GENAI_METER_MAX_CONTEXT_ATTRIBUTES\); 'team' dropped/);
    expect(sdk.stderr).toMatch(/'team' dropped/);
    // Without the cap both keys are labels.
    const { internal: uncapped } = await bothAggregations({ TEAM: 'search' });
    for (const s of featureCalls(uncapped.samples)) expect(s.labels.team).toBe('search');
  });

  it('GENAI_METER_CARDINALITY_LIMIT folds new sets into otel_metric_overflow, losing no count', async () => {
    const { internal } = await bothAggregations({ GENAI_METER_CARDINALITY_LIMIT: '4', FEATURES: '6' });
    const durations = select(internal.samples, 'gen_ai_client_operation_duration_count');
    expect(durations).toHaveLength(4); // limit - 1 sets of their own + the overflow set
    expect(select(internal.samples, 'gen_ai_client_operation_duration_count', { otel_metric_overflow: 'true' })).toHaveLength(1);
    expect(total(internal.samples, 'gen_ai_client_operation_duration_count')).toBe(6 + 3);
  });

  it('start({ views }) with a View on a genai-meter instrument: applied, through SDK instruments, and said so', async () => {
    const { internal, sdk } = await bothAggregations({ VIEWS_BUCKETS: '1,10' }, false);
    const les = [...new Set(select(internal.samples, 'gen_ai_client_operation_duration_bucket').map((s) => s.labels.le))];
    expect(les).toEqual(['1', '10', '+Inf']);
    // The other histograms keep genai-meter's own Views (semconv buckets).
    expect(select(internal.samples, 'gen_ai_client_token_usage_bucket').some((s) => s.labels.le === '67108864')).toBe(true);
    expect(internal.stderr).toContain("views given for genai-meter's instruments: recording through SDK instruments so that they apply (aggregation: sdk)");
    expect(sdk.stderr).toContain('(aggregation: sdk)');
  });
});

describe('OTLP delta temporality, internal and sdk aggregation', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
  });
  afterAll(() => receiver?.close());

  const comparablePoints = (points: OtlpPoint[]) =>
    points
      .filter((p) => p.metric.startsWith('gen_ai') || p.metric.startsWith('genai_meter'))
      .filter((p) => !p.metric.startsWith('genai_meter.client.rate_limit'))
      .map((p) => ({ ...p, sum: /duration|chunk/.test(p.metric) ? undefined : p.sum }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  it('both export delta points with the same values', async () => {
    const exported: OtlpPoint[][] = [];
    for (const aggregation of AGGREGATIONS) {
      receiver.exports.length = 0;
      const result = await run([`--require`, '@genai-meter/node/register', APP], appEnv({
        OPENAI_BASE_URL: sim.baseURL,
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
        GENAI_METER_AGGREGATION: aggregation,
      }));
      expect(result.code).toBe(0);
      const points = receiver.exports.flatMap((e) => e.points);
      // Counters and histograms are delta; the in-flight up-down counter stays cumulative (as the SDK's).
      expect(points.filter((p) => p.metric === 'gen_ai.client.token.usage').every((p) => p.temporality === 1)).toBe(true);
      expect(points.filter((p) => p.metric === 'genai_meter.client.active_requests').every((p) => p.temporality === 2)).toBe(true);
      exported.push(comparablePoints(points));
    }
    expect(exported[0]).toEqual(exported[1]);
    expect(exported[0]!.length).toBeGreaterThan(10);
  });
});
