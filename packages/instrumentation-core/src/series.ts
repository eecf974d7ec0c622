// Everything the hot path needs per label set, built once: the recordings bound to each attribute set,
// the in-flight counter and the last rate-limit headers. A call looks its Series up with a few Map gets
// and allocates no attribute objects. Bounded: endpoints x operations x (maxModels + 1).
import type { Attributes } from '@opentelemetry/api';
import type { AttributeFilter, RecordedMetric, Recording, Sinks } from './aggregation.js';
import type { Endpoint } from './provider.js';
import { rateLimitResetAt, type RateLimitHeaderNames, type RateLimitHeaders } from './rate-limit.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_RATE_LIMIT_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  COST_SOURCE_VALUES,
  GEN_AI_TOKEN_TYPE_VALUES,
  MODEL_OVERFLOW_VALUE,
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
  ProviderCost,
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
  { [ATTR_GENAI_METER_COST_SOURCE]: COST_SOURCE_VALUES.CATALOG },
  { [ATTR_GENAI_METER_COST_SOURCE]: COST_SOURCE_VALUES.PROVIDER },
  undefined,
  { [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT },
  { [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_READ },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_WRITE },
  { [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.REASONING },
];

/** Extra attribute sets (canonical, see AttributeInterner) whose recordings a ResponsePoints keeps bound. */
const MAX_BOUND_EXTRA_SETS = 256;

/** The recordings of one response model and service tier (or none) of a Series. */
export class ResponsePoints {
  readonly base: Attributes;
  private readonly bound: (Recording | undefined)[] = [];
  private readonly boundWith = new Map<Attributes, (Recording | undefined)[]>();
  private lastExtra: Attributes | undefined;
  private lastBound: (Recording | undefined)[] | undefined;
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

  private bind(slot: Slot, extra?: Attributes): Recording {
    return this.sinks[SLOT_METRIC[slot]!].bind(this.attributes(slot, extra));
  }

  /** The slot's recording, bound once. */
  point(slot: Slot): Recording {
    return (this.bound[slot] ??= this.bind(slot));
  }

  /**
   * The slot's recording for a call with attribution attributes (a canonical set from the interner): bound
   * once per set, so attribution costs a Map lookup per point.
   */
  pointWith(slot: Slot, extra: Attributes | undefined): Recording {
    if (extra === undefined) return this.point(slot);
    // A call records several slots with the same set: the last one found is checked first.
    let bound = extra === this.lastExtra ? this.lastBound : this.boundWith.get(extra);
    if (bound === undefined) {
      if (this.boundWith.size >= MAX_BOUND_EXTRA_SETS) return this.bind(slot, extra);
      bound = [];
      this.boundWith.set(extra, bound);
    }
    this.lastExtra = extra;
    this.lastBound = bound;
    return (bound[slot] ??= this.bind(slot, extra));
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

/** One rate limit (requests or tokens) as the last response described it. */
export class RateLimitState {
  remaining: number | undefined;
  limit: number | undefined;
  /** Epoch ms after which the window has reset (from x-ratelimit-reset-*), or the headers' age limit. */
  validUntil = 0;
  /** True when validUntil came from a reset header (the window refills), false for the age limit. */
  resets = false;

  update(headers: HeadersLike, names: RateLimitHeaderNames, seenAt: number, maxAgeMillis: number): void {
    const remaining = headerNumber(headers, names.remaining);
    const limit = headerNumber(headers, names.limit);
    // A response without these headers (a provider or gateway that sends none) keeps the last values.
    if (remaining === undefined && limit === undefined) return;
    this.remaining = remaining ?? this.remaining;
    this.limit = limit ?? this.limit;
    const resetAt = rateLimitResetAt(headers.get(names.reset), seenAt);
    this.resets = resetAt !== undefined;
    this.validUntil = resetAt ?? seenAt + maxAgeMillis;
  }

  /** Remaining now: the header's value until its window resets, the full limit after; undefined once aged out. */
  remainingAt(now: number): number | undefined {
    if (this.remaining === undefined || now < this.validUntil) return this.remaining;
    return this.resets ? this.limit : undefined;
  }
}

/** Keeps `openai.response.service_tier` values bounded: a handful of known shapes, then `_OTHER`. */
export class ServiceTierLimiter {
  private readonly admitted = new Set<string>();
  constructor(private readonly max = 16) {}
  label(tier: string): string {
    if (this.admitted.has(tier)) return tier;
    if (this.admitted.size >= this.max || !/^[a-z][a-z0-9_-]{0,23}$/.test(tier)) return MODEL_OVERFLOW_VALUE;
    this.admitted.add(tier);
    return tier;
  }
}

/** What labels model names (ModelLimiter) or service tiers (ServiceTierLimiter). */
interface Labeller {
  label(value: string): string | undefined;
}

/** One (endpoint, operation, request model) label set. */
export class Series {
  /** Calls in flight. */
  active = 0;
  /** Held by its registry (found again by the next call with the same labels); past maxSeries a Series is not. */
  kept = false;
  /**
   * Headers of the last successful response and when they arrived (epoch ms). A call only keeps a
   * reference; the x-ratelimit-* numbers are parsed when a reader collects, so a call pays no header lookups.
   */
  lastHeaders: HeadersLike | undefined;
  lastHeadersAt = 0;
  private parsedHeaders: HeadersLike | undefined;
  readonly requests = new RateLimitState();
  readonly tokens = new RateLimitState();
  readonly requestsAttributes: Attributes;
  readonly tokensAttributes: Attributes;
  /** Points without a response model (failed calls). */
  readonly noResponse: ResponsePoints;
  private readonly byResponse = new Map<string | undefined, Map<string | undefined, ResponsePoints>>();
  private retriesPoint: Recording | undefined;
  // The points the last call's response model and service tier (as reported) led to: a call with the same
  // ones (the common case) compares two strings instead of labelling them and looking them up again.
  private lastResponseModel: string | undefined;
  private lastServiceTier: string | undefined;
  private lastModels: Labeller | undefined;
  private lastResponsePoints: ResponsePoints | undefined;

  readonly base: Attributes;
  /** The attribute set of the in-flight gauge (the base set through the attribute filter). */
  readonly activeAttributes: Attributes;
  constructor(
    private readonly sinks: Sinks,
    base: Attributes,
    filter: AttributeFilter | undefined,
    /** The rate-limit headers this series' responses carry (undefined: its provider sends none). */
    readonly rateLimitHeaders?: RateLimitHeaders | undefined,
  ) {
    this.base = sortedAttributes(base);
    this.noResponse = new ResponsePoints(sinks, base);
    const observed = (attrs: Attributes) => sortedAttributes(filter ? filter(attrs) : attrs);
    this.activeAttributes = observed(base);
    this.requestsAttributes = observed({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.REQUESTS });
    this.tokensAttributes = observed({ ...base, [ATTR_GENAI_METER_RATE_LIMIT_TYPE]: RATE_LIMIT_TYPE_VALUES.TOKENS });
  }

  /** The points for a response model label (already bounded by the ModelLimiter) and service tier label. */
  forResponse(label: string | undefined, serviceTier: string | undefined): ResponsePoints {
    if (label === undefined && serviceTier === undefined) return this.noResponse;
    // Nested maps keyed by strings that already exist: a lookup builds no key.
    let byTier = this.byResponse.get(label);
    if (!byTier) this.byResponse.set(label, (byTier = new Map()));
    let r = byTier.get(serviceTier);
    if (!r) {
      const attrs: Attributes = { ...this.base };
      if (label !== undefined) attrs[ATTR_GEN_AI_RESPONSE_MODEL] = label;
      if (serviceTier !== undefined) attrs[ATTR_OPENAI_RESPONSE_SERVICE_TIER] = serviceTier;
      r = new ResponsePoints(this.sinks, attrs);
      byTier.set(serviceTier, r);
    }
    return r;
  }

  /**
   * The points for a response model and service tier as the response reported them (undefined: none),
   * labelled by `models` (the ModelLimiter) and `tiers`. Labels of a name never change for a given limiter (an
   * admitted name stays admitted, one past the limit stays `_OTHER`), so the last answer is reused for the
   * same names and limiter.
   */
  pointsFor(responseModel: string | undefined, serviceTier: string | undefined, models: Labeller, tiers: Labeller): ResponsePoints {
    const last = this.lastResponsePoints;
    if (last !== undefined && responseModel === this.lastResponseModel && serviceTier === this.lastServiceTier && models === this.lastModels) return last;
    const points = this.forResponse(responseModel === undefined ? undefined : models.label(responseModel), serviceTier === undefined ? undefined : tiers.label(serviceTier));
    this.lastResponseModel = responseModel;
    this.lastServiceTier = serviceTier;
    this.lastModels = models;
    this.lastResponsePoints = points;
    return points;
  }

  /** genai_meter.client.retries for this series. */
  get retries(): Recording {
    return (this.retriesPoint ??= this.sinks.retries.bind(this.base));
  }

  /** Brings the rate-limit states up to the last headers seen (at collection time). */
  refreshRateLimits(names: RateLimitHeaders, maxAgeMillis: number): void {
    const headers = this.lastHeaders;
    if (headers === undefined || headers === this.parsedHeaders) return;
    this.parsedHeaders = headers;
    this.requests.update(headers, names.requests, this.lastHeadersAt, maxAgeMillis);
    this.tokens.update(headers, names.tokens, this.lastHeadersAt, maxAgeMillis);
  }
}

/** Receives one observed value (an ObservableResult's observe, or the MetricProducer's). */
export type Observe = (value: number, attributes: Attributes) => void;

/** Rate-limit headers without a reset time are current for this long after the response that carried them. */
export const DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS = 60_000;

/** All Series, per endpoint; observed by the in-flight and rate-limit instruments. */
export class SeriesRegistry {
  // endpoint -> operation -> request model label: nested maps keyed by strings that already exist, so a
  // lookup builds no key string.
  private readonly byEndpoint = new WeakMap<Endpoint, Map<string, Map<string | undefined, Series>>>();
  /** Every kept Series, in creation order (read by the observers at collection time). */
  readonly all: Series[] = [];
  // The last call's lookup (forCall): consecutive calls mostly name the same endpoint, operation and model.
  private lastEndpoint: Endpoint | undefined;
  private lastOperation: string | undefined;
  private lastRequestModel: string | undefined;
  private lastModels: Labeller | undefined;
  private lastSeries: Series | undefined;

  constructor(
    private readonly sinks: Sinks,
    private readonly maxSeries: number,
    private readonly filter: AttributeFilter | undefined,
    /** The provider's rate-limit response headers (undefined: it sends none), unless an endpoint names its own. */
    private readonly rateLimitHeaders: RateLimitHeaders | undefined,
    /** How long rate-limit headers without a reset time stay current (ms). */
    readonly rateLimitMaxAgeMillis = DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS,
  ) {}

  /**
   * The Series of a call: `requestModel` as the caller named it, labelled by `models` (the ModelLimiter). The
   * last lookup is reused when the same endpoint, operation, name and limiter come again (a name's label
   * never changes for a given limiter).
   */
  forCall(endpoint: Endpoint, operation: string, requestModel: string | undefined, models: Labeller): Series {
    const last = this.lastSeries;
    if (last !== undefined && endpoint === this.lastEndpoint && operation === this.lastOperation && requestModel === this.lastRequestModel && models === this.lastModels) return last;
    const series = this.get(endpoint, operation, requestModel === undefined ? undefined : models.label(requestModel));
    if (series.kept) {
      this.lastEndpoint = endpoint;
      this.lastOperation = operation;
      this.lastRequestModel = requestModel;
      this.lastModels = models;
      this.lastSeries = series;
    }
    return series;
  }

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
      series = new Series(this.sinks, base, this.filter, endpoint.rateLimitHeaders ?? this.rateLimitHeaders);
      // Past the bound a series still works for the call but is not kept (nor observed).
      if (this.all.length < this.maxSeries) {
        map.set(requestModelLabel, series);
        this.all.push(series);
        series.kept = true;
      }
    }
    return series;
  }

  observeActive(observe: Observe): void {
    for (const s of this.all) observe(s.active, s.activeAttributes);
  }

  observeRemaining(observe: Observe): void {
    const now = Date.now();
    for (const s of this.all) {
      const names = s.rateLimitHeaders;
      if (names === undefined) continue;
      s.refreshRateLimits(names, this.rateLimitMaxAgeMillis);
      const requests = s.requests.remainingAt(now);
      if (requests !== undefined) observe(requests, s.requestsAttributes);
      const tokens = s.tokens.remainingAt(now);
      if (tokens !== undefined) observe(tokens, s.tokensAttributes);
    }
  }

  observeLimit(observe: Observe): void {
    for (const s of this.all) {
      const names = s.rateLimitHeaders;
      if (names === undefined) continue;
      s.refreshRateLimits(names, this.rateLimitMaxAgeMillis);
      if (s.requests.limit !== undefined) observe(s.requests.limit, s.requestsAttributes);
      if (s.tokens.limit !== undefined) observe(s.tokens.limit, s.tokensAttributes);
    }
  }
}
