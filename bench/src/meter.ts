// A real sdk-metrics MeterProvider with a reader that the benchmark collects itself, so every variant
// pays for aggregation the same way and the collected points can be checked.
import { createRequire } from 'node:module';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';

const require = createRequire(import.meta.url);
const sdk = require('@opentelemetry/sdk-metrics') as typeof SdkMetrics;

export const { MeterProvider, MetricReader, AggregationTemporality, DataPointType } = sdk;

export class OnDemandReader extends sdk.MetricReader {
  constructor(cardinalityLimit?: number, metricProducers: unknown[] = []) {
    super({
      aggregationTemporalitySelector: () => sdk.AggregationTemporality.CUMULATIVE,
      ...(cardinalityLimit ? { cardinalitySelector: () => cardinalityLimit } : {}),
      metricProducers: metricProducers as SdkMetrics.MetricProducer[],
    });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Per metric: data points (series) and total recorded count (histogram counts, or sums of sums). */
export interface MetricSummary {
  points: number;
  recorded: number;
}

export async function summarize(reader: SdkMetrics.MetricReader): Promise<Record<string, MetricSummary>> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length) throw new Error(`collect errors: ${errors.map(String).join(', ')}`);
  const out: Record<string, MetricSummary> = {};
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const m of scope.metrics) {
      let recorded = 0;
      for (const p of m.dataPoints as { value: unknown }[]) {
        const v = p.value as number | { count: number };
        recorded += typeof v === 'number' ? v : v.count;
      }
      const prev = out[m.descriptor.name];
      out[m.descriptor.name] = { points: (prev?.points ?? 0) + m.dataPoints.length, recorded: (prev?.recorded ?? 0) + recorded };
    }
  }
  return out;
}

export const countPoints = (s: Record<string, MetricSummary>): number => Object.values(s).reduce((a, m) => a + m.points, 0);
