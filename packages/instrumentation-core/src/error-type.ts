// Maps anything the openai SDK (v4-v7, CJS or ESM copy) can throw, and the error a provider reports inside
// a stream, onto the closed error.type set. Classes differ between SDK copies, so this reads `status`, the
// provider's error code/type and class names rather than instanceof.
import { ERROR_TYPE_VALUES, type ErrorType } from './semconv.js';

export interface ClassifiedError {
  readonly type: ErrorType;
  readonly status: number | undefined;
}

function classNames(err: object): string[] {
  const names: string[] = [];
  for (let proto = Object.getPrototypeOf(err); proto && names.length < 8; proto = Object.getPrototypeOf(proto)) {
    const name = (proto.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string') names.push(name);
  }
  return names;
}

/**
 * Error codes and types providers put in error bodies (OpenAI `error.code`/`error.type`, Responses
 * `response.error.code`, Anthropic `error.type`, Gemini `error.status`), lower-cased.
 */
const CODE_TYPES: ReadonlyMap<string, ErrorType> = new Map<string, ErrorType>([
  ['insufficient_quota', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  ['insufficient_balance', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  ['billing_hard_limit_reached', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  ['billing_not_active', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  // Google's ErrorInfo reason when billing is not enabled on the project (sent with 403 PERMISSION_DENIED).
  ['billing_disabled', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  ['payment_required', ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA],
  ['rate_limit_exceeded', ERROR_TYPE_VALUES.RATE_LIMIT],
  ['rate_limit_error', ERROR_TYPE_VALUES.RATE_LIMIT],
  ['resource_exhausted', ERROR_TYPE_VALUES.RATE_LIMIT],
  ['server_error', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['api_error', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['internal_error', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['internal', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['overloaded_error', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['unavailable', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['service_unavailable', ERROR_TYPE_VALUES.SERVER_ERROR],
  ['vector_store_timeout', ERROR_TYPE_VALUES.TIMEOUT],
  ['deadline_exceeded', ERROR_TYPE_VALUES.TIMEOUT],
  ['timeout', ERROR_TYPE_VALUES.TIMEOUT],
  ['invalid_request_error', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['invalid_prompt', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['invalid_argument', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['context_length_exceeded', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['not_found_error', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['request_too_large', ERROR_TYPE_VALUES.BAD_REQUEST],
  ['authentication_error', ERROR_TYPE_VALUES.AUTH],
  ['permission_error', ERROR_TYPE_VALUES.AUTH],
  ['permission_denied', ERROR_TYPE_VALUES.AUTH],
  ['unauthenticated', ERROR_TYPE_VALUES.AUTH],
  ['invalid_api_key', ERROR_TYPE_VALUES.AUTH],
  // Google's ErrorInfo reason for a bad key: the Gemini API answers it with 400 INVALID_ARGUMENT.
  ['api_key_invalid', ERROR_TYPE_VALUES.AUTH],
]);

/** error.type for a provider's error code or type string; undefined when it is not one we know. */
export function errorTypeForCode(code: unknown): ErrorType | undefined {
  if (typeof code !== 'string' || code.length === 0 || code.length > 64) return undefined;
  const known = CODE_TYPES.get(code.toLowerCase());
  if (known) return known;
  // Families: invalid_image, invalid_image_format, image_too_large...
  if (code.startsWith('invalid_')) return ERROR_TYPE_VALUES.BAD_REQUEST;
  return undefined;
}

/** error.type of a provider error body ({code, type, status} as OpenAI, Anthropic and Gemini send them). */
export function errorTypeForBody(body: unknown): ErrorType | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { code?: unknown; type?: unknown; status?: unknown };
  // `code` is the more specific (OpenAI: type invalid_request_error with code insufficient_quota).
  return errorTypeForCode(b.code) ?? errorTypeForCode(b.type) ?? errorTypeForCode(b.status);
}

/**
 * Billing exhaustion some providers send with a generic status and type, told apart only by the message:
 * Anthropic's 400 "Your credit balance is too low", Gemini's 429 "...exceeded its monthly spending cap".
 */
const BILLING_MESSAGE = /credit balance is too low|spending cap|prepayment credits are depleted|insufficient (?:balance|credits?|funds)/i;

const isBillingMessage = (body: unknown): boolean => {
  const message = body !== null && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' && BILLING_MESSAGE.test(message);
};

export function errorTypeForStatus(status: number, body?: unknown): ErrorType {
  // OpenAI sends quota exhaustion as a 429; DeepSeek and relays send 402 for an empty balance.
  if (status === 402) return ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA;
  if ((status === 400 || status === 429) && isBillingMessage(body)) return ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA;
  if (status === 429) return errorTypeForBody(body) === ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA ? ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA : ERROR_TYPE_VALUES.RATE_LIMIT;
  if (status === 401 || status === 403) return ERROR_TYPE_VALUES.AUTH;
  if (status === 408) return ERROR_TYPE_VALUES.TIMEOUT;
  if (status >= 500) return ERROR_TYPE_VALUES.SERVER_ERROR;
  if (status >= 400) return ERROR_TYPE_VALUES.BAD_REQUEST;
  return ERROR_TYPE_VALUES.OTHER;
}

/**
 * The provider's error body an SDK error carries: openai's APIError keeps it as `error` (and its code/type),
 * the AI SDK's APICallError as `data` (the parsed response body).
 */
function errorBody(err: object): unknown {
  const e = err as { error?: unknown; data?: unknown; code?: unknown; type?: unknown };
  const body = e.error !== null && typeof e.error === 'object' ? e.error : e.data !== null && typeof e.data === 'object' ? e.data : undefined;
  if (body !== undefined) {
    // Bodies nest once more: { error: { error: {...} } }, the AI SDK's { error: {...} }, Anthropic's { type: 'error', error: {...} }.
    const inner = (body as { error?: unknown }).error;
    return inner !== null && typeof inner === 'object' ? inner : body;
  }
  return { code: e.code, type: e.type };
}

/** The AI SDK's errors for a response that arrived but could not be read (APICallError's cause, or thrown as such). */
const PARSE_ERRORS = ['SyntaxError', 'JSONParseError', 'TypeValidationError'];

export function classifyError(err: unknown): ClassifiedError {
  if (err === null || typeof err !== 'object') return { type: ERROR_TYPE_VALUES.OTHER, status: undefined };
  // openai/Anthropic/Google SDKs say `status`; the AI SDK's APICallError says `statusCode`.
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400) return { type: errorTypeForStatus(status, errorBody(err)), status };
  // A 2xx answer the SDK threw on (the AI SDK's APICallError for a body it could not parse or validate).
  if (typeof status === 'number' && status >= 200 && status < 300) return { type: ERROR_TYPE_VALUES.INVALID_RESPONSE, status: undefined };
  const names = classNames(err);
  const name = (err as { name?: unknown }).name;
  if (names.includes('APIUserAbortError') || name === 'AbortError') return { type: ERROR_TYPE_VALUES.CANCELLED, status: undefined };
  if (names.includes('APIConnectionTimeoutError') || name === 'TimeoutError') return { type: ERROR_TYPE_VALUES.TIMEOUT, status: undefined };
  if (names.includes('APIConnectionError')) return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  if (names.some((n) => PARSE_ERRORS.includes(n))) return { type: ERROR_TYPE_VALUES.INVALID_RESPONSE, status: undefined };
  // An error the provider sent inside a 200 stream (an `error` event, or a chunk with `error`): APIError
  // without a status, carrying the provider's body (or the AI SDK's APICallError without a status).
  if (names.includes('APIError') || names.includes('APICallError')) {
    const fromBody = errorTypeForBody(errorBody(err));
    if (fromBody) return { type: fromBody, status: undefined };
  }
  // A stream whose socket dies mid-way surfaces as a plain TypeError('terminated') / ECONNRESET from undici.
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
  const message = (err as { message?: unknown }).message;
  if (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code)) return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  if (message === 'terminated' || (typeof message === 'string' && /socket|premature close|other side closed/i.test(message))) {
    return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  }
  return { type: ERROR_TYPE_VALUES.OTHER, status: undefined };
}
