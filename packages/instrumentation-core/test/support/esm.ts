// For the ESM suites: a package's fixtures/esm-app.mjs run under `node --import fixtures/esm-register.mjs` (the
// loader hook, then register-fixture.cjs), and the metrics it printed as its `METRICS <json>` line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { METRICS } from '@genai-meter/instrumentation-core';

/** A metric as register-fixture.cjs's __collectMetrics() returns it. */
export interface DumpedMetric {
  name: string;
  points: { attributes: Record<string, unknown>; value: number | { count: number; sum: number } }[];
}

/** `fixtures`: the package's test/fixtures directory (the app's working directory); `env`: added to this process's. */
export async function runEsmApp(fixtures: string, env: Record<string, string>, timeout = 30_000): Promise<DumpedMetric[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(fixtures, 'esm-register.mjs'), join(fixtures, 'esm-app.mjs')], {
    env: { ...process.env, ...env },
    cwd: fixtures,
    timeout,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('METRICS '));
  if (!line) throw new Error(`esm-app.mjs printed no METRICS line: ${stdout}`);
  return JSON.parse(line.slice('METRICS '.length)) as DumpedMetric[];
}

const pointsOf = (metrics: DumpedMetric[], name: string) => metrics.find((m) => m.name === name)?.points ?? [];

/** The tokens of one request model and token type, summed over its series. */
export function tokenSum(metrics: DumpedMetric[], model: string, type: string): number {
  return pointsOf(metrics, METRICS.tokenUsage.name)
    .filter((p) => p.attributes['gen_ai.request.model'] === model && p.attributes['gen_ai.token.type'] === type)
    .reduce((a, p) => a + (p.value as { sum: number }).sum, 0);
}

/** [request model, count] of each time-to-first-chunk series. */
export const firstChunkCounts = (metrics: DumpedMetric[]): [unknown, number][] =>
  pointsOf(metrics, METRICS.timeToFirstChunk.name).map((p) => [p.attributes['gen_ai.request.model'], (p.value as { count: number }).count]);
