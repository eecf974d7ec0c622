// Request fields of the endpoints that take JSON or multipart/form-data (images, audio): a multipart body
// sends every value as text ("2", "true"), a JSON body as typed values; both read the same. A value of the
// wrong kind answers the API's 400 naming the parameter.
import { badRequest } from '../dialects/openai.js';
import { UploadedFile } from '../multipart.js';
import { RequestError } from './plan.js';

type Body = Record<string, unknown>;

const invalid = (param: string, message: string): RequestError => new RequestError(badRequest(message, param, 'invalid_value'));

export const missing = (param: string): RequestError => new RequestError(badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter'));

/** A text field; undefined when absent or null. */
export function stringField(body: Body, param: string): string | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(param, `Invalid type for '${param}': expected a string.`);
  return value;
}

/** One of `allowed`, or `fallback` when absent. */
export function choiceField<T extends string>(body: Body, param: string, allowed: readonly T[], fallback: T): T {
  const value = stringField(body, param);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalid(param, `Invalid value: '${value}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`);
  }
  return value as T;
}

/** A number within [min, max], as JSON or as text. */
export function numberField(body: Body, param: string, min: number, max: number, integer = false): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw invalid(param, `Invalid value for '${param}': expected ${integer ? 'an integer' : 'a number'} between ${min} and ${max}.`);
  }
  return n;
}

/** true as JSON or as the text "true". */
export const flagField = (body: Body, param: string): boolean => body[param] === true || body[param] === 'true';

/** The uploaded files of a field (one file, or several sent as `name[]`). */
export function filesField(body: Body, param: string): UploadedFile[] {
  const value = body[param];
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  if (!items.every((item) => item instanceof UploadedFile)) throw invalid(param, `Invalid type for '${param}': expected a file (multipart/form-data).`);
  return items as UploadedFile[];
}
