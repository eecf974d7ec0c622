// The genai-meter OpenTelemetry Collector for tests: run otel-collector/*.yaml on free loopback ports.
// The configs read every address, file and directory from OTELCOL_* environment variables, so no file is
// rewritten; only the router's DNS resolver is swapped for a static list (routerStaticResolver).

import type { ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, freePorts, startProcess, runTool, REPO_ROOT, type RunningProcess, type RunResult } from './tools.js';

export type CollectorConfigName = 'sidecar' | 'sidecar-remote-write' | 'gateway' | 'gateway-router';

/** Absolute path of a config under otel-collector/, e.g. collectorConfig('sidecar'). */
export function collectorConfig(name: CollectorConfigName): string {
  return `${REPO_ROOT}otel-collector/${name}.yaml`;
}

/** The sidecar with its remote-write path instead of the scrape endpoint (the second file overrides the first). */
export const SIDECAR_REMOTE_WRITE: readonly string[] = [collectorConfig('sidecar'), collectorConfig('sidecar-remote-write')];

/**
 * prometheus.yml of a store behind the gateway tier, as docs/collector-gateway.md#durability asks: an
 * out-of-order window, so a batch delivered twice, the second time after newer ones, is taken (Prometheus
 * rejects a whole remote-write request for one out-of-order sample).
 */
export const STORE_CONFIG = 'global:\n  scrape_interval: 15s\nstorage:\n  tsdb:\n    out_of_order_time_window: 30m\n';

/** `otelcol validate --config <file>...` with the given environment. */
export function validateCollectorConfig(config: string | readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  const configs = typeof config === 'string' ? [config] : config;
  return runTool(findTool('otelcol'), ['validate', ...configs.map((c) => `--config=${c}`)], { env: { ...process.env, ...env } });
}

/** Where one collector listens and keeps its queue: a free 127.0.0.1 port per listener, and the OTELCOL_* variables that say so. */
export interface CollectorEndpoints {
  /** OTELCOL_* settings the configs read every address from. */
  env: Record<string, string>;
  /** host:port of the OTLP gRPC receiver. */
  otlpGrpc: string;
  /** http://host:port of the OTLP HTTP receiver (append /v1/metrics). */
  otlpHttpUrl: string;
  /** host:port of the prometheus exporter (sidecar only), as a scrape target. */
  prometheusTarget: string;
  /** http://host:port/metrics of the prometheus exporter. */
  prometheusUrl: string;
  /** http://host:port/metrics of the collector's own telemetry. */
  telemetryUrl: string;
  healthUrl: string;
  /** The file_storage directory of the persistent queues; the collector creates it when its config has a queue. */
  storageDir: string;
}

/**
 * Picks the ports and the queue directory once; pass the result to several startCollector calls to restart
 * with the same ones. The queue directory goes below `storageRoot`: pass a directory the test removes
 * when the config keeps a queue (gateway, router, sidecar-remote-write); the sidecar alone writes nothing.
 */
export async function collectorEndpoints(storageRoot = tmpdir()): Promise<CollectorEndpoints> {
  const [grpc, http, prom, health, telemetry, spool] = await freePorts(6);
  const storageDir = join(storageRoot, `otelcol-queue-${randomBytes(6).toString('hex')}`);
  return {
    env: {
      OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      OTELCOL_PROMETHEUS_ENDPOINT: `127.0.0.1:${prom}`,
      OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
      OTELCOL_TELEMETRY_HOST: '127.0.0.1',
      OTELCOL_TELEMETRY_PORT: String(telemetry),
      OTELCOL_SPOOL_ENDPOINT: `127.0.0.1:${spool}`,
      OTELCOL_STORAGE_DIR: storageDir,
    },
    otlpGrpc: `127.0.0.1:${grpc}`,
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    prometheusTarget: `127.0.0.1:${prom}`,
    prometheusUrl: `http://127.0.0.1:${prom}/metrics`,
    telemetryUrl: `http://127.0.0.1:${telemetry}/metrics`,
    healthUrl: `http://127.0.0.1:${health}/`,
    storageDir,
  };
}

export interface CollectorInstance extends Omit<CollectorEndpoints, 'env'> {
  proc: RunningProcess;
  stop(): Promise<void>;
  /** SIGKILL (no shutdown, no flush: what an OOM kill or a node failure does); resolves once it has exited. */
  kill(): Promise<void>;
}

export interface StartCollectorOptions {
  /** Extra OTELCOL_* settings, e.g. { OTELCOL_REMOTE_WRITE_URL: 'http://127.0.0.1:9090/api/v1/write' }. */
  env?: Record<string, string>;
  /** Listen on these (from collectorEndpoints()) instead of fresh free ports: a restart on the same ports and queue. */
  endpoints?: CollectorEndpoints;
}

/**
 * Starts the collector with `config` (several files are merged in order, later ones override), every
 * listener on its own 127.0.0.1 port; resolves when health_check reports ready.
 */
export async function startCollector(config: string | readonly string[], options: StartCollectorOptions = {}): Promise<CollectorInstance> {
  const { env, ...endpoints } = options.endpoints ?? (await collectorEndpoints());
  const configs = typeof config === 'string' ? [config] : config;
  const proc = await startProcess(findTool('otelcol'), configs.map((c) => `--config=${c}`), {
    name: 'otelcol',
    env: { ...process.env, ...env, ...options.env },
    readyUrl: endpoints.healthUrl,
  });
  return {
    ...endpoints,
    proc,
    stop: () => proc.stop(),
    async kill() {
      if (!proc.exited()) {
        const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
        process.kill(-proc.pid, 'SIGKILL');
        await exited;
      }
      await proc.stop(); // unregisters it
    },
  };
}

/** Lines of a collector log that announce something deprecated (a renamed component, option or default). */
export function deprecationLines(log: string): string[] {
  return log.split('\n').filter((line) => /deprecat/i.test(line));
}

/** What the gateway tier needs to authenticate: a throw-away CA, a gateway certificate, a token, and the OTELCOL_* settings naming them. */
export interface GatewayCredentials {
  /** OTELCOL_TLS_CERT_FILE, _KEY_FILE, _CA_FILE and OTELCOL_AUTH_TOKEN_FILE, for routers and gateways alike. */
  env: Record<string, string>;
  token: string;
  caCert: Buffer;
  /** The name the gateway certificate is for: OTELCOL_GATEWAY_TLS_SERVER_NAME's default. */
  serverName: string;
}

/**
 * Writes a CA, a gateway key and certificate signed by it (for `serverName` and 127.0.0.1) and a token file
 * into `dir`, with openssl. Nothing here is committed: every test run makes its own.
 */
export async function createGatewayCredentials(dir: string, serverName = 'otelcol-gateway-headless'): Promise<GatewayCredentials> {
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    try {
      execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      throw new Error(`openssl ${args[0]} failed (is openssl installed?): ${(error as Error).message}`);
    }
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '1', '-subj', '/CN=genai-meter test CA');
  openssl('req', ...ec, '-keyout', file('tls.key'), '-out', file('tls.csr'), '-subj', `/CN=${serverName}`);
  await writeFile(file('tls.ext'), `subjectAltName=DNS:${serverName},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', file('tls.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('tls.crt'), '-days', '1', '-extfile', file('tls.ext'));
  const token = randomBytes(32).toString('hex');
  await writeFile(file('token'), `${token}\n`, { mode: 0o600 });
  return {
    env: {
      OTELCOL_TLS_CERT_FILE: file('tls.crt'),
      OTELCOL_TLS_KEY_FILE: file('tls.key'),
      OTELCOL_TLS_CA_FILE: file('ca.crt'),
      OTELCOL_AUTH_TOKEN_FILE: file('token'),
    },
    token,
    caCert: await readFile(file('ca.crt')),
    serverName,
  };
}

/**
 * A config overlay for gateway-router.yaml that replaces its DNS resolver with a static list: on one host
 * the gateways differ by port, not by A record. Everything else stays the shipped file.
 */
export async function routerStaticResolver(dir: string, gatewayGrpcEndpoints: readonly string[]): Promise<string> {
  const path = join(dir, `static-resolver-${randomBytes(4).toString('hex')}.yaml`);
  const hostnames = gatewayGrpcEndpoints.map((e) => JSON.stringify(e)).join(', ');
  await writeFile(path, ['exporters:', '  load_balancing:', '    resolver:', '      dns: null', '      static:', `        hostnames: [${hostnames}]`].join('\n'));
  return path;
}

export interface GatewayTierOptions {
  /** Where credentials, the resolver overlay and the queues are written (the caller removes it). */
  dir: string;
  /** One gateway per URL, each remote-writing there. */
  remoteWriteUrls: readonly string[];
  /** Extra OTELCOL_* settings for every collector of the tier (e.g. a short OTELCOL_RETRY_MAX_INTERVAL). */
  env?: Record<string, string>;
}

/** gateway-router.yaml in front of gateway.yaml replicas, TLS and token on, each restartable on its ports and queue. */
export interface GatewayTier {
  credentials: GatewayCredentials;
  router: CollectorInstance;
  gateways: CollectorInstance[];
  /** Starts gateway `i` again with the ports and queue directory it had (after kill() or stop()). */
  restartGateway(i: number): Promise<void>;
  restartRouter(): Promise<void>;
}

export async function startGatewayTier(options: GatewayTierOptions): Promise<GatewayTier> {
  const credentials = await createGatewayCredentials(options.dir);
  const env = { ...credentials.env, ...options.env };
  const gatewayEndpoints = await Promise.all(options.remoteWriteUrls.map(() => collectorEndpoints(options.dir)));
  const startGateway = (i: number): Promise<CollectorInstance> =>
    startCollector(collectorConfig('gateway'), { endpoints: gatewayEndpoints[i], env: { ...env, OTELCOL_REMOTE_WRITE_URL: options.remoteWriteUrls[i]! } });
  const overlay = await routerStaticResolver(options.dir, gatewayEndpoints.map((e) => e.otlpGrpc));
  const routerEndpoints = await collectorEndpoints(options.dir);
  const startRouter = (): Promise<CollectorInstance> => startCollector([collectorConfig('gateway-router'), overlay], { endpoints: routerEndpoints, env });
  const gateways: CollectorInstance[] = [];
  for (let i = 0; i < gatewayEndpoints.length; i++) gateways.push(await startGateway(i));
  const tier: GatewayTier = {
    credentials,
    gateways,
    router: await startRouter(),
    async restartGateway(i) {
      gateways[i] = await startGateway(i);
    },
    async restartRouter() {
      tier.router = await startRouter();
    },
  };
  return tier;
}

/** An SDK metric exporter that passes every export to the real one and keeps what it answered. */
export class RecordingExporter implements PushMetricExporter {
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: PushMetricExporter) {}
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      this.results.push(result);
      done(result);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  /** Exports the receiver accepted / refused so far. */
  count(): { ok: number; failed: number } {
    const failed = this.results.filter((r) => r.error).length;
    return { ok: this.results.length - failed, failed };
  }
}
