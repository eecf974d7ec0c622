// Test harness for any genai-meter instrumentation: a real MeterProvider with a reader collected on demand,
// fed by the instrumentation's SDK instruments or (aggregation 'internal') by its own MetricProducer.
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type HistogramMetricData,
  type MetricData,
  type MetricProducer,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
// Through the package (its built types), as the instrumentations under test import it.
import type { GenAIInstrumentation, GenAIInstrumentationConfig } from '@genai-meter/instrumentation-core';

class OnDemandReader extends MetricReader {
  constructor(aggregationTemporalitySelector: () => AggregationTemporality, metricProducers?: MetricProducer[]) {
    super({ aggregationTemporalitySelector, metricProducers });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
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

export type Aggregation = NonNullable<GenAIInstrumentationConfig['aggregation']>;
let defaultAggregation: Aggregation = 'sdk';

/**
 * The aggregation harnesses use when the test does not choose one. A `*.internal.test.ts` file sets
 * 'internal' and imports a suite, so the same assertions run against both aggregations.
 */
export function setDefaultAggregation(aggregation: Aggregation): void {
  defaultAggregation = aggregation;
}

export class MetricsHarness<I extends GenAIInstrumentation<C>, C extends GenAIInstrumentationConfig = GenAIInstrumentationConfig> {
  readonly reader: OnDemandReader;
  readonly provider: MeterProvider;
  readonly instrumentation: I;
  readonly aggregation: Aggregation;

  constructor(create: (config: C) => I, config: C = {} as C, options: { views?: ViewOptions[]; temporality?: AggregationTemporality } = {}) {
    this.aggregation = config.aggregation ?? defaultAggregation;
    this.instrumentation = create({ ...config, aggregation: this.aggregation, enabled: false });
    // internal: the instrumentation's own producer feeds the reader; sdk: its instruments on the provider.
    const temporality = options.temporality ?? AggregationTemporality.CUMULATIVE;
    const selector = () => temporality;
    this.reader = new OnDemandReader(
      selector,
      this.aggregation === 'internal' ? [this.instrumentation.createMetricProducer({ aggregationTemporalitySelector: selector })] : undefined,
    );
    this.provider = new MeterProvider({ readers: [this.reader], views: options.views });
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
