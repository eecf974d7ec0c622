// Exact costs from hand-computed figures. Every expected value below is worked out by hand from
// the catalog's documented prices (USD per 1M tokens, shown in the comment), so a typo in
// prices.json fails here.
import { describe, expect, it } from 'vitest';
import { PriceCatalog, type TokenUsage } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();

interface Case {
  model: string;
  usage: TokenUsage;
  key: string;
  totalUsd: number;
}

const CASES: Case[] = [
  // OpenAI
  // gpt-4.1 2 / 0.5 cached / 8: 800*2 + 200*0.5 + 500*8 = 5700
  { model: 'gpt-4.1', usage: { inputTokens: 1_000, cacheReadTokens: 200, outputTokens: 500 }, key: 'gpt-4.1', totalUsd: 0.0057 },
  // gpt-4.1-mini 0.4 / 1.6: 10000*0.4 + 1000*1.6 = 5600
  { model: 'gpt-4.1-mini-2025-04-14', usage: { inputTokens: 10_000, outputTokens: 1_000 }, key: 'gpt-4.1-mini', totalUsd: 0.0056 },
  // gpt-4.1-nano 0.1 / 0.025 / 0.4: 60000*0.1 + 40000*0.025 + 2000*0.4 = 7800
  { model: 'gpt-4.1-nano', usage: { inputTokens: 100_000, cacheReadTokens: 40_000, outputTokens: 2_000 }, key: 'gpt-4.1-nano', totalUsd: 0.0078 },
  // gpt-4o 2.5 / 1.25 / 10: 800*2.5 + 200*1.25 + 500*10 = 7250
  { model: 'gpt-4o-2024-08-06', usage: { inputTokens: 1_000, cacheReadTokens: 200, outputTokens: 500 }, key: 'gpt-4o', totalUsd: 0.00725 },
  // gpt-4o-2024-05-13 5 / 15: 1000*5 + 100*15 = 6500
  { model: 'gpt-4o-2024-05-13', usage: { inputTokens: 1_000, outputTokens: 100 }, key: 'gpt-4o-2024-05-13', totalUsd: 0.0065 },
  // gpt-4o-mini 0.15 / 0.075 / 0.6: 976*0.15 + 1024*0.075 + 300*0.6 = 146.4 + 76.8 + 180 = 403.2
  { model: 'gpt-4o-mini-2024-07-18', usage: { inputTokens: 2_000, cacheReadTokens: 1_024, outputTokens: 300 }, key: 'gpt-4o-mini', totalUsd: 0.0004032 },
  // o1 15 / 60: 1000*15 + 1000*60 + 9000*60 = 615000
  { model: 'o1-2024-12-17', usage: { inputTokens: 1_000, outputTokens: 10_000, reasoningTokens: 9_000 }, key: 'o1', totalUsd: 0.615 },
  // o3 2 / 0.5 / 8: 4000*2 + 1000*0.5 + 1000*8 + 3000*8 = 40500
  { model: 'o3-2025-04-16', usage: { inputTokens: 5_000, cacheReadTokens: 1_000, outputTokens: 4_000, reasoningTokens: 3_000 }, key: 'o3', totalUsd: 0.0405 },
  // o3-mini 1.1 / 4.4: 2000*1.1 + 1000*4.4 = 6600
  { model: 'o3-mini-2025-01-31', usage: { inputTokens: 2_000, outputTokens: 1_000, reasoningTokens: 600 }, key: 'o3-mini', totalUsd: 0.0066 },
  // o4-mini 1.1 / 0.275 / 4.4: 3000*1.1 + 500*4.4 + 1500*4.4 = 12100
  { model: 'o4-mini-2025-04-16', usage: { inputTokens: 3_000, outputTokens: 2_000, reasoningTokens: 1_500 }, key: 'o4-mini', totalUsd: 0.0121 },
  // gpt-5 1.25 / 0.125 / 10: 10000*1.25 + 10000*0.125 + 1000*10 + 2000*10 = 43750
  { model: 'gpt-5-2025-08-07', usage: { inputTokens: 20_000, cacheReadTokens: 10_000, outputTokens: 3_000, reasoningTokens: 2_000 }, key: 'gpt-5', totalUsd: 0.04375 },
  // gpt-5-mini 0.25 / 2: 1e6*0.25 + 1e5*2 = 450000
  { model: 'gpt-5-mini', usage: { inputTokens: 1_000_000, outputTokens: 100_000 }, key: 'gpt-5-mini', totalUsd: 0.45 },
  // gpt-5-nano cached 0.005: 500000*0.005 = 2500
  { model: 'gpt-5-nano', usage: { inputTokens: 500_000, cacheReadTokens: 500_000, outputTokens: 0 }, key: 'gpt-5-nano', totalUsd: 0.0025 },
  // embeddings: 8000*0.02 = 160; 1e6*0.13; 3000*0.1 = 300
  { model: 'text-embedding-3-small', usage: { inputTokens: 8_000, outputTokens: 0 }, key: 'text-embedding-3-small', totalUsd: 0.00016 },
  { model: 'text-embedding-3-large', usage: { inputTokens: 1_000_000, outputTokens: 0 }, key: 'text-embedding-3-large', totalUsd: 0.13 },
  { model: 'text-embedding-ada-002', usage: { inputTokens: 3_000, outputTokens: 0 }, key: 'text-embedding-ada-002', totalUsd: 0.0003 },
  // Anthropic: cache write 1.25x, cache read 0.1x
  // sonnet-4 3 / 0.3 / 3.75 / 15: 1000*3 + 6000*0.3 + 3000*3.75 + 2000*15 = 3000 + 1800 + 11250 + 30000 = 46050
  { model: 'claude-sonnet-4-20250514', usage: { inputTokens: 10_000, cacheReadTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 2_000 }, key: 'claude-sonnet-4', totalUsd: 0.04605 },
  // sonnet-4-5 same prices: 5000*3 + 5000*15 = 90000
  { model: 'claude-sonnet-4-5-20250929', usage: { inputTokens: 5_000, outputTokens: 5_000 }, key: 'claude-sonnet-4-5', totalUsd: 0.09 },
  // opus-4-1 15 / 75: 2000*15 + 1000*75 = 105000
  { model: 'claude-opus-4-1-20250805', usage: { inputTokens: 2_000, outputTokens: 1_000 }, key: 'claude-opus-4-1', totalUsd: 0.105 },
  // opus-4 cache read 1.5, write 18.75: 1000*15 + 1000*1.5 + 1000*18.75 = 35250
  { model: 'claude-opus-4-20250514', usage: { inputTokens: 3_000, cacheReadTokens: 1_000, cacheWriteTokens: 1_000, outputTokens: 0 }, key: 'claude-opus-4', totalUsd: 0.03525 },
  // opus-4-5 cache write 6.25: 100000*6.25 = 625000
  { model: 'claude-opus-4-5-20251101', usage: { inputTokens: 100_000, cacheWriteTokens: 100_000, outputTokens: 0 }, key: 'claude-opus-4-5', totalUsd: 0.625 },
  // haiku-4-5 1 / 0.1 / 5: 10000*1 + 40000*0.1 + 1000*5 = 19000
  { model: 'claude-haiku-4-5-20251001', usage: { inputTokens: 50_000, cacheReadTokens: 40_000, outputTokens: 1_000 }, key: 'claude-haiku-4-5', totalUsd: 0.019 },
  // Gemini (base tier)
  // 2.5-pro 1.25 / 0.125 / 10: 50000*1.25 + 50000*0.125 + 1000*10 + 4000*10 = 62500 + 6250 + 50000 = 118750
  { model: 'models/gemini-2.5-pro', usage: { inputTokens: 100_000, cacheReadTokens: 50_000, outputTokens: 5_000, reasoningTokens: 4_000 }, key: 'gemini-2.5-pro', totalUsd: 0.11875 },
  // 2.5-flash 0.3 / 2.5: 10000*0.3 + 1000*2.5 = 5500
  { model: 'gemini-2.5-flash', usage: { inputTokens: 10_000, outputTokens: 1_000 }, key: 'gemini-2.5-flash', totalUsd: 0.0055 },
  // 2.5-flash-lite 0.1 / 0.01 / 0.4: 5000*0.1 + 5000*0.01 + 1000*0.4 = 950
  { model: 'gemini-2.5-flash-lite', usage: { inputTokens: 10_000, cacheReadTokens: 5_000, outputTokens: 1_000 }, key: 'gemini-2.5-flash-lite', totalUsd: 0.00095 },
  // 2.0-flash 0.1 / 0.4: 100 + 400 = 500
  { model: 'gemini-2.0-flash-001', usage: { inputTokens: 1_000, outputTokens: 1_000 }, key: 'gemini-2.0-flash', totalUsd: 0.0005 },
  // DeepSeek 0.14 / 0.0028 hit / 0.28: 2000*0.14 + 8000*0.0028 + 1000*0.28 = 280 + 22.4 + 280 = 582.4
  { model: 'deepseek/deepseek-chat', usage: { inputTokens: 10_000, cacheReadTokens: 8_000, outputTokens: 1_000 }, key: 'deepseek-chat', totalUsd: 0.0005824 },
  // 1000*0.14 + 5000*0.28 = 1540
  { model: 'deepseek-reasoner', usage: { inputTokens: 1_000, outputTokens: 5_000, reasoningTokens: 4_000 }, key: 'deepseek-chat', totalUsd: 0.00154 },
  // deepseek-v3.2 0.28 / 0.028 hit / 0.42: 2000*0.28 + 8000*0.028 + 1000*0.42 = 560 + 224 + 420 = 1204
  { model: 'deepseek/deepseek-v3.2', usage: { inputTokens: 10_000, cacheReadTokens: 8_000, outputTokens: 1_000 }, key: 'deepseek-v3.2', totalUsd: 0.001204 },
  // deepseek-v4-pro (peak) 1.32 / 0.044 / 3.96: 1e6*1.32 + 1e6*3.96 = 5.28 (not 4x: 1.74 / 3.48 gave 5.22 at a promotion multiple)
  { model: 'deepseek-v4-pro', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 }, key: 'deepseek-v4-pro', totalUsd: 5.28 },
  // Qwen, Kimi, GLM: qwen3-max 0-32K 1.2 / 6: 10000*1.2 + 1000*6 = 18000; kimi-k2.6 0.6/0.1/3: 9000*0.6 + 1000*0.1 + 1000*3 = 8500; glm-5.1 1.4/0.26/4.4: 1000*1.4 + 1000*4.4 = 5800
  { model: 'dashscope/qwen3-max', usage: { inputTokens: 10_000, outputTokens: 1_000 }, key: 'qwen3-max', totalUsd: 0.018 },
  { model: 'moonshotai/kimi-k2.6', usage: { inputTokens: 10_000, cacheReadTokens: 1_000, outputTokens: 1_000 }, key: 'kimi-k2.6', totalUsd: 0.0085 },
  { model: 'z-ai/glm-5.1', usage: { inputTokens: 1_000, outputTokens: 1_000 }, key: 'glm-5.1', totalUsd: 0.0058 },
  // gpt-oss-120b on Groq 0.15 / 0.6: 1e6*0.15 + 1e6*0.6 = 0.75; Fireworks' path resolves to its own llama name
  { model: 'openai/gpt-oss-120b', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 }, key: 'gpt-oss-120b', totalUsd: 0.75 },
  { model: 'accounts/fireworks/models/llama-v3p3-70b-instruct', usage: { inputTokens: 1_000_000, outputTokens: 0 }, key: 'llama-v3p3-70b-instruct', totalUsd: 0.9 },
  // xAI
  // grok-4 3 / 0.75 / 15: 8000*3 + 2000*0.75 + 1000*15 = 40500
  { model: 'grok-4', usage: { inputTokens: 10_000, cacheReadTokens: 2_000, outputTokens: 1_000 }, key: 'grok-4-0709', totalUsd: 0.0405 },
  // grok-3-mini 0.3 / 0.5: 1000*0.3 + 1000*0.5 = 800
  { model: 'grok-3-mini', usage: { inputTokens: 1_000, outputTokens: 1_000, reasoningTokens: 800 }, key: 'grok-3-mini', totalUsd: 0.0008 },
  // grok-4-1-fast 0.2 / 0.05 / 0.5: 50000*0.2 + 50000*0.05 + 2000*0.5 = 13500
  { model: 'grok-4-1-fast-reasoning', usage: { inputTokens: 100_000, cacheReadTokens: 50_000, outputTokens: 2_000 }, key: 'grok-4-1-fast-reasoning', totalUsd: 0.0135 },
  // Mistral
  // large 3: 10000*0.5 + 2000*1.5 = 8000; medium 3.1: 4000 + 4000; small 3.2: 1000 + 600; codestral: 3000 + 1800
  { model: 'mistral-large-2512', usage: { inputTokens: 10_000, outputTokens: 2_000 }, key: 'mistral-large-2512', totalUsd: 0.008 },
  { model: 'mistral-medium-2508', usage: { inputTokens: 10_000, outputTokens: 2_000 }, key: 'mistral-medium-2508', totalUsd: 0.008 },
  { model: 'mistral/mistral-small-2506', usage: { inputTokens: 10_000, outputTokens: 2_000 }, key: 'mistral-small-2506', totalUsd: 0.0016 },
  { model: 'codestral-latest', usage: { inputTokens: 10_000, outputTokens: 2_000 }, key: 'codestral-2508', totalUsd: 0.0048 },
  // Gateways
  // groq llama-3.3-70b 0.59 / 0.79: 5900 + 1580 = 7480; 8b 0.05 / 0.08 per 1M each
  { model: 'groq/llama-3.3-70b-versatile', usage: { inputTokens: 10_000, outputTokens: 2_000 }, key: 'llama-3.3-70b-versatile', totalUsd: 0.00748 },
  { model: 'llama-3.1-8b-instant', usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 }, key: 'llama-3.1-8b-instant', totalUsd: 0.13 },
  // together 0.88 / 0.88: 880 + 880 = 1760
  { model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', usage: { inputTokens: 1_000, outputTokens: 1_000 }, key: 'meta-llama/llama-3.3-70b-instruct-turbo', totalUsd: 0.00176 },
];

function expectClose(actual: number, expected: number, relative = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * relative);
}

describe('cost per call', () => {
  it.each(CASES)('$model', ({ model, usage, key, totalUsd }) => {
    const cost = catalog.cost(model, usage);
    expect(cost?.modelKey).toBe(key);
    expectClose(cost!.totalUsd, totalUsd);
    const parts = cost!.inputUsd + cost!.cacheReadUsd + cost!.cacheWriteUsd + cost!.outputUsd + cost!.reasoningUsd + cost!.audioUsd + cost!.imageUsd;
    expect(parts).toBe(cost!.totalUsd);
    expect(cost!.serviceTier).toBe('standard');
    expect(cost!.longContextAbove).toBeUndefined();
  });

  it('covers every provider named in the brief', () => {
    const providers = new Set(CASES.map((c) => catalog.resolve(c.model)!.price.provider));
    expect([...providers].sort()).toEqual(['anthropic', 'dashscope', 'deepseek', 'fireworks_ai', 'gcp.gemini', 'groq', 'mistral_ai', 'moonshot', 'openai', 'together_ai', 'x_ai', 'zai']);
  });

  it('sums many calls to the hand-computed figure within 1e-9 relative', () => {
    let sum = 0;
    let expected = 0;
    for (let round = 1; round <= 500; round++) {
      for (const c of CASES) {
        sum += catalog.cost(c.model, c.usage)!.totalUsd;
        expected += c.totalUsd;
      }
    }
    // 500 rounds of the table, whose hand-computed total is the sum of the figures above.
    const tableTotal = CASES.reduce((a, c) => a + c.totalUsd, 0);
    expectClose(expected, tableTotal * 500, 1e-12);
    expectClose(sum, expected, 1e-9);
  });
});

describe('cached and reasoning splits', () => {
  it('bills cache reads at the cached rate and the rest of the input at the input rate', () => {
    // gpt-4o: 800 * 2.5 = 2000e-6 input, 200 * 1.25 = 250e-6 cached, 500 * 10 = 5000e-6 output
    const c = catalog.cost('gpt-4o', { inputTokens: 1_000, cacheReadTokens: 200, outputTokens: 500 })!;
    expectClose(c.inputUsd, 0.002);
    expectClose(c.cacheReadUsd, 0.00025);
    expect(c.cacheWriteUsd).toBe(0);
    expectClose(c.outputUsd, 0.005);
    expect(c.reasoningUsd).toBe(0);
  });

  it('bills Anthropic cache writes at 1.25x and reads at 0.1x, each token once', () => {
    // claude-sonnet-4: 1000*3, 6000*0.3, 3000*3.75, 2000*15
    const c = catalog.cost('claude-sonnet-4', { inputTokens: 10_000, cacheReadTokens: 6_000, cacheWriteTokens: 3_000, outputTokens: 2_000 })!;
    expectClose(c.inputUsd, 0.003);
    expectClose(c.cacheReadUsd, 0.0018);
    expectClose(c.cacheWriteUsd, 0.01125);
    expectClose(c.outputUsd, 0.03);
  });

  it('splits reasoning out of output tokens, at the output rate when no reasoning rate is listed', () => {
    // o3: 1000 visible * 8 = 8000e-6, 3000 reasoning * 8 = 24000e-6
    const c = catalog.cost('o3', { inputTokens: 0, outputTokens: 4_000, reasoningTokens: 3_000 })!;
    expectClose(c.outputUsd, 0.008);
    expectClose(c.reasoningUsd, 0.024);
  });

  it('uses reasoningOutput where a model has one', () => {
    const cat = PriceCatalog.load({
      file: undefined,
      overrides: { 'thinker-1': { provider: 'acme', input: 1, output: 4, reasoningOutput: 10, source: 'contract', date: '2026-01-01' } },
    });
    // 1000*1 + 500*4 + 1500*10 = 18000
    const c = cat.cost('thinker-1', { inputTokens: 1_000, outputTokens: 2_000, reasoningTokens: 1_500 })!;
    expectClose(c.outputUsd, 0.002);
    expectClose(c.reasoningUsd, 0.015);
    expectClose(c.totalUsd, 0.018);
  });

  it('bills cached tokens at the input rate when the model lists no cached price', () => {
    // mistral-large-2512 has no cached price: 1000 * 0.5 split 500/500
    const c = catalog.cost('mistral-large-2512', { inputTokens: 1_000, cacheReadTokens: 500, outputTokens: 0 })!;
    expectClose(c.inputUsd, 0.00025);
    expectClose(c.cacheReadUsd, 0.00025);
  });
});

describe('inconsistent usage', () => {
  it('clamps cache reads above the input and never goes negative', () => {
    // gpt-4o: cacheRead clamped to 100 -> 100 * 1.25 = 125e-6
    const c = catalog.cost('gpt-4o', { inputTokens: 100, cacheReadTokens: 500, outputTokens: 0 })!;
    expect(c.inputUsd).toBe(0);
    expectClose(c.cacheReadUsd, 0.000125);
    expectClose(c.totalUsd, 0.000125);
  });

  it('clamps cache writes to what reads leave of the input', () => {
    // claude-sonnet-4: 800 read * 0.3 = 240e-6, 200 written (of 900 claimed) * 3.75 = 750e-6
    const c = catalog.cost('claude-sonnet-4', { inputTokens: 1_000, cacheReadTokens: 800, cacheWriteTokens: 900, outputTokens: 0 })!;
    expect(c.inputUsd).toBe(0);
    expectClose(c.cacheReadUsd, 0.00024);
    expectClose(c.cacheWriteUsd, 0.00075);
  });

  it('clamps reasoning above the output', () => {
    // o3: 100 reasoning tokens at most -> 100 * 8 = 800e-6
    const c = catalog.cost('o3', { inputTokens: 0, outputTokens: 100, reasoningTokens: 1_000 })!;
    expect(c.outputUsd).toBe(0);
    expectClose(c.reasoningUsd, 0.0008);
  });

  it('treats negative, NaN and infinite counts as zero', () => {
    const c = catalog.cost('gpt-4o', { inputTokens: -5, outputTokens: Number.NaN, cacheReadTokens: Infinity, reasoningTokens: -1 })!;
    expect(c).toEqual({
      totalUsd: 0, inputUsd: 0, cacheReadUsd: 0, cacheWriteUsd: 0, outputUsd: 0, reasoningUsd: 0, audioUsd: 0, imageUsd: 0, unitsUsd: 0,
      modelKey: 'gpt-4o', serviceTier: 'standard', longContextAbove: undefined, billedBy: 'tokens',
    });
  });
});

describe('unknown models', () => {
  it('returns undefined, never a guess and never zero', () => {
    expect(catalog.cost('my-private-model', { inputTokens: 1_000, outputTokens: 1_000 })).toBeUndefined();
    expect(catalog.cost('', { inputTokens: 1, outputTokens: 1 })).toBeUndefined();
  });

  it('costFor takes the first candidate that resolves (response model before request model)', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(catalog.costFor(['gpt-4o-mini-2024-07-18', 'gpt-4o'], usage)?.modelKey).toBe('gpt-4o-mini');
    expect(catalog.costFor([undefined, 'gpt-4o'], usage)?.modelKey).toBe('gpt-4o');
    expect(catalog.costFor(['', 'prod-deployment-unknown', 'gpt-4.1'], usage)?.modelKey).toBe('gpt-4.1');
    expect(catalog.costFor([undefined, 'nope'], usage)).toBeUndefined();
    expect(catalog.costFor([], usage)).toBeUndefined();
    // 1e6 * 2.5 / 1e6
    expect(catalog.costFor([undefined, 'gpt-4o'], usage)?.totalUsd).toBe(2.5);
  });
});
