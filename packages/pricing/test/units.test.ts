// The endpoints that are not (only) priced per text token: images, transcription, speech, audio
// and image tokens, moderation. Hand-computed figures from the catalog's prices.
import { describe, expect, it } from 'vitest';
import { PriceCatalog, type CallUsage } from '../src/index.js';

delete process.env.GENAI_METER_PRICING_FILE;
const catalog = PriceCatalog.load();

function expectClose(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(Math.abs(expected) * 1e-12 + 1e-18);
}

describe('per image', () => {
  it.each([
    ['dall-e-2', { images: 3, imageSize: '256x256' }, 0.048], // 3 * 0.016
    ['dall-e-2', { images: 1 }, 0.02], // default 1024x1024
    ['dall-e-3', { images: 2, imageQuality: 'hd', imageSize: '1024x1792' }, 0.24], // 2 * 0.12
    ['dall-e-3', { images: 1, imageSize: '1792x1024' }, 0.08], // default quality standard
    ['dall-e-3', { images: 1, imageQuality: 'HD' }, 0.08], // case-insensitive, default size
    ['gpt-image-1', { images: 4, imageQuality: 'medium', imageSize: '1536x1024' }, 0.252], // 4 * 0.063
  ] as [string, CallUsage, number][])('%s %j', (model, usage, total) => {
    const c = catalog.cost(model, usage);
    expect(c?.billedBy).toBe('units');
    expectClose(c?.unitsUsd, total);
    expectClose(c?.totalUsd, total);
  });

  it('prices gpt-image-1 by its tokens when the response reports them (per-image estimate ignored)', () => {
    // text in 5, image in 10, image out 40: 100*5 + 1000*10 + 4000*40 = 500 + 10000 + 160000
    const c = catalog.cost('gpt-image-1', { inputTokens: 1_100, imageInputTokens: 1_000, outputTokens: 4_000, imageOutputTokens: 4_000, images: 1, imageQuality: 'high' })!;
    expect(c.billedBy).toBe('tokens');
    expectClose(c.inputUsd, 0.0005);
    expectClose(c.imageUsd, 0.17);
    expect(c.unitsUsd).toBe(0);
    expectClose(c.totalUsd, 0.1705);
  });

  it('leaves a size or quality with no price unpriced, and says which', () => {
    expect(catalog.priceCall(['dall-e-3'], { images: 1, imageSize: '512x512' })).toEqual({ priced: false, reason: 'unpriced_image', detail: 'standard 512x512' });
    // gpt-image-1 has no default quality: "auto" cannot be priced per image
    expect(catalog.priceCall(['gpt-image-1'], { images: 1 })).toMatchObject({ priced: false, reason: 'unpriced_image' });
    // a model with no per-image prices
    expect(catalog.priceCall(['gpt-image-2'], { images: 1 })).toEqual({ priced: false, reason: 'unpriced_usage', detail: 'images' });
    // a per-image model called with no usage is not free
    expect(catalog.priceCall(['dall-e-3'], {})).toEqual({ priced: false, reason: 'unpriced_usage', detail: 'no usage' });
  });

  it('leaves images unpriced at a tier the model does not list', () => {
    expect(catalog.cost('dall-e-3', { images: 1 }, { serviceTier: 'batch' })).toBeUndefined();
  });
});

describe('audio', () => {
  it('prices whisper-1 by the second at $0.006 a minute', () => {
    // 90 s = 1.5 min * 0.006
    expectClose(catalog.cost('whisper-1', { audioSeconds: 90 })?.totalUsd, 0.009);
    expectClose(catalog.cost('whisper-1', { audioSeconds: 1 })?.totalUsd, 0.0001);
  });

  it('prices gpt-4o-transcribe by audio and text tokens', () => {
    // audio in 6, text in 2.5, text out 10: 1000*6 + 50*2.5 + 200*10 = 6000 + 125 + 2000
    const c = catalog.cost('gpt-4o-transcribe', { inputTokens: 1_050, audioInputTokens: 1_000, outputTokens: 200 })!;
    expectClose(c.audioUsd, 0.006);
    expectClose(c.inputUsd, 0.000125);
    expectClose(c.totalUsd, 0.008125);
  });

  it('prices tts-1 / tts-1-hd per character and leaves gpt-4o-mini-tts without tokens unpriced', () => {
    // 2000 chars * 15 / 1M; * 30 / 1M
    expectClose(catalog.cost('tts-1', { characters: 2_000 })?.totalUsd, 0.03);
    expectClose(catalog.cost('tts-1-hd', { characters: 2_000 })?.totalUsd, 0.06);
    expect(catalog.priceCall(['gpt-4o-mini-tts'], { characters: 2_000 })).toEqual({ priced: false, reason: 'unpriced_usage', detail: 'characters' });
    // with tokens: 100 text in * 0.6 + 1000 audio out * 12
    expectClose(catalog.cost('gpt-4o-mini-tts', { inputTokens: 100, outputTokens: 1_000, audioOutputTokens: 1_000 })?.totalUsd, 0.01206);
  });

  it('prices audio tokens in chat at the audio rates, cached audio at the cached audio rate', () => {
    // gemini-2.5-flash: text 0.3, audio 1, cached audio 0.1, cached text 0.03, output 2.5
    // text 2000: 1000 cached * 0.03 + 1000 * 0.3; audio 3000: 1000 cached * 0.1 + 2000 * 1; output 1000 * 2.5
    const c = catalog.cost('gemini-2.5-flash', { inputTokens: 5_000, audioInputTokens: 3_000, cachedAudioInputTokens: 1_000, cacheReadTokens: 2_000, outputTokens: 1_000 })!;
    expectClose(c.inputUsd, 0.0003);
    expectClose(c.cacheReadUsd, 0.00013);
    expectClose(c.audioUsd, 0.002);
    expectClose(c.totalUsd, 0.00493);
    // gpt-audio: audio out 64, text out 10: 500*64 + 500*10
    expectClose(catalog.cost('gpt-audio', { inputTokens: 0, outputTokens: 1_000, audioOutputTokens: 500 })?.totalUsd, 0.037);
  });

  it('bills image input tokens of a chat model without an image rate as input tokens', () => {
    // gpt-4o: 1000 image + 1000 text input at 2.5
    expectClose(catalog.cost('gpt-4o', { inputTokens: 2_000, imageInputTokens: 1_000, outputTokens: 0 })?.totalUsd, 0.005);
  });
});

describe('moderation', () => {
  it('is free and priced (0), not unpriced', () => {
    const c = catalog.priceCall(['omni-moderation-2024-09-26'], { inputTokens: 500, outputTokens: 0 });
    expect(c).toMatchObject({ priced: true, source: 'catalog', totalUsd: 0 });
    expect(catalog.resolve('text-moderation-latest')?.key).toBe('omni-moderation-latest');
  });
});
