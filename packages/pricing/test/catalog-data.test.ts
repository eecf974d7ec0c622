// The bundled catalog itself: it loads strictly, every entry names its provider's price page and
// the day it was taken, the names relays send resolve, and the rules that hold across a family
// (Anthropic's cache multipliers, tiers never cheaper than they should be) are respected.
import { describe, expect, it } from 'vitest';
import { PriceCatalog, type ModelPrice } from '../src/index.js';
import bundled from '../src/data/prices.json' with { type: 'json' };

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();
const entries = catalog.models().map((key) => ({ key, price: catalog.resolve(key)!.price }));

/** Each provider's own price page host: an entry's source must be its provider's page. */
const SOURCE_HOSTS: Record<string, string> = {
  openai: 'developers.openai.com',
  anthropic: 'platform.claude.com',
  'gcp.gemini': 'ai.google.dev',
  deepseek: 'api-docs.deepseek.com',
  x_ai: 'docs.x.ai',
  mistral_ai: 'mistral.ai',
  dashscope: 'www.alibabacloud.com',
  moonshot: 'platform.kimi.ai',
  zai: 'docs.z.ai',
  groq: 'groq.com',
  together_ai: 'www.together.ai',
  fireworks_ai: 'fireworks.ai',
};

/** Names relays and SDKs send in late 2026, and the entry each must price. */
const RELAY_NAMES: [string, string][] = [
  ['deepseek-v3.2', 'deepseek-v3.2'],
  ['deepseek/deepseek-v3.2', 'deepseek-v3.2'],
  ['deepseek-ai/DeepSeek-V3.2', 'deepseek-v3.2'],
  ['deepseek-v4-pro', 'deepseek-v4-pro'],
  ['deepseek-v4-flash', 'deepseek-flash'],
  ['openai/gpt-4.1', 'gpt-4.1'],
  ['openrouter/openai/gpt-5.5', 'gpt-5.5'],
  ['gpt-5.5-2026-04-23', 'gpt-5.5'],
  ['gpt-6-sol', 'gpt-6-sol'],
  ['gpt-6.2-sol', 'gpt-6.2-sol'],
  ['gpt-5.6-terra', 'gpt-5.6-terra'],
  ['gpt-4-turbo', 'gpt-4-turbo'],
  ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
  ['gpt-4-0613', 'gpt-4'],
  ['gpt-3.5-turbo', 'gpt-3.5-turbo'],
  ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
  ['gpt-3.5-turbo-1106', 'gpt-3.5-turbo-1106'],
  ['text-embedding-3-small', 'text-embedding-3-small'],
  ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
  ['claude-opus-5-5', 'claude-opus-5-5'],
  ['claude-sonnet-5-5-20260928', 'claude-sonnet-5-5'],
  ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
  ['google/gemini-3.1-pro-preview', 'gemini-3.1-pro-preview'],
  ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
  ['gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash'],
  ['x-ai/grok-4.20', 'grok-4.20-0309-reasoning'],
  ['xai/grok-4-1-fast', 'grok-4-1-fast-reasoning'],
  ['mistralai/mistral-large-2512', 'mistral-large-2512'],
  ['codestral-latest', 'codestral-2508'],
  ['qwen/qwen3-max', 'qwen3-max'],
  ['dashscope/qwen-plus', 'qwen-plus'],
  ['moonshotai/kimi-k2.6', 'kimi-k2.6'],
  ['moonshot/kimi-k2-0905-preview', 'kimi-k2-thinking'],
  ['z-ai/glm-5.1', 'glm-5.1'],
  ['zai-org/GLM-4.5-Air', 'glm-4.5-air'],
  ['groq/llama-3.3-70b-versatile', 'llama-3.3-70b-versatile'],
  ['openai/gpt-oss-120b', 'gpt-oss-120b'],
  ['together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/llama-3.3-70b-instruct-turbo'],
  ['accounts/fireworks/models/llama-v3p3-70b-instruct', 'llama-v3p3-70b-instruct'],
  ['fireworks_ai/accounts/fireworks/models/glm-4p5-air', 'glm-4p5-air'],
  ['Qwen/Qwen3-235B-A22B-Instruct-2507-tput', 'qwen3-235b-a22b-instruct'],
  ['whisper-1', 'whisper-1'],
  ['dall-e-3', 'dall-e-3'],
  ['gpt-image-1', 'gpt-image-1'],
  ['omni-moderation-latest', 'omni-moderation-latest'],
];

/** Every provider the issue names keeps a floor of models. */
const MIN_PER_PROVIDER: Record<string, number> = {
  openai: 60, anthropic: 20, 'gcp.gemini': 12, deepseek: 5, x_ai: 10, mistral_ai: 8, dashscope: 6, moonshot: 5, zai: 6, groq: 5, together_ai: 3, fireworks_ai: 3,
};

function rateSets(p: ModelPrice): { where: string; r: Partial<ModelPrice> }[] {
  return [{ where: 'base', r: p }, ...(p.longContext ?? []).map((t) => ({ where: `above ${t.above}`, r: t }))];
}

describe('bundled catalog', () => {
  it('loads strictly, with no problem', () => {
    expect(PriceCatalog.load({}, { onProblem: () => {} }).problems).toEqual([]);
    expect(Object.keys(bundled.models).length).toBe(entries.length);
  });

  it('every entry has its provider page as source and a real date, not in the future', () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const { key, price } of entries) {
      expect(key, key).toBe(key.toLowerCase());
      const host = SOURCE_HOSTS[price.provider];
      expect(host, `${key}: provider ${price.provider} has no known price page`).toBeDefined();
      expect(new URL(price.source).host, key).toBe(host);
      expect(new URL(price.source).protocol, key).toBe('https:');
      expect(price.date, key).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(price.date <= today, `${key} dated ${price.date}`).toBe(true);
      expect(price.date >= '2026-01-01', `${key} dated ${price.date}`).toBe(true);
    }
  });

  it('prices the names relays send', () => {
    for (const [name, key] of RELAY_NAMES) expect(catalog.resolve(name)?.key, name).toBe(key);
  });

  it('covers every provider the issue names', () => {
    const counts = new Map<string, number>();
    for (const { price } of entries) counts.set(price.provider, (counts.get(price.provider) ?? 0) + 1);
    for (const [provider, min] of Object.entries(MIN_PER_PROVIDER)) expect(counts.get(provider) ?? 0, provider).toBeGreaterThanOrEqual(min);
  });

  it('never prices cached input above input, nor a long-context tier below the base', () => {
    for (const { key, price } of entries) {
      for (const { where, r } of rateSets(price)) {
        if (r.cachedInput !== undefined) expect(r.cachedInput, `${key} ${where}`).toBeLessThanOrEqual(r.input!);
      }
      for (const tier of price.longContext ?? []) {
        expect(tier.input, key).toBeGreaterThanOrEqual(price.input!);
        expect(tier.output, key).toBeGreaterThanOrEqual(price.output!);
      }
    }
  });

  it('discount tiers are discounts and premium tiers premiums', () => {
    for (const { key, price } of entries) {
      for (const [name, tier] of Object.entries(price.serviceTiers ?? {})) {
        const input = typeof tier === 'number' ? tier * price.input! : tier.input;
        if (['batch', 'flex', 'off_peak'].includes(name)) expect(input, `${key} ${name}`).toBeLessThan(price.input!);
        else if (['priority', 'ultrafast'].includes(name)) expect(input, `${key} ${name}`).toBeGreaterThan(price.input!);
        else throw new Error(`${key}: unexpected service tier ${name}`);
      }
    }
  });

  it('Anthropic entries: 5-minute writes 1.25x and 1-hour writes 2x input, at every context size', () => {
    const anthropic = entries.filter((e) => e.price.provider === 'anthropic');
    expect(anthropic.length).toBeGreaterThanOrEqual(20);
    for (const { key, price } of anthropic) {
      for (const { where, r } of rateSets(price)) {
        // Claude Haiku 3 is the one exception on Anthropic's page: $0.30 5-minute writes on $0.25 input.
        if (key !== 'claude-3-haiku') expect(r.cacheWrite, `${key} ${where}`).toBeCloseTo(r.input! * 1.25, 12);
        expect(r.cacheWriteByTtl?.['1h'], `${key} ${where}`).toBeCloseTo(r.input! * 2, 12);
      }
    }
  });

  it('the long-context tiers the issue names are there', () => {
    const above = (name: string): number[] => (catalog.resolve(name)!.price.longContext ?? []).map((t) => t.above);
    expect(above('gemini-2.5-pro')).toEqual([200_000]);
    expect(above('claude-sonnet-4')).toEqual([200_000]);
    expect(above('claude-sonnet-4-5')).toEqual([200_000]);
    expect(above('gpt-5.4')).toEqual([272_000]);
    expect(above('gpt-5.5')).toEqual([272_000]);
    expect(above('grok-4')).toEqual([128_000]);
  });
});
