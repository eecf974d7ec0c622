// Timing helpers: process CPU (user + system, all threads) and wall time per iteration.

export interface Sample {
  /** CPU microseconds per iteration. */
  cpuUs: number;
  /** Wall microseconds per iteration. */
  wallUs: number;
}

export async function timeLoop(iterations: number, body: (i: number) => Promise<unknown>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await body(i);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / iterations, wallUs: wallNs / 1000 / iterations };
}

export function timeSync(iterations: number, body: (i: number) => void): Sample {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / iterations, wallUs: wallNs / 1000 / iterations };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median of each field over rounds: robust to a round disturbed by GC or the neighbour process. */
export function medianSample(samples: Sample[]): Sample {
  return { cpuUs: median(samples.map((s) => s.cpuUs)), wallUs: median(samples.map((s) => s.wallUs)) };
}

/** Prints the child's result where the parent looks for it. */
export function emit(result: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

export const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
