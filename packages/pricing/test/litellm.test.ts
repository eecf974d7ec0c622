// LiteLLM's model_prices_and_context_window.json as a pricing file, as is: detected, converted
// (USD per token -> per 1M, long-context / flex / priority / batch variants, 1-hour cache writes,
// per-pixel image entries, per-second audio, per-character speech), merged over the bundled
// catalog, and compared with it. The fixture uses LiteLLM's own field names and value shapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PriceCatalog, PricingFileError, diffCatalog, isLiteLLMDocument } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const dir = mkdtempSync(join(tmpdir(), 'genai-meter-litellm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.GENAI_METER_PRICING_FILE;
});

const LITELLM = {
  sample_spec: { input_cost_per_token: 0.0, litellm_provider: 'one of https://docs.litellm.ai/docs/providers', mode: 'one of: chat, embedding, ...' },
  'gpt-4o': {
    cache_read_input_token_cost: 1.25e-6, cache_read_input_token_cost_priority: 2.125e-6, input_cost_per_token: 2.5e-6, input_cost_per_token_batches: 1.25e-6,
    input_cost_per_token_priority: 4.25e-6, litellm_provider: 'openai', max_input_tokens: 128000, mode: 'chat', output_cost_per_token: 1e-5,
    output_cost_per_token_batches: 5e-6, output_cost_per_token_priority: 1.7e-5, supports_vision: true,
  },
  'gemini-2.5-pro': {
    cache_read_input_token_cost: 1.25e-7, cache_read_input_token_cost_above_200k_tokens: 2.5e-7, input_cost_per_token: 1.25e-6,
    input_cost_per_token_above_200k_tokens: 2.5e-6, litellm_provider: 'vertex_ai-language-models', mode: 'chat', output_cost_per_token: 1e-5,
    output_cost_per_token_above_200k_tokens: 1.5e-5,
  },
  'gemini/gemini-2.5-pro': {
    input_cost_per_token: 1.25e-6, input_cost_per_token_above_200k_tokens: 2.5e-6, litellm_provider: 'gemini', mode: 'chat',
    output_cost_per_token: 1e-5, output_cost_per_token_above_200k_tokens: 1.5e-5,
  },
  'claude-sonnet-4-5': {
    cache_creation_input_token_cost: 3.75e-6, cache_creation_input_token_cost_above_1hr: 6e-6, cache_read_input_token_cost: 3e-7,
    input_cost_per_token: 3e-6, litellm_provider: 'anthropic', mode: 'chat', output_cost_per_token: 1.5e-5,
  },
  // LiteLLM lists the long-context rates but no 1-hour write: merged over ours, the missing rates are derived.
  'claude-sonnet-4': {
    cache_creation_input_token_cost: 3.75e-6, cache_creation_input_token_cost_above_200k_tokens: 7.5e-6, cache_read_input_token_cost: 3e-7,
    cache_read_input_token_cost_above_200k_tokens: 6e-7, input_cost_per_token: 3e-6, input_cost_per_token_above_200k_tokens: 6e-6,
    litellm_provider: 'anthropic', mode: 'chat', output_cost_per_token: 1.5e-5, output_cost_per_token_above_200k_tokens: 2.25e-5,
  },
  // a service tier with its own long-context rates (two suffixes), not a uniform multiple
  'gpt-5.4': {
    cache_read_input_token_cost: 2.5e-7, cache_read_input_token_cost_above_272k_tokens: 5e-7, cache_read_input_token_cost_priority: 5e-7,
    cache_read_input_token_cost_above_272k_tokens_priority: 1e-6, input_cost_per_token: 2.5e-6, input_cost_per_token_above_272k_tokens: 5e-6,
    input_cost_per_token_priority: 5e-6, input_cost_per_token_above_272k_tokens_priority: 1e-5, litellm_provider: 'openai', mode: 'chat',
    output_cost_per_token: 1.5e-5, output_cost_per_token_above_272k_tokens: 2.25e-5, output_cost_per_token_priority: 2.25e-5,
    output_cost_per_token_above_272k_tokens_priority: 3.375e-5,
  },
  'dall-e-2': { input_cost_per_image: 0.02, litellm_provider: 'openai', mode: 'image_generation' },
  '256-x-256/dall-e-2': { input_cost_per_pixel: 2.4414e-7, litellm_provider: 'openai', mode: 'image_generation', output_cost_per_pixel: 0.0 },
  'azure/hd/1024-x-1792/dall-e-3': { input_cost_per_pixel: 6.539e-8, litellm_provider: 'azure', mode: 'image_generation', output_cost_per_pixel: 0.0 },
  'twelvelabs.pegasus-1-2-v1:0': { output_cost_per_token: 7.5e-6, output_cost_per_video_per_second: 0.00049, litellm_provider: 'bedrock', mode: 'chat' },
  'deepseek/deepseek-v4-pro': { input_cost_per_token: 1.74e-6, cache_read_input_token_cost: 1.45e-8, output_cost_per_token: 3.48e-6, litellm_provider: 'deepseek', mode: 'chat' },
  'azure/gpt-4o': { input_cost_per_token: 2.75e-6, output_cost_per_token: 1.1e-5, litellm_provider: 'azure', mode: 'chat' },
  'text-embedding-3-small': { input_cost_per_token: 2e-8, litellm_provider: 'openai', mode: 'embedding', output_cost_per_token: 0.0 },
  'whisper-1': { input_cost_per_second: 0.0001, litellm_provider: 'openai', mode: 'audio_transcription', output_cost_per_second: 0.0001 },
  'tts-1': { input_cost_per_character: 1.5e-5, litellm_provider: 'openai', mode: 'audio_speech' },
  'standard/1024-x-1024/dall-e-3': { input_cost_per_pixel: 3.81469e-8, litellm_provider: 'openai', mode: 'image_generation', output_cost_per_pixel: 0.0 },
  'hd/1024-x-1792/dall-e-3': { input_cost_per_pixel: 6.539e-8, litellm_provider: 'openai', mode: 'image_generation', output_cost_per_pixel: 0.0 },
  'brand-new-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: 'openai', mode: 'chat' },
  'cohere/rerank-v3.5': { input_cost_per_query: 0.002, litellm_provider: 'cohere', mode: 'rerank' },
  'broken-model': { input_cost_per_token: 'free', output_cost_per_token: 1e-6, litellm_provider: 'openai', mode: 'chat' },
};

function write(content: unknown): string {
  const path = join(dir, `litellm-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe("LiteLLM's format", () => {
  it('is detected from its shape, not its file name', () => {
    expect(isLiteLLMDocument(LITELLM)).toBe(true);
    expect(isLiteLLMDocument({ 'gpt-4o': { input_cost_per_token: 1e-6 } })).toBe(true);
    expect(isLiteLLMDocument({ models: { 'gpt-4o': { input: 1 } } })).toBe(false);
    expect(isLiteLLMDocument({})).toBe(false);
  });

  it('applies through GENAI_METER_PRICING_FILE, converted to our rates and tiers', () => {
    process.env.GENAI_METER_PRICING_FILE = write(LITELLM);
    const problems: PricingFileError[] = [];
    const catalog = PriceCatalog.load({}, { onProblem: (p) => problems.push(p) });
    // the broken entry is reported by name and skipped; the rest applies
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(`at $["broken-model"].input_cost_per_token (entry "broken-model"): expected a non-negative number, got "free"; entry skipped`);
    expect(catalog.resolve('broken-model')).toBeUndefined();

    // gpt-4o: 2.5 / 1.25 / 10, batch 0.5, priority 1.7 (a uniform ratio becomes a multiplier)
    const gpt4o = catalog.resolve('gpt-4o')!.price;
    expect([gpt4o.input, gpt4o.cachedInput, gpt4o.output]).toEqual([2.5, 1.25, 10]);
    expect(gpt4o.serviceTiers).toEqual({ batch: 0.5, priority: 1.7 });
    // gemini-2.5-pro above 200k: 300000 * 2.5
    expect(catalog.cost('gemini-2.5-pro', { inputTokens: 300_000, outputTokens: 0 })?.totalUsd).toBeCloseTo(0.75, 12);
    // the provider-prefixed LiteLLM key is its own name
    expect(catalog.resolve('gemini/gemini-2.5-pro')?.key).toBe('gemini/gemini-2.5-pro');
    // Anthropic 1-hour writes: 1000 * 6
    expect(catalog.cost('claude-sonnet-4-5', { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWriteTokensByTtl: { '1h': 1_000 }, outputTokens: 0 })?.totalUsd).toBeCloseTo(0.006, 12);
    // per second, per character, per pixel
    expect(catalog.cost('whisper-1', { audioSeconds: 60 })?.totalUsd).toBeCloseTo(0.006, 12);
    expect(catalog.cost('tts-1', { characters: 1_000_000 })?.totalUsd).toBeCloseTo(15, 9);
    expect(catalog.resolve('dall-e-3')!.price.images!.prices).toMatchObject({ standard: { '1024x1024': 0.04 }, hd: { '1024x1792': 0.12 } });
    // a model only LiteLLM knows: 1e6 * 1 + 1e6 * 2
    expect(catalog.cost('brand-new-model', { inputTokens: 1_000_000, outputTokens: 1_000_000 })?.totalUsd).toBe(3);
    expect(catalog.resolve('brand-new-model')!.price.source).toBe(process.env.GENAI_METER_PRICING_FILE);
    // modes we do not price, and output-only prices, are left out, silently
    expect(catalog.resolve('cohere/rerank-v3.5')).toBeUndefined();
    expect(catalog.resolve('twelvelabs.pegasus-1-2-v1:0')).toBeUndefined();
    // claude-sonnet-4 above 200k: 1h write derived as 6 * (6 / 3) = 12: 250000 input of which 1000 written for 1h
    // 249000*6 + 1000*12 = 1.494 + 0.012
    expect(catalog.cost('claude-sonnet-4', { inputTokens: 250_000, cacheWriteTokens: 1_000, cacheWriteTokensByTtl: { '1h': 1_000 }, outputTokens: 0 })?.totalUsd).toBeCloseTo(1.506, 12);
    // gpt-5.4 priority above 272k: its own rates, 300000*10 + 1000*33.75
    const p = catalog.cost('gpt-5.4', { inputTokens: 300_000, outputTokens: 1_000 }, { serviceTier: 'priority' })!;
    expect(p.longContextAbove).toBe(272_000);
    expect(p.totalUsd).toBeCloseTo(3.03375, 12);
    // sized image prices beat the flat one; azure's are their own model
    expect(catalog.cost('dall-e-2', { images: 1, imageSize: '256x256' })?.totalUsd).toBe(0.016);
    expect(catalog.cost('dall-e-2', { images: 1, imageSize: '2048x2048' })?.totalUsd).toBe(0.02);
    expect(catalog.cost('azure/dall-e-3', { images: 1, imageQuality: 'hd', imageSize: '1024x1792' })?.totalUsd).toBe(0.12);
  });

  it('diff lists what the file prices differently, what only it has and what it lacks', () => {
    const d = diffCatalog(write(LITELLM));
    expect(d.format).toBe('litellm');
    const changed = Object.fromEntries(d.changed.map((c) => [c.name, c.differences]));
    // LiteLLM still carries DeepSeek V4-Pro at 4x its launch promotion; the bundled catalog has the listed peak rate
    expect(changed['deepseek/deepseek-v4-pro']).toEqual([
      { field: 'input', bundled: 1.32, file: 1.74 },
      { field: 'cachedInput', bundled: 0.044, file: 0.0145 },
      { field: 'output', bundled: 3.96, file: 3.48 },
    ]);
    expect(d.changed.map((c) => c.name)).not.toContain('gpt-4o');
    expect(changed['gemini/gemini-2.5-pro']).toBeUndefined();
    expect(d.added).toEqual(['brand-new-model']);
    expect(d.otherProvider).toEqual(['azure/dall-e-3', 'azure/gpt-4o', 'gemini-2.5-pro']);
    expect(d.missing).toContain('claude-opus-4-5');
    expect(d.missing).not.toContain('gpt-4o');
    expect(d.problems).toHaveLength(1);
  });

  it('diff compares our own format too', () => {
    const d = diffCatalog(write({ models: { 'gpt-4o': { input: 2 }, 'gpt-5.4': { longContext: [{ above: 272000, input: 6, cachedInput: 0.5, output: 22.5 }] } } }));
    expect(d.format).toBe('genai-meter');
    expect(d.changed).toEqual([
      { name: 'gpt-4o', key: 'gpt-4o', differences: [{ field: 'input', bundled: 2.5, file: 2 }] },
      { name: 'gpt-5.4', key: 'gpt-5.4', differences: [{ field: 'longContext>272000.input', bundled: 5, file: 6 }] },
    ]);
  });
});
