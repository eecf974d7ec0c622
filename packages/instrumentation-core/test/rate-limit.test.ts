// The rule the README documents for rate-limit headroom: a value holds until the window its reset header
// describes has passed (then the full limit), or, without a readable reset, for the age limit (then none).
import { describe, expect, it } from 'vitest';
import { OPENAI_RATE_LIMIT_HEADERS, ANTHROPIC_RATE_LIMIT_HEADERS, parseResetDelayMillis, rateLimitResetAt } from '../src/rate-limit.js';
import { DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS, RateLimitState } from '../src/series.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const headers = (h: Record<string, string>) => new Headers(h);

describe('reset values, as providers write them', () => {
  it.each([
    ['6m0s', 360_000],
    ['20ms', 20],
    ['2m59.56s', 179_560],
    ['1h2m', 3_720_000],
    ['12', 12_000],
    ['0.5', 500],
    [' 7s ', 7000],
  ])('%j is %d ms', (value, ms) => expect(parseResetDelayMillis(value)).toBeCloseTo(ms, 6));

  it.each(['', 'soon', '5 minutes', '-3s', '1d'])('%j cannot be read', (value) => expect(parseResetDelayMillis(value)).toBeUndefined());

  it('an RFC 3339 instant (Anthropic) is read as such; a bare year-like number is seconds, never a date', () => {
    expect(rateLimitResetAt('2026-12-02T10:00:30Z', T0)).toBe(T0 + 30_000);
    expect(rateLimitResetAt('2026', T0)).toBe(T0 + 2_026_000);
    expect(rateLimitResetAt('2026-12-02', T0)).toBeUndefined();
    expect(rateLimitResetAt(null, T0)).toBeUndefined();
  });
});

describe('headroom over time', () => {
  it('with a reset header: the remaining value until the reset, the full limit after it', () => {
    const s = new RateLimitState();
    s.update(headers({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-limit-requests': '100', 'x-ratelimit-reset-requests': '20s' }), OPENAI_RATE_LIMIT_HEADERS.requests, T0, DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS);
    expect(s.remainingAt(T0 + 19_999)).toBe(3);
    expect(s.remainingAt(T0 + 20_000)).toBe(100);
    expect(s.remainingAt(T0 + 6 * 3_600_000)).toBe(100);
  });

  it('with an Anthropic instant: the same rule', () => {
    const s = new RateLimitState();
    s.update(
      headers({ 'anthropic-ratelimit-tokens-remaining': '1000', 'anthropic-ratelimit-tokens-limit': '80000', 'anthropic-ratelimit-tokens-reset': '2026-12-02T10:01:00Z' }),
      ANTHROPIC_RATE_LIMIT_HEADERS.tokens,
      T0,
      DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS,
    );
    expect(s.remainingAt(T0 + 59_000)).toBe(1000);
    expect(s.remainingAt(T0 + 60_000)).toBe(80_000);
  });

  it('without a reset header, or with one that cannot be read: the value ages out after the age limit and nothing is reported', () => {
    for (const reset of [undefined, 'whenever']) {
      const s = new RateLimitState();
      const h: Record<string, string> = { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-limit-tokens': '5000' };
      if (reset) h['x-ratelimit-reset-tokens'] = reset;
      s.update(headers(h), OPENAI_RATE_LIMIT_HEADERS.tokens, T0, DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS);
      expect(s.remainingAt(T0 + DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS - 1)).toBe(0);
      expect(s.remainingAt(T0 + DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS)).toBeUndefined();
    }
  });

  it('a response without the headers keeps the last values and their window; a new one starts a new window', () => {
    const s = new RateLimitState();
    const names = OPENAI_RATE_LIMIT_HEADERS.requests;
    s.update(headers({ 'x-ratelimit-remaining-requests': '9', 'x-ratelimit-limit-requests': '10', 'x-ratelimit-reset-requests': '1s' }), names, T0, DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS);
    s.update(headers({}), names, T0 + 500, DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS);
    expect(s.remainingAt(T0 + 999)).toBe(9);
    expect(s.remainingAt(T0 + 1000)).toBe(10);
    s.update(headers({ 'x-ratelimit-remaining-requests': '4', 'x-ratelimit-reset-requests': '2s' }), names, T0 + 5000, DEFAULT_RATE_LIMIT_MAX_AGE_MILLIS);
    expect(s.remainingAt(T0 + 6999)).toBe(4);
    expect(s.remainingAt(T0 + 7000)).toBe(10);
  });
});
