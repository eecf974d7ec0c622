// error.type for what @google/genai throws. Its ApiError carries the HTTP status (or, for an error chunk inside
// a 200 stream, the error's code) and the Google error body as its message (`{"error":{"code","message",
// "status","details"}}`, prefixed with "got status: NAME. " for stream chunks); everything else is a fetch
// error, a parse error or the abort of a signal.
import { ERROR_TYPE_VALUES, classifyError, errorTypeForCode, errorTypeForStatus, type ClassifiedError, type ErrorType } from '@genai-meter/instrumentation-core';

interface GoogleErrorBody {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/** The `error` object of a Google error body embedded in an ApiError message, if there is one. */
function googleErrorBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start === -1) return undefined;
  try {
    const parsed = JSON.parse(message.slice(start)) as { error?: unknown };
    return parsed.error !== null && typeof parsed.error === 'object' ? (parsed.error as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What an `ErrorInfo` reason says when the status alone would mislead: `API_KEY_INVALID` comes as 400
 * INVALID_ARGUMENT (a credentials problem, not a bad request), `BILLING_DISABLED` as 403 (billing, not auth).
 */
function typeFromReasons(details: unknown): ErrorType | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const reason = (detail as { reason?: unknown } | null)?.reason;
    const type = errorTypeForCode(reason);
    if (type === ERROR_TYPE_VALUES.AUTH || type === ERROR_TYPE_VALUES.INSUFFICIENT_QUOTA) return type;
  }
  return undefined;
}

/**
 * `signal` is the caller's `config.abortSignal`: an abort the caller did not ask for is the SDK's own
 * `httpOptions.timeout` (it aborts the request, or the body of a stream, with the same AbortError).
 */
export function classifyGoogleGenAIError(err: unknown, signal: AbortSignal | undefined): ClassifiedError {
  if (err !== null && typeof err === 'object') {
    const e = err as { status?: unknown; message?: unknown; name?: unknown };
    if (typeof e.status === 'number' && e.status >= 400 && typeof e.message === 'string') {
      const body = googleErrorBody(e.message);
      // A 429 that is a spending cap and a 402 are billing (core reads the body's message); 503 UNAVAILABLE is server_error.
      return { type: typeFromReasons(body?.details) ?? errorTypeForStatus(e.status, body), status: e.status };
    }
    if (e.name === 'AbortError' && signal?.aborted !== true) return { type: ERROR_TYPE_VALUES.TIMEOUT, status: undefined };
  }
  return classifyError(err);
}
