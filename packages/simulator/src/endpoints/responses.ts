// POST /v1/responses: a Response object, or the event sequence the real API streams
// (response.created ... response.completed, `event:` + `data:` lines, sequence_number from 0).
// Reasoning models put a reasoning item before the message, as the real API does; a request cut by
// max_output_tokens (or the response_incomplete fault) ends 'incomplete' (response.incomplete) like
// the real API; the response_failed fault ends 'failed' (response.failed) half way, still HTTP 200.
import { generateText, splitIntoChunks, splitString, valueForSchema } from '../content.js';
import { responseFailedError, streamErrorPayload } from '../dialects/openai.js';
import { generationUsage, responsesInputTokens, type Usage } from '../tokens.js';
import { answeredServiceTier, chunkCount, chunksBeforeFailure, maxTokensOf, withReportedCost, type Frame, type Plan, type RequestContext } from './plan.js';

export function responsesUsageJson(u: Usage) {
  return {
    input_tokens: u.prompt,
    input_tokens_details: { cached_tokens: u.cached, cache_write_tokens: u.cacheWrite5m + u.cacheWrite1h },
    output_tokens: u.completion,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.prompt + u.completion,
  };
}

function forcedFunction(body: Record<string, unknown>): { name: string; parameters: unknown } | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, any>>) : [];
  const functions = tools.filter((t) => t?.type === 'function' && typeof t.name === 'string');
  const choice = body.tool_choice as any;
  let tool: Record<string, any> | undefined;
  if (choice === 'required') tool = functions[0];
  else if (choice && typeof choice === 'object' && choice.type === 'function') tool = functions.find((t) => t.name === choice.name);
  return tool ? { name: tool.name, parameters: tool.parameters ?? { type: 'object', properties: {} } } : undefined;
}

export function planResponses(ctx: RequestContext): Plan {
  const { body, controls } = ctx;
  const cut = ctx.fault === 'response_incomplete';
  const usage = generationUsage(responsesInputTokens(body), maxTokensOf(body, ['max_output_tokens']), ctx.traits, controls.usage, { cut });
  const chunks = chunkCount(controls, usage.visible);
  const tool = forcedFunction(body);
  const format = (body.text as Record<string, any> | undefined)?.format;

  let text: string;
  let pieces: string[];
  if (tool) {
    text = JSON.stringify(valueForSchema(tool.parameters, ctx.content));
    pieces = splitString(text, chunks);
  } else if (format?.type === 'json_schema') {
    text = JSON.stringify(valueForSchema(format.schema ?? {}, ctx.content));
    pieces = splitString(text, chunks);
  } else {
    const words = generateText(usage.visible, ctx.content);
    text = words.join('');
    pieces = splitIntoChunks(words, chunks);
  }

  const id = `resp_${ctx.ids.hex(48)}`;
  const reasoningItem = usage.reasoning > 0 ? { id: `rs_${ctx.ids.hex(48)}`, type: 'reasoning', summary: [] as unknown[] } : undefined;
  const itemId = tool ? `fc_${ctx.ids.hex(48)}` : `msg_${ctx.ids.hex(48)}`;
  const callId = `call_${ctx.ids.base62(24)}`;
  const incomplete = usage.truncated && !tool;
  const finalStatus = incomplete ? 'incomplete' : 'completed';

  const outputPart = (t: string) => ({ type: 'output_text', annotations: [], logprobs: [], text: t });
  const mainItem = (done: boolean) =>
    tool
      ? { id: itemId, type: 'function_call', status: done ? 'completed' : 'in_progress', arguments: done ? text : '', call_id: callId, name: tool.name }
      : { id: itemId, type: 'message', status: done ? finalStatus : 'in_progress', content: done ? [outputPart(text)] : [], role: 'assistant' };
  const output = () => [...(reasoningItem ? [reasoningItem] : []), mainItem(true)];

  const response = (status: string, withOutput: boolean) => ({
    id,
    object: 'response',
    created_at: ctx.created,
    status,
    background: false,
    completed_at: status === 'completed' ? ctx.created : null,
    error: null as ReturnType<typeof responseFailedError> | null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    // The limit that cut an answer the fault made incomplete.
    max_output_tokens: body.max_output_tokens ?? (cut ? usage.completion : null),
    max_tool_calls: null,
    model: ctx.responseModel,
    output: withOutput ? output() : [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: ctx.traits.reasoning ? ((body.reasoning as any)?.effort ?? 'medium') : null, summary: null },
    service_tier: answeredServiceTier(body),
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: withOutput ? withReportedCost(responsesUsageJson(usage), ctx.controls) : null,
    user: null,
    metadata: body.metadata ?? {},
  });
  // A failure half way: nothing delivered, usage of the prompt and of the output generated so far.
  const failedResponse = () => {
    const visible = Math.floor((chunksBeforeFailure(chunks) * usage.visible) / chunks);
    const partial = { ...usage, completion: usage.reasoning + visible, visible };
    return { ...response('failed', false), error: responseFailedError(), usage: responsesUsageJson(partial) };
  };

  return {
    stream: body.stream === true,
    input: usage.prompt,
    output: usage.completion,
    chunks,
    json: () => response(finalStatus, true),
    frames: () => {
      let sequence = 0;
      const frames: Frame[] = [];
      const emit = (payload: Record<string, unknown>, content = false) => {
        const event = { type: payload.type, sequence_number: sequence++, ...payload };
        frames.push(content ? { event: String(payload.type), data: JSON.stringify(event), content } : { event: String(payload.type), data: JSON.stringify(event) });
      };
      emit({ type: 'response.created', response: response('in_progress', false) });
      emit({ type: 'response.in_progress', response: response('in_progress', false) });
      let outputIndex = 0;
      if (reasoningItem) {
        emit({ type: 'response.output_item.added', output_index: outputIndex, item: reasoningItem });
        emit({ type: 'response.output_item.done', output_index: outputIndex, item: reasoningItem });
        outputIndex++;
      }
      emit({ type: 'response.output_item.added', output_index: outputIndex, item: mainItem(false) });
      if (tool) {
        for (const piece of pieces) {
          emit({ type: 'response.function_call_arguments.delta', item_id: itemId, output_index: outputIndex, delta: piece }, true);
        }
        emit({ type: 'response.function_call_arguments.done', item_id: itemId, output_index: outputIndex, name: tool.name, arguments: text });
      } else {
        const part = { item_id: itemId, output_index: outputIndex, content_index: 0 };
        emit({ type: 'response.content_part.added', ...part, part: outputPart('') });
        for (const piece of pieces) emit({ type: 'response.output_text.delta', ...part, delta: piece, logprobs: [] }, true);
        emit({ type: 'response.output_text.done', ...part, text, logprobs: [] });
        emit({ type: 'response.content_part.done', ...part, part: outputPart(text) });
      }
      emit({ type: 'response.output_item.done', output_index: outputIndex, item: mainItem(true) });
      emit({ type: incomplete ? 'response.incomplete' : 'response.completed', response: response(finalStatus, true) });
      return frames;
    },
    errorFrame: (sent) => {
      const { error } = streamErrorPayload();
      return { event: 'error', data: JSON.stringify({ type: 'error', code: error.type, message: error.message, param: null, sequence_number: sent }) };
    },
    failed: {
      json: failedResponse,
      frame: (sent) => ({ event: 'response.failed', data: JSON.stringify({ type: 'response.failed', sequence_number: sent, response: failedResponse() }) }),
    },
  };
}
