// Instruments created from the METRICS definitions, and the state behind the observable ones.
// In-flight requests and rate-limit headroom are observed at collection time from plain counters,
// so a call pays a Map update, not an SDK record, for them.
import type { Attributes, Counter, Histogram, Meter, ObservableResult } from '@opentelemetry/api';
import {
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  METRICS,
  RATE_LIMIT_TYPE_VALUES,
  type MetricDefinition,
} from './semconv.js';

export class ActiveRequest {
  count = 0;
  constructor(readonly attributes: Attributes) {}
}

/** Calls in flight per attribute set. Entries stay (at 0) so the series does not vanish between calls. */
export class ActiveRequests {
  private readonly entries = new Map<string, ActiveRequest>();

  constructor(private readonly maxEntries: number) {}

  enter(key: string, attributes: () => Attributes): ActiveRequest | undefined {
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxEntries) return undefined;
      entry = new ActiveRequest(attributes());
      this.entries.set(key, entry);
    }
    entry.count++;
    return entry;
  }

  observe(result: ObservableResult): void {
    for (const entry of this.entries.values()) result.observe(entry.count, entry.attributes);
  }
}

class RateLimitEntry {
  remainingRequests: number | undefined;
  remainingTokens: number | undefined;
  limitRequests: number | undefined;
  limitTokens: number | undefined;
  readonly requestsAttributes: Attributes;
  readonly tokensAttributes: Attributes;
  constructor(attributes: Attributes) {
    this.requestsAttributes = { ...attributes, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.REQUESTS };
    this.tokensAttributes = { ...attributes, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.TOKENS };
  }
}

interface HeadersLike {
  get(name: string): string | null;
}

const headerNumber = (headers: HeadersLike, name: string): number | undefined => {
  const v = headers.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};

/** Last seen x-ratelimit-* headers per provider/server/model. */
export class RateLimits {
  private readonly entries = new Map<string, RateLimitEntry>();

  constructor(private readonly maxEntries: number) {}

  update(key: string, attributes: () => Attributes, headers: HeadersLike): void {
    const remainingRequests = headerNumber(headers, 'x-ratelimit-remaining-requests');
    const remainingTokens = headerNumber(headers, 'x-ratelimit-remaining-tokens');
    if (remainingRequests === undefined && remainingTokens === undefined) return;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.maxEntries) return;
      entry = new RateLimitEntry(attributes());
      this.entries.set(key, entry);
    }
    entry.remainingRequests = remainingRequests ?? entry.remainingRequests;
    entry.remainingTokens = remainingTokens ?? entry.remainingTokens;
    entry.limitRequests = headerNumber(headers, 'x-ratelimit-limit-requests') ?? entry.limitRequests;
    entry.limitTokens = headerNumber(headers, 'x-ratelimit-limit-tokens') ?? entry.limitTokens;
  }

  observeRemaining(result: ObservableResult): void {
    for (const e of this.entries.values()) {
      if (e.remainingRequests !== undefined) result.observe(e.remainingRequests, e.requestsAttributes);
      if (e.remainingTokens !== undefined) result.observe(e.remainingTokens, e.tokensAttributes);
    }
  }

  observeLimit(result: ObservableResult): void {
    for (const e of this.entries.values()) {
      if (e.limitRequests !== undefined) result.observe(e.limitRequests, e.requestsAttributes);
      if (e.limitTokens !== undefined) result.observe(e.limitTokens, e.tokensAttributes);
    }
  }
}

const histogram = (meter: Meter, def: MetricDefinition): Histogram =>
  meter.createHistogram(def.name, {
    description: def.description,
    unit: def.unit,
    advice: def.buckets ? { explicitBucketBoundaries: [...def.buckets] } : undefined,
  });

const counter = (meter: Meter, def: MetricDefinition): Counter =>
  meter.createCounter(def.name, { description: def.description, unit: def.unit });

/** State that outlives a change of MeterProvider. */
export class MetricState {
  readonly active: ActiveRequests;
  readonly rateLimits: RateLimits;
  constructor(maxEntries: number) {
    this.active = new ActiveRequests(maxEntries);
    this.rateLimits = new RateLimits(maxEntries);
  }
}

export class Instruments {
  readonly duration: Histogram;
  readonly tokenUsage: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly timePerOutputChunk: Histogram;
  readonly cost: Histogram;
  readonly retries: Counter;
  readonly tokenDetails: Counter;
  readonly unpricedCalls: Counter;

  constructor(meter: Meter, state: MetricState) {
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
      .addCallback((r) => state.active.observe(r));
    meter
      .createObservableGauge(rateLimitRemaining.name, { description: rateLimitRemaining.description, unit: rateLimitRemaining.unit })
      .addCallback((r) => state.rateLimits.observeRemaining(r));
    meter
      .createObservableGauge(rateLimitLimit.name, { description: rateLimitLimit.description, unit: rateLimitLimit.unit })
      .addCallback((r) => state.rateLimits.observeLimit(r));
  }
}
