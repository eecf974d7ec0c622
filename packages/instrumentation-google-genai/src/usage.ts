// Token usage as the Gemini API and Vertex AI report it (`usageMetadata`), in @genai-meter/pricing's
// convention: input includes cache reads, output includes reasoning. Never estimated.
//
// Gemini's promptTokenCount already includes cachedContentTokenCount (explicit and implicit caching);
// thoughtsTokenCount is outside candidatesTokenCount and billed as output; toolUsePromptTokenCount (results of
// tools the model ran, such as Search grounding) is outside promptTokenCount and billed as input.
import type { CallUsage } from '@genai-meter/pricing';

type Obj = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/** Tokens of one modality in a `ModalityTokenCount[]` list (`[{ modality: 'AUDIO', tokenCount: 12 }]`). */
function modalityTokens(list: unknown, modality: string): number | undefined {
  if (!Array.isArray(list)) return undefined;
  let total: number | undefined;
  for (const entry of list) {
    const e = obj(entry);
    if (e?.modality === modality) total = (total ?? 0) + (num(e.tokenCount) ?? 0);
  }
  return total;
}

const sum = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined ? b : b === undefined ? a : a + b);

/** generateContent (JSON, and each stream chunk: running totals) and Gemini embeddings: `usageMetadata`. */
export function usageFromMetadata(metadata: unknown): CallUsage | undefined {
  const u = obj(metadata);
  if (!u) return undefined;
  const prompt = num(u.promptTokenCount);
  const toolUse = num(u.toolUsePromptTokenCount);
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  if (prompt === undefined && toolUse === undefined && candidates === undefined && thoughts === undefined) return undefined;
  // The API leaves out counts that are zero (proto3 JSON): a reported usage with a missing count has 0 of it.
  return {
    inputTokens: (prompt ?? 0) + (toolUse ?? 0),
    outputTokens: (candidates ?? 0) + (thoughts ?? 0),
    cacheReadTokens: num(u.cachedContentTokenCount) ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts ?? 0,
    audioInputTokens: sum(modalityTokens(u.promptTokensDetails, 'AUDIO'), modalityTokens(u.toolUsePromptTokensDetails, 'AUDIO')),
    cachedAudioInputTokens: modalityTokens(u.cacheTokensDetails, 'AUDIO'),
    audioOutputTokens: modalityTokens(u.candidatesTokensDetails, 'AUDIO'),
    imageOutputTokens: modalityTokens(u.candidatesTokensDetails, 'IMAGE'),
  };
}

/**
 * embedContent: `usageMetadata.promptTokenCount` (Gemini API, Vertex embedContent), or the per-embedding
 * `statistics.tokenCount` of Vertex's text-embedding `predict` answers.
 */
export function usageFromEmbeddings(response: Obj): CallUsage | undefined {
  const fromMetadata = num(obj(response.usageMetadata)?.promptTokenCount);
  if (fromMetadata !== undefined) return { inputTokens: fromMetadata };
  const embeddings = response.embeddings;
  if (!Array.isArray(embeddings)) return undefined;
  let tokens: number | undefined;
  for (const e of embeddings) tokens = sum(tokens, num(obj(obj(e)?.statistics)?.tokenCount));
  return tokens === undefined ? undefined : { inputTokens: tokens };
}
