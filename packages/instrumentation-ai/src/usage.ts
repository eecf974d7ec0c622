// Token usage of one model call, read from what the provider package returned (doGenerate's result, a
// stream's finish part, doEmbed's result), in @genai-meter/pricing's convention: input includes cache
// reads and writes, output includes reasoning. Never estimated.
//
// The shape depends on the model's specification, not on the ai major: LanguageModelV3/V4 report
// `{ inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning }, raw }`
// in that convention already. LanguageModelV2 (the providers of ai 5, still accepted by ai 6 and 7) reports
// numbers whose meaning depends on the provider: Anthropic's `inputTokens` leaves out cache reads and
// writes (cache writes are only in providerMetadata), Google's `outputTokens` leaves out thinking tokens.
import type { CallUsage } from '@genai-meter/pricing';

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/** Which provider's V2 usage semantics apply (from the provider id's family). */
export const enum UsageFamily {
  Default,
  Anthropic,
  Google,
}

export function usageFamily(provider: string): UsageFamily {
  if (provider === 'anthropic') return UsageFamily.Anthropic;
  if (provider === 'gcp.gemini' || provider === 'gcp.vertex_ai') return UsageFamily.Google;
  return UsageFamily.Default;
}

/** Anthropic's cache writes with the 1-hour lifetime (priced apart), from its raw usage. */
function anthropicTtl(raw: Obj | undefined): Record<string, number> | undefined {
  const oneHour = num(obj(raw?.cache_creation)?.ephemeral_1h_input_tokens);
  return oneHour ? { '1h': oneHour } : undefined;
}

/** Usage of a language model call (doGenerate result or stream finish part). */
export function languageModelUsage(usage: unknown, providerMetadata: unknown, family: UsageFamily): CallUsage | undefined {
  const u = obj(usage);
  if (!u) return undefined;
  const input = obj(u.inputTokens);
  if (input) {
    // V3/V4: normalized by the provider package.
    const output = obj(u.outputTokens);
    const cacheRead = num(input.cacheRead) ?? 0;
    const cacheWrite = num(input.cacheWrite) ?? 0;
    const inputTokens = num(input.total) ?? (num(input.noCache) === undefined ? undefined : num(input.noCache)! + cacheRead + cacheWrite);
    const outputTokens = num(output?.total);
    if (inputTokens === undefined && outputTokens === undefined) return undefined;
    return { inputTokens, outputTokens, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, cacheWriteTokensByTtl: anthropicTtl(obj(u.raw)), reasoningTokens: num(output?.reasoning) ?? 0 } as CallUsage;
  }
  // V2: numbers.
  let inputTokens = num(u.inputTokens);
  let outputTokens = num(u.outputTokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  const cacheRead = num(u.cachedInputTokens) ?? 0;
  let cacheWrite = 0;
  let reasoning = num(u.reasoningTokens) ?? 0;
  let ttl: Record<string, number> | undefined;
  const meta = obj(providerMetadata);
  if (family === UsageFamily.Anthropic) {
    const anthropic = obj(meta?.anthropic);
    const raw = obj(anthropic?.usage);
    cacheWrite = num(anthropic?.cacheCreationInputTokens) ?? num(raw?.cache_creation_input_tokens) ?? 0;
    if (inputTokens !== undefined) inputTokens += cacheRead + cacheWrite;
    ttl = anthropicTtl(raw);
    const thinking = num(obj(raw?.output_tokens_details)?.thinking_tokens);
    if (thinking !== undefined && outputTokens !== undefined && thinking <= outputTokens) reasoning = thinking;
  } else if (family === UsageFamily.Google) {
    if (outputTokens !== undefined) outputTokens += reasoning;
  } else {
    // OpenAI's Responses API reports cache writes in the provider metadata.
    cacheWrite = num(obj(obj(meta?.openai)?.usage)?.cacheWriteTokens) ?? 0;
  }
  return { inputTokens, outputTokens, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite, cacheWriteTokensByTtl: ttl, reasoningTokens: reasoning } as CallUsage;
}

/** The provider's own usage object, where a gateway reports its cost (OpenRouter `usage.cost`). */
export function rawUsage(usage: unknown): unknown {
  return obj(usage)?.raw;
}

/** Usage of an embedding model call: `usage.tokens`. */
export function embeddingUsage(usage: unknown): CallUsage | undefined {
  const tokens = num(obj(usage)?.tokens);
  return tokens === undefined ? undefined : ({ inputTokens: tokens, outputTokens: 0 } as CallUsage);
}
