// Gemini's models.{generateContent, streamGenerateContent, embedContent, batchEmbedContents,
// countTokens}. A stream (`?alt=sse`) sends one GenerateContentResponse per chunk, each with the
// running usageMetadata; the last carries finishReason and the final counts. Thinking models
// (2.5+ Flash and Pro) spend thoughtsTokenCount unless thinkingConfig.thinkingBudget is 0;
// candidatesTokenCount leaves thoughts out, totalTokenCount counts them.
import { embeddingVector, generateText, splitIntoChunks, splitString, valueForSchema } from '../content.js';
import { gemini, googleError, OVERLOADED_MESSAGE } from '../dialects/gemini.js';
import { hashString, mix, Rng } from '../rng.js';
import { generationUsage, geminiPromptTokens, type Usage } from '../tokens.js';
import { chunkCount, dataFrame, noErrorFrame, RequestError, type Plan, type RequestContext } from './plan.js';

/** Tokens of a cachedContent resource the request names (the simulator keeps none, so any name has this size). */
const CACHED_CONTENT_TOKENS = 4096;
const DEFAULT_DIMENSIONS = 8;
const MAX_DIMENSIONS = 4096;
const COUNT_TOKENS_LATENCY = { ttfcMs: 60, chunkMs: 0 };

type Json = Record<string, any>;

function invalid(message: string): RequestError {
  return new RequestError(gemini.badRequest(message));
}

function textTokensUsage(count: number) {
  return [{ modality: 'TEXT', tokenCount: count }];
}

/** usageMetadata after `visible` of the answer's visible tokens (thoughts are spent before the first chunk). */
export function usageMetadata(u: Usage, visible = u.visible) {
  return {
    promptTokenCount: u.prompt,
    candidatesTokenCount: visible,
    totalTokenCount: u.prompt + visible + u.reasoning,
    promptTokensDetails: textTokensUsage(u.prompt),
    ...(u.cached > 0 ? { cachedContentTokenCount: u.cached, cacheTokensDetails: textTokensUsage(u.cached) } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
  };
}

/** The function the request forces (functionCallingConfig mode ANY), if any. */
function forcedFunction(body: Json): { name: string; schema: unknown } | undefined {
  const config = body.toolConfig?.functionCallingConfig;
  if (config?.mode !== 'ANY') return undefined;
  const declarations = ((Array.isArray(body.tools) ? body.tools : []) as Json[]).flatMap((t) => (Array.isArray(t?.functionDeclarations) ? t.functionDeclarations : [])) as Json[];
  const allowed = Array.isArray(config.allowedFunctionNames) ? (config.allowedFunctionNames as string[]) : undefined;
  const fn = declarations.find((d) => typeof d?.name === 'string' && (!allowed || allowed.includes(d.name)));
  return fn ? { name: fn.name, schema: fn.parametersJsonSchema ?? fn.parameters ?? { type: 'object', properties: {} } } : undefined;
}

function thoughtsBudget(body: Json, ctx: RequestContext): number | undefined {
  const budget = body.generationConfig?.thinkingConfig?.thinkingBudget;
  if (!ctx.traits.reasoning || typeof budget !== 'number' || budget < 0) return undefined;
  return Math.min(budget, ctx.traits.defaultReasoningTokens);
}

export function planGenerateContent(ctx: RequestContext, stream: boolean): Plan {
  const body = ctx.body as Json;
  const contents = body.contents;
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) throw invalid('* GenerateContentRequest.contents: contents is not specified');
  const config = (body.generationConfig ?? {}) as Json;
  const maxTokens = typeof config.maxOutputTokens === 'number' && config.maxOutputTokens >= 0 ? Math.floor(config.maxOutputTokens) : undefined;
  const cachedContent = typeof body.cachedContent === 'string' ? CACHED_CONTENT_TOKENS : 0;
  const prompt = geminiPromptTokens(body) + cachedContent;
  const usage = generationUsage(prompt, maxTokens, ctx.traits, ctx.controls.usage, {
    ...(thoughtsBudget(body, ctx) === undefined ? {} : { reasoningTokens: thoughtsBudget(body, ctx)! }),
    ...(cachedContent ? { cache: { read: cachedContent, write5m: 0, write1h: 0 } } : {}),
    cut: ctx.fault === 'response_incomplete',
  });
  const fn = forcedFunction(body);
  const schema = config.responseJsonSchema ?? config.responseSchema;

  let text = '';
  let pieces: string[];
  let args: unknown;
  const chunks = fn ? 1 : chunkCount(ctx.controls, usage.visible);
  if (fn) {
    args = valueForSchema(fn.schema, ctx.content);
    pieces = [''];
  } else if (config.responseMimeType === 'application/json') {
    text = JSON.stringify(schema ? valueForSchema(schema, ctx.content) : { answer: generateText(usage.visible, ctx.content).join('') });
    pieces = splitString(text, chunks);
  } else {
    const words = generateText(usage.visible, ctx.content);
    text = words.join('');
    pieces = splitIntoChunks(words, chunks);
  }
  const finishReason = usage.truncated && !fn ? 'MAX_TOKENS' : 'STOP';
  const responseId = ctx.ids.base62(22);
  const parts = (piece: string) => (fn ? [{ functionCall: { name: fn.name, args } }] : [{ text: piece }]);
  const response = (piece: string, done: boolean, visible: number) => ({
    candidates: [{ content: { parts: parts(piece), role: 'model' }, ...(done ? { finishReason } : {}), index: 0 }],
    usageMetadata: usageMetadata(usage, visible),
    modelVersion: ctx.responseModel,
    responseId,
  });

  return {
    stream,
    input: usage.prompt,
    output: usage.completion,
    chunks,
    json: () => response(text, true, usage.visible),
    frames: () =>
      pieces.map((piece, i) => {
        const last = i === pieces.length - 1;
        return dataFrame(response(piece, last, last ? usage.visible : Math.round((usage.visible * (i + 1)) / pieces.length)), true);
      }),
    errorFrame: () => dataFrame(googleError(503, OVERLOADED_MESSAGE)),
  };
}

function dimensionsOf(request: Json): number {
  const dims = request.outputDimensionality ?? DEFAULT_DIMENSIONS;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > MAX_DIMENSIONS) {
    throw invalid(`* EmbedContentRequest.output_dimensionality: must be an integer between 1 and ${MAX_DIMENSIONS}.`);
  }
  return dims;
}

/** embedContent (one `content`) or batchEmbedContents (`requests`, what @google/genai's embedContent sends). */
export function planEmbedContent(ctx: RequestContext, batch: boolean): Plan {
  const body = ctx.body as Json;
  if (batch && (!Array.isArray(body.requests) || body.requests.length === 0)) throw invalid('* BatchEmbedContentsRequest.requests: requests is not specified');
  const requests = (batch ? body.requests : [body]) as Json[];
  const items = requests.map((request, i) => {
    if (!request || typeof request.content !== 'object' || request.content === null) {
      throw invalid(`* ${batch ? `BatchEmbedContentsRequest.requests[${i}]` : 'EmbedContentRequest'}.content: content is not specified`);
    }
    return { content: request.content as Json, dims: dimensionsOf(request), tokens: geminiPromptTokens({ contents: request.content }) };
  });
  const promptTokens = ctx.controls.usage?.prompt ?? items.reduce((sum, item) => sum + item.tokens, 0);
  const embedding = (item: (typeof items)[number]) => ({
    values: embeddingVector(item.dims, new Rng(mix(ctx.seed, hashString(`${ctx.requestModel}\u0000${JSON.stringify(item.content)}`)))),
  });
  const usage = { promptTokenCount: promptTokens, promptTokenDetails: textTokensUsage(promptTokens) };
  return {
    stream: false,
    input: promptTokens,
    output: 0,
    chunks: 1,
    json: () => (batch ? { embeddings: items.map(embedding), usageMetadata: usage } : { embedding: embedding(items[0]!), usageMetadata: usage }),
    frames: () => [],
    errorFrame: noErrorFrame,
  };
}

/** countTokens: `contents`, or a whole `generateContentRequest`. */
export function planGeminiCountTokens(ctx: RequestContext): Plan {
  const body = ctx.body as Json;
  const request = (body.generateContentRequest ?? body) as Json;
  if (request.contents === undefined) throw invalid('* CountTokensRequest.contents: contents is not specified');
  const total = ctx.controls.usage?.prompt ?? geminiPromptTokens(request);
  return {
    stream: false,
    input: 0,
    output: 0,
    chunks: 0,
    latency: COUNT_TOKENS_LATENCY,
    json: () => ({ totalTokens: total, promptTokensDetails: textTokensUsage(total) }),
    frames: () => [],
    errorFrame: noErrorFrame,
  };
}

