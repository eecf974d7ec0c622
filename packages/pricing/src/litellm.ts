// Reads LiteLLM's model_prices_and_context_window.json as it is published (USD per token, one
// object per model name) into our document shape (USD per 1M tokens), so users can refresh prices
// without a release. Facts only: field meanings follow LiteLLM's documented sample_spec.
import { addEntry, describe, emptyDocument, isPlainObject, keyPath, PricingFileError, type PriceDocument, type PriceEntry, type ProblemReporter } from './schema.js';

/** Fields only LiteLLM's format has at the top of a model entry. */
const LITELLM_MARKERS = ['litellm_provider', 'input_cost_per_token', 'output_cost_per_token', 'max_input_tokens', 'mode'];

/** True when a parsed document is LiteLLM's format (name -> { litellm_provider, *_cost_per_token, ... }). */
export function isLiteLLMDocument(raw: unknown): raw is Record<string, unknown> {
  if (!isPlainObject(raw) || 'models' in raw || 'deployments' in raw) return false;
  if ('sample_spec' in raw) return true;
  let seen = 0;
  for (const value of Object.values(raw)) {
    if (!isPlainObject(value)) continue;
    if (LITELLM_MARKERS.some((m) => m in value)) return true;
    if (++seen > 20) break;
  }
  return false;
}

/** LiteLLM modes we price; others (rerank, search, video, ...) are left out. */
const MODES: Readonly<Record<string, string>> = {
  chat: 'chat',
  responses: 'chat',
  completion: 'completion',
  embedding: 'embedding',
  image_generation: 'image',
  image_edit: 'image',
  audio_transcription: 'transcription',
  audio_speech: 'speech',
  moderation: 'moderation',
  moderations: 'moderation',
};

/** LiteLLM provider names -> gen_ai.provider.name values where semconv has one. */
const PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  azure: 'azure.ai.openai',
  azure_ai: 'azure.ai.inference',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  deepseek: 'deepseek',
  xai: 'x_ai',
  mistral: 'mistral_ai',
  codestral: 'mistral_ai',
  groq: 'groq',
  perplexity: 'perplexity',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
};

function litellmProvider(name: string): string {
  if (name.startsWith('vertex_ai')) return 'gcp.vertex_ai';
  return PROVIDERS[name] ?? name;
}

/** Per-token (or per-character) USD -> per-million USD, without float noise (2.5e-6 -> 2.5). */
function perMillion(v: number): number {
  return Number((v * 1e6).toPrecision(12));
}

/** field suffix -> our rate field, for the base and the _above_Nk_tokens / _flex / _priority / _batches variants. */
const RATE_SUFFIXES: readonly [string, string][] = [
  ['input_cost_per_token', 'input'],
  ['output_cost_per_token', 'output'],
  ['cache_read_input_token_cost', 'cachedInput'],
  ['cache_creation_input_token_cost', 'cacheWrite'],
  ['output_cost_per_reasoning_token', 'reasoningOutput'],
  ['input_cost_per_audio_token', 'audioInput'],
  ['cache_read_input_audio_token_cost', 'cachedAudioInput'],
  ['output_cost_per_audio_token', 'audioOutput'],
  ['input_cost_per_image_token', 'imageInput'],
  ['cache_read_input_image_token_cost', 'cachedImageInput'],
  ['output_cost_per_image_token', 'imageOutput'],
];
const VARIANT = /^(.*?)(?:_above_(\d+)k_tokens)?(?:_(flex|priority|batches))?$/;
/** Image entries are keyed `[provider/][quality/]WIDTH-x-HEIGHT/model`. */
const IMAGE_KEY = /^((?:[a-z_]+\/)*?)(?:(standard|hd|low|medium|high)\/)?(\d+)-x-(\d+)\/(.+)$/;

type Rates = Record<string, number>;

function bucket<K>(map: Map<K, Rates>, key: K): Rates {
  let rates = map.get(key);
  if (!rates) map.set(key, (rates = {}));
  return rates;
}

function skipped(origin: string, problem: string, name: string, path: string): PricingFileError {
  return new PricingFileError(origin, problem, name, path, `entry skipped: "${name}" is unpriced`);
}

class EntryError extends Error {
  constructor(readonly field: string, problem: string) {
    super(problem);
  }
}

/** Converts one LiteLLM entry; undefined when it has nothing we price. Throws EntryError. */
function convert(raw: Record<string, unknown>): Record<string, unknown> | undefined {
  const mode = typeof raw.mode === 'string' ? MODES[raw.mode] : 'chat';
  if (raw.mode !== undefined && mode === undefined) return undefined;
  const num = (field: string): number | undefined => {
    const v = raw[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new EntryError(field, `expected a non-negative number, got ${describe(v)}`);
    return v;
  };
  // Rates by service tier ('' = standard), each with its long-context thresholds.
  const groups = new Map<string, { base: Rates; long: Map<number, Rates> }>();
  const group = (tier: string) => groups.get(tier) ?? groups.set(tier, { base: {}, long: new Map() }).get(tier)!;
  const ttl: Record<string, number> = {};
  for (const field of Object.keys(raw)) {
    if (field === 'cache_creation_input_token_cost_above_1hr') {
      ttl['1h'] = perMillion(num(field)!);
      continue;
    }
    const m = VARIANT.exec(field)!;
    const rate = RATE_SUFFIXES.find(([suffix]) => suffix === m[1])?.[1];
    if (rate === undefined) continue;
    const value = num(field);
    if (value === undefined) continue;
    const g = group(m[3] === undefined ? '' : m[3] === 'batches' ? 'batch' : m[3]);
    const target = m[2] !== undefined ? bucket(g.long, Number(m[2]) * 1000) : g.base;
    target[rate] = perMillion(value);
  }
  const entry: Record<string, unknown> = {};
  if (typeof raw.litellm_provider === 'string') entry.provider = litellmProvider(raw.litellm_provider);
  if (mode && mode !== 'chat') entry.mode = mode;
  const standard = groups.get('');
  // An output price alone (video and other per-request models) is nothing we can price per token.
  if (standard && standard.base.input !== undefined) {
    const base = standard.base;
    // Embeddings list no output price: they bill none.
    Object.assign(entry, { output: 0 }, base);
    if (Object.keys(ttl).length > 0) entry.cacheWriteByTtl = ttl;
    const longList = (long: Map<number, Rates>, ref: Rates) =>
      [...long.entries()].sort((a, b) => a[0] - b[0]).map(([above, rates]) => ({ above, input: rates.input ?? ref.input ?? 0, output: rates.output ?? ref.output ?? 0, ...rates }));
    if (standard.long.size > 0) entry.longContext = longList(standard.long, base);
    const tiers: Record<string, unknown> = {};
    for (const [name, g] of groups) {
      if (name === '') continue;
      // A tier whose figures are one multiple of the standard ones is a multiplier (it scales the long-context rates too).
      const ratios = [...Object.entries(g.base).map(([k, v]) => v / (base[k] ?? NaN)), ...[...g.long].flatMap(([above, r]) => Object.entries(r).map(([k, v]) => v / (standard.long.get(above)?.[k] ?? NaN)))];
      const same = ratios.length > 0 && ratios.every((r) => Number.isFinite(r) && Math.abs(r - ratios[0]!) < 1e-9);
      if (same) tiers[name] = Number(ratios[0]!.toPrecision(12));
      else tiers[name] = { input: g.base.input ?? base.input ?? 0, output: g.base.output ?? base.output ?? 0, ...g.base, ...(g.long.size > 0 ? { longContext: longList(g.long, g.base) } : {}) };
    }
    if (Object.keys(tiers).length > 0) entry.serviceTiers = tiers;
  }
  const perSecond = num('input_cost_per_second') ?? num('input_cost_per_audio_per_second');
  if (perSecond !== undefined && mode === 'transcription') entry.perAudioMinute = Number((perSecond * 60).toPrecision(12));
  const perChar = num('input_cost_per_character');
  if (perChar !== undefined && mode === 'speech') entry.perMillionCharacters = perMillion(perChar);
  const perImage = num('output_cost_per_image') ?? num('input_cost_per_image');
  if (perImage !== undefined) entry.images = { prices: { '*': { '*': perImage } } };
  const hasPrice = ['input', 'output', 'perAudioMinute', 'perMillionCharacters', 'images'].some((f) => entry[f] !== undefined);
  return hasPrice ? entry : undefined;
}

/** Converts a LiteLLM document; entries with wrong values are reported and their names become unpriced. */
export function parseLiteLLMDocument(raw: Record<string, unknown>, origin: string, report: ProblemReporter): PriceDocument {
  const doc = emptyDocument();
  doc.deriveTierRates = true;
  const images = new Map<string, { provider?: string; prices: Record<string, Record<string, number>> }>();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'sample_spec') continue;
    const path = keyPath('$', name);
    if (!isPlainObject(value)) {
      doc.invalid.set(name, []);
      report(skipped(origin, `expected an object, got ${describe(value)}`, name, path));
      continue;
    }
    const image = IMAGE_KEY.exec(name.toLowerCase());
    const pixel = value.input_cost_per_pixel ?? value.output_cost_per_pixel;
    if (image && typeof pixel === 'number' && pixel >= 0) {
      // dall-e style: one entry per quality and size, priced per pixel.
      const [, prefix, quality = 'standard', w, h, bare] = image;
      const model = `${prefix}${bare}`;
      const perPixel = (typeof value.input_cost_per_pixel === 'number' ? value.input_cost_per_pixel : 0) + (typeof value.output_cost_per_pixel === 'number' ? value.output_cost_per_pixel : 0);
      const group = images.get(model!) ?? images.set(model!, { ...(typeof value.litellm_provider === 'string' ? { provider: litellmProvider(value.litellm_provider) } : {}), prices: {} }).get(model!)!;
      // LiteLLM's per-pixel figures are per-image prices divided by the pixels and rounded: back to the tenth of a cent.
      (group.prices[quality] ??= {})[`${w}x${h}`] = Math.round(perPixel * Number(w) * Number(h) * 1000) / 1000;
      continue;
    }
    let entry: Record<string, unknown> | undefined;
    try {
      entry = convert(value);
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      doc.invalid.set(name, []);
      report(skipped(origin, err.message, name, `${path}.${err.field}`));
      continue;
    }
    if (entry) addEntry(doc, name, { ...entry }, { origin, modelsPath: '$', strict: false }, report);
  }
  for (const [model, group] of images) {
    // Sized prices beat a flat one the model's own entry may list ("*" stays as the fallback).
    const existing = doc.models.get(model);
    const prices = { ...(existing?.images?.prices ?? {}), ...group.prices };
    const images = { ...('standard' in group.prices ? { defaultQuality: 'standard' } : {}), prices };
    const entry = existing ? { ...existing, images } : { ...(group.provider ? { provider: group.provider } : {}), mode: 'image', images };
    addEntry(doc, model, entry, { origin, modelsPath: '$', strict: false }, report);
  }
  return doc;
}


const INPUT_SIDE = ['cachedInput', 'cacheWrite', 'audioInput', 'cachedAudioInput', 'imageInput', 'cachedImageInput'] as const;
const OUTPUT_SIDE = ['reasoningOutput', 'audioOutput', 'imageOutput'] as const;
type RateSet = Partial<Record<(typeof INPUT_SIDE)[number] | (typeof OUTPUT_SIDE)[number] | 'input' | 'output', number>> & { cacheWriteByTtl?: Record<string, number> };

/** Gives `tier` the rates `ref` has and it lacks, scaled as the tier scales input and output (the providers' rule). */
function fillFrom(tier: RateSet, ref: RateSet): void {
  const inRatio = ref.input ? (tier.input ?? ref.input) / ref.input : 1;
  const outRatio = ref.output ? (tier.output ?? ref.output) / ref.output : 1;
  for (const f of INPUT_SIDE) if (tier[f] === undefined && ref[f] !== undefined) tier[f] = Number((ref[f]! * inRatio).toPrecision(12));
  for (const f of OUTPUT_SIDE) if (tier[f] === undefined && ref[f] !== undefined) tier[f] = Number((ref[f]! * outRatio).toPrecision(12));
  for (const [ttl, v] of Object.entries(ref.cacheWriteByTtl ?? {})) {
    if (tier.cacheWriteByTtl?.[ttl] === undefined) tier.cacheWriteByTtl = { ...tier.cacheWriteByTtl, [ttl]: Number((v * inRatio).toPrecision(12)) };
  }
}

/**
 * LiteLLM lists only some rates of a long-context or service tier (and its entries are merged over
 * ours, which may have more): the missing ones are derived from the base rates by the tier's own
 * input and output ratios, as providers define their tiers, instead of leaving the model unpriced.
 */
export function deriveTierRates(entry: PriceEntry): void {
  const base = entry as RateSet;
  if (base.input == null) return;
  const long = (entry.longContext ?? []).map((t) => ({ ...t }));
  for (const t of long) fillFrom(t, base);
  if (entry.longContext) entry.longContext = long;
  if (!entry.serviceTiers) return;
  const tiers: Record<string, unknown> = {};
  for (const [name, tier] of Object.entries(entry.serviceTiers)) {
    if (typeof tier === 'number') {
      tiers[name] = tier;
      continue;
    }
    const own = { ...tier } as RateSet & { longContext?: NonNullable<PriceEntry['longContext']> };
    fillFrom(own, base);
    if (long.length > 0) {
      // The tier's long-context rates: its own where LiteLLM lists them, else the model's scaled like the tier.
      own.longContext = long.map((l) => {
        const listed = tier.longContext?.find((t) => t.above === l.above);
        const scaled: RateSet & { above: number } = listed ? { ...listed } : { above: l.above, input: (l.input * own.input!) / base.input!, output: (l.output * own.output!) / base.output! };
        fillFrom(scaled, l);
        return scaled as NonNullable<PriceEntry['longContext']>[number];
      });
    }
    tiers[name] = own;
  }
  entry.serviceTiers = tiers as PriceEntry['serviceTiers'];
}
