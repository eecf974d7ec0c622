// What openai's stream chunks and events carry for a call (ChunkObservers for @genai-meter/instrumentation-core):
// chat and legacy completion chunks, and Responses API events.
import { ERROR_TYPE_VALUES, HIDE, errorTypeForBody, type Call } from '@genai-meter/instrumentation-core';
import { readReportedCost } from '@genai-meter/pricing';
import { usageFromCompletion, usageFromResponse } from './usage.js';

type Chunk = Record<string, unknown>;

/** A Responses API stream event: output deltas, the response's model, tier and usage, how it ended. */
export function observeResponsesEvent(call: Call, event: unknown): unknown {
  if (event === null || typeof event !== 'object') return event;
  const c = event as Chunk;
  const type = c.type;
  if (typeof type !== 'string') return event;
  if (type.endsWith('.delta')) {
    call.onChunk();
    return event;
  }
  switch (type) {
    case 'response.created':
    case 'response.in_progress':
    case 'response.completed':
    case 'response.incomplete':
    case 'response.failed': {
      const response = c.response as Chunk | undefined;
      if (response) {
        if (typeof response.model === 'string') call.responseModel = response.model;
        if (typeof response.service_tier === 'string') call.serviceTier = response.service_tier;
        const usage = usageFromResponse(response.usage);
        if (usage) call.usage = usage;
      }
      if (type === 'response.completed') call.complete = true;
      else if (type === 'response.incomplete') {
        call.complete = true;
        call.terminalError = ERROR_TYPE_VALUES.INCOMPLETE;
      } else if (type === 'response.failed') {
        call.complete = true;
        call.terminalError = errorTypeForBody(response?.error) ?? ERROR_TYPE_VALUES.SERVER_ERROR;
      }
      return event;
    }
    case 'error':
      // SDKs that deliver the event instead of throwing it (the newer ones throw an APIError, classified on failure).
      call.complete = true;
      call.terminalError = errorTypeForBody(c) ?? ERROR_TYPE_VALUES.SERVER_ERROR;
      return event;
  }
  return event;
}

/** A chat completions or legacy completions chunk: model, service tier, choices, finish reasons, usage. */
export function observeCompletionChunk(call: Call, chunk: unknown): unknown {
  if (chunk === null || typeof chunk !== 'object') return chunk;
  const c = chunk as Chunk;
  if (call.responseModel === undefined && typeof c.model === 'string') call.responseModel = c.model;
  if (call.serviceTier === undefined && typeof c.service_tier === 'string') call.serviceTier = c.service_tier;
  const choices = c.choices;
  const hasChoices = Array.isArray(choices) && choices.length > 0;
  if (hasChoices) {
    call.onChunk();
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as { finish_reason?: unknown; index?: unknown } | null;
      if (choice?.finish_reason != null) call.choiceFinished(choice.index);
    }
  }
  if (c.usage != null) {
    const usage = usageFromCompletion(c.usage);
    if (usage) call.usage = usage;
    // OpenRouter reports what it billed in the final usage chunk.
    if (call.endpoint.viaGateway) call.reportedCostUsd = readReportedCost({ usage: c.usage, headers: call.headers })?.usd;
    // The usage-only chunk exists only because the instrumentation asked for it.
    if (call.hideUsageChunk && !hasChoices) return HIDE;
  } else if (call.hideUsageChunk && c.usage === null) {
    // With include_usage every chunk carries `usage: null`; without it the key is absent. A copy without
    // the key, not `delete`: delete turns the object into a slow dictionary, and openai 7 spreads every
    // chunk right after.
    const { usage: _usage, ...rest } = c;
    return rest;
  }
  return chunk;
}
