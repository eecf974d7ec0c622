// Prometheus duration strings: parsing and printing, for windows derived from settings.

/** Seconds in a Prometheus duration: `5m`, `1h`, `1d`, `1w`, or composite such as `1h30m` or `59m30s`. */
export function durationSeconds(d: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const parts = [...d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) throw new Error(`unsupported duration ${d}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

/** The shortest composite Prometheus duration for a number of seconds (millisecond precision): 3570 -> `59m30s`. */
export function formatDuration(seconds: number): string {
  let ms = Math.round(seconds * 1000);
  if (ms <= 0) throw new Error(`formatDuration: ${seconds} is not a positive duration`);
  const out: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    if (ms >= size) {
      out.push(`${Math.floor(ms / size)}${unit}`);
      ms %= size;
    }
  }
  return out.join('');
}
