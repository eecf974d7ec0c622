// What an endpoint hands back to the server: how much it costs against the rate limit, how many
// content chunks it streams (for the latency model), and how to render it as JSON or SSE frames.
import type { RequestControls } from '../controls.js';
import type { ErrorReply } from '../dialects/dialect.js';
import type { LatencyProfile, ModelTraits } from '../models.js';
import type { PromptCacheStore } from '../prompt-cache.js';
import type { Rng } from '../rng.js';
import type { FaultKind } from '../types.js';

/** Everything an endpoint needs to know about the request it answers. */
export interface RequestContext {
  body: Record<string, unknown>;
  controls: RequestControls;
  requestModel: string;
  responseModel: string;
  traits: ModelTraits;
  /** Unix seconds of the request. */
  created: number;
  /** Per-request generator for ids (deterministic from seed and request number). */
  ids: Rng;
  /** Generator for generated content, seeded from seed + model + input, so equal requests answer equally. */
  content: Rng;
  /** The simulator's seed (embeddings derive their vectors from it and the input alone). */
  seed: number;
  /** Prompt prefixes the simulator has cached (Anthropic's explicit cache_control caching). */
  promptCache: PromptCacheStore;
  /** Request time, epoch milliseconds. */
  now: number;
  /** http://HOST:PORT as the request addressed the server (URLs in answers point back to it). */
  url: string;
  /** The fault injected into this request, if any (response_incomplete and response_failed change the answer itself). */
  fault?: FaultKind;
}

/** One server-sent event. `content` marks frames that carry generated output (they pace the stream). */
export interface Frame {
  event?: string;
  data: string;
  content?: boolean;
}

export interface Plan {
  stream: boolean;
  /** Input and output tokens charged to the model's rate-limit window. */
  input: number;
  output: number;
  /** Number of content chunks (a stream's content frames; a non-stream call's generation time). */
  chunks: number;
  /** Latency of this answer when it is not the model's (token counting answers quickly). */
  latency?: LatencyProfile;
  json(): unknown;
  /**
   * An answer that is not JSON (speech audio, a transcript as text): its Content-Type and its pieces, sent
   * after the time to first chunk, one piece per content chunk. Used instead of json() when the plan is not a stream.
   */
  raw?: { contentType: string; chunks(): Buffer[] };
  /** SSE frames; the server appends nothing, so endpoints include their own terminator. */
  frames(): Frame[];
  /** The API's in-stream error event, sent after `sent` frames when a stream fails after its 200. */
  errorFrame(sent: number): Frame;
  /**
   * The API's own failed answer, where it has one (a Responses API response with status 'failed'),
   * for response_failed: the JSON body (HTTP 200) and the event that ends a stream after `sent` frames.
   */
  failed?: { json(): unknown; frame(sent: number): Frame };
  /** Called once the request is answered (not refused): records what the answer changes (cache writes). */
  answered?(): void;
}

/** Thrown by endpoints to answer an error in their API's shape (e.g. a missing required parameter). */
export class RequestError extends Error {
  constructor(readonly reply: ErrorReply) {
    super(JSON.stringify(reply.body));
  }
}

/** Not a streaming endpoint: the server never asks for its error frame. */
export function noErrorFrame(): Frame {
  throw new Error('not a streaming endpoint');
}

export function dataFrame(payload: unknown, content = false): Frame {
  return content ? { data: JSON.stringify(payload), content } : { data: JSON.stringify(payload) };
}

export function truncatedJson(payload: unknown): string {
  const text = JSON.stringify(payload);
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/** The limit on generated tokens a body asks for, from the first of the given fields present. */
export function maxTokensOf(body: Record<string, unknown>, fields: string[]): number | undefined {
  for (const field of fields) {
    const value = body[field];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value);
  }
  return undefined;
}

/** Content chunks a stream sends before it fails after its 200 (stream_cut, stream_error, response_failed): up to the middle one. */
export function chunksBeforeFailure(chunks: number): number {
  return Math.floor((chunks - 1) / 2) + 1;
}

/** Stream content chunk count: x-sim-chunks, else one per ~4 visible tokens, at least 1. */
export function chunkCount(controls: RequestControls, visibleTokens: number): number {
  return controls.chunks ?? Math.max(1, Math.ceil(visibleTokens / 4));
}

/**
 * The service tier an OpenAI answer reports: the one the request asked for (`auto` runs at `default`),
 * as OpenAI does.
 */
export function answeredServiceTier(body: Record<string, unknown>): string {
  const asked = body.service_tier;
  return typeof asked === 'string' && ['default', 'flex', 'priority', 'scale'].includes(asked) ? asked : 'default';
}

/** A usage object with OpenRouter's `cost` when the request asked for a reported cost in the usage. */
export function withReportedCost<T extends object>(usage: T, controls: RequestControls): T {
  return controls.reportedCost?.where === 'usage' ? { ...usage, cost: controls.reportedCost.usd } : usage;
}
