// The bundled catalog itself: every entry sourced and dated, the brief's models present, and the
// provider rules that hold across a family (Anthropic's cache multipliers) respected.
import { describe, expect, it } from 'vitest';
import { PriceCatalog } from '../src/index.js';
import bundled from '../src/data/prices.json' with { type: 'json' };

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();
const entries = catalog.models().map((key) => ({ key, price: catalog.resolve(key)!.price }));

const REQUIRED_MODELS = [
  'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini', 'o1', 'o3', 'o3-mini', 'o4-mini',
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002',
  'claude-opus-4-1', 'claude-sonnet-4-5', 'claude-haiku-4-5',
  'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite', 'gemini-2.0-flash',
  'deepseek-chat', 'deepseek-reasoner', 'grok-3', 'grok-4-0709',
  'mistral-large-2512', 'mistral-medium-2508', 'mistral-small-2506', 'codestral-2508',
  'llama-3.3-70b-versatile', 'meta-llama/llama-3.3-70b-instruct-turbo',
];

describe('bundled catalog', () => {
  it('covers the required models', () => {
    for (const model of REQUIRED_MODELS) expect(catalog.models()).toContain(model);
  });

  it('keys are lowercase and every entry has a provider page URL and a date', () => {
    expect(Object.keys(bundled.models).length).toBe(entries.length);
    for (const { key, price } of entries) {
      expect(key).toBe(key.toLowerCase());
      expect(price.source).toMatch(/^https:\/\/[a-z0-9.-]+\.(com|ai|dev)\//);
      expect(price.date).toMatch(/^20\d\d-\d\d-\d\d$/);
    }
  });

  it('never prices cached input above input', () => {
    for (const { price } of entries) {
      if (price.cachedInput !== undefined) expect(price.cachedInput).toBeLessThanOrEqual(price.input);
    }
  });

  it('Anthropic entries follow cache write 1.25x and cache read 0.1x of input', () => {
    const anthropic = entries.filter((e) => e.price.provider === 'anthropic');
    expect(anthropic.length).toBeGreaterThanOrEqual(6);
    for (const { price } of anthropic) {
      expect(price.cacheWrite).toBeCloseTo(price.input * 1.25, 12);
      expect(price.cachedInput).toBeCloseTo(price.input * 0.1, 12);
    }
  });

  it('only Anthropic entries carry a cache write price', () => {
    for (const { price } of entries) {
      if (price.provider !== 'anthropic') expect(price.cacheWrite).toBeUndefined();
    }
  });
});
