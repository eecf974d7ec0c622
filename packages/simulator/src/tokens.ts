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
      else if (p.type === 'image_url' || p.type === 'input_image' || p.type === 'image' || p.inlineData) total += 85;
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

/** Anthropic Messages: the system prompt (string or text blocks), messages as chat counts them, and tools. */
export function anthropicPromptTokens(body: Record<string, unknown>): number {
  const system = body.system === undefined ? 0 : 4 + contentTokens(body.system);
  return chatPromptTokens({ messages: body.messages, tools: body.tools }) + system;
}

/** Gemini: the text of every part of `contents` (a string, a Content, or Contents), the system instruction and tools. */
export function geminiPromptTokens(body: Record<string, unknown>): number {
  const partsOf = (content: unknown): unknown => (content && typeof content === 'object' && 'parts' in content ? (content as { parts: unknown }).parts : content);
  const contents = Array.isArray(body.contents) ? body.contents : [body.contents];
  const total = contents.reduce<number>((sum, content) => sum + contentTokens(partsOf(content)), 0) + contentTokens(partsOf(body.systemInstruction));
  return Math.max(1, total + toolTokens(body.tools));
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
  /** Every input token, cache reads and writes included. */
  prompt: number;
  completion: number;
  /** Input tokens read from the cache. */
  cached: number;
  /** Input tokens written to the cache, by lifetime (Anthropic's cache_creation). */
  cacheWrite5m: number;
  cacheWrite1h: number;
  reasoning: number;
  /** completion - reasoning: the tokens of text the caller sees. */
  visible: number;
  /** True when the output was cut by the request's token limit (finish_reason 'length'). */
  truncated: boolean;
}

export interface PromptCache {
  read: number;
  write5m: number;
  write1h: number;
}

export interface GenerationOptions {
  /** Reasoning tokens this request spends when not overridden (from its thinking settings); default: the model's own. */
  reasoningTokens?: number;
  /** The prompt's cache reads and writes when no override gives them; default: automatic prefix caching. */
  cache?: PromptCache;
  /** The response_incomplete fault: the output stops half way through its visible tokens, as a token limit would stop it. */
  cut?: boolean;
}

/** Like OpenAI's and Gemini's automatic prompt caching: prompts of 1024+ tokens have a cached prefix in 128-token steps (half the prompt, as a repeated system prompt or RAG context). */
function automaticCache(prompt: number): PromptCache {
  return { read: prompt >= 1024 ? Math.floor(prompt / 2 / 128) * 128 : 0, write5m: 0, write1h: 0 };
}

/**
 * Usage of one generation. Without an override: visible output is the model's default size,
 * reasoning models spend their default reasoning tokens first, and the request's limit caps the
 * sum (reasoning first, as real reasoning models do). With x-sim-usage the given numbers are exact,
 * cache and reasoning counts not given are 0, and prompt/completion not given keep their computed value.
 * `options.cut` then halves the visible output and marks it truncated.
 */
export function generationUsage(
  promptTokens: number,
  maxTokens: number | undefined,
  traits: ModelTraits,
  override: UsageOverride | undefined,
  options: GenerationOptions = {},
): Usage {
  const usage = uncutUsage(promptTokens, maxTokens, traits, override, options);
  if (!options.cut) return usage;
  const visible = Math.floor(usage.visible / 2);
  return { ...usage, completion: usage.reasoning + visible, visible, truncated: true };
}

function uncutUsage(promptTokens: number, maxTokens: number | undefined, traits: ModelTraits, override: UsageOverride | undefined, options: GenerationOptions): Usage {
  const prompt = override?.prompt ?? promptTokens;
  const cache = override ? { read: override.cached ?? 0, write5m: override.cacheWrite ?? 0, write1h: override.cacheWrite1h ?? 0 } : (options.cache ?? automaticCache(prompt));
  const cacheFields = { cached: cache.read, cacheWrite5m: cache.write5m, cacheWrite1h: cache.write1h };
  if (override?.completion !== undefined) {
    const reasoning = override.reasoning ?? 0;
    return {
      prompt,
      completion: override.completion,
      ...cacheFields,
      reasoning,
      visible: Math.max(0, override.completion - reasoning),
      truncated: maxTokens !== undefined && override.completion >= maxTokens,
    };
  }
  const wantedReasoning = override ? (override.reasoning ?? 0) : (options.reasoningTokens ?? (traits.reasoning ? traits.defaultReasoningTokens : 0));
  const wanted = wantedReasoning + traits.defaultOutputTokens;
  const completion = maxTokens !== undefined ? Math.min(maxTokens, wanted) : wanted;
  const reasoning = Math.min(wantedReasoning, completion);
  return {
    prompt,
    completion,
    ...cacheFields,
    reasoning,
    visible: completion - reasoning,
    truncated: maxTokens !== undefined && wanted > maxTokens,
  };
}
