// Deterministic token accounting. Not a tokenizer: ~4 characters per token plus the per-message
// overhead OpenAI documents for chat, so counts are stable, plausible and cheap to compute.
import type { UsageOverride } from './controls.js';
import type { ModelTraits } from './models.js';

export function textTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Tokens of one content value: a string, or an array of text/image/audio/file parts. */
function contentTokens(content: unknown): number {
  if (typeof content === 'string') return textTokens(content);
  if (!Array.isArray(content)) return content == null ? 0 : textTokens(JSON.stringify(content));
  let total = 0;
  for (const part of content) {
    if (typeof part === 'string') total += textTokens(part);
    else if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') total += textTokens(p.text);
      else if (p.type === 'image_url' || p.type === 'input_image') total += 85;
      else if (p.type === 'input_audio') total += 100;
      else total += textTokens(JSON.stringify(p));
    }
  }
  return total;
}

function toolTokens(tools: unknown): number {
  return Array.isArray(tools) && tools.length ? textTokens(JSON.stringify(tools)) : 0;
}

export function chatPromptTokens(body: Record<string, unknown>): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let total = 3;
  for (const message of messages) {
    const m = (message ?? {}) as Record<string, unknown>;
    total += 4 + contentTokens(m.content);
    if (typeof m.name === 'string') total += textTokens(m.name);
    if (m.tool_calls) total += textTokens(JSON.stringify(m.tool_calls));
  }
  return total + toolTokens(body.tools) + toolTokens(body.functions);
}

export function responsesInputTokens(body: Record<string, unknown>): number {
  let total = 3;
  if (typeof body.instructions === 'string') total += 4 + textTokens(body.instructions);
  const input = body.input;
  if (typeof input === 'string') total += 4 + textTokens(input);
  else if (Array.isArray(input)) {
    for (const item of input) {
      const i = (item ?? {}) as Record<string, unknown>;
      if ('content' in i) total += 4 + contentTokens(i.content);
      else if (typeof i.output === 'string') total += 4 + textTokens(i.output);
      else total += 4 + textTokens(JSON.stringify(i));
    }
  }
  return total + toolTokens(body.tools);
}

/** Tokens of a legacy-completions prompt or an embeddings input: text, texts, or token arrays. */
export function inputTokens(input: unknown): number[] {
  if (typeof input === 'string') return [Math.max(1, textTokens(input))];
  if (Array.isArray(input)) {
    if (input.length && input.every((x) => typeof x === 'number')) return [input.length];
    return input.map((x) => (typeof x === 'string' ? Math.max(1, textTokens(x)) : Array.isArray(x) ? x.length : 1));
  }
  return [];
}

export interface Usage {
  prompt: number;
  completion: number;
  cached: number;
  reasoning: number;
  /** completion - reasoning: the tokens of text the caller sees. */
  visible: number;
  /** True when the output was cut by the request's token limit (finish_reason 'length'). */
  truncated: boolean;
}

/**
 * Usage of one generation. Without an override: visible output is the model's default size,
 * reasoning models spend their default reasoning tokens first, and the request's limit caps the
 * sum (reasoning first, as real reasoning models do). With x-sim-usage the given numbers are exact,
 * cached/reasoning not given are 0, and prompt/completion not given keep their computed value.
 */
export function generationUsage(
  promptTokens: number,
  maxTokens: number | undefined,
  traits: ModelTraits,
  override: UsageOverride | undefined,
): Usage {
  const prompt = override?.prompt ?? promptTokens;
  if (override?.completion !== undefined) {
    const reasoning = override.reasoning ?? 0;
    return {
      prompt,
      completion: override.completion,
      cached: override.cached ?? 0,
      reasoning,
      visible: Math.max(0, override.completion - reasoning),
      truncated: maxTokens !== undefined && override.completion >= maxTokens,
    };
  }
  const wantedReasoning = override ? (override.reasoning ?? 0) : (traits.reasoning ? traits.defaultReasoningTokens : 0);
  const wanted = wantedReasoning + traits.defaultOutputTokens;
  const completion = maxTokens !== undefined ? Math.min(maxTokens, wanted) : wanted;
  const reasoning = Math.min(wantedReasoning, completion);
  // Like OpenAI's automatic prompt caching: prompts of 1024+ tokens have a cached prefix in 128-token steps
  // (here half the prompt, as for a repeated system prompt or RAG context).
  const defaultCached = prompt >= 1024 ? Math.floor(prompt / 2 / 128) * 128 : 0;
  return {
    prompt,
    completion,
    cached: override ? (override.cached ?? 0) : defaultCached,
    reasoning,
    visible: completion - reasoning,
    truncated: maxTokens !== undefined && wanted > maxTokens,
  };
}
