// One instrumented call: timing, outcome and everything recorded for it, exactly once.
import type { Attributes, DiagLogger } from '@opentelemetry/api';
import type { PriceCatalog } from '@genai-meter/pricing';
import { classifyError } from './error-type.js';
import type { ActiveRequest, Instruments, MetricState } from './metrics.js';
import type { ModelLimiter } from './model-limiter.js';
import type { Endpoint } from './provider.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_TOKEN_DETAIL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE_VALUES,
  GEN_AI_TOKEN_TYPE_VALUES,
  TOKEN_DETAIL_VALUES,
  type ErrorType,
} from './semconv.js';
import type { ReportedUsage } from './usage.js';

/** What every call of one instrumentation shares. */
export interface Recorder {
  instruments: Instruments;
  state: MetricState;
  limiter: ModelLimiter;
  pricing: PriceCatalog | undefined;
  diag: DiagLogger;
  /** Extra low-cardinality attributes (from context, allow-listed) added to every point; see attributes.ts. */
  extraAttributes: (() => Attributes | undefined) | undefined;
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
  readonly requestModelLabel: string | undefined;
  responseModel: string | undefined;
  usage: ReportedUsage | undefined;
  /** Set when the instrumentation added stream_options.include_usage; the usage-only chunk is then hidden. */
  hideUsageChunk = false;
  private active: ActiveRequest | undefined;
  private firstChunkAt = 0;
  private lastChunkAt = 0;
  private chunkAttributes: Attributes | undefined;
  private finished = false;

  constructor(
    private readonly rec: Recorder,
    readonly operation: string,
    readonly api: CallApi,
    readonly endpoint: Endpoint,
    readonly requestModel: string | undefined,
    readonly stream: boolean,
  ) {
    this.requestModelLabel = rec.limiter.label(requestModel);
    const key = `${endpoint.provider}|${endpoint.address}|${endpoint.port}|${operation}|${this.requestModelLabel}`;
    this.active = rec.state.active.enter(key, () => this.commonAttributes(undefined));
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private commonAttributes(responseModel: string | undefined): Attributes {
    const a: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: this.operation,
      [ATTR_GEN_AI_PROVIDER_NAME]: this.endpoint.provider,
    };
    if (this.requestModelLabel !== undefined) a[ATTR_GEN_AI_REQUEST_MODEL] = this.requestModelLabel;
    if (responseModel !== undefined) a[ATTR_GEN_AI_RESPONSE_MODEL] = this.rec.limiter.label(responseModel);
    if (this.endpoint.address !== undefined) {
      a[ATTR_SERVER_ADDRESS] = this.endpoint.address;
      a[ATTR_SERVER_PORT] = this.endpoint.port;
    }
    return a;
  }

  private attributes(): Attributes {
    const a = this.commonAttributes(this.responseModel);
    if (!this.rec.extraAttributes) return a;
    try {
      const extra = this.rec.extraAttributes();
      return extra ? Object.assign(a, extra) : a;
    } catch (e) {
      // A broken attribution hook costs its attributes, not the measurement.
      this.rec.diag.error('genai-meter: extraAttributes failed; recording without them', e);
      return a;
    }
  }

  private leave(): void {
    if (this.active) {
      this.active.count--;
      this.active = undefined;
    }
  }

  /** Response headers arrived (success status). A non-streaming call is no longer waiting on the provider. */
  onHeaders(headers: { get(name: string): string | null } | undefined): void {
    if (headers) {
      const e = this.endpoint;
      this.rec.state.rateLimits.update(`${e.provider}|${e.address}|${e.port}|${this.requestModelLabel}`, () => this.commonAttributes(undefined), headers);
    }
    if (!this.stream) this.leave();
  }

  /** A chunk (chat/completions) or an output delta event (responses) of a stream arrived. */
  onChunk(): void {
    const now = performance.now();
    if (this.firstChunkAt === 0) {
      this.firstChunkAt = now;
      this.chunkAttributes = this.attributes();
      this.rec.instruments.timeToFirstChunk.record((now - this.start) / 1000, this.chunkAttributes);
    } else {
      this.rec.instruments.timePerOutputChunk.record((now - this.lastChunkAt) / 1000, this.chunkAttributes);
    }
    this.lastChunkAt = now;
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
    const rec = this.rec;
    const seconds = (performance.now() - this.start) / 1000;
    const attrs = this.attributes();
    if (errorType === undefined) {
      rec.instruments.duration.record(seconds, attrs);
    } else {
      const errorAttrs: Attributes = { ...attrs, [ATTR_ERROR_TYPE]: errorType };
      if (status !== undefined) errorAttrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
      rec.instruments.duration.record(seconds, errorAttrs);
    }
    if (this.usage) this.recordUsage(this.usage, attrs);
  }

  private recordUsage(u: ReportedUsage, attrs: Attributes): void {
    const { instruments, pricing } = this.rec;
    if (u.inputTokens !== undefined) {
      instruments.tokenUsage.record(u.inputTokens, { ...attrs, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.INPUT });
    }
    if (u.outputTokens !== undefined && this.api !== CallApi.Embeddings) {
      instruments.tokenUsage.record(u.outputTokens, { ...attrs, [ATTR_GEN_AI_TOKEN_TYPE]: GEN_AI_TOKEN_TYPE_VALUES.OUTPUT });
    }
    if (u.cacheReadTokens > 0) instruments.tokenDetails.add(u.cacheReadTokens, { ...attrs, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_READ });
    if (u.cacheWriteTokens > 0) instruments.tokenDetails.add(u.cacheWriteTokens, { ...attrs, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.CACHE_WRITE });
    if (u.reasoningTokens > 0) instruments.tokenDetails.add(u.reasoningTokens, { ...attrs, [ATTR_GENAI_METER_TOKEN_DETAIL]: TOKEN_DETAIL_VALUES.REASONING });
    if (!pricing) return;
    const cost = pricing.costFor([this.responseModel, this.requestModel], {
      inputTokens: u.inputTokens ?? 0,
      outputTokens: u.outputTokens ?? 0,
      cacheReadTokens: u.cacheReadTokens,
      cacheWriteTokens: u.cacheWriteTokens,
      reasoningTokens: u.reasoningTokens,
    });
    if (cost) {
      instruments.cost.record(cost.totalUsd, attrs);
      return;
    }
    instruments.unpricedCalls.add(1, attrs);
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

export const CANCELLED = ERROR_TYPE_VALUES.CANCELLED;
