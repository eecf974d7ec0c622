import { describe, expect, it } from 'vitest';
import { PriceCatalog, PricingFileError, RESOLVE_CACHE_LIMIT } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();

describe('name resolution', () => {
  it.each([
    // dated snapshots
    ['gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-2024-11-20', 'gpt-4o'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-mini-2025-04-14', 'gpt-4.1-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['gpt-4.1-nano', 'gpt-4.1-nano'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o3-2025-04-16', 'o3'],
    ['gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-5-mini-2025-08-07', 'gpt-5-mini'],
    ['gpt-5-nano-2025-08-07', 'gpt-5-nano'],
    ['gpt-5-chat-latest', 'gpt-5'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku'],
    ['claude-opus-4-0', 'claude-opus-4'],
    ['gemini-2.5-pro-preview-06-05', 'gemini-2.5-pro'],
    ['gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['grok-3-latest', 'grok-3'],
    ['grok-4', 'grok-4-0709'],
    ['codestral-latest', 'codestral-2508'],
    // case and whitespace
    ['GPT-4.1', 'gpt-4.1'],
    ['  Claude-Sonnet-4-20250514 ', 'claude-sonnet-4'],
    ['meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/llama-3.3-70b-instruct-turbo'],
    // provider prefixes
    ['openai/gpt-4.1', 'gpt-4.1'],
    ['openai/gpt-4.1-2025-04-14', 'gpt-4.1'],
    ['azure/gpt-4o', 'gpt-4o'],
    ['deepseek/deepseek-chat', 'deepseek-chat'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['publishers/google/models/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['x-ai/grok-4', 'grok-4-0709'],
    ['groq/llama-3.3-70b-versatile', 'llama-3.3-70b-versatile'],
    ['together/meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/llama-3.3-70b-instruct-turbo'],
    ['openrouter/openai/gpt-4o-mini', 'gpt-4o-mini'],
    // names that used to be unknown and now have their own (often higher) entries
    ['o3-pro-2025-06-10', 'o3-pro'],
    ['gpt-5-pro', 'gpt-5-pro'],
    ['gpt-4', 'gpt-4'],
    ['gpt-4o-audio-preview-2024-12-17', 'gpt-4o-audio-preview'],
    ['chatgpt-4o-latest', 'chatgpt-4o-latest'],
    ['gemini-2.0-flash-lite', 'gemini-2.0-flash-lite'],
    // MMDD / YYMM snapshots
    ['gpt-4-0613', 'gpt-4'],
    ['qwen3-coder-480b-a35b-instruct-2507', 'qwen3-coder-480b-a35b-instruct'],
    // model makers' namespaces and Fireworks' path
    ['deepseek-ai/deepseek-v3.1', 'deepseek-v3.1'],
    ['accounts/fireworks/models/deepseek-v3p1', 'deepseek-v3.1'],
  ])('%s -> %s', (name, key) => {
    expect(catalog.resolve(name)?.key).toBe(key);
  });

  it.each([
    // different (often pricier) models that share a prefix with a catalogued one
    'o3-pro-max',
    'gpt-5-pro-max',
    'gpt-4o-realtime-preview',
    'gpt-4.1-long',
    'gemini-2.5-flash-image',
    'deepseek-v3',
    'claude-opus-9',
    // fine-tunes are billed at their own rates
    'ft:gpt-4o-mini-2024-07-18:acme::abc123',
    // moving pointers whose current target could not be verified
    'mistral-large-latest',
    'mistral-medium-latest',
    'gemini-flash-latest',
    // prefixes that are not a known route: not stripped
    'meta-llama/llama-3.3-70b-versatile',
    'somevendor/gpt-4o',
    'gpt-4o/extra',
    '',
    '   ',
  ])('%j stays unknown', (name) => {
    expect(catalog.resolve(name)).toBeUndefined();
  });

  it('never maps a smaller model onto a bigger one or back', () => {
    expect(catalog.resolve('gpt-4o-mini-2024-07-18')?.price.input).toBe(0.15);
    expect(catalog.resolve('gpt-4.1-nano')?.price.input).toBe(0.1);
    expect(catalog.resolve('claude-opus-4-20250514')?.price.input).toBe(15);
    expect(catalog.resolve('claude-opus-4-5-20251101')?.price.input).toBe(5);
  });

  it('returns frozen prices', () => {
    const { price } = catalog.resolve('gpt-4o')!;
    expect(Object.isFrozen(price)).toBe(true);
    expect(() => {
      (price as { input: number }).input = 0;
    }).toThrow(TypeError);
    expect(catalog.resolve('gpt-4o')!.price.input).toBe(2.5);
    // nested tiers too
    const tiers = catalog.resolve('gpt-5.4')!.price.longContext!;
    expect(Object.isFrozen(tiers) && Object.isFrozen(tiers[0])).toBe(true);
  });

  it('remembers at most RESOLVE_CACHE_LIMIT names and stays correct beyond it', () => {
    const cat = PriceCatalog.load();
    for (let i = 0; i < RESOLVE_CACHE_LIMIT + 500; i++) cat.resolve(`unknown-model-${i}`);
    expect(cat.cachedNames).toBe(RESOLVE_CACHE_LIMIT);
    expect(cat.resolve('gpt-4o-2024-08-06')?.key).toBe('gpt-4o');
    expect(cat.resolve('unknown-model-999999')).toBeUndefined();
    expect(cat.cachedNames).toBe(RESOLVE_CACHE_LIMIT);
  });

  it('lists the catalog keys sorted', () => {
    const models = catalog.models();
    expect(models).toEqual([...models].sort());
    expect(models).toContain('gpt-4.1');
    expect(models).not.toContain('grok-4'); // aliases are not keys
  });
});

describe('deployments', () => {
  const cat = PriceCatalog.load({ deployments: { 'prod-gpt4o': 'gpt-4o-2024-08-06', 'Cheap-Chat': 'gpt-4o-mini' } });

  it('maps deployment names, case-insensitively and behind a provider prefix', () => {
    expect(cat.resolve('prod-gpt4o')?.key).toBe('gpt-4o');
    expect(cat.resolve('PROD-GPT4O')?.key).toBe('gpt-4o');
    expect(cat.resolve('azure/prod-gpt4o')?.key).toBe('gpt-4o');
    expect(cat.resolve('cheap-chat')?.key).toBe('gpt-4o-mini');
  });

  it('prices a call by the response model first, the deployment (request model) second', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(cat.costFor(['gpt-4o-mini-2024-07-18', 'prod-gpt4o'], usage)?.modelKey).toBe('gpt-4o-mini');
    expect(cat.costFor([undefined, 'prod-gpt4o'], usage)?.totalUsd).toBe(2.5);
  });

  it('rejects a deployment that maps to an unknown model', () => {
    let error: unknown;
    try {
      PriceCatalog.load({ deployments: { 'prod-x': 'gpt-9000' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PricingFileError);
    expect((error as PricingFileError).entry).toBe('prod-x');
    expect((error as PricingFileError).message).toContain('"gpt-9000"');
  });
});
