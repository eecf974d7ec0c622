// A real Prometheus (the binary on PATH or PROMETHEUS_BIN) loads the generated config and rules,
// scrapes an app that exposes exporter-prometheus names (no unit suffix) with the resource labels
// @genai-meter/node adds, and a bare exporter without them, and must store both under the canonical
// names, service_name kept from the app or else filled from the job, with recording rules on top.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles, PATHS, recordNames, renderPrometheusConfig, settings, type MixinSettings } from '../src/index.js';
import { findTool } from './tools.js';

// What @genai-meter/node's exporter-prometheus 0.301 serves for one chat call (abridged to the series the
// test reads): the resource's service.name and deployment.environment.name and the instrumentation scope
// are labels on every series.
const APP_METRICS = `# TYPE gen_ai_client_operation_duration histogram
gen_ai_client_operation_duration_bucket{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="0.64"} 0
gen_ai_client_operation_duration_bucket{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="1.28"} 1
gen_ai_client_operation_duration_bucket{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="+Inf"} 1
gen_ai_client_operation_duration_sum{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 0.9
gen_ai_client_operation_duration_count{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 1
# TYPE gen_ai_usage_cost histogram
gen_ai_usage_cost_bucket{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="0.5"} 1
gen_ai_usage_cost_bucket{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="+Inf"} 1
gen_ai_usage_cost_sum{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 0.00042
gen_ai_usage_cost_count{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 1
# TYPE genai_meter_client_retries_total counter
genai_meter_client_retries_total{service_name="checkout",deployment_environment_name="staging",otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 0
`;

// An exporter-prometheus set up without resource labels (an app's own SDK): service_name comes from the job.
const BARE_METRICS = `# TYPE genai_meter_client_retries_total counter
genai_meter_client_retries_total{otel_scope_name="@genai-meter/instrumentation-openai",otel_scope_version="0.1.0",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} 0
`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function query(base: string, promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('Prometheus with the generated config', () => {
  const prometheusBin = findTool('prometheus');
  let app: Server;
  let bare: Server;
  let prom: ChildProcess | undefined;
  let dir: string;
  let base: string;
  let promLog = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'genai-mixin-prom-'));
    app = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(APP_METRICS);
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as { port: number }).port;
    bare = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(BARE_METRICS);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const barePort = (bare.address() as { port: number }).port;
    const promPort = await freePort();
    // The shipped settings at 1 s intervals, the exact steps waiting 2 s for a scrape to land (not a minute).
    const testSettings: MixinSettings = { ...settings, scrapeInterval: '1s', evaluationInterval: '1s', ingestionDelay: '2s' };
    const generated = generateFiles(testSettings);
    const ruleFiles = [PATHS.recordingRules, PATHS.budgetRules, PATHS.alertRules].map((p) => {
      const file = join(dir, p.split('/').pop()!);
      writeFileSync(file, generated[p]!);
      return file;
    });
    const config = renderPrometheusConfig(
      testSettings,
      {
        collectorTarget: '127.0.0.1:1', // nothing listens: the job is simply down
        appJobs: [
          { job: 'demo-app', targets: [`127.0.0.1:${appPort}`] },
          { job: 'bare-app', targets: [`127.0.0.1:${barePort}`] },
        ],
        alertmanagerTarget: '127.0.0.1:1',
        selfTarget: `127.0.0.1:${promPort}`,
        ruleFiles,
      },
    );
    writeFileSync(join(dir, 'prometheus.yml'), config);
    prom = spawn(
      prometheusBin,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
    base = `http://127.0.0.1:${promPort}`;
    await until('Prometheus ready', async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined));
  });

  afterAll(async () => {
    if (prom && prom.exitCode === null) {
      prom.kill('SIGTERM');
      await new Promise((r) => prom!.once('exit', r));
    }
    await new Promise((r) => app?.close(r));
    await new Promise((r) => bare?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the app\'s series under the canonical names, keeping the app\'s own service_name and environment', async () => {
    const names = await until('scraped series', async () => {
      const res = await fetch(`${base}/api/v1/label/__name__/values?match[]=${encodeURIComponent('{job="demo-app"}')}`);
      const body = (await res.json()) as { data: string[] };
      return body.data.includes('gen_ai_usage_cost_USD_count') ? body.data : undefined;
    });
    expect(names.filter((n) => n.startsWith('gen_ai') || n.startsWith('genai')).sort()).toEqual([
      'gen_ai_client_operation_duration_seconds_bucket',
      'gen_ai_client_operation_duration_seconds_count',
      'gen_ai_client_operation_duration_seconds_sum',
      'gen_ai_usage_cost_USD_bucket',
      'gen_ai_usage_cost_USD_count',
      'gen_ai_usage_cost_USD_sum',
      'genai_meter_client_retries_total',
    ]);
    const count = await query(base, 'gen_ai_client_operation_duration_seconds_count');
    expect(count).toHaveLength(1);
    expect(count[0]!.metric).toEqual({
      __name__: 'gen_ai_client_operation_duration_seconds_count',
      job: 'demo-app',
      instance: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      service_name: 'checkout', // the app's, not the job's
      deployment_environment_name: 'staging',
      gen_ai_operation_name: 'chat',
      gen_ai_provider_name: 'openai',
      gen_ai_request_model: 'gpt-4o-mini',
      otel_scope_name: '@genai-meter/instrumentation-openai',
      otel_scope_version: '0.1.0',
    });
    expect(count[0]!.value[1]).toBe('1');
  }, 60_000);

  it('fills service_name from the job only for series that have none', async () => {
    const retries = await until('both apps scraped', async () => {
      const r = await query(base, 'genai_meter_client_retries_total');
      return r.length === 2 ? r : undefined;
    });
    expect(retries.map((r) => [r.metric.job, r.metric.service_name, r.metric.deployment_environment_name ?? null]).sort()).toEqual([
      ['bare-app', 'bare-app', null],
      ['demo-app', 'checkout', 'staging'],
    ]);
    // A target label never competes with the app's own: nothing is renamed to exported_*.
    const labels = (await (await fetch(`${base}/api/v1/labels`)).json()) as { data: string[] };
    expect(labels.data.filter((l) => l.startsWith('exported_'))).toEqual([]);
  }, 60_000);

  it('loads every rule group and evaluates recording rules on the scraped series', async () => {
    const n = recordNames(settings);
    const up = await until('telemetry up rule', async () => {
      const r = await query(base, n.telemetryUp);
      return r.length ? r : undefined;
    });
    // Every recording level keeps the environment next to the service.
    expect(up.map((s) => [s.metric, s.value[1]])).toEqual([[{ __name__: n.telemetryUp, service_name: 'checkout', deployment_environment_name: 'staging' }, '1']]);
    // The app's one call was in its series' first sample: counted, exactly once, by the exact per-step
    // increments (increase() would show 0), and its cost with it.
    const calls = await until('calls counted', async () => {
      const r = await query(base, n.calls['5m']!);
      return r.length ? r : undefined;
    });
    expect(calls.map((s) => [s.metric.service_name, s.metric.deployment_environment_name, s.value[1]])).toEqual([['checkout', 'staging', '1']]);
    const today = await until('spend today', async () => {
      const r = await query(base, n.serviceCostToday);
      return r.length ? r : undefined;
    });
    expect(today.map((s) => s.value[1])).toEqual(['0.00042']);
    const rules = (await (await fetch(`${base}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { health: string }[] }[] } };
    const unhealthy = rules.data.groups.flatMap((g) => g.rules.filter((r) => r.health === 'err').map(() => g.name));
    expect(rules.data.groups.map((g) => g.name).sort()).toEqual(
      ['genai-meter.alerts', 'genai-meter.budgets', 'genai-meter.capacity', 'genai-meter.cost', 'genai-meter.latency', 'genai-meter.presence', 'genai-meter.requests', 'genai-meter.stack', 'genai-meter.tokens'].sort(),
    );
    expect(unhealthy).toEqual([]);
    expect(promLog).not.toMatch(/level=error.*rule/i);
  }, 60_000);
});
