// gen_ai.provider.name and server.address/port from the client's base URL, cached per client object.
// SDKs other than openai's keep their base URL elsewhere; `resolve` takes the URL string itself too.
import type { RateLimitHeaders } from './rate-limit.js';

/** Host suffix -> gen_ai.provider.name (semconv well-known values). First match wins. */
const HOST_PROVIDERS: ReadonlyArray<readonly [suffix: string, provider: string]> = [
  ['api.openai.com', 'openai'],
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['.cognitiveservices.azure.com', 'azure.ai.openai'],
  ['api.deepseek.com', 'deepseek'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  // Regional Vertex AI endpoints: us-central1-aiplatform.googleapis.com, ...
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['api.anthropic.com', 'anthropic'],
  ['api.x.ai', 'x_ai'],
  ['api.groq.com', 'groq'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.cohere.ai', 'cohere'],
  ['api.cohere.com', 'cohere'],
  ['bedrock-runtime.', 'aws.bedrock'],
  ['api.together.xyz', 'together_ai'],
  ['api.fireworks.ai', 'fireworks_ai'],
  ['openrouter.ai', 'openrouter'],
];

export interface Endpoint {
  readonly provider: string;
  readonly address: string | undefined;
  readonly port: number | undefined;
  /**
   * The host is not a provider's own API (a gateway, relay or proxy), so a response may report its own
   * cost (OpenRouter, LiteLLM proxy): only then are the cost headers read.
   */
  readonly viaGateway: boolean;
  /**
   * The rate-limit headers of this endpoint's provider, when they differ from the instrumentation's (an SDK
   * that reaches several providers: the AI SDK). Undefined: the instrumentation's.
   */
  readonly rateLimitHeaders?: RateLimitHeaders | undefined;
}

const baseURLProperty = (client: object): unknown => (client as { baseURL?: unknown }).baseURL;

export type ProviderOverride = string | ((baseURL: URL) => string | undefined);

/** Provider for a host, or undefined when the host is not a known provider's. */
export function providerForHost(host: string): string | undefined {
  const h = host.toLowerCase();
  for (const [suffix, provider] of HOST_PROVIDERS) {
    if (suffix.startsWith('.') || suffix.startsWith('-') ? h.endsWith(suffix) : suffix.endsWith('.') ? h.startsWith(suffix) || h.includes('.' + suffix) : h === suffix) {
      return provider;
    }
  }
  return undefined;
}

/**
 * Resolves endpoints once per (client, baseURL): parsing a URL on every call would cost more than the
 * metric records. A client whose baseURL is reassigned is resolved again.
 */
export class EndpointResolver {
  private readonly cache = new WeakMap<object, { baseURL: string; endpoint: Endpoint }>();
  /** One Endpoint per base URL, so clients sharing a URL share their series (and in-flight counts). */
  private readonly interned = new Map<string, Endpoint>();
  private static readonly MAX_INTERNED = 256;

  private readonly unknown: Endpoint;

  constructor(
    private readonly override: ProviderOverride | undefined,
    private readonly fallbackProvider: string,
  ) {
    this.unknown = { provider: typeof override === 'string' ? override : fallbackProvider, address: undefined, port: undefined, viaGateway: false };
  }

  resolve(client: object | undefined, baseURLOf: (client: object) => unknown = baseURLProperty): Endpoint {
    const baseURL = client ? baseURLOf(client) : undefined;
    if (!client || typeof baseURL !== 'string') return this.unknown;
    const hit = this.cache.get(client);
    if (hit && hit.baseURL === baseURL) return hit.endpoint;
    let endpoint = this.interned.get(baseURL);
    if (!endpoint) {
      endpoint = this.compute(baseURL);
      if (this.interned.size < EndpointResolver.MAX_INTERNED) this.interned.set(baseURL, endpoint);
    }
    this.cache.set(client, { baseURL, endpoint });
    return endpoint;
  }

  private compute(baseURL: string): Endpoint {
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      return this.unknown;
    }
    const byHost = providerForHost(url.hostname);
    let provider: string | undefined;
    if (typeof this.override === 'string') provider = this.override;
    else if (typeof this.override === 'function') provider = this.override(url);
    provider ??= byHost ?? this.fallbackProvider;
    const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    // openrouter.ai is in the host list but is a gateway that reports cost.
    return { provider, address: url.hostname, port, viaGateway: byHost === undefined || byHost === 'openrouter' };
  }
}
