// OpenAI-shaped error responses: status, {error:{message,type,param,code}} body and the headers
// the SDK looks at (retry-after on 429).
import type { FaultKind } from './types.js';

export interface ErrorReply {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  headers?: Record<string, string>;
}

function reply(status: number, message: string, type: string, param: string | null, code: string | null, headers?: Record<string, string>): ErrorReply {
  const out: ErrorReply = { status, body: { error: { message, type, param, code } } };
  if (headers) out.headers = headers;
  return out;
}

export function badRequest(message: string, param: string | null = null, code: string | null = null): ErrorReply {
  return reply(400, message, 'invalid_request_error', param, code);
}

export function invalidUrl(method: string, path: string): ErrorReply {
  return reply(404, `Invalid URL (${method} ${path})`, 'invalid_request_error', null, null);
}

export function unparsableBody(): ErrorReply {
  return badRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

export function rateLimited(model: string, limit: 'requests' | 'tokens', detail: string, retryAfter: string): ErrorReply {
  const unit = limit === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  return reply(
    429,
    `Rate limit reached for ${model} in organization org-simulator on ${unit}: ${detail}. Please try again in ${retryAfter}s.`,
    limit,
    null,
    'rate_limit_exceeded',
    { 'retry-after': retryAfter },
  );
}

/** The HTTP error a fault kind answers with; null for faults that are not an HTTP error. */
export function faultError(kind: FaultKind, model: string, retryAfter: string): ErrorReply | null {
  switch (kind) {
    case 'rate_limit':
      return rateLimited(model, 'requests', 'Limit 5000, Used 5000, Requested 1 (injected fault)', retryAfter);
    case 'server_error':
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
    default:
      return null;
  }
}
