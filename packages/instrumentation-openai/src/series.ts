// Everything the hot path needs per label set, built once: the attribute objects handed to the SDK, the
// in-flight counter and the last rate-limit headers. A call looks its Series up with two Map gets and
// allocates no attribute objects. Bounded: endpoints x operations x (maxModels + 1).
import type { Attributes, ObservableResult } from '@opentelemetry/api';
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

/** Attribute sets for one response model (or none): the base set and its token variants. */
export class ResponseAttributes {
  readonly input: Attributes;
  readonly output: Attributes;
  readonly cacheRead: Attributes;
  readonly cacheWrite: Attributes;
  readonly reasoning: Attributes;
  readonly base: Attributes;
  constructor(base: Attributes) {
    this.base = sortedAttributes(base);
    this.input = sortedAttributes({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT });
    this.output = sortedAttributes({ ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT });
    this.cacheRead = sortedAttributes({ ...base, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_READ });
    this.cacheWrite = sortedAttributes({ ...base, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_WRITE });
    this.reasoning = sortedAttributes({ ...base, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.REASONING });
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
  /** Attributes without a response model (failed calls, in-flight, retries). */
  readonly noResponse: ResponseAttributes;
  private readonly byResponseModel = new Map<string, ResponseAttributes>();

  readonly base: Attributes;
  constructor(base: Attributes) {
    this.base = sortedAttributes(base);
    this.noResponse = new ResponseAttributes(base);
    this.requestsAttributes = sortedAttributes({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.REQUESTS });
    this.tokensAttributes = sortedAttributes({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.TOKENS });
  }

  /** Attribute sets for a response model label (already bounded by the ModelLimiter). */
  forResponseModel(label: string | undefined): ResponseAttributes {
    if (label === undefined) return this.noResponse;
    let r = this.byResponseModel.get(label);
    if (!r) {
      r = new ResponseAttributes({ ...this.base, [ATTR_GEN_AI_RESPONSE_MODEL]: label });
      this.byResponseModel.set(label, r);
    }
    return r;
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

/** All Series, per endpoint; observed by the in-flight and rate-limit instruments. */
export class SeriesRegistry {
  // endpoint -> operation -> request model label: nested maps keyed by strings that already exist, so a
  // lookup builds no key string.
  private readonly byEndpoint = new WeakMap<Endpoint, Map<string, Map<string | undefined, Series>>>();
  private readonly all: Series[] = [];

  constructor(private readonly maxSeries: number) {}

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
      series = new Series(base);
      // Past the bound a series still works for the call but is not kept (nor observed).
      if (this.all.length < this.maxSeries) {
        map.set(requestModelLabel, series);
        this.all.push(series);
      }
    }
    return series;
  }

  observeActive(result: ObservableResult): void {
    for (const s of this.all) result.observe(s.active, s.base);
  }

  observeRemaining(result: ObservableResult): void {
    for (const s of this.all) {
      s.refreshRateLimits();
      if (s.remainingRequests !== undefined) result.observe(s.remainingRequests, s.requestsAttributes);
      if (s.remainingTokens !== undefined) result.observe(s.remainingTokens, s.tokensAttributes);
    }
  }

  observeLimit(result: ObservableResult): void {
    for (const s of this.all) {
      s.refreshRateLimits();
      if (s.limitRequests !== undefined) result.observe(s.limitRequests, s.requestsAttributes);
      if (s.limitTokens !== undefined) result.observe(s.limitTokens, s.tokensAttributes);
    }
  }
}
