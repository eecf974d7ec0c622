// POST /v1/moderations: one result per input (a string, strings, or one multimodal array of text and
// image_url parts) with every category false and low scores; omni models say which input types each
// category was applied to. No usage (moderation is free).
import type { LatencyProfile } from '../models.js';
import { missing } from './fields.js';
import { noErrorFrame, type Plan, type RequestContext } from './plan.js';

const CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
];
/** Categories omni models also apply to images. */
const IMAGE_CATEGORIES = new Set(['self-harm', 'self-harm/intent', 'self-harm/instructions', 'sexual', 'violence', 'violence/graphic']);
const LATENCY: LatencyProfile = { ttfcMs: 150, chunkMs: 0 };

export function planModerations(ctx: RequestContext): Plan {
  const input = ctx.body.input;
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0)) throw missing('input');
  const multimodal = Array.isArray(input) && input.some((part) => part !== null && typeof part === 'object');
  const items = multimodal || !Array.isArray(input) ? [input] : input;
  const hasImage = multimodal && (input as { type?: unknown }[]).some((part) => part?.type === 'image_url');
  const omni = ctx.requestModel.startsWith('omni');
  const result = () => {
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round(ctx.content.next() * 1e6) / 1e8]));
    return {
      flagged: false,
      categories: Object.fromEntries(CATEGORIES.map((c) => [c, false])),
      category_scores: scores,
      ...(omni ? { category_applied_input_types: Object.fromEntries(CATEGORIES.map((c) => [c, hasImage && IMAGE_CATEGORIES.has(c) ? ['text', 'image'] : ['text']])) } : {}),
    };
  };
  const id = `modr-${ctx.ids.base62(24)}`;
  return {
    stream: false,
    input: 0,
    output: 0,
    chunks: 1,
    latency: LATENCY,
    json: () => ({ id, model: ctx.responseModel, results: items.map(result) }),
    frames: () => [],
    errorFrame: noErrorFrame,
  };
}
