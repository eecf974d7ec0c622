// What the openai endpoints that are not text generation report for a call: images (generate, edit,
// createVariation), audio (transcriptions, translations, speech) and moderations. Their usage comes in
// shapes of their own (image and audio tokens, seconds of audio) or not at all (speech, DALL·E images),
// where the request says what is billed: images by number, size and quality, speech by characters.
import { Call, type ChunkObserver, type ResultReader } from '@genai-meter/instrumentation-core';
import type { CallUsage } from '@genai-meter/pricing';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A call whose request says part of what it costs; what it asked for is priced only when the call succeeds. */
export class MediaCall extends Call {
  requested: CallUsage = {};
}

const requested = (call: Call): CallUsage => (call instanceof MediaCall ? call.requested : {});

/** Units an images request asks for: `n` images (default 1) of its `size` and `quality` (`auto` leaves them to the answer). */
export function requestedImages(body: Obj | undefined): CallUsage {
  const units: CallUsage = { images: typeof body?.n === 'number' && body.n >= 1 ? body.n : 1 };
  const size = str(body?.size);
  const quality = str(body?.quality);
  if (size !== undefined && size !== 'auto') units.imageSize = size;
  if (quality !== undefined && quality !== 'auto') units.imageQuality = quality;
  return units;
}

/** Characters of speech input, counted as Unicode code points (a surrogate pair is one character). */
export function speechCharacters(input: unknown): number | undefined {
  if (typeof input !== 'string') return undefined;
  let count = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++;
  }
  return count;
}

/**
 * Token usage of the GPT image models (`usage` of an images answer or of a `…completed` stream event): input
 * tokens with their image part, output tokens, all of them image tokens unless `output_tokens_details` splits them.
 */
function imageTokens(usage: unknown): CallUsage | undefined {
  const u = obj(usage);
  const inputTokens = num(u?.input_tokens);
  const outputTokens = num(u?.output_tokens);
  if (inputTokens === undefined && outputTokens === undefined) return undefined;
  return {
    inputTokens,
    outputTokens,
    imageInputTokens: num(obj(u?.input_tokens_details)?.image_tokens),
    imageOutputTokens: num(obj(u?.output_tokens_details)?.image_tokens) ?? outputTokens,
  };
}

/** The size and quality an answer says the images have (GPT image models), over what the request asked. */
function answeredImages(units: CallUsage, answer: Obj | undefined): CallUsage {
  const out = { ...units };
  const size = str(answer?.size);
  const quality = str(answer?.quality);
  if (size !== undefined && size !== 'auto') out.imageSize = size;
  if (quality !== undefined && quality !== 'auto') out.imageQuality = quality;
  return out;
}

const add = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));

export const IMAGES_READER: ResultReader = {
  readBody(call, body) {
    const answer = obj(body);
    const units = answeredImages(requested(call), answer);
    if (Array.isArray(answer?.data)) units.images = answer.data.length;
    call.usage = { ...units, ...imageTokens(answer?.usage) };
    call.finish();
  },
  // A stream answers partial images, then one `…completed` event per image with its usage.
  chunkObserver() {
    let completed = 0;
    const observe: ChunkObserver = (call, event) => {
      const e = obj(event);
      const type = typeof e?.type === 'string' ? e.type : '';
      if (type.endsWith('.partial_image')) call.onChunk();
      else if (type === 'image_generation.completed' || type === 'image_edit.completed') {
        call.onChunk();
        completed++;
        const tokens = imageTokens(e?.usage);
        const before = call.usage;
        const units = answeredImages({ ...requested(call), images: completed }, e);
        call.usage = tokens
          ? {
              ...units,
              inputTokens: add(before?.inputTokens, tokens.inputTokens),
              outputTokens: add(before?.outputTokens, tokens.outputTokens),
              imageInputTokens: add(before?.imageInputTokens, tokens.imageInputTokens),
              imageOutputTokens: add(before?.imageOutputTokens, tokens.imageOutputTokens),
            }
          : { ...before, ...units };
        call.choiceFinished(completed - 1);
      }
      return event;
    };
    return observe;
  },
};

/**
 * Usage of a transcription or translation answer: tokens (`usage.type: 'tokens'`, with the audio part of the
 * input), the billed seconds (`usage.type: 'duration'`), or verbose_json's `duration`. A text answer (`text`,
 * `srt`, `vtt`) carries none.
 */
export function audioUsage(answer: unknown): CallUsage | undefined {
  const a = obj(answer);
  const u = obj(a?.usage);
  const inputTokens = num(u?.input_tokens);
  const outputTokens = num(u?.output_tokens);
  if (inputTokens !== undefined || outputTokens !== undefined) {
    return { inputTokens, outputTokens, audioInputTokens: num(obj(u?.input_token_details)?.audio_tokens) };
  }
  const seconds = num(u?.seconds) ?? num(a?.duration);
  return seconds === undefined ? undefined : { audioSeconds: seconds };
}

export const AUDIO_READER: ResultReader = {
  readBody(call, body) {
    call.usage = audioUsage(body);
    call.finish();
  },
  // gpt-4o-transcribe and the like: `transcript.text.delta` events, then `transcript.text.done` with the usage.
  chunkObserver: () => observeTranscriptEvent,
};

const observeTranscriptEvent: ChunkObserver = (call, event) => {
  const e = obj(event);
  if (e?.type === 'transcript.text.delta') call.onChunk();
  else if (e?.type === 'transcript.text.done') {
    const usage = audioUsage(e);
    if (usage) call.usage = usage;
    call.complete = true;
  }
  return event;
};

const passThrough: ChunkObserver = (_call, chunk) => chunk;

/** Speech answers the raw audio Response, which is the caller's to read: the call ends with its headers, priced by the request. */
export const SPEECH_READER: ResultReader = {
  readBody(call) {
    call.usage = requested(call);
    call.finish();
  },
  chunkObserver: () => passThrough,
};

/** Moderation reports its model and no usage; it is priced as the catalog says (free). */
export const MODERATION_READER: ResultReader = {
  readBody(call, body) {
    const model = obj(body)?.model;
    if (typeof model === 'string') call.responseModel = model;
    call.usage = {};
    call.finish();
  },
  chunkObserver: () => passThrough,
};
