// POST /v1/images/generations (JSON), /v1/images/edits and /v1/images/variations (multipart/form-data).
// DALL·E models answer `url`s (served by the simulator) or `b64_json` and report no usage; GPT image models
// answer `b64_json` with token usage, and stream partial images (`stream: true`) as named events
// `image_generation.partial_image` / `image_edit.partial_image` ending with `….completed` carrying the usage.
// Every image is a tiny valid PNG.
import { badRequest } from '../dialects/openai.js';
import { pngForId } from '../media.js';
import type { LatencyProfile } from '../models.js';
import { textTokens } from '../tokens.js';
import { choiceField, filesField, flagField, missing, numberField, stringField } from './fields.js';
import { RequestError, type Frame, type Plan, type RequestContext } from './plan.js';

export type ImageOperation = 'generations' | 'edits' | 'variations';

type Family = 'dall-e-2' | 'dall-e-3' | 'gpt-image';

const familyOf = (model: string): Family => (/^dall-e-2/.test(model) ? 'dall-e-2' : /^dall-e-3/.test(model) ? 'dall-e-3' : 'gpt-image');

const SIZES: Record<Family, readonly string[] | undefined> = {
  'dall-e-2': ['256x256', '512x512', '1024x1024'],
  'dall-e-3': ['1024x1024', '1792x1024', '1024x1792'],
  // GPT image models also take WIDTHxHEIGHT and 'auto'.
  'gpt-image': undefined,
};
const QUALITIES: Record<Family, readonly string[]> = {
  'dall-e-2': ['standard'],
  'dall-e-3': ['standard', 'hd'],
  'gpt-image': ['auto', 'low', 'medium', 'high', 'xhigh', 'max'],
};

/** gpt-image-1's output tokens per image (OpenAI's image generation guide); other sizes scale with the pixels. */
const OUTPUT_TOKENS: Record<string, Record<string, number>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};

/** Input tokens of each input image of an edit (the simulator's figure for an image part, as in chat). */
const INPUT_IMAGE_TOKENS = 85;

/**
 * Latency per family: DALL·E answers once; GPT image models send headers, then each partial image and the
 * final one a chunk apart (a JSON answer waits for two chunks per image), chunks halved for low quality and
 * doubled for high.
 */
const LATENCY: Record<Family, LatencyProfile> = {
  'dall-e-2': { ttfcMs: 2000, chunkMs: 2000 },
  'dall-e-3': { ttfcMs: 4000, chunkMs: 8000 },
  'gpt-image': { ttfcMs: 1500, chunkMs: 5000 },
};
const QUALITY_PACE: Record<string, number> = { low: 0.5, medium: 1, high: 2, xhigh: 2, max: 2 };

function outputTokensPerImage(quality: string, size: string): number {
  const table = OUTPUT_TOKENS[quality] ?? OUTPUT_TOKENS.high!;
  const exact = table[size];
  if (exact !== undefined) return exact;
  const [w, h] = size.split('x').map(Number);
  return Math.ceil((table['1024x1024']! * (w! * h!)) / (1024 * 1024));
}

export function planImages(ctx: RequestContext, operation: ImageOperation): Plan {
  const { body, controls } = ctx;
  const model = ctx.requestModel;
  const family = familyOf(model);
  const prompt = stringField(body, 'prompt');
  if (operation !== 'variations' && !prompt) throw missing('prompt');
  const inputs = operation === 'generations' ? [] : filesField(body, 'image');
  if (operation !== 'generations' && inputs.length === 0) throw missing('image');
  const supported = operation === 'variations' ? family === 'dall-e-2' : operation === 'edits' ? family !== 'dall-e-3' : true;
  if (!supported) throw new RequestError(badRequest(`Invalid value for 'model': ${model} does not support image ${operation}.`, 'model', 'invalid_value'));

  const n = numberField(body, 'n', 1, family === 'dall-e-3' ? 1 : 10, true) ?? 1;
  const sizes = SIZES[family];
  const askedSize = stringField(body, 'size');
  if (askedSize !== undefined && (sizes ? !sizes.includes(askedSize) : askedSize !== 'auto' && !/^\d{2,5}x\d{2,5}$/.test(askedSize))) {
    throw new RequestError(badRequest(`Invalid value: '${askedSize}'. Supported values are: ${(sizes ?? ['auto', 'WIDTHxHEIGHT']).map((s) => `'${s}'`).join(', ')}.`, 'size', 'invalid_value'));
  }
  const size = askedSize === undefined || askedSize === 'auto' ? '1024x1024' : askedSize;
  const askedQuality = choiceField(body, 'quality', QUALITIES[family], QUALITIES[family][0]!);
  const quality = askedQuality === 'auto' ? 'medium' : askedQuality;
  const gptImage = family === 'gpt-image';
  const stream = flagField(body, 'stream');
  if (stream && !gptImage) throw new RequestError(badRequest(`Invalid value for 'stream': ${model} does not support streaming.`, 'stream', 'invalid_value'));
  if (stream && n > 1) throw new RequestError(badRequest("Invalid value for 'n': a stream answers one image.", 'n', 'invalid_value'));
  const partials = numberField(body, 'partial_images', 0, 3, true) ?? 0;
  const responseFormat = gptImage ? 'b64_json' : choiceField(body, 'response_format', ['url', 'b64_json'], 'url');
  const background = choiceField(body, 'background', ['transparent', 'opaque', 'auto'], 'auto');
  const outputFormat = choiceField(body, 'output_format', ['png', 'jpeg', 'webp'], 'png');

  // Usage (GPT image models): text and input-image tokens in, image tokens out; x-sim-usage makes it exact.
  const imageIn = controls.usage?.image ?? inputs.length * INPUT_IMAGE_TOKENS;
  const input = controls.usage?.prompt ?? textTokens(prompt ?? '') + imageIn;
  const output = controls.usage?.completion ?? n * outputTokensPerImage(quality, size);
  const usage = {
    input_tokens: input,
    input_tokens_details: { text_tokens: input - imageIn, image_tokens: imageIn },
    output_tokens: output,
    total_tokens: input + output,
    // Models after gpt-image-1 split their output into image and text tokens.
    ...(/^gpt-image-1(-mini)?$/.test(model) ? {} : { output_tokens_details: { image_tokens: output, text_tokens: 0 } }),
  };

  const ids = Array.from({ length: n }, () => `img-${ctx.ids.base62(24)}`);
  const image = (id: string) => {
    if (responseFormat === 'url') return { url: `${ctx.url}/v1/images/files/${id}.png`, ...(family === 'dall-e-3' ? { revised_prompt: prompt } : {}) };
    return { b64_json: pngForId(id).toString('base64'), ...(family === 'dall-e-3' ? { revised_prompt: prompt } : {}) };
  };
  const settings = { background: background === 'auto' ? 'opaque' : background, output_format: outputFormat, quality, size };
  const prefix = operation === 'edits' ? 'image_edit' : 'image_generation';
  const pace = gptImage ? (QUALITY_PACE[quality] ?? 1) : 1;
  const profile = LATENCY[family];

  return {
    stream,
    input: gptImage ? input : 0,
    output: gptImage ? output : 0,
    // A stream's content frames: each partial image and the final one; a JSON answer waits for two chunks per image.
    chunks: stream ? partials + 1 : n * (gptImage ? 2 : 1),
    latency: { ttfcMs: profile.ttfcMs, chunkMs: profile.chunkMs * pace },
    json: () => ({ created: ctx.created, ...(gptImage ? settings : {}), data: ids.map(image), ...(gptImage ? { usage } : {}) }),
    frames: () => {
      const frames: Frame[] = [];
      const id = ids[0]!;
      const event = (type: string, payload: Record<string, unknown>): Frame => ({ event: type, data: JSON.stringify({ type, ...payload }), content: true });
      for (let index = 0; index < partials; index++) {
        frames.push(event(`${prefix}.partial_image`, { b64_json: pngForId(`${id}-${index}`).toString('base64'), created_at: ctx.created, ...settings, partial_image_index: index }));
      }
      frames.push(event(`${prefix}.completed`, { b64_json: pngForId(id).toString('base64'), created_at: ctx.created, ...settings, usage }));
      return frames;
    },
    errorFrame: () => ({
      event: 'error',
      data: JSON.stringify({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', param: null } }),
    }),
  };
}
