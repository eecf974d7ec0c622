// gen_ai.provider.name, server.address/port and the rate-limit header scheme of an AI SDK model, from what
// the model itself says: its provider id (`openai.chat`, `anthropic.messages`, `google.generative-ai`,
// `my-relay.chat` for @ai-sdk/openai-compatible) and the base URL in its config.
import { ANTHROPIC_RATE_LIMIT_HEADERS, OPENAI_RATE_LIMIT_HEADERS, providerForHost, type Endpoint, type ProviderOverride, type RateLimitHeaders } from '@genai-meter/instrumentation-core';

/** Provider id prefix (up to a `.`) -> gen_ai.provider.name (semconv well-known values). Longest first. */
const PROVIDER_IDS: ReadonlyArray<readonly [prefix: string, provider: string]> = [
  ['google.vertex', 'gcp.vertex_ai'],
  ['vertex', 'gcp.vertex_ai'],
  ['google', 'gcp.gemini'],
  ['openai', 'openai'],
  ['azure', 'azure.ai.openai'],
  ['anthropic', 'anthropic'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['mistral', 'mistral_ai'],
  ['xai', 'x_ai'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['cohere', 'cohere'],
  ['togetherai', 'together_ai'],
  ['fireworks', 'fireworks_ai'],
  ['openrouter', 'openrouter'],
];

/** gen_ai.provider.name for a known provider id, else undefined. */
export function providerForId(id: string): string | undefined {
  for (const [prefix, provider] of PROVIDER_IDS) {
    if (id === prefix || (id.startsWith(prefix) && id.charCodeAt(prefix.length) === 46 /* . */)) return provider;
  }
  return undefined;
}

/** Providers whose APIs send no rate-limit headers; Anthropic's have their own names; the rest send OpenAI's. */
function rateLimitHeadersFor(provider: string): RateLimitHeaders | undefined {
  if (provider === 'anthropic') return ANTHROPIC_RATE_LIMIT_HEADERS;
  if (provider === 'gcp.gemini' || provider === 'gcp.vertex_ai' || provider === 'aws.bedrock') return undefined;
  return OPENAI_RATE_LIMIT_HEADERS;
}

interface ModelLike {
  provider?: unknown;
  modelId?: unknown;
  config?: { baseURL?: unknown; url?: unknown };
}

/** The model's base URL as its provider package keeps it (`config.baseURL`, or `config.url()`), if any. */
function baseURLOf(model: ModelLike): string | undefined {
  const config = model.config;
  if (config === null || typeof config !== 'object') return undefined;
  if (typeof config.baseURL === 'string') return config.baseURL;
  if (typeof config.url === 'function') {
    try {
      const url = (config.url as (o: { path: string; modelId: unknown }) => unknown)({ path: '', modelId: model.modelId });
      return typeof url === 'string' ? url : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Endpoints per model object, read once (a provider package fixes a model's provider id and config when it
 * creates it), shared by models with the same provider id and base URL so that they share series.
 */
export class ModelEndpoints {
  private readonly byModel = new WeakMap<object, Endpoint>();
  private readonly interned = new Map<string, Endpoint>();
  private static readonly MAX_INTERNED = 256;

  constructor(
    private readonly override: ProviderOverride | undefined,
    private readonly defaultProvider: string | undefined,
  ) {}

  resolve(model: object): Endpoint {
    const hit = this.byModel.get(model);
    if (hit) return hit;
    const m = model as ModelLike;
    const id = typeof m.provider === 'string' ? m.provider : '';
    const baseURL = baseURLOf(m) ?? '';
    const key = `${id}\u0000${baseURL}`;
    let endpoint = this.interned.get(key);
    if (!endpoint) {
      endpoint = this.compute(id, baseURL);
      if (this.interned.size < ModelEndpoints.MAX_INTERNED) this.interned.set(key, endpoint);
    }
    this.byModel.set(model, endpoint);
    return endpoint;
  }

  private compute(id: string, baseURL: string): Endpoint {
    let url: URL | undefined;
    try {
      url = baseURL ? new URL(baseURL) : undefined;
    } catch {
      url = undefined;
    }
    const byHost = url ? providerForHost(url.hostname) : undefined;
    let provider: string | undefined;
    if (typeof this.override === 'string') provider = this.override;
    else if (typeof this.override === 'function' && url) provider = this.override(url);
    provider ??= providerForId(id) ?? byHost ?? this.defaultProvider ?? (id.split('.')[0] || '_OTHER');
    const port = url ? (url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443) : undefined;
    return {
      provider,
      address: url?.hostname,
      port,
      // Not a provider's own host (a relay or gateway): a response may carry the cost it billed.
      viaGateway: url !== undefined && (byHost === undefined || byHost === 'openrouter'),
      rateLimitHeaders: rateLimitHeadersFor(provider),
    };
  }
}
