// The processes of the end-to-end stack, each on 127.0.0.1 and a free port: the collector (restartable
// on the same ports, so Prometheus' scrape target stays valid), Alertmanager, the traffic app under
// `node --require @genai-meter/node/register`, and an HTTP sink standing in for the webhook and Slack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { collectorConfig, collectorEndpoints, startCollector } from '../support/collector.js';
import { findTool, freePorts, httpGet, REPO_ROOT, startProcess, waitFor, type RunningProcess } from '../support/tools.js';
import type { CallSpec } from './traffic-plan.js';

// ---------------------------------------------------------------- sink

export interface SinkRequest {
  path: string;
  authorization: string | undefined;
  body: string;
  at: number;
}

export interface Sink {
  url: string;
  requests: SinkRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    req.on('error', reject);
  });
}

/** Accepts every POST (200 "ok", as Slack answers) and records it. */
export async function startSink(): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const server: Server = createServer((req, res) => {
    readBody(req).then((body) => {
      requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    }, () => res.writeHead(400).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---------------------------------------------------------------- collector

export interface Collector {
  /** host:port Prometheus scrapes (the prometheus exporter). */
  scrapeTarget: string;
  /** host:port of the collector's own metrics (drops, queues), scraped as the stack's collector job. */
  telemetryTarget: string;
  otlpHttpUrl: string;
  proc(): RunningProcess | undefined;
  start(): Promise<void>;
  /** SIGKILL to its process group; resolves once it has exited. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** otel-collector/sidecar.yaml on fixed free ports, restartable on the same ports. */
export async function createCollector(): Promise<Collector> {
  const endpoints = await collectorEndpoints();
  let current: RunningProcess | undefined;
  const c: Collector = {
    scrapeTarget: endpoints.prometheusTarget,
    telemetryTarget: new URL(endpoints.telemetryUrl).host,
    otlpHttpUrl: endpoints.otlpHttpUrl,
    proc: () => current,
    async start() {
      current = (await startCollector(collectorConfig('sidecar'), { endpoints })).proc;
    },
    async kill() {
      const p = current;
      if (!p || p.exited()) return;
      const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
      process.kill(-p.pid, 'SIGKILL');
      await exited;
      await p.stop(); // unregisters it
    },
    async stop() {
      await current?.stop();
    },
  };
  await c.start();
  return c;
}

// ---------------------------------------------------------------- alertmanager

export interface Alertmanager {
  url: string;
  proc: RunningProcess;
  /** The bearer token the page webhook must carry (from the secrets file). */
  webhookToken: string;
}

/**
 * Alertmanager 0.25 with `config` (rendered with `secretsDir` = `<dir>/secrets`), the secret files
 * written there: the Slack URL points at the sink, the SMTP server at a closed loopback port.
 */
export async function startAlertmanager(dir: string, config: string, sinkUrl: string): Promise<Alertmanager> {
  const secrets = join(dir, 'secrets');
  await mkdir(secrets, { recursive: true });
  const webhookToken = `e2e-token-${process.pid}`;
  await writeFile(join(secrets, 'slack-webhook-url'), `${sinkUrl}/slack`);
  await writeFile(join(secrets, 'smtp-password'), 'unused');
  await writeFile(join(secrets, 'webhook-token'), webhookToken);
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess(
    findTool('alertmanager'),
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=', // no gossip listener (its default is 0.0.0.0:9094)
    ],
    { name: 'alertmanager', readyUrl: `${url}/-/ready` },
  );
  return { url, proc, webhookToken };
}

// ---------------------------------------------------------------- traffic app

export interface TrafficApp {
  metricsUrl: string;
  child: ChildProcess;
  stderr(): string;
  /** Runs the calls concurrently in the app; resolves with callId -> 'ok' | error class name. */
  run(calls: readonly CallSpec[]): Promise<Record<string, string>>;
  exited(): boolean;
  stop(): Promise<void>;
}

export const TRAFFIC_APP = join(REPO_ROOT, 'tests/e2e/fixtures/traffic-app.cjs');

/**
 * `node --require @genai-meter/node/register traffic-app.cjs`, exporting both ways at once:
 * Prometheus on `metricsPort` and OTLP http/protobuf to the collector every second (cumulative).
 * Without `metricsPort` it only exports OTLP, every `exportIntervalMs` and at exit (a short-lived job).
 */
export async function startTrafficApp(opts: {
  baseURL: string;
  metricsPort?: number;
  /** OTEL_METRIC_EXPORT_INTERVAL; 1 s by default. */
  exportIntervalMs?: number;
  otlpHttpUrl: string;
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, e.g. `deployment.environment.name=e2e,service.namespace=genai`. */
  resourceAttributes: string;
}): Promise<TrafficApp> {
  const child = spawn(process.execPath, ['--require', '@genai-meter/node/register', TRAFFIC_APP], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OPENAI_BASE_URL: opts.baseURL,
      OTEL_SERVICE_NAME: opts.serviceName,
      OTEL_RESOURCE_ATTRIBUTES: opts.resourceAttributes,
      ...(opts.metricsPort === undefined
        ? { OTEL_METRICS_EXPORTER: 'otlp' }
        : { OTEL_METRICS_EXPORTER: 'prometheus,otlp', OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1', OTEL_EXPORTER_PROMETHEUS_PORT: String(opts.metricsPort) }),
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${opts.otlpHttpUrl}/v1/metrics`,
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
      OTEL_METRIC_EXPORT_INTERVAL: String(opts.exportIntervalMs ?? 1000),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-200_000)));
  child.stdout?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-200_000)));
  let exited = false;
  const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));

  let seq = 0;
  const pending = new Map<number, (o: Record<string, string>) => void>();
  let ready!: () => void;
  const readyP = new Promise<void>((r) => (ready = r));
  child.on('message', (m: { type: string; id?: number; outcomes?: Record<string, string> }) => {
    if (m.type === 'ready') ready();
    if (m.type === 'done' && m.id !== undefined) pending.get(m.id)?.(m.outcomes ?? {});
  });
  const metricsUrl = `http://127.0.0.1:${opts.metricsPort}/metrics`;
  const app: TrafficApp = {
    metricsUrl,
    child,
    stderr: () => stderr,
    exited: () => exited,
    run(calls) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, resolve);
        child.once('exit', (code) => reject(new Error(`traffic app exited (${code}) during a run:\n${stderr.slice(-4000)}`)));
        child.send({ type: 'run', id, calls });
      });
    },
    async stop() {
      if (exited) return;
      child.send({ type: 'exit' });
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
  try {
    await Promise.race([
      readyP,
      exit.then(() => Promise.reject(new Error(`traffic app exited before it was ready:\n${stderr}`))),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`traffic app not ready in 20 s:\n${stderr}`)), 20_000)),
    ]);
    if (opts.metricsPort !== undefined) await waitFor(async () => (await httpGet(metricsUrl, 1_000)).status === 200, { what: `app /metrics at ${metricsUrl}`, timeoutMs: 10_000 });
  } catch (error) {
    if (!exited) process.kill(-child.pid!, 'SIGKILL');
    throw error;
  }
  return app;
}
