// Token usage as the provider reported it, read from each API's own shape. Never estimated.
// Convention (OpenAI's, kept by pricing): inputTokens includes cache reads/writes, outputTokens includes reasoning.

export interface ReportedUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

type Obj = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/** Chat completions, legacy completions and embeddings: `usage.prompt_tokens` / `completion_tokens`. */
export function usageFromCompletion(usage: unknown): ReportedUsage | undefined {
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
  };
}

/** Responses API: `usage.input_tokens` / `output_tokens`. */
export function usageFromResponse(usage: unknown): ReportedUsage | undefined {
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
  usage: ReportedUsage | undefined;
}

/** Reads model and usage from a non-streaming response body of any instrumented operation. */
export function readBody(body: unknown, responsesApi: boolean): ParsedBody {
  const b = obj(body);
  if (!b) return { model: undefined, usage: undefined };
  const model = typeof b.model === 'string' ? b.model : undefined;
  return { model, usage: responsesApi ? usageFromResponse(b.usage) : usageFromCompletion(b.usage) };
}
