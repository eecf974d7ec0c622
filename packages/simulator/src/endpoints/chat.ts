// POST /v1/chat/completions: text, JSON-schema (for parse()) and forced tool-call answers, as one
// JSON body or as chat.completion.chunk SSE frames ending with `data: [DONE]`.
import { generateText, splitIntoChunks, splitString, valueForSchema } from '../content.js';
import { badRequest, streamErrorPayload } from '../dialects/openai.js';
import { chatPromptTokens, generationUsage, type Usage } from '../tokens.js';
import { answeredServiceTier, chunkCount, dataFrame, maxTokensOf, RequestError, withReportedCost, type Frame, type Plan, type RequestContext } from './plan.js';

interface ForcedTool {
  name: string;
  parameters: unknown;
}

/** The function the request forces (tool_choice 'required' or a named function), if any. */
function forcedTool(body: Record<string, unknown>): ForcedTool | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, any>>) : [];
  const functions = tools.filter((t) => t?.type === 'function' && t.function?.name);
  if (!functions.length) return undefined;
  const choice = body.tool_choice as any;
  let tool: Record<string, any> | undefined;
  if (choice === 'required') tool = functions[0];
  else if (choice && typeof choice === 'object' && choice.function?.name) tool = functions.find((t) => t.function.name === choice.function.name);
  return tool ? { name: tool.function.name, parameters: tool.function.parameters ?? { type: 'object', properties: {} } } : undefined;
}

export function chatUsageJson(u: Usage, choices = 1) {
  const completion = u.completion * choices;
  return {
    prompt_tokens: u.prompt,
    completion_tokens: completion,
    total_tokens: u.prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning * choices,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function planChat(ctx: RequestContext): Plan {
  const { body, controls } = ctx;
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new RequestError(badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter'));
  }
  const n = typeof body.n === 'number' && body.n >= 1 ? Math.min(Math.floor(body.n), 8) : 1;
  const usage = generationUsage(chatPromptTokens(body), maxTokensOf(body, ['max_completion_tokens', 'max_tokens']), ctx.traits, controls.usage, { cut: ctx.fault === 'response_incomplete' });
  const includeUsage = (body.stream_options as Record<string, unknown> | undefined)?.include_usage === true;
  const tool = forcedTool(body);
  const format = body.response_format as Record<string, any> | undefined;

  // The answer text (or tool arguments) and its split into stream chunks.
  let text: string;
  let pieces: string[];
  const chunks = chunkCount(controls, usage.visible);
  if (tool) {
    text = JSON.stringify(valueForSchema(tool.parameters, ctx.content));
    pieces = splitString(text, chunks);
  } else if (format?.type === 'json_schema') {
    text = JSON.stringify(valueForSchema(format.json_schema?.schema ?? {}, ctx.content));
    pieces = splitString(text, chunks);
  } else if (format?.type === 'json_object') {
    text = JSON.stringify({ answer: generateText(usage.visible, ctx.content).join('') });
    pieces = splitString(text, chunks);
  } else {
    const words = generateText(usage.visible, ctx.content);
    text = words.join('');
    pieces = splitIntoChunks(words, chunks);
  }
  const finishReason = tool ? 'tool_calls' : usage.truncated ? 'length' : 'stop';
  const id = `chatcmpl-${ctx.ids.base62(29)}`;
  const fingerprint = `fp_${ctx.ids.hex(10)}`;
  const toolCallIds = Array.from({ length: n }, () => `call_${ctx.ids.base62(24)}`);
  const serviceTier = answeredServiceTier(body);
  const head = { id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.responseModel, service_tier: serviceTier, system_fingerprint: fingerprint };
  const indexes = Array.from({ length: n }, (_, i) => i);

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ ...head, choices, ...(includeUsage ? { usage: null } : {}), ...extra });

  return {
    stream: body.stream === true,
    input: usage.prompt,
    output: usage.completion * n,
    chunks,
    json: () => ({
      id,
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.responseModel,
      choices: indexes.map((index) => ({
        index,
        message: tool
          ? {
              role: 'assistant',
              content: null,
              refusal: null,
              annotations: [],
              tool_calls: [{ id: toolCallIds[index], type: 'function', function: { name: tool.name, arguments: text } }],
            }
          : { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason,
      })),
      usage: withReportedCost(chatUsageJson(usage, n), controls),
      service_tier: serviceTier,
      system_fingerprint: fingerprint,
    }),
    frames: () => {
      const frames: Frame[] = [];
      frames.push(
        dataFrame(
          chunk(
            indexes.map((index) => ({
              index,
              delta: tool
                ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ index: 0, id: toolCallIds[index], type: 'function', function: { name: tool.name, arguments: '' } }] }
                : { role: 'assistant', content: '', refusal: null },
              logprobs: null,
              finish_reason: null,
            })),
          ),
        ),
      );
      for (const piece of pieces) {
        const delta = tool ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece };
        frames.push(dataFrame(chunk(indexes.map((index) => ({ index, delta, logprobs: null, finish_reason: null }))), true));
      }
      frames.push(dataFrame(chunk(indexes.map((index) => ({ index, delta: {}, logprobs: null, finish_reason: finishReason })))));
      if (includeUsage) frames.push(dataFrame({ ...head, choices: [], usage: withReportedCost(chatUsageJson(usage, n), controls) }));
      frames.push({ data: '[DONE]' });
      return frames;
    },
    errorFrame: () => dataFrame(streamErrorPayload()),
  };
}
