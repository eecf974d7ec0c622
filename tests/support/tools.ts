// Real binaries for end-to-end tests: where they are, and how to run them on loopback so that no
// process outlives its test.
//
//   const prom = await startProcess(findTool('prometheus'), ['--web.listen-address=127.0.0.1:' + port, ...],
//     { name: 'prometheus', readyUrl: `http://127.0.0.1:${port}/-/ready` });
//   afterAll(() => stopAll());
//
// Paths come from the environment (PROMETHEUS_BIN, ...) or from .cache/tools.env, which
// scripts/tools/ensure.sh writes; run that script first (scripts/test.sh does).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/support/tools.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type ToolName = 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'otelcol' | 'prometheus3' | 'promtool3';

/** Each tool's variable (environment or .cache/tools.env) and, for Debian's, its command on PATH. */
const TOOL_ENV: Record<ToolName, { key: string; command?: string }> = {
  prometheus: { key: 'PROMETHEUS_BIN', command: 'prometheus' },
  promtool: { key: 'PROMTOOL_BIN', command: 'promtool' },
  alertmanager: { key: 'ALERTMANAGER_BIN', command: 'prometheus-alertmanager' },
  amtool: { key: 'AMTOOL_BIN', command: 'amtool' },
  otelcol: { key: 'OTELCOL_BIN' },
  // Prometheus 3.x, built from the Go module proxy by scripts/tools/ensure-prometheus3.sh.
  prometheus3: { key: 'PROMETHEUS3_BIN' },
  promtool3: { key: 'PROMTOOL3_BIN' },
};

/** KEY=VALUE lines of .cache/tools.env (empty when ensure.sh has not run). */
export function readToolsEnv(file = `${REPO_ROOT}.cache/tools.env`): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Absolute path of a tool: `$<TOOL>_BIN` from the environment wins, then .cache/tools.env, then (Debian's
 * tools) PATH. Throws (failing the test, never skipping it) when the tool is not installed.
 */
export function findTool(name: ToolName): string {
  const { key, command } = TOOL_ENV[name];
  const fromEnv = process.env[key];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${key}=${fromEnv} does not exist`);
    return fromEnv;
  }
  // A stale .cache/tools.env entry (the tool since removed) does not hide the one on PATH.
  const listed = readToolsEnv()[key];
  const path = listed !== undefined && existsSync(listed) ? listed : (onPath(command) ?? listed);
  if (!path || !existsSync(path)) {
    throw new Error(`${name} not found (${key}=${path ?? 'unset'}${command ? `, no ${command} on PATH` : ''}); run: bash scripts/tools/ensure.sh`);
  }
  return path;
}

function onPath(command: string | undefined): string | undefined {
  if (!command) return undefined;
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, command)).find((file) => file.startsWith('/') && existsSync(file));
}

/** The collector release the binary was built from, e.g. "0.161.0". */
export function otelcolVersion(): string {
  return process.env.OTELCOL_VERSION || readToolsEnv().OTELCOL_VERSION || 'unknown';
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it, so parallel test files rarely collide). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

/** A base port with the n - 1 after it free as well (a cluster's instances serve base + i). */
export async function consecutiveFreePorts(n: number): Promise<number> {
  const bindable = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = await freePort();
    let all = base + n - 1 <= 65535;
    for (let i = 1; all && i < n; i++) all = await bindable(base + i);
    if (all) return base;
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
}

/**
 * Polls `fn` until it returns a value other than undefined/false/null, and returns that value.
 * Errors thrown by `fn` count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET a URL and return status and body; network errors reject. */
export async function httpGet(url: string, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

export interface StartOptions {
  /** Label used in logs and error messages (default: the command's basename). */
  name?: string;
  /** Polled until it answers HTTP 200; startProcess resolves only then. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (bounded to the last 1 MB). */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<RunningProcess>();
const OUTPUT_LIMIT = 1 << 20;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the whole group: a wrapper's children go too
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

// Last resort if a test file dies without running afterAll: kill what is left, synchronously.
process.once('exit', () => {
  for (const p of running) if (!p.exited()) killGroup(p.pid, 'SIGKILL');
});

/**
 * Starts `cmd args` in its own process group, captures its output, and (with `readyUrl`) waits
 * until it serves HTTP 200. If it exits or never becomes ready, it is killed and the error
 * carries its output. Every process is registered for {@link stopAll}.
 */
export async function startProcess(cmd: string, args: readonly string[], options: StartOptions = {}): Promise<RunningProcess> {
  const name = options.name ?? cmd.split('/').pop() ?? cmd;
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() reaches grandchildren
  });
  let log = '';
  const append = (chunk: Buffer): void => {
    log += chunk.toString();
    if (log.length > OUTPUT_LIMIT) log = log.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);

  let exitedFlag = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      resolve();
    });
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawnError || child.pid === undefined) throw new Error(`${name}: cannot start ${cmd}: ${spawnError?.message}`);
  const pid = child.pid;

  const proc: RunningProcess = {
    name,
    pid,
    child,
    output: () => log,
    exited: () => exitedFlag,
    async stop(graceMs = 5_000) {
      if (!exitedFlag) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      running.delete(proc);
    },
  };
  running.add(proc);

  if (options.readyUrl) {
    const readyUrl = options.readyUrl;
    try {
      await waitFor(
        async () => {
          if (exitedFlag) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
          return (await httpGet(readyUrl, 1_000)).status === 200;
        },
        { timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100, what: `${name} at ${readyUrl}` },
      );
    } catch (error) {
      await proc.stop(1_000);
      throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${log.slice(-8_000)}`);
    }
  }
  return proc;
}

/** Stops every process started through this module that is still running (call it in afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (e.g. `otelcol validate`, `promtool check`) and returns its output. */
export function runTool(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
