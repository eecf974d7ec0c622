// OpenAI's wire conventions: {error:{message,type,param,code}} bodies, x-request-id, the
// openai-processing-ms header and x-ratelimit-* headers with Go-style reset durations.
import type { RateLimitState } from '../rate-limits.js';
import type { FaultKind } from '../types.js';
import type { Dialect, ErrorReply, Headers } from './dialect.js';

function reply(status: number, message: string, type: string, param: string | null, code: string | null, headers?: Headers): ErrorReply {
  const out: ErrorReply = { status, body: { error: { message, type, param, code } } };
  if (headers) out.headers = headers;
  return out;
}

export function badRequest(message: string, param: string | null = null, code: string | null = null): ErrorReply {
  return reply(400, message, 'invalid_request_error', param, code);
}

/** OpenAI's duration format for reset headers: "20ms", "1s", "6m0s". */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}

function rateLimited(model: string, limit: string, detail: string, retryAfter: string): ErrorReply {
  const unit = limit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  return reply(
    429,
    `Rate limit reached for ${model} in organization org-simulator on ${unit}: ${detail}. Please try again in ${retryAfter}s.`,
    limit === 'requests' ? 'requests' : 'tokens',
    null,
    'rate_limit_exceeded',
    { 'retry-after': retryAfter },
  );
}

const INSUFFICIENT_QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';

export const openai: Dialect = {
  name: 'openai',
  lineEnd: '\n',
  baseHeaders: (ids) => ({ 'x-request-id': `req_${ids.hex(32)}`, 'openai-version': '2020-10-01', 'openai-organization': 'org-simulator' }),
  processingHeaders: (ms) => ({ 'openai-processing-ms': String(ms) }),
  rateLimitHeaders: (state: RateLimitState) => ({
    'x-ratelimit-limit-requests': String(state.limit.requests),
    'x-ratelimit-limit-tokens': String(state.limit.tokens),
    'x-ratelimit-remaining-requests': String(state.remainingRequests),
    'x-ratelimit-remaining-tokens': String(state.remainingTokens),
    'x-ratelimit-reset-requests': formatResetDuration(state.resetMs),
    'x-ratelimit-reset-tokens': formatResetDuration(state.resetMs),
  }),
  authenticate: () => undefined,
  errorBody: (body) => body,
  badRequest,
  unparsableBody: () =>
    badRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    ),
  routeNotFound: (method, path) => reply(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null, null),
  tooLarge: (maxBytes) => reply(413, `Request body exceeds ${maxBytes} bytes.`, 'invalid_request_error', null, null),
  missingModel: () => badRequest('you must provide a model parameter', 'model', 'missing_required_parameter'),
  internal: (message) => reply(500, message, 'server_error', null, null),
  rateLimited: (model, state, detail, retryAfter) => rateLimited(model, state.exceeded ?? 'requests', detail, retryAfter),
  fault(kind: FaultKind, model: string, retryAfter: string): ErrorReply | null {
    switch (kind) {
      case 'rate_limit':
        return rateLimited(model, 'requests', 'Limit 5000, Used 5000, Requested 1 (injected fault)', retryAfter);
      case 'server_error':
      case 'stream_error':
      case 'response_failed':
        return reply(500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
      case 'service_unavailable':
        return reply(503, 'The server is overloaded or not ready yet.', 'server_error', null, null);
      case 'unauthorized':
        return reply(401, 'Incorrect API key provided: sk-sim***. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', null, 'invalid_api_key');
      case 'forbidden':
        return reply(403, `You are not allowed to sample from ${model}.`, 'invalid_request_error', null, 'model_not_allowed');
      case 'bad_request':
        return badRequest("Invalid value for 'temperature': expected a number between 0 and 2 (injected fault).", 'temperature', 'invalid_value');
      case 'not_found':
        return reply(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found');
      case 'insufficient_quota':
        // Billing, not rate limiting, though on the same status (and without retry-after).
        return reply(429, INSUFFICIENT_QUOTA_MESSAGE, 'insufficient_quota', null, 'insufficient_quota');
      case 'payment_required':
        // OpenAI itself never answers 402; DeepSeek (and relays copying it) does, in this body.
        return reply(402, 'Insufficient Balance', 'unknown_error', null, 'invalid_request_error');
      default:
        return null;
    }
  },
};

/** The `data:` error object OpenAI sends inside a chat or completions stream that fails after 200. */
export function streamErrorPayload() {
  return { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
}

/** `error` of a Responses API response that ends 'failed' (HTTP 200): a ResponseError, code and message. */
export function responseFailedError() {
  return {
    code: 'server_error',
    message: 'An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
  };
}
