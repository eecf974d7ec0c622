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

export interface CollectorInstance {
  proc: RunningProcess;
  /** host:port of the OTLP gRPC receiver. */
  otlpGrpc: string;
  /** http://host:port of the OTLP HTTP receiver (append /v1/metrics). */
  otlpHttpUrl: string;
  /** http://host:port/metrics of the prometheus exporter (sidecar only). */
  prometheusUrl: string;
  /** http://host:port/metrics of the collector's own telemetry. */
  telemetryUrl: string;
  healthUrl: string;
  stop(): Promise<void>;
}

export interface StartCollectorOptions {
  /** Extra OTELCOL_* settings, e.g. { OTELCOL_REMOTE_WRITE_URL: 'http://127.0.0.1:9090/api/v1/write' }. */
  env?: Record<string, string>;
}

/**
 * Starts the collector with `config` (several files are merged in order, later ones override), every
 * listener on its own free 127.0.0.1 port; resolves when health_check reports ready.
 */
export async function startCollector(config: string | readonly string[], options: StartCollectorOptions = {}): Promise<CollectorInstance> {
  const [grpc, http, prom, health, telemetry] = await freePorts(5);
  const env: Record<string, string> = {
    OTELCOL_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    OTELCOL_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    OTELCOL_PROMETHEUS_ENDPOINT: `127.0.0.1:${prom}`,
    OTELCOL_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
    OTELCOL_TELEMETRY_HOST: '127.0.0.1',
    OTELCOL_TELEMETRY_PORT: String(telemetry),
    ...options.env,
  };
  const healthUrl = `http://127.0.0.1:${health}/`;
  const configs = typeof config === 'string' ? [config] : config;
  const proc = await startProcess(findTool('otelcol'), configs.map((c) => `--config=${c}`), {
    name: 'otelcol',
    env: { ...process.env, ...env },
    readyUrl: healthUrl,
  });
  return {
    proc,
    otlpGrpc: `127.0.0.1:${grpc}`,
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    prometheusUrl: `http://127.0.0.1:${prom}/metrics`,
    telemetryUrl: `http://127.0.0.1:${telemetry}/metrics`,
    healthUrl,
    stop: () => proc.stop(),
  };
}
