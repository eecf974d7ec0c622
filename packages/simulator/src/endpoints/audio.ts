// POST /v1/audio/transcriptions and /v1/audio/translations (multipart/form-data): a transcript of the
// uploaded audio, as `json`, `verbose_json`, `diarized_json` or the text formats `text`, `srt`, `vtt`.
// whisper-1 reports `usage: {type: 'duration', seconds}`; the token-billed models (gpt-4o-transcribe and the
// like) `usage: {type: 'tokens', ...}` and stream (`stream: true`) as named events `transcript.text.delta`
// ending with `transcript.text.done` carrying the usage. Translations (whisper-1) report no usage, as the
// API's Translation object has none; verbose_json says the `duration`.
import { generateText, splitIntoChunks } from '../content.js';
import { badRequest, streamErrorPayload } from '../dialects/openai.js';
import { uploadSeconds } from '../media.js';
import type { LatencyProfile } from '../models.js';
import { textTokens } from '../tokens.js';
import { choiceField, filesField, flagField, missing, stringField } from './fields.js';
import { chunkCount, RequestError, type Frame, type Plan, type RequestContext } from './plan.js';

export type AudioOperation = 'transcriptions' | 'translations';

type Format = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt' | 'diarized_json';

/** Duration-billed models (whisper); every other transcription model is token-billed. */
const byDuration = (model: string): boolean => model.startsWith('whisper');

/** The formats each kind of model answers (the API reference: gpt-4o-transcribe and -mini answer json only). */
function formatsFor(model: string, operation: AudioOperation): readonly Format[] {
  if (byDuration(model) || operation === 'translations') return ['json', 'text', 'srt', 'verbose_json', 'vtt'];
  if (model.includes('diarize')) return ['json', 'text', 'diarized_json'];
  return ['json'];
}

/** Words spoken per second of audio (the transcript's length). */
const WORDS_PER_SECOND = 2.5;
/** Audio input tokens per minute of a token-billed transcription model (its price note: about $0.006/min at $6/1M). */
const AUDIO_TOKENS_PER_MINUTE = 1000;
const LATENCY: LatencyProfile = { ttfcMs: 600, chunkMs: 15 };

const clock = (seconds: number, separator: string): string => {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
};

export function planAudio(ctx: RequestContext, operation: AudioOperation): Plan {
  const { body, controls } = ctx;
  const model = ctx.requestModel;
  const [file] = filesField(body, 'file');
  if (!file) throw missing('file');
  const formats = formatsFor(model, operation);
  const format = choiceField(body, 'response_format', formats, 'json');
  const prompt = stringField(body, 'prompt') ?? '';
  const duration = Math.round((controls.audioSeconds ?? uploadSeconds(file.bytes)) * 100) / 100;
  const tokenBilled = operation === 'transcriptions' && !byDuration(model);
  // whisper-1 ignores `stream` (the API reference says so); the token-billed models stream.
  const stream = tokenBilled && flagField(body, 'stream');
  if (stream && format !== 'json' && format !== 'text') throw new RequestError(badRequest(`Invalid value for 'stream': not supported with response_format '${format}'.`, 'stream', 'invalid_value'));

  const words = generateText(controls.usage?.completion ?? Math.max(1, Math.ceil(duration * WORDS_PER_SECOND)), ctx.content);
  const text = words.join('');
  const audioIn = controls.usage?.audio ?? Math.ceil((duration * AUDIO_TOKENS_PER_MINUTE) / 60);
  const input = controls.usage?.prompt ?? audioIn + textTokens(prompt);
  const output = words.length;
  const usage = tokenBilled
    ? { type: 'tokens', input_tokens: input, input_token_details: { text_tokens: input - audioIn, audio_tokens: audioIn }, output_tokens: output, total_tokens: input + output }
    : // Billed per second: the seconds of audio, rounded up.
      { type: 'duration', seconds: Math.ceil(duration) };
  const withUsage = operation === 'transcriptions' ? { usage } : {};
  const segments = [{ id: 0, seek: 0, start: 0, end: duration, text, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 }];
  const granularities = Array.isArray(body.timestamp_granularities) ? body.timestamp_granularities : [];
  const wordTimes = () => words.map((w, i) => ({ word: w.trim(), start: (i * duration) / words.length, end: ((i + 1) * duration) / words.length }));
  const task = operation === 'transcriptions' ? 'transcribe' : 'translate';

  const answer = (): unknown => {
    switch (format) {
      case 'verbose_json':
        return { task, language: 'english', duration, text, ...(granularities.includes('word') ? { words: wordTimes() } : {}), segments, ...withUsage };
      case 'diarized_json':
        return { task, duration, text, segments: [{ type: 'transcript.text.segment', id: 'seg_0', start: 0, end: duration, speaker: 'A', text }], ...withUsage };
      default:
        return { text, ...withUsage };
    }
  };
  const textBody = (): string => {
    if (format === 'srt') return `1\n${clock(0, ',')} --> ${clock(duration, ',')}\n${text}\n\n`;
    if (format === 'vtt') return `WEBVTT\n\n${clock(0, '.')} --> ${clock(duration, '.')}\n${text}\n\n`;
    return `${text}\n`;
  };
  const textFormat = format === 'text' || format === 'srt' || format === 'vtt';
  const chunks = stream ? chunkCount(controls, words.length) : Math.max(1, words.length);

  return {
    stream,
    input: tokenBilled ? input : 0,
    output: tokenBilled ? output : 0,
    chunks,
    latency: LATENCY,
    json: answer,
    raw: textFormat && !stream ? { contentType: 'text/plain; charset=utf-8', chunks: () => [Buffer.from(textBody())] } : undefined,
    frames: () => {
      const frames: Frame[] = splitIntoChunks(words, chunks).map((delta) => ({ event: 'transcript.text.delta', data: JSON.stringify({ type: 'transcript.text.delta', delta }), content: true }));
      frames.push({ event: 'transcript.text.done', data: JSON.stringify({ type: 'transcript.text.done', text, usage }) });
      return frames;
    },
    errorFrame: () => ({ event: 'error', data: JSON.stringify({ type: 'error', error: streamErrorPayload().error }) }),
  };
}
