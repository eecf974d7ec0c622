// Anthropic's POST /v1/messages: a Message, or the event stream message_start,
// content_block_start/delta/stop per block (with a ping after the first start), message_delta
// with the cumulative usage, message_stop. Extended thinking (`thinking`) puts a thinking block
// with a signature first; a forced tool (tool_choice any/tool) answers a tool_use block. Prompt
// caching follows the request's cache_control breakpoints. Also POST /v1/messages/count_tokens.
import { generateText, splitIntoChunks, splitString, valueForSchema } from '../content.js';
import { anthropic, OVERLOADED } from '../dialects/anthropic.js';
import { hashString } from '../rng.js';
import { anthropicPromptTokens, generationUsage, textTokens, type PromptCache, type Usage } from '../tokens.js';
import { chunkCount, maxTokensOf, noErrorFrame, RequestError, type Frame, type Plan, type RequestContext } from './plan.js';

/** Thinking tokens spent when a request enables extended thinking (capped by its budget_tokens). */
const DEFAULT_THINKING_TOKENS = 192;
/** Shortest prefix the API caches; shorter breakpoints are silently not cached. */
const MIN_CACHEABLE_TOKENS = 1024;
const CACHE_TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
/** Token counting answers quickly, whatever the model. */
const COUNT_TOKENS_LATENCY = { ttfcMs: 60, chunkMs: 0 };

type Block = Record<string, any>;

function requireMessages(body: Record<string, unknown>): void {
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new RequestError(anthropic.badRequest('messages: Field required'));
}

/** The tool the request forces (tool_choice {type:'any'} or {type:'tool', name}), if any. */
function forcedTool(body: Record<string, unknown>): { name: string; schema: unknown } | undefined {
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Block[];
  const choice = body.tool_choice as Block | undefined;
  const tool = choice?.type === 'any' ? tools.find((t) => typeof t?.name === 'string') : choice?.type === 'tool' ? tools.find((t) => t?.name === choice.name) : undefined;
  return tool ? { name: tool.name, schema: tool.input_schema ?? { type: 'object', properties: {} } } : undefined;
}

function thinkingTokens(body: Record<string, unknown>): number {
  const thinking = body.thinking as Block | undefined;
  if (thinking?.type === 'adaptive') return DEFAULT_THINKING_TOKENS;
  if (thinking?.type !== 'enabled') return 0;
  return typeof thinking.budget_tokens === 'number' ? Math.min(DEFAULT_THINKING_TOKENS, Math.max(0, thinking.budget_tokens)) : DEFAULT_THINKING_TOKENS;
}

interface Segment {
  tokens: number;
  value: unknown;
  cacheControl?: Block;
}

/** Tools, then system, then messages: the order in which cache_control prefixes build up. */
function promptSegments(body: Record<string, unknown>): Segment[] {
  const blocks = (content: unknown, overhead: number): Segment[] => {
    if (!Array.isArray(content)) return content === undefined ? [] : [{ tokens: overhead + textTokens(typeof content === 'string' ? content : JSON.stringify(content)), value: content }];
    return (content as Block[]).map((block, i) => ({
      tokens: (i === 0 ? overhead : 0) + textTokens(typeof block?.text === 'string' ? block.text : JSON.stringify(block)),
      value: block,
      cacheControl: block?.cache_control,
    }));
  };
  const tools = (Array.isArray(body.tools) ? body.tools : []) as Block[];
  return [
    ...tools.map((tool) => ({ tokens: textTokens(JSON.stringify(tool)), value: tool, cacheControl: tool?.cache_control })),
    ...blocks(body.system, 4),
    ...((Array.isArray(body.messages) ? body.messages : []) as Block[]).flatMap((m) => blocks(m?.content, 4)),
  ];
}

interface CachePlan {
  cache: PromptCache;
  /** Writes the prefix once the request is answered. */
  write?: () => void;
}

/** Reads or writes of the prefix up to the last cache_control breakpoint (at least MIN_CACHEABLE_TOKENS). */
function cachePlan(ctx: RequestContext, prompt: number): CachePlan {
  const segments = promptSegments(ctx.body);
  const last = segments.findLastIndex((s) => s.cacheControl?.type === 'ephemeral');
  const none = { cache: { read: 0, write5m: 0, write1h: 0 } };
  if (last < 0) return none;
  const prefix = segments.slice(0, last + 1);
  const tokens = Math.min(prompt, 3 + prefix.reduce((sum, s) => sum + s.tokens, 0));
  if (tokens < MIN_CACHEABLE_TOKENS) return none;
  const ttl = segments[last]!.cacheControl?.ttl === '1h' ? '1h' : '5m';
  const key = `${ctx.requestModel}\u0000${hashString(JSON.stringify(prefix.map((s) => s.value)))}`;
  if (ctx.promptCache.has(key, ctx.now)) return { cache: { read: tokens, write5m: 0, write1h: 0 }, write: () => ctx.promptCache.write(key, CACHE_TTL_MS[ttl], ctx.now) };
  return {
    cache: ttl === '1h' ? { read: 0, write5m: 0, write1h: tokens } : { read: 0, write5m: tokens, write1h: 0 },
    write: () => ctx.promptCache.write(key, CACHE_TTL_MS[ttl], ctx.now),
  };
}

/** Anthropic's usage: input_tokens leaves out cache reads and writes, which have their own fields. */
export function messagesUsageJson(u: Usage, outputTokens = u.completion) {
  return {
    input_tokens: u.prompt - u.cached - u.cacheWrite5m - u.cacheWrite1h,
    cache_creation_input_tokens: u.cacheWrite5m + u.cacheWrite1h,
    cache_read_input_tokens: u.cached,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite5m, ephemeral_1h_input_tokens: u.cacheWrite1h },
    output_tokens: outputTokens,
    service_tier: 'standard',
    ...(u.reasoning > 0 ? { output_tokens_details: { thinking_tokens: u.reasoning } } : {}),
  };
}

function eventFrame(payload: { type: string } & Record<string, unknown>, content = false): Frame {
  const frame: Frame = { event: payload.type, data: JSON.stringify(payload) };
  if (content) frame.content = true;
  return frame;
}

export function planMessages(ctx: RequestContext): Plan {
  const { body, controls } = ctx;
  requireMessages(body);
  const maxTokens = maxTokensOf(body, ['max_tokens']);
  if (maxTokens === undefined) throw new RequestError(anthropic.badRequest('max_tokens: Field required'));
  const prompt = anthropicPromptTokens(body);
  const caching = cachePlan(ctx, prompt);
  const usage = generationUsage(prompt, maxTokens, ctx.traits, controls.usage, { reasoningTokens: thinkingTokens(body), cache: caching.cache, cut: ctx.fault === 'response_incomplete' });
  const tool = forcedTool(body);

  const textChunks = chunkCount(controls, usage.visible);
  const thinkingChunks = usage.reasoning > 0 ? Math.max(1, Math.ceil(usage.reasoning / 4)) : 0;
  const thinkingWords = usage.reasoning > 0 ? generateText(usage.reasoning, ctx.content) : [];
  const thinking = thinkingWords.join('');
  const signature = usage.reasoning > 0 ? ctx.ids.base62(96) : '';
  let text: string;
  let pieces: string[];
  if (tool) {
    text = JSON.stringify(valueForSchema(tool.schema, ctx.content));
    pieces = splitString(text, textChunks);
  } else {
    const words = generateText(usage.visible, ctx.content);
    text = words.join('');
    pieces = splitIntoChunks(words, textChunks);
  }
  const id = `msg_01${ctx.ids.base62(22)}`;
  const toolUseId = `toolu_01${ctx.ids.base62(22)}`;
  const stopReason = tool ? 'tool_use' : usage.truncated ? 'max_tokens' : 'end_turn';

  const mainBlock = (done: boolean): Block =>
    tool ? { type: 'tool_use', id: toolUseId, name: tool.name, input: done ? JSON.parse(text) : {} } : { type: 'text', text: done ? text : '' };
  const content = (): Block[] => [...(usage.reasoning > 0 ? [{ type: 'thinking', thinking, signature }] : []), mainBlock(true)];
  const message = (done: boolean) => ({
    id,
    type: 'message',
    role: 'assistant',
    model: ctx.responseModel,
    content: done ? content() : [],
    stop_reason: done ? stopReason : null,
    stop_sequence: null,
    usage: done ? messagesUsageJson(usage) : { ...messagesUsageJson(usage, 1), output_tokens_details: undefined },
  });

  return {
    stream: body.stream === true,
    input: usage.prompt,
    output: usage.completion,
    chunks: thinkingChunks + textChunks,
    json: () => message(true),
    frames: () => {
      const frames: Frame[] = [eventFrame({ type: 'message_start', message: message(false) })];
      let index = 0;
      const block = (start: Block, deltas: Block[], extra: Block[] = []) => {
        frames.push(eventFrame({ type: 'content_block_start', index, content_block: start }));
        if (index === 0) frames.push(eventFrame({ type: 'ping' }));
        for (const delta of deltas) frames.push(eventFrame({ type: 'content_block_delta', index, delta }, true));
        for (const delta of extra) frames.push(eventFrame({ type: 'content_block_delta', index, delta }));
        frames.push(eventFrame({ type: 'content_block_stop', index }));
        index++;
      };
      if (usage.reasoning > 0) {
        const deltas = splitIntoChunks(thinkingWords, thinkingChunks).map((t) => ({ type: 'thinking_delta', thinking: t }));
        block({ type: 'thinking', thinking: '', signature: '' }, deltas, [{ type: 'signature_delta', signature }]);
      }
      block(
        mainBlock(false),
        pieces.map((piece) => (tool ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece })),
      );
      const { service_tier: _tier, cache_creation: _split, ...cumulative } = messagesUsageJson(usage);
      frames.push(eventFrame({ type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: cumulative }));
      frames.push(eventFrame({ type: 'message_stop' }));
      return frames;
    },
    errorFrame: () => eventFrame({ type: 'error', error: OVERLOADED }),
    ...(caching.write ? { answered: caching.write } : {}),
  };
}

/** POST /v1/messages/count_tokens: the input tokens the same request would use. */
export function planCountTokens(ctx: RequestContext): Plan {
  requireMessages(ctx.body);
  const inputTokens = ctx.controls.usage?.prompt ?? anthropicPromptTokens(ctx.body);
  return { stream: false, input: 0, output: 0, chunks: 0, latency: COUNT_TOKENS_LATENCY, json: () => ({ input_tokens: inputTokens }), frames: () => [], errorFrame: noErrorFrame };
}
