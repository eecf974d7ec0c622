// For test fixtures that run as their own process: a metric reader collected on demand, and what it collected as
// JSON-ready data (histograms as their count and sum).
const { MetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');

class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async onForceFlush() {}
  async onShutdown() {}
}

/** Every metric the reader holds: [{ scope, name, points: [{ attributes, value }] }]. */
async function collectPoints(reader) {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) =>
    s.metrics.map((m) => ({
      scope: s.scope.name,
      name: m.descriptor.name,
      points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: typeof p.value === 'number' ? p.value : { count: p.value.count, sum: p.value.sum } })),
    })),
  );
}

module.exports = { OnDemandReader, collectPoints };
