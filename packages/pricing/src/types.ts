/**
 * Token prices in USD per 1M tokens. Optional rates fall back to `input` (input-side) or `output`
 * (output-side) when absent: image input tokens to a chat model are billed as input tokens.
 */
export interface TokenRates {
  input: number;
  /** Cache read (cached input). */
  cachedInput?: number;
  /** Cache write at the provider's default lifetime (Anthropic 5 minutes, OpenAI 30 minutes). */
  cacheWrite?: number;
  /** Cache writes with another lifetime, keyed by it: Anthropic `{ "1h": 6 }`, OpenAI `{ "12h": 5 }`. */
  cacheWriteByTtl?: Readonly<Record<string, number>>;
  output: number;
  /** Only where reasoning tokens cost something other than `output`. */
  reasoningOutput?: number;
  audioInput?: number;
  cachedAudioInput?: number;
  audioOutput?: number;
  imageInput?: number;
  cachedImageInput?: number;
  imageOutput?: number;
}

/** The rates of a whole call whose input (prompt, including cache reads and writes) is above `above` tokens. */
export interface LongContextRates extends TokenRates {
  above: number;
}

/** A service tier's rates: a multiplier of the standard ones (long-context tiers included), or its own rates. */
export type ServiceTierPrice = number | ExplicitTierRates;

export interface ExplicitTierRates extends TokenRates {
  longContext?: readonly LongContextRates[];
}

/** Per-image prices by quality then size (`"1024x1024"`); `"*"` matches any quality or size. */
export interface ImagePrices {
  /** What the API uses when the request names no quality / size. */
  defaultQuality?: string;
  defaultSize?: string;
  prices: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/**
 * Prices of one model, with where and when they were taken. Token rates are absent for models
 * billed only per image, minute or character.
 */
export interface ModelPrice extends Partial<TokenRates> {
  provider: string;
  /** What the model is called for: `chat` (default), `completion`, `embedding`, `image`, `transcription`, `speech`, `moderation`. */
  mode?: string;
  /** Ascending by `above`: the last one whose threshold the call's input exceeds prices the whole call. */
  longContext?: readonly LongContextRates[];
  /** Non-standard tiers by canonical name (`flex`, `batch`, `priority`, `ultrafast`, ...). */
  serviceTiers?: Readonly<Record<string, ServiceTierPrice>>;
  images?: ImagePrices;
  /** Audio priced by duration (billed per second). */
  perAudioMinute?: number;
  /** Text-to-speech priced by input characters. */
  perMillionCharacters?: number;
  /** URL of the provider's public price page (or the file a user price came from). */
  source: string;
  /** YYYY-MM-DD the price was taken. */
  date: string;
  note?: string;
  aliases?: readonly string[];
}

/**
 * What one call used. `inputTokens` INCLUDES cache read and cache write tokens and every modality;
 * `outputTokens` INCLUDES reasoning tokens and every modality (OpenAI's convention: prompt_tokens
 * includes prompt_tokens_details.cached_tokens / audio_tokens, completion_tokens includes reasoning_tokens).
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Part of `cacheWriteTokens` written with a non-default lifetime, by lifetime: `{ "1h": 1200 }`. */
  cacheWriteTokensByTtl?: Readonly<Record<string, number>>;
  reasoningTokens?: number;
  /** Part of `inputTokens` that is audio / image, cached or not. */
  audioInputTokens?: number;
  imageInputTokens?: number;
  /** Part of `cacheReadTokens` (and of `audioInputTokens` / `imageInputTokens`) that is audio / image. */
  cachedAudioInputTokens?: number;
  cachedImageInputTokens?: number;
  /** Part of `outputTokens` that is audio / image. */
  audioOutputTokens?: number;
  imageOutputTokens?: number;
}

/** Units of the endpoints not billed by token (or when the response reports no tokens). */
export interface UnitUsage {
  /** Images generated or edited. */
  images?: number;
  /** As the request sent it, e.g. `"1024x1792"`; default: the model's default size. */
  imageSize?: string;
  /** `standard`/`hd` (dall-e-3), `low`/`medium`/`high` (gpt-image-1); default: the model's default. */
  imageQuality?: string;
  /** Duration of transcribed/translated audio. */
  audioSeconds?: number;
  /** Characters of text turned into speech. */
  characters?: number;
}

export type CallUsage = Partial<TokenUsage> & UnitUsage;

export interface CostOptions {
  /**
   * The service tier the call ran at, as the response's `service_tier` says (the request's when the
   * response has none): `default`, `auto`, `standard`, `on_demand` (and missing) are the standard
   * rates; `flex`, `batch`, `priority` / `fast`, `ultrafast`, or a name the model lists.
   */
  serviceTier?: string | null | undefined;
}

/** Cost of one call in USD. The parts add up to `totalUsd`; no token is counted twice. */
export interface CostBreakdown {
  totalUsd: number;
  /** Text input tokens that were neither read from nor written to a cache. */
  inputUsd: number;
  /** Cache reads of every modality. */
  cacheReadUsd: number;
  /** Cache writes of every lifetime. */
  cacheWriteUsd: number;
  /** Text output tokens other than reasoning tokens. */
  outputUsd: number;
  reasoningUsd: number;
  /** Uncached audio input and audio output tokens. */
  audioUsd: number;
  /** Uncached image input and image output tokens. */
  imageUsd: number;
  /** Images, audio minutes and characters priced per unit (only when the call reported no tokens). */
  unitsUsd: number;
  /** Catalog key the model name resolved to. */
  modelKey: string;
  /** Canonical tier whose rates were applied: `standard`, `flex`, `batch`, `priority`, ... */
  serviceTier: string;
  /** Threshold of the long-context rates applied (input tokens above it); undefined for the base rates. */
  longContextAbove: number | undefined;
  /** `tokens` or `units`: what the call was billed by. */
  billedBy: 'tokens' | 'units';
}

/** Why a call got no cost; low cardinality, fit for an attribute value. */
export type UnpricedReason =
  | 'unknown_model'
  | 'unpriced_service_tier'
  | 'unpriced_cache_ttl'
  | 'unpriced_image'
  | 'unpriced_usage';

export type CallCost =
  | {
      priced: true;
      /** `provider`: the response reported its own cost (OpenRouter, LiteLLM proxy); `catalog`: computed here. */
      source: 'provider' | 'catalog';
      totalUsd: number;
      /** The catalog's breakdown, also when the provider's figure wins (undefined when the catalog cannot price the call). */
      breakdown: CostBreakdown | undefined;
    }
  | {
      priced: false;
      reason: UnpricedReason;
      /** The model (or the canonical tier / image size) that had no price. */
      detail: string;
    };

export interface PriceCatalogOptions {
  /** Override file: our format (JSON or YAML) or LiteLLM's model_prices_and_context_window.json. Default: process.env.GENAI_METER_PRICING_FILE. */
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
