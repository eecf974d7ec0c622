// Prompt prefixes the simulator has cached, for APIs with explicit caching (Anthropic's
// cache_control): the first answered request with a prefix writes it, requests within its
// lifetime read it and extend it, as the real cache does. Refused requests write nothing.

export class PromptCacheStore {
  private readonly expiries = new Map<string, number>();

  /** Whether `key` is cached at `now`. */
  has(key: string, now: number): boolean {
    return (this.expiries.get(key) ?? 0) > now;
  }

  /** Writes `key`, or restarts its lifetime. */
  write(key: string, ttlMs: number, now: number): void {
    this.expiries.set(key, Math.max(this.expiries.get(key) ?? 0, now + ttlMs));
  }
}
