// The genai-meter OpenTelemetry Collector for tests: run otel-collector/*.yaml on free loopback ports.
// The configs read every address from OTELCOL_* environment variables, so no file is rewritten.

import { findTool, freePorts, startProcess, runTool, REPO_ROOT, type RunningProcess, type RunResult } from './tools.js';

/** Absolute path of a config under otel-collector/, e.g. collectorConfig('sidecar'). */
export function collectorConfig(name: 'sidecar' | 'gateway' | 'gateway-router'): string {
  return `${REPO_ROOT}otel-collector/${name}.yaml`;
}

/** `otelcol validate --config <file>` with the given environment. */
export function validateCollectorConfig(configPath: string, env: Record<string, string> = {}): Promise<RunResult> {
  return runTool(findTool('otelcol'), ['validate', `--config=${configPath}`], { env: { ...process.env, ...env } });
}

/** Where one collector listens: a free 127.0.0.1 port per listener, and the OTELCOL_* variables that say so. */
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
}

/** Picks the ports once; pass the result to several startCollector calls to restart on the same ports. */
export async function collectorEndpoints(): Promise<CollectorEndpoints> {
  const [grpc, http, prom, health, telemetry] = await freePorts(5);
  return {
    env: {
      OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
      OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
      OTELCOL_PROMETHEUS_ENDPOINT: `127.0.0.1:${prom}`,
      OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
      OTELCOL_TELEMETRY_HOST: '127.0.0.1',
      OTELCOL_TELEMETRY_PORT: String(telemetry),
    },
    otlpGrpc: `127.0.0.1:${grpc}`,
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    prometheusTarget: `127.0.0.1:${prom}`,
    prometheusUrl: `http://127.0.0.1:${prom}/metrics`,
    telemetryUrl: `http://127.0.0.1:${telemetry}/metrics`,
    healthUrl: `http://127.0.0.1:${health}/`,
  };
}

export interface CollectorInstance extends Omit<CollectorEndpoints, 'env'> {
  proc: RunningProcess;
  stop(): Promise<void>;
}

export interface StartCollectorOptions {
  /** Extra OTELCOL_* settings, e.g. { OTELCOL_REMOTE_WRITE_URL: 'http://127.0.0.1:9090/api/v1/write' }. */
  env?: Record<string, string>;
  /** Listen on these (from collectorEndpoints()) instead of fresh free ports: a restart on the same ports. */
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
  return { ...endpoints, proc, stop: () => proc.stop() };
}
