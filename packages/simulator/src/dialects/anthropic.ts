// Anthropic's wire conventions: {type:'error', error:{type,message}, request_id} bodies with the
// documented status/type pairs (400 invalid_request_error, 402 billing_error ... 529
// overloaded_error), the request-id header, anthropic-ratelimit-* headers with RFC 3339 resets, and
// the x-api-key / anthropic-version request headers the API requires.
import type { RateLimitState } from '../rate-limits.js';
import type { FaultKind } from '../types.js';
import type { Dialect, ErrorReply, Headers } from './dialect.js';

/** Any fixed id: the API names the organization of the key on every answer. */
const ORGANIZATION_ID = '5f0c8a52-1e7b-4d3a-9c64-7a2b1d9e3f10';

function reply(status: number, type: string, message: string, headers?: Headers): ErrorReply {
  const out: ErrorReply = { status, body: { type: 'error', error: { type, message } } };
  if (headers) out.headers = headers;
  return out;
}

/** RFC 3339 at second precision, rounded up, as the reset headers carry it. */
export function rfc3339(epochMs: number): string {
  return new Date(Math.ceil(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const RATE_LIMIT_UNITS: Record<string, string> = {
  requests: 'requests per minute',
  tokens: 'tokens per minute',
  input_tokens: 'input tokens per minute',
  output_tokens: 'output tokens per minute',
};

function rateLimited(limit: string, detail: string, retryAfter: string): ErrorReply {
  return reply(
    429,
    'rate_limit_error',
    `This request would exceed your organization's rate limit of ${RATE_LIMIT_UNITS[limit] ?? limit} (${detail}). Please reduce the prompt length or the maximum tokens requested, or try again later.`,
    { 'retry-after': retryAfter },
  );
}

/** The overload Anthropic reports as HTTP 529 before a response, or as an `error` event inside a stream. */
export const OVERLOADED = { type: 'overloaded_error', message: 'Overloaded' } as const;

export const anthropic: Dialect = {
  name: 'anthropic',
  lineEnd: '\n',
  baseHeaders: (ids) => ({ 'request-id': `req_011C${ids.base62(20)}`, 'anthropic-organization-id': ORGANIZATION_ID }),
  processingHeaders: (ms) => ({ 'x-envoy-upstream-service-time': String(ms) }),
  rateLimitHeaders(state: RateLimitState, now: number) {
    const reset = rfc3339(now + state.resetMs);
    const family = (name: string, limit: number, remaining: number): Headers => ({
      [`anthropic-ratelimit-${name}-limit`]: String(limit),
      [`anthropic-ratelimit-${name}-remaining`]: String(remaining),
      [`anthropic-ratelimit-${name}-reset`]: reset,
    });
    return {
      ...family('requests', state.limit.requests, state.remainingRequests),
      ...family('tokens', state.limit.tokens, state.remainingTokens),
      ...family('input-tokens', state.limit.inputTokens, state.remainingInputTokens),
      ...family('output-tokens', state.limit.outputTokens, state.remainingOutputTokens),
    };
  },
  authenticate(headers) {
    if (!headers['x-api-key'] && !headers.authorization) return reply(401, 'authentication_error', 'x-api-key header is required');
    if (!headers['anthropic-version']) return reply(400, 'invalid_request_error', 'anthropic-version: header is required');
    return undefined;
  },
  errorBody: (body, headers) => ({ ...(body as object), request_id: headers['request-id'] }),
  badRequest: (message) => reply(400, 'invalid_request_error', message),
  unparsableBody: () => reply(400, 'invalid_request_error', 'There was an issue with the format or content of your request: the body is not valid JSON.'),
  routeNotFound: () => reply(404, 'not_found_error', 'Not Found'),
  tooLarge: (maxBytes) => reply(413, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${maxBytes}).`),
  missingModel: () => reply(400, 'invalid_request_error', 'model: Field required'),
  internal: (message) => reply(500, 'api_error', message),
  rateLimited: (_model, state, detail, retryAfter) => rateLimited(state.exceeded ?? 'requests', detail, retryAfter),
  fault(kind: FaultKind, model: string, retryAfter: string): ErrorReply | null {
    switch (kind) {
      case 'rate_limit':
        return rateLimited('requests', 'Limit 4000, Used 4000, Requested 1 (injected fault)', retryAfter);
      case 'server_error':
        return reply(500, 'api_error', 'Internal server error');
      case 'service_unavailable':
      case 'stream_error':
      case 'response_failed':
        return reply(529, OVERLOADED.type, OVERLOADED.message);
      case 'unauthorized':
        return reply(401, 'authentication_error', 'invalid x-api-key');
      case 'forbidden':
        return reply(403, 'permission_error', 'Your API key does not have permission to use the specified resource.');
      case 'bad_request':
        return reply(400, 'invalid_request_error', 'temperature: Input should be less than or equal to 1 (injected fault)');
      case 'not_found':
        return reply(404, 'not_found_error', `model: ${model}`);
      case 'insufficient_quota':
        // An exhausted credit balance is a 400 invalid_request_error, told apart only by its message.
        return reply(400, 'invalid_request_error', 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.');
      case 'payment_required':
        return reply(402, 'billing_error', "There's an issue with your billing or payment information. Check your payment details in the Claude Console.");
      default:
        return null;
    }
  },
};
