// Runs the real Prometheus tools, found by tests/support/tools.ts's findTool (PROMTOOL_BIN, AMTOOL_BIN,
// PROMTOOL3_BIN, ... from the environment or .cache/tools.env, else Debian's on PATH).
import { execFileSync, spawnSync } from 'node:child_process';
import { findTool } from '../../../tests/support/tools.js';

export { findTool };

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(bin: string, args: readonly string[], cwd: string): RunResult {
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function version(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] ?? '';
}

export interface Promtool {
  label: string;
  bin: string;
  major: 2 | 3;
}

/**
 * Debian's promtool 2.42 and Prometheus 3's: the rule tests run on both. A missing 3.x promtool fails
 * the suite (npm test builds it with scripts/tools/ensure.sh), it is never skipped.
 */
export function promtools(): Promtool[] {
  return [
    { label: 'promtool 2.x (Debian)', bin: findTool('promtool'), major: 2 },
    { label: 'promtool 3.x', bin: findTool('promtool3'), major: 3 },
  ];
}
