// Token usage as the Messages API reports it, in @genai-meter/pricing's convention. Never estimated.
// Anthropic reports `input_tokens` without the cache reads and writes, which have their own fields; semconv's
// input tokens (and pricing's) are all of them.
import type { CallUsage } from '@genai-meter/pricing';

export type Obj = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
export const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/**
 * A Message's `usage` (or a stream's, merged from its events). Without `withOutput` only the input side is
 * read: what message_start reports before any output exists.
 */
export function usageFromMessage(usage: Obj, withOutput: boolean): CallUsage | undefined {
  const input = num(usage.input_tokens);
  const cacheRead = num(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = num(usage.cache_creation_input_tokens) ?? 0;
  const output = withOutput ? num(usage.output_tokens) : undefined;
  if (input === undefined && output === undefined) return undefined;
  // cache_creation splits the writes by lifetime; the 5-minute one is the default rate, the others are priced by TTL.
  const oneHour = num(obj(usage.cache_creation)?.ephemeral_1h_input_tokens) ?? 0;
  return {
    inputTokens: input === undefined ? undefined : input + cacheRead + cacheWrite,
    outputTokens: output,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    cacheWriteTokensByTtl: oneHour > 0 ? { '1h': oneHour } : undefined,
    // Thinking tokens are part of output_tokens (output_tokens_details.thinking_tokens since 2026).
    reasoningTokens: withOutput ? (num(obj(usage.output_tokens_details)?.thinking_tokens) ?? 0) : 0,
  };
}

/**
 * A stream's usage: message_start's, updated by message_delta's cumulative counts. A field message_delta
 * leaves out or sends as null keeps message_start's value (older API versions send output_tokens only).
 */
export function mergeUsage(start: Obj | undefined, delta: Obj): Obj {
  if (!start) return delta;
  const merged: Obj = { ...start };
  for (const key in delta) if (delta[key] !== null && delta[key] !== undefined) merged[key] = delta[key];
  return merged;
}

/**
 * The tier that prices the call, from `usage`: `service_tier` (`standard`, `priority`, `batch`), or
 * `fast_mode` when the answer ran in fast mode (`speed: 'fast'`, premium rates the catalog prices only when
 * a model lists a `fast_mode` tier; unpriced otherwise, never priced at the standard rates).
 */
export function pricingTier(usage: Obj): string | undefined {
  if (usage.speed === 'fast') return 'fast_mode';
  return typeof usage.service_tier === 'string' ? usage.service_tier : undefined;
}
