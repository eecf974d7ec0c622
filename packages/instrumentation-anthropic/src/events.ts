// What a Messages API stream's events carry for a call (a ChunkObserver for @genai-meter/instrumentation-core):
// message_start (model, input usage, tier), content_block_delta (output chunks), message_delta (stop_reason and
// the cumulative usage), message_stop. An `error` event is thrown by the SDK, never delivered: the call
// fails with the error's type (overloaded_error, rate_limit_error, ...).
import type { Call, ChunkObserver } from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { mergeUsage, obj, pricingTier, usageFromMessage, type Obj } from './usage.js';

/** A fresh observer per stream: it keeps message_start's usage until message_delta completes it. */
export function messageEventObserver(): ChunkObserver {
  let startUsage: Obj | undefined;
  return (call: Call, event: unknown): unknown => {
    const e = obj(event);
    if (!e) return event;
    const type = e.type;
    if (type === 'content_block_delta') {
      // Text, thinking and tool-input deltas are output; a thinking block's closing signature is not.
      if (obj(e.delta)?.type !== 'signature_delta') call.onChunk();
      return event;
    }
    if (type === 'message_start') {
      const message = obj(e.message);
      if (typeof message?.model === 'string') call.responseModel = message.model;
      startUsage = obj(message?.usage);
      if (startUsage) {
        // The input side is final here; a stream that ends before message_delta still used (and is billed for) it.
        call.usage = usageFromMessage(startUsage, false);
        call.requestedServiceTier = pricingTier(startUsage);
      }
    } else if (type === 'message_delta') {
      const usage = obj(e.usage);
      if (usage) {
        const merged = mergeUsage(startUsage, usage);
        call.usage = usageFromMessage(merged, true);
        if (call.endpoint.viaGateway) call.reportedCostUsd = readReportedCost({ usage: merged, headers: call.headers })?.usd;
      }
      // The answer is complete: a caller that stops reading now made a successful call.
      if (obj(e.delta)?.stop_reason != null) call.complete = true;
    } else if (type === 'message_stop') {
      call.complete = true;
    }
    return event;
  };
}
