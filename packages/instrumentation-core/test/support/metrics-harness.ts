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
// Through the package (its build), as the instrumentations under test import it.
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  METRICS,
  type GenAIInstrumentation,
  type GenAIInstrumentationConfig,
} from '@genai-meter/instrumentation-core';

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

  /**
   * Every metric of that name, from every scope: another genai-meter instrumentation may record into the same
   * provider (the AI SDK's call over a provider built on the openai SDK).
   */
  async metrics(name: string): Promise<MetricData[]> {
    return (await this.collect()).filter((m) => m.descriptor.name === name);
  }

  async histogram(name: string): Promise<HistPoint[]> {
    return (await this.metrics(name)).flatMap((m) => {
      if (m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
      return (m as HistogramMetricData).dataPoints.map((p) => ({
        attributes: p.attributes,
        count: p.value.count,
        sum: p.value.sum ?? NaN,
        buckets: p.value.buckets,
      }));
    });
  }

  async points(name: string): Promise<Point[]> {
    return (await this.metrics(name)).flatMap((m) =>
      (m.dataPoints as { attributes: Attributes; value: unknown }[]).map((p) => ({ attributes: p.attributes, value: p.value as number })),
    );
  }

  // One request model's series, as the rows the suites compare.

  /** Its duration points. */
  async durations(model: string): Promise<HistPoint[]> {
    return where(await this.histogram(METRICS.duration.name), byModel(model));
  }

  /** [count, error.type, ...the named attributes] of each of its duration series. */
  async outcomes(model: string, ...attributes: string[]): Promise<unknown[][]> {
    return (await this.durations(model)).map((d) => [d.count, d.attributes[ATTR_ERROR_TYPE], ...attributes.map((a) => d.attributes[a])]);
  }

  /** [gen_ai.token.type, sum, count] of its token usage, sorted. */
  async tokens(model: string): Promise<[unknown, number, number][]> {
    return where(await this.histogram(METRICS.tokenUsage.name), byModel(model))
      .map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum, t.count] as [unknown, number, number])
      .sort();
  }

  /** [genai_meter.token.detail, value] of its token details, sorted. */
  async details(model: string): Promise<[unknown, number][]> {
    return where(await this.points(METRICS.tokenDetails.name), byModel(model))
      .map((d) => [d.attributes[ATTR_GENAI_METER_TOKEN_DETAIL], d.value] as [unknown, number])
      .sort();
  }

  /** Its calls in flight. */
  async inFlight(model: string): Promise<number> {
    return sum(where(await this.points(METRICS.activeRequests.name), byModel(model)).map((p) => p.value));
  }

  /** How many of its calls were priced, and their cost in all. */
  async cost(model: string): Promise<{ count: number; sum: number }> {
    const points = where(await this.histogram(METRICS.cost.name), byModel(model));
    return { count: sum(points.map((p) => p.count)), sum: sum(points.map((p) => p.sum)) };
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

/** The attributes that select one request model's series. */
export const byModel = (model: string): Attributes => ({ [ATTR_GEN_AI_REQUEST_MODEL]: model });

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Index of the explicit bucket a value falls in (upper bound inclusive, as the SDK does). */
export function bucketIndex(boundaries: number[], value: number): number {
  const i = boundaries.findIndex((b) => value <= b);
  return i === -1 ? boundaries.length : i;
}
