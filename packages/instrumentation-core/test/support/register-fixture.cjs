// For test fixtures preloaded with `node --require` (or loaded by an ESM register fixture): the given
// instrumentation with an on-demand reader, enabled before the app loads its SDK unless
// GENAI_METER_TEST_DISABLED=1. globalThis.__collectMetrics() returns every metric's points.
const { MeterProvider, MetricReader, AggregationTemporality } = require('@opentelemetry/sdk-metrics');

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  async onForceFlush() {}
  async onShutdown() {}
}

/** Creates and enables `new Instrumentation({ enabled: false })` with a reader; returns the instrumentation. */
module.exports = function registerForTest(Instrumentation) {
  const reader = new Reader();
  const instrumentation = new Instrumentation({ enabled: false });
  instrumentation.setMeterProvider(new MeterProvider({ readers: [reader] }));
  if (process.env.GENAI_METER_TEST_DISABLED !== '1') instrumentation.enable();
  globalThis.__collectMetrics = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((s) =>
      s.metrics.map((m) => ({
        name: m.descriptor.name,
        points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: typeof p.value === 'number' ? p.value : { count: p.value.count, sum: p.value.sum } })),
      })),
    );
  };
  return instrumentation;
};
