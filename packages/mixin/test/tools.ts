// Locates the real Prometheus tools: env PROMTOOL_BIN / AMTOOL_BIN / PROMETHEUS_BIN, else PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findBinary(envVar: string, name: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} not found: set ${envVar} or install it (scripts/tools/ensure.sh, or apt-get install prometheus prometheus-alertmanager)`,
  );
}

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
