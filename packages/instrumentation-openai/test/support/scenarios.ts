// What a caller can observe of the openai SDK, scenario by scenario, as JSON-comparable data.
// Run once without and once with the instrumentation; the two must be identical.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { audioUpload } from '@genai-meter/simulator';
import { describeError, observer, type Observation } from '../../../instrumentation-core/test/support/observations.js';

export type Scenario = (client: any, OpenAI: any, baseURL: string) => Promise<Observation>;

/** Volatile fields that legitimately differ between two runs: wall-clock seconds, and the simulator's port (in image URLs). */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null), (key, v) =>
    key === 'created' || key === 'created_at' || key === 'completed_at' ? 0 : typeof v === 'string' ? v.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT') : v,
  );
}

const { outcome, collect, abortAfter, promiseShape } = observer(normalize);

const msg = [{ role: 'user', content: 'Tell me about metrics' }];
const h = (headers: Record<string, string>) => ({ headers });
const usage = 'prompt=40,completion=24,cached=8,reasoning=4';

const chatParse = (client: any) => (client.chat.completions.parse ? client.chat.completions : client.beta.chat.completions);

/** An audio upload whose length the simulator reads from its WAV header. */
const wav = (seconds: number): File => new File([Uint8Array.from(audioUpload(seconds))], 'speech.wav', { type: 'audio/wav' });
const png = () => new File([Buffer.from('an image')], 'otter.png', { type: 'image/png' });

/** What a caller sees of a speech answer: status, type, whether the body is still unread, then its bytes. */
async function speechSeen(response: any): Promise<Observation> {
  const seen = { status: response.status, type: response.headers.get('content-type'), unread: !response.bodyUsed };
  try {
    return { ...seen, bytes: Buffer.from(await response.arrayBuffer()).toString('base64') };
  } catch (err) {
    return { ...seen, bodyError: describeError(err) };
  }
}

const FAULTS = ['rate_limit', 'server_error', 'service_unavailable', 'unauthorized', 'forbidden', 'bad_request', 'not_found', 'reset', 'malformed_json'];

export const SCENARIOS: Record<string, Scenario> = {
  'chat JSON': (c) => outcome(() => c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-usage': usage }))),
  'chat withResponse()': (c) =>
    outcome(async () => {
      const { data, response, request_id } = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }).withResponse();
      return { data, status: response.status, request_id, ct: response.headers.get('content-type'), rl: response.headers.get('x-ratelimit-remaining-requests') };
    }),
  'chat asResponse()': (c) =>
    outcome(async () => {
      const response = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }).asResponse();
      return { status: response.status, body: JSON.parse(await response.text()) };
    }),
  'chat parse()': (c) =>
    outcome(() =>
      chatParse(c).parse({ model: 'gpt-4o-2024-08-06', messages: msg, response_format: { type: 'json_object' } }, h({ 'x-sim-usage': usage })),
    ),
  'APIPromise own properties': (c) => promiseShape(c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg })),
  'chat then/catch/finally chain': (c) =>
    outcome(async () => {
      const order: string[] = [];
      const v = await c.chat.completions
        .create({ model: 'gpt-4o-mini', messages: msg })
        .then((r: any) => (order.push('then'), r.choices[0].message))
        .finally(() => order.push('finally'));
      return { v, order };
    }),
  'chat stream': async (c) => collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-usage': usage, 'x-sim-chunks': '8' }))),
  'chat stream include_usage by caller': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true, stream_options: { include_usage: true } }, h({ 'x-sim-usage': usage }))),
  'chat stream tee()': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '6' }));
    const [a, b] = s.tee();
    return { a: await collect(a), b: await collect(b) };
  },
  'chat stream abandoned after 2 chunks': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '30' })), 2),
  // Chunks 40 ms apart: no later chunk is already buffered when the abort lands, so both runs see the same.
  'chat stream controller.abort()': async (c) =>
    abortAfter(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '30', 'x-sim-latency-ms': 'ttfc=0,chunk=40' })), 3),
  'chat stream iterated twice': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '3' }));
    return { first: await collect(s), second: await collect(s) };
  },
  'chat stream cut mid-way': async (c) =>
    collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '10' }))),
  'chat stream malformed chunk': async (c) => {
    try {
      return await collect(await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-fault': 'malformed_json' })));
    } catch (err) {
      return describeError(err);
    }
  },
  'chat stream with toReadableStream()': async (c) => {
    const s = await c.chat.completions.create({ model: 'gpt-4.1-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': '4' }));
    const text = await new Response(s.toReadableStream()).text();
    return { lines: text.trim().split('\n').map((l: string) => normalize(JSON.parse(l))) };
  },
  'responses JSON': (c) => outcome(() => c.responses.create({ model: 'gpt-5-mini', input: 'hi' }, h({ 'x-sim-usage': usage }))),
  'responses stream': async (c) => collect(await c.responses.create({ model: 'gpt-5-mini', input: 'hi', stream: true }, h({ 'x-sim-usage': usage }))),
  'embeddings (SDK default base64)': (c) => outcome(() => c.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'bb'] })),
  'embeddings float': (c) => outcome(() => c.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' })),
  'legacy completions': (c) => outcome(() => c.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say' })),
  'legacy completions stream': async (c) => collect(await c.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say', stream: true })),
  'images generate, DALL·E url and b64_json': (c) =>
    outcome(async () => [
      await c.images.generate({ model: 'dall-e-3', prompt: 'an otter', quality: 'hd', size: '1024x1792' }),
      await c.images.generate({ model: 'dall-e-2', prompt: 'an otter', n: 2, response_format: 'b64_json' }),
    ]),
  'images generate, gpt-image-1 withResponse()': (c) =>
    outcome(async () => {
      const { data, response } = await c.images.generate({ model: 'gpt-image-1', prompt: 'an otter' }, h({ 'x-sim-usage': 'prompt=30,completion=1056' })).withResponse();
      return { data, status: response.status };
    }),
  'images generate stream': async (c) => {
    try {
      return await collect(await c.images.generate({ model: 'gpt-image-1', prompt: 'an otter', stream: true, partial_images: 2 }));
    } catch (err) {
      return describeError(err);
    }
  },
  'images generate stream abandoned at the first partial image': async (c) => {
    try {
      return await collect(await c.images.generate({ model: 'gpt-image-1', prompt: 'an otter', stream: true, partial_images: 3 }), 1);
    } catch (err) {
      return describeError(err);
    }
  },
  'images edit (two images) and createVariation': (c) =>
    outcome(async () => [
      await c.images.edit({ model: 'gpt-image-1', image: [png(), png()], prompt: 'add a hat' }),
      await c.images.createVariation({ image: png(), n: 2, size: '256x256' }),
    ]),
  'transcriptions json, verbose_json, text, srt': (c) =>
    outcome(async () => [
      await c.audio.transcriptions.create({ model: 'whisper-1', file: wav(2) }),
      await c.audio.transcriptions.create({ model: 'whisper-1', file: wav(2), response_format: 'verbose_json', timestamp_granularities: ['word'] }),
      await c.audio.transcriptions.create({ model: 'whisper-1', file: wav(2), response_format: 'text' }),
      await c.audio.transcriptions.create({ model: 'whisper-1', file: wav(2), response_format: 'srt' }),
      await c.audio.transcriptions.create({ model: 'gpt-4o-transcribe', file: wav(2) }),
    ]),
  'transcription stream': async (c) => collect(await c.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', file: wav(3), stream: true }, h({ 'x-sim-chunks': '4' }))),
  'translations json and verbose_json': (c) =>
    outcome(async () => [
      await c.audio.translations.create({ model: 'whisper-1', file: wav(1) }),
      await c.audio.translations.create({ model: 'whisper-1', file: wav(1), response_format: 'verbose_json' }),
    ]),
  'speech bytes': async (c) => speechSeen(await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Grüße 👋, the meter counts every call.' })),
  'speech wav withResponse()': async (c) => {
    const { data, response } = await c.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'hello', response_format: 'wav' }).withResponse();
    return { same: data === response, ...((await speechSeen(data)) as object) };
  },
  'speech asResponse()': async (c) => speechSeen(await c.audio.speech.create({ model: 'tts-1-hd', voice: 'alloy', input: 'hello' }).asResponse()),
  'speech cut mid-body': async (c) => speechSeen(await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(90) }, h({ 'x-sim-fault': 'stream_cut', 'x-sim-chunks': '4' }))),
  'moderations': (c) =>
    outcome(async () => [
      await c.moderations.create({ input: 'hello' }),
      await c.moderations.create({ model: 'omni-moderation-latest', input: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }),
    ]),
  'faults of the images, audio and moderation endpoints': async (c) => {
    const out: Record<string, Observation> = {};
    for (const f of ['rate_limit', 'server_error', 'unauthorized', 'bad_request', 'reset', 'malformed_json', 'insufficient_quota']) {
      const o = h({ 'x-sim-fault': f });
      out[f] = [
        await outcome(() => c.images.generate({ model: 'dall-e-2', prompt: 'x' }, o)),
        await outcome(() => c.images.edit({ model: 'gpt-image-1', image: png(), prompt: 'x' }, o)),
        await outcome(() => c.audio.transcriptions.create({ model: 'whisper-1', file: wav(1) }, o)),
        await outcome(async () => speechSeen(await c.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x' }, o))),
        await outcome(() => c.moderations.create({ input: 'x' }, o)),
      ];
    }
    return out;
  },
  'faults': async (c) => {
    const out: Record<string, Observation> = {};
    for (const f of FAULTS) out[f] = await outcome(() => c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': f })));
    return out;
  },
  'hang past the client timeout': (_c, OpenAI, baseURL) =>
    outcome(() => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, timeout: 150 }).chat.completions.create({ model: 'm', messages: msg }, h({ 'x-sim-fault': 'hang' }))),
  'caller abort before the response': (c) =>
    outcome(() => {
      const ac = new AbortController();
      const p = c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, { signal: ac.signal, headers: { 'x-sim-latency-ms': 'ttfc=1000' } });
      setTimeout(() => ac.abort(), 30);
      return p;
    }),
  'retry then success': (_c, OpenAI, baseURL) =>
    outcome(() =>
      new OpenAI({ apiKey: 'k', baseURL, maxRetries: 2 }).chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': 'server_error', 'x-sim-fault-times': '1' })),
    ),
  'retries exhausted': (_c, OpenAI, baseURL) =>
    outcome(() => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 1 }).chat.completions.create({ model: 'gpt-4o-mini', messages: msg }, h({ 'x-sim-fault': 'rate_limit' }))),
  'concurrent calls': async (c) =>
    Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? c.chat.completions.create({ model: 'gpt-4o-mini', messages: msg, stream: true }, h({ 'x-sim-chunks': String(2 + i) })).then((s: any) => collect(s))
          : outcome(() => c.chat.completions.create({ model: `gpt-4o-mini`, messages: msg }, h({ 'x-sim-usage': `prompt=${10 + i},completion=${i + 1}` }))),
      ),
    ),
};
