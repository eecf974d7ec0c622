// Per-model one-minute rate-limit windows, reported through the x-ratelimit-* headers exactly
// like OpenAI names them. Configured limits are enforced: an exhausted window answers 429 until
// it resets.
import type { RateLimit } from './types.js';

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 5000, tokens: 2_000_000 };
const WINDOW_MS = 60_000;

interface Window {
  startedAt: number;
  requests: number;
  tokens: number;
}

export interface RateLimitState {
  limit: RateLimit;
  remainingRequests: number;
  remainingTokens: number;
  resetMs: number;
  /** Which limit refused this request, if one did. */
  exceeded?: 'requests' | 'tokens';
}

/** OpenAI's duration format for reset headers: "20ms", "1s", "6m0s". */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly limits: Record<string, Partial<RateLimit>>;

  constructor(limits: Record<string, Partial<RateLimit>> = {}) {
    this.limits = limits;
  }

  /**
   * Only configured limits refuse requests: with the built-in defaults the headers count down
   * (floored at 0) but nothing is refused, so benchmarks can exceed 5000 requests a minute.
   */
  enforces(model: string): boolean {
    return this.limits[model] !== undefined || this.limits.default !== undefined;
  }

  limitFor(model: string): RateLimit {
    const base = { ...DEFAULT_RATE_LIMIT, ...this.limits.default };
    return { ...base, ...this.limits[model] };
  }

  /** Charges one request of `tokens` tokens to the model's window, unless that would exceed it. */
  take(model: string, tokens: number, now: number): RateLimitState {
    const limit = this.limitFor(model);
    let window = this.windows.get(model);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      window = { startedAt: now, requests: 0, tokens: 0 };
      this.windows.set(model, window);
    }
    let exceeded: RateLimitState['exceeded'];
    const enforced = this.enforces(model);
    if (enforced && window.requests + 1 > limit.requests) exceeded = 'requests';
    else if (enforced && window.tokens + tokens > limit.tokens) exceeded = 'tokens';
    else {
      window.requests += 1;
      window.tokens += tokens;
    }
    const state: RateLimitState = {
      limit,
      remainingRequests: Math.max(0, limit.requests - window.requests),
      remainingTokens: Math.max(0, limit.tokens - window.tokens),
      resetMs: window.startedAt + WINDOW_MS - now,
    };
    if (exceeded) state.exceeded = exceeded;
    return state;
  }

  /** The window's state without charging anything (for endpoints that are not metered). */
  peek(model: string, now: number): RateLimitState {
    const limit = this.limitFor(model);
    const window = this.windows.get(model);
    if (!window || now - window.startedAt >= WINDOW_MS) {
      return { limit, remainingRequests: limit.requests, remainingTokens: limit.tokens, resetMs: WINDOW_MS };
    }
    return {
      limit,
      remainingRequests: Math.max(0, limit.requests - window.requests),
      remainingTokens: Math.max(0, limit.tokens - window.tokens),
      resetMs: window.startedAt + WINDOW_MS - now,
    };
  }

  headers(state: RateLimitState): Record<string, string> {
    return {
      'x-ratelimit-limit-requests': String(state.limit.requests),
      'x-ratelimit-limit-tokens': String(state.limit.tokens),
      'x-ratelimit-remaining-requests': String(state.remainingRequests),
      'x-ratelimit-remaining-tokens': String(state.remainingTokens),
      'x-ratelimit-reset-requests': formatResetDuration(state.resetMs),
      'x-ratelimit-reset-tokens': formatResetDuration(state.resetMs),
    };
  }
}
