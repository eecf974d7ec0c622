// POST /v1/completions (legacy): text_completion JSON or SSE chunks ending with `data: [DONE]`.
// Like the real endpoint, max_tokens defaults to 16.
import { generateText, splitIntoChunks } from '../content.js';
import { badRequest, streamErrorPayload } from '../dialects/openai.js';
import { generationUsage, inputTokens } from '../tokens.js';
import { chunkCount, dataFrame, maxTokensOf, RequestError, type Frame, type Plan, type RequestContext } from './plan.js';

const LEGACY_DEFAULT_MAX_TOKENS = 16;

export function planCompletions(ctx: RequestContext): Plan {
  const { body, controls } = ctx;
  const prompts = inputTokens(body.prompt);
  if (!prompts.length) throw new RequestError(badRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter'));
  const promptTokens = prompts.reduce((a, b) => a + b, 0);
  const usage = generationUsage(promptTokens, maxTokensOf(body, ['max_tokens']) ?? LEGACY_DEFAULT_MAX_TOKENS, ctx.traits, controls.usage, { cut: ctx.fault === 'response_incomplete' });
  const chunks = chunkCount(controls, usage.visible);
  const words = generateText(usage.visible, ctx.content);
  const text = words.join('');
  const pieces = splitIntoChunks(words, chunks);
  const finishReason = usage.truncated ? 'length' : 'stop';
  const includeUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true;
  const id = `cmpl-${ctx.ids.base62(29)}`;
  const head = { id, object: 'text_completion', created: ctx.created, model: ctx.responseModel, system_fingerprint: `fp_${ctx.ids.hex(10)}` };
  const usageJson = {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const withUsageNull = includeUsage ? { usage: null } : {};
  return {
    stream: body.stream === true,
    input: usage.prompt,
    output: usage.completion,
    chunks,
    json: () => ({ ...head, choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }], usage: usageJson }),
    frames: () => {
      const frames: Frame[] = pieces.map((piece) => dataFrame({ ...head, choices: [{ text: piece, index: 0, logprobs: null, finish_reason: null }], ...withUsageNull }, true));
      frames.push(dataFrame({ ...head, choices: [{ text: '', index: 0, logprobs: null, finish_reason: finishReason }], ...withUsageNull }));
      if (includeUsage) frames.push(dataFrame({ ...head, choices: [], usage: usageJson }));
      frames.push({ data: '[DONE]' });
      return frames;
    },
    errorFrame: () => dataFrame(streamErrorPayload()),
  };
}
