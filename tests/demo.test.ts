// `npm run demo`, the README's main command: with no API key and no Docker it serves /metrics, runs
// Prometheus with the genai-meter rules, and prints a summary with calls, spend, tokens and errors.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { REPO_ROOT, freePort } from './support/tools.js';

it('runs for a bounded time and prints a summary with real numbers', async () => {
  const [metricsPort, prometheusPort] = [await freePort(), await freePort()];
  const env = { ...process.env };
  delete env.OPENAI_BASE_URL;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(REPO_ROOT, 'scripts/demo.mjs'), '--duration', '8s', '--rps', '12', '--metrics-port', String(metricsPort), '--prometheus-port', String(prometheusPort)],
    { cwd: REPO_ROOT, env, timeout: 90_000 },
  );
  const last = stdout.slice(stdout.lastIndexOf('genai-meter demo ·'));
  expect(last).toContain(`Prometheus http://127.0.0.1:${prometheusPort}`);
  // Prometheus really scraped the app and loaded every generated rule.
  const prom = /prometheus scrape (\w+) · (\d+) rule groups, (\d+) rules/.exec(last);
  expect(prom?.[1]).toBe('up');
  expect(Number(prom?.[2])).toBeGreaterThanOrEqual(5);
  expect(Number(prom?.[3])).toBeGreaterThanOrEqual(40);
  const calls = Number(/calls\s+([\d,]+)/.exec(last)?.[1]?.replace(/,/g, ''));
  expect(calls).toBeGreaterThan(20);
  expect(Number(/spend\s+\$([\d.]+)/.exec(last)?.[1])).toBeGreaterThan(0);
  expect(Number(/tokens\s+in ([\d,]+)/.exec(last)?.[1]?.replace(/,/g, ''))).toBeGreaterThan(0);
  expect(last).toMatch(/latency\s+p50 \d/);
  expect(last).toMatch(/by feature .*chat-assistant \$/);
  // All four SDKs were called and recorded, each under its own instrumentation.
  for (const sdk of ['openai', 'anthropic', 'google-genai', 'ai']) expect(last).toMatch(new RegExp(`by SDK .*\\b${sdk} [\\d,]+ calls`));
  // The workload's own tally printed at exit agrees that calls were made.
  expect(stdout).toMatch(/demo-app: \d+ calls, \d+ ok, \d+ failed/);
}, 120_000);

it('rejects bad flags with exit code 2 and the usage', async () => {
  const err = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'scripts/demo.mjs'), '--duration', 'soon'], { cwd: REPO_ROOT }).catch((e) => e);
  expect(err.code).toBe(2);
  expect(err.stderr).toContain("--duration 'soon' is not a duration");
  expect(err.stderr).toContain('Usage: npm run demo');
});
