// Test harness: a real MeterProvider with a reader collected on demand, the instrumentation under test, and
// each ai major with its provider packages loaded through a real `require` (ai 7, an ES module only package,
// through require(esm)) so that the require hook patches it as in production.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type HistogramMetricData, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { Attributes } from '@opentelemetry/api';
import { AIInstrumentation, type AIInstrumentationConfig } from '../../src/index.js';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

class OnDemandReader extends MetricReader {
  constructor(aggregationTemporalitySelector: () => AggregationTemporality, metricProducers?: MetricProducer[]) {
    super({ aggregationTemporalitySelector, metricProducers });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export type Major = 5 | 6 | 7;
export const MAJORS: Major[] = [5, 6, 7];

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface AISdk {
  major: Major;
  version: string;
  ai: any;
  createOpenAI: any;
  createAnthropic: any;
  createGoogleGenerativeAI: any;
  createOpenAICompatible: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const fixture = (major: Major) => createRequire(join(repoRoot, `packages/ai-compat/v${major}/package.json`));

/** Loads one ai major and its provider packages (CommonJS copies of 5 and 6; ai 7 by require(esm)). */
export function loadAI(major: Major): AISdk {
  const req = fixture(major);
  return {
    major,
    version: req('ai/package.json').version as string,
    ai: req('ai'),
    createOpenAI: req('@ai-sdk/openai').createOpenAI,
    createAnthropic: req('@ai-sdk/anthropic').createAnthropic,
    createGoogleGenerativeAI: req('@ai-sdk/google').createGoogleGenerativeAI,
    createOpenAICompatible: req('@ai-sdk/openai-compatible').createOpenAICompatible,
  };
}

/** The four providers of one major, pointed at the simulator. */
export function providers(sdk: AISdk, url: string) {
  return {
    openai: sdk.createOpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test' }),
    anthropic: sdk.createAnthropic({ baseURL: `${url}/v1`, apiKey: 'sk-ant-test' }),
    google: sdk.createGoogleGenerativeAI({ baseURL: `${url}/v1beta`, apiKey: 'gemini-test' }),
    relay: sdk.createOpenAICompatible({ name: 'relay', baseURL: `${url}/v1`, apiKey: 'k', includeUsage: true }),
  };
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

export type Aggregation = NonNullable<AIInstrumentationConfig['aggregation']>;
let defaultAggregation: Aggregation = 'sdk';

/** The aggregation harnesses use when the test does not choose one (`*.internal.test.ts` set 'internal'). */
export function setDefaultAggregation(aggregation: Aggregation): void {
  defaultAggregation = aggregation;
}

export class MetricsHarness {
  readonly reader: OnDemandReader;
  readonly provider: MeterProvider;
  readonly instrumentation: AIInstrumentation;
  readonly aggregation: Aggregation;

  constructor(config: AIInstrumentationConfig = {}) {
    this.aggregation = config.aggregation ?? defaultAggregation;
    this.instrumentation = new AIInstrumentation({ ...config, aggregation: this.aggregation, enabled: false });
    const selector = () => AggregationTemporality.CUMULATIVE;
    this.reader = new OnDemandReader(selector, this.aggregation === 'internal' ? [this.instrumentation.createMetricProducer({ aggregationTemporalitySelector: selector })] : undefined);
    this.provider = new MeterProvider({ readers: [this.reader] });
    this.instrumentation.setMeterProvider(this.provider);
    this.instrumentation.enable();
  }

  async collect(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length) throw new Error(`collect errors: ${errors.join(', ')}`);
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  }

  /** Every metric of that name, from every scope (another genai-meter instrumentation may share the provider). */
  private async named(name: string): Promise<MetricData[]> {
    return (await this.collect()).filter((x) => x.descriptor.name === name);
  }

  async histogram(name: string): Promise<HistPoint[]> {
    return (await this.named(name)).flatMap((m) => {
      if (m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
      return (m as HistogramMetricData).dataPoints.map((p) => ({ attributes: p.attributes, count: p.value.count, sum: p.value.sum ?? NaN, buckets: p.value.buckets }));
    });
  }

  async points(name: string): Promise<Point[]> {
    return (await this.named(name)).flatMap((m) => (m.dataPoints as { attributes: Attributes; value: unknown }[]).map((p) => ({ attributes: p.attributes, value: p.value as number })));
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
