// Exact values recorded for real openai calls to the images, audio and moderation endpoints, over real HTTP to
// the simulator: one duration point per call under genai-meter's operation names, tokens where the answer
// reports them, and cost computed by hand from the bundled catalog's prices (USD per image, per minute, per
// 1M characters, per 1M tokens), so a change in the catalog, the usage reading or the arithmetic shows here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioUpload as wav, startSimulator, type Simulator } from '@genai-meter/simulator';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GENAI_METER_COST_SOURCE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  GENAI_METER_OPERATION_NAME_VALUES as OP,
  METRICS,
} from '../../src/index.js';
import { MetricsHarness, loadOpenAI, sum, where, type Major } from './harness.js';

const relClose = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-9);

/** Rows in a fixed order: by their JSON text, numbers compared as numbers. */
const sorted = <T extends unknown[]>(rows: T[]): T[] => rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b), 'en', { numeric: true }));

export function mediaSuite(major: Major): void {
  describe(`openai ${major}.x: images, audio, moderations`, () => {
    let sim: Simulator;
    let h: MetricsHarness;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let openai: any;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let client: any;
    const file = (bytes: Buffer, name: string) => openai.toFile(bytes, name);
    const headers = (h: Record<string, string>) => ({ headers: h });

    beforeAll(async () => {
      h = new MetricsHarness();
      sim = await startSimulator({ seed: 21, latencyScale: 0 });
      openai = loadOpenAI(major);
      client = new openai.OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 0 });
    });
    afterAll(async () => {
      await h?.shutdown();
      await sim?.close();
    });

    const byModel = (model: string) => ({ [ATTR_GEN_AI_REQUEST_MODEL]: model });
    const durations = async (model: string) => where(await h.histogram(METRICS.duration.name), byModel(model));
    const outcomes = async (model: string) => (await durations(model)).map((d) => [d.attributes[ATTR_GEN_AI_OPERATION_NAME], d.count, d.attributes[ATTR_ERROR_TYPE]]);
    const costs = async (model: string) => where(await h.histogram(METRICS.cost.name), byModel(model));
    const totalCost = async (model: string) => sum((await costs(model)).map((p) => p.sum));
    const tokens = async (model: string) =>
      sorted(where(await h.histogram(METRICS.tokenUsage.name), byModel(model))
        .map((t) => [t.attributes[ATTR_GEN_AI_TOKEN_TYPE], t.sum, t.count]));
    const unpriced = async (model: string) => sum(where(await h.points(METRICS.unpricedCalls.name), byModel(model)).map((p) => p.value));

    describe('images', () => {
      it('DALL·E: one point per call, priced per image by quality and size (the model default size when none is asked)', async () => {
        // dall-e-3: hd 1024x1792 $0.12. dall-e-2: 512x512 $0.018, 1024x1024 (its default size) $0.02.
        const hd = await client.images.generate({ model: 'dall-e-3', prompt: 'an otter', quality: 'hd', size: '1024x1792' });
        expect(hd.data).toHaveLength(1);
        await client.images.generate({ model: 'dall-e-2', prompt: 'an otter', n: 3, size: '512x512' });
        await client.images.generate({ model: 'dall-e-2', prompt: 'an otter', n: 2, response_format: 'b64_json' });
        expect(await outcomes('dall-e-3')).toEqual([[OP.GENERATE_IMAGE, 1, undefined]]);
        expect(await outcomes('dall-e-2')).toEqual([[OP.GENERATE_IMAGE, 2, undefined]]);
        relClose(await totalCost('dall-e-3'), 0.12);
        relClose(await totalCost('dall-e-2'), 3 * 0.018 + 2 * 0.02);
        expect((await costs('dall-e-2')).map((p) => [p.count, p.attributes[ATTR_GENAI_METER_COST_SOURCE]])).toEqual([[2, 'catalog']]);
        // The DALL·E answer reports no tokens: none are recorded.
        expect(await tokens('dall-e-3')).toEqual([]);
      });

      it('GPT image models: tokens from the answer (image input and output at their own rates)', async () => {
        // gpt-image-1: text input $5, image input $10, image output $40 per 1M tokens.
        await client.images.generate({ model: 'gpt-image-1', prompt: 'an otter', quality: 'high' }, headers({ 'x-sim-usage': 'prompt=40,completion=4160' }));
        const png = await file(Buffer.from('not really a png'), 'otter.png');
        const edited = await client.images.edit({ model: 'gpt-image-1', image: png, prompt: 'add a hat' }, headers({ 'x-sim-usage': 'prompt=1000,image=900,completion=1056' }));
        expect(edited.usage.input_tokens_details.image_tokens).toBe(900);
        expect(await outcomes('gpt-image-1')).toEqual([
          [OP.GENERATE_IMAGE, 1, undefined],
          [OP.EDIT_IMAGE, 1, undefined],
        ]);
        expect(await tokens('gpt-image-1')).toEqual([
          ['input', 40, 1],
          ['input', 1000, 1],
          ['output', 1056, 1],
          ['output', 4160, 1],
        ]);
        const byOp = async (op: string) => sum(where(await costs('gpt-image-1'), { [ATTR_GEN_AI_OPERATION_NAME]: op }).map((p) => p.sum));
        relClose(await byOp(OP.GENERATE_IMAGE), (40 * 5 + 4160 * 40) / 1e6);
        relClose(await byOp(OP.EDIT_IMAGE), (100 * 5 + 900 * 10 + 1056 * 40) / 1e6);
      });

      it('createVariation is edit_image, priced per image (dall-e-2, the only model it takes)', async () => {
        const png = await file(Buffer.from('x'), 'otter.png');
        await client.images.createVariation({ image: png, n: 2, size: '256x256' });
        const points = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_OPERATION_NAME]: OP.EDIT_IMAGE });
        // The request named no model: no gen_ai.request.model, and no price to look up: counted as unpriced.
        const variation = points.filter((p) => p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === undefined);
        expect(variation.map((p) => p.count)).toEqual([1]);
        const noModel = (await h.points(METRICS.unpricedCalls.name)).filter((p) => p.attributes[ATTR_GEN_AI_REQUEST_MODEL] === undefined);
        expect(where(noModel, { [ATTR_GEN_AI_OPERATION_NAME]: OP.EDIT_IMAGE }).map((p) => p.value)).toEqual([1]);
        await client.images.createVariation({ model: 'dall-e-2', image: png, n: 2, size: '256x256' });
        relClose(sum(where(await costs('dall-e-2'), { [ATTR_GEN_AI_OPERATION_NAME]: OP.EDIT_IMAGE }).map((p) => p.sum)), 2 * 0.016);
      });

      it.runIf(major >= 5)('a GPT image stream: time to the first partial image, time per image, usage from the completed event', async () => {
        const stream = await client.images.generate(
          { model: 'gpt-image-1-mini', prompt: 'an otter', stream: true, partial_images: 2, quality: 'low' },
          headers({ 'x-sim-usage': 'prompt=20,completion=272', 'x-sim-latency-ms': 'ttfc=20,chunk=60' }),
        );
        const types: string[] = [];
        for await (const event of stream) types.push(event.type);
        expect(types).toEqual(['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
        const model = byModel('gpt-image-1-mini');
        const ttfc = where(await h.histogram(METRICS.timeToFirstChunk.name), model);
        expect(ttfc.map((p) => p.count)).toEqual([1]);
        expect(ttfc[0]!.sum).toBeGreaterThanOrEqual(0.08);
        expect(where(await h.histogram(METRICS.timePerOutputChunk.name), model).map((p) => p.count)).toEqual([2]);
        expect(await outcomes('gpt-image-1-mini')).toEqual([[OP.GENERATE_IMAGE, 1, undefined]]);
        expect(await tokens('gpt-image-1-mini')).toEqual([
          ['input', 20, 1],
          ['output', 272, 1],
        ]);
        // gpt-image-1-mini: text input $2, image output $8.
        relClose(await totalCost('gpt-image-1-mini'), (20 * 2 + 272 * 8) / 1e6);
      });

      it.runIf(major >= 5)('a stream left after its completed event succeeded; one left at a partial image is cancelled', async () => {
        const done = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'x', stream: true, partial_images: 1 });
        for await (const event of done) if (event.type === 'image_generation.completed') break;
        const early = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'x', stream: true, partial_images: 3 });
        for await (const _ of early) break;
        expect(sorted(await outcomes('gpt-image-1.5'))).toEqual([
          [OP.GENERATE_IMAGE, 1, 'cancelled'],
          [OP.GENERATE_IMAGE, 1, undefined],
        ]);
      });
    });

    describe('audio', () => {
      it('whisper-1: priced per minute from usage.seconds (json) or the billed seconds of verbose_json', async () => {
        // whisper-1: $0.006 per minute.
        const json = await client.audio.transcriptions.create({ model: 'whisper-1', file: await file(wav(1), 'a.wav') }, headers({ 'x-sim-audio-seconds': '90' }));
        expect(json.usage).toEqual({ type: 'duration', seconds: 90 });
        const verbose = await client.audio.transcriptions.create({ model: 'whisper-1', file: await file(wav(2.5), 'b.wav'), response_format: 'verbose_json' });
        expect(verbose.duration).toBe(2.5);
        expect(await outcomes('whisper-1')).toEqual([[OP.TRANSCRIBE_AUDIO, 2, undefined]]);
        relClose(await totalCost('whisper-1'), ((90 + 3) / 60) * 0.006);
        expect(await tokens('whisper-1')).toEqual([]);
      });

      it('a text transcript carries no usage: the call is recorded without cost (and not as unpriced)', async () => {
        const text = await client.audio.transcriptions.create({ model: 'whisper-1', file: await file(wav(1), 'a.wav'), response_format: 'text' });
        expect(typeof text).toBe('string');
        const srt = await client.audio.translations.create({ model: 'whisper-1', file: await file(wav(1), 'a.wav'), response_format: 'srt' });
        expect(srt).toMatch(/-->/);
        const ops = where(await h.histogram(METRICS.duration.name), { [ATTR_GEN_AI_REQUEST_MODEL]: 'whisper-1', [ATTR_GEN_AI_OPERATION_NAME]: OP.TRANSLATE_AUDIO });
        expect(ops.map((p) => p.count)).toEqual([1]);
        expect(where(await costs('whisper-1'), { [ATTR_GEN_AI_OPERATION_NAME]: OP.TRANSLATE_AUDIO })).toEqual([]);
        expect(await unpriced('whisper-1')).toBe(0);
      });

      it('translations: priced from verbose_json duration', async () => {
        await client.audio.translations.create({ model: 'whisper-1', file: await file(wav(1), 'a.wav'), response_format: 'verbose_json' }, headers({ 'x-sim-audio-seconds': '30' }));
        relClose(sum(where(await costs('whisper-1'), { [ATTR_GEN_AI_OPERATION_NAME]: OP.TRANSLATE_AUDIO }).map((p) => p.sum)), (30 / 60) * 0.006);
      });

      it('gpt-4o-transcribe: tokens, audio input at the audio rate', async () => {
        // gpt-4o-transcribe: text input $2.50, audio input $6, output $10 per 1M tokens.
        const res = await client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await file(wav(3), 'a.wav') }, headers({ 'x-sim-usage': 'prompt=1200,audio=1000,completion=300' }));
        expect(res.usage.type).toBe('tokens');
        expect(await outcomes('gpt-4o-transcribe')).toEqual([[OP.TRANSCRIBE_AUDIO, 1, undefined]]);
        expect(await tokens('gpt-4o-transcribe')).toEqual([
          ['input', 1200, 1],
          ['output', 300, 1],
        ]);
        relClose(await totalCost('gpt-4o-transcribe'), (200 * 2.5 + 1000 * 6 + 300 * 10) / 1e6);
      });

      it('a transcription stream: time to the first delta, usage from transcript.text.done', async () => {
        const stream = await client.audio.transcriptions.create(
          { model: 'gpt-4o-mini-transcribe', file: await file(wav(2), 'a.wav'), stream: true },
          headers({ 'x-sim-usage': 'prompt=600,audio=500,completion=80', 'x-sim-chunks': '5', 'x-sim-latency-ms': 'ttfc=30,chunk=10' }),
        );
        const types: string[] = [];
        for await (const event of stream) types.push(event.type);
        expect(types).toEqual([...Array(5).fill('transcript.text.delta'), 'transcript.text.done']);
        const model = byModel('gpt-4o-mini-transcribe');
        expect(where(await h.histogram(METRICS.timeToFirstChunk.name), model).map((p) => p.count)).toEqual([1]);
        expect(where(await h.histogram(METRICS.timePerOutputChunk.name), model).map((p) => p.count)).toEqual([4]);
        expect(await tokens('gpt-4o-mini-transcribe')).toEqual([
          ['input', 600, 1],
          ['output', 80, 1],
        ]);
        // gpt-4o-mini-transcribe: text input $1.25, audio input $3, output $5 per 1M tokens.
        relClose(await totalCost('gpt-4o-mini-transcribe'), (100 * 1.25 + 500 * 3 + 80 * 5) / 1e6);
      });

      it('a transcription stream left at transcript.text.done succeeded; one left at a delta is cancelled', async () => {
        const done = await client.audio.transcriptions.create({ model: 'transcribe-left', file: await file(wav(2), 'a.wav'), stream: true });
        for await (const event of done) if (event.type === 'transcript.text.done') break;
        const early = await client.audio.transcriptions.create({ model: 'transcribe-left', file: await file(wav(2), 'a.wav'), stream: true }, headers({ 'x-sim-chunks': '4' }));
        for await (const _ of early) break;
        expect(sorted(await outcomes('transcribe-left'))).toEqual([
          [OP.TRANSCRIBE_AUDIO, 1, 'cancelled'],
          [OP.TRANSCRIBE_AUDIO, 1, undefined],
        ]);
      });

      it('speech: priced per character of input (code points), recorded when the headers arrive, the body left to the caller', async () => {
        // tts-1 $15, tts-1-hd $30 per 1M characters. 'Grüße 👋' is 7 characters (the emoji is one).
        const input = 'Grüße 👋';
        const started = performance.now();
        const res = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input }, headers({ 'x-sim-chunks': '3', 'x-sim-latency-ms': 'ttfc=40,chunk=250' }));
        expect(res.bodyUsed).toBe(false);
        const bytes = Buffer.from(await res.arrayBuffer());
        const bodyRead = (performance.now() - started) / 1000;
        expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfb]));
        const [point] = await durations('tts-1');
        expect([point!.attributes[ATTR_GEN_AI_OPERATION_NAME], point!.count]).toEqual([OP.GENERATE_SPEECH, 1]);
        // The duration ends with the headers (40 ms), not with the audio the caller read for 750 ms more.
        expect(point!.sum).toBeGreaterThanOrEqual(0.04);
        expect(point!.sum).toBeLessThan(bodyRead - 0.5);
        relClose(await totalCost('tts-1'), (7 * 15) / 1e6);
        await (await client.audio.speech.create({ model: 'tts-1-hd', voice: 'alloy', input: 'x'.repeat(1000), response_format: 'wav' })).arrayBuffer();
        relClose(await totalCost('tts-1-hd'), (1000 * 30) / 1e6);
      });

      it('gpt-4o-mini-tts: priced by tokens the speech answer never reports, so counted as unpriced', async () => {
        await (await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'hello' })).arrayBuffer();
        expect(await outcomes('gpt-4o-mini-tts')).toEqual([[OP.GENERATE_SPEECH, 1, undefined]]);
        expect(await costs('gpt-4o-mini-tts')).toEqual([]);
        expect(await unpriced('gpt-4o-mini-tts')).toBe(1);
      });
    });

    describe('moderations', () => {
      it('one point per call with the response model, priced at $0 as the catalog says', async () => {
        const res = await client.moderations.create({ model: 'omni-moderation-latest', input: ['a', 'b'] });
        expect(res.results).toHaveLength(2);
        expect(await outcomes('omni-moderation-latest')).toEqual([[OP.MODERATE_CONTENT, 1, undefined]]);
        const [cost] = await costs('omni-moderation-latest');
        expect([cost!.count, cost!.sum, cost!.attributes[ATTR_GEN_AI_RESPONSE_MODEL]]).toEqual([1, 0, res.model]);
        expect(await tokens('omni-moderation-latest')).toEqual([]);
      });
    });

    describe('errors and retries', () => {
      it('every endpoint records its failures by error.type, without usage or cost', async () => {
        const png = await file(Buffer.from('x'), 'a.png');
        const calls: [model: string, fault: string, call: (h: object) => Promise<unknown>][] = [
          ['err-image', 'rate_limit', (o) => client.images.generate({ model: 'err-image', prompt: 'x' }, o)],
          ['err-edit', 'bad_request', (o) => client.images.edit({ model: 'err-edit', image: png, prompt: 'x' }, o)],
          ['err-transcribe', 'server_error', async (o) => client.audio.transcriptions.create({ model: 'err-transcribe', file: await file(wav(1), 'a.wav') }, o)],
          ['err-translate', 'insufficient_quota', async (o) => client.audio.translations.create({ model: 'err-translate', file: await file(wav(1), 'a.wav') }, o)],
          ['err-speech', 'unauthorized', (o) => client.audio.speech.create({ model: 'err-speech', voice: 'alloy', input: 'x' }, o)],
          ['err-moderation', 'reset', (o) => client.moderations.create({ model: 'err-moderation', input: 'x' }, o)],
        ];
        for (const [, fault, call] of calls) await expect(call(headers({ 'x-sim-fault': fault }))).rejects.toThrow();
        const got = [];
        for (const [model] of calls) {
          got.push((await durations(model)).map((d) => [model, d.attributes[ATTR_ERROR_TYPE], d.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]]));
          expect(await costs(model)).toEqual([]);
          expect(await unpriced(model)).toBe(0);
        }
        expect(got).toEqual([
          [['err-image', 'rate_limit', 429]],
          [['err-edit', 'bad_request', 400]],
          [['err-transcribe', 'server_error', 500]],
          [['err-translate', 'insufficient_quota', 429]],
          [['err-speech', 'auth', 401]],
          [['err-moderation', 'connection', undefined]],
        ]);
      });

      it('counts the SDK retries of each endpoint on its own series', async () => {
        const retrying = new openai.OpenAI({ apiKey: 'k', baseURL: sim.baseURL, maxRetries: 2 });
        const once = headers({ 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1' });
        await retrying.images.generate({ model: 'retry-image', prompt: 'x' }, once);
        await retrying.audio.speech.create({ model: 'retry-speech', voice: 'alloy', input: 'x' }, once);
        await retrying.moderations.create({ model: 'retry-moderation', input: 'x' }, once);
        // openai 4 cannot send a multipart body twice (its stream is spent); 5+ resend the FormData.
        if (major >= 5) await retrying.audio.transcriptions.create({ model: 'retry-transcribe', file: await file(wav(1), 'a.wav') }, once);
        const retries = (model: string) => h.points(METRICS.retries.name).then((p) => where(p, byModel(model)).map((r) => [r.attributes[ATTR_GEN_AI_OPERATION_NAME], r.value]));
        expect(await retries('retry-image')).toEqual([[OP.GENERATE_IMAGE, 1]]);
        expect(await retries('retry-speech')).toEqual([[OP.GENERATE_SPEECH, 1]]);
        expect(await retries('retry-moderation')).toEqual([[OP.MODERATE_CONTENT, 1]]);
        if (major >= 5) expect(await retries('retry-transcribe')).toEqual([[OP.TRANSCRIBE_AUDIO, 1]]);
        expect(await outcomes('retry-image')).toEqual([[OP.GENERATE_IMAGE, 1, undefined]]);
      });
    });

    it('never carries a prompt, speech input or transcript as a label', async () => {
      const secret = 'my-very-secret-words';
      await client.images.generate({ model: 'dall-e-2', prompt: secret });
      await (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: secret })).arrayBuffer();
      const transcript = await client.audio.transcriptions.create({ model: 'whisper-1', file: await file(wav(1), `${secret}.wav`), prompt: secret });
      await client.moderations.create({ input: secret });
      const values = (await h.collect()).flatMap((m) => (m.dataPoints as { attributes: Record<string, unknown> }[]).flatMap((p) => Object.values(p.attributes).map(String)));
      for (const v of values) {
        expect(v).not.toContain(secret);
        expect(v).not.toContain(transcript.text);
      }
    });
  });
}
