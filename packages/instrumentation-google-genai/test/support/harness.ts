// Test harness: a real MeterProvider with a reader collected on demand, the instrumentation under test, and
// @google/genai loaded through a real `require` (its CommonJS build) so the require hook patches it as in production.
import { createRequire } from 'node:module';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { GoogleGenAIInstrumentation, type GoogleGenAIInstrumentationConfig } from '../../src/index.js';

class OnDemandReader extends MetricReader {
  constructor(aggregationTemporalitySelector: () => AggregationTemporality, metricProducers?: MetricProducer[]) {
    super({ aggregationTemporalitySelector, metricProducers });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GenAIModule = any;

const requireHere = createRequire(import.meta.url);

/** The CommonJS build of @google/genai (dist/node/index.cjs), required after the instrumentation is enabled. */
export function loadGenAI(): GenAIModule {
  return requireHere('@google/genai');
}

export function genAIVersion(): string {
  return (requireHere('@google/genai/package.json') as { version: string }).version;
}

export interface Point {
  attributes: Attributes;
  value: number;
}
export interface HistPoint {
  attributes: Attributes;
  count: number;
  sum: number;
  buckets: { boundaries: number[]; counts: number[] };
}

export type Aggregation = NonNullable<GoogleGenAIInstrumentationConfig['aggregation']>;
let defaultAggregation: Aggregation = 'sdk';

/** A `*.internal.test.ts` file sets 'internal' and imports a suite, so its assertions run against both aggregations. */
export function setDefaultAggregation(aggregation: Aggregation): void {
  defaultAggregation = aggregation;
}

export class MetricsHarness {
  readonly reader: OnDemandReader;
  readonly provider: MeterProvider;
  readonly instrumentation: GoogleGenAIInstrumentation;
  readonly aggregation: Aggregation;

  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    this.aggregation = config.aggregation ?? defaultAggregation;
    this.instrumentation = new GoogleGenAIInstrumentation({ ...config, aggregation: this.aggregation, enabled: false });
    const selector = () => AggregationTemporality.CUMULATIVE;
    this.reader = new OnDemandReader(
      selector,
      this.aggregation === 'internal' ? [this.instrumentation.createMetricProducer({ aggregationTemporalitySelector: selector })] : undefined,
    );
    this.provider = new MeterProvider({ readers: [this.reader] });
    this.instrumentation.setMeterProvider(this.provider);
    this.instrumentation.enable();
  }

  async collect(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length) throw new Error(`collect errors: ${errors.join(', ')}`);
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  }

  async metric(name: string): Promise<MetricData | undefined> {
    return (await this.collect()).find((m) => m.descriptor.name === name);
  }

  async histogram(name: string): Promise<HistPoint[]> {
    const m = await this.metric(name);
    if (!m) return [];
    if (m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
    return (m as HistogramMetricData).dataPoints.map((p) => ({
      attributes: p.attributes,
      count: p.value.count,
      sum: p.value.sum ?? NaN,
      buckets: p.value.buckets,
    }));
  }

  async points(name: string): Promise<Point[]> {
    const m = await this.metric(name);
    if (!m) return [];
    return (m.dataPoints as { attributes: Attributes; value: unknown }[]).map((p) => ({ attributes: p.attributes, value: p.value as number }));
  }

  async shutdown(): Promise<void> {
    this.instrumentation.disable();
    await this.provider.shutdown();
  }
}

/** Points whose attributes contain every given key/value. */
export function where<T extends { attributes: Attributes }>(points: T[], match: Attributes): T[] {
  return points.filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Index of the explicit bucket a value falls in (upper bound inclusive, as the SDK does). */
export function bucketIndex(boundaries: number[], value: number): number {
  const i = boundaries.findIndex((b) => value <= b);
  return i === -1 ? boundaries.length : i;
}

/** The per-request options that carry the simulator's control headers. */
export const headers = (h: Record<string, string>) => ({ httpOptions: { headers: h } });
