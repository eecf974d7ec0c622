// Google's wire conventions for the Gemini API: {error:{code,message,status,details}} bodies with
// the canonical status names (INVALID_ARGUMENT 400, PERMISSION_DENIED 403, NOT_FOUND 404,
// RESOURCE_EXHAUSTED 429 and, for depleted prepaid credits, 402, INTERNAL 500, UNAVAILABLE 503),
// an API key from x-goog-api-key or the `key` query parameter, CRLF-terminated SSE lines, and no
// rate-limit headers (the API sends none).
import type { RateLimitState } from '../rate-limits.js';
import type { FaultKind } from '../types.js';
import type { Dialect, ErrorReply } from './dialect.js';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  402: 'RESOURCE_EXHAUSTED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function googleError(code: number, message: string, details?: unknown[]) {
  return { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } };
}

function reply(code: number, message: string, details?: unknown[]): ErrorReply {
  return { status: code, body: googleError(code, message, details) };
}

function resourceExhausted(model: string, metric: string, detail: string, retryAfter: string): ErrorReply {
  return reply(429, `You exceeded your current quota, please check your plan and billing details. Quota exceeded for metric: generativelanguage.googleapis.com/${metric}, model: ${model} (${detail}). Please retry in ${retryAfter}s.`, [
    { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: `generativelanguage.googleapis.com/${metric}`, quotaDimensions: { location: 'global', model } }] },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` },
  ]);
}

const QUOTA_METRICS: Record<string, string> = {
  requests: 'generate_content_requests',
  tokens: 'generate_content_input_token_count',
  input_tokens: 'generate_content_input_token_count',
  output_tokens: 'generate_content_output_token_count',
};

/** The overload Google reports as HTTP 503 before a response, or as an error chunk inside a stream. */
export const OVERLOADED_MESSAGE = 'The model is overloaded. Please try again later.';

export const gemini: Dialect = {
  name: 'gemini',
  lineEnd: '\r\n',
  baseHeaders: () => ({ vary: 'Origin, X-Origin, Referer' }),
  processingHeaders: (ms) => ({ 'server-timing': `gfet4t7; dur=${ms}` }),
  rateLimitHeaders: () => ({}),
  authenticate(headers, url) {
    if (headers['x-goog-api-key'] || url.searchParams.get('key') || headers.authorization) return undefined;
    return reply(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  },
  errorBody: (body) => body,
  badRequest: (message) => reply(400, message),
  unparsableBody: () => reply(400, 'Invalid JSON payload received. Unexpected token.'),
  routeNotFound: (method, path) => reply(404, `Method not found: ${method} ${path}.`),
  tooLarge: (maxBytes) => reply(400, `Request payload size exceeds the limit: ${maxBytes} bytes.`),
  missingModel: () => reply(400, 'model is required.'),
  internal: (message) => reply(500, message),
  rateLimited: (model, state: RateLimitState, detail, retryAfter) => resourceExhausted(model, QUOTA_METRICS[state.exceeded ?? 'requests']!, detail, retryAfter),
  fault(kind: FaultKind, model: string, retryAfter: string): ErrorReply | null {
    switch (kind) {
      case 'rate_limit':
        return resourceExhausted(model, 'generate_content_requests', 'injected fault', retryAfter);
      case 'server_error':
        return reply(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
      case 'service_unavailable':
      case 'stream_error':
      case 'response_failed':
        return reply(503, OVERLOADED_MESSAGE);
      case 'unauthorized':
        // An invalid key is a 400 on this API, told apart by its ErrorInfo reason.
        return reply(400, 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        ]);
      case 'forbidden':
        return reply(403, 'The caller does not have permission');
      case 'bad_request':
        return reply(400, "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\" (injected fault)");
      case 'not_found':
        return reply(404, `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
      case 'insufficient_quota':
        // A billing limit on the rate-limit status: only the message, and no RetryInfo, tell it apart.
        return reply(429, 'Your billing account has exceeded its monthly spending cap. Please go to AI Studio at https://aistudio.google.com to manage your billing. Learn more at https://ai.google.dev/gemini-api/docs/billing.');
      case 'payment_required':
        return reply(402, 'Your prepayment credits are depleted. Please go to AI Studio at https://ai.studio/projects to manage your project and billing. Learn more at https://ai.google.dev/gemini-api/docs/billing#prepay.');
      default:
        return null;
    }
  },
};
