// What differs between the APIs the simulator speaks once a request is planned: response headers
// (request id, processing time, rate limits), credentials, and the shape and status of every
// error. The server is provider-neutral and asks the request's dialect for these.
import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitState } from '../rate-limits.js';
import type { Rng } from '../rng.js';
import type { FaultKind } from '../types.js';

export type Headers = Record<string, string>;

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Headers;
}

export interface Dialect {
  readonly name: 'openai' | 'anthropic' | 'gemini';
  /** Terminator of each SSE line (Google's streams use CRLF). */
  readonly lineEnd: string;
  /** Headers of every answer; `ids` is the request's own generator (deterministic request ids). */
  baseHeaders(ids: Rng): Headers;
  /** The simulated processing time, in the API's own header. */
  processingHeaders(ms: number): Headers;
  rateLimitHeaders(state: RateLimitState, now: number): Headers;
  /** The error to answer when the request carries no credentials; undefined when it may proceed. */
  authenticate(headers: IncomingHttpHeaders, url: URL): ErrorReply | undefined;
  /** Adds what the API repeats from the headers into its error bodies (Anthropic's request_id). */
  errorBody(body: unknown, headers: Headers): unknown;
  badRequest(message: string, param?: string | null, code?: string | null): ErrorReply;
  unparsableBody(): ErrorReply;
  routeNotFound(method: string, path: string): ErrorReply;
  tooLarge(maxBytes: number): ErrorReply;
  missingModel(): ErrorReply;
  internal(message: string): ErrorReply;
  rateLimited(model: string, state: RateLimitState, detail: string, retryAfter: string): ErrorReply;
  /** The HTTP error a fault kind answers with; null for faults that are not an HTTP error. */
  fault(kind: FaultKind, model: string, retryAfter: string): ErrorReply | null;
}
