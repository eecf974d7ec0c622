// Everything the hot path needs per label set, built once: the recordings bound to each attribute set,
// the in-flight counter and the last rate-limit headers. A call looks its Series up with a few Map gets
// and allocates no attribute objects. Bounded: endpoints x operations x (maxModels + 1).
import type { Attributes } from '@opentelemetry/api';
import type { AttributeFilter, RecordedMetric, Recording, Sinks } from './aggregation.js';
import type { Endpoint } from './provider.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_TOKEN_TYPE_VALUES,
  RATE_LIMIT_TYPE_VALUES,
  TOKEN_DETAIL_VALUES,
} from './semconv.js';

/**
 * A copy with keys in sorted order. The SDK sorts an attribute set's keys on every record to hash it;
 * sorting an already sorted array is a linear pass, so cached sets are built sorted once.
 */
export function sortedAttributes(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(attrs).sort()) out[k] = attrs[k];
  return out;
}

/** The points a call records for one response model, each bound to its metric on first use. */
export const enum Slot {
  Duration,
  TimeToFirstChunk,
  TimePerOutputChunk,
  Cost,
  UnpricedCalls,
  InputTokens,
  OutputTokens,
  CacheReadTokens,
  CacheWriteTokens,
  ReasoningTokens,
}

const SLOT_METRIC: readonly RecordedMetric[] = [
  'duration',
  'timeToFirstChunk',
  'timePerOutputChunk',
  'cost',
  'unpricedCalls',
  'tokenUsage',
  'tokenUsage',
  'tokenDetails',
  'tokenDetails',
  'tokenDetails',
];

/** What a slot adds to the base attribute set. */
const SLOT_ATTRIBUTES: readonly (Attributes | undefined)[] = [
  undefined,
  undefined,
  undefined,
  undefined,
  undefined,
  { [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT },
  { [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_READ },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_WRITE },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.REASONING },
];

/** The recordings of one response model (or none) of a Series. */
export class ResponsePoints {
  readonly base: Attributes;
  private readonly bound: (Recording | undefined)[] = [];
  constructor(
    private readonly sinks: Sinks,
    base: Attributes,
  ) {
    this.base = sortedAttributes(base);
  }

  /** The slot's attribute set (base plus the slot's own attributes, plus `extra` when given). */
  private attributes(slot: Slot, extra?: Attributes): Attributes {
    const own = SLOT_ATTRIBUTES[slot];
    return own || extra ? sortedAttributes({ ...this.base, ...own, ...extra }) : this.base;
  }

  /** The slot's recording, bound once. */
  point(slot: Slot): Recording {
    return (this.bound[slot] ??= this.sinks[SLOT_METRIC[slot]!].bind(this.attributes(slot)));
  }

  /** The slot's recording for a call with attribution attributes: bound per call. */
  pointWith(slot: Slot, extra: Attributes | undefined): Recording {
    return extra ? this.sinks[SLOT_METRIC[slot]!].bind(this.attributes(slot, extra)) : this.point(slot);
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

/** One (endpoint, operation, request model) label set. */
export class Series {
  /** Calls in flight. */
  active = 0;
  /**
   * Headers of the last successful response. A call only keeps a reference; the x-ratelimit-* numbers
   * are parsed when a reader collects, so a call pays no header lookups for the rate-limit gauges.
   */
  lastHeaders: HeadersLike | undefined;
  private parsedHeaders: HeadersLike | undefined;
  remainingRequests: number | undefined;
  remainingTokens: number | undefined;
  limitRequests: number | undefined;
  limitTokens: number | undefined;
  readonly requestsAttributes: Attributes;
  readonly tokensAttributes: Attributes;
  /** Points without a response model (failed calls). */
  readonly noResponse: ResponsePoints;
  private readonly byResponseModel = new Map<string, ResponsePoints>();
  private retriesPoint: Recording | undefined;

  readonly base: Attributes;
  /** The attribute set of the in-flight gauge (the base set through the attribute filter). */
  readonly activeAttributes: Attributes;
  constructor(
    private readonly sinks: Sinks,
    base: Attributes,
    filter: AttributeFilter | undefined,
  ) {
    this.base = sortedAttributes(base);
    this.noResponse = new ResponsePoints(sinks, base);
    const observed = (attrs: Attributes) => sortedAttributes(filter ? filter(attrs) : attrs);
    this.activeAttributes = observed(base);
    this.requestsAttributes = observed({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.REQUESTS });
    this.tokensAttributes = observed({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.TOKENS });
  }

  /** The points for a response model label (already bounded by the ModelLimiter). */
  forResponseModel(label: string | undefined): ResponsePoints {
    if (label === undefined) return this.noResponse;
    let r = this.byResponseModel.get(label);
    if (!r) {
      r = new ResponsePoints(this.sinks, { ...this.base, [ATTR_GEN_AI_RESPONSE_MODEL]: label });
      this.byResponseModel.set(label, r);
    }
    return r;
  }

  /** genai_meter.client.retries for this series. */
  get retries(): Recording {
    return (this.retriesPoint ??= this.sinks.retries.bind(this.base));
  }

  /** Brings the rate-limit numbers up to the last headers seen (at collection time). */
  refreshRateLimits(): void {
    const headers = this.lastHeaders;
    if (headers === undefined || headers === this.parsedHeaders) return;
    this.parsedHeaders = headers;
    // A response without these headers (a provider or gateway that sends none) keeps the last values.
    this.remainingRequests = headerNumber(headers, 'x-ratelimit-remaining-requests') ?? this.remainingRequests;
    this.remainingTokens = headerNumber(headers, 'x-ratelimit-remaining-tokens') ?? this.remainingTokens;
    this.limitRequests = headerNumber(headers, 'x-ratelimit-limit-requests') ?? this.limitRequests;
    this.limitTokens = headerNumber(headers, 'x-ratelimit-limit-tokens') ?? this.limitTokens;
  }
}

/** Receives one observed value (an ObservableResult's observe, or the MetricProducer's). */
export type Observe = (value: number, attributes: Attributes) => void;

/** All Series, per endpoint; observed by the in-flight and rate-limit instruments. */
export class SeriesRegistry {
  // endpoint -> operation -> request model label: nested maps keyed by strings that already exist, so a
  // lookup builds no key string.
  private readonly byEndpoint = new WeakMap<Endpoint, Map<string, Map<string | undefined, Series>>>();
  /** Every kept Series, in creation order (read by the observers at collection time). */
  readonly all: Series[] = [];

  constructor(
    private readonly sinks: Sinks,
    private readonly maxSeries: number,
    private readonly filter?: AttributeFilter,
  ) {}

  get(endpoint: Endpoint, operation: string, requestModelLabel: string | undefined): Series {
    let byOperation = this.byEndpoint.get(endpoint);
    if (!byOperation) {
      byOperation = new Map();
      this.byEndpoint.set(endpoint, byOperation);
    }
    let map = byOperation.get(operation);
    if (!map) {
      map = new Map();
      byOperation.set(operation, map);
    }
    let series = map.get(requestModelLabel);
    if (!series) {
      const base: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: operation, [ATTR_GEN_AI_PROVIDER_NAME]: endpoint.provider };
      if (requestModelLabel !== undefined) base[ATTR_GEN_AI_REQUEST_MODEL] = requestModelLabel;
      if (endpoint.address !== undefined) {
        base[ATTR_SERVER_ADDRESS] = endpoint.address;
        base[ATTR_SERVER_PORT] = endpoint.port;
      }
      series = new Series(this.sinks, base, this.filter);
      // Past the bound a series still works for the call but is not kept (nor observed).
      if (this.all.length < this.maxSeries) {
        map.set(requestModelLabel, series);
        this.all.push(series);
      }
    }
    return series;
  }

  observeActive(observe: Observe): void {
    for (const s of this.all) observe(s.active, s.activeAttributes);
  }

  observeRemaining(observe: Observe): void {
    for (const s of this.all) {
      s.refreshRateLimits();
      if (s.remainingRequests !== undefined) observe(s.remainingRequests, s.requestsAttributes);
      if (s.remainingTokens !== undefined) observe(s.remainingTokens, s.tokensAttributes);
    }
  }

  observeLimit(observe: Observe): void {
    for (const s of this.all) {
      s.refreshRateLimits();
      if (s.limitRequests !== undefined) observe(s.limitRequests, s.requestsAttributes);
      if (s.limitTokens !== undefined) observe(s.limitTokens, s.tokensAttributes);
    }
  }
}
