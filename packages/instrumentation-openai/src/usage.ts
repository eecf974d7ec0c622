// Token usage as the provider reported it, read from each openai API's own shape. Never estimated.
// Convention (OpenAI's, kept by pricing): inputTokens includes cache reads/writes, outputTokens includes reasoning.
import { errorTypeForBody, type ErrorType } from '@genai-meter/instrumentation-core';
import type { CallUsage } from '@genai-meter/pricing';

type Obj = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/** Chat completions, legacy completions and embeddings: `usage.prompt_tokens` / `completion_tokens`. */
export function usageFromCompletion(usage: unknown): CallUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const inputTokens = num(u.prompt_tokens);
  const outputTokens = num(u.completion_tokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const promptDetails = obj(u.prompt_tokens_details);
  const completionDetails = obj(u.completion_tokens_details);
  return {
    inputTokens,
    outputTokens,
    // DeepSeek reports prompt_cache_hit_tokens; OpenAI-style providers prompt_tokens_details.cached_tokens.
    cacheReadTokens: num(promptDetails?.cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? 0,
    // Anthropic's OpenAI-compatible endpoint reports cache writes this way.
    cacheWriteTokens: num(promptDetails?.cache_creation_tokens) ?? num(u.cache_creation_input_tokens) ?? 0,
    reasoningTokens: num(completionDetails?.reasoning_tokens) ?? 0,
    audioInputTokens: num(promptDetails?.audio_tokens),
    audioOutputTokens: num(completionDetails?.audio_tokens),
  };
}

/** Responses API: `usage.input_tokens` / `output_tokens`. */
export function usageFromResponse(usage: unknown): CallUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const inputTokens = num(u.input_tokens);
  const outputTokens = num(u.output_tokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  return {
    inputTokens,
    outputTokens,
    cacheReadTokens: num(obj(u.input_tokens_details)?.cached_tokens) ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens) ?? 0,
  };
}

export interface ParsedBody {
  model: string | undefined;
  usage: CallUsage | undefined;
  /** The body's `usage` object as sent, for a cost the provider reports in it. */
  rawUsage: unknown;
  serviceTier: string | undefined;
  /** Responses API `status` (`completed`, `incomplete`, `failed`, ...). */
  status: string | undefined;
  /** error.type of a Responses `error` object, when the body carries one. */
  errorType: ErrorType | undefined;
}

const NO_BODY: ParsedBody = { model: undefined, usage: undefined, rawUsage: undefined, serviceTier: undefined, status: undefined, errorType: undefined };

/** Reads model, usage and outcome from a non-streaming response body of any instrumented operation. */
export function readBody(body: unknown, responsesApi: boolean): ParsedBody {
  const b = obj(body);
  if (!b) return NO_BODY;
  return {
    model: typeof b.model === 'string' ? b.model : undefined,
    usage: responsesApi ? usageFromResponse(b.usage) : usageFromCompletion(b.usage),
    rawUsage: b.usage,
    serviceTier: typeof b.service_tier === 'string' ? b.service_tier : undefined,
    status: responsesApi && typeof b.status === 'string' ? b.status : undefined,
    errorType: responsesApi ? errorTypeForBody(b.error) : undefined,
  };
}
