// POST /v1/audio/speech: the audio of `input` as binary bytes in `response_format` (mp3 by default) with its
// Content-Type, sent as it is generated (headers first, then one piece per second of audio), and no usage,
// as the API sends none. `stream_format: 'sse'` (not for tts-1 / tts-1-hd) answers `speech.audio.delta`
// events with base64 audio, ending with `speech.audio.done` carrying token usage.
import { badRequest } from '../dialects/openai.js';
import { SPEECH_CONTENT_TYPES, SPEECH_FORMATS, speechAudio } from '../media.js';
import type { LatencyProfile } from '../models.js';
import { textTokens } from '../tokens.js';
import { choiceField, missing, numberField, stringField } from './fields.js';
import { RequestError, type Frame, type Plan, type RequestContext } from './plan.js';

const MAX_INPUT_CHARACTERS = 4096;
/** Characters of text spoken per second at speed 1. */
const CHARACTERS_PER_SECOND = 15;
/** Audio output tokens per minute of speech of a token-billed model (its price note: about $0.015/min at $12/1M). */
const AUDIO_TOKENS_PER_MINUTE = 1250;
/** Time to the first audio bytes, then one chunk per second of audio. */
const LATENCY: LatencyProfile = { ttfcMs: 450, chunkMs: 40 };

export function planSpeech(ctx: RequestContext): Plan {
  const { body, controls } = ctx;
  const input = stringField(body, 'input');
  if (input === undefined) throw missing('input');
  if (input.length > MAX_INPUT_CHARACTERS) {
    throw new RequestError(badRequest(`Invalid 'input': string too long. Expected a string with maximum length ${MAX_INPUT_CHARACTERS}, but got a string with length ${input.length} instead.`, 'input', 'string_above_max_length'));
  }
  if (body.voice === undefined || body.voice === null) throw missing('voice');
  const format = choiceField(body, 'response_format', SPEECH_FORMATS, 'mp3');
  const speed = numberField(body, 'speed', 0.25, 4) ?? 1;
  const sse = choiceField(body, 'stream_format', ['audio', 'sse'], 'audio') === 'sse';
  if (sse && /^tts-1/.test(ctx.requestModel)) throw new RequestError(badRequest(`Invalid value for 'stream_format': 'sse' is not supported for ${ctx.requestModel}.`, 'stream_format', 'invalid_value'));

  const seconds = Math.max(0.5, [...input].length / CHARACTERS_PER_SECOND / speed);
  const audio = speechAudio(format, seconds, ctx.content);
  const chunks = controls.chunks ?? Math.max(1, Math.ceil(seconds));
  const pieces = Array.from({ length: chunks }, (_, i) => audio.subarray(Math.floor((i * audio.length) / chunks), Math.floor(((i + 1) * audio.length) / chunks)));
  const inputTokens = controls.usage?.prompt ?? textTokens(input);
  const outputTokens = controls.usage?.completion ?? Math.ceil((seconds * AUDIO_TOKENS_PER_MINUTE) / 60);

  return {
    stream: sse,
    input: inputTokens,
    output: 0,
    chunks,
    latency: LATENCY,
    json: () => {
      throw new Error('speech answers audio, not JSON');
    },
    raw: { contentType: SPEECH_CONTENT_TYPES[format], chunks: () => pieces },
    frames: () => {
      const frames: Frame[] = pieces.map((piece) => ({ data: JSON.stringify({ type: 'speech.audio.delta', audio: piece.toString('base64') }), content: true }));
      frames.push({ data: JSON.stringify({ type: 'speech.audio.done', usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } }) });
      return frames;
    },
    errorFrame: () => ({ data: JSON.stringify({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', param: null } }) }),
  };
}
