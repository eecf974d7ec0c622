// The gateway path with real processes and the shipped defaults: SDK (delta temporality) ->
// gateway-router.yaml (load_balancing, routing_key: resource) -TLS + bearer token-> two gateway.yaml
// replicas (delta_to_cumulative) -> one Prometheus each via remote write. Proves that the router reaches
// the gateways over TLS with the token, that every stream of a resource lands on one gateway (never split),
// that delta exports become correct cumulative series with the sidecar path's names and labels plus the
// cluster the router detected, and that a gateway refuses a plaintext sender and one without the token.

import { credentials as grpcCredentials, Metadata } from '@grpc/grpc-js';
import { OTLPMetricExporter as OTLPGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '@genai-meter/instrumentation-openai/semconv';
import { RecordingExporter, startGatewayTier, type GatewayTier } from '../support/collector.js';
import { promQuery, startPrometheus, type PrometheusInstance } from '../support/prometheus.js';
import { stopAll, waitFor } from '../support/tools.js';

const SERVICES = ['search', 'checkout', 'support-bot', 'summarizer', 'translator', 'classifier', 'embedder', 'router'];
const CLUSTER = 'eu-west-1a';

describe('gateway tier: TLS and token, load-balanced by resource, delta to cumulative, remote write', () => {
  const stores: PrometheusInstance[] = [];
  let tier: GatewayTier;
  let tmp: string;

  beforeAll(async () => {
    const t = Date.now();
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-gateway-'));
    for (let i = 0; i < 2; i++) stores.push(await startPrometheus({ remoteWriteReceiver: true }));
    tier = await startGatewayTier({
      dir: tmp,
      remoteWriteUrls: stores.map((s) => `${s.url}/api/v1/write`),
      // The cluster these collectors run in, as the docs say to set it (resource_detection, env detector).
      env: { OTEL_RESOURCE_ATTRIBUTES: `k8s.cluster.name=${CLUSTER}` },
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
          url: `${tier.router.otlpHttpUrl}/v1/metrics`,
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
      // More metric names, so that routing by metric name (the wrong key) would split a resource.
      const others = [METRICS.tokenUsage, METRICS.cost, METRICS.timeToFirstChunk].map((d) => meter.createHistogram(d.name, { unit: d.unit }));
      const retries = meter.createCounter(METRICS.retries.name, { unit: METRICS.retries.unit });
      return { provider, duration, unpriced, others, retries };
    });
    const attrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
    for (const calls of [3, 4]) {
      for (const p of providers) {
        for (let c = 0; c < calls; c++) {
          p.duration.record(0.5, attrs);
          p.unpriced.add(1, attrs);
          for (const h of p.others) h.record(1, attrs);
          p.retries.add(1, attrs);
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

    // Same names and label sets as the sidecar path (collector-sidecar.test.ts), plus the cluster.
    const store = stores[home.get('checkout')!]!;
    const [one] = await promQuery(store.url, 'genai_meter_client_unpriced_calls_total{service_name="checkout"}');
    expect(one?.metric).toEqual({
      __name__: 'genai_meter_client_unpriced_calls_total',
      job: 'ai/checkout',
      instance: 'checkout-0',
      service_name: 'checkout',
      service_namespace: 'ai',
      deployment_environment_name: 'staging',
      cluster: CLUSTER,
      otel_scope_name: '@genai-meter/instrumentation-openai',
      otel_scope_version: '0.1.0',
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
    });
    const [info] = await promQuery(store.url, 'target_info{service_name="checkout"} or target_info{job="ai/checkout"}');
    expect(info?.metric).toEqual({
      __name__: 'target_info',
      job: 'ai/checkout',
      instance: 'checkout-0',
      deployment_environment_name: 'staging',
      cluster: CLUSTER,
      k8s_cluster_name: CLUSTER,
    });
  });

  it('refuses a plaintext sender, a sender without the token and one with a wrong token', async () => {
    const gateway = tier.gateways[0]!.otlpGrpc;
    const tls = grpcCredentials.createSsl(tier.credentials.caCert);
    const bearer = (token: string): Metadata => {
      const m = new Metadata();
      m.set('authorization', `Bearer ${token}`);
      return m;
    };
    const senders = {
      plaintext: new OTLPGrpcMetricExporter({ url: `http://${gateway}`, credentials: grpcCredentials.createInsecure(), metadata: bearer(tier.credentials.token) }),
      'TLS, no token': new OTLPGrpcMetricExporter({ url: `https://${gateway}`, credentials: tls }),
      'TLS, wrong token': new OTLPGrpcMetricExporter({ url: `https://${gateway}`, credentials: tls, metadata: bearer('0'.repeat(64)) }),
      'TLS, the token': new OTLPGrpcMetricExporter({ url: `https://${gateway}`, credentials: tls, metadata: bearer(tier.credentials.token) }),
    };
    const outcome: Record<string, string> = {};
    for (const [name, exporter] of Object.entries(senders)) {
      const recording = new RecordingExporter(exporter);
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': `sender-${name.replace(/\W+/g, '-')}`, 'service.instance.id': '0' }),
        readers: [new PeriodicExportingMetricReader({ exporter: recording, exportIntervalMillis: 3_600_000 })],
      });
      provider.getMeter('probe').createCounter(METRICS.unpricedCalls.name).add(1);
      await provider.forceFlush();
      await provider.shutdown();
      const [result] = recording.results;
      outcome[name] = result?.error ? `refused: ${/^\d+ \w+/.exec(result.error.message)?.[0] ?? result.error.message}` : 'accepted';
    }
    expect(outcome).toEqual({
      plaintext: expect.stringMatching(/^refused: 14 UNAVAILABLE/),
      'TLS, no token': 'refused: 16 UNAUTHENTICATED',
      'TLS, wrong token': 'refused: 16 UNAUTHENTICATED',
      // The same gateway takes a sender with the CA and the token: the refusals above are about credentials.
      'TLS, the token': 'accepted',
    });
    await waitFor(async () => (await promQuery(stores[0]!.url, 'genai_meter_client_unpriced_calls_total{job="sender-TLS-the-token"}')).length === 1, {
      what: 'the authenticated sender in the store',
    });
    expect((await promQuery(stores[0]!.url, 'count by (job) ({job=~"sender-.*"})')).map((r) => r.metric.job)).toEqual(['sender-TLS-the-token']);
  });
});
