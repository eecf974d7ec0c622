// Per-call cost arithmetic: picks the rates (service tier, then long-context tier), splits the usage
// so that no token is counted twice, and prices each part. Runs on every instrumented call.
import { STANDARD_TIER_NAMES } from './schema.js';
import type { CallUsage, CostBreakdown, CostOptions, ExplicitTierRates, ModelPrice, TokenRates, UnpricedReason } from './types.js';

const PER_MILLION = 1e6;

export interface Unpriced {
  reason: UnpricedReason;
  detail: string;
}

/** Reported tier names that mean another canonical tier (OpenAI renamed `priority` to `fast` in 2026). */
const BUILT_IN_TIER_ALIASES: ReadonlyMap<string, string> = new Map([['fast', 'priority']]);

/** The canonical tier for a reported `service_tier`: `standard` for none, `default`, `auto`, ... */
export function canonicalTier(reported: string | null | undefined, aliases?: ReadonlyMap<string, string>): string {
  if (reported === undefined || reported === null || reported === '') return 'standard';
  const name = reported.trim().toLowerCase();
  const mapped = aliases?.get(name) ?? BUILT_IN_TIER_ALIASES.get(name) ?? name;
  return STANDARD_TIER_NAMES.has(mapped) ? 'standard' : mapped;
}

/** Counts that are missing, negative or not finite are 0; the rest are capped at `max`. */
function count(n: number | undefined, max = Infinity): number {
  return typeof n === 'number' && n > 0 && n !== Infinity ? Math.min(n, max) : 0;
}

function imagePrice(price: ModelPrice, usage: CallUsage): number | Unpriced {
  const images = price.images;
  if (!images) return { reason: 'unpriced_usage', detail: 'images' };
  const quality = (usage.imageQuality ?? images.defaultQuality ?? '*').toLowerCase();
  const size = (usage.imageSize ?? images.defaultSize ?? '*').toLowerCase();
  const p = images.prices;
  const usd = p[quality]?.[size] ?? p[quality]?.['*'] ?? p['*']?.[size] ?? p['*']?.['*'];
  return usd ?? { reason: 'unpriced_image', detail: `${quality} ${size}` };
}

function unitsCost(price: ModelPrice, usage: CallUsage, factor: number): number | Unpriced {
  let usd = 0;
  const images = count(usage.images);
  if (images > 0) {
    const each = imagePrice(price, usage);
    if (typeof each !== 'number') return each;
    usd += images * each;
  }
  const seconds = count(usage.audioSeconds);
  if (seconds > 0) {
    if (price.perAudioMinute === undefined) return { reason: 'unpriced_usage', detail: 'audio seconds' };
    usd += (seconds / 60) * price.perAudioMinute;
  }
  const characters = count(usage.characters);
  if (characters > 0) {
    if (price.perMillionCharacters === undefined) return { reason: 'unpriced_usage', detail: 'characters' };
    usd += (characters / PER_MILLION) * price.perMillionCharacters;
  }
  return usd * factor;
}

/**
 * Cost of one call, or why it has none. Inconsistent usage is clamped, never negative: each part is
 * capped at what its whole leaves (cache reads at the input, cache writes at the uncached text input,
 * reasoning at the output, ...). Token usage wins over per-unit prices when both are given.
 */
export function computeCost(
  modelKey: string,
  price: ModelPrice,
  usage: CallUsage,
  options?: CostOptions,
  tierAliases?: ReadonlyMap<string, string>,
): CostBreakdown | Unpriced {
  const serviceTier = canonicalTier(options?.serviceTier, tierAliases);
  let factor = 1;
  let base: ExplicitTierRates | ModelPrice = price;
  if (serviceTier !== 'standard') {
    const tier = price.serviceTiers?.[serviceTier];
    if (tier === undefined) return { reason: 'unpriced_service_tier', detail: serviceTier };
    if (typeof tier === 'number') factor = tier;
    else base = tier;
  }

  const input = count(usage.inputTokens);
  const output = count(usage.outputTokens);
  const result: CostBreakdown = {
    totalUsd: 0, inputUsd: 0, cacheReadUsd: 0, cacheWriteUsd: 0, outputUsd: 0, reasoningUsd: 0, audioUsd: 0, imageUsd: 0, unitsUsd: 0,
    modelKey, serviceTier, longContextAbove: undefined, billedBy: 'tokens',
  };

  const hasUnits = count(usage.images) > 0 || count(usage.audioSeconds) > 0 || count(usage.characters) > 0;
  if (input === 0 && output === 0 && (hasUnits || price.input === undefined)) {
    // A model priced only per unit with no unit usage is not free: it is unpriced.
    if (!hasUnits) return { reason: 'unpriced_usage', detail: 'no usage' };
    const units = unitsCost(price, usage, factor);
    if (typeof units !== 'number') return units;
    result.unitsUsd = units;
    result.totalUsd = units;
    result.billedBy = 'units';
    return result;
  }
  if (base.input === undefined || base.output === undefined) return { reason: 'unpriced_usage', detail: 'tokens' };

  let rates = base as TokenRates;
  for (const tier of base.longContext ?? []) {
    if (input > tier.above) {
      rates = tier;
      result.longContextAbove = tier.above;
    }
  }

  // Input: modality totals first, then the cached part of each, then cache writes out of the text.
  const audioIn = count(usage.audioInputTokens, input);
  const imageIn = count(usage.imageInputTokens, input - audioIn);
  const textIn = input - audioIn - imageIn;
  const cachedAudio = count(usage.cachedAudioInputTokens, audioIn);
  const cachedImage = count(usage.cachedImageInputTokens, imageIn);
  const cachedText = Math.min(Math.max(count(usage.cacheReadTokens) - cachedAudio - cachedImage, 0), textIn);
  const cacheWrite = count(usage.cacheWriteTokens, textIn - cachedText);

  let cacheWriteUsd = 0;
  let writesLeft = cacheWrite;
  const byTtl = usage.cacheWriteTokensByTtl;
  if (byTtl !== undefined) {
    for (const ttl in byTtl) {
      const tokens = count(byTtl[ttl], writesLeft);
      if (tokens === 0) continue;
      const rate = rates.cacheWriteByTtl?.[ttl];
      if (rate === undefined) return { reason: 'unpriced_cache_ttl', detail: ttl };
      cacheWriteUsd += tokens * rate;
      writesLeft -= tokens;
    }
  }
  cacheWriteUsd += writesLeft * (rates.cacheWrite ?? rates.input);

  const cachedInput = rates.cachedInput ?? rates.input;
  const audioRate = rates.audioInput ?? rates.input;
  const imageRate = rates.imageInput ?? rates.input;
  const cachedAudioRate = rates.cachedAudioInput ?? (rates.audioInput !== undefined ? rates.audioInput : cachedInput);
  const cachedImageRate = rates.cachedImageInput ?? (rates.imageInput !== undefined ? rates.imageInput : cachedInput);

  // Output: reasoning first, then the audio and image parts; the rest is text.
  const reasoning = count(usage.reasoningTokens, output);
  const audioOut = count(usage.audioOutputTokens, output - reasoning);
  const imageOut = count(usage.imageOutputTokens, output - reasoning - audioOut);
  const textOut = output - reasoning - audioOut - imageOut;

  const f = factor / PER_MILLION;
  result.inputUsd = (textIn - cachedText - cacheWrite) * rates.input * f;
  result.cacheReadUsd = (cachedText * cachedInput + cachedAudio * cachedAudioRate + cachedImage * cachedImageRate) * f;
  result.cacheWriteUsd = cacheWriteUsd * f;
  result.outputUsd = textOut * rates.output * f;
  result.reasoningUsd = reasoning * (rates.reasoningOutput ?? rates.output) * f;
  result.audioUsd = ((audioIn - cachedAudio) * audioRate + audioOut * (rates.audioOutput ?? rates.output)) * f;
  result.imageUsd = ((imageIn - cachedImage) * imageRate + imageOut * (rates.imageOutput ?? rates.output)) * f;
  result.totalUsd = result.inputUsd + result.cacheReadUsd + result.cacheWriteUsd + result.outputUsd + result.reasoningUsd + result.audioUsd + result.imageUsd;
  return result;
}

export function isUnpriced(value: CostBreakdown | Unpriced): value is Unpriced {
  return 'reason' in value;
}
