// Durability of the collector tier with real processes: SDKs (cumulative, the OTel default) export every
// round through gateway-router.yaml and gateway.yaml into Prometheus by remote write while the store hangs
// (writes time out, and it stores them late), the store is killed, the gateway is killed with a backlog on
// disk, the router is killed with a backlog on disk, and all three come back. Every point of every series
// must then be in Prometheus exactly once, in order (values 1..N, no reset), and the same for the
// sidecar's remote-write path. Every kill is SIGKILL: no shutdown hook runs, as with an OOM kill.
//
// The defaults retry every 30 s at most and give a write 30 s; OTELCOL_RETRY_MAX_INTERVAL=1s and
// OTELCOL_REMOTE_WRITE_TIMEOUT=2s shorten the test's outages to seconds. What the defaults tolerate is in
// docs/collector-gateway.md#durability.

import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '@genai-meter/instrumentation-openai/semconv';
import { collectorEndpoints, SIDECAR_REMOTE_WRITE, startCollector, startGatewayTier, STORE_CONFIG, type CollectorInstance } from '../support/collector.js';
import { startPrometheus, type PrometheusInstance } from '../support/prometheus.js';
import { findTool, httpGet, startProcess, stopAll, waitFor, type RunningProcess } from '../support/tools.js';

const FAST_RETRY = { OTELCOL_RETRY_MAX_INTERVAL: '1s', OTELCOL_REMOTE_WRITE_TIMEOUT: '2s' };
const ROUND_MS = 300;

/** A store (with the out-of-order window the docs ask for) that can be SIGKILLed and started again with the same TSDB and port. */
interface Store {
  url: string;
  /** SIGSTOP: connections are accepted, nothing is answered; SIGCONT processes what piled up. */
  hang(): void;
  resume(): void;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function startStore(): Promise<Store> {
  const prom = await startPrometheus({ remoteWriteReceiver: true, config: STORE_CONFIG });
  const args = prom.proc.child.spawnargs.slice(1);
  let proc: RunningProcess = prom.proc;
  return {
    url: prom.url,
    hang: () => process.kill(proc.pid, 'SIGSTOP'),
    resume: () => process.kill(proc.pid, 'SIGCONT'),
    async kill() {
      const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
      process.kill(-proc.pid, 'SIGKILL');
      await exited;
    },
    async restart() {
      proc = await startProcess(findTool('prometheus'), args, { name: 'prometheus', readyUrl: `${prom.url}/-/ready` });
    },
    async stop() {
      await proc.stop();
      await prom.stop(); // removes the TSDB directory
    },
  };
}

/** One SDK per service instance, cumulative, exporting on demand: round n leaves the counter at n. */
function services(names: readonly string[], otlpHttpUrl: string) {
  return names.map((name) => {
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': name, 'service.instance.id': `${name}-0`, 'deployment.environment.name': 'production' }),
      readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${otlpHttpUrl}/v1/metrics` }), exportIntervalMillis: 3_600_000 })],
    });
    const meter = provider.getMeter('@genai-meter/instrumentation-openai', '0.1.0');
    const calls = meter.createCounter(METRICS.unpricedCalls.name, { unit: METRICS.unpricedCalls.unit });
    const duration = meter.createHistogram(METRICS.duration.name, { unit: METRICS.duration.unit, advice: { explicitBucketBoundaries: [...METRICS.duration.buckets] } });
    return { name, provider, calls, duration };
  });
}

type Fleet = ReturnType<typeof services>;

/** Rounds of one call per service, each exported at once (a fresh timestamp per round). */
async function rounds(fleet: Fleet, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    for (const s of fleet) {
      s.calls.add(1, { 'gen_ai.provider.name': 'openai' });
      s.duration.record(1.5, { 'gen_ai.provider.name': 'openai' });
    }
    await Promise.all(fleet.map((s) => s.provider.forceFlush()));
    await new Promise((r) => setTimeout(r, ROUND_MS));
  }
}

/** Every sample Prometheus holds for `selector` over the last 10 minutes, per job, in time order. */
async function samples(url: string, selector: string): Promise<Map<string, number[]>> {
  const { body } = await httpGet(`${url}/api/v1/query?query=${encodeURIComponent(`${selector}[10m]`)}`);
  const parsed = JSON.parse(body) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  return new Map(parsed.data.result.map((r) => [r.metric.job!, r.values.map(([, v]) => Number(v))]));
}

/** Waits until every service has exactly 1..total on the counter and the histogram count, and returns what was found. */
async function expectEveryPoint(url: string, fleet: Fleet, total: number): Promise<void> {
  const want = Array.from({ length: total }, (_, i) => i + 1);
  const check = async (): Promise<Record<string, Record<string, number[]>>> => {
    const out: Record<string, Record<string, number[]>> = {};
    for (const metric of ['genai_meter_client_unpriced_calls_total', 'gen_ai_client_operation_duration_seconds_count']) {
      const got = await samples(url, metric);
      for (const s of fleet) (out[s.name] ??= {})[metric] = got.get(s.name) ?? [];
    }
    return out;
  };
  const done = await waitFor(
    async () => {
      const got = await check();
      return Object.values(got).every((m) => Object.values(m).every((v) => v.length >= total)) && got;
    },
    { what: `${total} points of every series`, timeoutMs: 60_000 },
  ).catch(async (error: Error) => {
    // Show what is there before failing: which points are missing or out of place.
    console.log(`collector-durability: ${JSON.stringify(await check())}`);
    throw error;
  });
  const expected = Object.fromEntries(fleet.map((s) => [s.name, { genai_meter_client_unpriced_calls_total: want, gen_ai_client_operation_duration_seconds_count: want }]));
  expect(done).toEqual(expected);
}

/** Log lines of a queue giving up on a batch (a permanent error from the next hop, or a full queue). */
function droppedBatches(log: string): string[] {
  return log.split('\n').filter((line) => /Dropping data|dropped_items/.test(line));
}

describe('collector durability: SIGKILL and store outages lose nothing', () => {
  let tmp: string;
  const stores: Store[] = [];
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'genai-meter-durability-'));
  });

  afterAll(async () => {
    for (const f of fleets) await Promise.all(f.map((s) => s.provider.shutdown().catch(() => undefined)));
    await stopAll();
    for (const s of stores) await s.stop();
    await rm(tmp, { recursive: true, force: true });
  });

  it('router -> gateway -> remote write: store hung and down, gateway and router killed with backlogs, every point arrives once and in order', async () => {
    const store = await startStore();
    stores.push(store);
    const tier = await startGatewayTier({ dir: tmp, remoteWriteUrls: [`${store.url}/api/v1/write`], env: FAST_RETRY });
    const fleet = services(['search', 'checkout', 'support-bot', 'summarizer'], tier.router.otlpHttpUrl);
    fleets.push(fleet);
    const t = Date.now();
    const log = (what: string): void => console.log(`collector-durability: ${((Date.now() - t) / 1000).toFixed(1)} s ${what}`);

    // Every collector process of the run, the killed ones too: none may have given up on a batch.
    const processes = [tier.router, tier.gateways[0]!];
    await rounds(fleet, 4); // 1-4: normal
    store.hang();
    await rounds(fleet, 6); // 5-10: writes time out and are retried, the hung store still holds the first copies
    await new Promise((r) => setTimeout(r, 3_000));
    store.resume();
    log('store hung for 5 s and resumed (it stores the timed-out copies, then the retries)');
    await rounds(fleet, 2); // 11-12
    await store.kill();
    log('store killed');
    await rounds(fleet, 6); // 13-18: the gateway spools, its retries fail
    await tier.gateways[0]!.kill();
    log('gateway killed (its queue holds rounds 13-18)');
    await rounds(fleet, 4); // 19-22: the router queues, its retries fail
    await tier.router.kill();
    await tier.restartRouter();
    processes.push(tier.router);
    log('router killed and restarted (its queue holds rounds 19-22)');
    await rounds(fleet, 3); // 23-25: queued behind the router's backlog
    await tier.restartGateway(0);
    processes.push(tier.gateways[0]!);
    log('gateway restarted');
    await rounds(fleet, 3); // 26-28: the gateway spools behind its backlog
    await store.restart();
    log('store restarted');
    await rounds(fleet, 4); // 29-32: normal again
    await expectEveryPoint(store.url, fleet, 32);
    log('every point in the store');
    // A re-sent batch the store refused (out of order) would be dropped even when an earlier copy had made it.
    expect(processes.flatMap((p) => droppedBatches(p.proc.output()))).toEqual([]);
  });

  it('sidecar remote write: store down and the sidecar killed with a backlog, every point arrives once and in order', async () => {
    const store = await startStore();
    stores.push(store);
    const endpoints = await collectorEndpoints(tmp);
    const start = (): Promise<CollectorInstance> =>
      startCollector(SIDECAR_REMOTE_WRITE, { endpoints, env: { ...FAST_RETRY, OTELCOL_REMOTE_WRITE_URL: `${store.url}/api/v1/write` } });
    let sidecar = await start();
    const fleet = services(['checkout-api'], sidecar.otlpHttpUrl);
    fleets.push(fleet);

    await rounds(fleet, 3); // 1-3
    await store.kill();
    await rounds(fleet, 5); // 4-8: spooled
    const killed = sidecar;
    await sidecar.kill();
    sidecar = await start();
    await rounds(fleet, 3); // 9-11: spooled behind the backlog
    await store.restart();
    await rounds(fleet, 3); // 12-14
    await expectEveryPoint(store.url, fleet, 14);
    expect([...droppedBatches(killed.proc.output()), ...droppedBatches(sidecar.proc.output())]).toEqual([]);
  });
});
