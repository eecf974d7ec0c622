// Observes a stream of an SDK built like openai's and Anthropic's (Stainless: a `Stream` with a private
// `iterator` factory and a `controller`) by replacing that factory, not Symbol.asyncIterator, so tee(),
// toReadableStream() and the SDK's stream helpers all pull through the same observed iterator. What a
// chunk means is the SDK's instrumentation's business (a ChunkObserver); timing and outcomes are here.
//
// Outcomes: a stream read to its end succeeded, unless the provider ended it with a failure event
// (Responses `response.failed` / `response.incomplete`). A caller that stops iterating after every choice
// has its finish_reason (or after the Responses final event) made a successful call; one that stops
// before is `cancelled`. When a usage report is due after the answer (include_usage), the chunk that
// completes the answer is held until the next event arrives (at most READ_AHEAD_MILLIS), so that the
// usage is seen even when the caller stops right at finish_reason.
import type { DiagLogger } from '@opentelemetry/api';
import type { Call } from './call.js';
import { ERROR_TYPE_VALUES } from './semconv.js';

export interface StreamLike {
  iterator: (...args: unknown[]) => AsyncIterator<unknown>;
  controller?: { signal?: AbortSignal };
}

/** What an observed iterator reads of the stream it belongs to (nothing, for other async iterables). */
type StreamState = Pick<StreamLike, 'controller'>;

export function isStreamLike(value: unknown): value is StreamLike {
  return value !== null && typeof value === 'object' && typeof (value as { iterator?: unknown }).iterator === 'function';
}

/** Returned by a ChunkObserver for a chunk the caller must not see (one the instrumentation asked for). */
export const HIDE = Symbol('genai-meter.hide');

/**
 * Reads what a chunk carries for the call (model, usage, finish, failure events) and returns what to deliver:
 * the chunk itself, a copy without what the instrumentation added, or HIDE.
 */
export type ChunkObserver = (call: Call, chunk: unknown) => unknown;

/**
 * Longest a chunk that completes the answer is held while the usage report that follows it is read. The
 * report is sent right after the last choice (OpenAI, DeepSeek, gateways), usually in the same network read.
 */
export const READ_AHEAD_MILLIS = 200;

const noop = (): void => undefined;

type Result = IteratorResult<unknown>;

class ObservedIterator implements AsyncIterator<unknown> {
  /** The next result, already read and observed ahead of the caller (see READ_AHEAD_MILLIS). */
  private ahead: Promise<Result> | undefined;
  private readAhead = false;

  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly call: Call,
    private readonly observe: ChunkObserver,
    private readonly stream: StreamState,
    private readonly diag: DiagLogger,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  // Not `async`: one promise per chunk (the source's), handlers bound once per stream. No rest parameter:
  // the argument is passed on only when the caller gave one, without an array per chunk.
  next(value?: unknown): Promise<Result> {
    const ahead = this.ahead;
    if (ahead !== undefined) {
      this.ahead = undefined;
      // An error read ahead counts once the caller receives it.
      return ahead.then(undefined, this.onError);
    }
    // eslint-disable-next-line prefer-rest-params
    const pending = arguments.length === 0 ? this.source.next() : this.source.next(value);
    return pending.then(this.onResult, this.onError);
  }

  private readonly onResult = (result: Result): Result | Promise<Result> => {
    const call = this.call;
    if (result.done) {
      // A Stream ends quietly when its request is aborted: cancelled, unless the answer was already complete
      // (a helper that reads the stream for the caller, like Anthropic's MessageStream, aborts it when the
      // caller stops reading).
      const aborted = this.stream.controller?.signal?.aborted === true && !call.complete;
      this.safely(() => call.finish(call.terminalError ?? (aborted ? ERROR_TYPE_VALUES.CANCELLED : undefined)));
      return result;
    }
    let deliver: unknown = result.value;
    try {
      deliver = this.observe(call, result.value);
    } catch (e) {
      this.diag.error('genai-meter: failed to observe a stream chunk', e);
    }
    if (deliver === HIDE) return this.source.next().then(this.onResult, this.onError);
    const out = deliver === result.value ? result : { done: false, value: deliver };
    if (call.complete && call.usageExpected && call.usage === undefined && !this.readAhead) return this.holdForUsage(out);
    return out;
  };

  /** Delivers `out` once the next event (normally the usage report) has been read, or after READ_AHEAD_MILLIS. */
  private holdForUsage(out: Result): Promise<Result> {
    this.readAhead = true;
    // Errors of the read-ahead are recorded when the caller receives them (next), not before.
    const ahead = this.source.next().then(this.onResult);
    ahead.then(noop, noop);
    this.ahead = ahead;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, READ_AHEAD_MILLIS, out);
      const release = (): void => {
        clearTimeout(timer);
        resolve(out);
      };
      ahead.then(release, release);
    });
  }

  private readonly onError = (err: unknown): never => {
    this.safely(() => this.call.fail(err));
    throw err;
  };

  async return(value?: unknown): Promise<Result> {
    const ahead = this.ahead;
    if (ahead !== undefined) {
      // The caller stopped while the usage report was being read: take it if it comes in time.
      this.ahead = undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, READ_AHEAD_MILLIS);
        const release = (): void => {
          clearTimeout(timer);
          resolve();
        };
        ahead.then(release, release);
      });
    }
    // Stopped early: the answer was complete (success, or the failure the provider reported) or it was not (cancelled).
    const call = this.call;
    this.safely(() => call.finish(call.complete ? call.terminalError : ERROR_TYPE_VALUES.CANCELLED));
    if (typeof this.source.return === 'function') return this.source.return(value);
    return { done: true, value };
  }

  async throw(err?: unknown): Promise<Result> {
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

/** True when the stream's iterator is now observed (false: it was already). */
export function observeStream(stream: StreamLike, call: Call, observe: ChunkObserver, diag: DiagLogger): boolean {
  const original = stream.iterator as StreamLike['iterator'] & { [OBSERVED]?: true };
  if (original[OBSERVED]) return false;
  const observedIterator = function observedIterator(this: unknown, ...args: unknown[]) {
    return new ObservedIterator(original.apply(this, args), call, observe, stream, diag);
  } as StreamLike['iterator'] & { [OBSERVED]?: true };
  observedIterator[OBSERVED] = true;
  stream.iterator = observedIterator;
  // A stream the caller drops unread leaves the in-flight count when it is collected.
  call.watch(stream);
  return true;
}

/** The iterator methods an async generator object carries (own, as tslib's, or from its prototype). */
interface GeneratorLike {
  next: (...args: unknown[]) => Promise<Result>;
  return?: (...args: unknown[]) => Promise<Result>;
  throw?: (...args: unknown[]) => Promise<Result>;
}

/**
 * Observes an async generator object in place, for SDKs that hand the caller the generator itself
 * (@google/genai): its `next`/`return`/`throw` become own properties that go through the observed iterator,
 * so `for await` (whose Symbol.asyncIterator returns the object) and direct `next()` calls are both seen,
 * and the caller holds the very object the SDK returned.
 */
export function observeAsyncGenerator(generator: object, call: Call, observe: ChunkObserver, diag: DiagLogger): boolean {
  const g = generator as GeneratorLike;
  const next = g.next as GeneratorLike['next'] & { [OBSERVED]?: true };
  if (typeof next !== 'function' || next[OBSERVED]) return false;
  const source: AsyncIterator<unknown> = {
    next: next.bind(g),
    return: typeof g.return === 'function' ? g.return.bind(g) : undefined,
    throw: typeof g.throw === 'function' ? g.throw.bind(g) : undefined,
  };
  const observed = new ObservedIterator(source, call, observe, {}, diag);
  // Bound functions pass on exactly the arguments they get (ObservedIterator.next tells next() from next(undefined)).
  const observedNext = observed.next.bind(observed) as GeneratorLike['next'] & { [OBSERVED]?: true };
  observedNext[OBSERVED] = true;
  // An own method (tslib's generator objects) is assigned, which keeps its attributes and the object's fast
  // shape; one from the prototype (a native generator) is shadowed by a hidden own property, like the original.
  const replace = (name: keyof GeneratorLike, value: unknown): void => {
    if (Object.prototype.hasOwnProperty.call(g, name)) (g as unknown as Record<string, unknown>)[name] = value;
    else Object.defineProperty(g, name, { value, configurable: true, writable: true });
  };
  try {
    replace('next', observedNext);
    if (source.return) replace('return', observed.return.bind(observed));
    if (source.throw) replace('throw', observed.throw.bind(observed));
  } catch {
    return false;
  }
  call.watch(generator);
  return true;
}

/**
 * Observes an async iterable that is not the SDK's Stream (another library's wrapper returned its own, or an
 * SDK whose streams are async generators): timing, usage and outcome through its async iterator.
 */
export function observeAsyncIterable(iterable: object, call: Call, observe: ChunkObserver, diag: DiagLogger): boolean {
  const factory = (iterable as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
  if (typeof factory !== 'function' || (factory as { [OBSERVED]?: true })[OBSERVED]) return false;
  const observed = function observedAsyncIterator(this: unknown) {
    const source = (factory as () => AsyncIterator<unknown>).call(this);
    return new ObservedIterator(source, call, observe, {}, diag);
  } as (() => AsyncIterator<unknown>) & { [OBSERVED]?: true };
  observed[OBSERVED] = true;
  try {
    Object.defineProperty(iterable, Symbol.asyncIterator, { value: observed, configurable: true, writable: true });
  } catch {
    return false;
  }
  call.watch(iterable);
  return true;
}
