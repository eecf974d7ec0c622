// Reads LiteLLM's model_prices_and_context_window.json as it is published (USD per token, one
// object per model name) into our document shape (USD per 1M tokens), so users can refresh prices
// without a release. Facts only: field meanings follow LiteLLM's documented sample_spec.
import { addEntry, describe, emptyDocument, isPlainObject, keyPath, PricingFileError, type PriceDocument, type ProblemReporter } from './schema.js';

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

export function litellmProvider(name: string): string {
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
const VARIANT = /^(.*?)(?:_above_(\d+)k_tokens|_(flex|priority|batches))?$/;
/** Image entries are keyed `[quality/]WIDTH-x-HEIGHT/model`. */
const IMAGE_KEY = /^(?:([a-z]+)\/)?(\d+)-x-(\d+)\/(.+)$/;

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
  const base: Rates = {};
  const long = new Map<number, Rates>();
  const tiers = new Map<string, Rates>();
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
    const target = m[2] !== undefined ? bucket(long, Number(m[2]) * 1000) : m[3] !== undefined ? bucket(tiers, m[3] === 'batches' ? 'batch' : m[3]) : base;
    target[rate] = perMillion(value);
  }
  const entry: Record<string, unknown> = {};
  if (typeof raw.litellm_provider === 'string') entry.provider = litellmProvider(raw.litellm_provider);
  if (mode && mode !== 'chat') entry.mode = mode;
  if (base.input !== undefined || base.output !== undefined) {
    // Embeddings list no output price: they bill none.
    Object.assign(entry, { output: 0 }, base);
    if (Object.keys(ttl).length > 0) entry.cacheWriteByTtl = ttl;
    const fill = (partial: Rates): Rates => {
      // A variant lists only some rates; the others keep the base value, as LiteLLM itself prices them.
      const out: Rates = { ...partial };
      out.input ??= base.input ?? 0;
      out.output ??= base.output ?? 0;
      for (const [k, v] of Object.entries(base)) if (out[k] === undefined) out[k] = v;
      return out;
    };
    if (long.size > 0) entry.longContext = [...long.entries()].sort((a, b) => a[0] - b[0]).map(([above, rates]) => ({ above, ...fill(rates), ...(Object.keys(ttl).length ? { cacheWriteByTtl: ttl } : {}) }));
    if (tiers.size > 0) {
      const out: Record<string, unknown> = {};
      for (const [name, rates] of tiers) {
        // Express a tier as a multiplier when LiteLLM's figures are one (keeps long-context tiers right).
        const ratios = Object.entries(rates).map(([k, v]) => (base[k] ? v / base[k]! : NaN));
        const same = ratios.length > 0 && ratios.every((r) => Number.isFinite(r) && Math.abs(r - ratios[0]!) < 1e-9);
        out[name] = same ? Number(ratios[0]!.toPrecision(12)) : { ...fill(rates), ...(long.size > 0 ? { longContext: entry.longContext } : {}), ...(Object.keys(ttl).length ? { cacheWriteByTtl: ttl } : {}) };
      }
      entry.serviceTiers = out;
    }
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
      const [, quality = 'standard', w, h, model] = image;
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
    if (doc.models.has(model)) continue;
    const entry = { ...(group.provider ? { provider: group.provider } : {}), mode: 'image', images: { prices: group.prices } };
    addEntry(doc, model, entry, { origin, modelsPath: '$', strict: false }, report);
  }
  return doc;
}

