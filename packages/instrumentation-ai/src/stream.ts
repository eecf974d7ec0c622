// A model call's stream (doStream's `stream`: a ReadableStream of LanguageModel stream parts) observed part by
// part on the way to the AI SDK: time to first output delta and between deltas, the response model, usage
// and how it ended. The parts reach the SDK unchanged and at its pace (the observer reads only when the SDK
// reads).
//
// Outcomes: the `finish` part ends the call (success, or the error an earlier `error` part or an `error`
// finish reason reported); a stream that ends without a finish part succeeded unless an error part came;
// one cancelled before its finish part (the caller stopped, or aborted the request) is `cancelled`; a read
// that fails (the connection broke) is classified as any failure.
import type { DiagLogger } from '@opentelemetry/api';
import { ERROR_TYPE_VALUES, type Call } from '@genai-meter/instrumentation-core';
import { errorTypeOfPart } from './errors.js';
import { languageModelUsage, rawUsage, type UsageFamily } from './usage.js';

type Part = { type?: unknown; [key: string]: unknown };

/** What the model call's stream parts say, beyond the Call's own state. */
export interface StreamReading {
  family: UsageFamily;
  /** Reads the cost a gateway reports in its usage (set only for endpoints that may). */
  reportedCost: ((raw: unknown) => number | undefined) | undefined;
}

function observePart(call: Call, part: Part, reading: StreamReading): boolean {
  const type = part.type;
  if (typeof type !== 'string') return false;
  if (type.endsWith('-delta')) {
    // Output arrived (OpenAI's first chunk carries only the role: an empty delta the SDK drops).
    if (part.delta !== '') call.onChunk();
    return false;
  }
  switch (type) {
    case 'response-metadata':
      if (typeof part.modelId === 'string') call.responseModel = part.modelId;
      return false;
    case 'error':
      call.terminalError ??= errorTypeOfPart(part.error);
      return false;
    case 'finish': {
      const usage = languageModelUsage(part.usage, part.providerMetadata, reading.family);
      if (usage) call.usage = usage;
      if (reading.reportedCost) call.reportedCostUsd = reading.reportedCost(rawUsage(part.usage));
      const serviceTier = (part.providerMetadata as { openai?: { serviceTier?: unknown } } | undefined)?.openai?.serviceTier;
      if (typeof serviceTier === 'string') call.serviceTier = serviceTier;
      const reason = part.finishReason;
      const unified = typeof reason === 'string' ? reason : (reason as { unified?: unknown } | undefined)?.unified;
      if (unified === 'error') call.terminalError ??= ERROR_TYPE_VALUES.SERVER_ERROR;
      call.complete = true;
      return true;
    }
  }
  return false;
}

/** A stream reading `source` for the caller, with `call` observing every part; null when `source` is not a ReadableStream. */
export function observeModelStream(source: unknown, call: Call, reading: StreamReading, diag: DiagLogger): ReadableStream<unknown> | null {
  if (!(source instanceof ReadableStream)) return null;
  const reader = (source as ReadableStream<unknown>).getReader();
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      diag.error('genai-meter: failed to observe a model stream', e);
    }
  };
  let controller!: ReadableStreamDefaultController<unknown>;
  // One read of the source per pull, its handlers made once per stream: a pull costs the read's promise and
  // the one `then` returns (no async function, no promise of its own per part).
  const onRead = (result: ReadableStreamReadResult<unknown>): void => {
    if (result.done) {
      safely(() => call.finish(call.terminalError));
      controller.close();
      return;
    }
    const part = result.value;
    if (part !== null && typeof part === 'object') {
      try {
        if (observePart(call, part as Part, reading)) call.finish(call.terminalError);
      } catch (e) {
        diag.error('genai-meter: failed to observe a model stream', e);
      }
    }
    controller.enqueue(part);
  };
  const onReadError = (err: unknown): void => {
    safely(() => call.fail(err));
    controller.error(err);
  };
  const observed = new ReadableStream<unknown>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        return reader.read().then(onRead, onReadError);
      },
      cancel(reason) {
        // Stopped before the finish part: the answer was not complete (unless an error part ended it).
        safely(() => call.finish(call.terminalError ?? ERROR_TYPE_VALUES.CANCELLED));
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  // A stream the SDK drops unread leaves the in-flight count when it is collected.
  call.watch(observed);
  return observed;
}
