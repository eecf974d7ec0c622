// POST /v1/embeddings: unit vectors derived from each input's text (equal inputs embed equally),
// as float arrays or, for encoding_format 'base64' (the openai SDK's default since 4.56), as
// base64 little-endian float32. `dimensions` is honoured; the default of 8 keeps bodies small.
import { embeddingVector, vectorToBase64 } from '../content.js';
import { badRequest } from '../dialects/openai.js';
import { hashString, mix, Rng } from '../rng.js';
import { inputTokens } from '../tokens.js';
import { noErrorFrame, RequestError, type Plan, type RequestContext } from './plan.js';

const DEFAULT_DIMENSIONS = 8;
const MAX_DIMENSIONS = 4096;

export function planEmbeddings(ctx: RequestContext): Plan {
  const { body } = ctx;
  const input = body.input;
  const tokens = inputTokens(input);
  if (!tokens.length) throw new RequestError(badRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter'));
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new RequestError(badRequest(`Invalid value for 'encoding_format': '${String(format)}'. Supported values are: 'float' and 'base64'.`, 'encoding_format', 'invalid_value'));
  }
  const dims = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > MAX_DIMENSIONS) {
    throw new RequestError(badRequest(`Invalid value for 'dimensions': must be an integer between 1 and ${MAX_DIMENSIONS}.`, 'dimensions', 'invalid_value'));
  }
  // A single string or a single token array is one input; otherwise each element is one.
  const items: unknown[] = typeof input === 'string' || (Array.isArray(input) && input.every((x) => typeof x === 'number')) ? [input] : (input as unknown[]);
  const promptTokens = ctx.controls.usage?.prompt ?? tokens.reduce((a, b) => a + b, 0);
  return {
    stream: false,
    input: promptTokens,
    output: 0,
    chunks: 1,
    json: () => ({
      object: 'list',
      data: items.map((item, index) => {
        const vector = embeddingVector(dims, new Rng(mix(ctx.seed, hashString(`${ctx.requestModel}\u0000${JSON.stringify(item)}`))));
        return { object: 'embedding', index, embedding: format === 'base64' ? vectorToBase64(vector) : vector };
      }),
      model: ctx.responseModel,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    }),
    frames: () => [],
    errorFrame: noErrorFrame,
  };
}
