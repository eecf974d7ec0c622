// What a @google/genai request says about the call: the model as a label, and, from a request URL (where
// retries are counted), the operation and model it is for.
import { GEN_AI_OPERATION_NAME_VALUES } from '@genai-meter/instrumentation-core';

/** The last name labelled and its label: calls mostly name the model the previous call named. */
let lastModel: string | undefined;
let lastLabel: string | undefined;

/**
 * The model a call names, without the resource path around it: `models/gemini-2.5-flash` and Vertex's
 * `projects/p/locations/l/publishers/google/models/gemini-2.5-flash` are `gemini-2.5-flash`, as the SDK sends
 * it for the bare name. Tuned models (`tunedModels/123`) and Vertex endpoints keep their full name.
 */
export function modelLabel(model: unknown): string | undefined {
  if (typeof model !== 'string' || model === '') return undefined;
  if (model === lastModel) return lastLabel;
  const i = model.lastIndexOf('models/');
  const label = i !== -1 && (i === 0 || model[i - 1] === '/') ? model.slice(i + 'models/'.length) : model;
  lastModel = model;
  lastLabel = label;
  return label;
}

const METHOD_OPERATIONS: ReadonlyMap<string, string> = new Map([
  ['generateContent', GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT],
  ['streamGenerateContent', GEN_AI_OPERATION_NAME_VALUES.GENERATE_CONTENT],
  ['batchEmbedContents', GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS],
  ['embedContent', GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS],
]);

const MODEL_METHOD = /\/(models|tunedModels)\/([^/:?]+):([A-Za-z]+)/;

/** The instrumented operation and model label a request URL is for; undefined for other methods. */
export function operationOfUrl(url: unknown): { operation: string; model: string } | undefined {
  if (typeof url !== 'string') return undefined;
  const m = MODEL_METHOD.exec(url);
  if (!m) return undefined;
  const model = m[1] === 'models' ? m[2]! : `tunedModels/${m[2]!}`;
  // Vertex embeds with text-embedding models through `:predict` (which also serves image models).
  const operation = METHOD_OPERATIONS.get(m[3]!) ?? (m[3] === 'predict' && model.includes('embedding') ? GEN_AI_OPERATION_NAME_VALUES.EMBEDDINGS : undefined);
  return operation === undefined ? undefined : { operation, model };
}
