// Metric readers for the chosen exporters. Exporter packages are loaded only when chosen (the gRPC one
// brings @grpc/grpc-js), synchronously through require so that the register entry stays synchronous
// under both --require and --import.
import { createRequire } from 'node:module';
import {
  AggregationTemporality,
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type InstrumentType,
  type MetricProducer,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { ExportResultCode } from '@opentelemetry/core';
import { listenInThisWorker } from './cluster-worker.js';
import type { ResolvedConfig } from './config.js';
import { log } from './log.js';
import { resourceLabelPattern } from './resource.js';

const load = createRequire(import.meta.url);

// The Prometheus and OTLP http exporters: the built package inlines each as a module initialised on first
// use (scripts/build.mjs bundles a literal require() call), sharing the bundle's copy of the SDK: no file
// to find, nothing evaluated for an exporter that is not chosen. Run from the ES module sources, `require`
// is absent and they load as packages. The gRPC exporter (@grpc/grpc-js, 0.6 MB) always loads as a package.
const inlined = typeof require === 'function';
const prometheusExporterModule = (): typeof import('@opentelemetry/exporter-prometheus') =>
  inlined ? require('@opentelemetry/exporter-prometheus') : load('@opentelemetry/exporter-prometheus');
const otlpHttpExporterModule = (): typeof import('@opentelemetry/exporter-metrics-otlp-http') =>
  inlined ? require('@opentelemetry/exporter-metrics-otlp-http') : load('@opentelemetry/exporter-metrics-otlp-http');
const otlpProtoExporterModule = (): typeof import('@opentelemetry/exporter-metrics-otlp-proto') =>
  inlined ? require('@opentelemetry/exporter-metrics-otlp-proto') : load('@opentelemetry/exporter-metrics-otlp-proto');

export interface Readers {
  readers: IMetricReader[];
  /** Set when the Prometheus exporter is used: its server is started by startPrometheus(). */
  prometheus?: PrometheusExporter;
  /**
   * Drops every later export of the push readers (their final one at shutdown included): for a pipeline
   * given up at start-up, before it ever exported, whose calls the app's provider reports instead.
   */
  discard(): void;
}

function otlpExporter(config: ResolvedConfig): PushMetricExporter {
  // URL, headers, TLS files, compression, per-export timeout and temporality preference are read by the
  // exporter itself from OTEL_EXPORTER_OTLP_[METRICS_]* (default http://localhost:4318/v1/metrics, or
  // localhost:4317 for grpc).
  switch (config.otlpProtocol) {
    case 'grpc': {
      const { OTLPMetricExporter } = load('@opentelemetry/exporter-metrics-otlp-grpc') as typeof import('@opentelemetry/exporter-metrics-otlp-grpc');
      return new OTLPMetricExporter() as unknown as PushMetricExporter;
    }
    case 'http/json': {
      const { OTLPMetricExporter } = otlpHttpExporterModule();
      return new OTLPMetricExporter() as unknown as PushMetricExporter;
    }
    case 'http/protobuf': {
      const { OTLPMetricExporter } = otlpProtoExporterModule();
      return new OTLPMetricExporter() as unknown as PushMetricExporter;
    }
  }
}

/**
 * Makes the instrumentation's MetricProducer for one reader, with the temporality that reader's exporter
 * asks for (undefined: cumulative).
 */
export type ProducerFactory = (temporality?: (type: InstrumentType) => AggregationTemporality) => MetricProducer;

/** `exporter`, except that nothing is exported once `discarded()` says so. */
function gated(exporter: PushMetricExporter, discarded: () => boolean): PushMetricExporter {
  return {
    export: (metrics, done) => (discarded() ? done({ code: ExportResultCode.SUCCESS }) : exporter.export(metrics, done)),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    ...(exporter.selectAggregationTemporality ? { selectAggregationTemporality: (type: InstrumentType) => exporter.selectAggregationTemporality!(type) } : {}),
    ...(exporter.selectAggregation ? { selectAggregation: (type: InstrumentType) => exporter.selectAggregation!(type) } : {}),
  };
}

function periodic(source: PushMetricExporter, config: ResolvedConfig, producer: ProducerFactory | undefined, discarded: () => boolean): IMetricReader {
  const exporter = gated(source, discarded);
  // The exporter's preference (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE for OTLP) applies to the
  // instrumentation's own metrics as it does to the SDK's.
  const temporality = (type: InstrumentType) => exporter.selectAggregationTemporality?.(type) ?? AggregationTemporality.CUMULATIVE;
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: config.exportIntervalMillis,
    exportTimeoutMillis: config.exportTimeoutMillis,
    ...(producer ? { metricProducers: [producer(temporality)] } : {}),
  });
}

/** The readers of OTEL_METRICS_EXPORTER; `producer` gives each its MetricProducer (the instrumentation's own aggregation). */
export function createReaders(config: ResolvedConfig, producer?: ProducerFactory): Readers {
  let discarded = false;
  const isDiscarded = (): boolean => discarded;
  const out: Readers = { readers: [], discard: () => void (discarded = true) };
  for (const name of config.exporters) {
    try {
      if (name === 'prometheus') {
        const { PrometheusExporter: Exporter } = prometheusExporterModule();
        // The server is started later (startPrometheus) so that a port conflict is reported, not thrown.
        // The resource attributes the collector promotes to labels are promoted here too, so a directly
        // scraped series carries the same service_name / deployment_environment_name as a collector one.
        const exporter = new Exporter({
          host: config.prometheusHost,
          port: config.prometheusPort,
          preventServerStart: true,
          withResourceConstantLabels: resourceLabelPattern(),
          ...(producer ? { metricProducers: [producer()] } : {}),
        });
        out.prometheus = exporter;
        out.readers.push(exporter as unknown as IMetricReader);
      } else if (name === 'otlp') {
        out.readers.push(periodic(otlpExporter(config), config, producer, isDiscarded));
      } else {
        out.readers.push(periodic(new ConsoleMetricExporter({ temporalitySelector: () => AggregationTemporality.CUMULATIVE }), config, producer, isDiscarded));
      }
    } catch (error) {
      log.warn(`cannot create the ${name} metrics exporter; continuing without it: ${(error as Error).message}`);
    }
  }
  return out;
}

/** Starts the Prometheus server; a busy port or a bad host is a warning, never an exception. */
export function startPrometheus(exporter: PrometheusExporter, config: ResolvedConfig): Promise<boolean> {
  const listening = config.clusterWorker !== undefined ? listenInThisWorker(exporter, config.prometheusHost, config.prometheusPort) : exporter.startServer();
  return listening.then(
    () => {
      log.info(`Prometheus metrics on http://${config.prometheusHost}:${config.prometheusPort}/metrics`);
      return true;
    },
    (error: Error) => {
      log.warn(
        `Prometheus exporter cannot listen on ${config.prometheusHost}:${config.prometheusPort} (${error.message}); ` +
          `set OTEL_EXPORTER_PROMETHEUS_HOST/PORT. The app continues without it.`,
      );
      return false;
    },
  );
}
