// Maps anything the openai SDK (v4-v7, CJS or ESM copy) can throw onto the closed error.type set.
// Classes differ between SDK copies, so this reads `status` and class names rather than instanceof.
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

export function errorTypeForStatus(status: number): ErrorType {
  if (status === 429) return ERROR_TYPE_VALUES.RATE_LIMIT;
  if (status === 401 || status === 403) return ERROR_TYPE_VALUES.AUTH;
  if (status === 408) return ERROR_TYPE_VALUES.TIMEOUT;
  if (status >= 500) return ERROR_TYPE_VALUES.SERVER_ERROR;
  if (status >= 400) return ERROR_TYPE_VALUES.BAD_REQUEST;
  return ERROR_TYPE_VALUES.OTHER;
}

export function classifyError(err: unknown): ClassifiedError {
  if (err === null || typeof err !== 'object') return { type: ERROR_TYPE_VALUES.OTHER, status: undefined };
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400) return { type: errorTypeForStatus(status), status };
  const names = classNames(err);
  const name = (err as { name?: unknown }).name;
  if (names.includes('APIUserAbortError') || name === 'AbortError') return { type: ERROR_TYPE_VALUES.CANCELLED, status: undefined };
  if (names.includes('APIConnectionTimeoutError') || name === 'TimeoutError') return { type: ERROR_TYPE_VALUES.TIMEOUT, status: undefined };
  if (names.includes('APIConnectionError')) return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  if (names.includes('SyntaxError')) return { type: ERROR_TYPE_VALUES.INVALID_RESPONSE, status: undefined };
  // A stream whose socket dies mid-way surfaces as a plain TypeError('terminated') / ECONNRESET from undici.
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).code ?? (err as { cause?: { code?: unknown } }).cause?.code;
  const message = (err as { message?: unknown }).message;
  if (typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code)) return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  if (message === 'terminated' || (typeof message === 'string' && /socket|premature close|other side closed/i.test(message))) {
    return { type: ERROR_TYPE_VALUES.CONNECTION, status: undefined };
  }
  return { type: ERROR_TYPE_VALUES.OTHER, status: undefined };
}
