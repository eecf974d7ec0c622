// For test fixtures preloaded with `node --require` (or loaded by an ESM register fixture): the given
// instrumentation with an on-demand reader, enabled before the app loads its SDK unless
// GENAI_METER_TEST_DISABLED=1. globalThis.__collectMetrics() returns every metric's points.
const { MeterProvider } = require('@opentelemetry/sdk-metrics');
const { OnDemandReader, collectPoints } = require('./fixture-metrics.cjs');

/** Creates and enables `new Instrumentation({ enabled: false })` with a reader; returns the instrumentation. */
module.exports = function registerForTest(Instrumentation) {
  const reader = new OnDemandReader();
  const instrumentation = new Instrumentation({ enabled: false });
  instrumentation.setMeterProvider(new MeterProvider({ readers: [reader] }));
  if (process.env.GENAI_METER_TEST_DISABLED !== '1') instrumentation.enable();
  globalThis.__collectMetrics = async () => (await collectPoints(reader)).map(({ name, points }) => ({ name, points }));
  return instrumentation;
};
