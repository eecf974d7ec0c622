// Every kind of tier, with hand-computed figures (USD per 1M tokens in the comments): long-context
// rates that switch the whole call, service tiers (multipliers and own rates, the names responses
// report), cache writes by lifetime. Prices come from the bundled catalog, so a wrong figure in
// prices.json fails here too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PriceCatalog, canonicalTier, type CallUsage, type CostBreakdown } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();
const dir = mkdtempSync(join(tmpdir(), 'genai-meter-tiers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectClose(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12 + 1e-18);
}

function cost(model: string, usage: CallUsage, serviceTier?: string | null): CostBreakdown {
  const c = catalog.cost(model, usage, { serviceTier });
  expect(c, `${model} ${serviceTier ?? ''}`).toBeDefined();
  return c!;
}

describe('long-context rates switch the whole call', () => {
  it.each([
    // gemini-2.5-pro: <=200k 1.25 / 10; >200k 2.5 / 15, cached 0.25
    ['gemini-2.5-pro', { inputTokens: 200_000, outputTokens: 1_000 }, undefined, 0.26], // 200000*1.25 + 1000*10
    ['gemini-2.5-pro', { inputTokens: 200_001, outputTokens: 1_000 }, 200_000, 0.5150025], // 200001*2.5 + 1000*15
    ['gemini-2.5-pro', { inputTokens: 300_000, cacheReadTokens: 100_000, outputTokens: 0 }, 200_000, 0.525], // 200000*2.5 + 100000*0.25
    // claude-sonnet-4-5 >200k: 6 / 22.5
    ['anthropic/claude-sonnet-4.5', { inputTokens: 250_000, outputTokens: 2_000 }, 200_000, 1.545], // 250000*6 + 2000*22.5
    ['claude-sonnet-4-20250514', { inputTokens: 199_999, outputTokens: 2_000 }, undefined, 0.629997], // 199999*3 + 2000*15
    // gpt-5.4 >272k: 5 / 0.5 / 22.5; gpt-5.5 >272k: 10 / 1 / 45
    ['gpt-5.4-2026-03-05', { inputTokens: 300_000, cacheReadTokens: 200_000, outputTokens: 10_000 }, 272_000, 0.825], // 100000*5 + 200000*0.5 + 10000*22.5
    ['openai/gpt-5.5', { inputTokens: 272_000, outputTokens: 0 }, undefined, 1.36], // 272000*5
    ['openai/gpt-5.5', { inputTokens: 272_001, outputTokens: 0 }, 272_000, 2.72001], // 272001*10
    // grok-4-0709 >128k: 6 / 30
    ['grok-4', { inputTokens: 128_001, outputTokens: 1_000 }, 128_000, 0.798006], // 128001*6 + 1000*30
    // grok-4.20 at 200k or more: 2.5 / 5 ("reaches 200k" -> above 199999)
    ['grok-4.20', { inputTokens: 200_000, outputTokens: 1_000 }, 199_999, 0.505], // 200000*2.5 + 1000*5
    ['grok-4.20', { inputTokens: 199_999, outputTokens: 1_000 }, undefined, 0.25249875], // 199999*1.25 + 1000*2.5
    // claude-haiku-5-5 >100k: 0.5 / 2.5
    ['claude-haiku-5-5', { inputTokens: 100_001, outputTokens: 1_000 }, 100_000, 0.0525005], // 100001*0.5 + 1000*2.5
    // qwen3-max tiers: 0-32k 1.2/6, 32k-128k 2.4/12, 128k+ 3/15 (the last threshold passed wins)
    ['qwen3-max', { inputTokens: 50_000, outputTokens: 1_000 }, 32_000, 0.132], // 50000*2.4 + 1000*12
    ['qwen3-max', { inputTokens: 200_000, outputTokens: 1_000 }, 128_000, 0.615], // 200000*3 + 1000*15
  ] as [string, CallUsage, number | undefined, number][])('%s %j', (model, usage, above, total) => {
    const c = cost(model, usage);
    expect(c.longContextAbove).toBe(above);
    expectClose(c.totalUsd, total);
  });

  it('applies the long-context cache-write rates by lifetime', () => {
    // claude-sonnet-4-5 >200k: input 6, 5m write 7.5, 1h write 12, output 22.5
    // 240000*6 + 6000*7.5 + 4000*12 + 100*22.5 = 1.44 + 0.045 + 0.048 + 0.00225
    const c = cost('claude-sonnet-4-5', { inputTokens: 250_000, cacheWriteTokens: 10_000, cacheWriteTokensByTtl: { '1h': 4_000 }, outputTokens: 100 });
    expectClose(c.inputUsd, 1.44);
    expectClose(c.cacheWriteUsd, 0.093);
    expectClose(c.totalUsd, 1.53525);
  });
});

describe('service tiers', () => {
  it.each([
    // gpt-5 flex x0.5: (1000*1.25 + 1000*10) * 0.5
    ['gpt-5', 'flex', 'flex', 0.005625],
    ['gpt-5', 'batch', 'batch', 0.005625],
    // gpt-5 priority x2
    ['gpt-5', 'priority', 'priority', 0.0225],
    // OpenAI renamed priority to fast (2026-07-30): same tier
    ['gpt-5', 'fast', 'priority', 0.0225],
    ['gpt-5', 'FAST', 'priority', 0.0225],
    // standard names responses report
    ['gpt-5', 'default', 'standard', 0.01125],
    ['gpt-5', 'auto', 'standard', 0.01125],
    ['gpt-5', 'on_demand', 'standard', 0.01125],
    ['gpt-5', 'standard', 'standard', 0.01125],
    ['gpt-5', null, 'standard', 0.01125],
    // gpt-5.5 priority x2.5: (1000*5 + 1000*30) * 2.5
    ['gpt-5.5', 'priority', 'priority', 0.0875],
    // gpt-4o-mini priority has its own rates: 1000*0.25 + 1000*1
    ['gpt-4o-mini', 'priority', 'priority', 0.00125],
    // GPT-6 ultrafast x3: (1000*2 + 1000*10) * 3
    ['gpt-6-sol', 'ultrafast', 'ultrafast', 0.036],
    // xAI batch 20% off: (1000*1.25 + 1000*2.5) * 0.8
    ['grok-4.20-0309-reasoning', 'batch', 'batch', 0.003],
    // Anthropic batch: (1000*3 + 1000*15) * 0.5
    ['claude-sonnet-4-6', 'batch', 'batch', 0.009],
    // DeepSeek off-peak half of peak: (1000*1.32 + 1000*3.96) * 0.5
    ['deepseek-v4-pro', 'off_peak', 'off_peak', 0.00264],
  ] as [string, string | null, string, number][])('%s at %s', (model, tier, applied, total) => {
    const c = cost(model, { inputTokens: 1_000, outputTokens: 1_000 }, tier);
    expect(c.serviceTier).toBe(applied);
    expectClose(c.totalUsd, total);
  });

  it('scales the long-context rates by the tier multiplier', () => {
    // gpt-5.4 flex above 272k: 300000 * 5 * 0.5 + 1000 * 22.5 * 0.5
    const c = cost('gpt-5.4', { inputTokens: 300_000, outputTokens: 1_000 }, 'flex');
    expect(c.longContextAbove).toBe(272_000);
    expectClose(c.totalUsd, 0.76125);
  });

  it('scales cached and cache-write rates too', () => {
    // gpt-6.2-sol priority x2: 1000*2*2 + 1000*0.1*2 + 1000*2.5*2 + 1000*10*2 = 4000 + 200 + 5000 + 20000
    const c = cost('gpt-6.2-sol', { inputTokens: 3_000, cacheReadTokens: 1_000, cacheWriteTokens: 1_000, outputTokens: 1_000 }, 'priority');
    expectClose(c.cacheReadUsd, 0.0002);
    expectClose(c.cacheWriteUsd, 0.005);
    expectClose(c.totalUsd, 0.0292);
  });

  it('leaves a call unpriced (with the reason) at a tier the model has no price for', () => {
    expect(catalog.cost('gpt-4o', { inputTokens: 1, outputTokens: 1 }, { serviceTier: 'scale' })).toBeUndefined();
    expect(catalog.cost('gpt-4.1', { inputTokens: 1, outputTokens: 1 }, { serviceTier: 'flex' })).toBeUndefined();
    expect(catalog.priceCall(['gpt-4o'], { inputTokens: 1, outputTokens: 1 }, { serviceTier: 'scale' })).toEqual({ priced: false, reason: 'unpriced_service_tier', detail: 'scale' });
  });

  it('maps reported tier names through a file\'s serviceTierAliases', () => {
    const file = join(dir, 'aliases.json');
    writeFileSync(file, JSON.stringify({ serviceTierAliases: { scale: 'standard', turbo: 'priority' } }));
    const cat = PriceCatalog.load({ file });
    // 1000*2.5 + 1000*10
    expectClose(cat.cost('gpt-4o', { inputTokens: 1_000, outputTokens: 1_000 }, { serviceTier: 'scale' })?.totalUsd ?? NaN, 0.0125);
    expect(cat.cost('gpt-5', { inputTokens: 1_000, outputTokens: 1_000 }, { serviceTier: 'turbo' })?.serviceTier).toBe('priority');
  });

  it('canonicalTier normalises what responses report', () => {
    expect(canonicalTier(undefined)).toBe('standard');
    expect(canonicalTier('')).toBe('standard');
    expect(canonicalTier(' Default ')).toBe('standard');
    expect(canonicalTier('fast')).toBe('priority');
    expect(canonicalTier('flex')).toBe('flex');
  });
});

describe('cache writes by lifetime', () => {
  it('bills Anthropic 5-minute writes at 1.25x and 1-hour writes at 2x input', () => {
    // claude-opus-4-5: input 5, 5m 6.25, 1h 10, hit 0.5, output 25
    // 1000*5 + 2000*0.5 + 3000*6.25 + 4000*10 + 1000*25 = 5000 + 1000 + 18750 + 40000 + 25000
    const c = cost('claude-opus-4-5-20251101', { inputTokens: 10_000, cacheReadTokens: 2_000, cacheWriteTokens: 7_000, cacheWriteTokensByTtl: { '1h': 4_000 }, outputTokens: 1_000 });
    expectClose(c.cacheWriteUsd, 0.05875);
    expectClose(c.totalUsd, 0.08975);
  });

  it('bills OpenAI 12-hour writes where the model lists them', () => {
    // gpt-6.2-sol: 30m write 2.5, 12h write 5: 1000*2.5 + 1000*5
    const c = cost('gpt-6.2-sol', { inputTokens: 2_000, cacheWriteTokens: 2_000, cacheWriteTokensByTtl: { '12h': 1_000 }, outputTokens: 0 });
    expectClose(c.cacheWriteUsd, 0.0075);
  });

  it('caps lifetime parts at the cache writes and leaves unknown lifetimes unpriced', () => {
    // 1h part capped at the 1000 written: 1000 * 6 (claude-sonnet-4-6 1h write)
    expectClose(cost('claude-sonnet-4-6', { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWriteTokensByTtl: { '1h': 5_000 }, outputTokens: 0 }).cacheWriteUsd, 0.006);
    expect(catalog.priceCall(['claude-sonnet-4-6'], { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWriteTokensByTtl: { '24h': 1_000 }, outputTokens: 0 })).toEqual({ priced: false, reason: 'unpriced_cache_ttl', detail: '24h' });
    // a zero-token lifetime part is no reason to give up
    expect(catalog.cost('gpt-4o', { inputTokens: 10, outputTokens: 0, cacheWriteTokensByTtl: { '24h': 0 } })).toBeDefined();
  });
});
