// The AI SDK retries a failed model call itself (maxRetries, default 2: 408/409/429/5xx and connection
// failures, after a backoff), calling the model again with the same request. As with the openai SDK's own
// retries, the attempts of one model call are one operation: its duration runs from the first attempt to
// the last, its outcome is the last attempt's, and each further attempt counts on genai_meter.client.retries.
//
// An attempt that fails in a way the SDK retries, with retries left, stays pending in the context of the
// generateText/streamText/embed... call that made it (an AsyncLocalStorage store opened by that call): the
// next attempt with the same request continues it. If none comes (the caller aborted during the backoff, or
// the SDK decided otherwise), the pending failure is recorded when the request is aborted, or when the call's
// context is collected.
import { AsyncLocalStorage } from 'node:async_hooks';
import { ERROR_TYPE_VALUES, type Call, type ErrorType } from '@genai-meter/instrumentation-core';

/** The AI SDK's default maxRetries (ai 5-7). */
export const DEFAULT_MAX_RETRIES = 2;

interface Pending {
  model: object;
  /** The request the attempt sent (its prompt or values): the SDK passes the same one to every attempt. */
  request: unknown;
  call: Call;
  failures: number;
  type: ErrorType;
  status: number | undefined;
  release: () => void;
}

/** One generateText/streamText/generateObject/streamObject/embed/embedMany (or Agent) call. */
export interface EntryContext {
  readonly maxRetries: number;
  pending: Pending[] | undefined;
}

const entries = new AsyncLocalStorage<EntryContext>();

/** Runs `fn` (the SDK's entry function) as the context its model calls' attempts belong to. */
export function runEntry<T>(maxRetries: unknown, fn: () => T): T {
  const context: EntryContext = { maxRetries: typeof maxRetries === 'number' && maxRetries >= 0 ? maxRetries : DEFAULT_MAX_RETRIES, pending: undefined };
  return entries.run(context, fn);
}

// Pending failures of a context nobody will continue are recorded when the context is collected.
const orphans = new FinalizationRegistry<Pending[]>((pending) => {
  for (const p of pending) p.call.finish(p.type, p.status);
});

/** An earlier attempt of the same model call that this attempt retries, with the failures before it. */
export function takePending(model: object, request: unknown): { call: Call; failures: number } | undefined {
  const pending = entries.getStore()?.pending;
  if (!pending || pending.length === 0) return undefined;
  // The same request (embedMany's chunks run in parallel); else the oldest attempt of this model (a middleware
  // may rebuild the request for each attempt).
  let i = pending.findIndex((p) => p.model === model && p.request === request);
  if (i < 0) i = pending.findIndex((p) => p.model === model);
  if (i < 0) return undefined;
  const [p] = pending.splice(i, 1);
  p!.release();
  return { call: p!.call, failures: p!.failures };
}

/**
 * Keeps a failed attempt pending when the SDK will retry it (true), or returns false so that the caller
 * records the failure. `failures` counts this one.
 */
export function keepForRetry(
  model: object,
  request: unknown,
  call: Call,
  failures: number,
  err: unknown,
  classified: { type: ErrorType; status: number | undefined },
  signal: unknown,
): boolean {
  const context = entries.getStore();
  if (!context) return false;
  if ((err as { isRetryable?: unknown } | null)?.isRetryable !== true || failures > context.maxRetries) return false;
  const abortSignal = signal instanceof AbortSignal ? signal : undefined;
  if (abortSignal?.aborted) return false;
  // The list is what the registry holds for the context: nothing in it may refer to the context.
  if (!context.pending) {
    context.pending = [];
    orphans.register(context, context.pending);
  }
  const list = context.pending;
  const pending: Pending = { model, request, call, failures, type: classified.type, status: classified.status, release: () => undefined };
  if (abortSignal) {
    // Aborted during the backoff: the SDK makes no further attempt.
    const onAbort = (): void => {
      const i = list.indexOf(pending);
      if (i >= 0) list.splice(i, 1);
      call.finish(ERROR_TYPE_VALUES.CANCELLED);
    };
    abortSignal.addEventListener('abort', onAbort, { once: true });
    pending.release = () => abortSignal.removeEventListener('abort', onAbort);
  }
  list.push(pending);
  return true;
}
