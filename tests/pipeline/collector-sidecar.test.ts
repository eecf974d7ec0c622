// The real collector fed by the real OpenTelemetry JS SDK over OTLP/HTTP protobuf, on both of the
// sidecar's export paths: otel-collector/sidecar.yaml alone (the default: the :8889 scrape endpoint, read
// directly and by a Prometheus scraping it with honor_labels) and with sidecar-remote-write.yaml (remote
// write into Debian's Prometheus, and no scrape endpoint). The expectations below are the canonical
// collector-path Prometheus names and label sets of every genai-meter metric; the collectors run with the
// cluster and namespace in their environment, as in a pod, so the series carry `cluster`.

import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COST_BUCKETS, DURATION_BUCKETS, TOKEN_BUCKETS } from '@genai-meter/instrumentation-openai/semconv';
import { collectorConfig, collectorEndpoints, SIDECAR_REMOTE_WRITE, startCollector, type CollectorInstance } from '../support/collector.js';
import { EXPECTED, recordSampleTraffic, SAMPLE_RESOURCE } from '../support/genai-traffic.js';
import { labelNames, parseExposition, promQuery, startPrometheus, type PrometheusInstance, type Sample } from '../support/prometheus.js';
import { httpGet, stopAll, waitFor } from '../support/tools.js';

// Labels that the collector puts on every genai-meter series: job/instance from service.namespace/
// service.name and service.instance.id, the three promoted resource attributes, the cluster (from
// k8s.cluster.name), the scope.
const COMMON = ['cluster', 'deployment_environment_name', 'instance', 'job', 'otel_scope_name', 'otel_scope_version', 'service_name', 'service_namespace'];
// What a pod's sidecar container gets from the downward API (docs/collector-gateway.md#cluster-identity).
const POD_ENV = { OTEL_RESOURCE_ATTRIBUTES: 'k8s.cluster.name=prod-eu,k8s.namespace.name=shop-ns' };
const CALL = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'server_address', 'server_port'];
const RATE_LIMITED = ['error_type', 'gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'http_response_status_code', 'server_address', 'server_port'];
const RATE_LIMIT_GAUGE = ['gen_ai_provider_name', 'gen_ai_request_model', 'genai_meter_rate_limit_type', 'server_address'];
const sorted = (...lists: string[][]): string => [...new Set(lists.flat())].sort().join(',');

/** series name -> the label-name sets (sorted, comma-joined) it must have, one per distinct attribute shape. */
const EXPECTED_SERIES: Record<string, string[]> = {
  ...Object.fromEntries(
    ['bucket', 'sum', 'count'].map((s) => [
      `gen_ai_client_operation_duration_seconds_${s}`,
      [sorted(COMMON, CALL, s === 'bucket' ? ['le'] : []), sorted(COMMON, RATE_LIMITED, s === 'bucket' ? ['le'] : [])].sort(),
    ]),
  ),
  ...Object.fromEntries(
    ['gen_ai_client_operation_time_to_first_chunk_seconds', 'gen_ai_client_operation_time_per_output_chunk_seconds', 'gen_ai_usage_cost_USD'].flatMap((n) =>
      ['bucket', 'sum', 'count'].map((s) => [`${n}_${s}`, [sorted(COMMON, CALL, s === 'bucket' ? ['le'] : [])]]),
    ),
  ),
  ...Object.fromEntries(
    ['bucket', 'sum', 'count'].map((s) => [`gen_ai_client_token_usage_${s}`, [sorted(COMMON, CALL, ['gen_ai_token_type'], s === 'bucket' ? ['le'] : [])]]),
  ),
  genai_meter_client_active_requests: [sorted(COMMON, ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'])],
  genai_meter_client_retries_total: [sorted(COMMON, ['error_type', 'gen_ai_provider_name', 'gen_ai_request_model'])],
  genai_meter_client_rate_limit_remaining: [sorted(COMMON, RATE_LIMIT_GAUGE)],
  genai_meter_client_rate_limit_limit: [sorted(COMMON, RATE_LIMIT_GAUGE)],
  genai_meter_client_token_details_total: [sorted(COMMON, CALL, ['gen_ai_token_type', 'genai_meter_token_detail'])],
  genai_meter_client_unpriced_calls_total: [sorted(COMMON, ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model'])],
  // Everything else about the resource, never copied onto the series above.
  target_info: ['cluster,deployment_environment_name,host_name,instance,job,k8s_cluster_name,k8s_namespace_name,service_version'],
};

const OURS = /^(gen_ai_|genai_meter_|target_info$)/;

/** name -> sorted distinct label-name sets, ignoring empty-valued labels (Prometheus drops those). */
function shape(series: { name: string; labels: Record<string, string> }[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const s of series) {
    if (!OURS.test(s.name)) continue;
    const names = labelNames(s.labels).filter((k) => s.labels[k] !== '');
    (out[s.name] ??= new Set()).add(names.join(','));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** "name{k=v,...}" -> value, ignoring empty-valued labels; for comparing whole paths. */
function keyed(series: { name: string; labels: Record<string, string> }[], values: number[]): Map<string, number> {
  const m = new Map<string, number>();
  series.forEach((s, idx) => {
    if (!OURS.test(s.name)) return;
    const l = labelNames(s.labels)
      .filter((k) => s.labels[k] !== '')
      .map((k) => `${k}=${s.labels[k]}`)
      .join(',');
    m.set(`${s.name}{${l}}`, values[idx]!);
  });
  return m;
}

/** Collector scrape value of one series picked by name and a label subset. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length !== 1) throw new Error(`${hits.length} samples match ${name} ${JSON.stringify(labels)}`);
  return hits[0]!.value;
}

const QUERY_OURS = '{__name__=~"gen_ai_.+|genai_meter_.+|target_info"}';

describe('collector sidecar with the real OpenTelemetry JS SDK', () => {
  let remoteWriteProm: PrometheusInstance;
  let scrapingProm: PrometheusInstance;
  let collector: CollectorInstance;
  let remoteWriter: CollectorInstance;
  let tmp: string;
  let scraped: Sample[];
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    let t = Date.now();
    remoteWriteProm = await startPrometheus({ remoteWriteReceiver: true });
    collector = await startCollector(collectorConfig('sidecar'), { env: POD_ENV });
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-sidecar-'));
    remoteWriter = await startCollector(SIDECAR_REMOTE_WRITE, {
      endpoints: await collectorEndpoints(tmp),
      env: { ...POD_ENV, OTELCOL_REMOTE_WRITE_URL: `${remoteWriteProm.url}/api/v1/write` },
    });
    const target = new URL(collector.prometheusUrl).host;
    scrapingProm = await startPrometheus({
      config: [
        'global: { scrape_interval: 1s }',
        'scrape_configs:',
        '  - job_name: otel-collector',
        '    honor_labels: true',
        `    static_configs: [{ targets: ["${target}"] }]`,
      ].join('\n'),
    });
    timings.startProcessesMs = Date.now() - t;

    t = Date.now();
    // The same recorded traffic, exported once to each sidecar.
    const readers = [collector, remoteWriter].map(
      (c) =>
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `${c.otlpHttpUrl}/v1/metrics` }),
          exportIntervalMillis: 3_600_000, // export only on forceFlush
        }),
    );
    const provider = new MeterProvider({ resource: resourceFromAttributes(SAMPLE_RESOURCE), readers });
    recordSampleTraffic(provider.getMeter('@genai-meter/instrumentation-openai', '0.1.0'));
    await provider.forceFlush();
    await provider.shutdown();

    const text = await waitFor(
      async () => {
        const { body } = await httpGet(collector.prometheusUrl);
        return body.includes('genai_meter_client_unpriced_calls_total') && body;
      },
      { what: 'genai-meter series on the collector scrape endpoint' },
    );
    scraped = parseExposition(text);
    timings.otlpToScrapeMs = Date.now() - t;
    console.log(`collector-sidecar timings: ${JSON.stringify(timings)}`);
  });

  afterAll(async () => {
    await stopAll();
    // startPrometheus also made temp dirs; stopAll ended the processes, this removes the dirs.
    await Promise.all([remoteWriteProm?.stop(), scrapingProm?.stop()]);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('exposes exactly the canonical series names and label sets on :8889', () => {
    expect(shape(scraped)).toEqual(EXPECTED_SERIES);
  });

  it('enables one export path: the default sidecar does not remote-write, the remote-write one serves no scrape endpoint', async () => {
    const exporters = async (c: CollectorInstance): Promise<string[]> => {
      const own = parseExposition((await httpGet(c.telemetryUrl)).body).filter((s) => /^otelcol_exporter_sent_metric_points(_total)?$/.test(s.name) && s.value > 0);
      return [...new Set(own.map((s) => s.labels.exporter!))].sort();
    };
    await waitFor(async () => (await exporters(remoteWriter)).includes('prometheus_remote_write'), { what: 'the remote-write sidecar sending' });
    expect(await exporters(collector)).toEqual(['debug', 'prometheus']);
    expect(await exporters(remoteWriter)).toEqual(['debug', 'otlp_grpc/spool', 'prometheus_remote_write']);
    await expect(httpGet(remoteWriter.prometheusUrl, 1_000)).rejects.toThrow();
  });

  it('maps the resource to job/instance and promotes only service.name, service.namespace, deployment.environment.name and the cluster', () => {
    const s = scraped.find((x) => x.name === 'genai_meter_client_retries_total')!;
    expect(s.labels).toEqual({
      job: 'shop/checkout-api',
      instance: 'checkout-api-7d9f-1',
      service_name: 'checkout-api',
      service_namespace: 'shop',
      deployment_environment_name: 'production',
      cluster: 'prod-eu',
      otel_scope_name: '@genai-meter/instrumentation-openai',
      otel_scope_version: '0.1.0',
      otel_scope_schema_url: '',
      error_type: 'rate_limit',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
    });
    // The pod's identity from the collector's environment; the host name the app sent wins over the detected one.
    expect(scraped.filter((x) => x.name === 'target_info').map((x) => x.labels)).toEqual([
      {
        cluster: 'prod-eu',
        deployment_environment_name: 'production',
        host_name: 'node-a',
        instance: 'checkout-api-7d9f-1',
        job: 'shop/checkout-api',
        k8s_cluster_name: 'prod-eu',
        k8s_namespace_name: 'shop-ns',
        service_version: '1.4.2',
      },
    ]);
  });

  it('carries the recorded values and the semconv bucket boundaries', () => {
    const ok = { gen_ai_response_model: 'gpt-4o-mini-2024-07-18' };
    expect(value(scraped, 'gen_ai_client_operation_duration_seconds_count', ok)).toBe(EXPECTED.durationOk.count);
    expect(value(scraped, 'gen_ai_client_operation_duration_seconds_sum', ok)).toBeCloseTo(EXPECTED.durationOk.sum, 12);
    expect(value(scraped, 'gen_ai_client_operation_duration_seconds_bucket', { ...ok, le: '1.28' })).toBe(1);
    expect(value(scraped, 'gen_ai_client_operation_duration_seconds_bucket', { ...ok, le: '2.56' })).toBe(2);
    expect(value(scraped, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'rate_limit' })).toBe(1);
    expect(value(scraped, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'input' })).toBe(EXPECTED.inputTokens.sum);
    expect(value(scraped, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: 'output' })).toBe(EXPECTED.outputTokens.sum);
    expect(value(scraped, 'gen_ai_client_token_usage_bucket', { gen_ai_token_type: 'input', le: '1024' })).toBe(1);
    expect(value(scraped, 'gen_ai_client_operation_time_to_first_chunk_seconds_sum')).toBeCloseTo(EXPECTED.timeToFirstChunk.sum, 12);
    expect(value(scraped, 'gen_ai_client_operation_time_per_output_chunk_seconds_count')).toBe(EXPECTED.timePerOutputChunk.count);
    expect(value(scraped, 'gen_ai_usage_cost_USD_sum')).toBeCloseTo(EXPECTED.cost.sum, 12);
    expect(value(scraped, 'gen_ai_usage_cost_USD_bucket', { le: '0.0001' })).toBe(0);
    expect(value(scraped, 'gen_ai_usage_cost_USD_bucket', { le: '0.0005' })).toBe(2);
    expect(value(scraped, 'genai_meter_client_active_requests')).toBe(EXPECTED.activeRequests);
    expect(value(scraped, 'genai_meter_client_retries_total')).toBe(EXPECTED.retries);
    expect(value(scraped, 'genai_meter_client_rate_limit_remaining', { genai_meter_rate_limit_type: 'tokens' })).toBe(EXPECTED.rateLimitRemaining.tokens);
    expect(value(scraped, 'genai_meter_client_rate_limit_limit', { genai_meter_rate_limit_type: 'requests' })).toBe(EXPECTED.rateLimitLimit.requests);
    expect(value(scraped, 'genai_meter_client_token_details_total', { genai_meter_token_detail: 'cache_read' })).toBe(EXPECTED.tokenDetails.cache_read);
    expect(value(scraped, 'genai_meter_client_unpriced_calls_total')).toBe(EXPECTED.unpricedCalls);

    const les = (name: string): string[] => scraped.filter((s) => s.name === name && s.labels.gen_ai_token_type !== 'output' && !s.labels.error_type).map((s) => s.labels.le!);
    expect(les('gen_ai_client_operation_duration_seconds_bucket')).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
    expect(les('gen_ai_usage_cost_USD_bucket')).toEqual([...COST_BUCKETS.map(String), '+Inf']);
    // Surprise worth knowing: the collector's scrape endpoint prints boundaries >= 1e6 in exponent form,
    // while remote write (and the JS exporter) print them plainly; see the remote-write test below.
    expect(les('gen_ai_client_token_usage_bucket')).toEqual([
      ...TOKEN_BUCKETS.map((b) => (b >= 1e6 ? b.toExponential().replace(/e\+(\d)$/, 'e+0$1') : String(b))),
      '+Inf',
    ]);
  });

  it('remote-writes the same series, names and labels to Prometheus, queryable through its HTTP API', async () => {
    const result = await waitFor(
      async () => {
        const r = await promQuery(remoteWriteProm.url, QUERY_OURS);
        return r.some((s) => s.metric.__name__ === 'genai_meter_client_unpriced_calls_total') && r;
      },
      { what: 'remote-written series in Prometheus' },
    );
    const series = result.map((r) => ({ name: r.metric.__name__!, labels: r.metric }));
    expect(shape(series)).toEqual(EXPECTED_SERIES);

    // Same values as the scrape endpoint, series by series, except the big token boundaries' spelling.
    const fromScrape = keyed(scraped, scraped.map((s) => s.value));
    const fromRemoteWrite = keyed(series, result.map((r) => r.value));
    const respell = (k: string): string => k.replace(/le=(\d\.\d+e\+\d+)/, (_, n: string) => `le=${Number(n)}`);
    expect(new Map([...fromScrape].map(([k, v]) => [respell(k), v]))).toEqual(fromRemoteWrite);
    expect([...fromRemoteWrite.keys()].filter((k) => k.includes('le=67108864'))).toHaveLength(2);

    const [cost] = await promQuery(remoteWriteProm.url, 'sum(gen_ai_usage_cost_USD_sum{service_name="checkout-api",deployment_environment_name="production"})');
    expect(cost?.value).toBeCloseTo(EXPECTED.cost.sum, 12);
    const [p50] = await promQuery(remoteWriteProm.url, 'histogram_quantile(0.5, sum by (le) (gen_ai_client_operation_duration_seconds_bucket{error_type=""}))');
    expect(p50?.value).toBeCloseTo(1.28, 9); // 1 of 2 observations in (0.64, 1.28]: the median is the bucket's upper bound
  });

  it('gives a Prometheus that scrapes :8889 with honor_labels the same series as remote write', async () => {
    const result = await waitFor(
      async () => {
        const r = await promQuery(scrapingProm.url, QUERY_OURS);
        return r.some((s) => s.metric.__name__ === 'genai_meter_client_unpriced_calls_total') && r;
      },
      { what: 'scraped series in Prometheus' },
    );
    const series = result.map((r) => ({ name: r.metric.__name__!, labels: r.metric }));
    expect(shape(series)).toEqual(EXPECTED_SERIES);
    const [up] = await promQuery(scrapingProm.url, 'up');
    expect(up?.metric).toEqual({ __name__: 'up', job: 'otel-collector', instance: new URL(collector.prometheusUrl).host });
    // Prometheus 2.42 stores `le` as exposed, so the big token boundaries differ in spelling from remote write.
    const les = result.filter((r) => r.metric.__name__ === 'gen_ai_client_token_usage_bucket' && r.metric.gen_ai_token_type === 'input').map((r) => r.metric.le);
    expect(les).toContain('6.7108864e+07');
    expect(les).not.toContain('67108864');
  });

  // Runs last: it adds a second service to the collector.
  it('fills deployment.environment.name from the pre-1.27 deployment.environment; detected identity never overrides what the app sent', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${collector.otlpHttpUrl}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      // Its own cluster name (the collector's environment says prod-eu) and no host name.
      resource: resourceFromAttributes({ 'service.name': 'legacy-app', 'service.instance.id': 'legacy-1', 'deployment.environment': 'staging', 'k8s.cluster.name': 'us-east' }),
      readers: [reader],
    });
    provider.getMeter('@genai-meter/instrumentation-openai', '0.1.0').createCounter('genai_meter.client.unpriced_calls', { unit: '{call}' }).add(3, { 'gen_ai.provider.name': 'openai' });
    await provider.shutdown();
    const legacy = await waitFor(
      async () => {
        const all = parseExposition((await httpGet(collector.prometheusUrl)).body).filter((s) => s.labels.job === 'legacy-app');
        return all.length > 0 && all;
      },
      { what: 'legacy-app series' },
    );
    expect(legacy.map((s) => s.name).sort()).toEqual(['genai_meter_client_unpriced_calls_total', 'target_info']);
    expect(legacy.find((s) => s.name === 'genai_meter_client_unpriced_calls_total')).toEqual({
      name: 'genai_meter_client_unpriced_calls_total',
      value: 3,
      labels: {
        job: 'legacy-app',
        instance: 'legacy-1',
        service_name: 'legacy-app',
        deployment_environment_name: 'staging',
        cluster: 'us-east',
        gen_ai_provider_name: 'openai',
        otel_scope_name: '@genai-meter/instrumentation-openai',
        otel_scope_version: '0.1.0',
        otel_scope_schema_url: '',
      },
    });
    expect(legacy.find((s) => s.name === 'target_info')?.labels).toEqual({
      job: 'legacy-app',
      instance: 'legacy-1',
      deployment_environment: 'staging',
      deployment_environment_name: 'staging',
      cluster: 'us-east',
      k8s_cluster_name: 'us-east',
      k8s_namespace_name: 'shop-ns',
      host_name: hostname(), // the system detector, since the app sent none
    });
  });
});
