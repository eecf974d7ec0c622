// Observes an openai `Stream` by replacing its private `iterator` factory, not Symbol.asyncIterator, so
// tee(), toReadableStream() and the SDK's stream helpers all pull through the same observed iterator.
import type { DiagLogger } from '@opentelemetry/api';
import { CallApi, type Call } from './call.js';
import { ERROR_TYPE_VALUES } from './semconv.js';
import { usageFromCompletion, usageFromResponse } from './usage.js';

export interface StreamLike {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: AbortSignal };
}

export function isStreamLike(value: unknown): value is StreamLike {
  return value !== null && typeof value === 'object' && typeof (value as { iterator?: unknown }).iterator === 'function';
}

type Chunk = Record<string, unknown>;

/** Returned by observeChunk for a chunk the caller must not see. */
const HIDE = Symbol('hide');

/**
 * Reads what a chunk carries for the call; returns the chunk to deliver (itself, or a copy without what
 * the instrumentation added) or HIDE.
 */
function observeChunk(call: Call, chunk: unknown): unknown {
  if (chunk === null || typeof chunk !== 'object') return chunk;
  const c = chunk as Chunk;
  if (call.api === CallApi.Responses) {
    const type = c.type;
    if (typeof type !== 'string') return chunk;
    if (type.endsWith('.delta')) call.onChunk();
    else if (type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed' || type === 'response.created') {
      const response = c.response as Chunk | undefined;
      if (response && typeof response.model === 'string') call.responseModel = response.model;
      const usage = response ? usageFromResponse(response.usage) : undefined;
      if (usage) call.usage = usage;
    }
    return chunk;
  }
  if (call.responseModel === undefined && typeof c.model === 'string') call.responseModel = c.model;
  const choices = c.choices;
  const hasChoices = Array.isArray(choices) && choices.length > 0;
  if (hasChoices) call.onChunk();
  if (c.usage != null) {
    const usage = usageFromCompletion(c.usage);
    if (usage) call.usage = usage;
    // The usage-only chunk exists only because the instrumentation asked for it.
    if (call.hideUsageChunk && !hasChoices) return HIDE;
  } else if (call.hideUsageChunk && c.usage === null) {
    // With include_usage every chunk carries `usage: null`; without it the key is absent. A copy without
    // the key, not `delete`: delete turns the object into a slow dictionary, and openai 7 spreads every
    // chunk right after (about 1 µs per chunk).
    const { usage: _usage, ...rest } = c;
    return rest;
  }
  return chunk;
}

class ObservedIterator implements AsyncIterator<unknown> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly call: Call,
    private readonly stream: StreamLike,
    private readonly diag: DiagLogger,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  // Not `async`: one promise per chunk (the source's), handlers bound once per stream. No rest parameter:
  // the argument is passed on only when the caller gave one, without an array per chunk.
  next(value?: unknown): Promise<IteratorResult<unknown>> {
    // eslint-disable-next-line prefer-rest-params
    const pending = arguments.length === 0 ? this.source.next() : this.source.next(value);
    return pending.then(this.onResult, this.onError);
  }

  private readonly onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
    if (result.done) {
      this.safely(() => this.call.finish(this.stream.controller?.signal?.aborted ? ERROR_TYPE_VALUES.CANCELLED : undefined));
      return result;
    }
    let deliver: unknown = result.value;
    try {
      deliver = observeChunk(this.call, result.value);
    } catch (e) {
      this.diag.error('genai-meter: failed to observe a stream chunk', e);
    }
    if (deliver === HIDE) return this.next();
    return deliver === result.value ? result : { done: false, value: deliver };
  };

  private readonly onError = (err: unknown): never => {
    this.safely(() => this.call.fail(err));
    throw err;
  };

  async return(value?: unknown): Promise<IteratorResult<unknown>> {
    // The caller stopped iterating before the end: the call is over, cancelled by the caller.
    this.safely(() => this.call.finish(ERROR_TYPE_VALUES.CANCELLED));
    if (typeof this.source.return === 'function') return this.source.return(value);
    return { done: true, value };
  }

  async throw(err?: unknown): Promise<IteratorResult<unknown>> {
    this.safely(() => this.call.fail(err));
    if (typeof this.source.throw === 'function') return this.source.throw(err);
    throw err;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.diag.error('genai-meter: failed to record a stream outcome', e);
    }
  }
}

/** Marks the iterator factory installed here, so a stream reached twice (openai 7) is observed once. */
const OBSERVED = Symbol('genai-meter.observed');

export function observeStream(stream: StreamLike, call: Call, diag: DiagLogger): void {
  const original = stream.iterator as StreamLike['iterator'] & { [OBSERVED]?: true };
  if (original[OBSERVED]) return;
  const observedIterator = function observedIterator(this: unknown, ...args: unknown[]) {
    return new ObservedIterator(original.apply(this, args), call, stream, diag);
  } as StreamLike['iterator'] & { [OBSERVED]?: true };
  observedIterator[OBSERVED] = true;
  stream.iterator = observedIterator;
}
