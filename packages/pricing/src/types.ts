/** Prices of one model in USD per 1M tokens, with where and when they were taken. */
export interface ModelPrice {
  provider: string;
  input: number;
  /** Cache read (cached input). Cached tokens are billed at `input` when absent. */
  cachedInput?: number;
  /** Cache write (Anthropic's 5-minute write). Written tokens are billed at `input` when absent. */
  cacheWrite?: number;
  output: number;
  /** Only where reasoning tokens cost something other than `output`. */
  reasoningOutput?: number;
  /** URL of the provider's public price page. */
  source: string;
  /** YYYY-MM-DD the price was taken. */
  date: string;
  note?: string;
  aliases?: string[];
}

/**
 * Token counts of one call. `inputTokens` INCLUDES cache read and cache write tokens and
 * `outputTokens` INCLUDES reasoning tokens (OpenAI's convention: prompt_tokens includes
 * prompt_tokens_details.cached_tokens, completion_tokens includes reasoning_tokens).
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** Cost of one call in USD. The parts add up to `totalUsd`; no token is counted twice. */
export interface CostBreakdown {
  totalUsd: number;
  /** Input tokens that were neither read from nor written to a cache. */
  inputUsd: number;
  cacheReadUsd: number;
  cacheWriteUsd: number;
  /** Output tokens other than reasoning tokens. */
  outputUsd: number;
  reasoningUsd: number;
  /** Catalog key the model name resolved to. */
  modelKey: string;
}

export interface PriceCatalogOptions {
  /** Override file (JSON, or YAML by extension). Default: process.env.GENAI_METER_PRICING_FILE. */
  file?: string;
  /** Programmatic overrides, applied after the file: field by field for existing models, whole entries for new ones. */
  overrides?: Record<string, Partial<ModelPrice>>;
  /** Azure deployment name (or any alias) -> catalog model. */
  deployments?: Record<string, string>;
}

export interface ResolvedModel {
  key: string;
  price: ModelPrice;
}
