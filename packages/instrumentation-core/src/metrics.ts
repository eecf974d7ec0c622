// SDK instruments created from the METRICS definitions, for the 'sdk' aggregation. In-flight requests and
// rate-limit headroom are observed at collection time from counters kept on each Series, so a call pays a
// field update, not an SDK record, for them.
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import { sdkSink, type AttributeFilter, type Sinks } from './aggregation.js';
import { METRICS, type MetricDefinition } from './semconv.js';
import type { SeriesRegistry } from './series.js';

const histogram = (meter: Meter, def: MetricDefinition): Histogram =>
  meter.createHistogram(def.name, {
    description: def.description,
    unit: def.unit,
    advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
  });

const counter = (meter: Meter, def: MetricDefinition): Counter =>
  meter.createCounter(def.name, { description: def.description, unit: def.unit });

export class Instruments {
  readonly duration: Histogram;
  readonly tokenUsage: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly timePerOutputChunk: Histogram;
  readonly cost: Histogram;
  readonly retries: Counter;
  readonly tokenDetails: Counter;
  readonly unpricedCalls: Counter;

  /**
   * `series` is read at every collection, so a reconfigured instrumentation is observed as it is now; it
   * returns undefined while the instrumentation aggregates on its own (its MetricProducer reports them).
   */
  constructor(meter: Meter, series: () => SeriesRegistry | undefined) {
    this.duration = histogram(meter, METRICS.duration);
    this.tokenUsage = histogram(meter, METRICS.tokenUsage);
    this.timeToFirstChunk = histogram(meter, METRICS.timeToFirstChunk);
    this.timePerOutputChunk = histogram(meter, METRICS.timePerOutputChunk);
    this.cost = histogram(meter, METRICS.cost);
    this.retries = counter(meter, METRICS.retries);
    this.tokenDetails = counter(meter, METRICS.tokenDetails);
    this.unpricedCalls = counter(meter, METRICS.unpricedCalls);
    const { activeRequests, rateLimitRemaining, rateLimitLimit } = METRICS;
    meter
      .createObservableUpDownCounter(activeRequests.name, { description: activeRequests.description, unit: activeRequests.unit })
      .addCallback((r) => series()?.observeActive((v, a) => r.observe(v, a)));
    meter
      .createObservableGauge(rateLimitRemaining.name, { description: rateLimitRemaining.description, unit: rateLimitRemaining.unit })
      .addCallback((r) => series()?.observeRemaining((v, a) => r.observe(v, a)));
    meter
      .createObservableGauge(rateLimitLimit.name, { description: rateLimitLimit.description, unit: rateLimitLimit.unit })
      .addCallback((r) => series()?.observeLimit((v, a) => r.observe(v, a)));
  }

  sinks(filter: AttributeFilter | undefined): Sinks {
    return {
      duration: sdkSink(this.duration, 'histogram', filter),
      tokenUsage: sdkSink(this.tokenUsage, 'histogram', filter),
      timeToFirstChunk: sdkSink(this.timeToFirstChunk, 'histogram', filter),
      timePerOutputChunk: sdkSink(this.timePerOutputChunk, 'histogram', filter),
      cost: sdkSink(this.cost, 'histogram', filter),
      retries: sdkSink(this.retries, 'counter', filter),
      tokenDetails: sdkSink(this.tokenDetails, 'counter', filter),
      unpricedCalls: sdkSink(this.unpricedCalls, 'counter', filter),
    };
  }
}
