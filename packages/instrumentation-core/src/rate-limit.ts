// Rate-limit response headers: their names per provider, and when the window they describe resets. Providers write it three ways:
// a Go-style duration until the reset (OpenAI `6m0s`, `20ms`; Groq `2m59.56s`), plain seconds (`12`,
// `0.5`), or an RFC 3339 instant (Anthropic `anthropic-ratelimit-*-reset`).

const UNIT_MILLIS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const DURATION = /^(?:(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;

/** Milliseconds a reset value says the window lasts from now, or undefined when it cannot be read. */
export function parseResetDelayMillis(value: string): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (DURATION.test(v)) {
    let ms = 0;
    for (const [, n, unit] of v.matchAll(DURATION_PART)) ms += Number(n) * UNIT_MILLIS[unit!]!;
    return ms;
  }
  return undefined;
}

/** Epoch ms at which the window resets, for a header seen at `seenAt` (epoch ms); undefined if unreadable. */
export function rateLimitResetAt(value: string | null, seenAt: number): number | undefined {
  if (value === null) return undefined;
  const delay = parseResetDelayMillis(value);
  if (delay !== undefined) return seenAt + delay;
  // An instant: only a full date-time, so that a bare number is never read as a year.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** The headers describing one limit (requests or tokens) of a window. */
export interface RateLimitHeaderNames {
  remaining: string;
  limit: string;
  reset: string;
}

export interface RateLimitHeaders {
  requests: RateLimitHeaderNames;
  tokens: RateLimitHeaderNames;
}

/** OpenAI and most OpenAI-compatible providers and gateways (DeepSeek, Groq, xAI, Azure). */
export const OPENAI_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  requests: { remaining: 'x-ratelimit-remaining-requests', limit: 'x-ratelimit-limit-requests', reset: 'x-ratelimit-reset-requests' },
  tokens: { remaining: 'x-ratelimit-remaining-tokens', limit: 'x-ratelimit-limit-tokens', reset: 'x-ratelimit-reset-tokens' },
};

/** Anthropic's Messages API (`tokens` is the most restrictive of its input/output token limits). */
export const ANTHROPIC_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  requests: { remaining: 'anthropic-ratelimit-requests-remaining', limit: 'anthropic-ratelimit-requests-limit', reset: 'anthropic-ratelimit-requests-reset' },
  tokens: { remaining: 'anthropic-ratelimit-tokens-remaining', limit: 'anthropic-ratelimit-tokens-limit', reset: 'anthropic-ratelimit-tokens-reset' },
};
