// Per-model one-minute rate-limit windows counting requests, input and output tokens. Each API's
// dialect renders the state as its own headers. Configured limits are enforced: an exhausted
// window answers 429 until it resets.
import type { RateLimit } from './types.js';

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 5000, tokens: 2_000_000, inputTokens: 2_000_000, outputTokens: 400_000 };
const RATE_LIMIT_WINDOW_MS = 60_000;

/** Which limit of the window refused a request. */
export type LimitName = 'requests' | 'tokens' | 'input_tokens' | 'output_tokens';

interface Window {
  startedAt: number;
  requests: number;
  input: number;
  output: number;
}

export interface TokenCharge {
  input: number;
  output: number;
}

export interface RateLimitState {
  limit: RateLimit;
  remainingRequests: number;
  remainingTokens: number;
  remainingInputTokens: number;
  remainingOutputTokens: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
  /** Which limit refused this request, if one did. */
  exceeded?: LimitName;
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

  /** Charges one request and its tokens to the model's window, unless that would exceed a limit. */
  take(model: string, charge: TokenCharge, now: number): RateLimitState {
    const limit = this.limitFor(model);
    let window = this.windows.get(model);
    if (!window || now - window.startedAt >= RATE_LIMIT_WINDOW_MS) {
      window = { startedAt: now, requests: 0, input: 0, output: 0 };
      this.windows.set(model, window);
    }
    let exceeded: LimitName | undefined;
    if (this.enforces(model)) {
      if (window.requests + 1 > limit.requests) exceeded = 'requests';
      else if (window.input + window.output + charge.input + charge.output > limit.tokens) exceeded = 'tokens';
      else if (window.input + charge.input > limit.inputTokens) exceeded = 'input_tokens';
      else if (window.output + charge.output > limit.outputTokens) exceeded = 'output_tokens';
    }
    if (!exceeded) {
      window.requests += 1;
      window.input += charge.input;
      window.output += charge.output;
    }
    const state = stateOf(limit, window, now);
    if (exceeded) state.exceeded = exceeded;
    return state;
  }

  /** The window's state without charging anything (for endpoints that are not metered). */
  peek(model: string, now: number): RateLimitState {
    const limit = this.limitFor(model);
    const window = this.windows.get(model);
    if (!window || now - window.startedAt >= RATE_LIMIT_WINDOW_MS) return stateOf(limit, { startedAt: now, requests: 0, input: 0, output: 0 }, now);
    return stateOf(limit, window, now);
  }
}

function stateOf(limit: RateLimit, window: Window, now: number): RateLimitState {
  return {
    limit,
    remainingRequests: Math.max(0, limit.requests - window.requests),
    remainingTokens: Math.max(0, limit.tokens - window.input - window.output),
    remainingInputTokens: Math.max(0, limit.inputTokens - window.input),
    remainingOutputTokens: Math.max(0, limit.outputTokens - window.output),
    resetMs: window.startedAt + RATE_LIMIT_WINDOW_MS - now,
  };
}

/** What a refused request used and asked for, for the 429 message. */
export function limitDetail(state: RateLimitState, charge: TokenCharge): string {
  const { limit } = state;
  switch (state.exceeded) {
    case 'requests':
      return `Limit ${limit.requests}, Used ${limit.requests - state.remainingRequests}, Requested 1`;
    case 'input_tokens':
      return `Limit ${limit.inputTokens}, Used ${limit.inputTokens - state.remainingInputTokens}, Requested ${charge.input}`;
    case 'output_tokens':
      return `Limit ${limit.outputTokens}, Used ${limit.outputTokens - state.remainingOutputTokens}, Requested ${charge.output}`;
    default:
      return `Limit ${limit.tokens}, Used ${limit.tokens - state.remainingTokens}, Requested ${charge.input + charge.output}`;
  }
}
