// Locates the real Prometheus tools: env PROMTOOL_BIN / AMTOOL_BIN / PROMETHEUS_BIN, else PATH; Prometheus
// 3's promtool from PROMTOOL3_BIN or .cache/tools.env (scripts/tools/ensure.sh builds it).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

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

/** A value of .cache/tools.env (written by scripts/tools/ensure.sh), if any. */
function toolsEnv(key: string): string | undefined {
  const file = join(repoRoot, '.cache/tools.env');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);
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
  const v3 = process.env.PROMTOOL3_BIN || toolsEnv('PROMTOOL3_BIN');
  if (!v3 || !existsSync(v3)) throw new Error(`Prometheus 3's promtool not found (PROMTOOL3_BIN=${v3 ?? 'unset'}): run bash scripts/tools/ensure.sh`);
  return [
    { label: 'promtool 2.x (Debian)', bin: findBinary('PROMTOOL_BIN', 'promtool'), major: 2 },
    { label: 'promtool 3.x', bin: v3, major: 3 },
  ];
}
