// URL -> endpoint. Accepts the OpenAI paths (/v1/...), the same without /v1, the Azure OpenAI
// deployment paths (/openai/deployments/{deployment}/...?api-version=...) and Azure's /openai/v1/.

export type Endpoint = 'chat' | 'responses' | 'embeddings' | 'completions' | 'models' | 'model' | 'health';

export interface Route {
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  /** Azure deployment name from the path; the model when the body names none. */
  deployment?: string;
  /** Model id of GET /v1/models/{id}. */
  modelId?: string;
}

const POST_ENDPOINTS: Record<string, Endpoint> = {
  'chat/completions': 'chat',
  responses: 'responses',
  embeddings: 'embeddings',
  completions: 'completions',
};

export function resolveRoute(pathname: string): Route | undefined {
  if (pathname === '/health' || pathname === '/healthz') return { endpoint: 'health', method: 'GET' };
  let rest = pathname.replace(/\/+$/, '');
  let deployment: string | undefined;
  const azure = /^\/openai\/deployments\/([^/]+)(\/.*)$/.exec(rest);
  if (azure) {
    deployment = decodeURIComponent(azure[1]!);
    rest = azure[2]!;
  } else {
    rest = rest.replace(/^\/openai(?=\/)/, '').replace(/^\/v1(?=\/)/, '');
  }
  const name = rest.replace(/^\//, '');
  const endpoint = POST_ENDPOINTS[name];
  if (endpoint) return deployment === undefined ? { endpoint, method: 'POST' } : { endpoint, method: 'POST', deployment };
  if (deployment !== undefined) return undefined;
  if (name === 'models') return { endpoint: 'models', method: 'GET' };
  const model = /^models\/(.+)$/.exec(name);
  if (model) return { endpoint: 'model', method: 'GET', modelId: decodeURIComponent(model[1]!) };
  return undefined;
}
