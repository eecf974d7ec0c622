// aggregation 'internal' against aggregation 'sdk': the same real calls (openai 7 over HTTP to a fresh
// simulator with the same seed), one run per aggregation, must give the same metrics, descriptors,
// attribute sets and values (timings: the same counts). Then what only the own aggregation does: delta
// readers, the cardinality limit, attribute filters and a switch back to the SDK.
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { startSimulator, type Simulator } from '@genai-meter/simulator';
import { ATTR_GEN_AI_REQUEST_MODEL, ATTR_SERVER_PORT, METRICS } from '../src/index.js';
import { CUMULATIVE, DELTA } from '../../instrumentation-core/src/producer.js';
import { MetricsHarness, loadOpenAI, sum, where, type Aggregation } from './support/harness.js';

const OpenAIModule = loadOpenAI(7);
const { OpenAI } = OpenAIModule;
const scope = new AsyncLocalStorage<Attributes>();
const m = [{ role: 'user', content: 'x' }];

let sim: Simulator | undefined;
let h: MetricsHarness | undefined;
afterEach(async () => {
  await h?.shutdown();
  await sim?.close();
  h = undefined;
  sim = undefined;
});

async function harness(aggregation: Aggregation, config: ConstructorParameters<typeof MetricsHarness>[0] = {}, options?: ConstructorParameters<typeof MetricsHarness>[1]) {
  sim = await startSimulator({ seed: 3, latencyScale: 0 });
  h = new MetricsHarness({ ...config, aggregation, extraAttributes: () => scope.getStore() }, options);
  // The module is loaded once for the file: patch it explicitly for this instrumentation.
  h.instrumentation.patchOpenAI(OpenAIModule);
  return { h, client: new OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 }) };
}

/** Every kind of point: usage details, priced and unpriced, streams, embeddings, responses, failures, a retry, attribution. */
async function workload(client: InstanceType<typeof OpenAI>): Promise<void> {
  const usage = 'prompt=1200,completion=340,cached=200,reasoning=64';
  for (const model of ['gpt-4o-mini', 'gpt-4.1', 'no-such-model']) {
    await client.chat.completions.create({ model, messages: m }, { headers: { 'x-sim-usage': usage } });
  }
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m, stream: true }, { headers: { 'x-sim-chunks': '6' } });
  for await (const _ of stream);
  await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
  await client.responses.create({ model: 'gpt-4.1', input: 'x' });
  for (const fault of ['rate_limit', 'server_error', 'not_found']) {
    await client.chat.completions.create({ model: `err-${fault}`, messages: m }, { headers: { 'x-sim-fault': fault } }).catch(() => undefined);
  }
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m }, { maxRetries: 1, headers: { 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1' } });
  await scope.run({ 'genai_meter.feature': 'search' }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: m }));
}

const key = (a: Attributes) => JSON.stringify(Object.entries(a).sort(([x], [y]) => x.localeCompare(y)));
const TIMINGS = new Set<string>([METRICS.duration.name, METRICS.timeToFirstChunk.name, METRICS.timePerOutputChunk.name]);

/** Metrics by name with points by attribute set; timings keep their counts only (they differ between runs). */
function normalize(metrics: MetricData[]) {
  return Object.fromEntries(
    metrics.map((metric) => {
      const points = Object.fromEntries(
        (metric.dataPoints as { attributes: Attributes; value: unknown }[]).map((p) => {
          let value = p.value;
          if (metric.dataPointType === DataPointType.HISTOGRAM && TIMINGS.has(metric.descriptor.name)) value = (value as { count: number }).count;
          return [key(p.attributes), value];
        }),
      );
      const { descriptor, aggregationTemporality, dataPointType } = metric;
      return [descriptor.name, { descriptor, aggregationTemporality, dataPointType, isMonotonic: (metric as { isMonotonic?: boolean }).isMonotonic, points }];
    }),
  );
}

async function runOnce(aggregation: Aggregation, calls: (client: InstanceType<typeof OpenAI>) => Promise<unknown> = workload) {
  const { h, client } = await harness(aggregation);
  await calls(client);
  const metrics = await h.collect();
  await h.shutdown();
  await sim!.close();
  return metrics;
}

describe('internal aggregation = sdk aggregation', () => {
  it('gives the same metrics, attribute sets and values for the same calls', async () => {
    const viaSdk = await runOnce('sdk');
    const viaOwn = await runOnce('internal');
    // The workload reached every recorded metric and the observed ones.
    const seen = viaSdk.filter((x) => x.dataPoints.length > 0).map((x) => x.descriptor.name);
    expect(new Set(seen)).toEqual(new Set(Object.values(METRICS).map((d) => d.name)));
    // The simulator's port differs between the runs: compare without it.
    const strip = (ms: MetricData[]) =>
      ms.map((x) => ({ ...x, dataPoints: x.dataPoints.map((p) => ({ ...p, attributes: { ...p.attributes, [ATTR_SERVER_PORT]: 0 } })) }) as MetricData);
    expect(normalize(strip(viaOwn))).toEqual(normalize(strip(viaSdk)));
    // Start and end times are real times, in order.
    for (const metric of viaOwn) {
      for (const p of metric.dataPoints) {
        const start = p.startTime[0] * 1e9 + p.startTime[1];
        const end = p.endTime[0] * 1e9 + p.endTime[1];
        expect(start).toBeLessThanOrEqual(end);
        expect(Math.abs(end / 1e6 - Date.now())).toBeLessThan(60_000);
      }
    }
  });

  it('leaves out the metrics nothing was recorded on, as the SDK does', async () => {
    const oneCall = (client: InstanceType<typeof OpenAI>) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: m });
    const names = (ms: MetricData[]) => ms.map((x) => x.descriptor.name).sort();
    const viaOwn = names(await runOnce('internal', oneCall));
    expect(viaOwn).not.toContain(METRICS.retries.name);
    expect(viaOwn).toContain(METRICS.duration.name);
    expect(viaOwn).toEqual(names(await runOnce('sdk', oneCall)));
  });

  it('records no SDK instrument: the metrics come from the producer alone', async () => {
    const { h, client } = await harness('internal');
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m });
    const { resourceMetrics } = await h.reader.collect();
    expect(resourceMetrics.scopeMetrics.map((s) => s.scope.name)).toEqual(['@genai-meter/instrumentation-openai']);
    const names = resourceMetrics.scopeMetrics[0]!.metrics.map((x) => x.descriptor.name);
    expect(names.length).toBe(new Set(names).size);
  });

  it('uses the sdk-metrics enum values', () => {
    expect([CUMULATIVE, DELTA]).toEqual([AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA]);
    expect([DataPointType.HISTOGRAM, DataPointType.GAUGE, DataPointType.SUM]).toEqual([0, 2, 3]);
    expect(InstrumentType.OBSERVABLE_UP_DOWN_COUNTER).toBe('OBSERVABLE_UP_DOWN_COUNTER');
  });
});

describe('internal aggregation', () => {
  it('delta: each collection reports what was recorded since the last one, and nothing when nothing was', async () => {
    const { h, client } = await harness('internal', {}, { temporality: AggregationTemporality.DELTA });
    const tokens = async () => (await h.collect()).find((x) => x.descriptor.name === METRICS.tokenUsage.name) as HistogramMetricData | undefined;
    const call = (prompt: number) => client.chat.completions.create({ model: 'gpt-4o-mini', messages: m }, { headers: { 'x-sim-usage': `prompt=${prompt},completion=5` } });
    await call(100);
    await call(300);
    const first = where((await tokens())!.dataPoints, { 'gen_ai.token.type': 'input' });
    expect(first.map((p) => [p.value.count, p.value.sum, p.value.min])).toEqual([[2, 400, undefined]]);
    // Nothing new: the metric is left out, as the SDK does.
    expect(await tokens()).toBeUndefined();
    await call(50);
    const third = (await tokens())!;
    expect(third.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    const input = where(third.dataPoints, { 'gen_ai.token.type': 'input' });
    expect(input.map((p) => [p.value.count, p.value.sum, sum(p.value.buckets.counts)])).toEqual([[1, 50, 1]]);
    // A delta point starts where this attribute set's previous point ended.
    expect(input[0]!.startTime).toEqual(first[0]!.endTime);
    // In-flight stays cumulative.
    const active = (await h.collect()).find((x) => x.descriptor.name === METRICS.activeRequests.name)!;
    expect(active.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
  });

  it('folds attribute sets past the cardinality limit into otel.metric.overflow, as the SDK does', async () => {
    const models = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
    const durations = async (aggregation: Aggregation) => {
      const { h, client } = await harness(aggregation, { pricing: false, cardinalityLimit: 4 }, {
        views: [{ instrumentName: METRICS.duration.name, aggregationCardinalityLimit: 4 }],
      });
      for (const model of models) await client.chat.completions.create({ model, messages: m });
      const points = await h.histogram(METRICS.duration.name);
      await h.shutdown();
      await sim!.close();
      return points.map((p) => [p.attributes[ATTR_GEN_AI_REQUEST_MODEL] ?? JSON.stringify(p.attributes), p.count]);
    };
    const own = await durations('internal');
    expect(own).toEqual([['m1', 1], ['m2', 1], ['m3', 1], ['{"otel.metric.overflow":true}', 4]]);
    expect(own).toEqual(await durations('sdk'));
  });

  it('applies allowAttributes and dropAttributes once per attribute set, merging what becomes equal', async () => {
    const { h, client } = await harness('internal', { dropAttributes: [ATTR_GEN_AI_REQUEST_MODEL, 'gen_ai.response.model', 'openai.response.service_tier', ATTR_SERVER_PORT] });
    for (const model of ['a-model', 'b-model']) await client.chat.completions.create({ model, messages: m });
    const d = await h.histogram(METRICS.duration.name);
    expect(d.map((p) => p.count)).toEqual([2]);
    expect(Object.keys(d[0]!.attributes).sort()).toEqual(['gen_ai.operation.name', 'gen_ai.provider.name', 'server.address']);
    const active = await h.points(METRICS.activeRequests.name);
    expect(active).toEqual([{ attributes: d[0]!.attributes, value: 0 }]);
  });

  it('a producer needs the internal aggregation; after a switch back to the SDK it reports nothing', async () => {
    const { h, client } = await harness('sdk');
    expect(() => h.instrumentation.createMetricProducer()).toThrow(/aggregation: 'internal'/);
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), aggregation: 'internal' });
    const producer = h.instrumentation.createMetricProducer();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m });
    const own = (await producer.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    expect(own.find((x) => x.descriptor.name === METRICS.duration.name)?.dataPoints.length).toBe(1);
    h.instrumentation.setConfig({ ...h.instrumentation.getConfig(), aggregation: 'sdk' });
    expect((await producer.collect()).resourceMetrics.scopeMetrics).toEqual([]);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: m });
    expect(sum((await h.histogram(METRICS.duration.name)).map((p) => p.count))).toBe(1);
  });
});
