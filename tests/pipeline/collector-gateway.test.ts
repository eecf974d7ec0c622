// The gateway path with real processes: SDK (delta temporality) -> gateway-router.yaml (load_balancing,
// routing_key: resource) -> two gateway.yaml replicas (delta_to_cumulative) -> one Prometheus each via
// remote write. Proves that every stream of a resource lands on one gateway (never split), that delta
// exports become correct cumulative series, and that names and labels equal the sidecar path's.

import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../packages/instrumentation-openai/src/semconv.js';
import { collectorConfig, startCollector, type CollectorInstance } from '../support/collector.js';
import { promQuery, startPrometheus, type PrometheusInstance } from '../support/prometheus.js';
import { freePorts, stopAll, waitFor } from '../support/tools.js';

const SERVICES = ['search', 'checkout', 'support-bot', 'summarizer', 'translator', 'classifier', 'embedder', 'router'];

describe('gateway: load-balanced by resource, delta to cumulative, remote write', () => {
  const stores: PrometheusInstance[] = [];
  const gateways: CollectorInstance[] = [];
  let router: CollectorInstance;
  let tmp: string;

  beforeAll(async () => {
    const t = Date.now();
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-gateway-'));
    for (let i = 0; i < 2; i++) stores.push(await startPrometheus({ remoteWriteReceiver: true }));
    const gatewayGrpcPorts = await freePorts(2);
    for (let i = 0; i < 2; i++) {
      gateways.push(
        await startCollector(collectorConfig('gateway'), {
          env: {
            OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${gatewayGrpcPorts[i]}`,
            OTELCOL_REMOTE_WRITE_URL: `${stores[i]!.url}/api/v1/write`,
          },
        }),
      );
    }
    // The shipped router finds gateways by DNS (a headless Service); on one host they differ by port,
    // so this test swaps in the static resolver. Everything else is the shipped file.
    const override = join(tmp, 'static-resolver.yaml');
    await writeFile(
      override,
      [
        'exporters:',
        '  load_balancing:',
        '    resolver:',
        '      dns: null',
        '      static:',
        `        hostnames: [${gatewayGrpcPorts.map((p) => `"127.0.0.1:${p}"`).join(', ')}]`,
      ].join('\n'),
    );
    router = await startCollector([collectorConfig('gateway-router'), override], {
      env: { OTELCOL_GATEWAY_INSECURE: 'true' },
    });
    console.log(`collector-gateway: 5 processes ready in ${Date.now() - t} ms`);
  });

  afterAll(async () => {
    await stopAll();
    await Promise.all(stores.map((s) => s.stop()));
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('keeps each resource on one gateway and accumulates delta exports', async () => {
    // One SDK per service instance, exporting with delta temporality: two exports of 3 and 4 calls.
    const providers = SERVICES.map((service) => {
      const reader = new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: `${router.otlpHttpUrl}/v1/metrics`,
          temporalityPreference: AggregationTemporality.DELTA,
        }),
        exportIntervalMillis: 3_600_000,
      });
      const provider = new MeterProvider({
        resource: resourceFromAttributes({
          'service.name': service,
          'service.namespace': 'ai',
          'service.instance.id': `${service}-0`,
          'deployment.environment.name': 'staging',
        }),
        readers: [reader],
      });
      const meter = provider.getMeter('@genai-meter/instrumentation-openai', '0.1.0');
      const duration = meter.createHistogram(METRICS.duration.name, {
        unit: METRICS.duration.unit,
        advice: { explicitBucketBoundaries: [...METRICS.duration.buckets] },
      });
      const unpriced = meter.createCounter(METRICS.unpricedCalls.name, { unit: METRICS.unpricedCalls.unit });
      return { provider, duration, unpriced };
    });
    const attrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
    for (const calls of [3, 4]) {
      for (const p of providers) {
        for (let c = 0; c < calls; c++) {
          p.duration.record(0.5, attrs);
          p.unpriced.add(1, attrs);
        }
      }
      await Promise.all(providers.map((p) => p.provider.forceFlush()));
      // Let the first export reach the gateways before the second, as periodic exports would.
      if (calls === 3) {
        await waitFor(
          async () => {
            const counts = await Promise.all(stores.map((s) => promQuery(s.url, 'count(genai_meter_client_unpriced_calls_total)')));
            return counts.reduce((n, r) => n + (r[0]?.value ?? 0), 0) === SERVICES.length;
          },
          { what: 'first delta export in the stores' },
        );
      }
    }
    await Promise.all(providers.map((p) => p.provider.shutdown()));

    const totals = await waitFor(
      async () => {
        const per = await Promise.all(stores.map((s) => promQuery(s.url, 'genai_meter_client_unpriced_calls_total')));
        const all = per.flat();
        return all.length === SERVICES.length && all.every((r) => r.value === 7) && per;
      },
      { what: 'cumulative totals of 7 per service', timeoutMs: 20_000 },
    );

    const home = new Map<string, number>(); // service -> index of the store that has it
    totals.forEach((results, i) => results.forEach((r) => home.set(r.metric.service_name!, i)));
    expect([...home.keys()].sort()).toEqual([...SERVICES].sort());
    console.log(`collector-gateway: services per gateway ${JSON.stringify([0, 1].map((i) => [...home].filter(([, g]) => g === i).map(([s]) => s)))}`);

    for (const [service, i] of home) {
      const other = stores[1 - i]!;
      // Nothing of this resource reached the other gateway: not one series of any metric.
      expect(await promQuery(other.url, `{service_name="${service}"}`)).toEqual([]);
      const [count] = await promQuery(stores[i]!.url, `gen_ai_client_operation_duration_seconds_count{service_name="${service}"}`);
      expect(count?.value).toBe(7);
      const [sum] = await promQuery(stores[i]!.url, `gen_ai_client_operation_duration_seconds_sum{service_name="${service}"}`);
      expect(sum?.value).toBeCloseTo(3.5, 12);
    }

    // Same names and label sets as the sidecar path (collector-sidecar.test.ts).
    const [one] = await promQuery(stores[home.get('checkout')!]!.url, 'genai_meter_client_unpriced_calls_total{service_name="checkout"}');
    expect(one?.metric).toEqual({
      __name__: 'genai_meter_client_unpriced_calls_total',
      job: 'ai/checkout',
      instance: 'checkout-0',
      service_name: 'checkout',
      service_namespace: 'ai',
      deployment_environment_name: 'staging',
      otel_scope_name: '@genai-meter/instrumentation-openai',
      otel_scope_version: '0.1.0',
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
    });
  });
});
