// Load test of the gateway tier with the shipped configs (TLS, token, persistent queues on): many
// services, each its own OpenTelemetry JS SDK (MeterProvider, cumulative, OTLP http/protobuf) recording
// genai-meter's instruments as METRICS defines them, export through gateway-router.yaml into gateway.yaml
// replicas that remote-write into one Prometheus (a stand-in for Mimir / Thanos / VictoriaMetrics). It
// reports throughput (OTLP points/s in, Prometheus samples/s stored), CPU and memory of every process, the
// collectors' own refusal/failure counters, and the end-to-end count: every sample every SDK export
// carried must be in Prometheus.
//
//   bash scripts/with-node.sh npx tsx tests/pipeline/collector-load.ts --services 200 --interval 1000 --duration 120 [--outage 60]
//
// Figures from this machine are in docs/collector-gateway.md#measured. collector-load.test.ts runs a short
// version in `npm test`.

import type { Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { METRICS } from '@genai-meter/instrumentation-openai/semconv';
import { RecordingExporter, startGatewayTier, STORE_CONFIG, type CollectorInstance } from '../support/collector.js';
import { parseExposition, promQuery, startPrometheus, type PrometheusInstance } from '../support/prometheus.js';
import { httpGet, stopAll, waitFor } from '../support/tools.js';

export interface LoadOptions {
  /** Simulated services, one SDK each (one app instance per service). */
  services: number;
  /** Models each service calls (each multiplies its series). */
  modelsPerService: number;
  /** SDK export interval. Production uses 60 s; a shorter one stands for proportionally more services. */
  intervalMs: number;
  /** Calls each service makes per interval. */
  callsPerInterval: number;
  gateways: number;
  /** Not measured: SDKs start, series are born, queues settle. */
  warmupS: number;
  /** The measured window. */
  durationS: number;
  /** After the window, the store hangs (SIGSTOP) this long under the same load, then resumes: the gateways queue and catch up. 0: no outage. */
  outageS?: number;
}

export const DEFAULT_LOAD: LoadOptions = { services: 200, modelsPerService: 3, intervalMs: 1_000, callsPerInterval: 4, gateways: 2, warmupS: 20, durationS: 120 };

export interface ProcessFigures {
  name: string;
  /** CPU over the measured window, % of one core. */
  cpuPercent: number;
  rssMiB: number;
  /** Highest RSS since the process started (VmHWM). */
  peakRssMiB: number;
}

export interface LoadResult {
  options: LoadOptions;
  /** OTLP data points per second the router accepted. */
  otlpPointsPerS: number;
  /** Samples per second Prometheus appended (histogram points become bucket, sum and count samples). */
  samplesPerS: number;
  /** Series Prometheus held at the end. */
  series: number;
  processes: ProcessFigures[];
  /** Points the tier refused to a sender (the router to the SDKs, a gateway to the router: both retry). */
  refused: number;
  /** Points a queue gave up on (rejected by the next hop as invalid) or could not take (full): lost. */
  dropped: number;
  /** Remote-write attempts that failed and went back to the spool (a store outage shows here). */
  remoteWriteRetried: number;
  sdkExportFailures: number;
  /** The end-to-end count on one histogram: samples the SDK exports carried, and samples Prometheus has. */
  expectedSamples: number;
  foundSamples: number;
  /** Seconds from the last export until the store had everything. */
  drainS: number;
  /** With outageS: the gateways' queued bytes when the store came back, and seconds until their queues were empty again. */
  outage?: { backlogBytes: number; backlogPoints: number; catchUpS: number };
}

const MODELS = [
  { model: 'gpt-4o-mini', operation: 'chat', provider: 'openai', streaming: true },
  { model: 'gpt-4.1', operation: 'chat', provider: 'openai', streaming: true },
  { model: 'o4-mini', operation: 'chat', provider: 'openai', streaming: false },
  { model: 'text-embedding-3-small', operation: 'embeddings', provider: 'openai', streaming: false },
  { model: 'deepseek-chat', operation: 'chat', provider: 'deepseek', streaming: true },
  { model: 'gemini-2.5-flash', operation: 'chat', provider: 'gcp.gemini', streaming: true },
];
const OUTCOMES = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'rate_limit', 'timeout'] as const;

interface SimulatedService {
  name: string;
  provider: MeterProvider;
  exporter: RecordingExporter;
  /** Records one interval's calls. */
  tick(): void;
}

function simulatedService(index: number, options: LoadOptions, url: string): SimulatedService {
  const name = `svc-${String(index).padStart(3, '0')}`;
  const exporter = new RecordingExporter(new OTLPMetricExporter({ url }));
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': name,
      'service.namespace': 'load',
      'service.instance.id': `${name}-0`,
      'deployment.environment.name': 'production',
      'host.name': `node-${index % 20}`,
    }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: options.intervalMs })],
  });
  const meter = provider.getMeter('@genai-meter/instrumentation-openai', '0.1.0');
  const histogram = (d: { name: string; unit: string; buckets: readonly number[] }) => meter.createHistogram(d.name, { unit: d.unit, advice: { explicitBucketBoundaries: [...d.buckets] } });
  const duration = histogram(METRICS.duration);
  const tokens = histogram(METRICS.tokenUsage);
  const cost = histogram(METRICS.cost);
  const ttfc = histogram(METRICS.timeToFirstChunk);
  const perChunk = histogram(METRICS.timePerOutputChunk);
  const details = meter.createCounter(METRICS.tokenDetails.name, { unit: METRICS.tokenDetails.unit });
  const active = meter.createUpDownCounter(METRICS.activeRequests.name, { unit: METRICS.activeRequests.unit });
  const remaining = meter.createGauge(METRICS.rateLimitRemaining.name, { unit: METRICS.rateLimitRemaining.unit });
  const models = Array.from({ length: options.modelsPerService }, (_, m) => MODELS[(index + m) % MODELS.length]!);
  let call = 0;
  const record = (outcome: string | undefined, m = models[call % models.length]!): void => {
    call++;
    const base: Attributes = { 'gen_ai.operation.name': m.operation, 'gen_ai.provider.name': m.provider, 'gen_ai.request.model': m.model };
    const where: Attributes = { ...base, 'server.address': 'api.example.com', 'server.port': 443 };
    active.add(1, base);
    active.add(-1, base);
    const seconds = 0.3 + ((call * 7919) % 300) / 10; // 0.3-30 s, spread over the buckets
    if (outcome) {
      duration.record(seconds / 10, { ...where, 'error.type': outcome });
      return;
    }
    const ok = { ...where, 'gen_ai.response.model': m.model };
    duration.record(seconds, ok);
    const input = 200 + ((call * 104729) % 4000);
    tokens.record(input, { ...ok, 'gen_ai.token.type': 'input' });
    if (m.operation === 'chat') {
      const output = 50 + ((call * 1299709) % 800);
      tokens.record(output, { ...ok, 'gen_ai.token.type': 'output' });
      details.add(Math.floor(input / 4), { ...ok, 'gen_ai.token.type': 'input', 'genai_meter.token.detail': 'cache_read' });
      if (m.streaming) {
        ttfc.record(seconds / 20, ok);
        perChunk.record(0.02 + (call % 10) / 1000, ok);
      }
    }
    cost.record(input * 1.5e-7, ok);
    remaining.record(10_000 - (call % 10_000), { 'gen_ai.provider.name': m.provider, 'gen_ai.request.model': m.model, 'server.address': 'api.example.com', 'genai_meter.rate_limit.type': 'requests' });
  };
  // Every attribute set is born before the first export, so every export carries every series.
  for (const m of models) for (const outcome of new Set(OUTCOMES)) record(outcome, m);
  return {
    name,
    provider,
    exporter,
    tick() {
      for (let c = 0; c < options.callsPerInterval; c++) record(OUTCOMES[(call + c) % OUTCOMES.length]);
    },
  };
}

/** CPU ticks (user + system) and RSS of a process, from /proc. */
function procStats(pid: number): { ticks: number; rssKiB: number; hwmKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { ticks: Number(fields[11]) + Number(fields[12]), rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}
const TICKS_PER_S = 100; // _SC_CLK_TCK on Linux

/** Sum of a collector (or Prometheus) counter over all label sets matching `labels`, read from its /metrics. */
async function counter(url: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const samples = parseExposition((await httpGet(url)).body);
  return samples
    .filter((s) => (s.name === name || s.name === `${name}_total`) && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

export async function runLoad(options: LoadOptions, log: (line: string) => void = console.log): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'genai-meter-load-'));
  let prom: PrometheusInstance | undefined;
  const fleet: SimulatedService[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    prom = await startPrometheus({ remoteWriteReceiver: true, config: STORE_CONFIG });
    const store = prom;
    const tier = await startGatewayTier({ dir, remoteWriteUrls: Array.from({ length: options.gateways }, () => `${store.url}/api/v1/write`) });
    const collectors = (): [string, CollectorInstance][] => [['router', tier.router], ...tier.gateways.map((g, i): [string, CollectorInstance] => [`gateway ${i + 1}`, g])];
    log(`load: ${options.services} services x ${options.modelsPerService} models, export every ${options.intervalMs} ms, ${options.gateways} gateways`);

    // Services start spread over one interval, as independently started apps would.
    for (let i = 0; i < options.services; i++) {
      const s = simulatedService(i, options, `${tier.router.otlpHttpUrl}/v1/metrics`);
      fleet.push(s);
      timers.push(setInterval(() => s.tick(), options.intervalMs));
      await new Promise((r) => setTimeout(r, options.intervalMs / options.services));
    }
    await new Promise((r) => setTimeout(r, options.warmupS * 1_000));

    // The distinct errors and warnings the collectors logged, without timestamps and resource.
    const logErrors = (): void => {
      for (const [n, c] of collectors()) {
        const lines = c.proc.output().split('\n').filter((l) => /\t(error|warn)\t/.test(l));
        const distinct = new Set(lines.map((l) => l.split('\t').slice(1).join(' ').replace(/\{"resource": \{[^}]*\}, /, '{').replace(/"(retry_attempt|interval)": [^,}]+, /g, '').slice(0, 700)));
        for (const e of [...distinct].slice(0, 8)) log(`load: ${n} logged: ${e}`);
      }
    };
    const processes = (): [string, number][] => [...collectors().map(([n, c]): [string, number] => [n, c.proc.pid]), ['prometheus', store.proc.pid]];
    const snapshot = async () => ({
      at: Date.now(),
      cpu: Object.fromEntries(processes().map(([n, pid]) => [n, procStats(pid).ticks])),
      self: process.cpuUsage(),
      accepted: await counter(tier.router.telemetryUrl, 'otelcol_receiver_accepted_metric_points', { receiver: 'otlp' }),
      appended: await counter(`${store.url}/metrics`, 'prometheus_tsdb_head_samples_appended'),
    });
    const a = await snapshot();
    await new Promise((r) => setTimeout(r, options.durationS * 1_000));
    const b = await snapshot();
    const seconds = (b.at - a.at) / 1_000;
    const figures: ProcessFigures[] = processes().map(([name, pid]) => {
      const now = procStats(pid);
      return { name, cpuPercent: ((b.cpu[name]! - a.cpu[name]!) / TICKS_PER_S / seconds) * 100, rssMiB: now.rssKiB / 1024, peakRssMiB: now.hwmKiB / 1024 };
    });
    const selfCpu = (b.self.user - a.self.user + b.self.system - a.self.system) / 1e6;
    figures.push({ name: `SDKs (${options.services}, one Node process)`, cpuPercent: (selfCpu / seconds) * 100, rssMiB: process.memoryUsage().rss / 2 ** 20, peakRssMiB: NaN });

    let outage: LoadResult['outage'];
    if (options.outageS) {
      const spool = { exporter: 'otlp_grpc/spool' };
      const queued = async (): Promise<number> => (await Promise.all(tier.gateways.map((g) => counter(g.telemetryUrl, 'otelcol_exporter_queue_size', spool)))).reduce((x, y) => x + y, 0);
      const before = await counter(tier.router.telemetryUrl, 'otelcol_receiver_accepted_metric_points', { receiver: 'otlp' });
      process.kill(store.proc.pid, 'SIGSTOP');
      log(`load: store hung for ${options.outageS} s`);
      await new Promise((r) => setTimeout(r, options.outageS! * 1_000));
      const backlogBytes = await queued();
      const backlogPoints = (await counter(tier.router.telemetryUrl, 'otelcol_receiver_accepted_metric_points', { receiver: 'otlp' })) - before;
      process.kill(store.proc.pid, 'SIGCONT');
      const resumed = Date.now();
      // A live batch or two is always in the queue; caught up means back to what one flush holds.
      let lastLog = 0;
      await waitFor(
        async () => {
          const bytes = await queued();
          if (Date.now() - lastLog >= 10_000) {
            lastLog = Date.now();
            const written = await Promise.all(tier.gateways.map((g) => counter(g.telemetryUrl, 'otelcol_exporter_sent_metric_points', { exporter: 'prometheus_remote_write' })));
            const failed = await Promise.all(tier.gateways.map((g) => counter(g.telemetryUrl, 'otelcol_exporter_send_failed_metric_points', { exporter: 'prometheus_remote_write' })));
            log(`load: ${((Date.now() - resumed) / 1000).toFixed(0)} s after the store came back: ${(bytes / 2 ** 20).toFixed(1)} MiB queued, remote write sent ${written.join('/')} failed ${failed.join('/')} points`);
          }
          return bytes < backlogBytes / 100;
        },
        { what: 'the gateways to catch up', timeoutMs: options.outageS * 10_000, intervalMs: 1_000 },
      );
      outage = { backlogBytes, backlogPoints, catchUpS: (Date.now() - resumed) / 1_000 };
      log(`load: caught up ${outage.catchUpS} s after the store came back`);
    }

    // Stop calling; each SDK exports once more at shutdown. Then everything must arrive.
    for (const t of timers) clearInterval(t);
    await Promise.all(fleet.map((s) => s.provider.shutdown()));
    const lastExport = Date.now();
    const metric = 'gen_ai_client_operation_duration_seconds_count';
    const perJob = await waitFor(
      async () => {
        const series = new Map((await promQuery(store.url, `count by (job) (last_over_time(${metric}[1h]))`)).map((r) => [r.metric.job!, r.value]));
        const [found] = await promQuery(store.url, `sum(count_over_time(${metric}[1h]))`);
        const expected = fleet.reduce((n, s) => n + s.exporter.count().ok * (series.get(`load/${s.name}`) ?? NaN), 0);
        return found?.value === expected && { expected, found: found.value };
      },
      { what: 'every exported sample in Prometheus', timeoutMs: 120_000, intervalMs: 1_000 },
    ).catch(async () => {
      logErrors();
      const series = new Map((await promQuery(store.url, `count by (job) (last_over_time(${metric}[1h]))`)).map((r) => [r.metric.job!, r.value]));
      const found = new Map((await promQuery(store.url, `sum by (job) (count_over_time(${metric}[1h]))`)).map((r) => [r.metric.job!, r.value]));
      for (const s of fleet.slice(0, 5)) log(`load: ${s.name}: exports ok ${s.exporter.count().ok}, series ${series.get(`load/${s.name}`)}, samples ${found.get(`load/${s.name}`)}`);
      return { expected: NaN, found: [...found.values()].reduce((a, b) => a + b, 0) };
    });
    const drainS = (Date.now() - lastExport) / 1_000;

    let refused = 0;
    let dropped = 0;
    let remoteWriteRetried = 0;
    for (const [, c] of collectors()) {
      refused += await counter(c.telemetryUrl, 'otelcol_receiver_refused_metric_points', { receiver: 'otlp' });
      for (const exporter of ['load_balancing', 'otlp_grpc/spool']) {
        dropped += await counter(c.telemetryUrl, 'otelcol_exporter_send_failed_metric_points', { exporter });
        dropped += await counter(c.telemetryUrl, 'otelcol_exporter_enqueue_failed_metric_points', { exporter });
      }
      remoteWriteRetried += await counter(c.telemetryUrl, 'otelcol_exporter_send_failed_metric_points', { exporter: 'prometheus_remote_write' });
    }
    if (dropped > 0) logErrors();
    const series = await counter(`${store.url}/metrics`, 'prometheus_tsdb_head_series');
    return {
      options,
      otlpPointsPerS: (b.accepted - a.accepted) / seconds,
      samplesPerS: (b.appended - a.appended) / seconds,
      series,
      processes: figures,
      refused,
      dropped,
      remoteWriteRetried,
      sdkExportFailures: fleet.reduce((n, s) => n + s.exporter.count().failed, 0),
      expectedSamples: perJob.expected,
      foundSamples: perJob.found,
      drainS,
      outage,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    await stopAll();
    await prom?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The result as the Markdown rows docs/collector-gateway.md shows. */
export function formatLoad(r: LoadResult): string {
  const o = r.options;
  const lines = [
    `${o.services} services x ${o.modelsPerService} models, export every ${o.intervalMs / 1000} s, ${o.callsPerInterval} calls per service per interval, ${o.gateways} gateways, ${o.durationS} s measured`,
    `throughput: ${Math.round(r.otlpPointsPerS)} OTLP points/s in, ${Math.round(r.samplesPerS)} samples/s stored, ${r.series} series`,
    `end to end: ${r.foundSamples} of ${r.expectedSamples} samples of ${'gen_ai_client_operation_duration_seconds_count'} stored, drained ${r.drainS.toFixed(1)} s after the last export`,
    `points refused to senders (retried) ${r.refused}, dropped by a queue ${r.dropped}, remote-write attempts retried ${r.remoteWriteRetried}, SDK exports failed ${r.sdkExportFailures}`,
    '',
    '| process | CPU (% of one core) | RSS (MiB) | peak RSS (MiB) |',
    '| --- | ---: | ---: | ---: |',
    ...r.processes.map((p) => `| ${p.name} | ${p.cpuPercent.toFixed(1)} | ${p.rssMiB.toFixed(0)} | ${Number.isNaN(p.peakRssMiB) ? '' : p.peakRssMiB.toFixed(0)} |`),
  ];
  if (r.outage) {
    const { backlogBytes, backlogPoints, catchUpS } = r.outage;
    lines.push('', `store outage of ${o.outageS} s under load: ${backlogPoints} points (${(backlogBytes / 2 ** 20).toFixed(1)} MiB, ${(backlogBytes / backlogPoints).toFixed(0)} bytes/point) queued, caught up ${catchUpS.toFixed(0)} s after the store came back`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      services: { type: 'string' },
      models: { type: 'string' },
      interval: { type: 'string' },
      calls: { type: 'string' },
      gateways: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      outage: { type: 'string' },
    },
  });
  const num = (v: string | undefined, d: number): number => (v === undefined ? d : Number(v));
  const options: LoadOptions = {
    services: num(values.services, DEFAULT_LOAD.services),
    modelsPerService: num(values.models, DEFAULT_LOAD.modelsPerService),
    intervalMs: num(values.interval, DEFAULT_LOAD.intervalMs),
    callsPerInterval: num(values.calls, DEFAULT_LOAD.callsPerInterval),
    gateways: num(values.gateways, DEFAULT_LOAD.gateways),
    warmupS: num(values.warmup, DEFAULT_LOAD.warmupS),
    durationS: num(values.duration, DEFAULT_LOAD.durationS),
    outageS: num(values.outage, 0),
  };
  const result = await runLoad(options);
  console.log(formatLoad(result));
  console.log(JSON.stringify(result));
  process.exit(result.foundSamples === result.expectedSamples ? 0 : 1);
}
