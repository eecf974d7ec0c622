// One instrumented call: timing, outcome and everything recorded for it, exactly once.
import type { Attributes, DiagLogger } from '@opentelemetry/api';
import type { PriceCatalog } from '@genai-meter/pricing';
import type { Recording } from './aggregation.js';
import { classifyError } from './error-type.js';
import type { ModelLimiter } from './model-limiter.js';
import type { Endpoint } from './provider.js';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, type ErrorType } from './semconv.js';
import { Slot, type ResponsePoints, type Series, type SeriesRegistry } from './series.js';
import type { ReportedUsage } from './usage.js';

/**
 * What every call of one instrumentation shares. Reconfiguring updates this object in place, so a call
 * reads the current series (and their sinks) when it starts.
 */
export interface Recorder {
  series: SeriesRegistry;
  limiter: ModelLimiter;
  pricing: PriceCatalog | undefined;
  diag: DiagLogger;
  /** Extra low-cardinality attributes (from context, allow-listed) added to every point. */
  extraAttributes: (() => Attributes | undefined) | undefined;
  /** gen_ai.client.operation.time_per_output_chunk: one record per chunk (semconv), or off. */
  recordTimePerOutputChunk: boolean;
  warnedUnpriced: Set<string>;
}

export const enum CallApi {
  ChatCompletions,
  Completions,
  Responses,
  Embeddings,
}

export class Call {
  readonly start = performance.now();
  responseModel: string | undefined;
  usage: ReportedUsage | undefined;
  /** Set when the instrumentation added stream_options.include_usage; the usage-only chunk is then hidden. */
  hideUsageChunk = false;
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
    readonly api: CallApi,
    operation: string,
    endpoint: Endpoint,
    readonly requestModel: string | undefined,
    readonly stream: boolean,
  ) {
    // Attribution first: its hook may reconfigure the recorder (a late-found app MeterProvider).
    this.extra = extraAttributes(rec);
    this.series = rec.series.get(endpoint, operation, rec.limiter.label(requestModel));
    this.series.active++;
  }

  /** The points of this call's response model. */
  private points(): ResponsePoints {
    return this.series.forResponseModel(this.rec.limiter.label(this.responseModel));
  }

  private leave(): void {
    if (this.inFlight) {
      this.inFlight = false;
      this.series.active--;
    }
  }

  /** Response headers arrived (success status). A non-streaming call is no longer waiting on the provider. */
  onHeaders(headers: { get(name: string): string | null } | undefined): void {
    if (headers) this.series.lastHeaders = headers;
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

  private recordUsage(u: ReportedUsage, points: ResponsePoints, extra: Attributes | undefined): void {
    const { pricing } = this.rec;
    if (u.inputTokens !== undefined) points.pointWith(Slot.InputTokens, extra).record(u.inputTokens);
    if (u.outputTokens !== undefined && this.api !== CallApi.Embeddings) points.pointWith(Slot.OutputTokens, extra).record(u.outputTokens);
    if (u.cacheReadTokens > 0) points.pointWith(Slot.CacheReadTokens, extra).record(u.cacheReadTokens);
    if (u.cacheWriteTokens > 0) points.pointWith(Slot.CacheWriteTokens, extra).record(u.cacheWriteTokens);
    if (u.reasoningTokens > 0) points.pointWith(Slot.ReasoningTokens, extra).record(u.reasoningTokens);
    if (!pricing) return;
    const cost = pricing.costFor([this.responseModel, this.requestModel], {
      inputTokens: u.inputTokens ?? 0,
      outputTokens: u.outputTokens ?? 0,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      reasoningTokens: u.reasoningTokens,
    });
    if (cost) {
      points.pointWith(Slot.Cost, extra).record(cost.totalUsd);
      return;
    }
    points.pointWith(Slot.UnpricedCalls, extra).record(1);
    const model = this.responseModel ?? this.requestModel ?? '(none)';
    if (!this.rec.warnedUnpriced.has(model) && this.rec.warnedUnpriced.size < 1000) {
      this.rec.warnedUnpriced.add(model);
      this.rec.diag.warn(
        `no price for model "${model}": its calls are counted on genai_meter.client.unpriced_calls and carry no gen_ai.usage.cost; ` +
          'add it with GENAI_METER_PRICING_FILE or the pricing option',
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

