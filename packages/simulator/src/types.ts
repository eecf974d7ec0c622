/**
 * The injectable faults, in the fixed order in which random fault probabilities are drawn: new
 * kinds go at the end so the draws of existing kinds stay the same for a given seed.
 */
export const FAULT_KINDS = [
  'rate_limit',
  'server_error',
  'service_unavailable',
  'unauthorized',
  'forbidden',
  'bad_request',
  'not_found',
  'hang',
  'reset',
  'malformed_json',
  'stream_cut',
  'stream_error',
  'insufficient_quota',
  'payment_required',
  'response_failed',
  'response_incomplete',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Requests and tokens allowed per minute in one model's rate-limit window. `tokens` counts input
 * plus output; `inputTokens` and `outputTokens` are the separate limits Anthropic reports.
 */
export interface RateLimit {
  requests: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
}

export interface SimulatorOptions {
  /** Interface to bind; default '127.0.0.1' (never all interfaces unless asked). */
  host?: string;
  /** TCP port; default 0 (ephemeral). */
  port?: number;
  /** Seed of the deterministic RNG for latency jitter, random faults and ids; default 1. */
  seed?: number;
  /** Multiplies the per-model latency model; 0 = no artificial delay (tests); default 1. */
  latencyScale?: number;
  /** Probability per API request of each fault (drawn from the seeded RNG), for the demo. */
  faults?: Partial<Record<FaultKind, number>>;
  /** Request model -> response model, merged over the built-in table; unknown models echo. */
  responseModels?: Record<string, string>;
  /**
   * Per-model limits of the one-minute rate-limit window, merged over the defaults; the key
   * 'default' applies to models without an entry. Default 5000 requests / 2,000,000 tokens
   * (2,000,000 input / 400,000 output). Configured limits are enforced (429 once a window is
   * exhausted); the built-in defaults only drive the rate-limit headers, which then stop at 0.
   */
  rateLimits?: Record<string, Partial<RateLimit>>;
}

export interface Simulator {
  /** http://HOST:PORT */
  url: string;
  /** url + '/v1', what the openai SDK takes as baseURL. The Anthropic and Google GenAI SDKs take `url`. */
  baseURL: string;
  port: number;
  /** Total HTTP requests received so far (every path, including faulted ones). */
  readonly requests: number;
  /** Stops listening and ends every socket, including hung requests and streams in progress. */
  close(): Promise<void>;
}
