// The images, audio and moderation endpoints, parsed by the real openai SDK (7, and 4-6 where they have the
// method) and checked on the wire where the SDK hides it (content types, SSE event names, multipart errors).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioUpload as wav, startSimulator, type Simulator } from '../src/index.js';
import { parseSse, setup } from './helpers.js';

let sim: Simulator;
let client: OpenAI;
beforeAll(async () => ({ sim, client } = await setup({ seed: 4 })));
afterAll(() => sim.close());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const audioFile = (seconds = 2) => toFile(wav(seconds), 'speech.wav', { type: 'audio/wav' });
const imageFile = () => toFile(Buffer.from('an image'), 'otter.png', { type: 'image/png' });

describe('images', () => {
  it('DALL·E 3: a URL the simulator serves as a valid PNG, the revised prompt, no usage', async () => {
    const res = await client.images.generate({ model: 'dall-e-3', prompt: 'an otter', quality: 'hd', size: '1792x1024' });
    expect(Object.keys(res).sort()).toEqual(['created', 'data']);
    expect(res.data).toHaveLength(1);
    expect(res.data![0]!.revised_prompt).toBe('an otter');
    const url = res.data![0]!.url!;
    expect(url).toMatch(new RegExp(`^${sim.baseURL}/images/files/img-[A-Za-z0-9]{24}\\.png$`));
    const image = await fetch(url);
    expect(image.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    // The same URL serves the same bytes.
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(bytes);
  });

  it('DALL·E 2: n images, b64_json on request; the API default model when none is named', async () => {
    const res = await client.images.generate({ prompt: 'an otter', n: 3, response_format: 'b64_json', size: '256x256' });
    expect(res.data).toHaveLength(3);
    for (const image of res.data!) expect(Buffer.from(image.b64_json!, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(new Set(res.data!.map((d) => d.b64_json)).size).toBe(3);
  });

  it('GPT image models: b64_json, the settings used and token usage (gpt-image-1 output tokens per quality and size)', async () => {
    const res = await client.images.generate({ model: 'gpt-image-1', prompt: 'an otter in a river', quality: 'high', size: '1536x1024' });
    expect(res).toMatchObject({ background: 'opaque', output_format: 'png', quality: 'high', size: '1536x1024' });
    expect(res.data![0]!.url).toBeUndefined();
    // 'an otter in a river' is 19 characters: 5 text tokens; high 1536x1024 is 6208 image tokens.
    expect(res.usage).toEqual({ input_tokens: 5, input_tokens_details: { text_tokens: 5, image_tokens: 0 }, output_tokens: 6208, total_tokens: 6213 });
    const auto = await client.images.generate({ model: 'gpt-image-1.5', prompt: 'x', quality: 'auto', size: 'auto' }, { headers: { 'x-sim-usage': 'prompt=12,completion=400' } });
    expect(auto).toMatchObject({ quality: 'medium', size: '1024x1024' });
    // Models after gpt-image-1 split their output tokens.
    expect(auto.usage).toEqual({ input_tokens: 12, input_tokens_details: { text_tokens: 12, image_tokens: 0 }, output_tokens: 400, total_tokens: 412, output_tokens_details: { image_tokens: 400, text_tokens: 0 } });
  });

  it('edits take multipart uploads (one image or several as image[]), counting input image tokens', async () => {
    const one = await client.images.edit({ model: 'gpt-image-1', image: await imageFile(), prompt: 'add a hat' });
    expect(one.usage!.input_tokens_details).toEqual({ text_tokens: 3, image_tokens: 85 });
    const two = await client.images.edit({ model: 'gpt-image-1', image: [await imageFile(), await imageFile()], prompt: 'add a hat' }, { headers: { 'x-sim-usage': 'prompt=500,image=400,completion=1056' } });
    expect(two.usage).toMatchObject({ input_tokens: 500, input_tokens_details: { text_tokens: 100, image_tokens: 400 }, output_tokens: 1056 });
    const dalle = await client.images.edit({ image: await imageFile(), prompt: 'add a hat', size: '512x512' });
    expect(dalle.data![0]!.url).toMatch(/\/images\/files\/img-/);
  });

  it('variations (dall-e-2 only) answer n images; other models and missing files are refused', async () => {
    const res = await client.images.createVariation({ image: await imageFile(), n: 2 });
    expect(res.data).toHaveLength(2);
    await expect(client.images.createVariation({ model: 'dall-e-3', image: await imageFile() })).rejects.toMatchObject({ status: 400, param: 'model' });
    await expect(client.images.edit({ model: 'gpt-image-1', prompt: 'x' } as never)).rejects.toMatchObject({ status: 400, param: 'image' });
  });

  it('refuses what the API refuses: bad sizes, n for dall-e-3, streams of DALL·E', async () => {
    await expect(client.images.generate({ model: 'dall-e-3', prompt: 'x', size: '256x256' })).rejects.toMatchObject({ status: 400, param: 'size', code: 'invalid_value' });
    await expect(client.images.generate({ model: 'dall-e-3', prompt: 'x', n: 2 })).rejects.toMatchObject({ status: 400, param: 'n' });
    await expect(client.images.generate({ model: 'dall-e-2', prompt: 'x', stream: true })).rejects.toMatchObject({ status: 400, param: 'stream' });
    await expect(client.images.generate({ model: 'gpt-image-1', prompt: '' })).rejects.toMatchObject({ status: 400, param: 'prompt', code: 'missing_required_parameter' });
  });

  it('streams partial images then the completed image with usage, as named events', async () => {
    const stream = await client.images.generate({ model: 'gpt-image-1', prompt: 'an otter', stream: true, partial_images: 2, quality: 'low' });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
    expect(events.slice(0, 2).map((e) => (e as { partial_image_index: number }).partial_image_index)).toEqual([0, 1]);
    const done = events[2] as Extract<(typeof events)[number], { type: 'image_generation.completed' }>;
    expect(done).toMatchObject({ quality: 'low', size: '1024x1024', background: 'opaque', output_format: 'png', usage: { output_tokens: 272 } });
    expect(Buffer.from(done.b64_json, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);

    const raw = await fetch(`${sim.baseURL}/images/edits`, { method: 'POST', body: await editForm({ stream: 'true', partial_images: '1' }) });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(parseSse(await raw.text()).map((f) => f.event)).toEqual(['image_edit.partial_image', 'image_edit.completed']);
  });

  it('paces a stream by the latency model: headers, then each image a chunk apart', async () => {
    const started = performance.now();
    const stream = await client.images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 1 }, { headers: { 'x-sim-latency-ms': 'ttfc=50,chunk=100' } });
    const at: number[] = [];
    for await (const _ of stream) at.push(performance.now() - started);
    // Chunks are paced against absolute deadlines: 50 + 100 ms to the partial image, 100 ms more to the final one.
    expect(at[0]).toBeGreaterThanOrEqual(145);
    expect(at[1]).toBeGreaterThanOrEqual(245);
  });

  it('stream_error ends an image stream with an error event the SDK throws', async () => {
    const stream = await client.images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 2 }, { headers: { 'x-sim-fault': 'stream_error' } });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const e of stream) seen.push(e.type);
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(seen).toEqual(['image_generation.partial_image', 'image_generation.partial_image']);
  });
});

async function editForm(fields: Record<string, string>): Promise<FormData> {
  const form = new FormData();
  form.set('model', 'gpt-image-1');
  form.set('prompt', 'x');
  form.set('image', new Blob([Buffer.from('img')], { type: 'image/png' }), 'a.png');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

describe('audio transcriptions and translations', () => {
  it('whisper-1 json: usage in billed seconds, from the WAV header or x-sim-audio-seconds', async () => {
    const res = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(2.4) });
    expect(res.usage).toEqual({ type: 'duration', seconds: 3 });
    // 2.5 words a second: 6 words.
    expect(res.text.split(' ')).toHaveLength(6);
    const long = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(1) }, { headers: { 'x-sim-audio-seconds': '90' } });
    expect(long.usage).toEqual({ type: 'duration', seconds: 90 });
  });

  it('whisper-1 verbose_json: duration, language, segments, words on request; text, srt and vtt as text/plain', async () => {
    const verbose = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(2), response_format: 'verbose_json', timestamp_granularities: ['word'] });
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'english', duration: 2, usage: { type: 'duration', seconds: 2 } });
    expect(verbose.segments![0]).toMatchObject({ id: 0, start: 0, end: 2, text: verbose.text });
    expect(verbose.words!.map((w) => w.word).join(' ')).toBe(verbose.text);
    const text = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(2), response_format: 'text' });
    expect(text).toBe(`${verbose.text}\n`);
    const srt = await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(2), response_format: 'srt' });
    expect(srt).toBe(`1\n00:00:00,000 --> 00:00:02,000\n${verbose.text}\n\n`);
    const raw = await fetch(`${sim.baseURL}/audio/transcriptions`, { method: 'POST', body: audioForm({ model: 'whisper-1', response_format: 'vtt' }) });
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await raw.text()).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:02\.000\n/);
  });

  it('a text transcript takes as long as the json one: time to first chunk, then a chunk per word', async () => {
    const timed = async (format: 'json' | 'text') => {
      const started = performance.now();
      await client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(2), response_format: format }, { headers: { 'x-sim-latency-ms': 'ttfc=20,chunk=30' } });
      return performance.now() - started;
    };
    // 2 s of audio: 5 words, 20 + 5 × 30 ms.
    expect(await timed('json')).toBeGreaterThanOrEqual(165);
    expect(await timed('text')).toBeGreaterThanOrEqual(165);
  });

  it('gpt-4o-transcribe: token usage with the audio part; json only', async () => {
    const res = await client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audioFile(6), prompt: 'meter words' });
    // 6 s at 1000 audio tokens a minute: 100; 'meter words' is 3 text tokens; 15 words.
    expect(res.usage).toEqual({ type: 'tokens', input_tokens: 103, input_token_details: { text_tokens: 3, audio_tokens: 100 }, output_tokens: 15, total_tokens: 118 });
    const exact = await client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await audioFile() }, { headers: { 'x-sim-usage': 'prompt=700,audio=650,completion=20' } });
    expect(exact.usage).toMatchObject({ input_tokens: 700, input_token_details: { text_tokens: 50, audio_tokens: 650 }, output_tokens: 20 });
    await expect(client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audioFile(), response_format: 'srt' })).rejects.toMatchObject({ status: 400, param: 'response_format' });
  });

  it('gpt-4o-transcribe-diarize answers diarized_json', async () => {
    const res = await client.audio.transcriptions.create({ model: 'gpt-4o-transcribe-diarize', file: await audioFile(), response_format: 'diarized_json' });
    expect(res).toMatchObject({ task: 'transcribe', duration: 2, usage: { type: 'tokens' } });
    expect((res as unknown as { segments: { speaker: string; type: string }[] }).segments[0]).toMatchObject({ type: 'transcript.text.segment', speaker: 'A' });
  });

  it('a transcription stream: named transcript.text.delta events, then transcript.text.done with the usage; whisper-1 ignores stream', async () => {
    const stream = await client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: await audioFile(4), stream: true }, { headers: { 'x-sim-chunks': '3' } });
    const events = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.type)).toEqual(['transcript.text.delta', 'transcript.text.delta', 'transcript.text.delta', 'transcript.text.done']);
    const done = events[3] as { text: string; usage: { type: string; output_tokens: number } };
    expect(events.slice(0, 3).map((e) => (e as { delta: string }).delta).join('')).toBe(done.text);
    expect(done.usage).toMatchObject({ type: 'tokens', output_tokens: 10 });
    const raw = await fetch(`${sim.baseURL}/audio/transcriptions`, { method: 'POST', body: audioForm({ model: 'gpt-4o-transcribe', stream: 'true' }) });
    expect(parseSse(await raw.text()).map((f) => f.event).at(-1)).toBe('transcript.text.done');
    const whisper = await fetch(`${sim.baseURL}/audio/transcriptions`, { method: 'POST', body: audioForm({ model: 'whisper-1', stream: 'true' }) });
    expect(whisper.headers.get('content-type')).toBe('application/json');
  });

  it('translations: text, and verbose_json with the duration; no usage (the Translation object has none)', async () => {
    const res = await client.audio.translations.create({ model: 'whisper-1', file: await audioFile(3) });
    expect(Object.keys(res)).toEqual(['text']);
    const verbose = await client.audio.translations.create({ model: 'whisper-1', file: await audioFile(3), response_format: 'verbose_json' });
    expect(verbose).toMatchObject({ task: 'translate', language: 'english', duration: 3 });
    expect('usage' in verbose).toBe(false);
  });

  it('refuses a missing file, and a multipart body it cannot parse', async () => {
    await expect(client.audio.transcriptions.create({ model: 'whisper-1' } as never)).rejects.toMatchObject({ status: 400, param: 'file' });
    const broken = await fetch(`${sim.baseURL}/audio/transcriptions`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: 'not multipart' });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.message).toMatch(/^Could not parse multipart form data/);
    await expect(client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audioFile() }, { headers: { 'x-sim-usage': 'prompt=10,audio=20' } })).rejects.toMatchObject({ status: 400, code: 'invalid_sim_header' });
    await expect(client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile() }, { headers: { 'x-sim-audio-seconds': '-1' } })).rejects.toMatchObject({ status: 400, code: 'invalid_sim_header' });
  });
});

function audioForm(fields: Record<string, string>, seconds = 2): FormData {
  const form = new FormData();
  form.set('file', new Blob([Uint8Array.from(wav(seconds))], { type: 'audio/wav' }), 'speech.wav');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

describe('speech', () => {
  it('answers audio bytes in the requested format with its content type', async () => {
    const mp3 = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'The meter counts every call.' });
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    const mp3Bytes = Buffer.from(await mp3.arrayBuffer());
    // MPEG-1 Layer III frames of 417 bytes; 28 characters at 15 a second is about 1.9 s.
    expect(mp3Bytes.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xfb, 0x90, 0x64]));
    expect(mp3Bytes.length % 417).toBe(0);
    const wavRes = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'x'.repeat(30), response_format: 'wav' });
    expect(wavRes.headers.get('content-type')).toBe('audio/wav');
    const wavBytes = Buffer.from(await wavRes.arrayBuffer());
    // 2 s of 24 kHz 16-bit mono after a 44-byte header.
    expect([wavBytes.toString('latin1', 0, 4), wavBytes.toString('latin1', 8, 12), wavBytes.length]).toEqual(['RIFF', 'WAVE', 44 + 2 * 24_000 * 2]);
    for (const [format, type] of [['opus', 'audio/opus'], ['aac', 'audio/aac'], ['flac', 'audio/flac'], ['pcm', 'audio/pcm']] as const) {
      const res = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hi', response_format: format });
      expect(res.headers.get('content-type')).toBe(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it('sends the headers first and the audio as it is generated', async () => {
    const started = performance.now();
    const res = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hello' }, { headers: { 'x-sim-latency-ms': 'ttfc=30,chunk=150', 'x-sim-chunks': '3' } });
    const headersAt = performance.now() - started;
    await res.arrayBuffer();
    const bodyAt = performance.now() - started;
    expect(headersAt).toBeLessThan(250);
    expect(bodyAt - headersAt).toBeGreaterThanOrEqual(400);
  });

  it("stream_format 'sse': base64 audio deltas, then speech.audio.done with token usage; not for tts-1", async () => {
    const res = await fetch(`${sim.baseURL}/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sim-chunks': '2' },
      body: JSON.stringify({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'x'.repeat(30), stream_format: 'sse', response_format: 'pcm' }),
    });
    const frames = parseSse(await res.text()).map((f) => JSON.parse(f.data));
    expect(frames.map((f) => f.type)).toEqual(['speech.audio.delta', 'speech.audio.delta', 'speech.audio.done']);
    expect(frames.slice(0, 2).reduce((n, f) => n + Buffer.from(f.audio, 'base64').length, 0)).toBe(2 * 24_000 * 2);
    expect(frames[2].usage).toEqual({ input_tokens: 8, output_tokens: 42, total_tokens: 50 });
    await expect(client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x', stream_format: 'sse' })).rejects.toMatchObject({ status: 400, param: 'stream_format' });
  });

  it('refuses input over 4096 characters and a missing voice', async () => {
    await expect(client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(4097) })).rejects.toMatchObject({ status: 400, code: 'string_above_max_length' });
    await expect(client.audio.speech.create({ model: 'tts-1', input: 'x' } as never)).rejects.toMatchObject({ status: 400, param: 'voice' });
  });

  it('stream_cut: the headers arrive, the body read fails half way; malformed_json: the body ends at half its bytes', async () => {
    const cut = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(60) }, { headers: { 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '4' } });
    expect(cut.status).toBe(200);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    const whole = await (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(60) })).arrayBuffer();
    const half = await (await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(60) }, { headers: { 'x-sim-fault': 'malformed_json' } })).arrayBuffer();
    expect(half.byteLength).toBe(Math.floor(whole.byteLength / 2));
    await expect(client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x' }, { headers: { 'x-sim-fault': 'stream_error' } })).rejects.toMatchObject({ status: 500 });
  });
});

describe('moderations', () => {
  it('one result per input, every category false, the default model omni-moderation-latest', async () => {
    const res = await client.moderations.create({ input: ['hello', 'there'] });
    expect(res.model).toBe('omni-moderation-latest');
    expect(res.id).toMatch(/^modr-[A-Za-z0-9]{24}$/);
    expect(res.results).toHaveLength(2);
    expect(res.results[0]!.flagged).toBe(false);
    expect(Object.values(res.results[0]!.categories).every((v) => v === false)).toBe(true);
    expect(Object.keys(res.results[0]!.category_scores)).toHaveLength(13);
    expect(res.results[0]!.category_applied_input_types!.violence).toEqual(['text']);
    const image = await client.moderations.create({ model: 'omni-moderation-latest', input: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] });
    expect(image.results).toHaveLength(1);
    expect(image.results[0]!.category_applied_input_types!.violence).toEqual(['text', 'image']);
    const legacy = await client.moderations.create({ model: 'text-moderation-latest', input: 'x' });
    expect(legacy.results[0]!.category_applied_input_types).toBeUndefined();
    await expect(client.moderations.create({} as never)).rejects.toMatchObject({ status: 400, param: 'input' });
  });
});

describe('faults, retries and determinism on the new endpoints', () => {
  it('answers each fault in the OpenAI error shape', async () => {
    await expect(client.images.generate({ model: 'dall-e-2', prompt: 'x' }, { headers: { 'x-sim-fault': 'rate_limit' } })).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    await expect(client.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile() }, { headers: { 'x-sim-fault': 'insufficient_quota' } })).rejects.toMatchObject({ status: 429, code: 'insufficient_quota' });
    await expect(client.moderations.create({ input: 'x' }, { headers: { 'x-sim-fault': 'malformed_json' } })).rejects.toThrow(SyntaxError);
    const cut = client.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await audioFile(8), stream: true }, { headers: { 'x-sim-fault': 'stream_cut' } });
    await expect(
      (async () => {
        for await (const _ of await cut);
      })(),
    ).rejects.toThrow();
  });

  it('retries a multipart upload: the fault applies to the first attempt only', async () => {
    const retrying = new OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 2 });
    const before = sim.requests;
    const res = await retrying.images.edit({ model: 'gpt-image-1', image: await imageFile(), prompt: 'x' }, { headers: { 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1' } });
    expect(res.data).toHaveLength(1);
    expect(sim.requests - before).toBe(2);
  });

  it('answers equal requests equally for the same seed', async () => {
    const run = async () => {
      const s = await startSimulator({ seed: 77, latencyScale: 0 });
      const c = new OpenAI({ baseURL: s.baseURL, apiKey: 'k', maxRetries: 0 });
      try {
        const t = await c.audio.transcriptions.create({ model: 'whisper-1', file: await audioFile(3) });
        const i = await c.images.generate({ model: 'gpt-image-1', prompt: 'same' });
        const a = Buffer.from(await (await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'same', response_format: 'wav' })).arrayBuffer());
        return { t: t.text, i: i.data![0]!.b64_json, a: a.toString('base64') };
      } finally {
        await s.close();
      }
    };
    expect(await run()).toEqual(await run());
  });
});

for (const major of ['v4', 'v5', 'v6']) {
  describe(`openai ${major}`, () => {
    const Old = createRequire(fileURLToPath(new URL(`../../openai-compat/${major}/package.json`, import.meta.url)))('openai') as typeof import('openai');
    it('parses images, transcriptions, translations, speech and moderations', async () => {
      const c = new Old.OpenAI({ baseURL: sim.baseURL, apiKey: 'k', maxRetries: 0 });
      const image = await c.images.generate({ model: 'gpt-image-1', prompt: 'x' }, { headers: { 'x-sim-usage': 'prompt=3,completion=272' } });
      expect(image.usage).toMatchObject({ input_tokens: 3, output_tokens: 272 });
      const edit = await c.images.edit({ model: 'gpt-image-1', image: await Old.toFile(Buffer.from('img'), 'a.png'), prompt: 'x' });
      expect(edit.data).toHaveLength(1);
      const variation = await c.images.createVariation({ image: await Old.toFile(Buffer.from('img'), 'a.png') });
      expect(variation.data![0]!.url).toMatch(/\.png$/);
      const t = await c.audio.transcriptions.create({ model: 'whisper-1', file: await Old.toFile(wav(2), 'a.wav') });
      expect((t as { usage?: unknown }).usage).toEqual({ type: 'duration', seconds: 2 });
      const stream = await c.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: await Old.toFile(wav(2), 'a.wav'), stream: true });
      const types = [];
      for await (const e of stream as AsyncIterable<{ type: string }>) types.push(e.type);
      expect(types.at(-1)).toBe('transcript.text.done');
      const tr = await c.audio.translations.create({ model: 'whisper-1', file: await Old.toFile(wav(1), 'a.wav'), response_format: 'verbose_json' });
      expect((tr as unknown as { duration: number }).duration).toBe(1);
      const speech = await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hi' });
      expect(Buffer.from(await speech.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfb]));
      const mod = await c.moderations.create({ input: 'x' });
      expect(mod.results).toHaveLength(1);
    });
  });
}
