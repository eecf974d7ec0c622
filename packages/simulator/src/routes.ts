// URL -> API and endpoint. OpenAI paths (/v1/..., the same without /v1, Azure OpenAI's
// /openai/deployments/{deployment}/...?api-version=... and /openai/v1/...), Anthropic's
// /v1/messages (the SDK's beta namespace adds ?beta=true) and Gemini's
// /v1beta/models/{model}:{method} (and /v1/..., tunedModels/...).

export type Api = 'openai' | 'anthropic' | 'gemini';

export type Endpoint =
  | 'chat'
  | 'responses'
  | 'embeddings'
  | 'completions'
  | 'image_generations'
  | 'image_edits'
  | 'image_variations'
  | 'transcriptions'
  | 'translations'
  | 'speech'
  | 'moderations'
  | 'image_file'
  | 'models'
  | 'model'
  | 'health'
  | 'messages'
  | 'count_tokens'
  | 'generate_content'
  | 'stream_generate_content'
  | 'embed_content'
  | 'batch_embed_contents'
  | 'gemini_count_tokens';

export interface Route {
  api: Api;
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  /** Azure deployment name from the path; the model when the body names none. */
  deployment?: string;
  /** Model id of GET /v1/models/{id}, or the model of a Gemini path. */
  modelId?: string;
  /** Name of an image GET /v1/images/files/{name} serves (the `url` of an image answer). */
  file?: string;
}

const OPENAI_POST: Record<string, Endpoint> = {
  'chat/completions': 'chat',
  responses: 'responses',
  embeddings: 'embeddings',
  completions: 'completions',
  'images/generations': 'image_generations',
  'images/edits': 'image_edits',
  'images/variations': 'image_variations',
  'audio/transcriptions': 'transcriptions',
  'audio/translations': 'translations',
  'audio/speech': 'speech',
  moderations: 'moderations',
};

const ANTHROPIC_POST: Record<string, Endpoint> = {
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

const GEMINI_METHODS: Record<string, Endpoint> = {
  generateContent: 'generate_content',
  streamGenerateContent: 'stream_generate_content',
  embedContent: 'embed_content',
  batchEmbedContents: 'batch_embed_contents',
  countTokens: 'gemini_count_tokens',
};

const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/(models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;

export function resolveRoute(pathname: string): Route | undefined {
  if (pathname === '/health' || pathname === '/healthz') return { api: 'openai', endpoint: 'health', method: 'GET' };
  let rest = pathname.replace(/\/+$/, '');
  const anthropicEndpoint = ANTHROPIC_POST[rest];
  if (anthropicEndpoint) return { api: 'anthropic', endpoint: anthropicEndpoint, method: 'POST' };
  const gemini = GEMINI_PATH.exec(rest);
  if (gemini) {
    const endpoint = GEMINI_METHODS[gemini[3]!];
    const model = decodeURIComponent(gemini[2]!);
    return endpoint ? { api: 'gemini', endpoint, method: 'POST', modelId: gemini[1] === 'tunedModels' ? `tunedModels/${model}` : model } : undefined;
  }
  let deployment: string | undefined;
  const azure = /^\/openai\/deployments\/([^/]+)(\/.*)$/.exec(rest);
  if (azure) {
    deployment = decodeURIComponent(azure[1]!);
    rest = azure[2]!;
  } else {
    rest = rest.replace(/^\/openai(?=\/)/, '').replace(/^\/v1(?=\/)/, '');
  }
  const name = rest.replace(/^\//, '');
  const endpoint = OPENAI_POST[name];
  if (endpoint) return deployment === undefined ? { api: 'openai', endpoint, method: 'POST' } : { api: 'openai', endpoint, method: 'POST', deployment };
  if (deployment !== undefined) return undefined;
  if (name === 'models') return { api: 'openai', endpoint: 'models', method: 'GET' };
  const model = /^models\/(.+)$/.exec(name);
  if (model) return { api: 'openai', endpoint: 'model', method: 'GET', modelId: decodeURIComponent(model[1]!) };
  const file = /^images\/files\/([A-Za-z0-9_-]+\.png)$/.exec(name);
  if (file) return { api: 'openai', endpoint: 'image_file', method: 'GET', file: file[1]! };
  return undefined;
}

/** The API whose error shape answers an unknown path (or a wrong method on a known one). */
export function apiForPath(pathname: string): Api {
  if (/^\/v1(beta|alpha)\//.test(pathname) || /^\/v1\/(models|tunedModels)\/[^/]+:/.test(pathname)) return 'gemini';
  if (/^\/v1\/messages(\/|$)/.test(pathname)) return 'anthropic';
  return 'openai';
}
