// error.type of what a model call threw or reported in its stream, as the AI SDK's provider packages shape
// them: APICallError (statusCode, the parsed body in `data`, a cause), and `error` stream parts that carry the
// provider's error body ({ type, code, message }), sometimes with the statusCode of the equivalent HTTP error.
import { ERROR_TYPE_VALUES, classifyError, errorTypeForBody, errorTypeForCode, errorTypeForStatus, type ErrorType } from '@genai-meter/instrumentation-core';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' ? (v as Obj) : undefined);

/**
 * A Responses API answer with `status: 'failed'` (HTTP 200) that the provider package could not validate: the
 * failure it reports, rather than the validation error the SDK throws for it.
 */
function reportedFailure(err: Obj): ErrorType | undefined {
  const value = obj(obj(err.cause)?.value);
  if (value?.status !== 'failed') return undefined;
  return errorTypeForBody(value.error) ?? ERROR_TYPE_VALUES.SERVER_ERROR;
}

/**
 * Google's ErrorInfo reason (`error.details[].reason`), which tells apart errors sent with a generic status:
 * a bad API key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
 */
function googleReason(data: unknown): ErrorType | undefined {
  const details = obj(obj(data)?.error)?.details;
  if (!Array.isArray(details)) return undefined;
  for (const d of details) {
    const type = errorTypeForCode(obj(d)?.reason);
    if (type) return type;
  }
  return undefined;
}

/** error.type and HTTP status of a model call that threw. */
export function classifyModelError(err: unknown): { type: ErrorType; status: number | undefined } {
  const e = obj(err);
  if (e) {
    const failed = reportedFailure(e);
    if (failed) return { type: failed, status: undefined };
    const reason = typeof e.statusCode === 'number' ? googleReason(e.data) : undefined;
    if (reason) return { type: reason, status: e.statusCode as number };
  }
  return classifyError(err);
}

/** error.type of an `error` stream part's error. */
export function errorTypeOfPart(error: unknown): ErrorType {
  if (error instanceof Error) return classifyModelError(error).type;
  const e = obj(error);
  if (!e) return ERROR_TYPE_VALUES.SERVER_ERROR;
  if (typeof e.statusCode === 'number' && e.statusCode >= 400) return errorTypeForStatus(e.statusCode, e.data ?? e);
  return errorTypeForBody(e) ?? errorTypeForBody(e.error) ?? ERROR_TYPE_VALUES.SERVER_ERROR;
}
