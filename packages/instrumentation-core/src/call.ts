// One instrumented call: timing, outcome and everything recorded for it, exactly once.
import type { Attributes, DiagLogger } from '@opentelemetry/api';
import type { CallUsage } from '@genai-meter/pricing';
import type { Recording } from './aggregation.js';
import { classifyError } from './error-type.js';
import type { ModelLimiter } from './model-limiter.js';
import type { Pricer } from './pricer.js';
import type { Endpoint } from './provider.js';
import type { AttributeInterner } from './interner.js';
import { claimOuterCall } from './layers.js';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ERROR_TYPE_VALUES, GEN_AI_OPERATION_NAME_VALUES, type ErrorType } from './semconv.js';
import { Slot, type ResponsePoints, type Series, type SeriesRegistry, type ServiceTierLimiter } from './series.js';

/**
 * What every call of one instrumentation shares. Reconfiguring updates this object in place, so a call
 * reads the current series (and their sinks) when it starts.
 */
export interface Recorder {
  series: SeriesRegistry;
  limiter: ModelLimiter;
  pricing: Pricer | undefined;
  diag: DiagLogger;
  /** Extra low-cardinality attributes (from context, allow-listed) added to every point. */
  extraAttributes: (() => Attributes | undefined) | undefined;
  /** One canonical object per distinct extra attribute set, so their recordings are bound once. */
  interner: AttributeInterner;
  serviceTiers: ServiceTierLimiter;
  /** gen_ai.client.operation.time_per_output_chunk: one record per chunk (semconv), or off. */
  recordTimePerOutputChunk: boolean;
  warnedUnpriced: Set<string>;
}

/**
 * Calls whose result can no longer be observed by anyone (a stream or APIPromise the caller dropped without
 * reading it to the end) are finished as cancelled when the object is collected, so they leave the
 * in-flight count.
 */
const abandoned = new FinalizationRegistry<Call>((call) => call.finish(ERROR_TYPE_VALUES.CANCELLED));

export class Call {
  readonly start = performance.now();
  responseModel: string | undefined;
  /** `service_tier` of the response (OpenAI and compatible providers), when it reported one. */
  serviceTier: string | undefined;
  /**
   * A service tier that prices the call when `serviceTier` is unset and is never an attribute (semconv has a
   * tier attribute for OpenAI only): the tier the request asked for, from an API whose responses do not say
   * which tier served them (Gemini's `config.serviceTier`), or the one Anthropic reports in `usage.service_tier`.
   */
  requestedServiceTier: string | undefined;
  /**
   * Usage as the provider reported it, in the convention of @genai-meter/pricing: input includes cache reads
   * and writes, output includes reasoning. Never estimated.
   */
  usage: CallUsage | undefined;
  /** Headers of the (successful) response, once they arrived. */
  headers: { get(name: string): string | null } | undefined;
  /** The cost the provider reported for this call (OpenRouter `usage.cost`, LiteLLM's header), in USD. */
  reportedCostUsd: number | undefined;
  /** Set when the instrumentation added stream_options.include_usage; the usage-only chunk is then hidden. */
  hideUsageChunk = false;
  /** A usage report will follow the answer in this stream (the caller or the instrumentation asked for it). */
  usageExpected = false;
  /** Choices a chat/completions stream answers with (the request's `n`). */
  expectedChoices = 1;
  /** Set when every choice of a stream has its finish_reason, or a Responses stream reached its final event. */
  complete = false;
  /** How a stream that reached its end failed although its HTTP status said success (Responses failed/incomplete). */
  terminalError: ErrorType | undefined;
  private finishedChoices: Set<number> | undefined;
  private watched = false;
  private readonly series: Series;
  /** Attribution attributes of the scope the call was made in (read once, at the start). */
  private readonly extra: Attributes | undefined;
  private inFlight = true;
  private firstChunkAt = 0;
  private lastChunkAt = 0;
  private timePerChunk: Recording | undefined;
  private finished = false;

  constructor(
    private readonly rec: Recorder,
    readonly operation: string,
    readonly endpoint: Endpoint,
    readonly requestModel: string | undefined,
    readonly stream: boolean,
  ) {
    // A layer above this one (the AI SDK's model call) started the same HTTP call: this one records it.
    claimOuterCall();
    // Attribution first: its hook may reconfigure the recorder (a late-found app MeterProvider).
    const extra = extraAttributes(rec);
    this.extra = extra === undefined ? undefined : rec.interner.intern(extra);
    this.series = rec.series.forCall(endpoint, operation, requestModel, rec.limiter);
    this.series.active++;
  }

  /** The points of this call's response model and service tier. */
  private points(): ResponsePoints {
    return this.series.pointsFor(this.responseModel, this.serviceTier, this.rec.limiter, this.rec.serviceTiers);
  }

  /** A choice of a chat/completions stream carried its finish_reason. */
  choiceFinished(index: unknown): void {
    if (this.expectedChoices === 1) {
      this.complete = true;
      return;
    }
    (this.finishedChoices ??= new Set()).add(typeof index === 'number' ? index : 0);
    if (this.finishedChoices.size >= this.expectedChoices) this.complete = true;
  }

  /**
   * Finish the call as cancelled if `target` (the stream or promise the caller holds) is collected before
   * the call ends. Replaces an earlier watch.
   */
  watch(target: object): void {
    if (this.finished) return;
    if (this.watched) abandoned.unregister(this);
    abandoned.register(target, this, this);
    this.watched = true;
  }

  private leave(): void {
    if (this.inFlight) {
      this.inFlight = false;
      this.series.active--;
    }
  }

  /** Response headers arrived (success status). A non-streaming call is no longer waiting on the provider. */
  onHeaders(headers: { get(name: string): string | null } | undefined): void {
    this.headers = headers;
    if (headers) {
      this.series.lastHeaders = headers;
      this.series.lastHeadersAt = Date.now();
    }
    if (!this.stream) this.leave();
  }

  /** A chunk (chat/completions) or an output delta event (responses) of a stream arrived. */
  onChunk(): void {
    if (this.firstChunkAt !== 0) {
      // Without the per-chunk record only the first chunk's time is used: no clock read for the others.
      const timePerChunk = this.timePerChunk;
      if (timePerChunk === undefined) return;
      const now = performance.now();
      timePerChunk.record((now - this.lastChunkAt) / 1000);
      this.lastChunkAt = now;
      return;
    }
    const now = performance.now();
    this.firstChunkAt = now;
    this.lastChunkAt = now;
    const points = this.points();
    points.pointWith(Slot.TimeToFirstChunk, this.extra).record((now - this.start) / 1000);
    if (this.rec.recordTimePerOutputChunk) this.timePerChunk = points.pointWith(Slot.TimePerOutputChunk, this.extra);
  }

  /** The call cannot be observed (an unexpected return value): no longer in flight, nothing recorded. */
  discard(): void {
    this.finished = true;
    this.leave();
  }

  /** The call failed: an HTTP error, a connection failure, a parse error or a stream that broke. */
  fail(err: unknown): void {
    if (this.finished) return;
    const { type, status } = classifyError(err);
    this.finish(type, status);
  }

  /** The call ended without a thrown error; `errorType` marks a cancellation. */
  finish(errorType?: ErrorType, status?: number): void {
    if (this.finished) return;
    this.finished = true;
    if (this.watched) abandoned.unregister(this);
    this.leave();
    const seconds = (performance.now() - this.start) / 1000;
    const points = this.points();
    const extra = this.extra;
    if (errorType === undefined) {
      points.pointWith(Slot.Duration, extra).record(seconds);
    } else {
      // Failures are rare and their status varies: their attribute set is bound per call.
      const errorAttrs: Attributes = { ...extra, [ATTR_ERROR_TYPE]: errorType };
      if (status !== undefined) errorAttrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
      points.pointWith(Slot.Duration, errorAttrs).record(seconds);
    }
    if (this.usage) this.recordUsage(this.usage, points, extra);
  }

  private recordUsage(u: CallUsage, points: ResponsePoints, extra: Attributes | undefined): void {
    const { pricing } = this.rec;
    if (u.inputTokens !== undefined) points.pointWith(Slot.InputTokens, extra).record(u.inputTokens);
    if (u.outputTokens !== undefined && this.operation !== GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS) points.pointWith(Slot.OutputTokens, extra).record(u.outputTokens);
    if ((u.cacheReadTokens ?? 0) > 0) points.pointWith(Slot.CacheReadTokens, extra).record(u.cacheReadTokens!);
    if ((u.cacheWriteTokens ?? 0) > 0) points.pointWith(Slot.CacheWriteTokens, extra).record(u.cacheWriteTokens!);
    if ((u.reasoningTokens ?? 0) > 0) points.pointWith(Slot.ReasoningTokens, extra).record(u.reasoningTokens!);
    if (!pricing) return;
    const cost = pricing.priceCall([this.responseModel, this.requestModel], u, {
      serviceTier: this.serviceTier ?? this.requestedServiceTier,
      reportedUsd: this.reportedCostUsd,
    });
    if (cost.priced) {
      points.pointWith(cost.source === 'provider' ? Slot.ProviderCost : Slot.Cost, extra).record(cost.totalUsd);
      return;
    }
    points.pointWith(Slot.UnpricedCalls, extra).record(1);
    const model = this.responseModel ?? this.requestModel ?? '(none)';
    const key = `${model} ${cost.reason}`;
    if (!this.rec.warnedUnpriced.has(key) && this.rec.warnedUnpriced.size < 1000) {
      this.rec.warnedUnpriced.add(key);
      this.rec.diag.warn(
        `no price for a call of "${model}" (${cost.reason}${cost.detail ? `: ${cost.detail}` : ''}): counted on genai_meter.client.unpriced_calls ` +
          'without gen_ai.usage.cost; add the price with GENAI_METER_PRICING_FILE or the pricing option',
      );
    }
  }
}

function extraAttributes(rec: Recorder): Attributes | undefined {
  if (!rec.extraAttributes) return undefined;
  try {
    return rec.extraAttributes();
  } catch (e) {
    // A broken attribution hook costs its attributes, not the measurement.
    rec.diag.error('genai-meter: extraAttributes failed; recording without them', e);
    return undefined;
  }
}

